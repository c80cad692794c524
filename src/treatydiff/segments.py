"""Segmentation: cut a `Document` into alignment units at article, paragraph or sentence level.

The body is read in three passes:

1. `_scan` turns lines into headings and blocks (paragraphs). Markdown headings (`#####
   Article 2 – Illegal access`) and the plain UN / Council of Europe layout (`Article 2` on its
   own line, the title on the next) give the same heading items, so both layouts segment alike.
2. `_Outliner` walks the items with a small state machine (front matter → preamble →
   articles → final formula / appendix) and numbers every block: front matter (`front.p1`:
   what stands above the title, or above an explicit `Preamble` heading), recitals, numbered
   paragraphs and items nested by marker type (number > letter > roman > dash), prose
   paragraphs. A document with articles or a `Preamble` heading is read this way; any other
   is prose (`p1`, `p2`, …).
3. `_emit` builds the `Segment` records of the requested level from that outline.

Offsets are never recomputed from cleaned text: every segment is a trimmed slice of
`Document.text`, so `document.text[start:end] == text` holds by construction.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from treatydiff.errors import ConfigError, EmptyDocumentError
from treatydiff.records import Document, Heading, Level, Segment, SegmentedDocument, SegmentKind
from treatydiff.sentences import split_sentences

# ---------------------------------------------------------------------------------------------
# Heading recognition
# ---------------------------------------------------------------------------------------------

# The closing `#`s and trailing blanks are cut in Python (`_md_heading_text`): a lazy group
# before `[ \t]*$` took quadratic time on a long run of tabs.
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*)$")
_MD_TITLE_HEADING = re.compile(r"^(#{1,6})[ \t]*([^#\s].*)$")
# Emphasis spans at most ~200 characters (a title's length): unbounded, every `*` of a line
# full of unclosed ones (`*a *a *a …`) scanned to the line end, in quadratic time.
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.{0,200}?\S)?)\1")
_ROMAN_UPPER = r"(?-i:[IVXLC]{1,7})"

_ARTICLE_HEADING = re.compile(
    r"^(?P<kw>article|artikel)\s+"
    r"(?P<num>\d{1,4}(?:\s?[a-z]\b|\s+(?:bis|ter|quater|quinquies|sexies|septies|octies|novies|decies)\b)?"
    rf"|{_ROMAN_UPPER}\b)"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_DIVISION_KEYWORDS = {
    "part": "part", "partie": "part", "deel": "part",
    "chapter": "chapter", "chapitre": "chapter", "hoofdstuk": "chapter",
    "section": "section", "afdeling": "section",
    "title": "title", "titre": "title", "titel": "title",
}  # fmt: skip
_DIVISION_HEADING = re.compile(
    rf"^(?P<kw>{'|'.join(_DIVISION_KEYWORDS)})\s+"
    rf"(?P<num>{_ROMAN_UPPER}\b|\d{{1,3}}(?:\.\d{{1,3}})*\b|(?-i:[A-Z])\b)"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_APPENDIX_HEADING = re.compile(
    rf"^(?P<kw>appendix|appendice|annexe|annex|bijlage|schedule)\b(?:\s+(?P<num>{_ROMAN_UPPER}\b|\d{{1,3}}\b|(?-i:[A-Z])\b))?"
    r"(?P<rest>.*)$",
    re.IGNORECASE,
)
_PREAMBLE_HEADING = re.compile(r"^(?P<kw>preamble|preambule|préambule)\s*[.:]?\s*$", re.IGNORECASE)
_TITLE_SEPARATORS = "–—-:."
# Nominal nesting of divisions, used to give plain-text headings a depth.
_DIVISION_ORDER = ("part", "chapter", "section", "title")
_MD_DEPTH_KINDS = {1: "part", 2: "section"}  # unrecognised Markdown headings, by depth; deeper: "title"


@dataclass(frozen=True)
class _HeadingInfo:
    """A recognised heading line, before it gets a place in the outline."""

    kind: str  # article | preamble | appendix | part | chapter | section | title | doc-title
    keyword: str  # as printed: "Article", "HOOFDSTUK"; "" for a heading without keyword
    number: str | None
    title: str | None
    md_level: int | None  # number of `#`, None for a plain-text heading

    @property
    def wants_title_line(self) -> bool:
        """Plain layout puts a heading's title on the next line: `Chapter II` / `Use of terms`."""
        return self.md_level is None and self.title is None and self.kind not in ("preamble",)


def _strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub(r"\2", text)


def _md_heading_text(rest: str) -> str:
    """The text of a Markdown heading after `# `: without trailing blanks or a closing `#` run."""
    text = rest.rstrip(" \t")
    head = text.rstrip("#")
    if head and head[-1] in " \t":  # a closing run needs a blank before it: `# C#` stays
        text = head.rstrip(" \t")
    return text


