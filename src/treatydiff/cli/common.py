"""Helpers shared by the commands: one-line errors, output-file policy, progress."""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from treatydiff.embeddings import Embedder, ProgressCallback

_GENERATED_MARKERS = (b'<meta name="generator" content="treatydiff', b'"schema": "treatydiff.')


# Options that `compare` and `positions` share.
ForceOption = Annotated[
    bool, typer.Option("--force", help="Overwrite output files that treatydiff did not write.")
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Embedding model: a name `treatydiff models` lists (e.g. e5 for other languages), "
        "BACKEND:MODEL, or a sentence-transformers model directory "
        "[default: $TREATYDIFF_MODEL, the settings file, or all-MiniLM-L6-v2].",
    ),
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache-dir", help="Embedding cache [default: user cache dir, or $TREATYDIFF_CACHE_DIR]."),
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the embedding cache.")
]
CorpusOption = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus directory for ids [default: ./corpora, or $TREATYDIFF_CORPUS]."),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar, no summary.")]
MaxSegmentsOption = Annotated[
    int | None,
    typer.Option(
        "--max-segments",
        min=1,
        help="Refuse a document with more segments than this [default: 20000, or $TREATYDIFF_MAX_SEGMENTS].",
    ),
]
MaxInputOption = Annotated[
    float | None,
    typer.Option(
        "--max-input-mb",
        min=0.001,
        help="Refuse an input file larger than this many MB [default: 20, or $TREATYDIFF_MAX_INPUT_MB].",
    ),
]


def load_embedder(model: str | None) -> Embedder:
    """The embedder --model, $TREATYDIFF_MODEL or the settings file chooses; the model loads later."""
    from treatydiff import pipeline
    from treatydiff.backends import warn_problems
    from treatydiff.config import chosen_model
    from treatydiff.errors import TreatydiffError

    try:
        spec = chosen_model(model)
        warn_problems()
        return pipeline.make_embedder(spec)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None


def fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def default_report_path(path_a: str, path_b: str, reports_dir: Path = Path("reports")) -> Path:
    """reports/<a>--<b>.html from the file stems, e.g. budapest-convention.en--uncac.en.html."""
    return reports_dir / f"{_stem(path_a)}--{_stem(path_b)}.html"


def _stem(path: str) -> str:
    stem = Path(path).stem
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-.") or "document"


def check_outputs(report_path: Path, json_path: Path | None, force: bool) -> None:
    """Refuse before any work: one path for both outputs, or a file treatydiff did not write."""
    if json_path is not None and json_path.resolve() == report_path.resolve():
        raise fail(
            f"the report and the JSON would both be written to {report_path}; give --json another path"
        )
    for target in [report_path, json_path]:
        if target is not None and not may_replace(target, force):
            raise fail(f"{target} exists and was not written by treatydiff; use --force to overwrite it")


def echo_warnings(warnings: Iterable[str]) -> None:
    for warning in warnings:
        typer.echo(f"warning: {warning}", err=True)


def echo_written(summary: str, report_path: Path, json_path: Path | None) -> None:
    typer.echo(summary)
    typer.echo(f"report: {report_path}")
    if json_path:
        typer.echo(f"json:   {json_path}")


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
def progress_bar(quiet: bool) -> Iterator[ProgressCallback | None]:
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


def unit_interval(name: str) -> Callable[[float | None], float | None]:
    def check(value: float | None) -> float | None:
        if value is not None and not 0.0 <= value <= 1.0:
            raise typer.BadParameter(f"must be between 0 and 1, got {value}")
        return value

    return check
