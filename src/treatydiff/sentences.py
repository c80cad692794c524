"""Sentence splitting for legal and news text, with true offsets.

A regex-driven splitter, no NLP library: a sentence ends at `.`, `!`, `?` or `…`
(plus any closing quotes or brackets) when the next sentence visibly starts, unless the
full stop belongs to an abbreviation that legal texts use all the time (`No.`, `Art.`,
`para.`, `e.g.`, `U.S.`, initials, a month before a number: `Jan. 2024`) or to a list marker
at the start of a line (`1.`, `a.`).
Scraped news glues sentences together (`added.On March 27`); those are split too.
"""

from __future__ import annotations

import re
from bisect import bisect_left

# Full stops after these never end a sentence (compared in lower case).
_ABBREVIATIONS = frozenset(
    {
        "e.g",
        "i.e",
        "cf",
        "viz",
        "vs",
        "v",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "inc",
        "ltd",
        "co",
        "corp",
        "messrs",
        "approx",
        "ca",
        "al",
        "u.s",
        "u.n",
        "u.k",
        "e.u",
        # Dutch and French abbreviations common in treaty translations
        "nr",
        "nrs",
        "o.a",
        "d.w.z",
        "bijv",
        "m.b.t",
        "i.v.m",
        "t.a.v",
        "resp",
        "jo",
        "mme",
        "mlle",
        "cie",
    }
)
# Case-sensitive: "No. R (85) 10" is an abbreviation, "the answer is no." is not.
_CASED_ABBREVIATIONS = frozenset({"No", "Nos", "Nr", "Nrs"})
# These only abbreviate when a number follows ("Art. 5", "para. 3", "pp. 12", "Jan. 2024"),
# so "…modern art. The…" still splits.
_NUMBER_ABBREVIATIONS = frozenset(
    {
        "no",
        "nos",
        "nr",
        "nrs",
        "art",
        "arts",
        "para",
        "paras",
        "par",
        "p",
        "pp",
        "sec",
        "ch",
        "vol",
        "fig",
        "op",
        "doc",
        "res",
        "n°",
        # month abbreviations: "on 1 Jan. 2024", "Sept. 12"
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    }
)
_INITIALS = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")  # "J", "U.S", "A.B.C"
# A paragraph or item marker at the start of a line: "1.", "15a.", "a.", "ii.".
_LINE_MARKER = re.compile(r"^(?:\d{1,3}[a-z]?|[a-z]|[ivxlc]{1,6})$")

_TERMINATORS = re.compile(r"[.!?…]+")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
_OPENERS = "\"“„‘'«([{"
_STRAIGHT_QUOTE = '"'
# A word longer than this is no abbreviation, initial or list marker, so the word before a
# full stop is looked for no further back (to the block start, "x.x.x.…" took quadratic time).
_MAX_TOKEN = 64


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split text into sentences.

    Args:
        text: any text; a blank line always ends a sentence, a single newline is a space.

    Returns:
        (start, end) offsets into `text`, one pair per sentence, in order, each trimmed of
        surrounding whitespace, so `text[start:end]` is the sentence.
    """
    spans: list[tuple[int, int]] = []
    block_start = 0
    for blank in _BLANK_LINE.finditer(text):
        spans.extend(_split_block(text, block_start, blank.start()))
        block_start = blank.end()
    spans.extend(_split_block(text, block_start, len(text)))
    return spans


def _split_block(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentences of text[start:end], a stretch without blank lines."""
    cuts = [start]
    # Offsets of the straight quotes, to tell an opening one from a closing one by counting
    # (counting from the block start at every terminator took quadratic time).
    quotes = [match.start() for match in re.finditer(_STRAIGHT_QUOTE, text[start:end])]
    for terminator in _TERMINATORS.finditer(text, start, end):
        cut = _sentence_end(text, start, end, terminator.start(), terminator.end(), quotes)
        if cut is not None:
            cuts.append(cut)
    cuts.append(end)
    spans = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        span = _trim(text, left, right)
        if span is not None:
            spans.append(span)
    return spans


