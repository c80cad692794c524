"""Word-level diffs of aligned segment texts.

Texts are diffed in a normalised form (`normalise_for_diff`): layout that a reader
does not see as wording (hard line wraps, runs of spaces, Markdown emphasis markers,
line-end hyphenation) is not an edit.

diff-match-patch diffs characters. To diff words, each token (a word, a run of
whitespace, or one punctuation mark) is mapped to one private-use character, the
encoded strings are diffed, and the result is mapped back: the same trick as dmp's
own `diff_linesToChars`, with word tokens instead of lines.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from diff_match_patch import diff_match_patch

from treatydiff.records import DiffOp, Segment, SegmentDiff

__all__ = [
    "DIFF_TIMEOUT_SECONDS",
    "SEGMENT_SEPARATOR",
    "count_words",
    "diff_segments",
    "join_segment_texts",
    "normalise_for_diff",
    "normalise_for_equivalence",
    "texts_equivalent",
    "word_diff",
]

# Words, runs of whitespace, single punctuation marks: the units a reader sees change.
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
_WORD_RE = re.compile(r"\w+")
_WORD_CHAR_RE = re.compile(r"\w")

# Token diffs of one segment pair are small; the timeout only bounds pathological
# inputs (dmp then returns a coarser but still exact diff).
DIFF_TIMEOUT_SECONDS = 1.0

# How the texts of a multi-segment side are joined before diffing (as compare.py does).
SEGMENT_SEPARATOR = "\n\n"

# Private-use code points never appear in the encoded strings except as token stand-ins.
_PRIVATE_USE_RANGES = ((0xE000, 0xF8FF), (0xF0000, 0xFFFFD), (0x100000, 0x10FFFD))
_ALPHABET_SIZE = sum(last - first + 1 for first, last in _PRIVATE_USE_RANGES)

_DMP_EQUAL, _DMP_INSERT, _DMP_DELETE = 0, 1, -1


def count_words(text: str) -> int:
    """Number of word tokens (letters/digits runs) in `text`."""
    return len(_WORD_RE.findall(text))


def texts_equivalent(a_text: str, b_text: str) -> bool:
    """Whether two texts say the same: equal once normalised for equivalence.

    That is `normalise_for_diff` plus one thing the displayed diff keeps: the style of
    a list marker at the start of a paragraph ("a)", "(a)", "a." are the same marker).
    """
    return normalise_for_equivalence(a_text) == normalise_for_equivalence(b_text)


# A blank line (two newlines with only whitespace between) separates paragraphs.
_PARAGRAPH_BREAK_RE = re.compile(r"\n[^\S\n]*\n\s*")
# "co-\noperation" (a hyphen at a line end, a lower-case letter next) -> "co-operation".
_HYPHENATED_LINE_END_RE = re.compile(r"(?<=\w)-[^\S\n]*\n[^\S\n]*(?=(\w))")
# One to three `*` or `_`, not part of a longer run (a "______" signature line stays).
_EMPHASIS_RUN_RE = re.compile(r"(?<![*_])(?:\*{1,3}|_{1,3})(?![*_])")
# A list marker opening a paragraph: "(a)", "a)", "a.", "(1)", "1)", "1.", "(iv)", "iv)".
_LIST_MARKER_RE = re.compile(r"^\(?(\d{1,3}|[A-Za-z]{1,2}|[ivxlcdmIVXLCDM]{1,8})[.)](?=\s|$)")


def normalise_for_diff(text: str) -> str:
    """The text as the word diff compares it.

    - A line-end hyphenation "co-\\noperation" (a lower-case letter follows) is joined,
      keeping the hyphen: "co-operation".
    - Markdown emphasis markers (`*`, `**`, `***`, `_`, `__`, `___` opening or closing
      emphasis next to a word) are dropped; a lone "*" between spaces, a marker inside
      a word ("snake_case") and longer runs ("_____") stay.
    - Every whitespace run inside a paragraph becomes one space; a paragraph break (a
      blank line) becomes exactly "\\n\\n"; leading and trailing whitespace go.

    It is local: for texts joined by SEGMENT_SEPARATOR the result is the normalised
    non-empty texts joined by SEGMENT_SEPARATOR.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _HYPHENATED_LINE_END_RE.sub(_join_hyphenation, text)
    text = _EMPHASIS_RUN_RE.sub(_drop_emphasis_marker, text)
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK_RE.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def normalise_for_equivalence(text: str) -> str:
    """`normalise_for_diff`, with every paragraph-opening list marker in one style: "(a)"."""
    return "\n\n".join(
        _LIST_MARKER_RE.sub(r"(\1)", paragraph, count=1)
        for paragraph in normalise_for_diff(text).split("\n\n")
    )


