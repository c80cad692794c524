"""PDF ingestion: a treaty PDF (UN or Council of Europe layout) to canonical Markdown.

`convert_pdf` is a thin wrapper: pypdf reads each page into `PdfLine`s (text, position, font
size, bold), and the pure `pdf_lines_to_markdown` does the rest:

1. Running headers and footers are dropped: lines at the top or bottom of a page that repeat
   on other pages (digits masked, so changing page numbers still match), and lines made only
   of page numbers ("- 3 -", "Page 3 of 40"), UN document symbols (`A/RES/58/4`) and job
   numbers (`V.04-56160`, `21-01234 (E)`).
2. Lines are joined into paragraphs. A paragraph ends at a vertical gap, at an indented line
   after a finished sentence, after a short line that ends a sentence, and before a paragraph
   or item marker (`1.`, `a)`, `(i)`). A page that ends mid-sentence runs on into the next.
   Words hyphenated at a line end are rejoined ("com-" "puter" → "computer"), while real
   hyphens stay ("co-" "operation" → "co-operation") when the hyphenated word occurs elsewhere,
   the second part is capitalised, or both halves are words of the text.
3. Headings (`Article 2`, `CHAPTER I`, `Section 1`, `Title 1`, `Preamble`, `Annex`) become
   Markdown headings of the corpus convention, with a title on the next line merged in
   (`Article 2` / `Illegal access` → `##### Article 2 – Illegal access`); the large type at the
   top of the first page becomes the `#` title.
"""

from __future__ import annotations

import logging
import math
import os
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.ingest import Converted

# ---------------------------------------------------------------------------------------------
# Headings (shared with the DOCX converter)
# ---------------------------------------------------------------------------------------------

