from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
import pytest
from bs4 import BeautifulSoup, Tag

from fakes import FakeEmbedder
from treatydiff.changelist import change_list, change_list_csv, change_list_markdown
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.diffing import count_words, diff_segments, normalise_for_diff
from treatydiff.documents import load_document
from treatydiff.export import comparison_to_dict
from treatydiff.records import (
    Comparison,
    DiffOp,
    Document,
    Level,
    Pair,
    Segment,
    SegmentDiff,
    SegmentedDocument,
    Status,
)
from treatydiff.report import (
    ReportContext,
    RowView,
    article_anchor,
    build_environment,
    build_report_context,
    render_report,
)

COMPARE = Path(__file__).parent / "fixtures" / "compare"
CHAPTER_A = "Chapter II – Measures to be taken at the national level"
CHAPTER_B = "Chapter III – Criminalization"
XSS_SCRIPT = "Each Party <script>alert(1)</script> shall adopt measures."
XSS_IMG = "A Party may <img src=x onerror=alert(1)> require intent."
XSS_TITLE = "Budapest </title><script>alert('t')</script>"


# ---------------------------------------------------------------- builders


def make_segment(
    seg_id: str,
    text: str,
    *,
    article: str | None,
    chapter: str | None = None,
    order: int = 0,
) -> Segment:
    heading = f"Article {article} – Heading {article}" if article and article != "preamble" else None
    path: tuple[str, ...] = tuple(p for p in (chapter, heading) if p)
    if article == "preamble":
        path = ("Preamble",)
    path += (seg_id.rsplit(".", 1)[-1],)
    return Segment(
        id=seg_id,
        label=f"Label {seg_id}",
        kind="paragraph",
        article=article,
        path=path,
        text=text,
        start=0,
        end=len(text),
        heading=heading,
        order=order,
    )


def make_document(title: str, segments: Sequence[Segment], **meta: str) -> SegmentedDocument:
    text = "\n".join(s.text for s in segments)
    doc = Document(
        path=f"corpora/{title[:8].lower()}.md",
        text=text,
        body_start=0,
        title=title,
        meta=dict(meta),
    )
    return SegmentedDocument(document=doc, level=Level.PARAGRAPH, segments=tuple(segments))


def make_pair(
    a: Sequence[Segment],
    b: Sequence[Segment],
    *,
    moved: bool = False,
    score: float = 0.9,
    pair_id: str | None = None,
) -> Pair:
    if a and b:
        diff: SegmentDiff | None = diff_segments(a, b)
        status = Status.MODIFIED if diff.changed else Status.UNCHANGED
    else:
        diff, status, score = None, (Status.ONLY_A if a else Status.ONLY_B), 0.0
    default_id = "pair-" + "+".join(s.id for s in a) + "--" + "+".join(s.id for s in b)
    return Pair(
        a=tuple(a),
        b=tuple(b),
        status=status,
        moved=moved,
        score=score,
        semantic=score,
        lexical=score / 2,
        diff=diff,
        id=default_id if pair_id is None else pair_id,
    )


@pytest.fixture
def comparison() -> Comparison:
    """A: preamble, Art. 2 (2), 3, 4, 5 (2), 6; B: preamble, Art. 7 (2), 8-10 (2)."""
    a = [
        make_segment(
            "preamble.r1",
            "The member States of the Council of Europe,",
            article="preamble",
        ),
        make_segment(
            "art-2.1",
            "access to any part of a computer system without right.",
            article="2",
            chapter=CHAPTER_A,
        ),
        make_segment("art-2.2", XSS_IMG, article="2", chapter=CHAPTER_A),
        make_segment("art-3.1", XSS_SCRIPT, article="3", chapter=CHAPTER_A),
        make_segment(
            "art-4.1",
            "Each Party shall establish jurisdiction.",
            article="4",
            chapter=CHAPTER_A,
        ),
        make_segment("art-5.1", "First sentence.", article="5", chapter=CHAPTER_A),
        make_segment("art-5.2", "Second sentence.", article="5", chapter=CHAPTER_A),
        make_segment(
            "art-6.1",
            "A provision the other text dropped.",
            article="6",
            chapter=CHAPTER_A,
        ),
    ]
    b = [
        make_segment("preamble.r1", "The States Parties to this Convention,", article="preamble"),
        make_segment(
            "art-7.1",
            "access to any part of an information and communications technology system without right.",
            article="7",
            chapter=CHAPTER_B,
        ),
        make_segment("art-7.2", "A Party may require intent.", article="7", chapter=CHAPTER_B),
        make_segment(
            "art-8.1",
            "Each State Party shall establish jurisdiction.",
            article="8",
            chapter=CHAPTER_B,
        ),
        make_segment(
            "art-9.1",
            "Each State Party shall adopt measures.",
            article="9",
            chapter=CHAPTER_B,
        ),
        make_segment(
            "art-10.1",
            "First sentence, then the second sentence.",
            article="10",
            chapter=CHAPTER_B,
        ),
        make_segment("art-10.2", "A brand new paragraph.", article="10", chapter=CHAPTER_B),
    ]
    pairs = (
        make_pair(a[0:1], b[0:1]),
        make_pair(a[1:2], b[1:2]),
        make_pair(a[2:3], b[2:3]),
        make_pair(a[3:4], b[4:5], moved=True),  # Art. 3 -> Art. 9
        make_pair(a[4:5], b[3:4], moved=True, pair_id=""),  # no id: one is generated
        make_pair(a[5:7], b[5:6]),  # two A sentences merged into one B sentence
        make_pair(a[7:8], ()),
        make_pair((), b[6:7]),
    )
    return Comparison(
        a=make_document(XSS_TITLE, a, short_title=XSS_TITLE, source="https://rm.coe.int/budapest"),
        b=make_document(
            "United Nations Convention against Cybercrime",
            b,
            short_title="UN Convention",
        ),
        level=Level.PARAGRAPH,
        pairs=pairs,
        model="fake-embedder",
        thresholds={"match": 0.6, "unchanged": 0.98},
    )


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.fixture
def soup(comparison: Comparison) -> BeautifulSoup:
    return parse(render_report(comparison))


