"""Command line: parse, make one library call, map library errors to one-line messages, render."""

from __future__ import annotations

import re
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from . import __version__
from .alignment import AlignmentConfig
from .errors import ConfigError, OutputError, TreatydiffError
from .records import Level

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .embeddings import ProgressCallback

app = typer.Typer(
    name="treatydiff",
    help="Compare policy documents provision by provision: semantic alignment, word diffs, HTML reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_DEFAULTS = AlignmentConfig()
_GENERATED_MARKERS = (b'<meta name="generator" content="treatydiff', b'"schema": "treatydiff.')


def _version(value: bool) -> None:
    if value:
        typer.echo(f"treatydiff {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """treatydiff: which provisions correspond, what changed, what moved, what is on one side only."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def default_report_path(path_a: str, path_b: str, reports_dir: Path = Path("reports")) -> Path:
    """reports/<a>--<b>.html from the file stems, e.g. budapest-convention.en--uncac.en.html."""
    return reports_dir / f"{_stem(path_a)}--{_stem(path_b)}.html"


def _stem(path: str) -> str:
    stem = Path(path).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"


def may_replace(path: Path, force: bool) -> bool:
    """Replace a file only with --force, or when treatydiff itself wrote it."""
    if force or not path.exists():
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return any(marker in head for marker in _GENERATED_MARKERS)


@contextmanager
def _progress(quiet: bool) -> Iterator[ProgressCallback | None]:
    if quiet or not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(
        TextColumn("embedding"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task("embedding", total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=max(total, 1))

        yield update


def _unit_interval(name: str):  # type: ignore[no-untyped-def]
    def check(value: float | None) -> float | None:
        if value is not None and not 0.0 <= value <= 1.0:
            raise typer.BadParameter(f"{name} must be between 0 and 1, got {value}")
        return value

    return check


@app.command()
def compare(
    a: Annotated[str, typer.Argument(help="First document (.md or .txt), e.g. the older text.")],
    b: Annotated[str, typer.Argument(help="Second document (.md or .txt), e.g. the newer text.")],
    level: Annotated[
        str, typer.Option("--level", "-l", help="Granularity of alignment: article, paragraph or sentence.")
    ] = "article",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="HTML report path [default: reports/<a>--<b>.html].")
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Also write the alignment as JSON (schema treatydiff.alignment/1)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite output files that treatydiff did not write.")
    ] = False,
    model: Annotated[
        str, typer.Option("--model", help="sentence-transformers model name or local directory.")
    ] = "all-MiniLM-L6-v2",
    cache_dir: Annotated[
        Path | None,
        typer.Option(
            "--cache-dir", help="Embedding cache [default: user cache dir, or $TREATYDIFF_CACHE_DIR]."
        ),
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Neither read nor write the embedding cache.")
    ] = False,
    link_threshold: Annotated[
        float,
        typer.Option(
            help="Least combined score for a one-to-one link.", callback=_unit_interval("--link-threshold")
        ),
    ] = _DEFAULTS.link_threshold,
    attach_threshold: Annotated[
        float,
        typer.Option(
            help="Least score for a segment to join a split or merge.",
            callback=_unit_interval("--attach-threshold"),
        ),
    ] = _DEFAULTS.attach_threshold,
    semantic_weight: Annotated[
        float,
        typer.Option(
            help="Weight of meaning against wording in the combined score.",
            callback=_unit_interval("--semantic-weight"),
        ),
    ] = _DEFAULTS.semantic_weight,
    title_weight: Annotated[
        float,
        typer.Option(
            help="A pair scores at least this times its article titles' similarity (0: ignore titles).",
            callback=_unit_interval("--title-weight"),
        ),
    ] = _DEFAULTS.title_weight,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")] = False,
) -> None:
    """Compare two documents and write a side-by-side HTML report.

    Example: treatydiff compare budapest-convention.en.md uncac.en.md --level article --json out.json
    """
    from .compare import CompareOptions
    from .pipeline import run_compare

    try:
        level_value = Level(level)
    except ValueError:
        raise _fail(f"unknown level {level!r}: choose article, paragraph or sentence") from None
    report_path = output or default_report_path(a, b)
    for target in [report_path, json_path]:
        if target is not None and not may_replace(target, force):
            raise _fail(f"{target} exists and was not written by treatydiff; use --force to overwrite it")
    options = CompareOptions(
        level=level_value,
        alignment=AlignmentConfig(
            semantic_weight=semantic_weight,
            link_threshold=link_threshold,
            attach_threshold=attach_threshold,
            title_weight=title_weight,
        ),
    )
    try:
        with _progress(quiet) as progress:
            result = run_compare(
                a,
                b,
                options,
                model=model,
                cache_dir=None if no_cache else cache_dir,
                use_cache=not no_cache,
                report_path=report_path,
                json_path=json_path,
                progress=progress,
            )
    except (ConfigError, OutputError, TreatydiffError) as exc:
        raise _fail(str(exc)) from None
    if not quiet:
        typer.echo(result.summary_line())
        typer.echo(f"report: {result.report_path}")
        if result.json_path:
            typer.echo(f"json:   {result.json_path}")


@app.command()
def segments(
    path: Annotated[str, typer.Argument(help="Document to segment (.md or .txt).")],
    level: Annotated[str, typer.Option("--level", "-l", help="article, paragraph or sentence.")] = "article",
) -> None:
    """List a document's segments: id, label and the start of the text.

    Example: treatydiff segments budapest-convention.en.md --level paragraph
    """
    from .documents import load_document
    from .segments import segment_document

    try:
        level_value = Level(level)
    except ValueError:
        raise _fail(f"unknown level {level!r}: choose article, paragraph or sentence") from None
    try:
        segmented = segment_document(load_document(path), level_value)
    except TreatydiffError as exc:
        raise _fail(str(exc)) from None
    for segment in segmented.segments:
        excerpt = " ".join(segment.text.split())[:70]
        typer.echo(f"{segment.id:<24} {segment.label:<32} {excerpt}")


def run() -> None:
    """Console-script entry point."""
    app()