_HEADING_KEYWORDS = {
    "article": ("article", 5), "artikel": ("article", 5), "art.": ("article", 5),
    "chapter": ("chapter", 2), "chapitre": ("chapter", 2), "hoofdstuk": ("chapter", 2),
    "part": ("part", 2), "partie": ("part", 2), "deel": ("part", 2),
    "section": ("section", 3), "afdeling": ("section", 3),
    "title": ("title", 4), "titre": ("title", 4), "titel": ("title", 4),
    "annex": ("appendix", 2), "annexe": ("appendix", 2), "appendix": ("appendix", 2),
    "bijlage": ("appendix", 2), "schedule": ("appendix", 2),
}  # fmt: skip
_NUMBERED_HEADING = re.compile(
    r"^(?P<kw>article|artikel|art\.|chapter|chapitre|hoofdstuk|part|partie|deel|section|afdeling"
    r"|title|titre|titel|annex|annexe|appendix|bijlage|schedule)"
    r"(?:\s+(?P<num>\d{1,4}(?:\s?[a-z]\b|\s+(?:bis|ter|quater|quinquies|sexies)\b)?(?![\d.]\d)"
    r"|(?-i:[IVXLC]{1,7})\b|(?-i:[A-Z])\b))?"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_PREAMBLE = re.compile(r"^(?P<kw>preamble|preambule|préambule)\s*[.:]?$", re.IGNORECASE)
_SEPARATORS = "–—-:."
_OPENING_QUOTES = "“„‘«\"'("
_MAX_HEADING_TITLE = 200


@dataclass(frozen=True)
class HeadingLine:
    """A recognised heading: `Article 2 – Illegal access` → kind "article", level 5."""

    kind: str  # article | chapter | part | section | title | appendix | preamble
    level: int  # Markdown level of the corpus convention: ## chapter … ##### article
    keyword: str  # as printed: "Article", "CHAPTER"
    number: str | None
    title: str | None

    def markdown(self, title: str | None = None, *, level: int | None = None) -> str:
        """The heading as a Markdown line, e.g. `##### Article 2 – Illegal access`."""
        title = title if title is not None else self.title
        text = self.keyword if self.number is None else f"{self.keyword} {self.number}"
        if title:
            text += f" – {title}"
        return f"{'#' * (level or self.level)} {text}"


def match_heading(text: str, *, lenient: bool = False) -> HeadingLine | None:
    """Recognise a whole line as a treaty heading, or return None.

    Args:
        text: the line (or a Word paragraph).
        lenient: for text already known to be a heading (a Word heading style, bold): accept a
            title without separator ("Article 2 Illegal access") and a title ending in a full
            stop. Without it, "Article 5 of this Convention applies." is body text.
    """
    text = " ".join(text.split())
    if not text or not text[0].isupper():
        return None
    if match := _PREAMBLE.match(text):
        return HeadingLine("preamble", 2, match["kw"], None, None)
    match = _NUMBERED_HEADING.match(text)
    if not match:
        return None
    # IGNORECASE matches "Artıcle" (dotless ı) and "ſection" too: no keyword, no heading.
    if (keyword := _HEADING_KEYWORDS.get(match["kw"].lower())) is None:
        return None
    kind, level = keyword
    number = " ".join(match["num"].split()) if match["num"] else None
    if number is None and kind != "appendix":
        return None
    rest = match["rest"].strip()
    title: str | None = None
    if rest and rest not in ".:":
        if rest[0] in _SEPARATORS:
            title = rest[1:].strip() or None
        elif lenient and match["num"]:
            title = rest
        else:
            return None
    if title is not None and not lenient:
        if (
            len(title) > _MAX_HEADING_TITLE
            or title[-1] in ".;,:"
            or not (title[0].isupper() or title[0].isdigit() or title[0] in _OPENING_QUOTES)
        ):
            return None
    if title is not None:
        title = title.rstrip(".").strip() or None
    return HeadingLine(kind, level, match["kw"], number, title)


@dataclass(frozen=True)
class MarkdownBlock:
    """A paragraph, or a heading (then `text` is the heading's title, possibly empty)."""

    text: str
    heading: HeadingLine | None = None


def render_markdown(title: str | None, blocks: Sequence[MarkdownBlock], front: Sequence[str] = ()) -> str:
    """Canonical Markdown: the `#` title, then headings and paragraphs separated by blank lines.
    `front` is what stands above the title ("European Treaty Series - No. 185").

    TITLE headings sit at `####` under chapters and sections (the Budapest Convention), but
    are the top division (`##`) in a text without chapters (Dutch `TITEL I`, `TITEL II`).
    """
    kinds = {block.heading.kind for block in blocks if block.heading is not None}
    top_titles = not kinds & {"chapter", "part"}
    parts = [*front, f"# {title}"] if title else list(front)
    for block in blocks:
        heading = block.heading
        if heading is None:
            parts.append(block.text)
            continue
        level = 2 if top_titles and heading.kind == "title" else heading.level
        parts.append(heading.markdown(block.text or None, level=level))
    return "\n\n".join(parts) + "\n"


def guess_kind(title: str) -> str | None:
    """The kind a title names: protocol ("Additional Protocol to the Convention …"), treaty,
    draft or declaration; None when it names none."""
    words = title.lower()
    if re.search(r"\bdraft\b", words):
        return "draft"
    if re.search(r"\bprotocol", words):
        return "protocol"
    if re.search(r"\b(?:convention|treaty|agreement|covenant|charter|verdrag|traité|accord)\b", words):
        return "treaty"
    if re.search(r"\b(?:declaration|déclaration|call|appel)\b", words):
        return "declaration"
    return None


# ---------------------------------------------------------------------------------------------
# Lines of a page
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfLine:
    """One line of text as placed on a page (PDF points, y from the page bottom)."""

    text: str
    x: float
    y: float
    size: float = 10.0
    bold: bool = False


@dataclass
class _Line:
    """A line in reading order, with its page, for the layout pass."""

    text: str
    x: float
    y: float
    size: float
    bold: bool
    page: int


# Page furniture: a header or footer line made of these tokens only is dropped.
_FURNITURE_TOKEN = (
    r"(?:[-–—]\s*\d{1,4}\s*[-–—]"  # - 3 -
    r"|(?:page|p\.|pagina|seite)\s*\d{1,4}(?:\s*(?:of|/|van|sur|von)\s*\d{1,4})?"  # Page 3 of 40
    r"|\d{1,4}\s*/\s*\d{1,4}"  # 3/40
    r"|\d{1,6}"  # 3; UN date stamps such as 150721
    r"|(?-i:[ivxl]{1,6})"  # roman page numbers of a front part: i, ii, xiv
    r"|[A-Z]{1,5}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+"  # A/RES/58/4, A/AC.291/22/Rev.1
    r"|[A-Z]\.\d{2}-\d{5}"  # V.04-56160
    r"|\d{2}-\d{5}(?:\s*\([A-Z]\))?"  # 21-01234 (E)
    r"|\*\d{7}\*"  # UN bar code text
    r"|(?:ETS|CETS|CTS|STE|STCE)\s*(?:No\.?\s*)?\d{1,3}"  # ETS 185, CETS No. 201
    r")"
)
_FURNITURE_LINE = re.compile(rf"^{_FURNITURE_TOKEN}(?:\s+{_FURNITURE_TOKEN})*$", re.IGNORECASE)
# A document symbol or job number at either end of a page's first or last line: a running
# header ("A/AC.291/22/Rev.1  Draft convention") even when it appears on one page only.
_SYMBOL = r"(?:[A-Z]{1,5}(?:/[A-Z0-9][A-Za-z0-9.\-]*)+|[A-Z]\.\d{2}-\d{5}|\d{2}-\d{5}(?:\s*\([A-Z]\))?)"
_SYMBOL_EDGE = re.compile(rf"^{_SYMBOL}\s|\s{_SYMBOL}$")
_SYMBOL_LINE_WORDS = 15
_ZONE_LINES = 3  # lines at the top and at the bottom of a page that may be header or footer
_ZONE_GAP = 1.8  # … if a gap this many line spacings wide sets them apart from the text


def _furniture_key(text: str) -> tuple[str, ...]:
    """Words of a line with digits masked and in sorted order: "A/RES/58/4 Title" on odd pages
    and "Title A/RES/58/4" on even ones, or "- 3 -" and "- 4 -", give the same key."""
    masked = re.sub(r"\d+", "#", text.lower())
    masked = re.sub(r"\b[ivxlc]+\b", "#", masked)  # roman page numbers and dates (23.XI.2001)
    return tuple(sorted(masked.split()))


def _line_spacing(distances: list[float], default: float) -> float:
    """The baseline distance inside a paragraph: the usual small one (paragraph gaps and
    headers are wider), read low in the distribution so that short texts get it right too."""
    if not distances:
        return default
    ordered = sorted(distances)
    return ordered[int(0.25 * (len(ordered) - 1))]


def _zone(lines: Sequence[PdfLine], spacing: float) -> set[int]:
    """Indices of the lines a page's header and footer can be: up to `_ZONE_LINES` lines at
    the top and at the bottom, set apart from the text by a gap wider than a paragraph's."""
    order = sorted(range(len(lines)), key=lambda i: -lines[i].y)
    zone: set[int] = set()
    for ends in (order, order[::-1]):
        for count in range(1, min(_ZONE_LINES, len(ends) - 1) + 1):
            if abs(lines[ends[count - 1]].y - lines[ends[count]].y) > _ZONE_GAP * spacing:
                zone.update(ends[:count])
                break
    return zone


def _strip_furniture(pages: Sequence[Sequence[PdfLine]]) -> tuple[list[list[PdfLine]], list[str]]:
    """Drop running headers and footers; return the pages and notes on what went."""
    distances = [
        abs(a.y - b.y)
        for lines in pages
        for a, b in zip(lines, lines[1:], strict=False)
        if abs(a.y - b.y) > 0
    ]
    spacing = _line_spacing(distances, 12.0)
    zones = [_zone(lines, spacing) for lines in pages]
    counts: Counter[tuple[str, ...]] = Counter()
    for lines, zone in zip(pages, zones, strict=True):
        counts.update({_furniture_key(lines[i].text) for i in zone})
    with_text = sum(1 for lines in pages if lines)
    repeated = {key for key, count in counts.items() if count >= 2 and count >= 0.4 * with_text}
    kept_pages: list[list[PdfLine]] = []
    dropped: Counter[str] = Counter()
    for lines, zone in zip(pages, zones, strict=True):
        kept = []
        for index, line in enumerate(lines):
            text = line.text.strip()
            if index in zone and match_heading(text) is None:
                if _FURNITURE_LINE.match(text):
                    dropped["page numbers, document symbols and job numbers"] += 1
                    continue
                if _furniture_key(text) in repeated or _symbol_header(text):
                    dropped[f"running header/footer {text!r}"] += 1
                    continue
            kept.append(line)
        kept_pages.append(kept)
    notes = [f"removed {what} ({count} lines)" for what, count in dropped.items()]
    return kept_pages, notes


def _symbol_header(text: str) -> bool:
    """True for a short line led or closed by a document symbol ("A/AC.291/22/Rev.1 Draft")."""
    return (
        _SYMBOL_EDGE.search(text) is not None
        and len(text.split()) <= _SYMBOL_LINE_WORDS
        and _ENDS_FULL_STOP.search(text) is None
    )


# ---------------------------------------------------------------------------------------------
# Layout statistics
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stats:
    body_size: float
    left: float  # x of the body's left margin
    spacing: float  # baseline distance inside a paragraph
    full: float  # `_width` of a full line of body text


_NARROW = frozenset("iljtfrI.,;:'’‘!|()[]/- ")
_WIDE = frozenset("mwMW%@")


def _width(text: str) -> float:
    """Rough printed width of a text, in average characters (the PDF gives no glyph widths
    here): narrow letters and punctuation count less, capitals and m/w more."""
    return sum(0.6 if c in _NARROW else 1.45 if c in _WIDE else 1.2 if c.isupper() else 1.0 for c in text)


def _stats(lines: list[_Line]) -> _Stats:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.text)
    body_size = sizes.most_common(1)[0][0] if sizes else 10.0
    body = [line for line in lines if abs(line.size - body_size) < 0.1 * body_size] or lines
    lefts = Counter(round(line.x) for line in body)
    left = float(lefts.most_common(1)[0][0]) if lefts else 0.0
    gaps = [
        previous.y - line.y
        for previous, line in zip(body, body[1:], strict=False)
        if previous.page == line.page and 0 < previous.y - line.y < 4 * body_size
    ]
    spacing = _line_spacing(gaps, 1.2 * body_size)
    widths = sorted(_width(line.text) for line in body)
    full = widths[int(0.95 * (len(widths) - 1))] if widths else 80.0
    return _Stats(body_size, left, spacing, max(full, 20.0))


