"""Ingest: read a text or Markdown file into a `Document`.

Decoding is strict (UTF-8 with or without BOM, or UTF-16 with a BOM or, when the NUL bytes
show it, without one); newlines are normalised to "\\n" so that every later offset indexes
the same string. A YAML front-matter block at the top supplies metadata; the body after it is
what gets segmented. Without a `#` title, the title of a plain-text file is the instrument's
name in the title block at the top ("Convention on Cybercrime", not "Council of Europe").
"""

from __future__ import annotations

import os
import re
import reprlib
from pathlib import Path

import yaml

from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.records import Document
from treatydiff.segments import (
    has_article_headings,
    has_preamble_heading,
    is_title_line,
    leading_blocks,
    split_paragraphs,
)

SUPPORTED_EXTENSIONS = (".md", ".markdown", ".txt")
DEFAULT_KIND = "treaty"
DEFAULT_LANGUAGE = "en"
MAX_TITLE_CHARS = 200
MAX_META_CHARS = 10_000  # a front-matter value is cut here
# A body with this many prose paragraphs and no articles is taken for a news piece.
_NEWS_MIN_PARAGRAPHS = 3
_PROSE_MIN_WORDS = 8

# PyYAML's scanner takes quadratic time in the depth of `[[[…` (2,000 levels: seconds) before
# its parser runs out of stack: deeper front matter is refused up front.
_MAX_FLOW_DEPTH = 100
_FLOW_BRACKETS = re.compile(r"[\[\]{}]")
_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)
# Trailing blanks and `#`s are cut in Python: a lazy group before `[ \t#]*$` took quadratic
# time on a long run of tabs.
_MD_TITLE = re.compile(r"^#[ \t]+(.+)$", re.MULTILINE)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
# At most ~200 characters (a title's length): unbounded, `*a *a *a …` took quadratic time.
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.{0,200}?\S)?)\1")
_BOUNDED_REPR = reprlib.Repr()  # (keyword arguments only from Python 3.12)
_BOUNDED_REPR.maxlevel, _BOUNDED_REPR.maxdict, _BOUNDED_REPR.maxlist = 3, 20, 20
_BOUNDED_REPR.maxstring = _BOUNDED_REPR.maxother = 1000
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
# Control bytes that never occur in text files (everything below 0x20 but \t \n \f \r, and ESC).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
_BINARY_SAMPLE = 8192
_BINARY_CONTROL_RATIO = 0.1
# UTF-16 without BOM: in mostly Latin text one byte of (nearly) every code unit is NUL.
_UTF16_NUL_MIN = 0.5  # share of NULs in the high-byte positions
_UTF16_NUL_MAX_OTHER = 0.05  # share of NULs allowed in the low-byte positions
# A plain-text title block (the lines above the preamble) is at most this many lines.
_TITLE_BLOCK_LINES = 12
# The name of an instrument, possibly after a few words ("Council of Europe Convention on …",
# "Additional Protocol to …", "Europees Verdrag …"), but not "European Treaty Series".
_INSTRUMENT_TITLE = re.compile(
    r"^(?:(?:[A-Z][\w'’-]*|of|the|and|de|van|la|le|des|du)\s+){0,5}?"
    r"(?:Convention|Protocol|Agreement|Treaty|Charter|Declaration|Covenant"
    r"|Protocole|Accord|Traité|Charte|Déclaration|Pacte"
    r"|Verdrag|Overeenkomst|Akkoord|Handvest|Verklaring|Verbond|Conventie)"
    r"\b(?!\s+(?:Series|Office|Collection|Section)\b)"
)


def load_document(path: str | os.PathLike[str]) -> Document:
    """Read and decode a `.md`, `.markdown` or `.txt` file.

    Args:
        path: the file to read.

    Returns:
        The decoded `Document` (front matter parsed, title, kind and language resolved).

    Raises:
        InputError: the file is missing, a directory, of another type, binary or not valid text.
        EmptyDocumentError: the body (after any front matter) is empty.
    """
    file = Path(path)
    if file.is_dir():
        raise InputError(f"{file} is a directory, not a file")
    if not file.is_file():
        raise InputError(f"no such file: {file}")
    extension = file.suffix.lower()
    if extension not in SUPPORTED_EXTENSIONS:
        shown = extension or "(none)"
        raise InputError(
            f"{file}: unsupported file type {shown!r}; expected one of {', '.join(SUPPORTED_EXTENSIONS)}"
        )
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InputError(f"{file}: can't be read ({error.strerror or error})") from error
    return parse_document(decode_bytes(data, str(file)), path=str(file))


