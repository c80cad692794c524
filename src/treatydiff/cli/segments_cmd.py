"""`treatydiff segments FILE`: inspect how a document is segmented."""

from __future__ import annotations

from typing import Annotated

import typer

from treatydiff.errors import TreatydiffError
from treatydiff.records import Level

from .common import fail


def segments(
    path: Annotated[str, typer.Argument(help="Document to segment (.md or .txt).")],
    level: Annotated[str, typer.Option("--level", "-l", help="article, paragraph or sentence.")] = "article",
) -> None:
    """List a document's segments: id, label and the start of the text.

    Example: treatydiff segments budapest-convention.en.md --level paragraph
    """
    from treatydiff.documents import load_document
    from treatydiff.segments import segment_document

    try:
        level_value = Level(level)
    except ValueError:
        raise fail(f"unknown level {level!r}: choose article, paragraph or sentence") from None
    try:
        segmented = segment_document(load_document(path), level_value)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    for segment in segmented.segments:
        excerpt = " ".join(segment.text.split())[:70]
        typer.echo(f"{segment.id:<24} {segment.label:<32} {excerpt}")
