"""Build PDF and DOCX test documents at test time from the reference treaty texts.

The reference Markdown (../shared/corpus-sources) is read into `Block`s; `make_pdf` lays them
out like a UN or Council of Europe PDF (running header with the document symbol, footer with
page number and job number, words hyphenated at line ends, paragraphs running over page
breaks), and `make_docx` writes them as a Word file with heading styles and list numbering.
Nothing here is copied into the repository: every file is generated into a temporary dir.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from treatydiff.documents import parse_document

# The reference texts live next to the repository, in ../shared/corpus-sources.
CORPUS_SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-sources"

_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MARKER = re.compile(r"^(\(?[0-9]{1,3}[.)]|\([a-z]{1,5}\)|[a-z]{1,5}[.)])(?:\s+(.*))?$", re.DOTALL)
_ROMAN = re.compile(r"^(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3})$")


@dataclass(frozen=True)
class Block:
    """One heading (level 1-6, as in the Markdown) or paragraph (level 0) of a treaty."""

    level: int
    text: str

    @property
    def is_heading(self) -> bool:
        return self.level > 0


def strip_emphasis(text: str) -> str:
    """`*inter alia,*` → `inter alia,`: PDF and DOCX text carries no Markdown emphasis."""
    return _EMPHASIS.sub(r"\2", text)


def read_blocks(path: Path) -> list[Block]:
    """The headings and paragraphs of a reference Markdown file, emphasis stripped."""
    body = parse_document(path.read_text(encoding="utf-8"), str(path)).body
    blocks = []
    chunks = re.split(r"\n\s*\n", body)
    # A Markdown list written without blank lines: one block per item.
    chunks = [item for chunk in chunks for item in re.split(r"\n(?=[-*] )", chunk)]
    for chunk in chunks:
        text = " ".join(chunk.split())
        if not text:
            continue
        heading = _MD_HEADING.match(text)
        if heading:
            blocks.append(Block(len(heading[1]), strip_emphasis(heading[2])))
        else:
            blocks.append(Block(0, strip_emphasis(text)))
    return blocks


def blocks_markdown(blocks: Iterable[Block]) -> str:
    """The blocks as Markdown again (emphasis stripped), to compare converters against."""
    parts = [f"{'#' * b.level} {b.text}" if b.level else b.text for b in blocks]
    return "\n\n".join(parts) + "\n"


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfLayout:
    """How the generated PDF looks: the running header/footer and the heading layout."""

    style: str = "coe"  # "coe": `Article 1 – Title` on one line; "un": number and title on two lines
    header: str = ""  # CoE: one centred running header; UN: the document symbol
    header_title: str = ""  # UN: the short title, on the other side of the symbol
    job_number: str = ""  # UN: "V.04-56160", in the footer
    page_format: str = "- {n} -"  # "- {n} -", "{n}", "Page {n} of {nb}"
    title: str = ""
    author: str = ""
    creation_date: str = ""  # "2001-11-23"
    hyphenate: bool = True
    justify: bool = False  # justified body text (word spacing stretched), as in printed treaties


def dejavu_font() -> Path | None:
    """The DejaVu Sans TTF, which has “ ” ‘ ’ – — (fpdf2's core fonts have not)."""
    candidates = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")]
    if shutil.which("fc-list"):
        found = subprocess.run(
            ["fc-list", ":family=DejaVu Sans:style=Book", "file"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        candidates += [Path(line.split(":")[0].strip()) for line in found.splitlines() if line.strip()]
    return next((path for path in candidates if path.is_file()), None)


def make_pdf(blocks: list[Block], path: Path, layout: PdfLayout) -> Path:
    """Lay the blocks out as a treaty PDF and write it to `path`."""
    from fpdf import FPDF

    font = dejavu_font()
    if font is None:
        raise RuntimeError("no DejaVu Sans font: apt-get install fonts-dejavu-core")
    bold = font.with_name("DejaVuSans-Bold.ttf")

    class TreatyPDF(FPDF):
        def header(self) -> None:
            self.set_font("body", size=8)
            odd = self.page_no() % 2 == 1
            if layout.style == "un":
                if self.page_no() == 1:
                    return
                left, right = (
                    (layout.header_title, layout.header) if odd else (layout.header, layout.header_title)
                )
                self.set_y(10)
                self.cell(0, 5, left, align="L")
                self.set_x(self.l_margin)
                self.cell(0, 5, right, align="R")
            elif layout.header:
                self.set_y(10)
                self.cell(0, 5, layout.header, align="C")
            self.set_y(self.t_margin)

        def footer(self) -> None:
            self.set_y(-15)
            self.set_font("body", size=8)
            number = layout.page_format.format(n=self.page_no(), nb="{nb}")
            if layout.job_number:
                odd = self.page_no() % 2 == 1
                left, right = (layout.job_number, number) if odd else (number, layout.job_number)
                self.cell(0, 5, left, align="L")
                self.set_x(self.l_margin)
                self.cell(0, 5, right, align="R")
            else:
                self.cell(0, 5, number, align="C")

    pdf = TreatyPDF(format="A4")
    pdf.add_font("body", "", str(font))
    pdf.add_font("body", "B", str(bold if bold.is_file() else font))
    pdf.set_margins(25, 25, 25)
    pdf.set_auto_page_break(False)
    pdf.alias_nb_pages("{nb}")
    if layout.title:
        pdf.set_title(layout.title)
    if layout.author:
        pdf.set_author(layout.author)
    if layout.creation_date:
        import datetime as dt

        pdf.set_creation_date(dt.datetime.fromisoformat(layout.creation_date).replace(tzinfo=dt.UTC))
    pdf.add_page()
    writer = _PdfWriter(pdf, layout)
    for block in blocks:
        writer.block(block)
    pdf.output(str(path))
    return path


class _PdfWriter:
    """Writes blocks line by line, with its own line breaking (and hyphenation)."""

    line_height = 5.0
    bottom = 297 - 25

    def __init__(self, pdf: Any, layout: PdfLayout) -> None:
        self.pdf = pdf
        self.layout = layout
        self.width = 210 - 50
        self.breaks = 0

    def block(self, block: Block) -> None:
        pdf = self.pdf
        if block.level == 0:
            pdf.set_font("body", size=10)
            indent = 8.0 if self.layout.style == "un" and not _MARKER.match(block.text) else 0.0
            self._lines(block.text, indent=indent, align="J" if self.layout.justify else "L")
            self._gap(3)
            return
        size = 14 if block.level == 1 else 11
        pdf.set_font("body", "B", size=size)
        self._keep_with_next(4)
        if self.layout.style == "un" and block.level > 1 and " – " in block.text:
            number, title = block.text.split(" – ", 1)
            self._lines(number, align="C", hyphenate=False)
            self._lines(title, align="C", hyphenate=False)
        else:
            align = "C" if block.level == 1 or self.layout.style == "un" else "L"
            self._lines(block.text, align=align, hyphenate=False)
        self._gap(3)

    def _keep_with_next(self, lines: int) -> None:
        if self.pdf.get_y() + lines * self.line_height > self.bottom:
            self.pdf.add_page()

    def _gap(self, height: float) -> None:
        pdf = self.pdf
        if pdf.get_y() + height <= self.bottom:
            pdf.set_y(pdf.get_y() + height)

    def _lines(self, text: str, *, indent: float = 0.0, align: str = "L", hyphenate: bool = True) -> None:
        pdf = self.pdf
        lines = list(self._wrap(text, indent, hyphenate and self.layout.hyphenate))
        for number, line in enumerate(lines):
            if pdf.get_y() + self.line_height > self.bottom:
                pdf.add_page()
            pdf.set_x(pdf.l_margin + (indent if number == 0 else 0))
            width = self.width - (indent if number == 0 else 0)
            if align == "J" and number < len(lines) - 1:
                self._justified(line, width)
            else:
                pdf.cell(width, self.line_height, line, align="L" if align == "J" else align)
            pdf.set_y(pdf.get_y() + self.line_height)

    def _justified(self, line: str, width: float) -> None:
        """Each word placed on its own, the spaces stretched to fill the line (as typesetters do)."""
        pdf = self.pdf
        words = line.split()
        x = pdf.get_x()
        widths = [pdf.get_string_width(word) for word in words]
        space = (width - 2 * pdf.c_margin - sum(widths)) / max(1, len(words) - 1)
        for word, word_width in zip(words, widths, strict=True):
            pdf.set_x(x)
            pdf.cell(word_width + 2 * pdf.c_margin, self.line_height, word)
            x += word_width + space

    def _fits(self, text: str, width: float) -> bool:
        return bool(self.pdf.get_string_width(text) <= width)

    def _wrap(self, text: str, indent: float, hyphenate: bool) -> Iterator[str]:
        words = text.split()
        line = ""
        width = self.width - indent
        index = 0
        while index < len(words):
            word = words[index]
            candidate = f"{line} {word}" if line else word
            if self._fits(candidate, width):
                line = candidate
                index += 1
                continue
            split = self._split(word, line, width) if hyphenate and line else None
            if split is not None:
                head, tail = split
                yield f"{line} {head}"
                words[index] = tail
            else:
                yield line or word
                if not line:
                    index += 1
            line = ""
            width = self.width
        if line:
            yield line

    def _split(self, word: str, line: str, width: float) -> tuple[str, str] | None:
        """Break a long word at the line end: at its own hyphen, or with an added one."""
        if "-" in word.strip("-"):
            head, tail = word.split("-", 1)
            if head and tail and self._fits(f"{line} {head}-", width):
                return f"{head}-", tail
            return None
        match = re.fullmatch(r"([“(]?)([A-Za-z]{9,})([^A-Za-z]*)", word)
        if not match:
            return None
        lead, core, trail = match.groups()
        self.breaks += 1
        for cut in range(len(core) - 4, 4, -1):
            head = core[:cut]
            if head.lower() in ("self", "cross", "quasi") or not head[-1].islower():
                continue
            if self._fits(f"{line} {lead}{head}-", width):
                return f"{lead}{head}-", core[cut:] + trail
        return None


# ---------------------------------------------------------------------------------------------
# DOCX
# ---------------------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# The levels of the list numbering given to treaty paragraphs: 1. / a) / (i).
TREATY_LEVELS = (("decimal", "%1."), ("lowerLetter", "%2)"), ("lowerRoman", "(%3)"))
_HEADING_STYLES = {1: "Title", 2: "Heading 1", 3: "Heading 2", 4: "Heading 3", 5: "Heading 4", 6: "Heading 5"}


def make_docx(
    blocks: list[Block],
    path: Path,
    *,
    numbering: bool,
    headings: str = "styles",
    split_headings: bool = False,
    title: str = "",
    author: str = "",
    created: str = "",
) -> int:
    """Write the blocks as a Word document.

    Args:
        blocks: the treaty, from `read_blocks`.
        path: where to save the .docx.
        numbering: take the paragraph and item markers (`1.`, `a)`, `(i)`) off the text and
            give them as Word list numbering (numPr) instead, one list per article, restarted;
            without it they stay typed in the text.
        headings: "styles" (Title / Heading 1-5 by Markdown level) or "bold" (Normal paragraphs
            in bold; the title keeps the Title style).
        split_headings: put `Article 1` and its title in two paragraphs, as UN texts do.
        title, author, created: core properties.

    Returns:
        How many paragraphs got Word numbering.
    """
    import datetime as dt

    import docx

    document = docx.Document()
    abstract_id = add_abstract_numbering(document, TREATY_LEVELS)
    num_id: int | None = None
    numbered = 0
    counters = [0, 0, 0]
    for block in blocks:
        if block.is_heading:
            parts = [block.text]
            if split_headings and block.level > 1 and " – " in block.text:
                parts = block.text.split(" – ", 1)
            for part in parts:
                if headings == "styles" or block.level == 1:
                    document.add_paragraph(part, style=_HEADING_STYLES[block.level])
                else:
                    document.add_paragraph().add_run(part).bold = True
            num_id, counters = None, [0, 0, 0]
            continue
        marker = _MARKER.match(block.text)
        level = _marker_level(marker[1]) if marker else None
        if not numbering or marker is None or level is None:
            document.add_paragraph(block.text)
            continue
        # Number the paragraph only where Word's counters give the typed marker back.
        expected = counters[:level] + [counters[level] + 1] + [0] * (2 - level)
        if _format_marker(level, expected[level]) != marker[1]:
            document.add_paragraph(block.text)
            continue
        counters = expected
        if num_id is None:
            num_id = add_list(document, abstract_id, restart=True)
        number_paragraph(document.add_paragraph(marker[2] or ""), num_id, level)
        numbered += 1
    properties = document.core_properties
    properties.title = title
    properties.author = author
    if created:
        properties.created = dt.datetime.fromisoformat(created)
    document.save(str(path))
    return numbered


def _format_marker(level: int, value: int) -> str:
    if level == 0:
        return f"{value}."
    if level == 1:
        return f"{chr(ord('a') + value - 1)})"
    numerals = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"]
    return f"({numerals[value - 1]})" if value <= len(numerals) else "?"


def _marker_level(marker: str) -> int | None:
    """0 for `1.`, 1 for `a)`, 2 for `(i)`; None for a shape the numbering doesn't make."""
    if re.fullmatch(r"\d{1,3}\.", marker):
        return 0
    if re.fullmatch(r"[a-z]\)", marker) and not _ROMAN.match(marker[0]):
        return 1
    if re.fullmatch(r"\([ivx]+\)", marker):
        return 2
    if re.fullmatch(r"[a-z]\)", marker):  # i), v), x): a letter in the a) b) … list
        return 1
    return None


def add_abstract_numbering(document: Any, levels: Sequence[tuple[str, str]], *, legal: bool = False) -> int:
    """Add a multi-level list definition (numFmt, lvlText per level); return its abstractNumId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    used = [int(a.get(f"{_W}abstractNumId")) for a in numbering.findall(f"{_W}abstractNum")]
    abstract_id = max(used, default=0) + 1
    definition = "".join(
        f'<w:lvl w:ilvl="{index}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f"{'<w:isLgl/>' if legal else ''}"
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:ind w:left="{720 * (index + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for index, (fmt, text) in enumerate(levels)
    )
    element = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{definition}</w:abstractNum>'
    )
    first_num = numbering.find(f"{_W}num")  # abstractNum elements come before the num elements
    if first_num is not None:
        first_num.addprevious(element)
    else:
        numbering.append(element)
    return abstract_id


def add_list(document: Any, abstract_id: int, *, restart: bool) -> int:
    """A list instance (w:num) of an abstract numbering; `restart` starts it at 1 again (as Word
    writes "Restart numbering": startOverride on every level). Returns its numId."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = document.part.numbering_part.element
    used = [int(n.get(f"{_W}numId")) for n in numbering.findall(f"{_W}num")]
    num_id = max(used, default=0) + 1
    overrides = (
        "".join(
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="1"/></w:lvlOverride>'
            for level in range(3)
        )
        if restart
        else ""
    )
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{num_id}">'
            f'<w:abstractNumId w:val="{abstract_id}"/>{overrides}</w:num>'
        )
    )
    return num_id


def number_paragraph(paragraph: Any, num_id: int, level: int) -> None:
    """Give a paragraph Word list numbering: `<w:numPr><w:ilvl/><w:numId/></w:numPr>`."""
    num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = level
    num_pr.get_or_add_numId().val = num_id


# ---------------------------------------------------------------------------------------------
# Comparing a converted document with its reference
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleView:
    """What the article-level segmentation of a document looks like, for comparisons."""

    ids: list[str]
    articles: list[tuple[str | None, str | None]]  # (number, title) of every article
    headings: list[str]  # chapter / section / title labels
    texts: dict[str, str]  # segment id → text, emphasis stripped and whitespace normalised


def article_view(markdown: str, path: str = "<converted>") -> ArticleView:
    """Segment a Markdown text at article level, as treatydiff does for a comparison."""
    from treatydiff.segments import segment_document

    segmented = segment_document(parse_document(markdown, path), "article")
    segments = segmented.segments
    return ArticleView(
        ids=[s.id for s in segments],
        articles=[(s.article, s.article_title) for s in segments if s.kind == "article"],
        headings=[h.label for h in segmented.headings],
        texts={s.id: " ".join(strip_emphasis(s.text).split()) for s in segments},
    )


def worst_ratios(expected: ArticleView, actual: ArticleView, count: int = 3) -> list[tuple[float, str]]:
    """The `count` segments whose texts differ most (difflib ratio, id), lowest first."""
    import difflib

    def ratio(a: str, b: str) -> float:
        return 1.0 if a == b else difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()

    ratios = [(ratio(text, actual.texts.get(key, "")), key) for key, text in expected.texts.items()]
    return sorted(ratios)[:count]
