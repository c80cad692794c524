"""Document similarity over the corpus index: shares, ranking, `similar`, `add`'s nearest, `matrix`."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from corpus_fixtures import FIXTURE_DOCUMENTS
from fakes import FakeEmbedder
from treatydiff.cli import app
from treatydiff.corpus import Corpus
from treatydiff.corpus_index import CorpusIndex, IndexedSegment, minhash_signature
from treatydiff.corpus_similarity import (
    DocumentSimilarity,
    best_matches,
    cluster_order,
    counterpart_threshold,
    date_ranks,
    rank_neighbours,
    similar_documents,
    similarity_matrix,
    source_shares,
    symmetric_similarity,
    top_shared,
    word_share,
    wording_overlap,
)
from treatydiff.errors import InputError
from treatydiff.ingest import convert_path

SOURCES = FIXTURE_DOCUMENTS  # id -> fixture file
HOSTILE_TITLE = '<script>alert("x")</script> & "quotes"'
runner = CliRunner()


def near_copy(tmp_path: Path) -> Path:
    """The first draft with one provision reworded: most of its text, not all."""
    text = SOURCES["draft"].read_text(encoding="utf-8")
    changed = text.replace(
        "Any Party may at any time denounce this Convention by means of a notification addressed to the "
        "Secretary-General, and the denunciation takes effect six months later.",
        "Reservations to provisions of this instrument are excluded, save those listed in its annex.",
    )
    assert changed != text
    path = tmp_path / "draft-copy.md"
    path.write_text(changed, encoding="utf-8")
    return path


@pytest.fixture
def with_copy(tmp_path: Path, corpus: Corpus) -> Corpus:
    corpus.add(convert_path(near_copy(tmp_path)), doc_id="draft-copy")
    return corpus


# --- the pure core, on hand-written vectors -------------------------------------------------


def _unit(rows: list[list[float]]) -> np.ndarray:
    matrix = np.asarray(rows, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True)


def test_best_matches_and_word_share_on_hand_written_vectors() -> None:
    source = _unit([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    target = _unit([[0.6, 0.8, 0], [1, 0, 0]])
    best, where = best_matches(source, target)
    assert best == pytest.approx([1.0, 0.8, 0.0], abs=1e-6)
    assert where.tolist() == [1, 0, 0]
    words = np.array([10, 30, 60])
    assert word_share(best, words, 0.8) == pytest.approx(0.4)  # 10 + 30 words of 100
    assert word_share(best, words, 0.9) == pytest.approx(0.1)
    assert word_share(best, np.zeros(3, dtype=np.int64), 0.5) == 0.0
    empty_best, empty_where = best_matches(source, np.zeros((0, 3), dtype=np.float32))
    assert (empty_best == -1).all() and (empty_where == -1).all()
    assert word_share(empty_best, words, 0.0) == 0.0


def test_wording_overlap_estimates_shared_shingles() -> None:
    texts = [
        "each party shall adopt such legislative and other measures as may be necessary to establish",
        "each party shall adopt such legislative and other measures as may be required to establish",
        "the states concerned will take the steps the law needs in order to set up",
    ]
    signatures = np.stack([minhash_signature(t) for t in texts])
    overlap = wording_overlap(signatures[:1].repeat(3, axis=0), signatures, np.array([0, 1, 2]))
    assert overlap[0] == 1.0 and 0.5 <= overlap[1] < 1.0 and overlap[2] < 0.2
    assert wording_overlap(signatures[:2], signatures, np.array([-1, 1])).tolist() == [0.0, 1.0]


def test_top_shared_keeps_the_best_pairs_in_order() -> None:
    def seg(n: int, prefix: str) -> IndexedSegment:
        return IndexedSegment(f"{prefix}-{n}", f"{prefix.upper()} {n}", 0, 1, "")

    best = np.array([0.5, 0.95, 0.7, 0.95])
    where = np.array([0, 2, 1, 0])
    shared = top_shared(best, where, [seg(k, "a") for k in range(4)], [seg(k, "b") for k in range(3)], n=3)
    assert [(s.label, s.other_label, s.score) for s in shared] == [
        ("A 1", "B 2", 0.95), ("A 3", "B 0", 0.95), ("A 2", "B 1", 0.7),
    ]  # fmt: skip


def test_ranking_is_by_share_then_mean_then_id() -> None:
    def sim(doc_id: str, share: float, mean: float) -> DocumentSimilarity:
        return DocumentSimilarity(doc_id, doc_id, "treaty", share, mean, ())

    ranked = rank_neighbours(
        [sim("c", 0.2, 0.9), sim("b", 0.5, 0.1), sim("a", 0.2, 0.9), sim("d", 0.2, 0.95)], 3
    )
    assert [n.doc_id for n in ranked] == ["b", "d", "a"]


def test_symmetric_similarity_and_clustering_group_the_blocks() -> None:
    shares = np.array(
        [
            [1.0, 0.05, 0.9, 0.0],
            [0.1, 1.0, 0.0, 0.7],
            [0.7, 0.0, 1.0, 0.1],
            [0.0, 0.5, 0.05, 1.0],
        ]
    )
    similarity = symmetric_similarity(shares)
    assert similarity[0, 2] == similarity[2, 0] == pytest.approx(0.8)
    assert np.diag(similarity).tolist() == [1.0] * 4
    order, clusters = cluster_order(similarity, cut=0.3)
    position = {doc: k for k, doc in enumerate(order)}
    assert abs(position[0] - position[2]) == 1 and abs(position[1] - position[3]) == 1
    assert sorted(clusters) == [1, 1, 2, 2] and clusters == sorted(clusters)
    assert cluster_order(similarity, cut=0.01)[1] == [1, 1, 1, 1]


def test_date_ranks_put_undated_documents_last_together() -> None:
    assert date_ranks(["2001-11-23", "", "1990-11-08", "2001-11-23", ""]).tolist() == [1, 2, 0, 1, 2]


def test_each_segment_is_credited_to_the_earliest_of_its_closest_counterparts() -> None:
    # Documents: 0 the source itself, 1 a treaty of 2001, 2 a later draft, 3 an undated text.
    ranks = date_ranks(["2025-01-01", "2001-11-23", "2024-05-01", ""])
    best = np.array(
        [
            [0.0, 0.95, 0.95, 0.20],  # a copy in the treaty and the draft: the treaty is earlier
            [0.0, 0.90, 0.995, 0.10],  # the draft's wording is closer by more than the tie
            [0.0, 0.905, 0.90, 0.30],  # within the tie: still the earlier treaty
            [0.0, 0.50, 0.40, 0.60],  # nothing reaches the threshold: no credit
        ]
    )
    reached = np.ones_like(best, dtype=bool)
    reached[:, 0] = False
    words = np.array([10, 20, 30, 40])
    credit = source_shares(best, reached, words, ranks, threshold=0.8)
    assert credit.tolist() == pytest.approx([0.0, 0.4, 0.2, 0.0])
    # Undated documents tied at the top share the credit; an unreached score is no witness.
    undated = date_ranks(["", "", "", ""])
    assert source_shares(best[:1], reached[:1], words[:1], undated, 0.8).tolist() == pytest.approx(
        [0.0, 0.5, 0.5, 0.0]
    )
    reached[0, 1] = False
    assert source_shares(best[:1], reached[:1], words[:1], ranks, 0.8)[2] == pytest.approx(1.0)
    # A close second below the threshold is no witness, however early: the credit can't exceed the share.
    close = np.array([[0.0, 0.797, 0.805, 0.1]])
    assert source_shares(close, np.array([[False, True, True, True]]), words[:1], ranks, 0.8).tolist() == [
        0.0,
        0.0,
        1.0,
        0.0,
    ]


def test_the_counterpart_threshold_follows_a_calibrated_link_threshold(fake: FakeEmbedder) -> None:
    assert counterpart_threshold(fake) == 0.8
    fake.thresholds = {"link_threshold": 0.675}
    assert counterpart_threshold(fake) == pytest.approx(0.87)


# --- over a real (small) corpus index -------------------------------------------------------


def test_a_near_copy_ranks_first_and_an_unrelated_document_low(with_copy: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(with_copy, fake)
    index.update()
    results = similar_documents(index, "draft-copy", k=10)
    assert results.method == "exact" and results.threshold == 0.8 and results.model == "fake-bow"
    ids = [n.doc_id for n in results.neighbours]
    assert ids[0] == "draft" and sorted(ids) == sorted(SOURCES)
    first = results.neighbours[0]
    assert 0.9 <= first.share < 1.0  # one reworded provision
    assert first.mean_score > 0.85
    assert len(first.shared) == 3 and all(s.label == s.other_label and s.score > 0.99 for s in first.shared)
    news = next(n for n in results.neighbours if n.doc_id == "news-piece")
    assert news.share < 0.2 and news.mean_score < first.mean_score
    assert [n.doc_id for n in similar_documents(index, "draft-copy", k=2).neighbours] == ids[:2]


TREATY_A = [
    "Each Party shall establish as criminal offences the intentional access to a computer system.",
    "Each Party shall adopt measures to preserve stored traffic data expeditiously when requested.",
    "Each Party shall empower its authorities to search and seize stored computer data in its territory.",
    "Each Party shall ensure that service providers disclose subscriber information upon a lawful order.",
    "Parties shall afford one another mutual assistance to the widest extent possible in investigations.",
    "This Convention shall enter into force three months after five ratifications have been deposited.",
]
TREATY_B = [
    "States shall protect personal data undergoing automatic processing against unlawful destruction.",
    "Data subjects shall have the right to obtain rectification of inaccurate personal records.",
    "Transborder flows of personal data to another State shall not be prohibited for privacy reasons.",
]


def _treaty_file(directory: Path, name: str, title: str, date: str, kind: str, provisions: list[str]) -> Path:
    articles = "\n\n".join(f"## Article {n}\n\n{text}" for n, text in enumerate(provisions, start=1))
    path = directory / f"{name}.md"
    path.write_text(
        f"---\ntitle: {title}\nkind: {kind}\nlanguage: en\ndate: '{date}'\n---\n\n# {title}\n\n{articles}\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def drafts(tmp_path: Path) -> Corpus:
    """Two treaties, an early compilation of both, and a later draft made from them: the
    compilation holds more of the draft than either treaty does."""
    reworded = [*TREATY_A]
    reworded[1] = (
        "Each Party shall adopt measures to preserve stored traffic data expeditiously and completely."
    )
    files = {
        "treaty-a": _treaty_file(tmp_path, "a", "Treaty A", "2001-11-23", "treaty", TREATY_A),
        "treaty-b": _treaty_file(tmp_path, "b", "Treaty B", "1995-01-28", "treaty", TREATY_B),
        "sibling": _treaty_file(tmp_path, "s", "Compilation", "2024-05-01", "draft", TREATY_A + TREATY_B),
        "draft": _treaty_file(tmp_path, "d", "New draft", "2025-01-01", "draft", reworded + TREATY_B[:2]),
    }
    store = Corpus(tmp_path / "corpora")
    for doc_id, path in files.items():
        store.add(convert_path(path), doc_id=doc_id)
    return store


@pytest.mark.parametrize("exact_limit", [20_000, 5])
def test_the_sources_rank_above_a_sibling_that_holds_more_of_the_text(
    drafts: Corpus, fake: FakeEmbedder, exact_limit: int
) -> None:
    index = CorpusIndex(drafts, fake, exact_limit=exact_limit)
    index.update()
    by_source = similar_documents(index, "draft", k=3)
    assert by_source.method == ("exact" if exact_limit > 5 else "approximate")
    assert [n.doc_id for n in by_source.neighbours] == ["treaty-a", "treaty-b", "sibling"]
    first, second, sibling = by_source.neighbours
    assert first.date == "2001-11-23" and by_source.date == "2025-01-01"
    assert first.source_share + second.source_share == pytest.approx(1.0, abs=0.001)
    assert sibling.source_share == 0.0 and sibling.share > first.share
    # The draft copies treaty B's two articles word for word: all of its share there is copied.
    assert second.doc_id == "treaty-b" and second.copied == second.share > 0
    assert [s.wording for s in second.shared[:2]] == [1.0, 1.0] and second.shared[2].wording < 0.5
    # Without dates the treaty and the compilation holding the same paragraphs split their credit.
    undated = {n.doc_id: n for n in similar_documents(index, "draft", k=3, dates=False).neighbours}
    assert undated["treaty-a"].source_share == pytest.approx(first.source_share / 2, abs=0.01)
    assert undated["sibling"].source_share == pytest.approx(
        first.source_share / 2 + second.source_share / 2, abs=0.01
    )
    by_share = similar_documents(index, "draft", k=3, ranking="share")
    assert [n.doc_id for n in by_share.neighbours][0] == "sibling" and by_share.ranking == "share"
    with pytest.raises(InputError, match="unknown ranking"):
        similar_documents(index, "draft", ranking="newest")
    # Both paths name the same counterpart rows: the first of equally good ones.
    exact = similar_documents(CorpusIndex(drafts, fake), "draft", k=3)
    assert [n.shared for n in exact.neighbours] == [n.shared for n in by_source.neighbours]


def test_a_one_paragraph_document_on_the_approximate_path(
    drafts: Corpus, fake: FakeEmbedder, tmp_path: Path
) -> None:
    drafts.add(
        convert_path(_treaty_file(tmp_path, "n", "Note", "2026-01-01", "draft", TREATY_B[:1])), doc_id="note"
    )
    index = CorpusIndex(drafts, fake, exact_limit=5)
    index.update()
    results = similar_documents(index, "note", k=2)
    assert results.method == "approximate" and results.neighbours[0].doc_id == "treaty-b"


def test_the_approximate_path_agrees_with_the_exact_one(with_copy: Corpus, fake: FakeEmbedder) -> None:
    exact_index = CorpusIndex(with_copy, fake)
    exact_index.update()
    exact = similar_documents(exact_index, "draft", k=3)
    approximate_index = CorpusIndex(with_copy, fake, exact_limit=5)
    approximate = similar_documents(approximate_index, "draft", k=3)
    assert approximate.method == "approximate"
    assert approximate.neighbours[0].doc_id == exact.neighbours[0].doc_id == "draft-copy"
    assert approximate.neighbours[0].share == pytest.approx(exact.neighbours[0].share)


def test_the_matrix_is_symmetric_and_groups_the_copies(with_copy: Corpus, fake: FakeEmbedder) -> None:
    index = CorpusIndex(with_copy, fake)
    index.update()
    matrix = similarity_matrix(index)
    assert sorted(matrix.ids) == sorted([*SOURCES, "draft-copy"])
    assert np.allclose(matrix.similarity, matrix.similarity.T)
    a, b = matrix.ids.index("draft"), matrix.ids.index("draft-copy")
    assert abs(a - b) == 1 and matrix.clusters[a] == matrix.clusters[b]
    assert matrix.similarity[a, b] > 0.85 and matrix.shares[b, a] > 0.9
    chosen = similarity_matrix(index, ["news-piece", "draft"])
    assert sorted(chosen.ids) == ["draft", "news-piece"]


# --- command line ---------------------------------------------------------------------------


def test_similar_cli_table_and_json(with_copy: Corpus, fake: FakeEmbedder) -> None:
    result = runner.invoke(app, ["similar", "draft-copy", "-k", "2", "--corpus", str(with_copy.directory)])
    assert result.exit_code == 0, result.output
    assert "updating the index (no index yet)" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[1].split()[:7] == ["#", "source", "share", "copied", "mean", "date", "document"]
    assert lines[2].split()[6] == "draft" and len(lines) == 4
    wrong = runner.invoke(
        app, ["similar", "draft-copy", "--by", "size", "--corpus", str(with_copy.directory)]
    )
    assert wrong.exit_code == 1 and wrong.stderr.count("\n") == 1 and "--by must be one of" in wrong.stderr
    again = runner.invoke(app, ["similar", "draft-copy", "--json", "--corpus", str(with_copy.directory)])
    assert again.exit_code == 0 and again.stderr == ""
    payload = json.loads(again.stdout)
    assert payload["schema"] == "treatydiff.similar/1" and payload["document"] == "draft-copy"
    assert payload["ranking"] == "source" and {"source_share", "date", "copied"} <= set(payload["results"][0])
    assert payload["results"][0]["document"] == "draft" and payload["results"][0]["share"] > 0.9
    assert set(payload["results"][0]["shared"][0]) == {
        "segment",
        "label",
        "other_segment",
        "other_label",
        "score",
        "wording",
    }


def test_add_of_a_copy_names_the_original_as_nearest(
    tmp_path: Path, corpus: Corpus, fake: FakeEmbedder
) -> None:
    copy = near_copy(tmp_path)
    no_index = runner.invoke(app, ["add", str(copy), "--id", "first-copy", "--corpus", str(corpus.directory)])
    assert no_index.exit_code == 0, no_index.output
    assert "is nearest to" not in no_index.stdout  # no index: nothing embedded, nothing printed
    CorpusIndex(corpus, fake).update()
    second = tmp_path / "second.md"
    second.write_text(
        copy.read_text(encoding="utf-8").replace("save those listed", "except those listed"), encoding="utf-8"
    )
    added = runner.invoke(app, ["add", str(second), "--id", "second-copy", "--corpus", str(corpus.directory)])
    assert added.exit_code == 0, added.output
    line = next(x for x in added.stdout.splitlines() if x.startswith("'second-copy' is nearest to"))
    nearest = re.findall(r"'([\w-]+)' \((\d+)% of its text, (\d+)% copied\)", line)
    assert len(nearest) == 3
    assert nearest[0][0] in ("draft", "first-copy") and {"draft", "first-copy"} <= {n[0] for n in nearest}
    assert int(nearest[0][1]) > 90 and int(nearest[0][2]) > 90


class MatrixPage(HTMLParser):
    """The matrix table: per row, the document id and the cells (class, title, link)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, list[dict[str, str]]]] = []
        self.in_matrix = self.in_body = self.in_code = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.scripts += tag == "script"
        if tag == "table":
            self.in_matrix = attributes.get("class") == "matrix"
        elif self.in_matrix and tag == "tbody":
            self.in_body = True
        elif self.in_body and tag == "tr":
            self.rows.append(("", []))
        elif self.in_body and tag == "code":
            self.in_code = True
        elif self.in_body and tag == "td":
            self.rows[-1][1].append({"class": attributes["class"], "title": attributes["title"], "href": ""})
        elif self.in_body and tag == "a" and self.rows[-1][1]:
            self.rows[-1][1][-1]["href"] = attributes["href"]

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = self.in_matrix = False
        elif tag == "code":
            self.in_code = False

    def handle_data(self, data: str) -> None:
        if self.in_code:
            self.rows[-1] = (self.rows[-1][0] + data, self.rows[-1][1])