def _split_rest(rest: str, *, lenient: bool) -> tuple[bool, str | None]:
    """Parse what follows `KEYWORD N`: ("", "–  title", ". title").

    Returns (is_heading, title). A plain line needs a separator before its title, so that
    "Article 2 of this Convention applies…" is a sentence, not a heading.
    """
    rest = rest.strip()
    if rest in ("", ".", ":"):
        return True, None
    if rest[0] in _TITLE_SEPARATORS:
        title = rest[1:].strip()
        if not lenient and (len(title) > 200 or title[-1:] in (".", ";", ",", ":")):
            return False, None
        return True, title or None
    return (True, rest) if lenient else (False, None)


def _match_keyword_heading(text: str, *, lenient: bool, md_level: int | None) -> _HeadingInfo | None:
    """Recognise `Article 2 – Illegal access`, `CHAPTER II`, `Preamble`, `Annex` (whole line)."""
    text = text.strip()
    if not text.lstrip("*_")[:1].isupper():  # cheap: no heading, whatever emphasis is stripped
        return None
    text = _strip_emphasis(text)
    if not text or not text[0].isupper():
        return None
    if match := _PREAMBLE_HEADING.match(text):
        return _HeadingInfo("preamble", match["kw"], None, None, md_level)
    for pattern in (_ARTICLE_HEADING, _DIVISION_HEADING, _APPENDIX_HEADING):
        match = pattern.match(text)
        if not match:
            continue
        ok, title = _split_rest(match["rest"], lenient=lenient)
        if not ok:
            return None
        keyword = match["kw"]
        if pattern is _ARTICLE_HEADING:
            kind = "article"
        elif pattern is _DIVISION_HEADING:
            # IGNORECASE matches "Tıtle" (dotless ı) and "ſection" too: no keyword, no heading.
            if (division := _DIVISION_KEYWORDS.get(keyword.lower())) is None:
                return None
            kind = division
        else:
            kind = "appendix"
        number = " ".join(match["num"].split()) if match["num"] else None
        return _HeadingInfo(kind, keyword, number, title, md_level)
    return None


def _match_heading(line: str) -> _HeadingInfo | None:
    """A Markdown heading of any kind, or a plain-text keyword heading, else None."""
    md = _MD_HEADING.match(line)
    if md:
        level = len(md[1])
        text = _strip_emphasis(_md_heading_text(md[2])).strip()
        info = _match_keyword_heading(text, lenient=True, md_level=level)
        if info is not None:
            return info
        return _HeadingInfo("doc-title" if level == 1 else "generic", "", None, text or None, level)
    return _match_keyword_heading(line, lenient=False, md_level=None)


# ---------------------------------------------------------------------------------------------
# Pass 1: lines -> heading and block items
# ---------------------------------------------------------------------------------------------

# A line that opens a list item or numbered paragraph: `1.`, `(a)`, `ii)`, `– `, `- `.
_ITEM_START = re.compile(
    r"^\s*(?:\(?\d{1,3}[a-z]?[.)]|\(\d{1,3}[a-z]?\)|\([a-z]{1,6}\)|[a-z]{1,6}[.)]|[–—•*+\-])(?=\s|$)"
)
_SENTENCE_END = re.compile(r"[.!?:;…][\"”’')\]]*$")
# Short capitalised words after which a scraped line was cut mid-sentence ("On\nMarch 27").
_WRAP_WORDS = frozenset({"A", "An", "The", "On", "In", "At", "Of", "To", "By", "For", "And", "Or", "From"})
_URL = re.compile(r"^(?:https?://|www\.)\S+$")
_HARD_WRAP_RANGE = (40, 100)  # line lengths of a hard-wrapped paragraph (all lines but the last)


@dataclass(frozen=True)
class _Line:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _HeadingItem:
    info: _HeadingInfo
    start: int


@dataclass(frozen=True)
class _BlockItem:
    start: int
    end: int


_Item = _HeadingItem | _BlockItem


def _lines(text: str, offset: int) -> list[_Line]:
    lines = []
    start = offset
    while start <= len(text):
        end = text.find("\n", start)
        if end == -1:
            end = len(text)
        lines.append(_Line(start, end, text[start:end]))
        start = end + 1
    return lines


def _is_title_like(text: str) -> bool:
    """A heading's title on its own line: short, no closing punctuation, not a list item."""
    text = _strip_emphasis(text.strip())
    return (
        0 < len(text) <= 200
        and text[-1] not in ".;:,!?"
        and (text[0].isupper() or text[0].isdigit() or text[0] in "\"“„‘'(")
        and not _ITEM_START.match(text)
        and _match_heading(text) is None
    )


