"""`treatydiff positions NEWS TREATY [TREATY…]`: which provisions a news piece's claims are about."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treatydiff.backends import apply_thresholds
from treatydiff.errors import TreatydiffError
from treatydiff.positions import PositionsOptions

from .common import (
    CacheDirOption,
    CorpusOption,
    ForceOption,
    MaxInputOption,
    MaxSegmentsOption,
    ModelOption,
    NoCacheOption,
    QuietOption,
    check_outputs,
    default_report_path,
    echo_warnings,
    echo_written,
    fail,
    load_embedder,
    progress_bar,
    unit_interval,
)

if TYPE_CHECKING:
    from treatydiff.embeddings import Embedder

_DEFAULTS = PositionsOptions()


def positions_options(
    embedder: Embedder,
    addressed: float | None,
    partly: float | None,
    top: int,
    max_segments: int | None,
) -> PositionsOptions:
    """The model's calibrated thresholds, then those the user set."""
    if top < 1:
        raise fail("--top must be at least 1")
    options = apply_thresholds(PositionsOptions(top_k=top, max_segments=max_segments), embedder.thresholds)
    chosen = {"addressed_threshold": addressed, "partly_threshold": partly}
    options = apply_thresholds(options, {k: v for k, v in chosen.items() if v is not None})
    if options.partly_threshold > options.addressed_threshold:
        raise fail(
            f"--partly-threshold ({options.partly_threshold}) must not exceed "
            f"--addressed-threshold ({options.addressed_threshold})"
        )
    return options


def run_and_report(
    news: str,
    treaties: list[str],
    options: PositionsOptions,
    *,
    report_path: Path,
    json_path: Path | None,
    embedder: Embedder,
    cache_dir: Path | None,
    no_cache: bool,
    quiet: bool,
    max_input_mb: float | None = None,
) -> None:
    """Run the positions job and print what it wrote; library errors become one line."""
    from treatydiff.pipeline import run_positions

    try:
        with progress_bar(quiet) as progress:
            result = run_positions(
                news,
                treaties,
                options,
                embedder=embedder,
                cache_dir=None if no_cache else cache_dir,
                use_cache=not no_cache,
                report_path=report_path,
                json_path=json_path,
                progress=progress,
                max_input_mb=max_input_mb,
            )
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    echo_warnings(result.positions.warnings)
    if not quiet:
        echo_written(result.summary_line(), result.report_path, result.json_path)


def positions(
    news: Annotated[
        str,
        typer.Argument(
            metavar="NEWS", help="News piece or commentary: a file (raw scrapes are cleaned) or a corpus id."
        ),
    ],
    treaties: Annotated[
        list[str], typer.Argument(metavar="TREATY...", help="One or more treaties: files or corpus ids.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="HTML report path [default: reports/<news>--<treaty>.positions.html]."
        ),
    ] = None,
    json_path: Annotated[
        Path | None,
        typer.Option("--json", help="Also write the claims as JSON (schema treatydiff.positions/1)."),
    ] = None,
    force: ForceOption = False,
    addressed_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"Least score of the best article for 'addressed' "
            f"[default: {_DEFAULTS.addressed_threshold}, or the model's own].",
            callback=unit_interval("--addressed-threshold"),
        ),
    ] = None,
    partly_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"Least score of the best article for 'partly addressed' "
            f"[default: {_DEFAULTS.partly_threshold}, or the model's own].",
            callback=unit_interval("--partly-threshold"),
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", help="Provisions listed per claim and treaty.")
    ] = _DEFAULTS.top_k,
    model: ModelOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    corpus: CorpusOption = None,
    max_segments: MaxSegmentsOption = None,
    max_input_mb: MaxInputOption = None,
    quiet: QuietOption = False,
) -> None:
    """Find the claims of a news piece and check each against the provisions of one or more treaties.

    For every claim (who says it, what it says) and every treaty: a verdict (addressed,
    partly addressed, not addressed) and the best-matching provisions, with scores.

    Example: treatydiff positions sputnik-2024-03-29-ict-convention-raw budapest-convention-en uncac-en
    """
    from .compare_cmd import refresh_index, resolve_document

    embedder = load_embedder(model)
    options = positions_options(embedder, addressed_threshold, partly_threshold, top, max_segments)
    news_path = resolve_document(news, corpus)
    treaty_paths = [resolve_document(t, corpus) for t in treaties]
    report_path = output or default_report_path(news_path, treaty_paths[0]).with_suffix(".positions.html")
    check_outputs(report_path, json_path, force)
    run_and_report(
        news_path,
        treaty_paths,
        options,
        report_path=report_path,
        json_path=json_path,
        embedder=embedder,
        cache_dir=cache_dir,
        no_cache=no_cache,
        quiet=quiet,
        max_input_mb=max_input_mb,
    )
    if output is None:
        try:
            refresh_index(corpus, report_path.parent)
        except TreatydiffError as exc:
            raise fail(str(exc)) from None
