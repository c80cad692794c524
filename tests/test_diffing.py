from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydiff.diffing import (
    _word_diff,
    count_words,
    diff_segments,
    join_segment_texts,
    texts_equivalent,
    word_diff,
)
from treatydiff.records import DiffOp, Segment, SegmentDiff

WORD_CHAR = re.compile(r"\w")


def side_a(diff: SegmentDiff) -> str:
    return "".join(o.text for o in diff.ops if o.op in ("equal", "delete"))


def side_b(diff: SegmentDiff) -> str:
    return "".join(o.text for o in diff.ops if o.op in ("equal", "insert"))


def is_word(text: str, index: int) -> bool:
    return 0 <= index < len(text) and WORD_CHAR.match(text[index]) is not None


def op_boundaries(diff: SegmentDiff) -> list[tuple[int, int]]:
    """(offset in A, offset in B) at every boundary between two ops."""
    a_pos = b_pos = 0
    cuts = []
    for op in diff.ops:
        if op.op != "insert":
            a_pos += len(op.text)
        if op.op != "delete":
            b_pos += len(op.text)
        cuts.append((a_pos, b_pos))
    return cuts[:-1]


def assert_well_formed(diff: SegmentDiff, a_text: str, b_text: str) -> None:
    assert side_a(diff) == a_text
    assert side_b(diff) == b_text
    assert all(o.text for o in diff.ops), "no empty ops"
    for left, right in zip(diff.ops, diff.ops[1:], strict=False):
        assert left.op != right.op, "adjacent ops of the same kind are merged"
        assert (left.op, right.op) != ("insert", "delete"), "a delete comes before its insert"
    for a_cut, b_cut in op_boundaries(diff):
        assert not (is_word(a_text, a_cut - 1) and is_word(a_text, a_cut)), (
            f"op boundary inside a word of A at {a_cut}"
        )
        assert not (is_word(b_text, b_cut - 1) and is_word(b_text, b_cut)), (
            f"op boundary inside a word of B at {b_cut}"
        )
    assert diff.words_added == sum(count_words(o.text) for o in diff.ops if o.op == "insert")
    assert diff.words_removed == sum(count_words(o.text) for o in diff.ops if o.op == "delete")


def test_replaced_phrase_diffs_as_whole_words() -> None:
    a = "access to any part of a computer system without right"
    b = "access to any part of an information and communications technology system without right"
    diff = word_diff(a, b)
    assert_well_formed(diff, a, b)
    assert diff.ops == (
        DiffOp("equal", "access to any part of "),
        DiffOp("delete", "a computer"),
        DiffOp("insert", "an information and communications technology"),
        DiffOp("equal", " system without right"),
    )
    assert diff.words_removed == 2
    assert diff.words_added == 5
    assert diff.changed


def test_computer_system_example() -> None:
    diff = word_diff("computer system", "information and communications technology system")
    assert diff.ops == (
        DiffOp("delete", "computer"),
        DiffOp("insert", "information and communications technology"),
        DiffOp("equal", " system"),
    )
    assert (diff.words_removed, diff.words_added) == (1, 4)


def test_words_are_never_split_by_character_overlaps() -> None:
    # Character-level cleanup would keep "at" of "that" as equal text.
    diff = word_diff("that", "at least")
    assert_well_formed(diff, "that", "at least")
    assert diff.ops == (DiffOp("delete", "that"), DiffOp("insert", "at least"))


def test_inserted_words_between_equal_words() -> None:
    a = "Each Party shall adopt such legislative measures"
    b = "Each State Party shall adopt such legislative and other measures"
    diff = word_diff(a, b)
    assert_well_formed(diff, a, b)
    inserted = [o.text.strip() for o in diff.ops if o.op == "insert"]
    assert inserted == ["State", "and other"]
    assert not [o for o in diff.ops if o.op == "delete"]
    assert (diff.words_added, diff.words_removed) == (3, 0)


def test_punctuation_and_whitespace_are_not_counted_as_words() -> None:
    diff = word_diff("data, and", "data;  and")
    assert_well_formed(diff, "data, and", "data;  and")
    assert diff.changed
    assert (diff.words_added, diff.words_removed) == (0, 0)