def data_rows(soup: BeautifulSoup) -> list[Tag]:
    return soup.select("table.cmp tbody tr.r")


def visible_text(element: Tag) -> str:
    return element.get_text()


def executable_scripts(soup: BeautifulSoup) -> list[Tag]:
    """<script> elements a browser runs: all but the JSON data block."""
    return [s for s in soup.find_all("script") if s.get("type", "text/javascript") != "application/json"]


# ---------------------------------------------------------------- every segment once


def test_every_segment_appears_exactly_once(comparison: Comparison, soup: BeautifulSoup) -> None:
    seen = Counter(el["data-seg"] for el in soup.select("[data-seg]"))
    expected = [f"a:{s.id}" for s in comparison.a.segments] + [f"b:{s.id}" for s in comparison.b.segments]
    assert sorted(seen) == sorted(expected)
    assert set(seen.values()) == {1}


def test_each_cell_shows_its_segment_text_exactly(comparison: Comparison, soup: BeautifulSoup) -> None:
    texts = {f"a:{s.id}": normalise_for_diff(s.text) for s in comparison.a.segments} | {
        f"b:{s.id}": normalise_for_diff(s.text) for s in comparison.b.segments
    }
    for el in soup.select("[data-seg]"):
        assert visible_text(el.select_one(".t")) == texts[el["data-seg"]]
        assert visible_text(el.select_one(".l")) == f"Label {el['data-seg'][2:]}"


def test_rows_follow_the_pairs_order(comparison: Comparison, soup: BeautifulSoup) -> None:
    ids = [row["id"] for row in data_rows(soup)]
    assert len(ids) == len(comparison.pairs)
    assert ids[:4] == [p.id for p in comparison.pairs[:4]]
    assert ids[4] == "pair-5"  # generated for the pair without an id
    assert ids[-1] == comparison.pairs[-1].id  # the only-in-B row stays where B's order put it


def test_unaligned_segment_is_still_shown_with_a_notice(comparison: Comparison) -> None:
    trimmed = dataclasses.replace(comparison, pairs=comparison.pairs[:-1])  # drops B's art-10.2
    soup = parse(render_report(trimmed))
    assert len(soup.select('[data-seg="b:art-10.2"]')) == 1
    assert "not in any aligned pair" in visible_text(soup.select_one(".notice"))


# ---------------------------------------------------------------- escaping, no requests


def test_document_text_and_titles_are_escaped(soup: BeautifulSoup) -> None:
    assert len(executable_scripts(soup)) == 1
    assert [s["id"] for s in soup.find_all("script", type="application/json")] == ["export-data"]
    assert soup.find_all("img") == []
    for element in soup.find_all(True):
        assert not [name for name in element.attrs if name.lower().startswith("on")], element.name
    assert visible_text(soup.title) == f"treatydiff: {XSS_TITLE} ↔ UN Convention"
    page_text = visible_text(soup.body)
    assert "<script>alert(1)</script>" in page_text
    assert "<img src=x onerror=alert(1)>" in page_text


def test_the_inline_script_is_ours(soup: BeautifulSoup) -> None:
    script = soup.find("script")
    assert script is not None
    assert "alert" not in script.get_text()
    assert not script.has_attr("src")


def csp_sources(soup: BeautifulSoup) -> dict[str, list[str]]:
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None
    directives = [d.strip().split() for d in meta["content"].split(";") if d.strip()]
    return {d[0]: d[1:] for d in directives}


