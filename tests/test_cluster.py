"""Distributed embedding: the index built on a local Dask cluster equals the single-machine one."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import fakes
import treatydiff.cluster
import treatydiff.pipeline
from corpus_fixtures import FIXTURE_DOCUMENTS
from fakes import FakeEmbedder
from treatydiff.backends import make_embedder
from treatydiff.cli import app
from treatydiff.cluster import ClusterError, DaskShards, EmbedderSource, local_workers
from treatydiff.corpus import Corpus
from treatydiff.corpus_index import CorpusIndex, CorpusIndexError
from treatydiff.errors import TreatydiffError
from treatydiff.ingest import convert_path

SOURCES = FIXTURE_DOCUMENTS  # id -> fixture file
# The workers make this embedder: a class is a picklable factory, imported on the worker by name.
FAKE = EmbedderSource("test:fake-bow", FakeEmbedder)
runner = CliRunner()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Two single-threaded worker processes on this machine, for the whole module."""
    distributed = pytest.importorskip("distributed", reason="the cluster extra is not installed")
    worker_cache = tmp_path_factory.mktemp("worker-cache")
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            env={"TREATYDIFF_CACHE_DIR": str(worker_cache), "HF_HUB_OFFLINE": "1"},
        ) as cluster,
        distributed.Client(cluster) as dask_client,
    ):
        dask_client.upload_file(fakes.__file__)  # `fakes` importable on every worker
        dask_client.worker_cache = worker_cache  # type: ignore[attr-defined]
        yield dask_client


def make_corpus(directory: Path, ids: list[str] | None = None) -> Corpus:
    store = Corpus(directory)
    for doc_id in ids or list(SOURCES):
        store.add(convert_path(SOURCES[doc_id]), doc_id=doc_id)
    return store


def assert_same_index(one: CorpusIndex, other: CorpusIndex, *, exact: bool = True) -> None:
    """Same manifest, and per document the same segments, vectors and MinHash signatures.

    Vectors are bit for bit equal when both sides embedded every text; a vector read back from
    an embedding cache can differ in the last bit (the cache keeps it before the final
    normalisation), so `exact=False` allows 1e-6. The corpus files' stamps (size and time) are
    the two corpora's own."""
    manifest, other_manifest = (
        json.loads(index.manifest_path.read_text(encoding="utf-8")) for index in (one, other)
    )
    for entry in [*manifest["documents"].values(), *other_manifest["documents"].values()]:
        entry.pop("file_size"), entry.pop("file_mtime_ns")
    assert manifest == other_manifest
    assert sorted(manifest["documents"]) == sorted(SOURCES)
    for doc_id in manifest["documents"]:
        a, b = one.read_shard(doc_id), other.read_shard(doc_id)
        assert a.doc_id == b.doc_id and a.content_hash == b.content_hash and a.model_key == b.model_key
        assert (a.kind, a.title) == (b.kind, b.title)
        assert a.segments == b.segments and len(a.segments) > 0
        assert a.vectors.dtype == b.vectors.dtype == np.float32
        if exact:
            assert np.array_equal(a.vectors, b.vectors)
        else:
            assert np.allclose(a.vectors, b.vectors, rtol=0, atol=1e-6)
        assert np.array_equal(a.minhashes, b.minhashes)