def test_identical_texts_give_one_equal_op() -> None:
    diff = word_diff("Article 6 – Misuse of devices", "Article 6 – Misuse of devices")
    assert diff.ops == (DiffOp("equal", "Article 6 – Misuse of devices"),)
    assert not diff.changed
    assert (diff.words_added, diff.words_removed) == (0, 0)


@pytest.mark.parametrize(
    ("a", "b", "ops"),
    [
        ("", "", ()),
        ("", "new text", (DiffOp("insert", "new text"),)),
        ("old text", "", (DiffOp("delete", "old text"),)),
    ],
)
def test_empty_sides(a: str, b: str, ops: tuple[DiffOp, ...]) -> None:
    assert word_diff(a, b).ops == ops


def test_private_use_characters_in_the_input_are_safe() -> None:
    a = "alpha \ue000 beta \U000f0000"
    b = "alpha \ue001 beta \U000f0000 gamma"
    assert_well_formed(word_diff(a, b), a, b)


def test_alphabet_overflow_lumps_the_rest_and_stays_exact() -> None:
    a = " ".join(f"w{i}" for i in range(40))
    b = " ".join(f"w{i}" for i in range(0, 40, 2)) + " tail"
    diff = _word_diff(a, b, alphabet_size=12)
    assert_well_formed(diff, a, b)


def test_long_texts_diff_quickly_and_exactly() -> None:
    a = " ".join(f"word{i % 300} clause{i % 7}," for i in range(3000))
    b = a.replace("clause3,", "paragraph 3;").replace("word17 ", "")
    assert_well_formed(word_diff(a, b), a, b)


def test_diff_segments_diffs_the_joined_texts() -> None:
    def seg(i: int, text: str) -> Segment:
        return Segment(
            id=f"s{i}",
            label=f"S{i}",
            kind="sentence",
            article=None,
            path=(),
            text=text,
            start=0,
            end=len(text),
        )

    a = (seg(1, "First sentence."), seg(2, "Second sentence."))
    b = (seg(1, "First sentence, and second sentence."),)
    diff = diff_segments(a, b)
    assert side_a(diff) == join_segment_texts(a)
    assert side_b(diff) == join_segment_texts(b)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Each Party shall", "Each  Party\nshall ", True),
        ("**Article 6** – Misuse", "Article 6 – Misuse", True),
        ("the *computer* system", "the computer system", True),
        ("Each Party shall", "Each State Party shall", False),
        ("data,", "data;", False),
        ("", "  \n", True),
    ],
)
def test_texts_equivalent(a: str, b: str, same: bool) -> None:
    assert texts_equivalent(a, b) is same


# A small vocabulary makes shared words, moved words and overlaps likely.
VOCABULARY = [
    "the",
    "Party",
    "State",
    "shall",
    "data",
    "system",
    "computer",
    "at",
    "that",
    "a",
    "an",
    "ion",
    "s",
]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "  ", "; ", "-", "(", ")", "’"]
legal_text = st.lists(st.tuples(st.sampled_from(VOCABULARY), st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda parts: "".join(w + s for w, s in parts)
)


@settings(max_examples=300, deadline=None)
@given(legal_text, legal_text)
def test_property_word_diff_reconstructs_both_texts(a: str, b: str) -> None:
    assert_well_formed(word_diff(a, b), a, b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_property_word_diff_reconstructs_arbitrary_text(a: str, b: str) -> None:
    assert_well_formed(word_diff(a, b), a, b)


@settings(max_examples=100, deadline=None)
@given(legal_text)
def test_property_same_text_is_unchanged(a: str) -> None:
    diff = word_diff(a, a)
    assert not diff.changed
    assert side_a(diff) == a


@settings(max_examples=100, deadline=None)
@given(legal_text, legal_text, st.integers(min_value=3, max_value=20))
def test_property_exact_when_the_alphabet_overflows(a: str, b: str, alphabet_size: int) -> None:
    assert_well_formed(_word_diff(a, b, alphabet_size=alphabet_size), a, b)