def decode_bytes(data: bytes, name: str) -> str:
    """Decode file bytes strictly: UTF-16 with BOM, else UTF-16 without BOM when its NUL bytes
    show it (and it decodes to text), else UTF-8 (BOM optional).

    Raises:
        InputError: the bytes are binary or not valid UTF-8 / UTF-16.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name} is not valid UTF-16 (offset {error.start})") from error
    if (text := _decode_utf16_without_bom(data)) is not None:
        return text
    if _looks_binary(data):
        raise InputError(f"{name} is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        offset = error.start + (len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0)
        raise InputError(
            f"{name} is not valid UTF-8 (byte 0x{data[offset]:02x} at offset {offset})"
        ) from error


def parse_document(text: str, path: str = "<text>") -> Document:
    """Build a `Document` from already decoded text.

    Args:
        text: the whole file; a leading BOM is dropped and newlines are normalised to "\\n".
        path: where the text came from, for messages and the fallback title.

    Returns:
        The `Document`; its `text` is the normalised text, front matter included.

    Raises:
        InputError: the front matter is not valid YAML or not a mapping.
        EmptyDocumentError: the body is empty or whitespace only.
    """
    text = normalise_newlines(text.removeprefix("\ufeff"))
    meta, body_start = _front_matter(text, path)
    body = text[body_start:]
    if not body.strip():
        raise EmptyDocumentError(f"{path}: the document has no text")
    title = meta.get("title") or _title_from_body(body) or Path(path).stem
    kind = meta.get("kind") or _guess_kind(body)
    language = meta.get("language") or DEFAULT_LANGUAGE
    if "url" not in meta and (url := _leading_url(body)):
        meta["url"] = url
    return Document(
        path=path,
        text=text,
        body_start=body_start,
        title=title,
        meta=meta,
        kind=kind,
        language=language,
    )


def normalise_newlines(text: str) -> str:
    """Turn "\\r\\n" and lone "\\r" into "\\n"."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_utf16_without_bom(data: bytes) -> str | None:
    """The text of BOM-less UTF-16-LE/BE data, or None if the bytes don't look like it.

    Most characters of Latin-script text have a NUL high byte, so NULs crowd into the odd
    (little-endian) or even (big-endian) positions; the data must then decode strictly to
    text without NULs or control characters. Binary data fails one of these checks.
    """
    sample = data[: _BINARY_SAMPLE * 2]
    if len(data) % 2 or len(sample) < 2 or b"\x00" not in sample:
        return None
    units = len(sample) // 2
    even_nuls = sample[0::2].count(0) / units
    odd_nuls = sample[1::2].count(0) / units
    if odd_nuls >= _UTF16_NUL_MIN and even_nuls <= _UTF16_NUL_MAX_OTHER:
        encoding = "utf-16-le"
    elif even_nuls >= _UTF16_NUL_MIN and odd_nuls <= _UTF16_NUL_MAX_OTHER:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    head = text[:_BINARY_SAMPLE]
    if "\x00" in text or not head:
        return None
    controls = sum(1 for char in head if ord(char) < 0x20 and ord(char) in _CONTROL_BYTES)
    return None if controls / len(head) > _BINARY_CONTROL_RATIO else text


def _looks_binary(data: bytes) -> bool:
    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        return True
    if not sample:
        return False
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return controls / len(sample) > _BINARY_CONTROL_RATIO


