"""Distributed embedding for the corpus index, on a Dask cluster (the `cluster` extra).

`CorpusIndex.update(executor=DaskShards(...))` sends the documents that need (re)indexing to
the cluster, one task per document by default. Each worker makes its embedder once (from the
model spec, or from a picklable factory) and runs `corpus_index.compute_shards`, the function
the single-machine path runs; the shards come back to the index, which writes them and the
manifest as it always does. Only the scheduler needs to be reachable; the workers need
treatydiff, its models and their own embedding cache (or none).

`treatydiff index --cluster tcp://HOST:8786` uses a running cluster; `--cluster local[:N]`
starts N worker processes on this machine for the run. Dask is imported only here, and only
when a cluster is asked for.
"""

from __future__ import annotations

import functools
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from treatydiff.errors import TreatydiffError

if TYPE_CHECKING:
    from treatydiff.corpus import CorpusEntry
    from treatydiff.corpus_index import ComputedShards
    from treatydiff.embeddings import Embedder, EmbeddingCache, ProgressCallback

INSTALL_HINT = "pip install 'treatydiff[cluster]'"
CONNECT_TIMEOUT = "20s"  # to reach a running scheduler
DOCUMENTS_PER_TASK = 1  # a document takes seconds to embed, a task costs the scheduler milliseconds


class ClusterError(TreatydiffError):
    """No cluster to run on, or the cluster failed."""


@dataclass(frozen=True)
class EmbedderSource:
    """How a worker makes its embedder: `factory` (picklable: a top-level function or class, or a
    partial of one) called once per worker process, the result kept under `key`."""

    key: str
    factory: Callable[[], Embedder]


def source_for_spec(spec: str) -> EmbedderSource:
    """The embedder a model spec names, made on the worker by `backends.make_embedder(spec)`."""
    from treatydiff.backends import make_embedder

    return EmbedderSource(f"spec:{spec}", functools.partial(make_embedder, spec))


def require_dask() -> Any:
    """The `distributed` module, or a one-line ClusterError naming the extra to install."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(f"--cluster needs Dask, which is not installed: {INSTALL_HINT}") from None
    return distributed


def local_workers(address: str) -> int | None:
    """N for `local:N` (`local`: one worker per core); None for a scheduler address."""
    name, sep, count = address.partition(":")
    if name != "local":
        return None
    if not sep:
        return os.cpu_count() or 1
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(f"--cluster {address!r}: local:N needs a number of workers N of at least 1")
    return int(count)


@contextmanager
def connect(address: str) -> Iterator[Any]:
    """A `distributed.Client` for `address` (`tcp://host:8786`), or for a LocalCluster started
    for the block (`local`, `local:N`: N single-threaded worker processes)."""
    distributed = require_dask()
    workers = local_workers(address)
    if workers is not None:
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client
        return
    try:
        client = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"can't reach the Dask scheduler at {address}: {exc}") from None
    with client:
        yield client


class DaskShards:
    """A `corpus_index.ShardExecutor` that computes shards on a Dask cluster.

    The index's own `cache` is not sent: each worker opens its embedding cache (the default
    directory, or $TREATYDIFF_CACHE_DIR, on its machine) when `use_cache`, none otherwise."""

    def __init__(
        self,
        client: Any,
        source: EmbedderSource,
        *,
        use_cache: bool = True,
        documents_per_task: int = DOCUMENTS_PER_TASK,
    ) -> None:
        self.client = client
        self.source = source
        self.use_cache = use_cache
        self.group_size = max(1, documents_per_task)
        self.tasks = 0  # submitted so far

    def __call__(
        self,
        groups: Sequence[Sequence[CorpusEntry]],
        embedder: Embedder,
        cache: EmbeddingCache | None,
        progress: ProgressCallback | None,
    ) -> Iterator[ComputedShards]:
        distributed = require_dask()
        run = uuid.uuid4().hex[:8]
        futures = {
            self.client.submit(
                embed_on_worker, self.source, list(group), self.use_cache, key=f"treatydiff-shards-{run}-{n}"
            ): group
            for n, group in enumerate(groups)
        }
        self.tasks += len(futures)
        total = sum(len(group) for group in groups)
        done = 0
        if progress:
            progress(0, total)
        try:
            for future in distributed.as_completed(list(futures)):
                try:
                    computed: ComputedShards = future.result()
                except TreatydiffError:
                    raise
                except Exception as exc:  # a worker failed or was lost: one line, naming the documents
                    ids = ", ".join(entry.id for entry in futures[future])
                    reason = str(exc) or type(exc).__name__
                    raise ClusterError(f"the cluster failed to embed {ids}: {reason}") from exc
                done += len(futures[future])
                if progress:
                    progress(done, total)
                yield computed
        finally:  # an error, or the caller stopped early: leave no work running
            self.client.cancel(list(futures))


# --- on the worker --------------------------------------------------------------------------

_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def worker_embedder(source: EmbedderSource) -> Embedder:
    """The worker process's embedder for `source`, made on first use (the model loads once)."""
    with _EMBEDDERS_LOCK:
        embedder = _EMBEDDERS.get(source.key)
        if embedder is None:
            embedder = _EMBEDDERS[source.key] = source.factory()
        return embedder


def embed_on_worker(source: EmbedderSource, entries: list[CorpusEntry], use_cache: bool) -> ComputedShards:
    """One task: the shards of `entries`, computed exactly as the single-machine update does."""
    from treatydiff.corpus_index import compute_shards

    embedder = worker_embedder(source)
    if not use_cache:
        return compute_shards(entries, embedder)
    from treatydiff.embeddings import EmbeddingCache, default_cache_dir

    cache = EmbeddingCache(default_cache_dir())  # per task: a SQLite connection stays in its thread
    try:
        return compute_shards(entries, embedder, cache=cache)
    finally:
        cache.close()
