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
    normalise_for_diff,
    normalise_for_equivalence,
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


def assert_word_diff_well_formed(a: str, b: str) -> SegmentDiff:
    """`word_diff(a, b)` is a well-formed diff of the normalised texts."""
    diff = word_diff(a, b)
    assert_well_formed(diff, normalise_for_diff(a), normalise_for_diff(b))
    return diff


def assert_well_formed(diff: SegmentDiff, a_text: str, b_text: str) -> None:
    """`diff` is a well-formed diff of exactly these texts."""
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
    diff = assert_word_diff_well_formed(a, b)
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
    diff = assert_word_diff_well_formed("that", "at least")
    assert diff.ops == (DiffOp("delete", "that"), DiffOp("insert", "at least"))


def test_inserted_words_between_equal_words() -> None:
    a = "Each Party shall adopt such legislative measures"
    b = "Each State Party shall adopt such legislative and other measures"
    diff = assert_word_diff_well_formed(a, b)
    inserted = [o.text.strip() for o in diff.ops if o.op == "insert"]
    assert inserted == ["State", "and other"]
    assert not [o for o in diff.ops if o.op == "delete"]
    assert (diff.words_added, diff.words_removed) == (3, 0)


def test_punctuation_and_whitespace_are_not_counted_as_words() -> None:
    diff = assert_word_diff_well_formed("data, and", "data;  and")
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
    assert_word_diff_well_formed(a, b)


def test_alphabet_overflow_lumps_the_rest_and_stays_exact() -> None:
    a = " ".join(f"w{i}" for i in range(40))
    b = " ".join(f"w{i}" for i in range(0, 40, 2)) + " tail"
    diff = _word_diff(a, b, alphabet_size=12)
    assert_well_formed(diff, a, b)


def test_long_texts_diff_quickly_and_exactly() -> None:
    a = " ".join(f"word{i % 300} clause{i % 7}," for i in range(3000))
    b = a.replace("clause3,", "paragraph 3;").replace("word17 ", "")
    assert_word_diff_well_formed(a, b)


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
    assert side_a(diff) == normalise_for_diff(join_segment_texts(a))
    assert side_b(diff) == normalise_for_diff(join_segment_texts(b))


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


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Each  Party\nshall\t adopt", "Each Party shall adopt"),
        ("  first paragraph\n\n\n  second\n \n third \n", "first paragraph\n\nsecond\n\nthird"),
        ("international co-\noperation", "international co-operation"),
        ("international co-  \n   operation", "international co-operation"),
        ("the Council of Europe-\nUnited Nations", "the Council of Europe- United Nations"),
        ("co-\n\noperation", "co-\n\noperation"),
        ("a policy, *inter alia,* by", "a policy, inter alia, by"),
        ("security, *ordre public* or", "security, ordre public or"),
        ("(*ordre public*)", "(ordre public)"),
        ("**Article 6** – Misuse", "Article 6 – Misuse"),
        ("***very*** and _also_ and __this__", "very and also and this"),
        ("*emphasis that\nwraps a line*", "emphasis that wraps a line"),
        ("snake_case and 2*3 and 2 * 3", "snake_case and 2*3 and 2 * 3"),
        ("signed ________ (*)", "signed ________ (*)"),
        ("* * *", "* * *"),
        ("", ""),
        (" \n\n \t", ""),
    ],
)
def test_normalise_for_diff(text: str, normalised: str) -> None:
    assert normalise_for_diff(text) == normalised


HARD_WRAPPED_TXT = """Convinced of the need to pursue, as a matter of priority, a common criminal
policy aimed at the protection of society against cybercrime, inter alia, by
adopting appropriate legislation and fostering international co-
operation;

2.  Such conditions and safeguards shall, as appropriate in view of the nature
    of the procedure or power concerned, inter alia, include judicial or other
    independent supervision."""

SAME_IN_MARKDOWN = (  # one line per paragraph, emphasis marked
    "Convinced of the need to pursue, as a matter of priority, a common criminal policy aimed at "
    "the protection of society against cybercrime, *inter alia,* by adopting appropriate "
    "legislation and fostering international co-operation;\n"
    "\n"
    "2. Such conditions and safeguards shall, as appropriate in view of the nature of the "
    "procedure or power concerned, *inter alia,* include judicial or other independent supervision.\n"
)


def test_hard_wrapped_text_and_markdown_are_not_a_change() -> None:
    diff = assert_word_diff_well_formed(HARD_WRAPPED_TXT, SAME_IN_MARKDOWN)
    assert not diff.changed
    assert diff.ops == (DiffOp("equal", normalise_for_diff(SAME_IN_MARKDOWN)),)
    assert "*" not in diff.ops[0].text and "\n\n2. Such" in diff.ops[0].text
    assert texts_equivalent(HARD_WRAPPED_TXT, SAME_IN_MARKDOWN)


