from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Sequence

import jinja2
import pytest
from bs4 import BeautifulSoup, Tag

from treatydiff.diffing import diff_segments, normalise_for_diff
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
    assert len(soup.find_all("script")) == 1
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
    index = soup.select("nav.toc p")[0]
    assert [x.get_text() for x in index.find_all("a")] == ["1", "2"]


def test_summary_has_an_article_index_per_side(comparison: Comparison, soup: BeautifulSoup) -> None:
    index_a, index_b = soup.select("section.summary nav.toc p")
    for side, index, doc in (("a", index_a, comparison.a), ("b", index_b, comparison.b)):
        articles = list(dict.fromkeys(s.article for s in doc.segments if s.article))
        links = index.find_all("a")
        assert [x["href"] for x in links] == [f"#{article_anchor(side, a)}" for a in articles]
        assert [x.get_text() for x in links] == ["Preamble" if a == "preamble" else a for a in articles]
        titles = {x.get_text(): x["title"] for x in links}
        assert titles["Preamble"] == "Preamble"
    assert {x.get_text(): x["title"] for x in index_a.find_all("a")}["2"] == "Article 2 – Heading 2"
    assert [x.get_text() for x in index_b.find_all("a")] == ["Preamble", "7", "8", "9", "10"]
    assert "UN Convention" in index_b.get_text()
    # The index names the document through autoescaping too.
    assert XSS_TITLE in index_a.get_text()


# ---------------------------------------------------------------- summary, anchors


def summary_counts(soup: BeautifulSoup) -> dict[str, int]:
    counts = {}
    for row in soup.select("table.counts tr"):
        key = next(c for c in row["class"] if c.startswith("k-"))[2:]
        counts[key] = int(row.find("td").get_text())
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
    assert soup.main.find("b") is None and len(soup.find_all("script")) == 1
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
    buttons = soup.select("nav.filters button")
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
    html = render_report(comparison)
    text_bytes = sum(len(s.text.encode()) for s in a + b)
    markup_per_row = (len(html.encode()) - text_bytes) / len(pairs)
    assert markup_per_row < 700, markup_per_row  # headings included
