"""The corpus index and search: incremental updates, exact and approximate search, damage, CLI."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from fakes import FakeEmbedder
from treatydiff.cli import app
from treatydiff.corpus import Corpus
from treatydiff.corpus_index import (
    ApproximateSearch,
    CorpusIndex,
    CorpusIndexError,
    DistinctRows,
    ExactSearch,
    choose_search,
    document_date,
    minhash_signature,
)
from treatydiff.errors import InputError
from treatydiff.ingest import convert_path

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = {
    "draft": FIXTURES / "compare" / "draft-v1.md",
    "treaty": FIXTURES / "widget-convention.md",
    "news": FIXTURES / "news" / "piece-1.md",
    "declaration": FIXTURES / "declaration.md",
}
IDS = {"draft": "draft", "treaty": "widgets", "news": "news-piece", "declaration": "friendly-widgets"}
# Article 5 of the draft, reworded.
INTERCEPTION_QUERY = "competent authorities may record in real time the content of communications"
runner = CliRunner()


def encoded_documents(fake: FakeEmbedder, corpus: Corpus) -> set[str]:
    """The documents whose text the fake embedder encoded."""
    bodies = {entry.id: " ".join(entry.body.split()) for entry in corpus.entries()}
    found = set()
    for text in fake.encoded:
        tail = text.split(": ", 1)[-1][:60]  # after the article title
        found |= {doc_id for doc_id, body in bodies.items() if tail in body}
    return found


# --- search ---------------------------------------------------------------------------------


def test_a_reworded_provision_finds_its_original_first(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    results = index.search(INTERCEPTION_QUERY, k=5)
    assert results.method == "exact"
    top = results.hits[0]
    assert (top.doc_id, top.label) == ("draft", "Article 5")
    assert "real time the content of specified communications" in top.excerpt
    assert [h.rank for h in results.hits] == [1, 2, 3, 4, 5]
    assert all(a.score >= b.score for a, b in zip(results.hits, results.hits[1:], strict=False))


def test_kind_filters_the_documents(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    treaty_only = index.search(INTERCEPTION_QUERY, k=50, kind="treaty")
    assert treaty_only.hits and {h.doc_id for h in treaty_only.hits} == {"widgets"}
    assert {h.kind for h in index.search("widgets", k=50, kind="declaration").hits} == {"declaration"}
    assert index.search(INTERCEPTION_QUERY, k=5, kind="commentary").hits == ()


@pytest.mark.parametrize("query,k", [("   ", 5), ("text", 0)])
def test_bad_queries_are_input_errors(corpus: Corpus, fake: FakeEmbedder, query: str, k: int) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    with pytest.raises(InputError):
        index.search(query, k=k)


# --- incremental updates --------------------------------------------------------------------


def test_a_second_update_embeds_nothing(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    first = index.update()
    assert sorted(first.indexed) == sorted(IDS.values()) and first.reused == ()
    assert encoded_documents(fake, corpus) == set(IDS.values())
    fake.encoded.clear()
    second = index.update()
    assert fake.encoded == []
    assert second.indexed == () and sorted(second.reused) == sorted(IDS.values())
    assert second.segments == first.segments > 0
    assert index.stale_documents() == []


def test_changing_one_document_re_embeds_only_it(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    fake.encoded.clear()
    changed = (
        SOURCES["draft"]
        .read_text(encoding="utf-8")
        .replace("six months later", "twelve months after its receipt by the Secretary-General")
    )
    (corpus.directory.parent / "draft-v1b.md").write_text(changed, encoding="utf-8")
    corpus.add(convert_path(corpus.directory.parent / "draft-v1b.md"), doc_id="draft", force=True)
    assert index.stale_documents() == ["draft"]
    update = index.update()
    assert update.indexed == ("draft",)
    assert encoded_documents(fake, corpus) == {"draft"}
    assert any("twelve months" in text for text in fake.encoded)
    assert "twelve months" in index.search("denunciation takes effect twelve months", k=1).hits[0].excerpt


def test_the_freshness_check_reads_only_files_that_changed_on_disk(
    corpus: Corpus, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    an_hour_ago = time.time_ns() - 3600 * 10**9
    for path in corpus.document_paths():  # older than a racy stamp
        os.utime(path, ns=(an_hour_ago, an_hour_ago))
    index = CorpusIndex(corpus, fake)
    index.update()
    real_read = Corpus.read_entry
    read: list[str] = []
    monkeypatch.setattr(
        Corpus, "read_entry", lambda self, path: read.append(path.stem) or real_read(self, path)
    )
    assert index.stale_documents() == [] and read == []
    path = corpus.path_for("widgets")
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")  # same text, new time
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert index.stale_documents() == [] and read == ["widgets"]
    path.write_text(path.read_text(encoding="utf-8").replace("widgets", "gadgets"), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 2 * 10**9))
    assert index.stale_documents() == ["widgets"]
    manifest = index.read_manifest()
    assert manifest is not None and all(e.file_size > 0 for e in manifest.documents.values())
    # A file changed just now gets no stamp: an edit in the same clock tick would keep it.
    index.update()
    fresh = index.read_manifest()
    assert fresh is not None and fresh.documents["widgets"].file_size == -1


def test_searches_load_the_vectors_once_per_state_of_the_index(
    corpus: Corpus, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    loads = []
    real_read = CorpusIndex._read_pack
    monkeypatch.setattr(CorpusIndex, "_read_pack", lambda self, *a: loads.append(1) or real_read(self, *a))
    for _ in range(3):
        index.search(INTERCEPTION_QUERY, k=3)
        index.search(INTERCEPTION_QUERY, k=3, kind="treaty")
    assert len(loads) == 1
    corpus.remove("news-piece")
    index.update()
    assert all(hit.doc_id != "news-piece" for hit in index.search("widgets", k=50).hits)
    assert len(loads) == 3  # the update checks the pack, the next search loads it once


def test_rebuild_writes_a_new_pack_and_graph(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake, exact_limit=5)
    index.update()
    files = [index.directory / "pack" / "vectors.npy", index.directory / "ann.usearch"]
    before = [path.stat().st_mtime_ns for path in files]
    index.update()  # nothing changed: both kept
    assert [path.stat().st_mtime_ns for path in files] == before
    index.update(rebuild=True)
    assert all(after != old for after, old in zip((p.stat().st_mtime_ns for p in files), before, strict=True))


def test_a_search_reads_the_vectors_from_the_pack_and_only_its_hits_shards(
    corpus: Corpus, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    CorpusIndex(corpus, fake).update()
    index = CorpusIndex(corpus, fake)  # a new process: nothing loaded yet
    read: list[str] = []
    real_read = CorpusIndex.read_shard
    monkeypatch.setattr(
        CorpusIndex, "read_shard", lambda self, doc_id: read.append(doc_id) or real_read(self, doc_id)
    )
    results = index.search(INTERCEPTION_QUERY, k=2, kind="treaty")
    assert read == [] and len(results.hits) == 2  # the hits come from the pack's row file
    assert isinstance(index.loaded().matrix, np.memmap)
    exact = CorpusIndex(corpus, fake)
    exact._searchable()
    assert [exact.loaded().row(r).segment for r in range(3)] == list(real_read(exact, "draft").segments[:3])
    # A pack that no longer matches the manifest is rebuilt from the shards, not trusted.
    stamp = index.directory / "pack" / "pack.json"
    stamp.write_text(
        stamp.read_text(encoding="utf-8").replace('"digest": "', '"digest": "x'), encoding="utf-8"
    )
    again = CorpusIndex(corpus, fake).search(INTERCEPTION_QUERY, k=2, kind="treaty")
    assert again.hits == results.hits and len(set(read)) == len(corpus.entries())
    # A row file that no longer matches is an index error, not a wrong hit.
    rows = index.directory / "pack" / "rows.jsonl"
    rows.write_bytes(rows.read_bytes().replace(b'"draft"', b'"dra-t"'))
    with pytest.raises(CorpusIndexError, match="out of date"):
        CorpusIndex(corpus, fake).search(INTERCEPTION_QUERY, k=50)
    assert CorpusIndex(corpus, fake).search(INTERCEPTION_QUERY, k=2, kind="treaty").hits == results.hits


def test_remove_drops_the_shard(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    assert index.shard_path("news-piece").is_file()
    corpus.remove("news-piece")
    assert not index.shard_path("news-piece").exists()
    manifest = index.read_manifest()
    assert manifest is not None and "news-piece" not in manifest.documents
    assert index.stale_documents() == []
    assert "news-piece" not in {h.doc_id for h in index.search("negotiations", k=50).hits}


def test_a_document_deleted_by_hand_is_dropped_at_the_next_update(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    (corpus.directory / "widgets.md").unlink()
    fake.encoded.clear()
    update = index.update()
    assert update.dropped == ("widgets",) and update.indexed == () and fake.encoded == []
    assert not index.shard_path("widgets").exists()


def test_rebuild_re_embeds_everything(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    fake.encoded.clear()
    assert sorted(index.update(rebuild=True).indexed) == sorted(IDS.values())
    assert encoded_documents(fake, corpus) == set(IDS.values())


# --- damage ---------------------------------------------------------------------------------


def test_a_damaged_shard_is_rebuilt_with_a_warning(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    index.shard_path("widgets").write_bytes(b"PK\x03\x04 not a zip at all")
    fake.encoded.clear()
    update = index.update()
    assert update.indexed == ("widgets",)
    assert len(update.warnings) == 1 and "widgets.npz is damaged" in update.warnings[0]
    assert encoded_documents(fake, corpus) == {"widgets"}
    assert index.read_shard("widgets").segments


def test_a_damaged_manifest_is_rebuilt_and_the_shards_reused(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    index.manifest_path.write_text('{"schema": "treatydiff.corpus-in', encoding="utf-8")
    assert index.stale_documents() == sorted(IDS.values())
    fake.encoded.clear()
    update = index.update()
    assert any("manifest.json is damaged" in w for w in update.warnings)
    assert fake.encoded == [] and update.indexed == ()
    manifest = index.read_manifest()
    assert manifest is not None and sorted(manifest.documents) == sorted(IDS.values())


def test_the_cli_rebuilds_damage_without_a_traceback(corpus: Corpus, fake: FakeEmbedder) -> None:
    CorpusIndex(corpus, fake).update()
    CorpusIndex(corpus, fake).shard_path("draft").write_bytes(b"\x00" * 10)
    CorpusIndex(corpus, fake).manifest_path.write_text("[", encoding="utf-8")
    result = runner.invoke(app, ["index", "--corpus", str(corpus.directory)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "warning:" in result.stderr and "damaged" in result.stderr
    assert "1 document(s) indexed, 3 reused" in result.stdout


# --- vector search: exact and approximate ---------------------------------------------------


def _random_unit_rows(count: int, dimension: int, seed: int) -> np.ndarray:
    rows = np.random.default_rng(seed).standard_normal((count, dimension)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_exact_search_on_hand_written_vectors() -> None:
    matrix = np.array([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0]], dtype=np.float32)
    search = ExactSearch(matrix)
    assert [row for row, _ in search.search(np.array([1, 0, 0], dtype=np.float32), 2)] == [0, 2]
    allowed = np.array([False, True, True])
    hits = search.search(np.array([1, 0, 0], dtype=np.float32), 5, allowed)
    assert [row for row, _ in hits] == [2, 1] and hits[0][1] == pytest.approx(0.6)


def test_approximate_search_agrees_with_exact_search(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    matrix = _random_unit_rows(3000, 48, seed=7)
    queries = _random_unit_rows(100, 48, seed=8)
    ann_path = tmp_path / "ann.usearch"
    approximate = choose_search(matrix, exact_limit=1000, ann_path=ann_path)
    assert isinstance(approximate, ApproximateSearch) and ann_path.is_file()
    exact = ExactSearch(matrix)
    assert isinstance(choose_search(matrix, exact_limit=5000), ExactSearch)
    found = sum(
        len({r for r, _ in approximate.search(q, 10)} & {r for r, _ in exact.search(q, 10)}) for q in queries
    )
    assert found / (10 * len(queries)) >= 0.95
    # With a filter that keeps one row in ten, it still returns k rows, all allowed.
    allowed = np.arange(len(matrix)) % 10 == 0
    filtered = approximate.search(queries[0], 10, allowed)
    assert len(filtered) == 10 and all(allowed[r] for r, _ in filtered)
    # Unchanged vectors: the persisted index is loaded, not rebuilt.
    monkeypatch.setattr(ApproximateSearch, "build", classmethod(lambda cls, m: pytest.fail("rebuilt")))
    reloaded = choose_search(matrix, exact_limit=1000, ann_path=ann_path)
    assert [r for r, _ in reloaded.search(queries[0], 10)] == [
        r for r, _ in approximate.search(queries[0], 10)
    ]


def test_distinct_rows_group_identical_vectors_in_order_of_first_appearance() -> None:
    base = _random_unit_rows(4, 8, seed=3)
    matrix = base[[2, 0, 2, 1, 0, 2]]
    distinct = DistinctRows.of(matrix)
    assert np.array_equal(distinct.vectors, base[[2, 0, 1]])
    assert distinct.of_row.tolist() == [0, 1, 0, 2, 1, 0]
    assert [distinct.rows_of(d).tolist() for d in range(3)] == [[0, 2, 5], [1, 4], [3]]
    empty = DistinctRows.of(np.zeros((0, 8), dtype=np.float32))
    assert len(empty.vectors) == 0 and empty.offsets.tolist() == [0]


def test_repeated_paragraphs_are_one_vector_in_the_graph_and_every_copy_is_found() -> None:
    """A corpus of drafts repeats paragraphs verbatim: the graph holds each vector once, and a
    search returns its copies in row order, as exact search does."""
    base = _random_unit_rows(300, 24, seed=5)
    matrix = base[np.arange(1500) % 300]  # every vector five times
    approximate = ApproximateSearch.build(matrix)
    assert len(approximate.ann) == 300
    exact = ExactSearch(matrix)
    for query in base[:20]:
        assert [r for r, _ in approximate.search(query, 7)] == [r for r, _ in exact.search(query, 7)]
    assert [r for r, _ in approximate.search(base[4], 3)] == [4, 304, 604]
    allowed = np.arange(1500) >= 1000
    filtered = approximate.search(base[4], 3, allowed)
    assert [r for r, _ in filtered] == [r for r, _ in exact.search(base[4], 3, allowed)]
    assert filtered[0][0] == 1204 and all(allowed[r] for r, _ in filtered)
    keys, scores = approximate.nearest_distinct(base[[4, 9]], 2)
    assert keys[:, 0].tolist() == [4, 9] and scores[:, 0] == pytest.approx([1.0, 1.0], abs=1e-5)


def test_exact_search_breaks_ties_by_row() -> None:
    matrix = np.array([[0, 1], [1, 0], [0, 1], [1, 0], [1, 0]], dtype=np.float32)
    assert [r for r, _ in ExactSearch(matrix).search(np.array([1, 0], dtype=np.float32), 2)] == [1, 3]


def test_a_changed_matrix_rebuilds_the_approximate_index(tmp_path: Path) -> None:
    ann_path = tmp_path / "ann.usearch"
    choose_search(_random_unit_rows(500, 16, seed=1), exact_limit=100, ann_path=ann_path)
    bigger = _random_unit_rows(600, 16, seed=2)
    search = choose_search(bigger, exact_limit=100, ann_path=ann_path)
    assert search.search(bigger[42], 1)[0][0] == 42


def test_the_corpus_index_uses_the_approximate_path_above_its_limit(
    corpus: Corpus, fake: FakeEmbedder
) -> None:
    exact_index = CorpusIndex(corpus, fake)
    exact_index.update()
    expected = exact_index.search(INTERCEPTION_QUERY, k=3)
    assert expected.method == "exact"
    small_limit = CorpusIndex(corpus, fake, exact_limit=5)
    small_limit.update()
    assert (small_limit.directory / "ann.usearch").is_file()
    results = small_limit.search(INTERCEPTION_QUERY, k=3)
    assert results.method == "approximate"
    assert [h.segment_id for h in results.hits] == [h.segment_id for h in expected.hits]


def test_minhash_signatures_estimate_shared_wording() -> None:
    text = "each party shall adopt such legislative and other measures as may be necessary"
    same, other = minhash_signature(text), minhash_signature("the weather was fine and the sea calm today")
    assert same.shape == (64,) and same.dtype == np.uint32
    assert np.mean(same == minhash_signature(text)) == 1.0
    assert np.mean(same == other) < 0.2


def test_shards_store_one_signature_per_segment(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    shard = index.read_shard("draft")
    assert shard.kind == "draft" and shard.content_hash == corpus.get("draft").content_hash
    assert shard.vectors.shape == (len(shard.segments), fake.dimensions)
    assert shard.minhashes.shape == (len(shard.segments), 64)
    assert {s.label for s in shard.segments} >= {"Article 1", "Article 3(1)", "Article 5"}
    body = corpus.get("draft").body
    assert [s.words for s in shard.segments] == [len(body[s.start : s.end].split()) for s in shard.segments]
    assert shard.date == document_date(corpus.get("draft").meta)


def test_index_files_get_the_mode_a_plain_write_gives(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake, exact_limit=5)
    index.update()
    umask = os.umask(0)
    os.umask(umask)
    written = [
        index.shard_path("draft"),
        index.directory / "pack" / "vectors.npy",
        index.directory / "ann.usearch",
    ]
    assert {path.stat().st_mode & 0o777 for path in written} == {0o666 & ~umask}


def test_document_dates_are_read_from_the_front_matter() -> None:
    assert document_date({"date": "2001-11-23"}) == "2001-11-23"
    assert document_date({"date": "2024-12 (adopted)"}) == "2024-12"
    assert document_date({"date": "soon"}) == document_date({}) == ""


def test_a_shard_from_before_word_counts_is_recomputed_quietly(corpus: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(corpus, fake)
    index.update()
    path = index.shard_path("draft")
    with np.load(path, allow_pickle=False) as stored:
        meta = json.loads(str(stored["meta"]))
        arrays = {name: stored[name] for name in ("vectors", "minhashes")}
    meta.pop("date")
    for segment in meta["segments"]:
        segment.pop("words")
    with path.open("wb") as handle:
        np.savez(handle, meta=np.array(json.dumps(meta)), **arrays)
    assert index.read_shard("draft").segments[0].words == -1
    update = index.update()
    assert update.indexed == ("draft",) and update.warnings == ()
    assert index.read_shard("draft").segments[0].words > 0


# --- command line ---------------------------------------------------------------------------


def test_search_json_shape(corpus: Corpus, fake: FakeEmbedder) -> None:
    result = runner.invoke(
        app, ["search", INTERCEPTION_QUERY, "-k", "3", "--json", "--corpus", str(corpus.directory)]
    )
    assert result.exit_code == 0, result.output
    assert "updating the index (no index yet)" in result.stderr
    payload = json.loads(result.stdout)
    assert payload["schema"] == "treatydiff.search/1"
    assert payload["query"] == INTERCEPTION_QUERY and payload["k"] == 3 and payload["kind"] is None
    assert payload["model"] == "fake-bow" and payload["method"] == "exact"
    assert len(payload["results"]) == 3
    assert set(payload["results"][0]) == {
        "rank", "document", "title", "kind", "segment", "label", "score", "excerpt",
    }  # fmt: skip
    first = payload["results"][0]
    assert (first["document"], first["segment"], first["kind"]) == ("draft", "art-5.p1", "draft")
    assert first["title"] == "Draft Convention on Cross-Border Evidence"
    # Up to date now: a second search says nothing on stderr.
    again = runner.invoke(app, ["search", INTERCEPTION_QUERY, "--corpus", str(corpus.directory)])
    assert again.exit_code == 0 and again.stderr == ""


def test_search_table_and_kind(corpus: Corpus, fake: FakeEmbedder) -> None:
    result = runner.invoke(
        app, ["search", INTERCEPTION_QUERY, "--kind", "treaty", "-k", "2", "--corpus", str(corpus.directory)]
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["#", "score", "document", "provision", "excerpt"]
    assert len(lines) == 3 and all(line.split()[2] == "widgets" for line in lines[1:])


def test_index_command_reports_what_it_did(corpus: Corpus, fake: FakeEmbedder) -> None:
    first = runner.invoke(app, ["index", "--corpus", str(corpus.directory)])
    assert first.exit_code == 0, first.output
    assert "4 document(s) indexed, 0 reused, 0 dropped" in first.stdout
    second = runner.invoke(app, ["index", "--corpus", str(corpus.directory)])
    assert "0 document(s) indexed, 4 reused, 0 dropped" in second.stdout


def test_add_updates_an_existing_index_only(corpus: Corpus, fake: FakeEmbedder) -> None:
    extra = FIXTURES / "compare" / "draft-v2.md"
    added = runner.invoke(app, ["add", str(extra), "--id", "draft-two", "--corpus", str(corpus.directory)])
    assert added.exit_code == 0, added.output
    assert not (corpus.directory / ".index").exists() and fake.encoded == []
    runner.invoke(app, ["index", "--corpus", str(corpus.directory)])
    index = CorpusIndex(corpus, fake)
    fake.encoded.clear()
    third = FIXTURES / "widget-preamble.md"
    again = runner.invoke(app, ["add", str(third), "--id", "preamble", "--corpus", str(corpus.directory)])
    assert again.exit_code == 0, again.output
    assert "search index: 1 document(s) indexed, 5 reused" in again.stdout
    preamble_body = " ".join(corpus.get("preamble").body.split())
    assert fake.encoded and all(text.split(": ", 1)[-1][:60] in preamble_body for text in fake.encoded)
    assert index.shard_path("preamble").is_file() and index.stale_documents() == []
    removed = runner.invoke(app, ["remove", "preamble", "--yes", "--corpus", str(corpus.directory)])
    assert removed.exit_code == 0 and not index.shard_path("preamble").exists()
    assert index.stale_documents() == []


def test_corpus_import_updates_an_existing_index(tmp_path: Path, corpus: Corpus, fake: FakeEmbedder) -> None:
    CorpusIndex(corpus, fake).update()
    folder = tmp_path / "more"
    folder.mkdir()
    shutil.copy(FIXTURES / "compare" / "draft-v2.md", folder / "second-draft.md")
    result = runner.invoke(app, ["corpus", "import", str(folder), "--corpus", str(corpus.directory)])
    assert result.exit_code == 0, result.output
    assert CorpusIndex(corpus, fake).shard_path("second-draft").is_file()
    assert "search index: 1 document(s) indexed, 4 reused" in result.stdout


@pytest.mark.parametrize(
    "args,code,fragment",
    [
        (["search", "data", "--corpus", "{missing}"], 1, "no corpus in"),
        (["search", "data", "--corpus", "{empty}"], 1, "is empty"),
        (["index", "--corpus", "{empty}"], 1, "is empty"),
        (["search", "  ", "--corpus", "{corpus}"], 1, "the query is empty"),
        (["search", "data", "--kind", "poem", "--corpus", "{corpus}"], 1, "unknown kind 'poem'"),
        (["search", "data", "-k", "0", "--corpus", "{corpus}"], 2, "-k"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, corpus: Corpus, fake: FakeEmbedder, args: list[str], code: int, fragment: str
) -> None:
    (tmp_path / "empty").mkdir()
    paths = {"missing": tmp_path / "nope", "empty": tmp_path / "empty", "corpus": corpus.directory}
    result = runner.invoke(app, [a.format(**paths) for a in args])
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0], result.stderr


def test_a_shard_damaged_since_the_last_update_does_not_stop_search_and_index_mends_it(
    corpus: Corpus, fake: FakeEmbedder
) -> None:
    CorpusIndex(corpus, fake).update()
    CorpusIndex(corpus, fake).shard_path("draft").write_bytes(b"garbage")
    options = ["--corpus", str(corpus.directory)]
    result = runner.invoke(app, ["search", INTERCEPTION_QUERY, "-k", "1", *options])
    assert result.exit_code == 0, result.output  # the search pack holds what search needs
    assert result.stdout.splitlines()[1].split()[2] == "draft"
    mended = runner.invoke(app, ["index", *options])
    assert mended.exit_code == 0 and "damaged" in mended.stderr and "Traceback" not in mended.output
    assert CorpusIndex(corpus, fake).read_shard("draft").segments
    # The pack damaged too: the search says so on one line, rebuilds it and answers.
    (CorpusIndex(corpus, fake).directory / "pack" / "rows.jsonl").write_bytes(b"garbage")
    again = runner.invoke(app, ["search", INTERCEPTION_QUERY, "-k", "1", *options])
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines()[1].split()[2] == "draft" and "Traceback" not in again.output


def test_a_model_whose_vectors_are_fitted_per_run_is_refused(tmp_path: Path) -> None:
    from treatydiff.backends import make_embedder
    from treatydiff.corpus import Corpus
    from treatydiff.corpus_index import CorpusIndex, CorpusIndexError

    with pytest.raises(CorpusIndexError, match="can't be used for a corpus index"):
        CorpusIndex(Corpus(tmp_path / "corpus"), make_embedder("tfidf"))