def _join_hyphenation(match: re.Match[str]) -> str:
    return "-" if match.group(1).islower() else match.group()


def _drop_emphasis_marker(match: re.Match[str]) -> str:
    """Drop a marker that opens or closes emphasis: text on one side, a break on the other.

    Kept: a marker between spaces ("2 * 3"), inside a word ("snake_case"), or between
    two punctuation marks ("(*)").
    """
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    opens = not after.isspace() and (before.isspace() or _is_punctuation(before))
    closes = not before.isspace() and (after.isspace() or _is_punctuation(after))
    inside_word = _is_word_char_str(before) and _is_word_char_str(after)
    between_punctuation = _is_punctuation(before) and _is_punctuation(after)
    return "" if (opens or closes) and not inside_word and not between_punctuation else match.group()


def _is_word_char_str(char: str) -> bool:
    return _WORD_CHAR_RE.match(char) is not None


def _is_punctuation(char: str) -> bool:
    return not char.isspace() and not _is_word_char_str(char)


def join_segment_texts(segments: Sequence[Segment]) -> str:
    """The text of one side of an aligned group, as `diff_segments` diffs it."""
    return SEGMENT_SEPARATOR.join(s.text for s in segments)


def diff_segments(a_segments: Sequence[Segment], b_segments: Sequence[Segment]) -> SegmentDiff:
    """Word diff of the joined texts of two sides of an aligned group."""
    return word_diff(join_segment_texts(a_segments), join_segment_texts(b_segments))


def word_diff(a_text: str, b_text: str) -> SegmentDiff:
    """Diff two texts word by word, as normalised by `normalise_for_diff`.

    Args:
        a_text: the older/left text.
        b_text: the newer/right text.

    Returns:
        A SegmentDiff whose equal+delete ops join to `normalise_for_diff(a_text)` and
        equal+insert ops join to `normalise_for_diff(b_text)`, exactly. Op boundaries
        never fall inside a word, adjacent ops are of different kinds, a delete comes
        before the insert it replaces.
    """
    return _word_diff(normalise_for_diff(a_text), normalise_for_diff(b_text), alphabet_size=_ALPHABET_SIZE)


def _word_diff(a_text: str, b_text: str, *, alphabet_size: int) -> SegmentDiff:
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT_SECONDS
    a_chars, b_chars, tokens = _tokens_to_chars(a_text, b_text, alphabet_size)
    encoded = dmp.diff_main(a_chars, b_chars, checklines=False)
    decoded = [(op, "".join(tokens[c] for c in chars)) for op, chars in encoded]
    # Semantic cleanup on the real text weighs equalities by characters, so a lone
    # "the" between two rewritten clauses is folded into the edit.
    dmp.diff_cleanupSemantic(decoded)
    ops = _ops_on_word_boundaries(a_text, b_text, _equal_runs(decoded))
    return SegmentDiff(
        ops=ops,
        words_added=sum(count_words(o.text) for o in ops if o.op == "insert"),
        words_removed=sum(count_words(o.text) for o in ops if o.op == "delete"),
    )


def _private_use_chars() -> Iterator[str]:
    for first, last in _PRIVATE_USE_RANGES:
        for code_point in range(first, last + 1):
            yield chr(code_point)


