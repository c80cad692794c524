"""DOCX ingestion: a Word treaty text to canonical Markdown.

`convert_docx` checks the zip directory first (a zip bomb is refused before anything is
extracted), opens the file with python-docx, and reads every body paragraph (tables row by
row, content controls included) into a `DocxParagraph`: its text, style, whether it is all
bold, and the list marker Word would display for it. Word does not store those markers: they
are reconstructed from the numbering definitions (`numPr` on the paragraph or its style, the
level's `numFmt` and `lvlText`, and a counter per list). The pure `docx_paragraphs_to_markdown`
then maps the Title style to `#`, headings and bold paragraphs that read `Article N` /
`CHAPTER I` / `Section 1` / `Title 1` / `Preamble` to the corpus heading levels, and every
other paragraph to a paragraph, its marker in front.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.ingest import Converted
from treatydiff.ingest.pdf import MarkdownBlock, guess_kind, match_heading, render_markdown

# Zip bomb limits, checked on the zip directory before anything is extracted.
MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed …
RATIO_FLOOR = 2 * 1024 * 1024  # … once the archive unpacks to more than this
MAX_MEMBERS = 10_000
MAX_LIST_NUMBER = 32_767  # the largest list number Word shows
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a password-protected .docx, or an old .doc

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_TITLE_WORDS = 20


@dataclass(frozen=True)
class DocxParagraph:
    """A body paragraph as Word shows it."""

    text: str  # the text, line breaks as "\n", without the list marker
    style: str = "Normal"  # the style name, or the name of the built-in style it is based on
    bold: bool = False  # every character bold
    marker: str | None = None  # the list marker Word displays: "1.", "a)", "(i)", "–"

    @property
    def heading_level(self) -> int | None:
        """0 for the Title style, N for Heading N, None for body text."""
        if self.style == "Title":
            return 0
        match = re.fullmatch(r"Heading (\d)", self.style)
        return int(match[1]) if match else None


# ---------------------------------------------------------------------------------------------
# Paragraphs to Markdown
# ---------------------------------------------------------------------------------------------


def _is_title_text(text: str) -> bool:
    text = text.strip()
    return (
        0 < len(text.split()) <= _MAX_TITLE_WORDS
        and text[-1] not in ".;:,!?"
        and (text[0].isupper() or text[0].isdigit() or text[0] in "“„‘«\"'(")
        and match_heading(text, lenient=True) is None
    )


def docx_paragraphs_to_markdown(paragraphs: Sequence[DocxParagraph]) -> tuple[str, str | None]:
    """Lay out Word paragraphs as canonical Markdown.

    Args:
        paragraphs: the body paragraphs in document order.

    Returns:
        (Markdown body ending with one newline, or "" when there is no text; the title or None).
    """
    items = [p for p in _split_line_breaks(paragraphs) if p.text.strip() or p.marker]
    title: str | None = None
    blocks: list[MarkdownBlock] = []
    index = 0
    while index < len(items):
        paragraph = items[index]
        text = " ".join(paragraph.text.split())
        level = paragraph.heading_level
        styled = level is not None or paragraph.bold
        if paragraph.marker and paragraph.marker not in ("–",) and level is not None:
            text = f"{paragraph.marker} {text}".strip()  # a numbered heading: "Article 1" + "Purpose"
            info = match_heading(text, lenient=True)
        elif paragraph.marker:
            blocks.append(MarkdownBlock(f"{paragraph.marker} {text}".strip()))
            index += 1
            continue
        else:
            # A heading style vouches for "Article 1 Definitions"; bold type alone does not.
            info = match_heading(text, lenient=level is not None)
        if info is not None:
            heading_title = info.title
            following = items[index + 1] if index + 1 < len(items) else None
            if (
                heading_title is None
                and info.kind != "preamble"
                and following is not None
                and _is_heading_title(following, paragraph)
            ):
                heading_title = " ".join(following.text.split())
                index += 1
            blocks.append(MarkdownBlock(heading_title or "", info))
        elif level == 0 or (
            title is None and not blocks and styled and level in (None, 1) and _is_title_text(text)
        ):
            if title is not None and not blocks:
                title = f"{title} {text}"  # a title set in two Title paragraphs
            elif title is None:
                title = text
            else:
                blocks.append(MarkdownBlock(text))
        elif level is not None:
            blocks.append(MarkdownBlock(f"{'#' * min(level + 1, 6)} {text}"))
        else:
            blocks.append(MarkdownBlock(text))
        index += 1
    if not blocks and title is None:
        return "", None
    return render_markdown(title, blocks), title


def _is_heading_title(paragraph: DocxParagraph, heading: DocxParagraph) -> bool:
    """A heading's title in the next paragraph: `Article 1` / `Purpose` (in the same heading
    style or bold; after a typed `Article 1`, a short line without a full stop)."""
    if paragraph.marker or not _is_title_text(paragraph.text):
        return False
    if paragraph.heading_level is not None:
        return paragraph.heading_level == heading.heading_level
    if paragraph.bold:
        return True
    return heading.heading_level is None and not heading.bold and len(paragraph.text.split()) <= 12


def _split_line_breaks(paragraphs: Sequence[DocxParagraph]) -> Iterator[DocxParagraph]:
    """A paragraph `Article 1<br>Purpose` is a heading and its title; other line breaks are
    soft wraps inside a paragraph."""
    for paragraph in paragraphs:
        lines = [line for line in paragraph.text.split("\n") if line.strip()]
        styled = paragraph.heading_level is not None
        if len(lines) > 1 and match_heading(lines[0], lenient=styled) is not None:
            yield DocxParagraph(lines[0], paragraph.style, paragraph.bold, paragraph.marker)
            yield DocxParagraph(" ".join(lines[1:]), paragraph.style, paragraph.bold or len(lines) == 2)
        else:
            yield DocxParagraph(" ".join(lines), paragraph.style, paragraph.bold, paragraph.marker)


# ---------------------------------------------------------------------------------------------
# Word list numbering
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Level:
    start: int = 1
    format: str = "decimal"  # numFmt
    text: str = "%1."  # lvlText
    legal: bool = False  # isLgl: every level shown as a decimal
    style: str | None = None  # pStyle: the paragraph style bound to this level


@dataclass
class _List:
    abstract: str
    counter_key: str
    overrides: dict[int, int] = field(default_factory=dict)  # level → startOverride


def _attr(element: Any, tag: str) -> str | None:
    child = element.find(f"{_W}{tag}") if element is not None else None
    return child.get(f"{_W}val") if child is not None else None


def _letters(value: int, upper: bool) -> str:
    """Word's letter numbering: a … z, aa … zz, aaa …"""
    letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
    return letter.upper() if upper else letter


