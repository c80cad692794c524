"""The change list: rows per article, their summaries, and the CSV and Markdown exports."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from fakes import FakeEmbedder
from treatydiff.changelist import (
    CSV_COLUMNS,
    ChangeRow,
    article_anchor,
    build_change_model,
    change_list,
    change_list_csv,
    change_list_markdown,
    heading_anchor,
    pair_anchors,
)
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.diffing import diff_segments
from treatydiff.documents import load_document
from treatydiff.records import Comparison, Document, Level, Pair, Segment, SegmentedDocument, Status

COMPARE = Path(__file__).parent / "fixtures" / "compare"


def drafts(level: Level) -> Comparison:
    a = load_document(COMPARE / "draft-v1.md")
    b = load_document(COMPARE / "draft-v2.md")
    return compare_documents(a, b, FakeEmbedder(), CompareOptions(level=level))


@pytest.fixture(scope="module")
def article_rows() -> tuple[ChangeRow, ...]:
    return change_list(drafts(Level.ARTICLE))


def by_label(rows: tuple[ChangeRow, ...]) -> dict[str, ChangeRow]:
    return {f"{r.side.upper()} {r.provision.label}": r for r in rows}


# ---------------------------------------------------------------- rows


def test_one_row_per_article_of_a_and_per_article_only_in_b(article_rows: tuple[ChangeRow, ...]) -> None:
    assert [f"{r.side} {r.provision.label}" for r in article_rows] == [
        "a Article 1",
        "b Article 2",  # new in B: placed where B's order puts it
        "a Article 2",
        "a Article 3",
        "a Article 4",
        "a Article 5",
        "a Article 6",
    ]
    rows = by_label(article_rows)
    assert [p.label for p in rows["A Article 4"].counterparts] == ["Article 5", "Article 6"]
    assert rows["B Article 2"].status == Status.ONLY_B and rows["B Article 2"].a is None
    assert rows["A Article 5"].status == Status.ONLY_A and rows["A Article 5"].b == ()


def test_statuses_moves_scores_and_word_counts(article_rows: tuple[ChangeRow, ...]) -> None:
    rows = by_label(article_rows)
    assert rows["A Article 1"].status == Status.UNCHANGED and not rows["A Article 1"].changed
    assert rows["A Article 2"].status == Status.MODIFIED
    assert (rows["A Article 2"].words_added, rows["A Article 2"].words_removed) == (4, 1)
    assert rows["A Article 3"].moved and not rows["A Article 6"].moved
    assert rows["A Article 3"].status == Status.UNCHANGED and rows["A Article 3"].changed
    assert rows["A Article 6"].status == Status.UNCHANGED and not rows["A Article 6"].changed
    assert rows["A Article 5"].semantic is None
    assert rows["A Article 5"].words_removed == rows["A Article 5"].provision.words == 26
    assert rows["B Article 2"].words_added == rows["B Article 2"].provision.words
    assert 0.0 < rows["A Article 2"].semantic <= 1.0  # type: ignore[operator]


def test_summaries_say_what_changed_in_a_lawyers_words(article_rows: tuple[ChangeRow, ...]) -> None:
    rows = by_label(article_rows)
    assert rows["A Article 3"].summary == "renumbered 3→7; moved out of sequence; wording unchanged"
    assert rows["A Article 6"].summary == "renumbered 6→4; wording unchanged"
    assert rows["A Article 2"].summary == (
        "renumbered 2→3; 4 words added, 1 removed; "
        "‘computer system’ → ‘information and communications technology system’"
    )
    assert rows["A Article 4"].summary.startswith("split into Articles 5 and 6")
    assert "‘1." not in rows["A Article 4"].summary  # paragraph numbers are not quoted as rewording
    assert rows["A Article 5"].summary == "only in A: no counterpart found in B"
    assert rows["B Article 2"].summary == "only in B: no counterpart found in A"
    assert rows["A Article 1"].summary == "wording unchanged"


def test_rows_link_to_article_anchors_and_pairs_in_display_order() -> None:
    comparison = drafts(Level.PARAGRAPH)
    model = build_change_model(comparison)
    anchors = set(model.anchors)
    for row in model.rows:
        assert row.href == f"#{article_anchor(row.side, row.provision.number or '')}"
        assert row.pair_ids and set(row.pair_ids) <= anchors
        positions = [model.anchors.index(p) for p in row.pair_ids]
        assert positions == sorted(positions)


def test_paragraph_level_rolls_paragraphs_up_to_articles() -> None:
    rows = by_label(change_list(drafts(Level.PARAGRAPH)))
    assert [p.label for p in rows["A Article 3"].counterparts] == ["Article 7"]
    assert [p.label for p in rows["A Article 4"].counterparts] == ["Article 5", "Article 6"]
    assert rows["A Article 3"].summary.startswith("renumbered 3→7; moved out of sequence")


def segment(seg_id: str, text: str, article: str | None, order: int, path: tuple[str, ...] = ()) -> Segment:
    return Segment(
        id=seg_id,
        label=f"Article {article}({seg_id[-1]})" if article else seg_id,
        kind="paragraph",
        article=article,
        path=path or ((f"Article {article} – Title {article}",) if article else ()),
        text=text,
        start=0,
        end=len(text),
        heading=f"Article {article} – Title {article}" if article else None,
        order=order,
    )


def pair(a: list[Segment], b: list[Segment], *, moved: bool = False, pair_id: str = "") -> Pair:
    if a and b:
        diff = diff_segments(a, b)
        status = Status.MODIFIED if diff.changed else Status.UNCHANGED
        return Pair(tuple(a), tuple(b), status, moved, 0.8, 0.9, 0.7, diff, pair_id)
    status = Status.ONLY_A if a else Status.ONLY_B
    return Pair(tuple(a), tuple(b), status, False, 0.0, 0.0, 0.0, None, pair_id)


def comparison_of(a: list[Segment], b: list[Segment], pairs: list[Pair]) -> Comparison:
    def doc(title: str, segs: list[Segment]) -> SegmentedDocument:
        text = "\n".join(s.text for s in segs)
        document = Document(path=f"{title}.md", text=text, body_start=0, title=title)
        return SegmentedDocument(document, Level.PARAGRAPH, tuple(segs))

    return Comparison(doc("A", a), doc("B", b), Level.PARAGRAPH, tuple(pairs), "m")


def test_merged_articles_and_partly_matched_ones() -> None:
    a = [
        segment("art-1.1", "Each Party shall adopt measures.", "1", 0),
        segment("art-1.2", "A paragraph nobody kept.", "1", 1),
        segment("art-2.1", "Each Party shall cooperate.", "2", 2),
    ]
    b = [
        segment("art-9.1", "Each State Party shall adopt measures.", "9", 0),
        segment("art-9.2", "Each State Party shall cooperate.", "9", 1),
        segment("art-9.3", "And a new paragraph of five words.", "9", 2),
    ]
    rows = change_list(
        comparison_of(a, b, [pair(a[:1], b[:1]), pair(a[1:2], []), pair(a[2:], b[1:2]), pair([], b[2:])])
    )
    one, two = rows
    assert one.summary.startswith("merged with Article 2 into Article 9")
    assert "1 of 2 paragraphs without counterpart in B" in one.summary
    assert one.words_removed == 4  # "A paragraph nobody kept."
    # Article 9's own new paragraph is shared by two rows: named, not counted.
    assert one.words_added == two.words_added == 1
    assert "Article 9 also has 7 words with no counterpart in A" in two.summary
    assert "‘Party’ → ‘State Party’" in one.summary
    assert [p.label for p in one.merged_with] == ["Article 2"]


def test_segments_outside_articles_group_by_heading_or_paragraph() -> None:
    a = [
        segment("p1.s1", "Prose one.", None, 0),
        segment("p1.s2", "Prose two.", None, 1),
        segment("final.1", "DONE at Budapest.", None, 2, ("Final formula",)),
    ]
    b = [segment("final.1", "DONE at New York.", None, 0, ("Final formula",))]
    model = build_change_model(comparison_of(a, b, [pair(a[:1], []), pair(a[1:2], []), pair(a[2:], b)]))
    labels = [r.provision.label for r in model.rows]
    assert labels == ["p1.s1", "Final formula"]  # the two sentences of p1 are one provision
    assert model.rows[0].href == f"#{model.anchors[0]}"  # no heading: the first row is the anchor
    assert model.rows[1].href == f"#{heading_anchor('a', ('Final formula',))}"


def test_pair_anchors_are_unique_and_never_take_the_reports_own_ids() -> None:
    pairs = [pair([], [], pair_id=i) for i in ("x", "x", "", "a-art-1", "mv-x", "with space")]
    assert pair_anchors(pairs) == ("x", "x-2", "pair-3", "pair-a-art-1", "pair-mv-x", "with-space")


def test_a_segment_the_alignment_left_out_still_gets_a_row() -> None:
    comparison = drafts(Level.ARTICLE)
    trimmed = dataclasses.replace(comparison, pairs=tuple(p for p in comparison.pairs if p.a))
    model = build_change_model(trimmed)
    assert model.notices
    assert any(r.side == "b" and r.provision.label == "Article 2" for r in model.rows)


# ---------------------------------------------------------------- exports


def test_csv_has_a_header_and_one_line_per_row(article_rows: tuple[ChangeRow, ...]) -> None:
    text = change_list_csv(article_rows)
    assert text.endswith("\r\n")
    table = list(csv.DictReader(io.StringIO(text)))
    assert tuple(table[0]) == CSV_COLUMNS
    assert len(table) == len(article_rows)
    row = next(r for r in table if r["A"] == "Article 4")
    assert row["B"] == "Article 5; Article 6"
    assert row["Status"] == "modified" and row["Anchor"] == "#a-art-4"
    assert next(r for r in table if r["A"] == "Article 3")["Moved"] == "yes"
    assert next(r for r in table if r["A"] == "Article 6")["Moved"] == ""
    assert next(r for r in table if r["B"] == "Article 2")["A"] == ""
    assert "information and communications technology system" in text


def test_csv_neutralises_formulas_in_document_text() -> None:
    a = [dataclasses.replace(segment("art-1.1", "Text.", "1", 0), article_title='=HYPERLINK("x")')]
    b = [segment("art-1.1", "Text.", "1", 0)]
    text = change_list_csv(change_list(comparison_of(a, b, [pair(a, b)])))
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["A heading"] == '\'=HYPERLINK("x")'


def test_markdown_is_a_table_fit_for_a_memo(article_rows: tuple[ChangeRow, ...]) -> None:
    comparison = drafts(Level.ARTICLE)
    text = change_list_markdown(article_rows, comparison)
    lines = text.splitlines()
    assert lines[0] == "## Changes from Evidence draft v1 to Evidence draft v2"
    table = [line for line in lines if line.startswith("| ")]
    assert table[0] == "| A | B | Status | Score | Words +/− | What changed |"
    assert len(table) == 2 + len(article_rows)
    assert all(line.count(" | ") == 5 for line in table)
    assert "| Article 3 – Preservation orders | Article 7 – Preservation orders | unchanged, moved |" in text
    assert "Generated by treatydiff" in lines[-1]


def test_markdown_escapes_what_would_break_the_table() -> None:
    a = [dataclasses.replace(segment("art-1.1", "Text.", "1", 0), article_title="Pipes | and [brackets] <b>")]
    b = [segment("art-1.1", "Text.", "1", 0)]
    comparison = comparison_of(a, b, [pair(a, b)])
    text = change_list_markdown(change_list(comparison), comparison)
    row = next(line for line in text.splitlines() if line.startswith("| Article 1"))
    assert "Pipes \\| and \\[brackets\\] \\<b\\>" in row
    assert row.count(" | ") == 5