# ---------------------------------------------------------------------------------------------
# Hyphenation
# ---------------------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# First parts that keep their hyphen even at a line break: co-operation, non-State, self-defence.
_HYPHEN_PREFIXES = frozenset({"co", "non", "self", "cross", "quasi", "ex", "anti", "niet"})
# "informatie- en communicatietechnologie": a hyphen before a conjunction stays, with its space.
_CONJUNCTIONS = frozenset({"and", "or", "en", "of", "et", "ou", "und", "oder"})
# Second parts of compounds that keep their hyphen: capacity-building, in-depth, long-term.
_HYPHEN_SUFFIXES = frozenset(
    {"building", "making", "based", "related", "depth", "term", "up", "free", "wide", "back"}
)


@dataclass
class _Vocabulary:
    words: set[str] = field(default_factory=set)  # lower-case words, hyphenated ones included
    english: bool = False  # closed compounds are rare: "well-" "functioning" keeps its hyphen

    @classmethod
    def of(cls, lines: list[_Line]) -> _Vocabulary:
        """Words seen whole, inside lines (not the halves of a word broken at a line end)."""
        vocabulary = cls()
        for index, line in enumerate(lines):
            tokens = line.text.split()
            if index > 0 and lines[index - 1].text.rstrip().endswith("-") and tokens:
                tokens = tokens[1:]
            if tokens and tokens[-1].endswith("-"):
                tokens = tokens[:-1]
            for token in tokens:
                vocabulary.words.update(word.lower() for word in _WORD.findall(token))
        words = " ".join(line.text for line in lines).lower().split()
        vocabulary.english = words.count("the") > 0.02 * len(words)
        return vocabulary


