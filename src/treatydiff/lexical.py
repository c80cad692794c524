"""Lexical evidence: TF-IDF vectors of the wording, fitted on both documents together.

Treaties copy wording with small edits, so shared rare words and word pairs are strong
evidence that two provisions correspond, even where a sentence embedding hesitates.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

_EMPHASIS = re.compile(r"[*_]{1,2}")
# Article and paragraph numbers change on renumbering; they are not evidence of wording.
_NUMBERS = re.compile(r"\b\d+\b")
_TOKEN = re.compile(r"\b\w+\b")


def normalise_for_lexical(text: str) -> str:
    return _NUMBERS.sub(" ", _EMPHASIS.sub("", text)).lower()


def tfidf_vectors(texts_a: Sequence[str], texts_b: Sequence[str]) -> tuple[csr_matrix, csr_matrix]:
    """L2-normalised TF-IDF rows (word unigrams and bigrams) for both sides, one vocabulary.

    The same figures as scikit-learn's TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True,
    smooth_idf=True), which a test checks; computed here because importing scikit-learn
    alone takes longer than a whole warm comparison.
    """
    from scipy.sparse import csr_matrix as make_csr

    documents = [ngrams(normalise_for_lexical(t)) for t in [*texts_a, *texts_b]]
    vocabulary: dict[str, int] = {}
    document_frequency: Counter[str] = Counter()
    for terms in documents:
        document_frequency.update(set(terms))
    for term in sorted(document_frequency):
        vocabulary[term] = len(vocabulary)
    n = len(documents)
    idf = {t: math.log((1 + n) / (1 + df)) + 1.0 for t, df in document_frequency.items()}
    rows: list[int] = []
    cols: list[int] = []
    values: list[float] = []
    for row, terms in enumerate(documents):
        weights = {t: (1.0 + math.log(c)) * idf[t] for t, c in Counter(terms).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        for term, weight in weights.items():
            rows.append(row)
            cols.append(vocabulary[term])
            values.append(weight / norm)
    matrix = make_csr((values, (rows, cols)), shape=(n, max(1, len(vocabulary))), dtype="float64")
    return matrix[: len(texts_a)], matrix[len(texts_a) :]


def ngrams(text: str) -> list[str]:
    words = _TOKEN.findall(text)
    return words + [f"{x} {y}" for x, y in zip(words, words[1:], strict=False)]
