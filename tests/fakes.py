"""A deterministic fake embedder for logic tests: no model, milliseconds per call."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from treatydiff.embeddings import Embedder


class FakeEmbedder(Embedder):
    """Bag-of-words vectors by feature hashing: texts sharing words get similar vectors.

    Records every text it encodes, so tests can check what was (not) re-encoded.
    """

    name = "fake-bow"
    max_tokens = 64
    dimensions = 256

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def count_tokens(self, text: str) -> int:
        return len(text.split()) + 2

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        rows = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        for k, text in enumerate(texts):
            for word in text.lower().split():
                token = word.strip(".,;:()“”\"'")
                rows[k, hashlib.md5(token.encode()).digest()[0]] += 1.0
            norm = np.linalg.norm(rows[k])
            if norm:
                rows[k] /= norm
        return rows
