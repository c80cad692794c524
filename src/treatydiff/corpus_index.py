"""The corpus index: every corpus document's paragraphs, embedded once, searchable together.

Layout, under the corpus directory::

    .index/<model-key>/manifest.json     per document: content hash, kind, segment count, shard
    .index/<model-key>/<doc-id>.npz      one shard per document: vectors, MinHash signatures, segments
    .index/<model-key>/pack/             the search pack: every row's vector (memory-mapped by a
                                         search), each row's segment record, the rows grouped by
                                         distinct vector, and the manifest content it was built from
    .index/<model-key>/ann.usearch       the approximate index (large corpora only) and
    .index/<model-key>/ann.json          the pack it was built from

A shard carries its document's content hash and model key, so a stale, missing or damaged
shard is detected and rebuilt, and an unchanged one is reused: `add` costs one document's
embedding, not the corpus's. Writes are atomic and serialised by a lock file.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import re
import tempfile
import time
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, astuple, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from treatydiff.corpus import Corpus, CorpusEntry, CorpusError, content_hash, slugify
from treatydiff.errors import InputError, TreatydiffError
from treatydiff.fsutil import atomic_write_text, mode_for

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from treatydiff.embeddings import Embedder, EmbeddingCache, ProgressCallback

INDEX_DIRNAME = ".index"
MANIFEST_SCHEMA = "treatydiff.corpus-index/1"
SEARCH_SCHEMA = "treatydiff.search/1"
# Below this many segments a matrix product is exact and fast enough; above it, HNSW.
EXACT_LIMIT = 20_000
MINHASH_PERMUTATIONS = 64
EMBED_GROUP = 16  # documents embedded per call
MINHASH_SEED = 1
SHINGLE_WORDS = 3
EXCERPT_CHARS = 240
# HNSW candidates per query: usearch's default (64) misses a few true neighbours at k=10.
SEARCH_EXPANSION = 128
# The search pack: every row's vector in one file (memory-mapped by a search), their grouping
# by distinct vector, and the manifest content it was built from.
RACY_NS = 2_000_000_000  # a file modified this recently (ns) is re-hashed at the next check
PACK_DIRNAME = "pack"
PACK_VECTORS = "vectors.npy"
PACK_GROUPS = "groups.npz"
PACK_STAMP = "pack.json"
PACK_ROWS = "rows.jsonl"  # one JSON line per row: its document and segment, read by byte offset
_WORD = re.compile(r"\w+")
_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
# What reading a truncated, overwritten or hand-edited shard or manifest raises.
_DAMAGED = (OSError, ValueError, KeyError, TypeError, AttributeError, EOFError, zipfile.BadZipFile)


class CorpusIndexError(TreatydiffError):
    """The corpus index can't be built or searched."""


@dataclass(frozen=True)
class IndexedSegment:
    """One paragraph-level segment of a corpus document, as the index keeps it."""

    segment_id: str  # "art-6.1.a"
    label: str  # "Article 6(1)(a)"
    start: int  # offsets into the corpus file's body
    end: int
    excerpt: str  # the start of the segment's text, whitespace collapsed
    words: int = -1  # words in the segment; -1 in shards written before it was stored


@dataclass(frozen=True)
class Shard:
    """One document's part of the index."""

    doc_id: str
    content_hash: str
    model_key: str
    kind: str
    title: str
    segments: tuple[IndexedSegment, ...]
    vectors: NDArray[np.float32]  # one L2-normalised row per segment
    minhashes: NDArray[np.uint32]  # one MinHash signature (word 3-shingles) per segment
    date: str = ""  # the document's date from its front matter ("2001-11-23"), "" when it has none


@dataclass(frozen=True)
class ManifestEntry:
    content_hash: str
    kind: str
    title: str
    segments: int
    shard: str  # file name inside the index directory
    # The corpus file's size and modification time when it was indexed: unchanged, the file is
    # not read again to check its hash (-1: unknown, read it).
    file_size: int = -1
    file_mtime_ns: int = -1


@dataclass(frozen=True)
class Manifest:
    model: str  # the embedder's name
    model_key: str  # the embedder's cache key: vectors of different keys never mix
    dimension: int
    documents: dict[str, ManifestEntry] = field(default_factory=dict)
    schema: str = MANIFEST_SCHEMA