def _roman(value: int, upper: bool) -> str:
    numerals = (
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
        (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
    )  # fmt: skip
    parts = []
    for number, numeral in numerals:
        while value >= number:
            parts.append(numeral)
            value -= number
    text = "".join(parts)
    return text.upper() if upper else text


def _format_number(value: int, number_format: str) -> str:
    # Past Word's own limit a counter is shown in digits: letters and roman numerals of a
    # `w:start` of 10**12 would be strings of that length, built one numeral at a time.
    if value <= 0 or value > MAX_LIST_NUMBER:
        return str(value)
    if number_format in ("lowerLetter", "upperLetter"):
        return _letters(value, number_format == "upperLetter")
    if number_format in ("lowerRoman", "upperRoman"):
        return _roman(value, number_format == "upperRoman")
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


class Numbering:
    """The list markers of a document, from its numbering part, counted in document order."""

    def __init__(self, numbering_xml: Any, style_numbering: dict[str, tuple[str | None, int | None]]) -> None:
        self.abstracts: dict[str, dict[int, _Level]] = {}
        self.lists: dict[str, _List] = {}
        self.style_numbering = style_numbering  # style id → (numId, ilvl) from the style chain
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering_xml is None:
            return
        for abstract in numbering_xml.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{_W}lvl"):
                level = int(lvl.get(f"{_W}ilvl", "0"))
                p_style = _attr(lvl, "pStyle")
                levels[level] = _Level(
                    start=int(_attr(lvl, "start") or 1),
                    format=_attr(lvl, "numFmt") or "decimal",
                    text=_attr(lvl, "lvlText") or "",
                    legal=lvl.find(f"{_W}isLgl") is not None,
                    style=p_style,
                )
            self.abstracts[abstract.get(f"{_W}abstractNumId", "")] = levels
        for num in numbering_xml.iter(f"{_W}num"):
            num_id = num.get(f"{_W}numId", "")
            abstract_id = _attr(num, "abstractNumId") or ""
            overrides = {}
            for override in num.iter(f"{_W}lvlOverride"):
                start = _attr(override, "startOverride")
                if start is not None:
                    overrides[int(override.get(f"{_W}ilvl", "0"))] = int(start)
            # Word continues one list across several w:num of the same abstractNum, unless a
            # w:num restarts it (startOverride): then that w:num counts on its own.
            key = f"num:{num_id}" if overrides else f"abstract:{abstract_id}"
            self.lists[num_id] = _List(abstract_id, key, overrides)

    def marker(self, num_id: str | None, level: int | None, style_id: str | None) -> str | None:
        """The marker of the next paragraph of a list (advancing its counter), or None."""
        style_num, style_level = self.style_numbering.get(style_id or "", (None, None))
        num_id = num_id if num_id is not None else style_num
        if num_id is None or num_id == "0" or num_id not in self.lists:
            return None
        numbered = self.lists[num_id]
        levels = self.abstracts.get(numbered.abstract, {})
        if level is None:
            level = style_level
        if level is None:
            level = next((n for n, lvl in levels.items() if style_id and lvl.style == style_id), 0)
        definition = levels.get(level, _Level())
        counters = self.counters.setdefault(numbered.counter_key, {})
        if num_id not in self.started and numbered.overrides:
            counters.clear()
            self.started.add(num_id)
        start = numbered.overrides.get(level, definition.start)
        counters[level] = counters[level] + 1 if level in counters else start
        for deeper in [n for n in counters if n > level]:
            del counters[deeper]
        if definition.format == "none":
            return None
        if definition.format == "bullet":
            return "–"

        def value(match: re.Match[str]) -> str:
            shown = int(match[1]) - 1
            shown_definition = levels.get(shown, _Level())
            number = counters.get(shown, numbered.overrides.get(shown, shown_definition.start))
            return _format_number(number, "decimal" if definition.legal else shown_definition.format)

        text = re.sub(r"%([1-9])", value, definition.text).strip()
        return text or None


# ---------------------------------------------------------------------------------------------
# Reading the file
# ---------------------------------------------------------------------------------------------


def _check_archive(file: Path) -> None:
    """Refuse what is not a zip, a zip bomb, and an encrypted Word file, from the zip directory."""
    try:
        with file.open("rb") as handle:
            head = handle.read(8)
    except OSError as error:
        raise InputError(f"{file}: can't be read ({error.strerror or error})") from error
    if head == _OLE_MAGIC:
        raise InputError(
            f"{file} is encrypted (password-protected) or an old binary .doc file: "
            "save it as .docx without a password"
        )
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise InputError(
            f"{file} is not a readable Word document (not a valid zip archive: {error})"
        ) from error
    total = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    ratio = total / max(packed, 1)
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or (total > RATIO_FLOOR and ratio > MAX_RATIO):
        raise InputError(
            f"{file} looks like a zip bomb ({len(members)} members, {total / 1e6:,.0f} MB uncompressed "
            f"from {packed / 1e6:,.1f} MB); it was not extracted"
        )
    names = {member.filename for member in members}
    if "word/document.xml" not in names and "[Content_Types].xml" not in names:
        raise InputError(f"{file} is not a Word document (a zip archive without word/document.xml)")


def _style_chain(style: Any) -> Iterator[Any]:
    seen = 0
    while style is not None and seen < 20:
        yield style
        style = style.base_style
        seen += 1


def _style_name(style: Any) -> str:
    """The style's name, or that of the Title / Heading N style it is based on."""
    for link in _style_chain(style):
        name = link.name or ""
        if name == "Title" or re.fullmatch(r"Heading \d", name):
            return name
    return (style.name or "Normal") if style is not None else "Normal"


def _style_bold(style: Any) -> bool:
    for link in _style_chain(style):
        if link.font.bold is not None:
            return bool(link.font.bold)
    return False


def _style_numbering(document: Any) -> dict[str, tuple[str | None, int | None]]:
    """style id → (numId, ilvl) of the numbering the style (or a style it is based on) carries."""
    found: dict[str, tuple[str | None, int | None]] = {}
    from docx.enum.style import WD_STYLE_TYPE

    for style in document.styles:
        if style.type != WD_STYLE_TYPE.PARAGRAPH:
            continue
        for link in _style_chain(style):
            p_pr = link.element.find(f"{_W}pPr")
            num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
            if num_pr is not None:
                level = _attr(num_pr, "ilvl")
                found[style.style_id] = (_attr(num_pr, "numId"), int(level) if level is not None else None)
                break
    return found


def _paragraph_text(element: Any) -> str:
    """Text of a w:p as displayed: runs (tracked insertions, hyperlinks, fields included),
    tabs as spaces, breaks as "\\n"; deleted text and text boxes left out."""
    parts: list[str] = []
    for node in element.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        if any(parent.tag == f"{_W}txbxContent" for parent in node.iterancestors()):
            continue
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag == f"{_W}tab":
            if node.getparent() is not None and node.getparent().tag == f"{_W}r":
                parts.append(" ")
        elif node.tag == f"{_W}noBreakHyphen":
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _run_bold(run: Any, styles: Any) -> bool | None:
    r_pr = run.find(f"{_W}rPr")
    if r_pr is not None:
        bold = r_pr.find(f"{_W}b")
        if bold is not None:
            return bold.get(f"{_W}val", "true").lower() not in ("false", "0", "off")
        style_id = _attr(r_pr, "rStyle")
        if style_id:
            from docx.enum.style import WD_STYLE_TYPE

            try:
                style = styles.get_by_id(style_id, WD_STYLE_TYPE.CHARACTER)
            except Exception:  # noqa: BLE001 - an unknown character style is no style
                return None
            return True if _style_bold(style) else None
    return None


def _all_bold(element: Any, paragraph_bold: bool, styles: Any) -> bool:
    runs = [
        run for run in element.iter(f"{_W}r") if "".join(t.text or "" for t in run.iter(f"{_W}t")).strip()
    ]
    if not runs:
        return False
    for run in runs:
        bold = _run_bold(run, styles)
        if not (bold if bold is not None else paragraph_bold):
            return False
    return True


def _body_paragraphs(document: Any) -> Iterator[DocxParagraph]:
    """The body's paragraphs in order: tables row by row, content controls unwrapped."""
    from docx.enum.style import WD_STYLE_TYPE

    numbering_xml = None
    try:
        numbering_xml = document.part.numbering_part.element
    except (KeyError, NotImplementedError, AttributeError):
        numbering_xml = None
    numbering = Numbering(numbering_xml, _style_numbering(document))
    styles = document.styles
    # Looking a style up in python-docx scans them all: read each one once.
    paragraph_styles = {
        style.style_id: (_style_name(style), _style_bold(style))
        for style in styles
        if style.type == WD_STYLE_TYPE.PARAGRAPH
    }
    default = styles.default(WD_STYLE_TYPE.PARAGRAPH)
    default_id = default.style_id if default is not None else "Normal"

    def paragraph_of(element: Any) -> DocxParagraph:
        p_pr = element.find(f"{_W}pPr")
        style_id = (_attr(p_pr, "pStyle") if p_pr is not None else None) or default_id
        name, style_bold = paragraph_styles.get(style_id, ("Normal", False))
        num_pr = p_pr.find(f"{_W}numPr") if p_pr is not None else None
        num_id = _attr(num_pr, "numId") if num_pr is not None else None
        level_text = _attr(num_pr, "ilvl") if num_pr is not None else None
        marker = numbering.marker(num_id, int(level_text) if level_text is not None else None, style_id)
        text = _paragraph_text(element)
        return DocxParagraph(text, name, _all_bold(element, style_bold, styles), marker)

    def walk(container: Any) -> Iterator[DocxParagraph]:
        for child in container:
            if child.tag == f"{_W}p":
                yield paragraph_of(child)
            elif child.tag == f"{_W}tbl":
                for row in child.iter(f"{_W}tr"):
                    cells = [" ".join(_paragraph_text(p).split()) for p in row.iter(f"{_W}p")]
                    text = " ".join(cell for cell in cells if cell)
                    if text:
                        yield DocxParagraph(text)
            elif child.tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    yield from walk(content)

    yield from walk(document.element.body)


def _core_meta(document: Any) -> dict[str, str]:
    meta: dict[str, str] = {}
    properties = document.core_properties
    title = " ".join((properties.title or "").split())
    if title:
        meta["title"] = title
    author = " ".join((properties.author or "").split())
    if author:
        meta["author"] = author
    if properties.created is not None:
        meta["created"] = properties.created.date().isoformat()
    language = (properties.language or "").strip()
    if language:
        meta["language"] = language.split("-")[0].lower()
    return meta


def convert_docx(path: str | os.PathLike[str]) -> Converted:
    """Convert a Word (.docx) treaty text to canonical Markdown.

    Args:
        path: the .docx file.

    Returns:
        The body as Markdown, with title, author, creation date, language and kind in `meta`
        where the file gives them.

    Raises:
        InputError: the file is missing, not a zip / Word document, corrupt, encrypted, or a
            zip bomb (checked on the zip directory before anything is extracted).
        EmptyDocumentError: the document has no text.
    """
    file = Path(path)
    if not file.is_file():
        raise InputError(
            f"no such file: {file}" if not file.exists() else f"{file} is a directory, not a file"
        )
    _check_archive(file)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(file))
        paragraphs = list(_body_paragraphs(document))
        meta = _core_meta(document)
    except PackageNotFoundError as error:
        raise InputError(f"{file} is not a readable Word document (no Word package found)") from error
    except Exception as error:  # noqa: BLE001 - python-docx and lxml raise many kinds on bad files
        reason = " ".join(str(error).split()) or type(error).__name__
        raise InputError(f"{file} is not a readable Word document ({reason})") from error
    body, title = docx_paragraphs_to_markdown(paragraphs)
    if not body.strip():
        raise EmptyDocumentError(f"{file}: the document has no text")
    if title:
        meta["title"] = title  # the title on the page, not a file property left from a template
    if kind := guess_kind(meta.get("title", "")):
        meta["kind"] = kind
    notes: tuple[str, ...] = ()
    if any(p.marker for p in paragraphs):
        notes = ("list numbering turned into typed markers (1., a), (i))",)
    return Converted(body, meta, "docx", notes)