def _join_hyphenated(head: str, tail: str, vocabulary: _Vocabulary) -> tuple[str, bool]:
    """Join a line ending in `head-` to the next one starting with `tail`.

    Returns the joined text and whether the hyphen was kept.
    """
    first = _WORD.findall(head.split()[-1]) if head.split() else []
    second_match = _WORD.match(tail)
    if not first or not second_match:
        return f"{head}{tail}", True
    part1, part2 = first[-1], second_match.group()
    if part2.lower() in _CONJUNCTIONS and tail[len(part2) : len(part2) + 1] in ("", " "):
        return f"{head} {tail}", True  # "informatie- en communicatietechnologie"
    if tail[:1].isupper() or tail[:1].isdigit() or head[-2:-1].isdigit():
        keep = True
    elif f"{part1}-{part2}".lower() in vocabulary.words:
        keep = True
    elif f"{part1}{part2}".lower() in vocabulary.words:
        keep = False
    elif (
        "-" in part2 or part1.lower().split("-")[-1] in _HYPHEN_PREFIXES or part2.lower() in _HYPHEN_SUFFIXES
    ):
        keep = True
    else:
        keep = (
            vocabulary.english
            and len(part1) > 2
            and part1.lower() in vocabulary.words
            and part2.lower() in vocabulary.words
        )
    return (f"{head}{tail}" if keep else f"{head[:-1]}{tail}"), keep