def test_matrix_page_links_reports_escapes_and_groups(
    tmp_path: Path, with_copy: Corpus, fake: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = tmp_path / "hostile.md"
    hostile.write_text(
        "# Hostile\n\n##### Article 1 – Odd\n\nNothing in common here at all.\n", encoding="utf-8"
    )
    with_copy.add(convert_path(hostile), doc_id="hostile", overrides={"title": HOSTILE_TITLE})
    monkeypatch.chdir(tmp_path)
    report = tmp_path / "reports" / "draft--draft-copy.html"
    report.parent.mkdir()
    report.write_text('<meta name="generator" content="treatydiff">', encoding="utf-8")
    result = runner.invoke(app, ["matrix", "--corpus", str(with_copy.directory)])
    assert result.exit_code == 0, result.output
    assert "matrix: reports/matrix.html" in result.stdout
    text = (tmp_path / "reports" / "matrix.html").read_text(encoding="utf-8")
    assert "<script" not in text and "&lt;script&gt;alert(" in text
    page = MatrixPage()
    page.feed(text)
    ids = [doc_id for doc_id, _ in page.rows]
    assert sorted(ids) == sorted([*SOURCES, "draft-copy", "hostile"]) and page.scripts == 0
    assert all(len(cells) == len(ids) for _, cells in page.rows)
    a, b = ids.index("draft"), ids.index("draft-copy")
    assert abs(a - b) == 1  # the copies sit together
    assert page.rows[a][1][b]["href"] == page.rows[b][1][a]["href"] == "draft--draft-copy.html"
    other = ids.index("widgets")
    assert page.rows[a][1][other]["href"] == ""
    assert "treatydiff compare draft widgets" in page.rows[a][1][other]["title"]
    assert "self" in page.rows[a][1][a]["class"]
    assert any("ct" in cell["class"] for _, cells in page.rows for cell in cells)  # a cluster boundary
    # A file treatydiff did not write is kept without --force; its own page is replaced.
    foreign = tmp_path / "mine.html"
    foreign.write_text("<p>mine</p>", encoding="utf-8")
    refused = runner.invoke(app, ["matrix", "-o", str(foreign), "--corpus", str(with_copy.directory)])
    assert refused.exit_code == 1 and foreign.read_text(encoding="utf-8") == "<p>mine</p>"
    forced = runner.invoke(
        app, ["matrix", "-o", str(foreign), "--force", "--corpus", str(with_copy.directory)]
    )
    assert forced.exit_code == 0 and "draft-copy" in foreign.read_text(encoding="utf-8")
    again = runner.invoke(app, ["matrix", "--corpus", str(with_copy.directory)])
    assert again.exit_code == 0, again.output


@pytest.mark.parametrize(
    "args,fragment",
    [
        (["similar", "nope", "--corpus", "{corpus}"], "no document 'nope'"),
        (["similar", "draft", "--corpus", "{empty}"], "is empty"),
        (["similar", "draft", "--corpus", "{missing}"], "no corpus in"),
        (["matrix", "draft", "--corpus", "{corpus}", "-o", "{out}"], "at least 2 documents"),
        (["matrix", "draft", "nope", "--corpus", "{corpus}", "-o", "{out}"], "no document 'nope'"),
        (["matrix", "--corpus", "{empty}", "-o", "{out}"], "is empty"),
    ],
)
def test_cli_errors_are_one_line(
    tmp_path: Path, corpus: Corpus, fake: FakeEmbedder, args: list[str], fragment: str
) -> None:
    (tmp_path / "empty").mkdir()
    paths = {
        "missing": tmp_path / "nope",
        "empty": tmp_path / "empty",
        "corpus": corpus.directory,
        "out": tmp_path / "m.html",
    }
    result = runner.invoke(app, [a.format(**paths) for a in args])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and fragment in lines[0], result.stderr
    assert not (tmp_path / "m.html").exists()
