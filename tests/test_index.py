"""The reports index page: corpus documents and reports, self-contained and escaped."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from fakes import FakeEmbedder
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.corpus import Corpus, CorpusEntry, render
from treatydiff.documents import load_document
from treatydiff.index import find_reports, render_index, report_title, write_index
from treatydiff.records import Level
from treatydiff.report import render_report

COMPARE = Path(__file__).parent / "fixtures" / "compare"
HOSTILE = "Treaty </title><script>alert(1)</script> & <b>co</b>"


def add_document(directory: Path, doc_id: str, **meta: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{doc_id}.md"
    path.write_text(
        render(meta, "# Title\n\n##### Article 1 – One\n\nEach Party shall act."), encoding="utf-8"
    )
    return path


@pytest.fixture
def workspace(tmp_path: Path) -> tuple[Corpus, Path]:
    corpus_dir, reports = tmp_path / "corpora", tmp_path / "reports"
    add_document(
        corpus_dir,
        "budapest",
        title="Convention on Cybercrime",
        short_title="Budapest",
        kind="treaty",
        language="en",
        date="2001-11-23",
    )
    add_document(corpus_dir, "hostile", title=HOSTILE, kind="draft", language="fr", date="2024-01-01")
    reports.mkdir()
    a, b = load_document(COMPARE / "draft-v1.md"), load_document(COMPARE / "draft-v2.md")
    comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.ARTICLE))
    (reports / "draft-v1--draft-v2.html").write_text(render_report(comparison), encoding="utf-8")
    (reports / "draft-v1--draft-v2.json").write_text("{}", encoding="utf-8")
    (reports / "notes & more.html").write_text(
        f"<title>{HOSTILE.replace('<', '&lt;')}</title>", encoding="utf-8"
    )
    (reports / "index.html").write_text("old index", encoding="utf-8")
    return Corpus(corpus_dir), reports


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_lists_every_document_and_every_report(workspace: tuple[Corpus, Path]) -> None:
    corpus, reports = workspace
    soup = parse(render_index(corpus.entries(), find_reports(reports), reports))
    documents = soup.select("#documents tbody tr")
    assert [r.th.get_text() for r in documents] == ["budapest", "hostile"]
    cells = [td.get_text() for td in documents[0].find_all("td")]
    assert cells[:4] == ["Convention on Cybercrime (Budapest)", "treaty", "2001-11-23", "en"]
    assert documents[0].th.a["href"] == "../corpora/budapest.md"
    listed = soup.select("#reports tbody tr")
    assert [r.th.a["href"] for r in listed] == ["draft-v1--draft-v2.html", "notes%20%26%20more.html"]
    assert listed[0].th.get_text() == "Evidence draft v1 ↔ Evidence draft v2"  # from the report's <title>
    assert listed[0].find_all("td")[0].get_text() == "article"
    assert [a["href"] for a in listed[0].find_all("td")[-1].find_all("a")] == ["draft-v1--draft-v2.json"]


def test_index_is_escaped_and_self_contained(workspace: tuple[Corpus, Path]) -> None:
    corpus, reports = workspace
    html = render_index(corpus.entries(), find_reports(reports), reports)
    soup = parse(html)
    assert soup.find_all("script") == [] and soup.find_all("link") == []
    assert HOSTILE in soup.select("#documents tbody tr")[1].get_text()
    assert HOSTILE in soup.select("#reports tbody tr")[1].get_text()
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    style = soup.find("style").string
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert (
        "default-src 'none'" in meta
        and f"style-src 'sha256-{digest}'" in meta
        and "script-src 'none'" in meta
    )
    for element in soup.find_all(True):
        assert "style" not in element.attrs and not [a for a in element.attrs if a.startswith("on")]
        href = element.get("href", "")
        assert "://" not in href and not href.startswith("//")
    assert soup.find("main") and soup.find("nav") and soup.find("meta", attrs={"name": "generator"})


def test_write_index_replaces_the_old_one_atomically(workspace: tuple[Corpus, Path]) -> None:
    corpus, reports = workspace
    path = write_index(corpus, reports)
    assert path == reports / "index.html"
    soup = parse(path.read_text(encoding="utf-8"))
    assert len(soup.select("#reports tbody tr")) == 2  # the index does not list itself
    assert not list(reports.glob(".*.tmp"))


def test_empty_corpus_and_no_reports(tmp_path: Path) -> None:
    path = write_index(Corpus(tmp_path / "none"), tmp_path / "reports")
    soup = parse(path.read_text(encoding="utf-8"))
    assert "No reports yet" in soup.get_text() and "The corpus is empty" in soup.get_text()


def test_report_title_reads_the_title_element(tmp_path: Path) -> None:
    page = tmp_path / "r.html"
    page.write_text("<html><head><title>treatydiff: A &amp; B\n ↔ C</title>", encoding="utf-8")
    assert report_title(page) == "A & B ↔ C"
    page.write_text("no title here", encoding="utf-8")
    assert report_title(page) is None
    assert report_title(tmp_path / "missing.html") is None


def test_entries_keep_the_corpus_order(tmp_path: Path) -> None:
    entries = [
        CorpusEntry("b", tmp_path / "b.md", {"title": "B"}, "two words"),
        CorpusEntry("a", tmp_path / "a.md", {"title": "A"}, "one"),
    ]
    soup = parse(render_index(entries, [], tmp_path))
    assert [r.th.get_text() for r in soup.select("#documents tbody tr")] == ["b", "a"]
    assert [r.select_one("td.num").get_text() for r in soup.select("#documents tbody tr")] == ["2", "1"]
