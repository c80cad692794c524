"""Lexical evidence: TF-IDF vectors of the wording, fitted on both documents together.

Treaties copy wording with small edits, so shared rare words and word pairs are strong
evidence that two provisions correspond, even where a sentence embedding hesitates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

_EMPHASIS = re.compile(r"[*_]{1,2}")
# Article and paragraph numbers change on renumbering; they are not evidence of wording.
_NUMBERS = re.compile(r"\b\d+\b")


def normalise_for_lexical(text: str) -> str:
    return _NUMBERS.sub(" ", _EMPHASIS.sub("", text)).lower()


def tfidf_vectors(texts_a: Sequence[str], texts_b: Sequence[str]) -> tuple[csr_matrix, csr_matrix]:
    """L2-normalised TF-IDF rows (word unigrams and bigrams) for both sides, one vocabulary."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    corpus = [normalise_for_lexical(t) for t in [*texts_a, *texts_b]]
    vectoriser = TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
        min_df=1,
        norm="l2",
    )
    try:
        matrix = vectoriser.fit_transform(corpus).tocsr()
    except ValueError:  # empty vocabulary: texts made only of punctuation or numbers
        from scipy.sparse import csr_matrix as make_csr

        matrix = make_csr((len(corpus), 1))
    return matrix[: len(texts_a)], matrix[len(texts_a) :]