def test_a_real_edit_between_wrapped_and_markdown_text_is_only_that_edit() -> None:
    edited = SAME_IN_MARKDOWN.replace("judicial or other", "judicial")
    diff = assert_word_diff_well_formed(HARD_WRAPPED_TXT, edited)
    assert [(o.op, o.text.strip()) for o in diff.ops if o.op != "equal"] == [("delete", "or other")]
    assert (diff.words_removed, diff.words_added) == (2, 0)
    assert not texts_equivalent(HARD_WRAPPED_TXT, edited)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("a) toys;", "(a) toys;", True),
        ("a. toys;", "(a) toys;", True),
        ("1. Each Party", "1) Each Party", True),
        ("(1) Each Party", "1. Each Party", True),
        ("(iv) a widget", "iv) a widget", True),
        ("intro\n\na) toys;\n\nb) museum pieces.", "intro\n\n(a) toys;\n\n(b) museum pieces.", True),
        ("a) toys;", "b) toys;", False),
        ("1. Each Party", "2. Each Party", False),
        ("as in a) above", "as in (a) above", False),  # only a paragraph's opening marker
        ("a) toys;", "toys;", False),
    ],
)
def test_texts_equivalent_ignores_the_list_marker_style(a: str, b: str, same: bool) -> None:
    assert texts_equivalent(a, b) is same


def test_the_displayed_diff_keeps_the_list_marker_style() -> None:
    diff = assert_word_diff_well_formed("a) toys;", "(a) toys;")
    assert diff.changed
    assert normalise_for_equivalence("a) toys;\n\n1. Each") == "(a) toys;\n\n(1) Each"


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
# Layout and Markdown around the same words: wraps, blank lines, emphasis, hyphenation.
MARKUP = ["", "", "*", "**", "_", "***", "__"]
LAYOUT = [" ", " ", "\n", "\n\n", " \n  ", "-\n", "\n \n\n", ", ", "  ", "\t", ". ", "(", ")", " * "]
markdown_text = st.lists(
    st.tuples(
        st.sampled_from(MARKUP),
        st.sampled_from([*VOCABULARY, "co", "operation", "a)", "(a)", "1.", "1)"]),
        st.sampled_from(MARKUP),
        st.sampled_from(LAYOUT),
    ),
    max_size=25,
).map(lambda parts: "".join(m1 + w + m2 + s for m1, w, m2, s in parts))
SEPARATOR = "\n\n"


@settings(max_examples=300, deadline=None)
@given(legal_text, legal_text)
def test_property_word_diff_reconstructs_both_normalised_texts(a: str, b: str) -> None:
    assert_word_diff_well_formed(a, b)


@settings(max_examples=200, deadline=None)
@given(markdown_text, markdown_text)
def test_property_word_diff_reconstructs_normalised_markdown(a: str, b: str) -> None:
    assert_word_diff_well_formed(a, b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_property_word_diff_reconstructs_arbitrary_text(a: str, b: str) -> None:
    assert_word_diff_well_formed(a, b)


@settings(max_examples=100, deadline=None)
@given(legal_text)
def test_property_same_text_is_unchanged(a: str) -> None:
    diff = word_diff(a, a)
    assert not diff.changed
    assert side_a(diff) == normalise_for_diff(a)


@settings(max_examples=300, deadline=None)
@given(markdown_text, markdown_text)
def test_property_changed_iff_the_normalised_texts_differ(a: str, b: str) -> None:
    same = normalise_for_diff(a) == normalise_for_diff(b)
    assert word_diff(a, b).changed is not same
    if same:
        assert texts_equivalent(a, b)
    assert texts_equivalent(a, b) is (normalise_for_equivalence(a) == normalise_for_equivalence(b))


@settings(max_examples=300, deadline=None)
@given(st.one_of(markdown_text, st.text(max_size=80)))
def test_property_normalising_is_idempotent_and_tidy(text: str) -> None:
    once = normalise_for_diff(text)
    assert normalise_for_diff(once) == once
    # Paragraphs joined by exactly one blank line; inside them, words and single spaces.
    paragraphs = once.split("\n\n") if once else []
    assert all(p and p == " ".join(p.split()) for p in paragraphs)
    assert normalise_for_equivalence(normalise_for_equivalence(text)) == normalise_for_equivalence(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(markdown_text, st.text(max_size=30)), max_size=4))
def test_property_normalising_joined_segments_is_local(texts: list[str]) -> None:
    # The report cuts a joined diff back into segments by their normalised texts.
    joined = normalise_for_diff(SEPARATOR.join(texts))
    parts = [normalise_for_diff(t) for t in texts]
    assert joined == SEPARATOR.join(p for p in parts if p)


@settings(max_examples=100, deadline=None)
@given(legal_text, legal_text, st.integers(min_value=3, max_value=20))
def test_property_exact_when_the_alphabet_overflows(a: str, b: str, alphabet_size: int) -> None:
    assert_well_formed(_word_diff(a, b, alphabet_size=alphabet_size), a, b)