def _front_matter(text: str, path: str) -> tuple[dict[str, str], int]:
    """Parse a leading `---` … `---` YAML block; return (meta, body_start)."""
    opening = _FRONT_MATTER_OPEN.match(text)
    if not opening:
        return {}, 0
    closing = _FRONT_MATTER_CLOSE.search(text, opening.end())
    if not closing:
        # A lone `---` with no closing line is a Markdown rule, not front matter.
        return {}, 0
    source = text[opening.end() : closing.start()]
    if _flow_depth(source) > _MAX_FLOW_DEPTH:
        raise InputError(f"{path}: the front matter can't be read (it nests too deeply)")
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise InputError(f"{path}: the front matter is not valid YAML{line}") from error
    except (RecursionError, ValueError) as error:
        # PyYAML recurses once per nesting level, and its int() and date() raise ValueError
        # (a number of over 4,300 digits, a date such as 2024-13-45).
        raise InputError(f"{path}: the front matter can't be read ({_yaml_reason(error)})") from error
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise InputError(f"{path}: the front matter is not a mapping of keys to values")
    try:
        return {str(key): _meta_value(value) for key, value in loaded.items()}, closing.end()
    except ValueError as error:  # str() of an int of over 4,300 digits (`0b1111…` loads as one)
        raise InputError(f"{path}: the front matter can't be read (a number is too long)") from error


def _flow_depth(source: str) -> int:
    """How deep `[` and `{` nest in a YAML source (quotes not minded: an upper bound)."""
    depth = deepest = 0
    for bracket in _FLOW_BRACKETS.finditer(source):
        depth = depth + 1 if bracket.group() in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest


def _yaml_reason(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "it nests too deeply"
    return " ".join(str(error).split())[:120] or type(error).__name__


def _meta_value(value: object) -> str:
    """Front-matter values are kept as strings; lists become comma-separated.

    YAML aliases let a few lines nest lists exponentially deep, or make a list contain
    itself: lists are flattened without recursion and the string is cut at `MAX_META_CHARS`.
    """
    parts: list[str] = []
    size = steps = 0
    stack = [value]
    while stack and size < MAX_META_CHARS and steps < MAX_META_CHARS:
        item = stack.pop()
        steps += 1
        if isinstance(item, (list, tuple)):
            stack.extend(reversed(item))
            continue
        text = _meta_scalar(item)
        parts.append(text)
        size += len(text) + 2
    return ", ".join(parts)[:MAX_META_CHARS]


def _meta_scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        # str() of a mapping repeats every shared (aliased) child: bounded, like the lists.
        return _BOUNDED_REPR.repr(value)
    return str(value)


def _title_from_body(body: str) -> str | None:
    """The first `# ` heading; else, in the title block at the top, a line naming the instrument
    ("Convention on Cybercrime", not "Council of Europe"); else the first non-empty line that
    is not a bare URL."""
    heading = _MD_TITLE.search(body)
    if heading:
        text = heading.group(1).rstrip(" \t#") or heading.group(1)[:1]
        return _strip_emphasis(text).strip()[:MAX_TITLE_CHARS] or None
    for line in _title_block(body):
        if _INSTRUMENT_TITLE.match(line):
            return line
    for line in body.split("\n"):
        line = line.strip()
        if line and not _URL_LINE.match(line):
            return _strip_emphasis(line)[:MAX_TITLE_CHARS].strip()
    return None


def _title_block(body: str) -> list[str]:
    """The title-like paragraphs at the top of a plain-text body, each on one line and with
    emphasis stripped, up to the first heading (`Preamble`, `Article 1`, …) or the first
    paragraph of running text."""
    block: list[str] = []
    for start, end in leading_blocks(body):
        text = body[start:end]
        if _URL_LINE.match(text):
            continue
        if len(block) >= _TITLE_BLOCK_LINES or not is_title_line(text):
            break
        block.append(" ".join(_strip_emphasis(text).split()))
    return block


def _leading_url(body: str) -> str | None:
    """A scraped page often opens with its URL on a line of its own: keep it in meta."""
    first = body.lstrip().split("\n", 1)[0].strip()
    return first if _URL_LINE.match(first) else None


def _strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub(r"\2", text)


def _guess_kind(body: str) -> str:
    if has_article_headings(body) or has_preamble_heading(body):
        return DEFAULT_KIND
    prose = [
        (start, end)
        for start, end in split_paragraphs(body)
        if len(body[start:end].split()) >= _PROSE_MIN_WORDS
    ]
    return "news" if len(prose) >= _NEWS_MIN_PARAGRAPHS else DEFAULT_KIND