def sha256_source(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def test_csp_pins_the_inline_script_and_style_by_hash(soup: BeautifulSoup) -> None:
    csp = csp_sources(soup)
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == [sha256_source(soup.find("script").string)]
    assert csp["style-src"] == [sha256_source(soup.find("style").string)]
    assert not any("'unsafe-inline'" in sources for sources in csp.values())


def test_csp_meta_comes_before_style_and_script(soup: BeautifulSoup) -> None:
    head = [el.name for el in soup.head.find_all(["meta", "style", "script", "title"])]
    assert head.index("meta") < head.index("style")
    assert soup.head.find("meta", attrs={"http-equiv": True}) is not None


def test_no_external_requests(soup: BeautifulSoup) -> None:
    assert soup.find_all("link") == []
    for element in soup.find_all(True):
        for attr in ("src", "href", "srcset", "action", "poster", "data"):
            value = element.get(attr)
            assert not value or not re.match(r"\s*(https?:)?//", str(value)), (
                element.name,
                attr,
                value,
            )
    style = soup.find("style").string
    assert "url(" not in style and "@import" not in style
    # The source URL is shown as text, not as a link.
    assert "https://rm.coe.int/budapest" in visible_text(soup.header)
    assert soup.header.find("a") is None


def test_links_are_internal_and_every_one_resolves(soup: BeautifulSoup) -> None:
    links = soup.find_all("a")
    assert links, "article headings and the article index are links"
    ids = {el["id"] for el in soup.find_all(id=True)}
    for link in links:
        href = link.get("href")
        assert href and href.startswith("#") and len(href) > 1, link
        assert href[1:] in ids, f"{href} points to no element"
        assert not link.has_attr("target")


def heading_divs(soup: BeautifulSoup, side: str) -> list[Tag]:
    return soup.select(f"table.cmp tr.h td.{side} div")


def test_every_article_heading_line_links_to_its_anchor(comparison: Comparison, soup: BeautifulSoup) -> None:
    for side, doc in (("a", comparison.a), ("b", comparison.b)):
        articles = {s.article for s in doc.segments if s.article}
        article_lines = [d for d in heading_divs(soup, side) if not d.get_text().startswith("Chapter")]
        assert len(article_lines) >= len(articles)
        for div in article_lines:
            link = div.find("a", href=True)
            assert link is not None, div
            assert link.get_text() == div.get_text()
            assert soup.find(id=link["href"][1:]) is not None
        anchored = [d for d in article_lines if d.has_attr("id")]
        assert {d.a["href"] for d in anchored} == {f"#{d['id']}" for d in anchored}  # self-links
        assert {d["id"] for d in anchored} == {article_anchor(side, a) for a in articles}
        # Chapter lines are not links.
        assert all(
            d.find("a") is None for d in heading_divs(soup, side) if d.get_text().startswith("Chapter")
        )


def test_a_repeated_article_heading_links_to_its_first_appearance() -> None:
    a = [
        make_segment("art-1.1", "One.", article="1"),
        make_segment("art-2.1", "Two.", article="2"),
        make_segment("art-1.2", "One again.", article="1"),
    ]
    b = [
        make_segment(f"art-{i}.1", text, article=str(i))
        for i, text in ((1, "Uno."), (2, "Dos."), (3, "Tres."))
    ]
    comparison = Comparison(
        a=make_document("A", a),
        b=make_document("B", b),
        level=Level.PARAGRAPH,
        pairs=tuple(make_pair([x], [y]) for x, y in zip(a, b, strict=True)),
        model="m",
    )
    soup = parse(render_report(comparison))
    lines = [d for d in heading_divs(soup, "a") if d.get_text().startswith("Article 1")]
    assert len(lines) == 2
    assert lines[0]["id"] == "a-art-1" and not lines[1].has_attr("id")
    assert [d.a["href"] for d in lines] == ["#a-art-1", "#a-art-1"]
    index = soup.select("nav.toc ul.tc")[0]
    assert [x.get_text() for x in index.select(".arts a")] == ["1", "2"]


def test_contents_list_chapters_and_articles_per_side(comparison: Comparison, soup: BeautifulSoup) -> None:
    index_a, index_b = soup.select("nav.toc ul.tc")
    titles_a, titles_b = soup.select("nav.toc h3")
    for side, index, doc in (("a", index_a, comparison.a), ("b", index_b, comparison.b)):
        articles = list(dict.fromkeys(s.article for s in doc.segments if s.article))
        links = index.select(".arts a")
        assert [x["href"] for x in links] == [f"#{article_anchor(side, a)}" for a in articles]
        assert [x.get_text() for x in links] == ["Preamble" if a == "preamble" else a for a in articles]
        titles = {x.get_text(): x["title"] for x in links}
        assert titles["Preamble"].startswith("Preamble · ")
        # Chapters are links to their first heading line.
        chapters = index.select("a.ch")
        assert [c.get_text() for c in chapters] == [CHAPTER_A if side == "a" else CHAPTER_B]
        assert soup.find(id=chapters[0]["href"][1:]).get_text() == chapters[0].get_text()
    titles = {x.get_text(): x["title"] for x in index_a.select(".arts a")}
    assert titles["2"] == "Article 2 – Heading 2 · modified"
    assert titles["6"] == "Article 6 – Heading 6 · only in A"
    assert [x.get_text() for x in index_b.select(".arts a")] == ["Preamble", "7", "8", "9", "10"]
    assert "UN Convention" in titles_b.get_text()
    # The index names the document through autoescaping too.
    assert XSS_TITLE in titles_a.get_text()


# ---------------------------------------------------------------- summary, anchors


def summary_counts(soup: BeautifulSoup) -> dict[str, int]:
    counts = {}
    for row in soup.select("table.counts tbody tr"):
        key = next(c for c in row["class"] if c.startswith("k-"))[2:]
        counts[key] = int(row.select_one("td.nr").get_text())
    return counts


def test_summary_counts_equal_the_pairs(comparison: Comparison, soup: BeautifulSoup) -> None:
    by_status = Counter(p.status.value for p in comparison.pairs)
    counts = summary_counts(soup)
    assert counts == {
        "unchanged": by_status["unchanged"],
        "modified": by_status["modified"],
        "only_a": by_status["only_a"],
        "only_b": by_status["only_b"],
        "moved": sum(p.moved for p in comparison.pairs),
    }
    assert sum(v for k, v in counts.items() if k != "moved") == len(comparison.pairs)


def test_summary_coverage(comparison: Comparison) -> None:
    coverage_a, coverage_b = build_report_context(comparison).summary.coverage
    assert (coverage_a.segments_matched, coverage_a.segments_total) == (7, 8)
    assert (
        coverage_b.segments_matched,
        coverage_b.segments_total,
        coverage_b.segments_percent,
    ) == (6, 7, "86%")
    assert coverage_b.words_total == sum(
        len(s.text.replace(",", " ").replace(".", " ").split()) for s in comparison.b.segments
    )


def test_header_names_documents_model_level_and_thresholds(soup: BeautifulSoup) -> None:
    header = visible_text(soup.header)
    for expected in (
        "UN Convention",
        "United Nations Convention against Cybercrime",
        "corpora/",
        "paragraph",
        "fake-embedder",
        "match=0.6",
        "unchanged=0.98",
        "Generated by treatydiff",
    ):
        assert expected in header
    column_heads = [visible_text(th) for th in soup.select("table.cmp thead th")]
    assert column_heads == [f"A · {XSS_TITLE}", "Status", "B · UN Convention"]


def test_status_is_given_in_words_not_only_colour(comparison: Comparison, soup: BeautifulSoup) -> None:
    labels = {
        "unchanged": "= unchanged",
        "modified": "~ modified",
        "only_a": "− only in A",
        "only_b": "+ only in B",
    }
    for pair, row in zip(comparison.pairs, data_rows(soup), strict=True):
        statuses = [visible_text(s) for s in row.select(".st")]
        assert statuses[0] == labels[pair.status.value]
        assert ("↕ moved" in statuses) is pair.moved
        score = visible_text(row.select_one(".sc"))
        assert score == (f"{pair.score:.2f}" if pair.a and pair.b else "–")


def test_every_article_and_pair_has_a_unique_anchor(comparison: Comparison, soup: BeautifulSoup) -> None:
    ids = [el["id"] for el in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    for side, doc in (("a", comparison.a), ("b", comparison.b)):
        for article in {s.article for s in doc.segments if s.article}:
            assert soup.find(id=article_anchor(side, article)) is not None
    assert soup.find(id="a-art-2") is not None and soup.find(id="b-art-7") is not None
    assert soup.find(id="a-art-preamble") is not None


def test_heading_rows_only_where_the_article_changes(soup: BeautifulSoup) -> None:
    rows = soup.select("table.cmp tbody tr")
    # The two paragraphs of Art. 2 / Art. 7 share one heading row.
    second = soup.find(id=re.compile(r"^pair-art-2\.2--"))
    assert "h" not in rows[rows.index(second) - 1].get("class", [])
    first = soup.find(id=re.compile(r"^pair-art-2\.1--"))
    heading = rows[rows.index(first) - 1]
    assert "h" in heading["class"]
    assert [visible_text(d) for d in heading.select("td.a div")] == [
        CHAPTER_A,
        "Article 2 – Heading 2",
    ]
    assert [visible_text(d) for d in heading.select("td.b div")] == [
        CHAPTER_B,
        "Article 7 – Heading 7",
    ]


def test_diff_marks_insertions_and_deletions_on_their_side(soup: BeautifulSoup) -> None:
    row = soup.find(id=re.compile(r"^pair-art-2\.1--"))
    a_cell, b_cell = row.select_one("td.a"), row.select_one("td.b")
    assert [visible_text(d) for d in a_cell.find_all("del")] == ["a computer"]
    assert [visible_text(i) for i in b_cell.find_all("ins")] == [
        "an information and communications technology"
    ]
    assert a_cell.find("ins") is None and b_cell.find("del") is None


def test_a_diff_over_two_segments_is_split_between_them(soup: BeautifulSoup) -> None:
    row = soup.find(id=re.compile(r"^pair-art-5\.1\+art-5\.2--"))
    first, second = row.select("td.a [data-seg]")
    assert visible_text(first.select_one(".t")) == "First sentence."
    assert visible_text(second.select_one(".t")) == "Second sentence."
    assert row.select_one("td.b").find("ins") is not None


def test_diff_that_does_not_match_the_texts_falls_back_to_plain_text(
    comparison: Comparison,
) -> None:
    pair = comparison.pairs[1]
    stale = SegmentDiff(
        ops=(DiffOp("delete", "other"), DiffOp("insert", "words")),
        words_added=1,
        words_removed=1,
    )
    broken = dataclasses.replace(
        comparison,
        pairs=(dataclasses.replace(pair, diff=stale), *comparison.pairs[2:]),
        a=comparison.a,
        b=comparison.b,
    )
    row = parse(render_report(broken)).find(id=pair.id)
    assert row.find("ins") is None and row.find("del") is None
    assert visible_text(row.select_one("td.a .t")) == pair.a[0].text


def markdown_comparison(status: Status | None = None) -> tuple[Comparison, Pair]:
    """A hard-wrapped plain-text paragraph against the same paragraph in Markdown."""
    txt = "a common criminal policy, inter alia, by fostering international co-\noperation;\n  and  more"
    md = "a common criminal policy, *inter alia,* by fostering international co-operation; and more"
    a = [make_segment("art-1.1", txt, article="1"), make_segment("art-1.2", "Only in *A*.", article="1")]
    b = [
        make_segment("art-1.1", md, article="1"),
        make_segment("art-1.2", "(a) the **same** list.", article="1"),
    ]
    b_only = make_segment("art-1.3", "**Only** in\nB.", article="1")
    same = make_pair(a[:1], b[:1])
    # compare.py calls a pair whose texts differ only in list marker style unchanged.
    marker = make_pair([make_segment("art-1.9", "a) the same list.", article="1")], b[1:2])
    assert marker.diff is not None and marker.diff.changed
    marker = dataclasses.replace(marker, status=status or Status.UNCHANGED)
    pairs = (same, marker, make_pair(a[1:2], ()), make_pair((), [b_only]))
    a_segments = [a[0], marker.a[0], a[1]]
    comparison = Comparison(
        a=make_document("A", a_segments),
        b=make_document("B", [*b, b_only]),
        level=Level.PARAGRAPH,
        pairs=pairs,
        model="m",
    )
    return comparison, marker


def test_unchanged_rows_are_plain_text_without_diff_markup() -> None:
    comparison, marker = markdown_comparison()
    soup = parse(render_report(comparison))
    for row in soup.select("tr.r.k-unchanged"):
        assert row.find(["ins", "del"]) is None, row
    row = soup.find(id=marker.id)
    assert visible_text(row.select_one("td.a .t")) == "a) the same list."
    assert visible_text(row.select_one("td.b .t")) == "(a) the same list."
    # The same pair called modified shows its diff.
    modified, _ = markdown_comparison(Status.MODIFIED)
    row = parse(render_report(modified)).find(id=marker.id)
    assert [visible_text(x) for x in row.find_all("ins")] == ["("]


def test_layout_and_markdown_are_neither_shown_nor_marked_as_edits() -> None:
    comparison, _ = markdown_comparison()
    soup = parse(render_report(comparison))
    shown = "a common criminal policy, inter alia, by fostering international co-operation; and more"
    for side in ("a", "b"):
        cell = soup.select_one(f'[data-seg="{side}:art-1.1"] .t')
        assert visible_text(cell) == shown
    assert visible_text(soup.select_one('[data-seg="a:art-1.2"] .t')) == "Only in A."
    assert visible_text(soup.select_one('[data-seg="b:art-1.3"] .t')) == "Only in B."
    assert "*" not in "".join(visible_text(t) for t in soup.select(".t"))
    assert soup.find_all(["ins", "del"]) == []


def test_modified_row_marks_only_real_edits_over_markdown_and_wraps() -> None:
    a = [
        make_segment(
            "art-1.1", "Each Party shall, *inter alia,*\nadopt  such\nlegislative measures.", article="1"
        )
    ]
    b = [
        make_segment(
            "art-1.1", "Each State Party shall, inter alia, adopt such legislative measures.", article="1"
        )
    ]
    comparison = Comparison(
        a=make_document("A", a),
        b=make_document("B", b),
        level=Level.PARAGRAPH,
        pairs=(make_pair(a, b),),
        model="m",
    )
    soup = parse(render_report(comparison))
    assert [visible_text(x) for x in soup.find_all("ins")] == ["State"]
    assert soup.find_all("del") == []
    assert visible_text(soup.select_one('[data-seg="a:art-1.1"] .t')) == (
        "Each Party shall, inter alia, adopt such legislative measures."
    )


def test_markdown_removal_keeps_document_text_escaped() -> None:
    a = [make_segment("art-1.1", "*<b>bold</b>* and **<script>x()</script>**", article="1")]
    comparison = Comparison(
        a=make_document("A", a),
        b=make_document("B", []),
        level=Level.PARAGRAPH,
        pairs=(make_pair(a, ()),),
        model="m",
    )
    html = render_report(comparison)
    assert "&lt;b&gt;bold&lt;/b&gt; and &lt;script&gt;x()&lt;/script&gt;" in html
    soup = parse(html)
    assert soup.main.find("b") is None and len(executable_scripts(soup)) == 1
    assert (
        visible_text(soup.select_one('[data-seg="a:art-1.1"] .t')) == "<b>bold</b> and <script>x()</script>"
    )


def test_only_in_one_side_rows_have_an_empty_other_cell(soup: BeautifulSoup) -> None:
    only_b = soup.select_one("tr.r.k-only_b")
    assert only_b.select("td.a [data-seg]") == []
    assert only_b["data-f"].split() == ["only_b", "changed"]
    only_a = soup.select_one("tr.r.k-only_a")
    assert only_a.select("td.b [data-seg]") == []
    assert [el["data-seg"] for el in only_a.select("td.a [data-seg]")] == ["a:art-6.1"]


def test_filters_are_buttons_with_counts(soup: BeautifulSoup) -> None:
    buttons = soup.select("nav.bar .filters button")
    assert [b["data-filter"] for b in buttons] == [
        "all",
        "changed",
        "moved",
        "only_a",
        "only_b",
    ]
    assert all(b["type"] == "button" and b.has_attr("aria-pressed") for b in buttons)
    moved = next(b for b in buttons if b["data-filter"] == "moved")
    assert moved.select_one(".n").get_text() == str(len(soup.select('tr.r[data-f~="moved"]')))


# ---------------------------------------------------------------- environment, context


def test_environment_autoescapes_and_is_strict() -> None:
    env = build_environment()
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert env.get_template("report.html.j2").environment is env
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ missing }}").render()