@dataclass(frozen=True)
class IndexUpdate:
    """What `CorpusIndex.update` did."""

    indexed: tuple[str, ...]  # embedded now: new, changed, or with a missing/damaged shard
    reused: tuple[str, ...]
    dropped: tuple[str, ...]  # no longer in the corpus
    segments: int  # in the whole index
    seconds: float
    warnings: tuple[str, ...] = ()

    def summary_line(self) -> str:
        return (
            f"{len(self.indexed)} document(s) indexed, {len(self.reused)} reused, "
            f"{len(self.dropped)} dropped; {self.segments} segments; {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class ComputedShards:
    """The shards of a group of documents, not yet written, and the warnings computing them gave."""

    shards: tuple[Shard, ...]
    warnings: tuple[str, ...] = ()


class ShardExecutor(Protocol):
    """Computes the shards of the documents `update` must (re)index: here, or on a cluster
    (`treatydiff.cluster.DaskShards`). Each group's result is written as soon as it comes back,
    in any order; every result must come from `compute_shards`."""

    group_size: int  # documents per group

    def __call__(
        self,
        groups: Sequence[Sequence[CorpusEntry]],
        embedder: Embedder,
        cache: EmbeddingCache | None,
        progress: ProgressCallback | None,
    ) -> Iterable[ComputedShards]: ...


class LocalShards:
    """The single-machine executor: one group after the other, in this process."""

    group_size = EMBED_GROUP

    def __call__(
        self,
        groups: Sequence[Sequence[CorpusEntry]],
        embedder: Embedder,
        cache: EmbeddingCache | None,
        progress: ProgressCallback | None,
    ) -> Iterator[ComputedShards]:
        for group in groups:
            yield compute_shards(group, embedder, cache=cache, progress=progress)


@dataclass(frozen=True)
class SearchHit:
    rank: int
    doc_id: str
    title: str
    kind: str
    segment_id: str
    label: str
    score: float
    excerpt: str


@dataclass(frozen=True)
class SearchResults:
    query: str
    model: str
    k: int
    kind: str | None
    method: str  # "exact" or "approximate"
    hits: tuple[SearchHit, ...]


# --- vector search: exact below a size threshold, HNSW (usearch) above it -----------------


class VectorSearch(ABC):
    """Nearest rows of a matrix of L2-normalised vectors, by cosine similarity."""

    method: str = ""

    @abstractmethod
    def search(
        self, query: NDArray[np.float32], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> list[tuple[int, float]]:
        """The `k` best (row, score) pairs, best first; only rows where `allowed` is True."""


class ExactSearch(VectorSearch):
    method = "exact"

    def __init__(self, matrix: NDArray[np.float32]) -> None:
        self.matrix = matrix

    def search(
        self, query: NDArray[np.float32], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> list[tuple[int, float]]:
        if len(self.matrix) == 0 or k < 1:
            return []
        scores = self.matrix @ query.astype(np.float32)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        count = min(k, len(scores))
        # Every row scoring at least the k-th best, then (score, row) order: identical vectors
        # (repeated paragraphs) tie, and the first rows win, as they do in the approximate search.
        kth = np.partition(scores, len(scores) - count)[len(scores) - count]
        candidates = np.flatnonzero(scores >= kth)
        best = candidates[np.lexsort((candidates, -scores[candidates]))][:count]
        return [(int(row), float(scores[row])) for row in best if np.isfinite(scores[row])]


@dataclass(frozen=True)
class DistinctRows:
    """The rows of a matrix grouped by identical vectors.

    Drafts repeat paragraphs verbatim, and a repeated text has one vector (vectors are cached
    by text): a corpus of redrafts has fifteen times as many rows as distinct vectors. The
    approximate index holds each vector once and maps it back to its rows."""

    vectors: NDArray[np.float32]  # one row per distinct vector, in order of first appearance
    of_row: NDArray[np.int64]  # the distinct vector of each row
    rows: NDArray[np.int64]  # row numbers grouped by distinct vector, ascending within a group
    offsets: NDArray[np.int64]  # distinct vector d's rows: rows[offsets[d] : offsets[d + 1]]

    @classmethod
    def of(cls, matrix: NDArray[np.float32]) -> DistinctRows:
        matrix = np.ascontiguousarray(matrix, dtype=np.float32)
        if len(matrix) == 0:
            empty = np.zeros(0, dtype=np.int64)
            return cls(matrix, empty, empty, np.zeros(1, dtype=np.int64))
        keys = matrix.view(np.dtype((np.void, matrix.dtype.itemsize * matrix.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")  # distinct ids in order of first appearance
        renumber = np.empty_like(order)
        renumber[order] = np.arange(len(order))
        of_row = renumber[inverse.ravel()].astype(np.int64)
        rows = np.argsort(of_row, kind="stable").astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(np.bincount(of_row, minlength=len(order)))]).astype(np.int64)
        return cls(matrix[first[order]], of_row, rows, offsets)

    @classmethod
    def from_rows(
        cls, matrix: NDArray[np.float32], of_row: NDArray[np.int64], first: NDArray[np.int64]
    ) -> DistinctRows:
        """Rebuilt from a stored grouping: each row's distinct vector and each one's first row."""
        of_row = np.asarray(of_row, dtype=np.int64)
        rows = np.argsort(of_row, kind="stable").astype(np.int64)
        offsets = np.concatenate([[0], np.cumsum(np.bincount(of_row, minlength=len(first)))]).astype(np.int64)
        return cls(np.ascontiguousarray(matrix[np.asarray(first)], dtype=np.float32), of_row, rows, offsets)

    def first_rows(self) -> NDArray[np.int64]:
        return self.rows[self.offsets[:-1]]

    def rows_of(self, distinct: int) -> NDArray[np.int64]:
        return self.rows[self.offsets[distinct] : self.offsets[distinct + 1]]


def usearch_index_class() -> Any:
    """usearch's `Index`, imported after onnxruntime when that is installed.

    Importing onnxruntime (1.32) after usearch (2.26) crashes the interpreter with a
    segmentation fault; the other order works. A search that loads the index before the onnx
    backend embeds its query would otherwise die (tests/test_backend_onnx.py)."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


class ApproximateSearch(VectorSearch):
    """An HNSW graph (usearch) over the distinct vectors; keys are distinct-vector numbers."""

    method = "approximate"

    def __init__(self, ann: Any, distinct: DistinctRows) -> None:
        self.ann = ann
        self.distinct = distinct
        self.size = len(distinct.of_row)

    @classmethod
    def build(cls, matrix: NDArray[np.float32], distinct: DistinctRows | None = None) -> ApproximateSearch:
        Index = usearch_index_class()  # noqa: N806

        distinct = distinct or DistinctRows.of(matrix)
        ann = Index(ndim=int(matrix.shape[1]), metric="cos", dtype="f32", expansion_search=SEARCH_EXPANSION)
        # One thread: a graph built in parallel depends on scheduling, and so would the results;
        # the same corpus must give the same index and the same answers.
        ann.add(np.arange(len(distinct.vectors), dtype=np.uint64), distinct.vectors, threads=1)
        return cls(ann, distinct)

    @classmethod
    def load(
        cls, path: Path, matrix: NDArray[np.float32], distinct: DistinctRows | None = None
    ) -> ApproximateSearch:
        Index = usearch_index_class()  # noqa: N806

        distinct = distinct or DistinctRows.of(matrix)
        ann = Index.restore(str(path), expansion_search=SEARCH_EXPANSION)
        if ann is None or len(ann) != len(distinct.vectors):
            found = 0 if ann is None else len(ann)
            raise ValueError(f"{path} holds {found} vectors, expected {len(distinct.vectors)}")
        return cls(ann, distinct)

    def save(self, path: Path) -> None:
        with _temporary_beside(path) as temp:
            self.ann.save(str(temp))

    def nearest_distinct(
        self, queries: NDArray[np.float32], count: int
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """For each query row, its `count` nearest distinct vectors and their cosines, best first
        (keys -1 and score -inf pad a row when the graph has fewer)."""
        count = min(count, len(self.distinct.vectors))
        queries = np.ascontiguousarray(queries, dtype=np.float32).reshape(-1, self.distinct.vectors.shape[1])
        matches = self.ann.search(queries, count)
        keys = np.asarray(matches.keys, dtype=np.int64).reshape(len(queries), -1)
        distances = np.asarray(matches.distances, dtype=np.float64).reshape(len(queries), -1)
        # usearch answers a batch of one with a single `Matches`, which has no `counts`.
        found = getattr(matches, "counts", None)
        counts = np.asarray([len(matches.keys)] if found is None else found).reshape(len(queries))
        valid = np.arange(keys.shape[1])[None, :] < counts[:, None]
        return np.where(valid, keys, -1), np.where(valid, 1.0 - distances, -np.inf)

    def search(
        self, query: NDArray[np.float32], k: int, allowed: NDArray[np.bool_] | None = None
    ) -> list[tuple[int, float]]:
        distinct_count = len(self.distinct.vectors)
        if distinct_count == 0 or k < 1:
            return []
        wanted = min(distinct_count, k if allowed is None else k * 4)
        while True:
            matches = self.ann.search(query.astype(np.float32), wanted)
            found: list[tuple[int, float]] = []
            for key, distance in zip(matches.keys, matches.distances, strict=True):
                rows = self.distinct.rows_of(int(key))
                if allowed is not None:
                    rows = rows[allowed[rows]]
                found += [(int(row), 1.0 - float(distance)) for row in rows[: k - len(found)]]
                if len(found) == k:
                    return found
            # A filter can leave too few: widen the search until k pass it or all were seen.
            if wanted >= distinct_count:
                return found
            wanted = min(distinct_count, wanted * 4)


def choose_search(
    matrix: NDArray[np.float32],
    *,
    exact_limit: int = EXACT_LIMIT,
    ann_path: Path | None = None,
    fingerprint: str | None = None,
    distinct: DistinctRows | None = None,
) -> VectorSearch:
    """Exact search below `exact_limit` rows; above, the HNSW index, built if `ann_path` is stale.

    `fingerprint` names the vectors (default: a hash of the matrix); `distinct`, their grouping
    when already known."""
    if len(matrix) < exact_limit:
        return ExactSearch(matrix)
    fingerprint = fingerprint or _matrix_fingerprint(matrix)
    if ann_path is not None:
        stamp = ann_path.with_suffix(".json")
        with contextlib.suppress(OSError, ValueError, KeyError, RuntimeError):
            if json.loads(stamp.read_text(encoding="utf-8"))["fingerprint"] == fingerprint:
                return ApproximateSearch.load(ann_path, matrix, distinct)
    approximate = ApproximateSearch.build(matrix, distinct)
    if ann_path is not None:
        approximate.save(ann_path)
        payload = {"fingerprint": fingerprint, "rows": len(matrix)}
        atomic_write_text(ann_path.with_suffix(".json"), json.dumps(payload), overwrite=True)
    return approximate


def _matrix_fingerprint(matrix: NDArray[np.float32]) -> str:
    digest = hashlib.sha256(np.ascontiguousarray(matrix).tobytes())
    digest.update(str(matrix.shape).encode())
    return digest.hexdigest()


# --- the index ------------------------------------------------------------------------------


def model_key_dirname(cache_key: str) -> str:
    """A directory name for a model: readable, and unique even when two keys slugify alike."""
    return f"{slugify(cache_key)}-{hashlib.sha256(cache_key.encode()).hexdigest()[:8]}"


def minhash_signature(text: str) -> NDArray[np.uint32]:
    """MinHash of the text's word 3-shingles (the whole text when it is shorter)."""
    from datasketch import MinHash

    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[k : k + SHINGLE_WORDS]) for k in range(max(1, len(words) - SHINGLE_WORDS + 1))}
    template = _template()
    signature = MinHash(
        num_perm=MINHASH_PERMUTATIONS,
        seed=MINHASH_SEED,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    signature.update_batch([s.encode("utf-8") for s in shingles])
    return np.asarray(signature.hashvalues, dtype=np.uint32)


@functools.cache
def _template() -> Any:
    """A MinHash with the index's seed, whose permutations every signature reuses (drawing
    them per segment cost more than hashing its shingles)."""
    from datasketch import MinHash

    return MinHash(num_perm=MINHASH_PERMUTATIONS, seed=MINHASH_SEED)


def document_date(meta: dict[str, str]) -> str:
    """The front matter's date as "YYYY-MM-DD" (or "YYYY-MM", "YYYY"), "" when absent or unreadable."""
    found = _DATE.match(str(meta.get("date", "")).strip())
    return found.group(0) if found else ""


def _excerpt(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= EXCERPT_CHARS else flat[: EXCERPT_CHARS - 1].rstrip() + "…"


class CorpusIndex:
    """The index of one corpus for one embedding model."""

    def __init__(self, corpus: Corpus, embedder: Embedder, *, exact_limit: int = EXACT_LIMIT) -> None:
        if not embedder.standalone_vectors:
            raise CorpusIndexError(
                f"the model {embedder.name!r} can't be used for a corpus index: its vectors depend on the "
                "texts embedded with them, so vectors stored at different times don't compare; "
                "choose another with --model"
            )
        self.corpus = corpus
        self.embedder = embedder
        self.exact_limit = exact_limit
        self.directory = corpus.directory / INDEX_DIRNAME / model_key_dirname(embedder.cache_key)
        self._loaded: _Loaded | None = None

    @property
    def manifest_path(self) -> Path:
        return self.directory / "manifest.json"

    def exists(self) -> bool:
        return self.manifest_path.is_file()

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise writers: concurrent `add` or `index` runs take turns."""
        from filelock import FileLock, Timeout

        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.directory / ".lock")).acquire(timeout=600):
                yield
        except Timeout as exc:
            raise CorpusIndexError(f"{self.directory} is locked by another treatydiff run") from exc

    # -- reading

    def read_manifest(self) -> Manifest | None:
        """The manifest, or None when missing; ValueError when damaged."""
        if not self.manifest_path.is_file():
            return None
        data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        if data.get("schema") != MANIFEST_SCHEMA:
            raise ValueError(f"unknown schema {data.get('schema')!r}")
        documents = {doc_id: ManifestEntry(**entry) for doc_id, entry in data["documents"].items()}
        return Manifest(data["model"], data["model_key"], int(data["dimension"]), documents)

    def shard_path(self, doc_id: str) -> Path:
        return self.directory / f"{doc_id}.npz"

    def read_shard(self, doc_id: str) -> Shard:
        """A shard as written; ValueError (or OSError) when missing or damaged."""
        with np.load(self.shard_path(doc_id), allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            vectors = np.asarray(stored["vectors"], dtype=np.float32)
            minhashes = np.asarray(stored["minhashes"], dtype=np.uint32)
        segments = tuple(IndexedSegment(**s) for s in meta["segments"])
        if len(segments) != len(vectors) or len(segments) != len(minhashes):
            raise ValueError("segment count does not match the vectors")
        return Shard(
            doc_id, meta["content_hash"], meta["model_key"], meta["kind"], meta["title"], segments, vectors,
            minhashes, str(meta.get("date", "")),
        )  # fmt: skip

    def stale_documents(self) -> list[str]:
        """Ids whose shard is missing or out of date, and ids indexed but no longer in the corpus.

        A file whose size and modification time are those the manifest recorded is taken as
        unchanged; any other is read and its content hash compared."""
        try:
            manifest = self.read_manifest()
        except _DAMAGED:
            manifest = None
        known = manifest.documents if manifest else {}
        changed, current = [], set()
        for path in self.corpus.document_paths():
            doc_id = path.stem
            current.add(doc_id)
            entry = known.get(doc_id)
            if entry is None:
                changed.append(doc_id)
            elif not _stamp_matches(path, entry):
                if _hash_of(self.corpus.read_entry(path)) != entry.content_hash:
                    changed.append(doc_id)
        gone = [i for i in known if i not in current]
        return sorted(changed + gone)

    # -- writing

    def update(
        self,
        *,
        rebuild: bool = False,
        cache: EmbeddingCache | None = None,
        progress: ProgressCallback | None = None,
        executor: ShardExecutor | None = None,
    ) -> IndexUpdate:
        """Bring the index up to date with the corpus: embed only new and changed documents.

        `executor` computes the new shards (default: `LocalShards`, in this process); the index
        writes them and the manifest the same way whichever computed them."""
        began = time.perf_counter()
        with self.locked():
            shards, update = self._update_locked(rebuild, cache, progress, executor or LocalShards())
            manifest = self.read_manifest()
            assert manifest is not None  # just written
            # The search pack and the HNSW index now, so that a search does not build them.
            digest = content_digest(manifest)
            renewed = rebuild or bool(update.indexed)  # new vectors: never trust the old pack
            pack = None if renewed else self._read_pack(manifest, digest)
            pack = pack or self._write_pack(shards, digest)
            if renewed:
                (self.directory / "ann.json").unlink(missing_ok=True)
            self._vector_search(pack, digest)
        return IndexUpdate(
            update.indexed, update.reused, update.dropped, update.segments,
            time.perf_counter() - began, update.warnings,
        )  # fmt: skip

    def _update_locked(
        self,
        rebuild: bool,
        cache: EmbeddingCache | None,
        progress: ProgressCallback | None,
        executor: ShardExecutor,
    ) -> tuple[list[Shard], IndexUpdate]:
        warnings: list[str] = []
        try:
            previous = self.read_manifest()
        except _DAMAGED as exc:
            warnings.append(f"{self.manifest_path} is damaged ({_reason(exc)}): rebuilding it")
            previous = None
        # Stamped before reading: a file changed meanwhile looks changed at the next check.
        stamps = {path.stem: _file_stamp(path) for path in self.corpus.document_paths()}
        entries = self.corpus.entries()
        shards: list[Shard] = []
        to_embed: list[CorpusEntry] = []
        reused: list[str] = []
        for entry in entries:
            shard = None if rebuild else self._reusable_shard(entry, warnings)
            if shard is None:
                to_embed.append(entry)
            else:
                shards.append(shard)
                reused.append(entry.id)
        # In groups, each group's shards written at once: an interrupted run keeps what it embedded.
        size = max(1, executor.group_size)
        groups = [to_embed[start : start + size] for start in range(0, len(to_embed), size)]
        expected = {entry.id for entry in to_embed}
        for computed in executor(groups, self.embedder, cache, progress) if groups else ():
            for shard in computed.shards:
                if shard.doc_id not in expected or shard.model_key != self.embedder.cache_key:
                    raise CorpusIndexError(
                        f"the shard computed for {shard.doc_id!r} (model {shard.model_key!r}) does not "
                        f"belong in this index (model {self.embedder.cache_key!r})"
                    )
                expected.discard(shard.doc_id)
                self._write_shard(shard)
            shards.extend(computed.shards)
            warnings.extend(computed.warnings)
        if expected:
            raise CorpusIndexError(f"no shard was computed for {', '.join(sorted(expected))}")
        current = {entry.id for entry in entries}
        dropped = sorted(
            {p.stem for p in self.directory.glob("*.npz") if p.stem not in current}
            | ({i for i in previous.documents if i not in current} if previous else set())
        )
        for doc_id in dropped:
            self.shard_path(doc_id).unlink(missing_ok=True)
        shards.sort(key=lambda s: s.doc_id)
        self._write_manifest(shards, stamps)
        segments = sum(len(s.segments) for s in shards)
        indexed = tuple(sorted(e.id for e in to_embed))
        return shards, IndexUpdate(indexed, tuple(reused), tuple(dropped), segments, 0.0, tuple(warnings))

    def _reusable_shard(self, entry: CorpusEntry, warnings: list[str]) -> Shard | None:
        path = self.shard_path(entry.id)
        if not path.is_file():
            return None
        try:
            shard = self.read_shard(entry.id)
        except _DAMAGED as exc:
            warnings.append(f"{path} is damaged ({_reason(exc)}): re-embedding {entry.id!r}")
            return None
        if shard.content_hash != _hash_of(entry) or shard.model_key != self.embedder.cache_key:
            return None
        if any(segment.words < 0 for segment in shard.segments):
            return None  # written before shards kept word counts and dates: recompute (cache hits)
        return shard

    def _write_shard(self, shard: Shard) -> None:
        meta = {
            "content_hash": shard.content_hash,
            "model_key": shard.model_key,
            "kind": shard.kind,
            "title": shard.title,
            "date": shard.date,
            "segments": [asdict(s) for s in shard.segments],
        }
        path = self.shard_path(shard.doc_id)
        with _temporary_beside(path) as temp, temp.open("wb") as handle:
            np.savez(
                handle, vectors=shard.vectors, minhashes=shard.minhashes, meta=np.array(json.dumps(meta))
            )
            handle.flush()
            os.fsync(handle.fileno())

    def _write_manifest(self, shards: Sequence[Shard], stamps: dict[str, tuple[int, int]]) -> None:
        documents = {
            s.doc_id: asdict(
                ManifestEntry(
                    s.content_hash,
                    s.kind,
                    s.title,
                    len(s.segments),
                    f"{s.doc_id}.npz",
                    *stamps.get(s.doc_id, (-1, -1)),
                )  # fmt: skip
            )
            for s in shards
        }
        payload = {
            "schema": MANIFEST_SCHEMA,
            "model": self.embedder.name,
            "model_key": self.embedder.cache_key,
            "dimension": self._dimension(shards),
            "documents": documents,
        }
        atomic_write_text(self.manifest_path, json.dumps(payload, indent=1) + "\n", overwrite=True)

    def _dimension(self, shards: Sequence[Shard]) -> int:
        return next((int(s.vectors.shape[1]) for s in shards if len(s.segments)), 0)

    def drop(self, doc_id: str) -> bool:
        """Remove a document's shard and manifest entry; True if it was indexed."""
        if not self.directory.is_dir():
            return False
        return drop_from_index_directory(self.directory, doc_id)

    # -- searching

    def _existing_manifest(self) -> Manifest:
        """The manifest a search needs; CorpusIndexError when it is missing or damaged."""
        try:
            manifest = self.read_manifest()
        except _DAMAGED as exc:
            raise CorpusIndexError(f"the index in {self.directory} is damaged ({_reason(exc)})") from exc
        if manifest is None:
            raise CorpusIndexError(f"no index in {self.directory}: run `treatydiff index`")
        return manifest

    def load_shards(self) -> list[Shard]:
        """Every shard the manifest lists; raises CorpusIndexError when the index must be updated."""
        manifest = self._existing_manifest()
        try:
            return [self.read_shard(doc_id) for doc_id in sorted(manifest.documents)]
        except _DAMAGED as exc:
            raise CorpusIndexError(f"a shard in {self.directory} is damaged ({_reason(exc)})") from exc

    def search(
        self, query: str, *, k: int = 10, kind: str | None = None, cache: EmbeddingCache | None = None
    ) -> SearchResults:
        """The `k` provisions nearest to `query` across the corpus (of one kind, if given)."""
        if not query.strip():
            raise InputError("the query is empty: give some text to search for")
        if k < 1:
            raise InputError(f"k must be at least 1, got {k}")
        loaded = self._searchable()
        if not loaded.size:
            raise CorpusError(f"the corpus in {self.corpus.directory} has nothing to search")
        allowed = loaded.allowed(kind) if kind else None
        vector = self.embedder.embed([query], role="query", cache=cache)[0]
        hits = []
        for rank, (row, score) in enumerate(loaded.searcher.search(vector, k, allowed), start=1):
            record = loaded.row(row)
            segment = record.segment
            hits.append(
                SearchHit(
                    rank,
                    record.doc_id,
                    record.title,
                    record.kind,
                    segment.segment_id,
                    segment.label,
                    round(score, 4),
                    segment.excerpt,
                )  # fmt: skip
            )
        return SearchResults(query, self.embedder.name, k, kind, loaded.searcher.method, tuple(hits))

    def _searchable(self) -> _Loaded:
        """The stacked vectors and their search, loaded once per state of the index, so a process
        that searches many times (a notebook, a service, a benchmark) loads them once.

        They come from the search pack (one memory-mapped matrix), so a one-shot search reads no
        shard but those of its hits; the pack is rebuilt from the shards when missing or stale."""
        try:
            stat = self.manifest_path.stat()
            state: tuple[int, int, int] | None = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        except OSError:
            state = None
        if self._loaded is not None and state is not None and self._loaded.state == state:
            return self._loaded
        manifest = self._existing_manifest()
        digest = content_digest(manifest)
        preloaded: dict[str, Shard] = {}
        ann_path = self.directory / "ann.usearch"
        pack = self._read_pack(manifest, digest)
        if pack is None or (len(pack.matrix) >= self.exact_limit and not _ann_matches(ann_path, digest)):
            # Something to write: under the lock, as `update` writes, and from the shards as they
            # are then (an update may have finished meanwhile).
            try:
                with self.locked():
                    manifest = self.read_manifest() or manifest
                    digest = content_digest(manifest)
                    pack = self._read_pack(manifest, digest)
                    if pack is None:
                        shards = self.load_shards()
                        preloaded = {shard.doc_id: shard for shard in shards}
                        pack = self._write_pack(shards, digest)
                    searcher = self._vector_search(pack, digest)
            except OSError as exc:
                raise CorpusIndexError(f"can't write the search pack in {self.directory}: {exc}") from exc
        else:
            searcher = self._vector_search(pack, digest)
        self._loaded = _Loaded(state, manifest, pack, searcher, self, preloaded)
        return self._loaded

    def _vector_search(self, pack: _Pack, digest: str) -> VectorSearch:
        """Exact search over the pack, or its HNSW graph: loaded, or built and saved when stale."""
        return choose_search(
            pack.matrix, exact_limit=self.exact_limit, ann_path=self.directory / "ann.usearch",
            fingerprint=digest, distinct=pack.distinct,
        )  # fmt: skip

    def loaded(self) -> _Loaded:
        """The stacked vectors, the vector search and (on demand) the shards, as `search` uses
        them (loaded once per state of the index)."""
        return self._searchable()

    # -- the search pack: every row's vector in one file, and their grouping by distinct vector

    def _read_pack(self, manifest: Manifest, digest: str) -> _Pack | None:
        """The pack if it matches the manifest's documents; None when missing, stale or damaged."""
        try:
            pack = self.directory / PACK_DIRNAME
            stamp = json.loads((pack / PACK_STAMP).read_text(encoding="utf-8"))
            if stamp.get("digest") != digest:
                return None
            matrix = np.load(pack / PACK_VECTORS, mmap_mode="r", allow_pickle=False)
            with np.load(pack / PACK_GROUPS, allow_pickle=False) as groups:
                of_row, first, offsets = groups["of_row"], groups["first"], groups["row_offsets"]
            rows = sum(entry.segments for entry in manifest.documents.values())
            if matrix.dtype != np.float32 or matrix.ndim != 2 or len(matrix) != rows or len(of_row) != rows:
                return None
            if rows and (matrix.shape[1] != manifest.dimension or of_row.max() >= len(first)):
                return None
            if len(offsets) != rows + 1 or int(offsets[-1]) != (pack / PACK_ROWS).stat().st_size:
                return None
            # A writer replacing the pack meanwhile removes the stamp first: read it again.
            if json.loads((pack / PACK_STAMP).read_text(encoding="utf-8")).get("digest") != digest:
                return None
            return _Pack(matrix, DistinctRows.from_rows(matrix, of_row, first), offsets.astype(np.int64))
        except (*_DAMAGED, IndexError):
            return None

    def _write_pack(self, shards: Sequence[Shard], digest: str) -> _Pack:
        ordered = sorted(shards, key=lambda s: s.doc_id)
        matrix = _stack(ordered, self._dimension(shards))
        distinct = DistinctRows.of(matrix)
        lines = [
            (json.dumps([shard.doc_id, *astuple(segment)], ensure_ascii=False) + "\n").encode("utf-8")
            for shard in ordered
            for segment in shard.segments
        ]
        offsets = np.concatenate([[0], np.cumsum([len(line) for line in lines])]).astype(np.int64)
        pack = self.directory / PACK_DIRNAME
        # The stamp goes last: a reader takes the pack only once it names these vectors.
        with contextlib.suppress(FileNotFoundError):
            (pack / PACK_STAMP).unlink()
        with _temporary_beside(pack / PACK_VECTORS) as temp, temp.open("wb") as handle:
            np.save(handle, matrix, allow_pickle=False)
        with _temporary_beside(pack / PACK_ROWS) as temp, temp.open("wb") as handle:
            handle.writelines(lines)
        with _temporary_beside(pack / PACK_GROUPS) as temp, temp.open("wb") as handle:
            np.savez(handle, of_row=distinct.of_row, first=distinct.first_rows(), row_offsets=offsets)
        payload = {"digest": digest, "rows": len(matrix), "distinct": len(distinct.vectors)}
        atomic_write_text(pack / PACK_STAMP, json.dumps(payload) + "\n", overwrite=True)
        return _Pack(matrix, distinct, offsets)


@dataclass(frozen=True)
class _Pack:
    matrix: NDArray[np.float32]  # every row's vector (memory-mapped when read)
    distinct: DistinctRows
    row_offsets: NDArray[np.int64]  # row r's line in rows.jsonl: bytes row_offsets[r] to [r + 1]


@dataclass(frozen=True)
class RowRecord:
    """What a search hit shows of its row: the document and the segment."""

    doc_id: str
    title: str
    kind: str
    segment: IndexedSegment


def content_digest(manifest: Manifest) -> str:
    """What the stacked vectors depend on: the model, and each document's content and segment
    count in id order. File times are not in it: touching a file rebuilds nothing."""
    digest = hashlib.sha256(manifest.model_key.encode())
    for doc_id in sorted(manifest.documents):
        entry = manifest.documents[doc_id]
        digest.update(f"\0{doc_id}\0{entry.content_hash}\0{entry.segments}".encode())
    return digest.hexdigest()


class _Loaded:
    """An index as loaded for searching, and the manifest state it was loaded at. Shards are
    read on demand: a hit's own, or all of them for `similar`."""

    def __init__(
        self,
        state: tuple[int, int, int] | None,
        manifest: Manifest,
        pack: _Pack,
        searcher: VectorSearch,
        index: CorpusIndex,
        preloaded: dict[str, Shard],
    ) -> None:
        self.state = state
        self.manifest = manifest
        self.matrix = pack.matrix  # every row's vector, documents in id order (memory-mapped)
        self._row_offsets = pack.row_offsets
        self.searcher = searcher
        self.doc_ids = sorted(manifest.documents)
        counts = [manifest.documents[d].segments for d in self.doc_ids]
        self.starts = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._index = index
        self._shards = dict(preloaded)
        self._kinds: dict[str, NDArray[np.bool_]] = {}

    @property
    def size(self) -> int:
        return len(self.matrix)

    def shard(self, doc_id: str) -> Shard:
        if doc_id not in self._shards:
            try:
                shard = self._index.read_shard(doc_id)
            except _DAMAGED as exc:
                raise CorpusIndexError(
                    f"a shard in {self._index.directory} is damaged ({_reason(exc)})"
                ) from exc
            self._shards[doc_id] = shard
        shard = self._shards[doc_id]
        entry = self.manifest.documents[doc_id]
        if len(shard.segments) != entry.segments or shard.content_hash != entry.content_hash:
            raise CorpusIndexError(f"the shard of {doc_id!r} in {self._index.directory} is out of date")
        return self._shards[doc_id]

    @property
    def shards(self) -> list[Shard]:
        return [self.shard(doc_id) for doc_id in self.doc_ids]

    def row(self, row: int) -> RowRecord:
        """A row's document and segment, read from the pack's row file (no shard is read)."""
        position = int(np.searchsorted(self.starts, row, side="right")) - 1
        doc_id = self.doc_ids[position]
        entry = self.manifest.documents[doc_id]
        start, end = int(self._row_offsets[row]), int(self._row_offsets[row + 1])
        pack = self._index.directory / PACK_DIRNAME
        try:
            with (pack / PACK_ROWS).open("rb") as handle:
                handle.seek(start)
                stored, *fields = json.loads(handle.read(end - start).decode("utf-8"))
            segment = IndexedSegment(*fields)
            problem = "" if stored == doc_id else "out of date"
        except (*_DAMAGED, UnicodeDecodeError) as exc:
            problem = f"damaged ({_reason(exc)})"
        if problem:
            (pack / PACK_STAMP).unlink(missing_ok=True)  # the next load writes it anew
            raise CorpusIndexError(f"the search pack in {self._index.directory} is {problem}")
        return RowRecord(doc_id, entry.title, entry.kind, segment)

    def allowed(self, kind: str) -> NDArray[np.bool_]:
        if kind not in self._kinds:
            counts = np.diff(self.starts)
            kinds = np.array([self.manifest.documents[d].kind == kind for d in self.doc_ids], dtype=bool)
            self._kinds[kind] = np.repeat(kinds, counts)
        return self._kinds[kind]


def compute_shards(
    entries: Sequence[CorpusEntry],
    embedder: Embedder,
    *,
    cache: EmbeddingCache | None = None,
    progress: ProgressCallback | None = None,
) -> ComputedShards:
    """Segment, embed (role "passage") and sign a group of documents: their shards, unwritten.

    The one computation of a shard, whether `CorpusIndex.update` runs it here or a cluster
    worker runs it (`treatydiff.cluster`). It writes nothing but the embedding cache."""
    from treatydiff.compare import embedding_text
    from treatydiff.documents import parse_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    warnings = []
    segmented = []
    for entry in entries:
        try:
            document = parse_document(entry.body, str(entry.path))
            segments = segment_document(document, Level.PARAGRAPH).segments
        except TreatydiffError as exc:
            warnings.append(f"{entry.id}: {exc}; indexed without segments")
            segments = ()
        segmented.append((entry, segments))
    # One call for every new segment: batches fill across documents.
    texts = [embedding_text(s) for _, segments in segmented for s in segments]
    vectors = (
        embedder.embed(texts, role="passage", cache=cache, progress=progress)
        if texts
        else np.zeros((0, 0), dtype=np.float32)
    )
    shards = []
    row = 0
    for entry, segments in segmented:
        rows = vectors[row : row + len(segments)]
        row += len(segments)
        shards.append(
            Shard(
                doc_id=entry.id,
                content_hash=_hash_of(entry),
                model_key=embedder.cache_key,
                kind=entry.meta.get("kind", "treaty"),
                title=entry.title,
                segments=tuple(
                    IndexedSegment(s.id, s.label, s.start, s.end, _excerpt(s.text), len(s.text.split()))
                    for s in segments
                ),
                vectors=rows if len(segments) else np.zeros((0, 0), dtype=np.float32),
                minhashes=np.stack([minhash_signature(s.text) for s in segments])
                if segments
                else np.zeros((0, MINHASH_PERMUTATIONS), dtype=np.uint32),
                date=document_date(entry.meta),
            )
        )
    return ComputedShards(tuple(shards), tuple(warnings))


def _stack(shards: Sequence[Shard], dimension: int) -> NDArray[np.float32]:
    parts = [s.vectors for s in shards if len(s.segments)]
    return np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, dimension), dtype=np.float32)


def _file_stamp(path: Path) -> tuple[int, int]:
    """A file's size and modification time, or (-1, -1) when unknown or too recent to trust: an
    edit within the clock's resolution after this stamp could keep both (git's "racily clean")."""
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    if time.time_ns() - stat.st_mtime_ns < RACY_NS:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)


def _stamp_matches(path: Path, entry: ManifestEntry) -> bool:
    """Whether the file is, by size and time, the one indexed (never when it had no stamp)."""
    if entry.file_size < 0:
        return False
    try:
        stat = path.stat()
    except OSError:
        return False
    return (stat.st_size, stat.st_mtime_ns) == (entry.file_size, entry.file_mtime_ns)


def _ann_matches(ann_path: Path, digest: str) -> bool:
    try:
        return bool(
            json.loads(ann_path.with_suffix(".json").read_text(encoding="utf-8"))["fingerprint"] == digest
        )
    except (OSError, ValueError, KeyError, TypeError):
        return False


def _hash_of(entry: CorpusEntry) -> str:
    # The body's own hash, not the one in the front matter: a hand-edited body keeps that one.
    return content_hash(entry.body)


def _reason(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


@contextmanager
def _temporary_beside(path: Path) -> Iterator[Path]:
    """A temporary file next to `path`, renamed over it if the block succeeds, removed if not."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(name)
    try:
        yield temp
        os.chmod(temp, mode_for(path))  # mkstemp makes 0600; give the file a plain write's mode
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def drop_from_index_directory(directory: Path, doc_id: str) -> bool:
    """Drop one document from one model's index directory, under its lock."""
    from filelock import FileLock

    with FileLock(str(directory / ".lock")).acquire(timeout=600):
        shard = directory / f"{doc_id}.npz"
        had_shard = shard.is_file()
        shard.unlink(missing_ok=True)
        manifest_path = directory / "manifest.json"
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            listed = manifest["documents"].pop(doc_id, None) is not None
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return had_shard  # a missing or damaged manifest is rebuilt by the next update
        if listed:
            atomic_write_text(manifest_path, json.dumps(manifest, indent=1) + "\n", overwrite=True)
        return had_shard or listed


def drop_document(corpus_directory: Path, doc_id: str) -> list[Path]:
    """Drop a removed document from every model's index; the index directories it was in."""
    root = corpus_directory / INDEX_DIRNAME
    if not root.is_dir():
        return []
    return [d for d in sorted(root.iterdir()) if d.is_dir() and drop_from_index_directory(d, doc_id)]


def refresh_if_indexed(
    corpus: Corpus, embedder: Embedder, *, cache: EmbeddingCache | None = None
) -> IndexUpdate | None:
    """Update the index after `add` only when one exists for this model: users who never
    search never pay for embedding the corpus (nor, with a model that can't be indexed, a warning)."""
    if not embedder.standalone_vectors:
        return None
    index = CorpusIndex(corpus, embedder)
    return index.update(cache=cache) if index.exists() else None


def search_results_to_json(results: SearchResults, corpus_directory: Path) -> str:
    """The `treatydiff.search/1` document (docs/json-export.md)."""
    payload = {
        "schema": SEARCH_SCHEMA,
        "query": results.query,
        "model": results.model,
        "corpus": str(corpus_directory),
        "k": results.k,
        "kind": results.kind,
        "method": results.method,
        "results": [
            {
                "rank": hit.rank,
                "document": hit.doc_id,
                "title": hit.title,
                "kind": hit.kind,
                "segment": hit.segment_id,
                "label": hit.label,
                "score": hit.score,
                "excerpt": hit.excerpt,
            }
            for hit in results.hits
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
