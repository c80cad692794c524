"""A model-free backend: TF-IDF vectors of words and word pairs, hashed to a fixed width.

The IDF is fitted on the texts of each call, which are all the texts of one comparison,
so a word both documents use everywhere weighs little. For the same reason its vectors
are never cached: they depend on the company a text keeps.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from treatydiff.embeddings import Embedder, EmbeddingCache, ProgressCallback, Role
from treatydiff.lexical import ngrams, normalise_for_lexical

if TYPE_CHECKING:
    from numpy.typing import NDArray

WIDTH = 4096


class TfidfEmbedder(Embedder):
    name = "tfidf"
    max_tokens = 1_000_000  # no window: a text is read whole
    languages = None
    standalone_vectors = False

    @property
    def cache_key(self) -> str:
        return "tfidf"

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def embed(
        self,
        texts: Sequence[str],
        *,
        role: Role | Sequence[Role] = "text",
        cache: EmbeddingCache | None = None,
        batch_size: int = 32,
        progress: ProgressCallback | None = None,
    ) -> NDArray[np.float32]:
        if progress:
            progress(0, 0)
        return self.embed_batch(texts)

    def embed_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return tfidf_hashed(texts)


def tfidf_hashed(texts: Sequence[str], width: int = WIDTH) -> NDArray[np.float32]:
    """Sublinear TF-IDF of words and word pairs (the aligner's lexical weighting), IDF
    fitted on `texts`, each term hashed with a sign into one of `width` columns."""
    terms = [Counter(ngrams(normalise_for_lexical(t))) for t in texts]
    frequency: Counter[str] = Counter()
    for counts in terms:
        frequency.update(counts.keys())
    n = len(texts)
    column: dict[str, tuple[int, float]] = {t: _bucket(t, width) for t in frequency}
    out = np.zeros((n, width), dtype=np.float32)
    for row, counts in enumerate(terms):
        for term, count in counts.items():
            idf = math.log((1 + n) / (1 + frequency[term])) + 1.0
            bucket, sign = column[term]
            out[row, bucket] += sign * (1.0 + math.log(count)) * idf
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _bucket(term: str, width: int) -> tuple[int, float]:
    value = int.from_bytes(hashlib.blake2b(term.encode("utf-8"), digest_size=8).digest(), "little")
    return value % width, 1.0 if value >> 63 else -1.0