def _is_valid_marker_line(line: str) -> bool:
    """`_ITEM_START` also matches words like "to." — keep only real markers."""
    return _parse_marker(line.strip()) is not None


def _continues(previous: str, line: str) -> bool:
    """True if `line` carries on a sentence that `previous` broke off (scraped text)."""
    previous, line = previous.strip(), line.strip()
    if not previous or not line or _SENTENCE_END.search(previous):
        return False
    if _URL.match(previous) or _URL.match(line):
        return False
    if line[0].islower():
        return True
    last_word = previous.split()[-1]
    if last_word[-1].isalpha() and last_word.islower():
        return True
    return last_word.lstrip('"“(') in _WRAP_WORDS


def _is_hard_wrapped(group: list[_Line]) -> bool:
    low, high = _HARD_WRAP_RANGE
    return len(group) > 1 and all(low <= len(line.text.rstrip()) <= high for line in group[:-1])


def _blocks_of(group: list[_Line]) -> list[_BlockItem]:
    """Cut a run of non-blank lines into paragraphs.

    A list marker always opens a paragraph. A hard-wrapped run is otherwise one paragraph;
    in any other run (one paragraph per line, as scraped text has it) a line joins the one
    before only if that one was clearly cut mid-sentence.
    """
    wrapped = _is_hard_wrapped(group)
    runs: list[list[_Line]] = []
    for line in group:
        opens_item = _ITEM_START.match(line.text) is not None and _is_valid_marker_line(line.text)
        if not runs or opens_item or (not wrapped and not _continues(runs[-1][-1].text, line.text)):
            runs.append([line])
        else:
            runs[-1].append(line)
    blocks = []
    for run in runs:
        first, last = run[0], run[-1]
        start = first.start + (len(first.text) - len(first.text.lstrip()))
        end = last.end - (len(last.text) - len(last.text.rstrip()))
        if start < end:
            blocks.append(_BlockItem(start, end))
    return blocks


def _scan(text: str, offset: int) -> list[_Item]:
    """Headings and paragraphs of text[offset:], in order."""
    lines = _lines(text, offset)
    items: list[_Item] = []
    group: list[_Line] = []

    def flush() -> None:
        items.extend(_blocks_of(group))
        group.clear()

    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.text.strip():
            flush()
            continue
        info = _match_heading(line.text)
        if info is None:
            group.append(line)
            continue
        flush()
        found = _heading_title(lines, index, info)
        if found is not None:
            index, title = found
            info = replace(info, title=title)
        items.append(_HeadingItem(info, line.start))
    flush()
    return items


def _heading_title(lines: list[_Line], index: int, info: _HeadingInfo) -> tuple[int, str] | None:
    """A title on the line(s) after a heading that has none: (index of the next line to read, title)."""
    if info.wants_title_line:
        title_index = _title_line_index(lines, index, info)
        if title_index is not None:
            return title_index + 1, _strip_emphasis(lines[title_index].text.strip())
    elif info.kind == "article" and info.md_level is not None and info.title is None:
        return _md_title_heading(lines, index, info.md_level)
    return None


def _title_line_index(lines: list[_Line], index: int, info: _HeadingInfo) -> int | None:
    """Index of the line holding a plain heading's title, if there is one.

    The title sits on the next line; for articles and divisions one blank line may come
    between (`Article 2` / `` / `Illegal access`), since their body never looks like a title.
    """
    if index < len(lines) and not lines[index].text.strip() and info.kind != "appendix":
        index += 1
    if index < len(lines) and _is_title_like(lines[index].text):
        return index
    return None


def _md_title_heading(lines: list[_Line], index: int, level: int) -> tuple[int, str] | None:
    """A deeper Markdown heading right under `### Article 2` holds its title (laws-markdown
    layout: `### Article 2` / `####Illegal access`, where the space is often missing)."""
    while index < len(lines) and not lines[index].text.strip():
        index += 1
    if index >= len(lines):
        return None
    match = _MD_TITLE_HEADING.match(lines[index].text)
    if not match or len(match[1]) <= level:
        return None
    title = _strip_emphasis(match[2].rstrip(" \t")).strip()
    if not title or _match_keyword_heading(title, lenient=True, md_level=None) is not None:
        return None
    return index + 1, title


def has_article_headings(text: str) -> bool:
    """True if the text has at least one article heading (Markdown or plain layout)."""
    return any(isinstance(item, _HeadingItem) and item.info.kind == "article" for item in _scan(text, 0))