# ---------------------------------------------------------------------------------------------
# Paragraphs
# ---------------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"^(?:\(?\d{1,3}[a-z]?[.)]|\(\d{1,3}[a-z]?\)|\([a-z]{1,6}\)|[a-z]{1,6}[.)]|[–—•])(?=\s|$)"
)
_ENDS_SENTENCE = re.compile(r"[.;:!?,][\"”’')\]]*$")
_ENDS_FULL_STOP = re.compile(r"[.;:!?][\"”’')\]]*$")
# A line ending in one of these words is cut in the middle of a reference ("paragraph\n(a)").
_REFERENCE_WORDS = frozenset(
    {"article", "articles", "paragraph", "paragraphs", "subparagraph", "subparagraphs",
     "sub-paragraph", "sub-paragraphs", "item", "items", "point", "points", "no.", "section",
     "chapter", "annex", "artikel", "artikelen", "lid", "leden", "onderdeel", "onderdelen"}
)  # fmt: skip
# The closing formula opens a paragraph of its own, even right after a page break.
_FORMULA = re.compile(
    r"^(?:in witness whereof|in faith whereof|done at|ten blijke waarvan|gedaan te|en foi de quoi|fait à)\b",
    re.IGNORECASE,
)


def _is_marker_line(text: str) -> bool:
    match = _MARKER.match(text)
    if not match:
        return False
    marker = match.group()
    if marker[0] in "–—•":
        return True
    value = marker.strip("().")
    return bool(
        re.fullmatch(r"\d{1,3}[a-z]?|([a-z])\1?|(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})", value)
    )


def _cut_reference(previous: str) -> bool:
    """True if a line ends inside a reference: "… paragraph", "… Article 2", "… subparagraphs d)"."""
    words = previous.lower().split()
    if not words:
        return False
    last = words[-1].rstrip(",")
    if last in _REFERENCE_WORDS or last.isdigit():
        return True
    return len(words) > 1 and _is_marker_line(last) and words[-2] in _REFERENCE_WORDS