def _tokens_to_chars(a_text: str, b_text: str, alphabet_size: int) -> tuple[str, str, dict[str, str]]:
    """Encode both texts as one char per token; return them and the char -> token map.

    If the alphabet runs out (over 137k distinct tokens), the rest of a text becomes
    one token, as dmp does for lines: still exact, only coarser. Text A gets 2/3 of
    the alphabet.
    """
    chars = _private_use_chars()
    char_of: dict[str, str] = {}
    token_of: dict[str, str] = {}

    def char_for(token: str) -> str:
        if token not in char_of:
            char = next(chars)
            char_of[token] = char
            token_of[char] = token
        return char_of[token]

    def encode(text: str, limit: int) -> str:
        out: list[str] = []
        for match in _TOKEN_RE.finditer(text):
            token = match.group()
            if token not in char_of and len(char_of) >= limit - 1:
                out.append(char_for(text[match.start() :]))  # the last free char takes the rest
                break
            out.append(char_for(token))
        return "".join(out)

    a_chars = encode(a_text, max(1, alphabet_size * 2 // 3))
    b_chars = encode(b_text, alphabet_size)
    return a_chars, b_chars, token_of


def _equal_runs(diffs: list[tuple[int, str]]) -> list[tuple[int, int, int]]:
    """(start in A, start in B, length) of every equal op."""
    runs: list[tuple[int, int, int]] = []
    a_pos = b_pos = 0
    for op, text in diffs:
        if op == _DMP_EQUAL:
            runs.append((a_pos, b_pos, len(text)))
            a_pos += len(text)
            b_pos += len(text)
        elif op == _DMP_DELETE:
            a_pos += len(text)
        else:
            b_pos += len(text)
    return runs


def _is_word_char(text: str, index: int) -> bool:
    return 0 <= index < len(text) and _WORD_CHAR_RE.match(text[index]) is not None


def _leading_word_length(text: str) -> int:
    match = _WORD_RE.match(text)
    return match.end() if match else 0


def _trailing_word_length(text: str) -> int:
    end = len(text)
    while end > 0 and _WORD_CHAR_RE.match(text[end - 1]):
        end -= 1
    return len(text) - end


def _trim_to_whole_words(
    a_text: str, b_text: str, a_start: int, b_start: int, length: int
) -> tuple[int, int, int]:
    """Shrink an equal run so that it neither starts nor ends inside a word of A or B.

    Semantic cleanup (overlap extraction, boundary shifting) can leave an equality
    such as "at" of "that" → "at least"; the word fragment moves into the edits.
    """
    text = a_text[a_start : a_start + length]
    lead = trail = 0
    if _is_word_char(text, 0) and (_is_word_char(a_text, a_start - 1) or _is_word_char(b_text, b_start - 1)):
        lead = _leading_word_length(text)
    if _is_word_char(text, length - 1) and (
        _is_word_char(a_text, a_start + length) or _is_word_char(b_text, b_start + length)
    ):
        trail = _trailing_word_length(text)
    if lead + trail >= length:
        return a_start, b_start, 0
    return a_start + lead, b_start + lead, length - lead - trail


def _ops_on_word_boundaries(
    a_text: str, b_text: str, equal_runs: list[tuple[int, int, int]]
) -> tuple[DiffOp, ...]:
    """Ops from equal runs trimmed to whole words; between runs, delete then insert."""
    ops: list[DiffOp] = []
    a_pos = b_pos = 0
    for run in equal_runs:
        a_start, b_start, length = _trim_to_whole_words(a_text, b_text, *run)
        if length == 0:
            continue
        if a_start > a_pos:
            ops.append(DiffOp("delete", a_text[a_pos:a_start]))
        if b_start > b_pos:
            ops.append(DiffOp("insert", b_text[b_pos:b_start]))
        equal = a_text[a_start : a_start + length]
        if ops and ops[-1].op == "equal":
            ops[-1] = DiffOp("equal", ops[-1].text + equal)
        else:
            ops.append(DiffOp("equal", equal))
        a_pos, b_pos = a_start + length, b_start + length
    if a_pos < len(a_text):
        ops.append(DiffOp("delete", a_text[a_pos:]))
    if b_pos < len(b_text):
        ops.append(DiffOp("insert", b_text[b_pos:]))
    return tuple(ops)