def has_preamble_heading(text: str) -> bool:
    """True if the text has a `Preamble` / `Preambule` heading (Markdown or plain layout)."""
    return any(isinstance(item, _HeadingItem) and item.info.kind == "preamble" for item in _scan(text, 0))


def leading_blocks(text: str) -> list[tuple[int, int]]:
    """Offsets of the paragraphs of a text that come before its first heading of any kind."""
    blocks = []
    for item in _scan(text, 0):
        if isinstance(item, _HeadingItem):
            break
        blocks.append((item.start, item.end))
    return blocks


def is_title_line(text: str) -> bool:
    """True for a title-like paragraph: short, capitalised, no closing punctuation, not a
    list item or a heading ("Convention on Cybercrime", "Budapest, 23.XI.2001")."""
    return _is_title_like(text)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Offsets of the paragraphs of a text (headings left out), as segmentation sees them."""
    return [(item.start, item.end) for item in _scan(text, 0) if isinstance(item, _BlockItem)]


# ---------------------------------------------------------------------------------------------
# Paragraph and item markers inside an article
# ---------------------------------------------------------------------------------------------

_MARKER = re.compile(
    r"^(?:\((?P<paren>\d{1,3}[a-z]?|[a-z]{1,6})\)"
    r"|(?P<plain>\d{1,3}[a-z]?|[a-z]{1,6})(?P<punct>[.)])"
    r"|(?P<dash>[–—•*+\-]))"
    r"(?=\s|$)"
)
_ROMAN = re.compile(r"^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_RANK = {"number": 0, "letter": 1, "roman": 2, "dash": 3}


@dataclass(frozen=True)
class _Marker:
    value: str  # "1", "a", "ii"; "" for a dash
    shape: str  # "x.", "x)", "(x)", "-" or "bare"
    family: str  # "number", "alpha" (letter or roman, decided in context) or "dash"
    bare: bool  # nothing but the marker: `3.` on its own line


def _parse_marker(text: str) -> _Marker | None:
    match = _MARKER.match(text)
    if not match:
        return None
    bare = not text[match.end() :].strip()
    if match["dash"]:
        return _Marker("", "-", "dash", bare)
    value = match["paren"] or match["plain"]
    shape = "(x)" if match["paren"] else f"x{match['punct']}"
    if value[0].isdigit():
        return _Marker(value, shape, "number", bare)
    is_letter = len(value) == 1 or (len(value) == 2 and value[0] == value[1])  # a, aa
    if not is_letter and not _ROMAN.match(value):
        return None  # a word such as "to." or "etc."
    return _Marker(value, shape, "alpha", bare)


def _roman_to_int(value: str) -> int:
    total = 0
    for char, following in zip(value, value[1:] + " ", strict=True):
        digit = _ROMAN_VALUES[char]
        total += -digit if _ROMAN_VALUES.get(following, 0) > digit else digit
    return total


def _int_to_roman(number: int) -> str:
    parts = []
    for value, numeral in ((100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                           (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while number >= value:
            parts.append(numeral)
            number -= value
    return "".join(parts)


@dataclass
class _Node:
    """One open level of the marker stack of an article."""

    type: str  # number | letter | roman | dash
    value: str
    shape: str
    id_part: str
    label_part: str
    has_text: bool
    unmarked_children: int = 0
    dash_children: int = 0


def _alpha_type(marker: _Marker, stack: list[_Node], next_alpha: _Marker | None) -> str:
    """Decide whether an `i`, `v` or `x` marker is a letter or a roman numeral.

    After `h)` comes the letter `i)`; after `iv.` the roman `v.`. A following `ii` of the
    same shape makes `i` roman (Dutch layout uses `h.` and `i.` for both).
    """
    value = marker.value
    if len(value) > 1:
        return "roman" if _ROMAN.match(value) else "letter"
    if value not in "ivx":
        return "letter"
    successor = _int_to_roman(_roman_to_int(value) + 1)
    if next_alpha is not None and next_alpha.value == successor and next_alpha.shape == marker.shape:
        return "roman"
    letters = [node for node in stack if node.type == "letter"]
    if letters and letters[-1].value == chr(ord(value) - 1) and letters[-1].shape == marker.shape:
        return "letter"
    return "roman"


# ---------------------------------------------------------------------------------------------
# Pass 2: the outline
# ---------------------------------------------------------------------------------------------

_FORMULA = re.compile(
    r"^[*_]{0,2}(?:in witness whereof|in faith whereof|done at|ten blijke waarvan|gedaan te"
    r"|en foi de quoi|fait à)\b",
    re.IGNORECASE,
)
_PREAMBLE_LABEL = "Preamble"
_FRONT_LABEL = "Front matter"
_FORMULA_LABEL = "Final formula"


@dataclass
class _Unit:
    """A paragraph-level unit; `has_text` is False for a bare marker (`3.` before its items)."""

    id: str
    label: str
    kind: SegmentKind
    article: str | None
    path: tuple[str, ...]
    start: int
    end: int
    article_title: str | None = None
    has_text: bool = True


@dataclass
class _Article:
    key: str  # id stem, unique in the document: "art-6", "art-6~2"
    number: str
    keyword: str  # display form: "Article", "Artikel"
    title: str | None
    heading: str  # "Article 6 – Misuse of devices"
    path: tuple[str, ...]
    blocks: list[_BlockItem] = field(default_factory=list)
    units: list[_Unit] = field(default_factory=list)


@dataclass
class _Outline:
    entries: list[_Unit | _Article]
    headings: list[Heading]


def _display_keyword(keyword: str) -> str:
    return keyword[:1].upper() + keyword[1:].lower()


def _display_title(title: str) -> str:
    """Sentence case for an all-caps title ("USE OF TERMS" -> "Use of terms"); acronyms in
    parentheses ("(FIU)") are kept."""
    letters = [char for char in title if char.isalpha()]
    if not letters or sum(char.isupper() for char in letters) < 0.8 * len(letters):
        return title

    def word(match: re.Match[str]) -> str:
        token = match[0]
        return token if re.fullmatch(r"\([A-Z]{2,6}\)[,;.]?", token) else token.lower()

    lowered = re.sub(r"\S+", word, title)
    first = next((i for i, char in enumerate(lowered) if char.isalpha()), 0)
    return lowered[:first] + lowered[first : first + 1].upper() + lowered[first + 1 :]


def _heading_label(info: _HeadingInfo) -> str:
    if not info.keyword:
        return info.title or ""
    label = _display_keyword(info.keyword)
    if info.number:
        label += f" {info.number}"
    if info.title:
        label += f" – {_display_title(info.title)}"
    return label


def _article_slug(number: str) -> str:
    return "".join(number.split()).lower()


def _normalised(text: str) -> str:
    return " ".join(_strip_emphasis(text).split()).casefold()


class _Outliner:
    """Walks the scanned items and numbers every block (pass 2)."""

    def __init__(self, document: Document, items: list[_Item]) -> None:
        self.document = document
        self.items = items
        self.entries: list[_Unit | _Article] = []
        self.headings: list[Heading] = []
        self.stack: list[tuple[int, str]] = []  # open divisions: (depth, label)
        self.depths = self._plain_depths()
        self.counts: Counter[str] = Counter()
        self.article_keys: Counter[str] = Counter()
        self.article: _Article | None = None
        self.appendices = 0
        self.appendix_prefix = "appendix"
        self.appendix_label = "Appendix"
        self.title_items = self._title_items()
        self.front_end = self._front_end()
        # front | preamble | article | formula | appendix | other
        self.context = "front" if self.front_end > 0 else "preamble"

    def build(self) -> _Outline:
        articles = any(isinstance(i, _HeadingItem) and i.info.kind == "article" for i in self.items)
        # A preamble cut into a file of its own still has recitals.
        structured = articles or any(
            isinstance(i, _HeadingItem) and i.info.kind == "preamble" for i in self.items
        )
        for index, item in enumerate(self.items):
            if index == self.front_end and self.context == "front":
                self.context = "preamble"
            if index in self.title_items:
                continue
            if isinstance(item, _HeadingItem):
                self._heading(item, articles)
            elif structured:
                self._treaty_block(item)
            else:
                self._prose_block(item)
        self._close_article()
        return _Outline(self.entries, self.headings)

    # -- headings ---------------------------------------------------------------------------

    def _plain_depths(self) -> dict[str, int]:
        """Depth of each division kind in plain text: its rank among the kinds present."""
        present = {
            item.info.kind
            for item in self.items
            if isinstance(item, _HeadingItem) and item.info.md_level is None
        }
        ranked = [kind for kind in _DIVISION_ORDER if kind in present]
        return {kind: rank + 1 for rank, kind in enumerate(ranked)}

    def _title_items(self) -> dict[int, None]:
        """Indexes of the items that carry the document title and are no segment: the first
        `# ` heading, and the first title-like paragraph before any heading that equals the
        document title (plain text: "Convention on Cybercrime" under "Council of Europe")."""
        found: dict[int, None] = {}
        heading = next(
            (
                index
                for index, item in enumerate(self.items)
                if isinstance(item, _HeadingItem) and item.info.kind == "doc-title"
            ),
            None,
        )
        if heading is not None:
            found[heading] = None
        title = _normalised(self.document.title)
        for index, item in enumerate(self.items):
            if isinstance(item, _HeadingItem):
                break
            text = self._text(item)
            if _is_title_like(text) and _normalised(text) == title:
                found[index] = None
                break
        return found

    def _front_end(self) -> int:
        """Index of the first item after the front matter (0: there is none).

        Blocks before an explicit `Preamble` heading (met before any article) are front matter:
        an organisation name, a treaty series number, a place and date. Without such a
        heading, the recitals follow the document title, and only blocks above the title are
        front matter.
        """
        first_heading: int | None = None
        for index, item in enumerate(self.items):
            if not isinstance(item, _HeadingItem) or index in self.title_items:
                continue
            if item.info.kind == "preamble":
                return index
            if first_heading is None:
                first_heading = index
            if item.info.kind == "article":
                break
        title = min(self.title_items, default=None)
        if title is not None and (first_heading is None or title < first_heading):
            return title
        return 0

    def _heading(self, item: _HeadingItem, treaty: bool) -> None:
        info = item.info
        self._close_article()
        if info.kind == "article" and treaty:
            self._open_article(info)
            return
        label = _heading_label(info)
        if info.kind == "preamble":
            self.headings.append(Heading("preamble", None, "", label, item.start, 1))
            self.context = "preamble"
            return
        if info.md_level is not None:
            depth = max(1, info.md_level - 1)
        else:
            depth = self.depths.get(info.kind, 1)
        kind = info.kind if info.kind not in ("generic", "doc-title") else _MD_DEPTH_KINDS.get(depth, "title")
        title = info.title or ""
        self.headings.append(Heading(kind, info.number, title, label, item.start, depth))
        while self.stack and self.stack[-1][0] >= depth:
            self.stack.pop()
        self.stack.append((depth, label))
        if kind == "appendix":
            self.appendices += 1
            number = self.appendices
            self.appendix_prefix = "appendix" if number == 1 else f"appendix~{number}"
            self.appendix_label = label
            self.context = "appendix"
        else:
            self.context = "other"

    def _division_path(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.stack)

    # -- blocks -----------------------------------------------------------------------------

    def _text(self, block: _BlockItem) -> str:
        return self.document.text[block.start : block.end]

    def _prose_block(self, block: _BlockItem) -> None:
        self.counts["p"] += 1
        number = self.counts["p"]
        self._add(f"p{number}", f"Paragraph {number}", "text", None, self._division_path(), block)

    def _treaty_block(self, block: _BlockItem) -> None:
        if self.context in ("article", "other") and _FORMULA.match(self._text(block)):
            self._close_article()
            self.context = "formula"
        if self.context == "front":
            self.counts["front"] += 1
            number = self.counts["front"]
            label = f"{_FRONT_LABEL}, para. {number}"
            self._add(f"front.p{number}", label, "text", None, (_FRONT_LABEL,), block)
        elif self.context == "preamble":
            self.counts["recital"] += 1
            number = self.counts["recital"]
            label = f"{_PREAMBLE_LABEL}, recital {number}"
            self._add(f"preamble.r{number}", label, "recital", "preamble", (_PREAMBLE_LABEL,), block)
        elif self.context == "article" and self.article is not None:
            self.article.blocks.append(block)
        elif self.context == "formula":
            self.counts["final"] += 1
            number = self.counts["final"]
            label = _FORMULA_LABEL if number == 1 else f"{_FORMULA_LABEL}, para. {number}"
            self._add(f"final.{number}", label, "formula", None, (_FORMULA_LABEL,), block)
        elif self.context == "appendix":
            self.counts[self.appendix_prefix] += 1
            number = self.counts[self.appendix_prefix]
            label = f"{self.appendix_label}, para. {number}"
            self._add(f"{self.appendix_prefix}.p{number}", label, "text", None, self._division_path(), block)
        else:
            self._prose_block(block)

    def _add(
        self,
        id_: str,
        label: str,
        kind: SegmentKind,
        article: str | None,
        path: tuple[str, ...],
        block: _BlockItem,
    ) -> None:
        self.entries.append(_Unit(id_, label, kind, article, path, block.start, block.end))

    # -- articles ---------------------------------------------------------------------------

    def _open_article(self, info: _HeadingInfo) -> None:
        number = info.number or ""
        keyword = _display_keyword(info.keyword)
        key = f"art-{_article_slug(number)}"
        self.article_keys[key] += 1
        if self.article_keys[key] > 1:
            key = f"{key}~{self.article_keys[key]}"
        heading = f"{keyword} {number}" + (f" – {info.title}" if info.title else "")
        path = (*self._division_path(), heading)
        self.article = _Article(key, number, keyword, info.title, heading, path)
        self.context = "article"

    def _close_article(self) -> None:
        if self.article is None:
            return
        article = self.article
        article.units = _article_units(article, [self._text(b) for b in article.blocks])
        self.entries.append(article)
        self.article = None
        if self.context == "article":
            self.context = "other"


def _article_units(article: _Article, texts: list[str]) -> list[_Unit]:
    """Number the blocks of one article: ids, labels and paths from their markers."""
    markers = [_parse_marker(text) for text in texts]
    # The next letter or roman marker after each block, found in one pass from the end (the
    # markers after every block, listed anew for each, took quadratic time).
    next_alpha: list[_Marker | None] = [None] * len(markers)
    following: _Marker | None = None
    for index in range(len(markers) - 1, -1, -1):
        next_alpha[index] = following
        if (found := markers[index]) is not None and found.family == "alpha":
            following = found
    numberer = _ArticleNumberer(article, single=len(texts) == 1 and markers[0] is None)
    units = []
    for index, (block, text) in enumerate(zip(article.blocks, texts, strict=True)):
        marker = markers[index] or numberer.bare_roman(text)
        if marker is None:
            units.append(numberer.unmarked(block))
        else:
            units.append(numberer.marked(block, marker, next_alpha[index]))
    return units


class _ArticleNumberer:
    """The marker stack of one article: number > letter > roman > dash.

    A marker closes every open level of the same or a deeper rank, then opens its own, so
    `1.` `a)` `(i)` `(ii)` `b)` gives 1, 1.a, 1.a.i, 1.a.ii, 1.b.
    """

    def __init__(self, article: _Article, *, single: bool) -> None:
        self.article = article
        self.name = f"{article.keyword} {article.number}"
        self.single = single  # one unmarked paragraph: labelled "Article 2", not "…, para. 1"
        self.stack: list[_Node] = []
        self.top_unmarked = 0
        self.top_dashes = 0

    def bare_roman(self, text: str) -> _Marker | None:
        """`ii hetzij…`: the roman numeral after an open `i.` that lost its full stop."""
        if not self.stack or self.stack[-1].type != "roman":
            return None
        successor = _int_to_roman(_roman_to_int(self.stack[-1].value) + 1)
        return _Marker(successor, "bare", "alpha", False) if text.startswith(successor + " ") else None

    def unmarked(self, block: _BlockItem) -> _Unit:
        """An unmarked paragraph continues the open numbered paragraph, or the article."""
        while self.stack and self.stack[-1].type != "number":
            self.stack.pop()
        if self.stack:
            container = self.stack[-1]
            container.unmarked_children += 1
            # The numbered paragraph's own text is its para. 1.
            position = container.unmarked_children + (1 if container.has_text else 0)
        else:
            self.top_unmarked += 1
            position = self.top_unmarked
        suffix = f", para. {position}"
        return self._unit(block, "paragraph", f"p{position}", suffix, f"para. {position}", has_text=True)

    def marked(self, block: _BlockItem, marker: _Marker, next_alpha: _Marker | None) -> _Unit:
        node_type = marker.family
        if node_type == "alpha":
            node_type = _alpha_type(marker, self.stack, next_alpha)
        while self.stack and _RANK[self.stack[-1].type] >= _RANK[node_type]:
            self.stack.pop()
        if node_type == "dash":
            id_part = label_part = f"-{self._next_dash()}"
        else:
            id_part, label_part = marker.value.lower(), f"({marker.value})"
        has_text = not marker.bare
        self.stack.append(_Node(node_type, marker.value, marker.shape, id_part, label_part, has_text))
        kind: SegmentKind = "paragraph" if node_type == "number" else "item"
        return self._unit(block, kind, None, "", None, has_text=has_text)

    def _next_dash(self) -> int:
        if self.stack:
            self.stack[-1].dash_children += 1
            return self.stack[-1].dash_children
        self.top_dashes += 1
        return self.top_dashes

    def _unit(
        self,
        block: _BlockItem,
        kind: SegmentKind,
        id_tail: str | None,
        label_tail: str,
        path_tail: str | None,
        *,
        has_text: bool,
    ) -> _Unit:
        id_parts = [node.id_part for node in self.stack] + ([id_tail] if id_tail else [])
        path_parts = [node.label_part.strip("()") for node in self.stack] + ([path_tail] if path_tail else [])
        label = (
            self.name if self.single else self.name + "".join(n.label_part for n in self.stack) + label_tail
        )
        return _Unit(
            id=f"{self.article.key}.{'.'.join(id_parts)}",
            label=label,
            kind=kind,
            article=self.article.number,
            path=(*self.article.path, *path_parts),
            start=block.start,
            end=block.end,
            article_title=self.article.title,
            has_text=has_text,
        )


# ---------------------------------------------------------------------------------------------
# Pass 3: segments of one level
# ---------------------------------------------------------------------------------------------


def _segment(document: Document, unit: _Unit, *, heading: str | None = None) -> Segment:
    return Segment(
        id=unit.id,
        label=unit.label,
        kind=unit.kind,
        article=unit.article,
        path=unit.path,
        text=document.text[unit.start : unit.end],
        start=unit.start,
        end=unit.end,
        heading=heading,
        article_title=unit.article_title,
    )


def _sentence_units(document: Document, unit: _Unit) -> list[_Unit]:
    """The sentences of a paragraph-level unit; a one-sentence unit stays as it is."""
    sentences = split_sentences(document.text[unit.start : unit.end])
    if len(sentences) <= 1:
        return [unit]
    return [
        replace(
            unit,
            id=f"{unit.id}.s{number}",
            label=f"{unit.label}, sentence {number}",
            kind="sentence",
            start=unit.start + start,
            end=unit.start + end,
        )
        for number, (start, end) in enumerate(sentences, 1)
    ]


def _paragraph_units(outline: _Outline) -> list[_Unit]:
    units: list[_Unit] = []
    for entry in outline.entries:
        members = entry.units if isinstance(entry, _Article) else [entry]
        units.extend(unit for unit in members if unit.has_text)
    return units


def _emit(document: Document, outline: _Outline, level: Level) -> list[Segment]:
    if level is Level.ARTICLE:
        segments = []
        for entry in outline.entries:
            if isinstance(entry, _Unit):
                segments.append(_segment(document, entry))
            elif entry.units:
                whole = _Unit(
                    id=entry.key,
                    label=f"{entry.keyword} {entry.number}",
                    kind="article",
                    article=entry.number,
                    path=entry.path,
                    start=entry.units[0].start,
                    end=entry.units[-1].end,
                    article_title=entry.title,
                )
                segments.append(_segment(document, whole, heading=entry.heading))
        return segments
    units = _paragraph_units(outline)
    if level is Level.SENTENCE:
        units = [sentence for unit in units for sentence in _sentence_units(document, unit)]
    return [_segment(document, unit) for unit in units]


def _finalise(segments: list[Segment]) -> tuple[Segment, ...]:
    """Number segments in document order and make every id unique (`~2`, `~3` suffixes)."""
    used: set[str] = set()
    copies: Counter[str] = Counter()  # the last suffix given to each id: counting from 1 again was quadratic
    final = []
    for order, segment in enumerate(segments):
        segment_id, copy = segment.id, copies[segment.id] or 1
        while segment_id in used:
            copy += 1
            segment_id = f"{segment.id}~{copy}"
        copies[segment.id] = copy
        used.add(segment_id)
        final.append(replace(segment, id=segment_id, order=order))
    return tuple(final)


def _parse_level(level: Level | str) -> Level:
    if isinstance(level, Level):
        return level
    try:
        return Level(str(level).strip().lower())
    except ValueError:
        choices = ", ".join(item.value for item in Level)
        raise ConfigError(f"unknown segmentation level {level!r}; expected one of: {choices}") from None


def _whole_text(doc: Document) -> list[Segment]:
    """A text too short to have structure ("Cybercrime"), read as a title: one segment after all.

    Only when the body has no Markdown heading: a file of headings alone has no text.
    """
    body = doc.text[doc.body_start :]
    stripped = body.strip()
    if not stripped or any(line.lstrip().startswith("#") for line in body.splitlines()):
        return []
    start = doc.body_start + body.index(stripped[0])
    end = start + len(stripped)
    return [Segment("p1", "Paragraph 1", "text", None, (), doc.text[start:end], start, end)]


def segment_document(doc: Document, level: Level | str) -> SegmentedDocument:
    """Cut a document into the segments of one level.

    Args:
        doc: the document (from `load_document` or `parse_document`).
        level: "article" (one segment per article, recital, formula or prose paragraph),
            "paragraph" (numbered paragraphs and items) or "sentence".

    Returns:
        The segments in document order, with the chapter/section/title headings met on the way.

    Raises:
        ConfigError: the level is unknown.
        EmptyDocumentError: nothing in the body yields a segment.
    """
    parsed_level = _parse_level(level)
    outline = _Outliner(doc, _scan(doc.text, doc.body_start)).build()
    segments = _finalise(_emit(doc, outline, parsed_level))
    if not segments:
        segments = tuple(_whole_text(doc))
    if not segments:
        raise EmptyDocumentError(f"{doc.path}: no text to segment at {parsed_level.value} level")
    return SegmentedDocument(doc, parsed_level, segments, tuple(outline.headings))