class _Layout:
    """Decides, line by line, where paragraphs and headings begin and end."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.stats = _stats(lines)
        self.vocabulary = _Vocabulary.of(lines)
        self.hyphens_joined = 0
        self.hyphens_kept = 0
        self.page_joins = 0

    def _short(self, line: _Line, following: _Line) -> bool:
        """True if the first word of `following` would have fitted on `line`: the line was
        ended on purpose. Widths are estimates, so only a clear margin counts."""
        words = following.text.split()
        room = self.stats.full * (line.size / self.stats.body_size) * 0.97
        indent = max(0.0, line.x - self.stats.left) / (0.5 * line.size)
        return indent + _width(line.text) + _width(" " + (words[0] if words else "")) < room

    def _indented(self, line: _Line, than: float) -> bool:
        return line.x > than + 0.8 * self.stats.body_size

    def _gap(self, previous: _Line, line: _Line) -> bool:
        scale = max(1.0, max(previous.size, line.size) / self.stats.body_size)
        distance = previous.y - line.y
        return distance < 0 or distance > 1.35 * self.stats.spacing * scale

    def breaks_before(self, previous: _Line, line: _Line) -> bool:
        """True if `line` starts a new paragraph after `previous`."""
        text, before = line.text, previous.text.rstrip()
        ended = _ENDS_SENTENCE.search(before) is not None
        if _FORMULA.match(text) or (ended and re.match(r"^-\s+\w", text)):  # "- item" after "…;"
            return True
        if _is_marker_line(text) and not _cut_reference(before):
            # "… Articles 14 and" / "15. …": a paragraph number follows a finished sentence.
            if ended or not text[0].isdigit() or _is_marker_line(before) and len(before.split()) == 1:
                return True
        if ended and self._short(previous, line):
            return True
        if previous.page != line.page:
            return ended and self._indented(line, self.stats.left)
        if self._gap(previous, line) or abs(previous.size - line.size) > 0.15 * self.stats.body_size:
            return True
        return ended and self._indented(line, min(previous.x, self.stats.left + 1))

    def heading_at(self, index: int) -> HeadingLine | None:
        """The heading that line `index` is, if it stands as one (bold, set apart or alone)."""
        line = self.lines[index]
        info = match_heading(line.text)
        if info is None:
            return None
        if index == 0 or line.bold or self._indented(line, self.stats.left):
            return info
        previous = self.lines[index - 1]
        if self.breaks_before(previous, line) or self._gap(previous, line):
            return info
        return None

    def title_lines(self, index: int, info: HeadingLine) -> int:
        """How many lines after heading line `index` carry its title (0, 1 or more)."""
        heading = self.lines[index]
        count = 0
        while index + count + 1 < len(self.lines):
            line = self.lines[index + count + 1]
            previous = self.lines[index + count]
            if line.page != heading.page or match_heading(line.text) is not None:
                break
            if _is_marker_line(line.text) or len(line.text) > _MAX_HEADING_TITLE:
                break
            distance = previous.y - line.y
            if distance <= 0 or distance > 2.5 * self.stats.spacing * max(
                1.0, line.size / self.stats.body_size
            ):
                break
            if heading.bold:
                if not line.bold or (count and self._gap(previous, line)):
                    break
            else:
                following = self.lines[index + count + 2] if index + count + 2 < len(self.lines) else None
                titled = info.title is None and count == 0 and _title_like(line.text)
                if not titled or (following is not None and not self.breaks_before(line, following)):
                    break
            count += 1
        return count

    def join(self, lines: list[_Line]) -> str:
        """The text of a paragraph: lines joined, hyphenation repaired."""
        text = " ".join(lines[0].text.split())
        for previous, line in zip(lines, lines[1:], strict=False):
            piece = " ".join(line.text.split())
            if line.page != previous.page:
                self.page_joins += 1
            if re.search(r"[^\W\d_]-$", text) and piece[:1].isalnum():
                text, kept = _join_hyphenated(text, piece, self.vocabulary)
                if kept:
                    self.hyphens_kept += 1
                else:
                    self.hyphens_joined += 1
            else:
                text = f"{text} {piece}"
        return text


def _title_like(text: str) -> bool:
    text = text.strip()
    return (
        0 < len(text) <= _MAX_HEADING_TITLE
        and text[-1] not in ".;:,!?"
        and (text[0].isupper() or text[0].isdigit() or text[0] in _OPENING_QUOTES)
        and not _is_marker_line(text)
    )


def pdf_lines_to_markdown(pages: Sequence[Sequence[PdfLine]]) -> tuple[str, str | None, list[str]]:
    """Lay out the lines of a PDF's pages as canonical Markdown.

    Args:
        pages: the text lines of each page, top to bottom.

    Returns:
        (Markdown body ending with one newline, document title or None, notes on what was
        dropped or repaired).
    """
    clean_pages, notes = _strip_furniture(pages)
    lines = [
        # Type under 1 point (`0 Tf`, a negative size) counts as 1 point: the layout divides by sizes.
        _Line(" ".join(line.text.split()), line.x, line.y, _at_least(line.size, 1.0), line.bold, number)
        for number, page in enumerate(clean_pages)
        for line in page
        if line.text.strip()
    ]
    if not lines:
        return "", None, notes
    layout = _Layout(lines)
    blocks: list[MarkdownBlock] = []
    title = _title_block(layout)
    front: list[str] = []
    index = 0
    if title is not None:
        _, start, index = title
        front = [layout.join([line]) for line in lines[:start]]
    paragraph: list[_Line] = []

    def flush() -> None:
        if paragraph:
            blocks.append(MarkdownBlock(layout.join(paragraph)))
            paragraph.clear()

    while index < len(lines):
        line = lines[index]
        info = layout.heading_at(index)
        if info is not None:
            flush()
            count = layout.title_lines(index, info)
            extra = " ".join(lines[index + k].text for k in range(1, count + 1))
            blocks.append(MarkdownBlock(" ".join(filter(None, [info.title, extra])), info))
            index += count + 1
            continue
        if paragraph and layout.breaks_before(paragraph[-1], line):
            flush()
        paragraph.append(line)
        index += 1
    flush()
    if layout.hyphens_joined:
        notes.append(f"rejoined {layout.hyphens_joined} words hyphenated at line ends")
    if layout.hyphens_kept:
        notes.append(f"kept {layout.hyphens_kept} hyphens at line ends (co-operation, non-State)")
    if layout.page_joins:
        notes.append(f"joined {layout.page_joins} paragraphs broken by a page break")
    title_text = title[0] if title else None
    return render_markdown(title_text, blocks, front), title_text, notes


def _at_least(value: float, minimum: float) -> float:
    return value if value >= minimum else minimum  # NaN too


def _title_block(layout: _Layout) -> tuple[str, int, int] | None:
    """The document title: the lines in the largest type at the top of the first page,
    above the first heading. Returns (title, index of its first line, index after it)."""
    lines = layout.lines
    first_page = [
        i for i, line in enumerate(lines) if line.page == lines[0].page and match_heading(line.text) is None
    ]
    top: list[int] = []
    for index in first_page:
        if index != len(top):
            break
        top.append(index)
    if not top:
        return None
    biggest = max(lines[i].size for i in top)
    if biggest < 1.15 * layout.stats.body_size:
        return None
    start = next(i for i in top if lines[i].size == biggest)
    end = start
    while end + 1 in top and lines[end + 1].size == biggest:
        end += 1
    return " ".join(lines[i].text for i in range(start, end + 1)), start, end + 1


# ---------------------------------------------------------------------------------------------
# Reading the PDF
# ---------------------------------------------------------------------------------------------


@contextmanager
def _quiet_pypdf() -> Iterator[list[str]]:
    """pypdf logs repairs of damaged files ("EOF marker not found"): collect, don't print."""
    logger = logging.getLogger("pypdf")
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    handler = Collect(logging.WARNING)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class _LineCollector:
    """A pypdf `visitor_text` that records each line with its position, size and font."""

    def __init__(self) -> None:
        self.lines: list[PdfLine] = []
        self.text = ""
        self.where: tuple[float, float, float] | None = None
        self.bold_chars = 0
        self.chars = 0

    def __call__(self, text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        parts = text.split("\n")
        for number, part in enumerate(parts):
            if number:
                self.end_line()
            if not part:
                continue
            if self.where is None or not self.text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
                self.where = _placed(x, y, size * scale)
            self.text += part
            base_font = str(font.get("/BaseFont", "")) if isinstance(font, dict) else ""
            if re.search(r"bold|black|heavy|semibold|demi", base_font, re.IGNORECASE):
                self.bold_chars += len(part.strip())
            self.chars += len(part.strip())

    def end_line(self) -> None:
        if self.text.strip() and self.where is not None:
            x, y, size = self.where
            bold = self.chars > 0 and self.bold_chars >= 0.6 * self.chars
            self.lines.append(PdfLine(self.text.strip(), x, y, round(size, 2), bold))
        self.text, self.where, self.bold_chars, self.chars = "", None, 0, 0

    def page_lines(self) -> list[PdfLine]:
        """The lines, with pieces set on one baseline merged (pypdf may split a line)."""
        self.end_line()
        merged: list[PdfLine] = []
        for line in self.lines:
            last = merged[-1] if merged else None
            if last is not None and abs(last.y - line.y) < 0.3 * max(last.size, line.size):
                glue = "" if line.size < 0.85 * last.size else " "
                merged[-1] = PdfLine(f"{last.text}{glue}{line.text}", min(last.x, line.x), last.y, last.size,
                                     last.bold and line.bold)  # fmt: skip
            else:
                merged.append(line)
        self.lines = []
        return merged


def _placed(x: float, y: float, size: float) -> tuple[float, float, float]:
    """A line's position and type size; the origin and the default size where a broken matrix
    (`cm` repeated until it overflows) gives infinite, undefined or far off-page values, which
    the layout's arithmetic (`round`) can't take."""
    if not all(math.isfinite(value) and abs(value) <= _MAX_COORDINATE for value in (x, y, size)):
        return 0.0, 0.0, 10.0
    return x, y, size


def _has_images(page: object) -> bool:
    try:
        resources = page["/Resources"]  # type: ignore[index]
        objects = resources.get("/XObject") if resources is not None else None
        if not objects:
            return False
        return any(objects[name].get_object().get("/Subtype") == "/Image" for name in objects)
    except Exception:  # noqa: BLE001 - a damaged resource dict just means "no images found"
        return False


def _pdf_date(value: object) -> str | None:
    """`D:20011123120000+01'00'` → `2001-11-23`."""
    match = re.match(r"^(?:D:)?(\d{4})(\d{2})?(\d{2})?", str(value or ""))
    if not match:
        return None
    year, month, day = match[1], match[2] or "01", match[3] or "01"
    return f"{year}-{month}-{day}"


_JUNK_TITLE = re.compile(
    r"^(?:microsoft word\s*-|untitled\b|document\d*$|\S+\.(?:docx?|rtf|pdf|indd)$)", re.I
)


_MAX_COORDINATE = 1e6  # points; a PDF page is at most 14,400 points wide


@dataclass
class _ReadPdf:
    """What pypdf read from a file."""

    pages: list[list[PdfLine]]  # the lines of every page ([] for a page without text)
    info: dict[str, str]  # title, author, created, language from the info dictionary
    image_pages: list[int] = field(default_factory=list)  # 1-based: pages with images and no text
    bad_pages: list[str] = field(default_factory=list)  # "page 3 (reason)": pages pypdf failed on
    warnings: list[str] = field(default_factory=list)  # pypdf's repairs of a damaged file


def _read_pdf(file: Path) -> _ReadPdf:
    try:
        with file.open("rb") as handle:
            head = handle.read(1024)
    except OSError as error:
        raise InputError(f"{file}: can't be read ({error.strerror or error})") from error
    if b"%PDF-" not in head:
        raise InputError(f"{file} is not a readable PDF (no PDF header)")
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    with _quiet_pypdf() as warnings:
        try:
            reader = PdfReader(file)
            if reader.is_encrypted:
                try:
                    opened = reader.decrypt("")
                except DependencyError as error:
                    raise InputError(
                        f"{file} is encrypted (with AES, which needs the 'cryptography' package to read)"
                    ) from error
                if not opened:
                    raise InputError(f"{file} is encrypted: it can't be opened without a password")
            result = _ReadPdf([], _info(reader), warnings=warnings)
            pages = list(reader.pages)
        except InputError:
            raise
        except FileNotDecryptedError as error:
            raise InputError(f"{file} is encrypted: it can't be opened without a password") from error
        except Exception as error:  # noqa: BLE001 - pypdf raises many kinds of error on bad files
            raise InputError(f"{file} is not a readable PDF ({_reason(error)})") from error
        for number, page in enumerate(pages, 1):
            collector = _LineCollector()
            try:
                page.extract_text(visitor_text=collector)
            except Exception as error:  # noqa: BLE001 - one broken page should not lose the others
                result.bad_pages.append(f"page {number} ({_reason(error)})")
                result.pages.append([])
                continue
            lines = collector.page_lines()
            result.pages.append(lines)
            if not lines and _has_images(page):
                result.image_pages.append(number)
    if pages and len(result.bad_pages) == len(pages):
        raise InputError(f"{file} is not a readable PDF ({result.bad_pages[0]})")
    return result


def _reason(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


def _info(reader: object) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        info = reader.metadata  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001 - a broken info dictionary is not worth failing for
        info = None
    if info:
        title = " ".join(str(info.get("/Title") or "").split())
        if title and not _JUNK_TITLE.match(title):
            meta["title"] = title
        author = " ".join(str(info.get("/Author") or "").split())
        if author:
            meta["author"] = author
        if created := _pdf_date(info.get("/CreationDate")):
            meta["created"] = created
    try:
        language = reader.trailer["/Root"].get("/Lang")  # type: ignore[attr-defined]
    except Exception:  # noqa: BLE001
        language = None
    if language:
        meta["language"] = str(language).split("-")[0].lower()
    return meta


def convert_pdf(path: str | os.PathLike[str]) -> Converted:
    """Convert a treaty PDF to canonical Markdown.

    Args:
        path: the PDF file.

    Returns:
        The body as Markdown, with title, author, creation date, language and kind in `meta`
        where the PDF gives them, and notes on what was dropped or repaired.

    Raises:
        InputError: the file is missing, not a readable PDF, encrypted, or a scan without text.
        EmptyDocumentError: the PDF has pages but no text and no images.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(
            f"no such file: {file}" if not file.exists() else f"{file} is a directory, not a file"
        )
    read = _read_pdf(file)
    if not any(read.pages):
        if read.image_pages:
            raise InputError(f"{file} has no text layer (a scanned PDF?): run OCR first")
        raise EmptyDocumentError(f"{file}: the PDF has no text")
    body, title, notes = pdf_lines_to_markdown(read.pages)
    if not body.strip():
        raise EmptyDocumentError(f"{file}: the PDF has no text but page numbers and headers")
    if read.image_pages:
        shown = ", ".join(str(n) for n in read.image_pages[:10]) + (
            ", …" if len(read.image_pages) > 10 else ""
        )
        notes.append(f"pages {shown} have no text layer (scanned?): their text is missing")
    if read.bad_pages:
        notes.append(f"could not read {', '.join(read.bad_pages[:5])}: their text is missing")
    if read.warnings:
        notes.append(f"the PDF is damaged; pypdf repaired it ({read.warnings[0]})")
    meta = dict(read.info)
    if title:
        meta["title"] = title
    if kind := guess_kind(meta.get("title", "")):
        meta["kind"] = kind
    return Converted(body, meta, "pdf", tuple(notes))
