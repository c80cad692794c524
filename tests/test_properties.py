"""Properties of the whole pipeline on generated documents (hypothesis, fake embedder).

- segmentation covers the text: every line is inside segments entirely or not at all
  (headings and markers of structure), and offsets are true;
- every segment is in exactly one aligned group;
- each pair's word diff rebuilds both sides' texts;
- the report shows every segment once;
- the JSON export round-trips through its reader.
"""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes import FakeEmbedder
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.diffing import join_segment_texts, normalise_for_diff
from treatydiff.documents import parse_document
from treatydiff.errors import EmptyDocumentError
from treatydiff.export import comparison_to_dict, comparison_to_json, read_alignment
from treatydiff.records import Comparison, Level
from treatydiff.report import render_report
from treatydiff.segments import segment_document

_WORD = st.sampled_from(
    "Party shall adopt measures computer data offence system access Convention request "
    "extradition assistance the of and to in any such <script> & “quoted” (a) 1. ‘x’ é".split()
)
_SENTENCE = st.lists(_WORD, min_size=1, max_size=10).map(lambda w: " ".join(w).capitalize() + ".")
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join)
_ITEM = st.tuples(st.sampled_from(["1.", "2.", "a)", "b)", "(i)", "(ii)", "–"]), _PARAGRAPH).map(" ".join)
_ARTICLE = st.tuples(
    st.integers(min_value=1, max_value=40),
    st.sampled_from(["Scope", "Use of terms", "Extradition", "<b>Title</b>", ""]),
    st.lists(st.one_of(_PARAGRAPH, _ITEM), min_size=1, max_size=4),
).map(lambda t: f"##### Article {t[0]}" + (f" – {t[1]}" if t[1] else "") + "\n\n" + "\n\n".join(t[2]))
_TREATY = st.tuples(
    st.booleans(),
    st.lists(_PARAGRAPH, max_size=3),
    st.lists(st.one_of(_ARTICLE, _PARAGRAPH, st.just("## CHAPTER II – Measures")), min_size=1, max_size=8),
).map(
    lambda t: (
        "# A Convention\n\n"
        + ("## Preamble\n\n" + "\n\n".join(t[1]) + "\n\n" if t[0] and t[1] else "")
        + "\n\n".join(t[2])
        + "\n"
    )
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def compared(text_a: str, text_b: str, level: Level) -> Comparison | None:
    try:
        return compare_documents(
            parse_document(text_a, "a.md"),
            parse_document(text_b, "b.md"),
            FakeEmbedder(),
            CompareOptions(level=level),
        )
    except EmptyDocumentError:
        return None


@PROPERTY
@given(_TREATY, st.sampled_from(list(Level)))
def test_segments_cover_the_text_line_by_line(text: str, level: Level) -> None:
    document = parse_document(text, "t.md")
    try:
        segments = segment_document(document, level).segments
    except EmptyDocumentError:
        return
    covered = bytearray(len(document.text))
    for segment in segments:
        assert document.text[segment.start : segment.end] == segment.text
        for k in range(segment.start, segment.end):
            assert not covered[k], "segments overlap"
            covered[k] = 1
    position = document.body_start
    for line in document.text[document.body_start :].split("\n"):
        inside = [covered[position + k] for k, char in enumerate(line) if not char.isspace()]
        # A line of text is kept whole; a line of structure (a heading) is not a segment.
        assert all(inside) or not any(inside), line
        if not any(inside) and line.strip():
            assert line.lstrip().startswith("#") or line.strip() in {"", "—"}, f"text lost: {line!r}"
        position += len(line) + 1


@PROPERTY
@given(_TREATY, _TREATY, st.sampled_from(list(Level)))
def test_every_segment_is_in_exactly_one_pair(text_a: str, text_b: str, level: Level) -> None:
    comparison = compared(text_a, text_b, level)
    if comparison is None:
        return
    for side, segmented in (("a", comparison.a), ("b", comparison.b)):
        placed = [s.id for p in comparison.pairs for s in getattr(p, side)]
        assert sorted(placed) == sorted(s.id for s in segmented.segments)


@PROPERTY
@given(_TREATY, _TREATY, st.sampled_from(list(Level)))
def test_each_pair_diff_rebuilds_both_sides(text_a: str, text_b: str, level: Level) -> None:
    comparison = compared(text_a, text_b, level)
    if comparison is None:
        return
    for pair in comparison.pairs:
        if pair.diff is None:
            continue
        old = "".join(op.text for op in pair.diff.ops if op.op != "insert")
        new = "".join(op.text for op in pair.diff.ops if op.op != "delete")
        assert old == normalise_for_diff(join_segment_texts(pair.a))
        assert new == normalise_for_diff(join_segment_texts(pair.b))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREATY, _TREATY, st.sampled_from(list(Level)))
def test_the_report_shows_every_segment_once(text_a: str, text_b: str, level: Level) -> None:
    comparison = compared(text_a, text_b, level)
    if comparison is None:
        return
    soup = BeautifulSoup(render_report(comparison), "html.parser")
    shown = [tag["data-seg"] for tag in soup.select("table.cmp [data-seg]")]
    expected = [f"a:{s.id}" for s in comparison.a.segments] + [f"b:{s.id}" for s in comparison.b.segments]
    assert sorted(shown) == sorted(expected)


@PROPERTY
@given(_TREATY, _TREATY, st.sampled_from(list(Level)))
def test_the_json_export_round_trips(text_a: str, text_b: str, level: Level) -> None:
    comparison = compared(text_a, text_b, level)
    if comparison is None:
        return
    exported = comparison_to_json(comparison)
    read = read_alignment(exported)
    assert read.to_dict() == json.loads(exported) == json.loads(json.dumps(comparison_to_dict(comparison)))
    assert [s.text for s in read.a.segments] == [s.text for s in comparison.a.segments]
    assert [(p.a, p.b, p.status) for p in read.pairs] == [
        (tuple(s.id for s in p.a), tuple(s.id for s in p.b), p.status) for p in comparison.pairs
    ]


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("not json", "not a JSON file"),
        ('{"schema": "other/1"}', "not a treatydiff.alignment/1 export"),
        ('{"schema": "treatydiff.alignment/1", "level": "article"}', "malformed"),
        ("[1, 2]", "not a treatydiff.alignment/1 export"),
    ],
)
def test_the_reader_refuses_what_is_not_an_alignment(text: str, fragment: str) -> None:
    from treatydiff.errors import InputError

    with pytest.raises(InputError, match=fragment):
        read_alignment(text)
