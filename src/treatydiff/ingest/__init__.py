"""Ingestion: turn a file of any supported type into canonical Markdown plus metadata.

Every converter returns a `Converted`: the document body as canonical Markdown (the heading
convention of the reference corpus: `#` title, `##` Preamble / CHAPTER, `###` SECTION,
`####` TITLE, `##### Article N – title`; paragraphs separated by blank lines) and the
metadata it could read from the input (title, date, source URL, language, kind, …).

`convert(path)` picks the converter by file type. Converters raise `InputError` (or a
subclass) with a one-line message on anything they cannot read.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from treatydiff.records import Document


@dataclass(frozen=True)
class Converted:
    """A document converted to canonical Markdown, before it is written to the corpus."""

    body: str  # canonical Markdown body, no front matter, ending with one newline
    meta: dict[str, str] = field(default_factory=dict)  # title, short_title, kind, language, date, source, …
    converter: str = ""  # which converter produced it: "markdown", "text", "news", "html", "pdf", "docx"
    notes: tuple[str, ...] = ()  # what the converter dropped or repaired, for the user to see


TEXT_SUFFIXES = (".md", ".markdown", ".txt")
HTML_SUFFIXES = (".html", ".htm")
SUFFIXES = (*TEXT_SUFFIXES, *HTML_SUFFIXES, ".pdf", ".docx")


def convert_path(
    path: str | os.PathLike[str], *, kind: str | None = None, max_bytes: int | None = None
) -> Converted:
    """Convert a file to canonical Markdown, by its type.

    `.md`/`.txt` documents are read as they are (front matter included), except a raw
    scraped news page — `kind="news"`, or a text whose first line is a bare URL and that has
    no article headings — which is cleaned of the scraping debris.
    """
    from treatydiff.errors import InputError
    from treatydiff.limits import check_input_size

    source = Path(path)
    suffix = source.suffix.lower()
    if not source.exists():
        raise InputError(f"no such file: {source}")
    if source.is_dir():
        raise InputError(f"{source} is a directory, not a file")
    check_input_size(source, max_bytes)
    if suffix in TEXT_SUFFIXES:
        return _convert_text(source, kind)
    if suffix in HTML_SUFFIXES:
        from treatydiff.ingest.html import convert_html

        return convert_html(_read_bytes(source), url=None)
    if suffix == ".pdf":
        from treatydiff.ingest.pdf import convert_pdf

        return convert_pdf(source)
    if suffix == ".docx":
        from treatydiff.ingest.docx import convert_docx

        return convert_docx(source)
    raise InputError(f"{source}: unsupported file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}")


def _read_bytes(source: Path) -> bytes:
    from treatydiff.errors import InputError

    try:
        return source.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc


def _convert_text(source: Path, kind: str | None) -> Converted:
    from treatydiff.documents import load_document
    from treatydiff.segments import has_article_headings

    document = load_document(source)
    body = document.body.strip()
    first_line = body.splitlines()[0].strip() if body else ""
    has_front_matter = document.body_start > 0
    scraped = not has_front_matter and re.fullmatch(r"https?://\S+", first_line) is not None
    if kind == "news" or (scraped and not has_article_headings(body)):
        from treatydiff.ingest.news import convert_scraped_text

        return convert_scraped_text(body, source_name=source.name)
    meta = dict(document.meta)
    meta.setdefault("title", document.title)
    meta.setdefault("kind", document.kind)
    meta.setdefault("language", document.language)
    return Converted(body + "\n", meta, "markdown" if source.suffix.lower() != ".txt" else "text")


def read_document(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Document:
    """A file as the comparison reads it: cleaned and converted exactly as `add` would store it.

    Markdown and text files that need no cleaning are read as they are, so offsets index
    the file itself. A raw scraped page, an HTML page, a PDF or a Word file is converted,
    and the document is the text `corpus add` would write for it (front matter included);
    `meta["converter"]` then names the converter. A file over the input limit
    (`treatydiff.limits`) is refused before it is read.
    """
    from dataclasses import replace

    from treatydiff.corpus import canonical_text
    from treatydiff.documents import load_document, parse_document

    converted = convert_path(path, max_bytes=max_bytes)
    if converted.converter in ("markdown", "text"):
        return load_document(path)
    document = parse_document(canonical_text(converted), path=str(path))
    return replace(document, meta={**document.meta, "converter": converted.converter})