def _sentence_end(
    text: str, block_start: int, end: int, term_start: int, term_end: int, quotes: list[int]
) -> int | None:
    """Offset where the sentence ending with text[term_start:term_end] stops, or None if it goes on.

    `quotes` holds the offsets of the block's straight quotes, relative to `block_start`.
    """
    pos = _skip_closers(text, block_start, end, term_end, quotes)
    if pos >= end:
        return None
    token = _token_before(text, block_start, term_start)
    is_full_stop = text[term_start:term_end] == "."
    if text[pos].isspace():
        following = pos
        while following < end and text[following].isspace():
            following += 1
        if following >= end or not _starts_sentence(text, following, end):
            return None
        if is_full_stop and _is_abbreviation(token, text[following]):
            return None
        if is_full_stop and _is_line_marker(text, block_start, term_start, token):
            return None
        return pos
    # Glued: "added.On March 27" or 'scale."Throughout' (no space after the stop).
    if len(token) < 2 and text[term_start - 1 : term_start] not in (")", "]"):
        return None
    if is_full_stop and _is_abbreviation(token, text[pos]):
        return None
    if _glued_start(text, pos, end):
        return pos
    return None


def _skip_closers(text: str, block_start: int, end: int, pos: int, quotes: list[int]) -> int:
    """Move past closing quotes and brackets that belong to the sentence before."""
    while pos < end:
        char = text[pos]
        if char in "”’)]»":
            pos += 1
        elif char == _STRAIGHT_QUOTE:
            # A straight quote closes only if one is open: count them from the block start.
            if bisect_left(quotes, pos - block_start) % 2 == 1:
                pos += 1
            else:
                break
        elif char == "'" and (pos + 1 >= end or text[pos + 1].isspace()):
            pos += 1
        else:
            break
    return pos


def _token_before(text: str, block_start: int, term_start: int) -> str:
    """The word right before a terminator, without opening punctuation: "(e.g" -> "e.g"."""
    left = term_start
    stop = max(block_start, term_start - _MAX_TOKEN)
    while left > stop and not text[left - 1].isspace():
        left -= 1
    return text[left:term_start].lstrip(_OPENERS)


def _starts_sentence(text: str, pos: int, end: int) -> bool:
    char = text[pos]
    if char.isupper() or char.isdigit():
        return True
    if char in _OPENERS:
        nxt = pos + 1
        while nxt < end and text[nxt] in _OPENERS:
            nxt += 1
        return nxt < end and (text[nxt].isupper() or text[nxt].isdigit() or text[nxt] in "….")
    return False


def _glued_start(text: str, pos: int, end: int) -> bool:
    """True if text[pos:] starts a sentence glued to the previous one: "On March", '"This means'."""
    char = text[pos]
    nxt = text[pos + 1] if pos + 1 < end else ""
    if char.isupper():
        return nxt.islower()
    if char in '"“„' and nxt:
        return nxt.isupper()
    return False


def _is_abbreviation(token: str, next_char: str) -> bool:
    if not token:
        return False
    if token in _CASED_ABBREVIATIONS or _INITIALS.match(token):
        return True
    lowered = token.lower()
    if lowered in _ABBREVIATIONS:
        return True
    return lowered in _NUMBER_ABBREVIATIONS and next_char.isdigit()


def _is_line_marker(text: str, block_start: int, term_start: int, token: str) -> bool:
    """True for the full stop of a list marker that opens a line: "1. Each Party…"."""
    if not _LINE_MARKER.match(token):
        return False
    token_start = term_start - len(token)
    line_start = text.rfind("\n", block_start, token_start) + 1
    line_start = max(line_start, block_start)
    return text[line_start:token_start].strip() == ""


def _trim(text: str, left: int, right: int) -> tuple[int, int] | None:
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return (left, right) if left < right else None
