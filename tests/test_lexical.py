"""TF-IDF vectors: the same figures as scikit-learn's TfidfVectorizer."""

from __future__ import annotations

import numpy as np

from treatydiff.lexical import normalise_for_lexical, tfidf_vectors

TEXTS_A = [
    "Each Party shall adopt such legislative and other measures as may be necessary.",
    "The *access* to the whole or any part of a computer system without right.",
    "",
]
TEXTS_B = [
    "Each State Party shall adopt such legislative and other measures as may be necessary, 12 times.",
    "Information and communications technology system means any device.",
]


def test_tfidf_equals_scikit_learn() -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    ours_a, ours_b = tfidf_vectors(TEXTS_A, TEXTS_B)
    vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
    theirs = vectoriser.fit_transform([normalise_for_lexical(t) for t in TEXTS_A + TEXTS_B])
    ours = np.vstack([ours_a.toarray(), ours_b.toarray()])
    order = np.argsort(vectoriser.get_feature_names_out())
    assert np.allclose(ours, theirs.toarray()[:, order])


def test_numbers_and_emphasis_are_not_evidence() -> None:
    a, b = tfidf_vectors(["Article 5 applies *mutatis mutandis*"], ["Article 7 applies mutatis mutandis"])
    assert float((a @ b.T).toarray()[0, 0]) > 0.999


def test_only_punctuation_gives_zero_vectors() -> None:
    a, b = tfidf_vectors(["..."], ["—"])
    assert a.shape[0] == 1 and b.shape[0] == 1
    assert (a @ b.T).toarray()[0, 0] == 0.0