@pytest.mark.parametrize("documents_per_task", [1, 3])
def test_the_cluster_builds_the_single_machine_index(
    tmp_path: Path, client: Any, documents_per_task: int
) -> None:
    single = CorpusIndex(make_corpus(tmp_path / "single"), FakeEmbedder())
    single.update()
    here = FakeEmbedder()
    distributed = CorpusIndex(make_corpus(tmp_path / "cluster"), here)
    executor = DaskShards(client, FAKE, use_cache=False, documents_per_task=documents_per_task)
    update = distributed.update(executor=executor)
    assert update.indexed == tuple(sorted(SOURCES)) and update.reused == ()
    assert executor.tasks == -(-len(SOURCES) // documents_per_task)
    assert here.encoded == []  # every segment was embedded on the workers
    assert_same_index(single, distributed)
    query = "competent authorities may record in real time the content of communications"
    assert single.search(query, k=5).hits == distributed.search(query, k=5).hits


def test_a_second_run_computes_nothing_and_a_new_document_costs_one_task(tmp_path: Path, client: Any) -> None:
    corpus = make_corpus(tmp_path / "corpora", ["draft", "widgets", "news-piece"])
    index = CorpusIndex(corpus, FakeEmbedder())
    executor = DaskShards(client, FAKE, use_cache=False)
    assert len(index.update(executor=executor).indexed) == 3
    shard_times = {p.name: p.stat().st_mtime_ns for p in index.directory.glob("*.npz")}
    again = index.update(executor=executor)
    assert (again.indexed, again.reused) == ((), ("draft", "news-piece", "widgets"))
    assert executor.tasks == 3
    assert {p.name: p.stat().st_mtime_ns for p in index.directory.glob("*.npz")} == shard_times
    corpus.add(convert_path(SOURCES["friendly-widgets"]), doc_id="friendly-widgets")
    added = index.update(executor=executor)
    assert added.indexed == ("friendly-widgets",) and executor.tasks == 4
    single = CorpusIndex(make_corpus(tmp_path / "single"), FakeEmbedder())
    single.update()
    assert_same_index(single, index)


def test_a_worker_that_cannot_make_the_model_fails_in_one_line(tmp_path: Path, client: Any) -> None:
    index = CorpusIndex(make_corpus(tmp_path / "corpora", ["draft"]), FakeEmbedder())
    broken = EmbedderSource("test:broken", functools.partial(make_embedder, "no-such-backend:model"))
    with pytest.raises(TreatydiffError, match="unknown backend 'no-such-backend'"):
        index.update(executor=DaskShards(client, broken, use_cache=False))
    assert not index.exists()


def test_shards_of_another_model_are_refused(tmp_path: Path, client: Any) -> None:
    index = CorpusIndex(make_corpus(tmp_path / "corpora", ["draft"]), FakeEmbedder())
    other = EmbedderSource("test:tfidf", functools.partial(make_embedder, "tfidf"))
    with pytest.raises(CorpusIndexError, match="does not belong in this index"):
        index.update(executor=DaskShards(client, other, use_cache=False))
    assert not index.exists()


def test_index_cluster_option_uses_the_scheduler(
    tmp_path: Path, client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda spec=None: FakeEmbedder())
    monkeypatch.setattr(treatydiff.cluster, "source_for_spec", lambda spec: FAKE)
    corpus = make_corpus(tmp_path / "corpora")
    address = client.scheduler.address
    result = runner.invoke(app, ["index", "--corpus", str(corpus.directory), "--cluster", address])
    assert result.exit_code == 0, result.output
    assert "4 document(s) indexed, 0 reused" in result.stdout
    single = CorpusIndex(make_corpus(tmp_path / "single"), FakeEmbedder())
    single.update()
    assert_same_index(single, CorpusIndex(corpus, FakeEmbedder()), exact=False)
    # The workers used their own embedding cache.
    assert (client.worker_cache / "embeddings.sqlite3").is_file()


def test_cluster_option_without_dask_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    corpus = make_corpus(tmp_path / "corpora", ["draft"])
    result = runner.invoke(app, ["index", "--corpus", str(corpus.directory), "--cluster", "local:2"])
    assert result.exit_code == 1
    assert result.stderr == (
        "error: --cluster needs Dask, which is not installed: pip install 'treatydiff[cluster]'\n"
    )
    assert not (corpus.directory / ".index").exists()


def test_cluster_addresses() -> None:
    assert local_workers("local:3") == 3
    assert (local_workers("local") or 0) >= 1  # one per core
    assert local_workers("tcp://10.0.0.5:8786") is None
    for bad in ["local:0", "local:two", "local:"]:
        with pytest.raises(ClusterError, match="local:N needs a number of workers"):
            local_workers(bad)