def test_context_is_typed_and_frozen(comparison: Comparison) -> None:
    context = build_report_context(comparison)
    assert isinstance(context, ReportContext)
    assert all(isinstance(r, RowView) for r in context.rows)
    with pytest.raises(dataclasses.FrozenInstanceError):
        context.rows[0].score = "1.00"  # type: ignore[misc]
    spans = [s for seg in context.rows[1].a.segments for s in seg.spans]
    assert {s.kind for s in spans} == {"eq", "del"}


def test_large_report_stays_lean() -> None:
    a = [
        make_segment(
            f"p{i}.s1",
            f"Sentence {i} of the first text, with some words.",
            article=str(i // 5),
        )
        for i in range(2500)
    ]
    b = [
        make_segment(
            f"p{i}.s1",
            f"Sentence {i} of the second text, with some words.",
            article=str(i // 5),
        )
        for i in range(2500)
    ]
    pairs = tuple(make_pair([x], [y]) for x, y in zip(a, b, strict=True))
    comparison = Comparison(
        a=make_document("A", a),
        b=make_document("B", b),
        level=Level.SENTENCE,
        pairs=pairs,
        model="m",
    )
    soup = parse(render_report(comparison))
    table = str(soup.select_one("table.cmp")).encode()
    text_bytes = sum(len(s.text.encode()) for s in a + b)
    markup_per_row = (len(table) - text_bytes) / len(pairs)
    assert markup_per_row < 700, markup_per_row  # headings included
    # The change list, the map and the contents add a bounded amount per article.
    articles = len({s.article for s in a}) + len({s.article for s in b})
    overhead = sum(len(str(soup.select_one(sel)).encode()) for sel in ("#changes", "#map", "#toc"))
    assert overhead / articles < 1200, overhead / articles


# ---------------------------------------------------------------- change list against the JSON export


def expected_change_list(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The change list recomputed from the JSON export alone, as documented on ChangeRow."""

    def provision(seg: dict[str, Any]) -> str:
        if seg["article"] is not None:
            return "Preamble" if seg["article"] == "preamble" else f"Article {seg['article']}"
        if seg["path"]:
            return normalise_for_diff(seg["path"][0])
        return seg["label"].split(",", 1)[0]

    prov = {side: {s["id"]: provision(s) for s in data[side]["segments"]} for side in "ab"}
    words = {side: {s["id"]: count_words(s["text"]) for s in data[side]["segments"]} for side in "ab"}
    pairs = data["pairs"]
    one_sided = {side: {i for p in pairs if not (p["a"] and p["b"]) for i in p[side]} for side in "ab"}

    def own(side: str, name: str) -> list[str]:
        return [i for i, n in prov[side].items() if n == name]

    b_order = list(dict.fromkeys(prov["b"][s["id"]] for s in data["b"]["segments"]))
    links: dict[str, set[str]] = {}  # B provision -> A provisions aligned with it
    rows = []
    for name in dict.fromkeys(prov["a"][s["id"]] for s in data["a"]["segments"]):
        ids = set(own("a", name))
        touching = [p for p in pairs if ids & set(p["a"])]
        two_sided = [p for p in touching if p["b"]]
        counterparts = sorted({prov["b"][j] for p in two_sided for j in p["b"]}, key=b_order.index)
        for cp in counterparts:
            links.setdefault(cp, set()).add(name)
        rows.append({"a": name, "b": counterparts, "ids": ids, "touching": touching, "two_sided": two_sided})
    result = []
    for row in rows:
        ids, two_sided, name = row["ids"], row["two_sided"], row["a"]
        if not two_sided:
            result.append(
                {
                    "a": name,
                    "b": [],
                    "status": "only_a",
                    "moved": False,
                    "score": "–",
                    "added": 0,
                    "removed": sum(words["a"][i] for i in ids),
                    "pair": row["touching"][0]["id"],
                }
            )
            continue
        unaligned = ids & one_sided["a"]
        added = sum(p["words_added"] for p in two_sided)
        removed = sum(p["words_removed"] for p in two_sided) + sum(words["a"][i] for i in unaligned)
        for cp in row["b"]:
            if links[cp] == {name}:
                added += sum(words["b"][j] for j in own("b", cp) if j in one_sided["b"])
        weights = [max(1, sum(words["a"][i] for i in p["a"] if i in ids)) for p in two_sided]
        score = sum(w * p["semantic"] for w, p in zip(weights, two_sided, strict=True)) / sum(weights)
        unchanged = all(p["status"] == "unchanged" for p in row["touching"]) and not unaligned
        result.append(
            {
                "a": name,
                "b": row["b"],
                "status": "unchanged" if unchanged else "modified",
                "moved": any(p["moved"] for p in two_sided),
                "score": f"{score:.2f}",
                "added": added,
                "removed": removed,
                "pair": row["touching"][0]["id"],
            }
        )
    for name in dict.fromkeys(prov["b"][s["id"]] for s in data["b"]["segments"]):
        if name not in links:
            result.append(
                {
                    "a": None,
                    "b": [name],
                    "status": "only_b",
                    "moved": False,
                    "score": "–",
                    "added": sum(words["b"][j] for j in own("b", name)),
                    "removed": 0,
                    "pair": next(p["id"] for p in pairs if set(own("b", name)) & set(p["b"])),
                }
            )
    return result


def change_list_in_page(soup: BeautifulSoup) -> list[dict[str, Any]]:
    rows = []
    for tr in soup.select("table#cl tbody tr"):
        cells = tr.find_all("td")
        a_link = cells[1].find("a")
        rows.append(
            {
                "a": a_link.get_text() if a_link else None,
                "b": [x.get_text() for x in cells[2].find_all("a")],
                "status": next(c for c in tr["class"] if c.startswith("k-"))[2:],
                "moved": cells[3].select_one(".mvd") is not None,
                "score": cells[4].get_text(),
                "added": int(cells[5].get_text()),
                "removed": int(cells[6].get_text()),
                "href": a_link["href"] if a_link else cells[2].find("a")["href"],
            }
        )
    return rows


def assert_change_list_matches_json(comparison: Comparison) -> None:
    soup = parse(render_report(comparison))
    expected = expected_change_list(comparison_to_dict(comparison))
    shown = change_list_in_page(soup)
    key = ("a", "b", "status", "moved", "score", "added", "removed")
    assert sorted(tuple(str(r[k]) for k in key) for r in shown) == sorted(
        tuple(str(r[k]) for k in key) for r in expected
    )
    # A's articles in A's order; every row links to its article, which heads its first pair.
    assert [r["a"] for r in shown if r["a"]] == [r["a"] for r in expected if r["a"]]
    rows = soup.select("table.cmp tr")
    for row, want in zip(sorted(shown, key=str), sorted(expected, key=str), strict=True):
        target = soup.find(id=row["href"][1:])
        assert target is not None, row
        following = target.find_parent("tr") if target.name != "tr" else target
        first_pair = next(r for r in rows[rows.index(following) :] if "r" in r.get("class", []))
        assert first_pair["id"] in {want["pair"], f"pair-{want['pair']}"} or want["pair"] == ""


def test_change_list_in_the_report_matches_the_json_export(comparison: Comparison) -> None:
    assert_change_list_matches_json(comparison)


@pytest.mark.parametrize("level", [Level.ARTICLE, Level.PARAGRAPH, Level.SENTENCE])
def test_change_list_matches_the_json_export_on_a_revised_draft(level: Level) -> None:
    a = load_document(COMPARE / "draft-v1.md")
    b = load_document(COMPARE / "draft-v2.md")
    assert_change_list_matches_json(compare_documents(a, b, FakeEmbedder(), CompareOptions(level=level)))


@pytest.fixture(scope="module")
def real_model() -> Any:
    from treatydiff.embeddings import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.mark.model
@pytest.mark.parametrize("other", ["budapest-protocol-ets189.en.md", "uncac.en.md"])
def test_change_list_matches_the_json_export_on_reference_texts(
    corpus_sources: Path, real_model: Any, other: str
) -> None:
    a = load_document(corpus_sources / "budapest-convention.en.md")
    b = load_document(corpus_sources / other)
    comparison = compare_documents(a, b, real_model, CompareOptions(level=Level.ARTICLE))
    assert_change_list_matches_json(comparison)


# ---------------------------------------------------------------- folds, move markers, map, exports


@pytest.fixture
def long_comparison() -> Comparison:
    """Articles 1-6 of A: 1, 2, 5 unchanged (two paragraphs each), 3 modified, 4 moved to the end."""
    a, b = [], []
    for n in range(1, 7):
        for k in (1, 2):
            text = f"Paragraph {k} of article {n} stays as it was."
            a.append(make_segment(f"art-{n}.{k}", text, article=str(n), chapter=CHAPTER_A, order=len(a)))
    for n, source in ((1, 1), (2, 2), (3, 3), (4, 5), (5, 6), (6, 4)):
        for k in (1, 2):
            text = f"Paragraph {k} of article {source} stays as it was."
            if source == 3 and k == 1:
                text = "Paragraph 1 of article 3 was rewritten."
            b.append(make_segment(f"art-{n}.{k}", text, article=str(n), chapter=CHAPTER_B, order=len(b)))
    b_of = {
        f"art-{source}.{k}": b[(n - 1) * 2 + k - 1]
        for n, source in ((1, 1), (2, 2), (3, 3), (4, 5), (5, 6), (6, 4))
        for k in (1, 2)
    }
    pairs = tuple(make_pair([s], [b_of[s.id]], moved=s.article == "4") for s in a)
    return Comparison(
        a=make_document("Alpha", a), b=make_document("Beta", b), level=Level.PARAGRAPH, pairs=pairs, model="m"
    )


def test_runs_of_unchanged_rows_fold_into_one_line(long_comparison: Comparison) -> None:
    soup = parse(render_report(long_comparison))
    folds = soup.select("table.cmp tbody.fold")
    # 1(1)-2(2) form one run, 3(2) is alone, 5(1)-6(2) the last; moved rows never fold.
    assert [len(f.select("tr.r")) for f in folds] == [4, 1, 4]
    for fold in folds:
        toggle = fold.select_one("tr.ft button")
        assert fold.find("tr") is toggle.find_parent("tr")  # the toggle line comes first
        assert toggle["type"] == "button" and toggle["aria-expanded"] == "false"
        assert toggle["aria-controls"] == fold["id"]
        assert all("k-unchanged" in r["class"] for r in fold.select("tr.r"))
        assert f"{len(fold.select('tr.r'))} unchanged row" in toggle.get_text()
    first = folds[0]
    assert "A: Label art-1.1 – Label art-2.2" in first.select_one(".ftb").get_text()
    # The heading above the run stays outside; the one inside the run folds with it.
    assert first.find(id="a-art-1") is None and soup.find(id="a-art-1") is not None
    assert first.find(id="a-art-2") is not None
    assert {el["data-seg"] for el in soup.select("[data-seg]")} == {
        f"{side}:{s.id}"
        for side, doc in (("a", long_comparison.a), ("b", long_comparison.b))
        for s in doc.segments
    }


def test_a_moved_pair_is_marked_where_b_has_it(long_comparison: Comparison) -> None:
    soup = parse(render_report(long_comparison))
    rows = soup.select("table.cmp tbody tr")
    stubs = soup.select("tr.stub")
    moved = soup.select("tr.r.mv")
    assert len(stubs) == len(moved) == 2
    for row, stub in zip(moved, stubs, strict=True):
        assert stub["id"] == f"mv-{row['id']}"
        assert row.select_one("a.mvl")["href"] == f"#{stub['id']}"
        assert stub.select_one(".stx a")["href"] == f"#{row['id']}"
        assert "moved" in stub.select_one(".st").get_text() and "moved" in row.select_one(".mvd").get_text()
        assert stub["data-f"].split() == ["moved", "changed"]
        assert not stub.select("[data-seg]")  # the text itself is shown once, with the pair
    # B's Article 6 (A's Article 4) comes last in B: its markers follow B's Article 5.
    last_b_row = soup.find(id=re.compile(r"^pair-art-6\.2--"))
    assert rows.index(stubs[0]) > rows.index(last_b_row)
    assert "above" in stubs[0].get_text() and "↓" in moved[0].select_one("a.mvl").get_text()


def test_heading_rows_carry_the_tags_of_the_rows_they_head(long_comparison: Comparison) -> None:
    soup = parse(render_report(long_comparison))
    rows = [r for r in soup.select("table.cmp tbody tr") if "ft" not in r.get("class", [])]
    headings = [i for i, r in enumerate(rows) if "h" in r.get("class", [])]
    for start, end in zip(headings, [*headings[1:], len(rows)], strict=True):
        tags = {t for row in rows[start + 1 : end] for t in row["data-f"].split()}
        assert set(rows[start]["data-f"].split()) == tags


def test_map_has_a_node_per_article_and_a_line_per_correspondence(long_comparison: Comparison) -> None:
    soup = parse(render_report(long_comparison))
    svg = soup.select_one("#map svg")
    assert svg["role"] == "group" and svg["viewbox"].startswith("0 0 ")  # the parser lowercases names
    nodes = svg.select("g.nodes a")
    lines = svg.select("g.links a")
    assert len(nodes) == 12 and len(lines) == 6
    for link in nodes + lines:
        assert link.find("title").get_text()
        assert soup.find(id=link["href"][1:]) is not None
    moved = [x for x in lines if "mv" in x.select_one("path.ln")["class"]]
    assert (
        len(moved) == 1 and "A Article 4 – Heading 4 ↔ B Article 6 – Heading 6" in moved[0].title.get_text()
    )
    assert all(x.select_one("path.hit") is not None for x in lines)


def test_map_labels_every_fifth_article_when_there_are_many() -> None:
    a = [make_segment(f"art-{n}.1", f"Text {n}.", article=str(n), order=n) for n in range(1, 72)]
    b = [make_segment(f"art-{n}.1", f"Text {n}.", article=str(n), order=n) for n in range(1, 49)]
    pairs = tuple(make_pair([x], [y]) for x, y in zip(a, b, strict=False)) + tuple(
        make_pair([x], []) for x in a[48:]
    )
    comparison = Comparison(make_document("A", a), make_document("B", b), Level.PARAGRAPH, pairs, "m")
    svg = parse(render_report(comparison)).select_one("#map svg")
    labels = [t.get_text() for t in svg.select("g.nodes text")]
    assert labels[:3] == ["1", "5", "10"] and "71" in labels and "7" not in labels
    assert int(svg["height"]) <= 71 * 10 + 20  # compressed: about 9 px an article


def test_export_data_holds_the_change_list_and_cannot_close_its_script(comparison: Comparison) -> None:
    hostile = dataclasses.replace(
        comparison,
        a=dataclasses.replace(
            comparison.a,
            document=dataclasses.replace(
                comparison.a.document, title="</script><script>alert(1)</script> & <!--"
            ),
        ),
    )
    html = render_report(hostile)
    block = html.split('<script type="application/json" id="export-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in block and ">" not in block and "&" not in block.replace("\\u0026", "")
    data = json.loads(block)
    rows = change_list(hostile)
    assert data["csv"] == change_list_csv(rows)
    assert data["markdown"] == change_list_markdown(rows, hostile)
    assert "</script><script>alert(1)</script>" in data["markdown"].replace("\\", "")
    assert data["csv_name"].endswith(".changes.csv") and data["md_name"].endswith(".changes.md")
    assert len(executable_scripts(parse(html))) == 1


def test_dashboard_lists_the_most_changed_articles(comparison: Comparison, soup: BeautifulSoup) -> None:
    items = soup.select("#summary .most li")
    rows = [r for r in change_list(comparison) if r.counterparts and r.words_changed]
    ranked = sorted(rows, key=lambda r: (-r.words_changed, r.provision.order))[:10]
    assert [li.a["href"] for li in items] == [r.href for r in ranked]
    assert [li.select_one(".plus").get_text() for li in items] == [f"+{r.words_added}" for r in ranked]


def test_change_list_table_is_sortable_and_filterable(soup: BeautifulSoup) -> None:
    table = soup.select_one("table#cl")
    assert table["data-filter"] == "all"
    heads = table.select("thead th")
    assert heads[0]["aria-sort"] == "ascending"
    assert [b["data-sort"] for b in table.select("thead button")] == [str(i) for i in range(7)]
    for row in table.select("tbody tr"):
        assert row["data-f"].split()[0] == next(c for c in row["class"] if c.startswith("k-"))[2:]
        assert all(float(td["data-v"]) is not None for td in row.find_all("td")[:7])
    assert soup.select_one("label[for=clq]") is not None
    assert [b["data-export"] for b in soup.select("#changes button[data-export]")] == ["csv", "md"]


# ---------------------------------------------------------------- quality bar


def test_page_has_landmarks_labels_and_a_skip_link(soup: BeautifulSoup) -> None:
    skip = soup.body.find("a")
    assert "skip" in skip["class"] and soup.find(id=skip["href"][1:]) is not None
    assert soup.find("header") and soup.find("main") and soup.find("footer")
    assert [
        n["aria-label"] if n.has_attr("aria-label") else n["aria-labelledby"] for n in soup.find_all("nav")
    ] == [
        "Reading tools",
        "toc-h",
    ]
    for field in soup.find_all("input"):
        assert soup.find("label", attrs={"for": field["id"]}) is not None
    for button in soup.find_all("button"):
        assert button["type"] == "button"
        assert button.get_text(strip=True) or button.get("aria-label")
    assert soup.select_one("table.cmp caption") is not None


def test_no_inline_styles_or_handlers_that_the_policy_would_block(soup: BeautifulSoup) -> None:
    for element in soup.find_all(True):
        assert "style" not in element.attrs, element.name
        assert not [a for a in element.attrs if a.lower().startswith("on")], element.name
        assert not str(element.get("href", "")).lower().startswith("javascript:")


def test_script_uses_no_eval_and_delegates_its_listeners(soup: BeautifulSoup) -> None:
    script = executable_scripts(soup)[0].get_text()
    for forbidden in ("eval(", "new Function", "innerHTML", 'setAttribute("style', "document.write"):
        assert forbidden not in script
    assert script.count("addEventListener") < 20  # a handful of delegated listeners, none per row


def css_blocks(css: str) -> dict[str, str]:
    """Top-level @media blocks of the stylesheet by their condition ("" for the rest)."""
    blocks: dict[str, str] = {"": ""}
    i = 0
    while i < len(css):
        if css.startswith("@media", i):
            start = css.index("{", i)
            depth, j = 1, start + 1
            while depth:
                depth += {"{": 1, "}": -1}.get(css[j], 0)
                j += 1
            blocks[css[i + 6 : start].strip()] = css[start + 1 : j - 1]
            i = j
        else:
            blocks[""] += css[i]
            i += 1
    return blocks


def custom_properties(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def contrast(fg: str, bg: str) -> float:
    def luminance(color: str) -> float:
        channels = [int(color[k : k + 2], 16) / 255 for k in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(fg), luminance(bg)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_colours_meet_wcag_aa_in_light_and_dark(soup: BeautifulSoup) -> None:
    blocks = css_blocks(soup.find("style").string)
    light = custom_properties(blocks[""])
    dark = {**light, **custom_properties(blocks["(prefers-color-scheme: dark)"])}
    text = ["fg", "muted", "link", "k-unchanged", "k-modified", "k-moved", "k-only_a", "k-only_b"]
    for palette in (light, dark):
        for fg in text:
            for bg in ("bg", "head", "tint-a", "tint-b"):
                assert contrast(palette[fg], palette[bg]) >= 4.5, (fg, bg)
        for fg, bg in (
            ("ins-fg", "ins-bg"),
            ("del-fg", "del-bg"),
            ("mark-fg", "mark-bg"),
            ("mark-fg", "mark-cur"),
        ):
            assert contrast(palette[fg], palette[bg]) >= 4.5, (fg, bg)
        # a status badge prints the page background on its status colour
        for key in text[3:]:
            assert contrast(palette["bg"], palette[key]) >= 4.5, key


def test_print_shows_everything_and_no_controls(soup: BeautifulSoup) -> None:
    blocks = css_blocks(soup.find("style").string)
    screen, printed = blocks["screen"], blocks["print"]
    assert "tbody.fold" in screen and 'data-filter="changed"' in screen  # folds and filters: screen only
    assert "tbody.fold" not in blocks[""].replace("html:not(.js) .ft", "")
    hidden = next(rule for rule in printed.split("}") if "display: none !important" in rule)
    for selector in (".bar", ".skip", ".tools", ".ft"):
        assert selector in hidden
    assert "position: static" in printed


def test_budapest_and_uncac_by_sentence_stay_under_three_megabytes(corpus_sources: Path) -> None:
    a = load_document(corpus_sources / "budapest-convention.en.md")
    b = load_document(corpus_sources / "uncac.en.md")
    comparison = compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.SENTENCE))
    html = render_report(comparison)
    assert len(html.encode()) < 3_000_000
    assert_change_list_matches_json(comparison)
