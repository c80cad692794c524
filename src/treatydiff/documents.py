"""Ingest: read a text or Markdown file into a `Document`.

Decoding is strict (UTF-8 with or without BOM, or UTF-16 with BOM); newlines are
normalised to "\\n" so that every later offset indexes the same string. A YAML front-matter
block at the top supplies metadata; the body after it is what gets segmented.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import yaml

from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.records import Document
from treatydiff.segments import has_article_headings, split_paragraphs

SUPPORTED_EXTENSIONS = (".md", ".markdown", ".txt")
DEFAULT_KIND = "treaty"
DEFAULT_LANGUAGE = "en"
MAX_TITLE_CHARS = 200
# A body with this many prose paragraphs and no articles is taken for a news piece.
_NEWS_MIN_PARAGRAPHS = 3
_PROSE_MIN_WORDS = 8

_FRONT_MATTER_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_MATTER_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$\n?", re.MULTILINE)
_MD_TITLE = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3})(\S(?:.*?\S)?)\1")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM = b"\xef\xbb\xbf"
# Control bytes that never occur in text files (everything below 0x20 but \t \n \f \r, and ESC).
_CONTROL_BYTES = bytes(b for b in range(0x20) if b not in (0x09, 0x0A, 0x0C, 0x0D, 0x1B))
_BINARY_SAMPLE = 8192
_BINARY_CONTROL_RATIO = 0.1


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
    """Decode file bytes strictly: UTF-16 with BOM, else UTF-8 (BOM optional).

    Raises:
        InputError: the bytes are binary or not valid UTF-8 / UTF-16.
    """
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(f"{name} is not valid UTF-16 (offset {error.start})") from error
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
    try:
        loaded = yaml.safe_load(source)
    except yaml.YAMLError as error:
        where = getattr(error, "problem_mark", None)
        line = f" (line {where.line + 2})" if where is not None else ""
        raise InputError(f"{path}: the front matter is not valid YAML{line}") from error
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise InputError(f"{path}: the front matter is not a mapping of keys to values")
    return {str(key): _meta_value(value) for key, value in loaded.items()}, closing.end()


def _meta_value(value: object) -> str:
    """Front-matter values are kept as strings; lists become comma-separated."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ", ".join(_meta_value(item) for item in value)
    return str(value)


def _title_from_body(body: str) -> str | None:
    """The first `# ` heading, else the first non-empty line that is not a bare URL."""
    heading = _MD_TITLE.search(body)
    if heading:
        return _strip_emphasis(heading.group(1)).strip()[:MAX_TITLE_CHARS] or None
    for line in body.split("\n"):
        line = line.strip()
        if line and not _URL_LINE.match(line):
            return _strip_emphasis(line)[:MAX_TITLE_CHARS].strip()
    return None


def _leading_url(body: str) -> str | None:
    """A scraped page often opens with its URL on a line of its own: keep it in meta."""
    first = body.lstrip().split("\n", 1)[0].strip()
    return first if _URL_LINE.match(first) else None


def _strip_emphasis(text: str) -> str:
    return _EMPHASIS.sub(r"\2", text)


def _guess_kind(body: str) -> str:
    if has_article_headings(body):
        return DEFAULT_KIND
    prose = [
        (start, end)
        for start, end in split_paragraphs(body)
        if len(body[start:end].split()) >= _PROSE_MIN_WORDS
    ]
    return "news" if len(prose) >= _NEWS_MIN_PARAGRAPHS else DEFAULT_KIND
