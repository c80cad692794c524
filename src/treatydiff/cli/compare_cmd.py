"""`treatydiff compare A B`: the side-by-side comparison."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treatydiff.alignment import AlignmentConfig
from treatydiff.backends import apply_thresholds
from treatydiff.compare import CompareOptions
from treatydiff.errors import TreatydiffError
from treatydiff.positions import PositionsOptions
from treatydiff.records import Level

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
    from treatydiff.records import Comparison

_DEFAULTS = AlignmentConfig()
_OPTIONS = CompareOptions()
_POSITIONS = PositionsOptions()
# Models other than all-MiniLM-L6-v2 come with their own calibrated thresholds.
_TUNED = ", or the model's own"


def resolve_document(name: str, corpus: Path | None) -> str:
    """A path as given, or the corpus file of a corpus id."""
    from treatydiff.corpus import Corpus

    if Path(name).exists():
        return name
    store = Corpus(corpus)
    return str(store.path_for(name)) if store.has(name) else name


def write_change_lists(comparison: Comparison, report_path: Path, formats: list[str]) -> list[Path]:
    """`<report>.changes.md` / `.csv` next to the report, replaced with it on every run."""
    from treatydiff.changelist import change_list, change_list_csv, change_list_markdown
    from treatydiff.fsutil import atomic_write_text

    rows = change_list(comparison)
    written = []
    for fmt in dict.fromkeys(formats):
        path = report_path.with_name(f"{report_path.stem}.changes.{fmt}")
        if fmt == "csv":
            # Excel opens UTF-8 CSV correctly only with a byte-order mark.
            atomic_write_text(path, change_list_csv(rows), overwrite=True, encoding="utf-8-sig")
        else:
            atomic_write_text(path, change_list_markdown(rows, comparison), overwrite=True)
        written.append(path)
    return written


def refresh_index(corpus: Path | None, reports_dir: Path) -> None:
    """Regenerate reports/index.html: the corpus documents and every report."""
    from treatydiff.corpus import Corpus
    from treatydiff.index import write_index

    write_index(Corpus(corpus), reports_dir)


def _news_side(a: str, b: str, max_input_mb: float | None) -> int | None:
    """0 or 1 if exactly that side is a news piece or commentary; None otherwise."""
    from treatydiff.ingest import read_document
    from treatydiff.limits import max_input_bytes
    from treatydiff.positions import is_news

    try:
        limit = max_input_bytes(max_input_mb)
        kinds = [is_news(read_document(path, max_bytes=limit)) for path in (a, b)]
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    return kinds.index(True) if kinds.count(True) == 1 else None


def compare(
    a: Annotated[str, typer.Argument(metavar="A", help="First document: a file (.md, .txt) or a corpus id.")],
    b: Annotated[str, typer.Argument(metavar="B", help="Second document: a file or a corpus id.")],
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
    force: ForceOption = False,
    model: ModelOption = None,
    cache_dir: CacheDirOption = None,
    no_cache: NoCacheOption = False,
    link_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"Least combined score for a one-to-one link [default: {_DEFAULTS.link_threshold}{_TUNED}].",
            callback=unit_interval("--link-threshold"),
        ),
    ] = None,
    attach_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"Least score for a segment to join a split or merge "
            f"[default: {_DEFAULTS.attach_threshold}{_TUNED}].",
            callback=unit_interval("--attach-threshold"),
        ),
    ] = None,
    semantic_weight: Annotated[
        float | None,
        typer.Option(
            help=f"Weight of meaning against wording in the combined score "
            f"[default: {_DEFAULTS.semantic_weight}{_TUNED}].",
            callback=unit_interval("--semantic-weight"),
        ),
    ] = None,
    title_weight: Annotated[
        float | None,
        typer.Option(
            help=f"A pair scores at least this times its article titles' similarity (0: ignore titles) "
            f"[default: {_DEFAULTS.title_weight}{_TUNED}].",
            callback=unit_interval("--title-weight"),
        ),
    ] = None,
    local_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"At paragraph and sentence level: least score for a link inside a pair of aligned "
            f"articles [default: {_OPTIONS.local_link_threshold}{_TUNED}].",
            callback=unit_interval("--local-threshold"),
        ),
    ] = None,
    crossing_threshold: Annotated[
        float | None,
        typer.Option(
            help=f"At paragraph and sentence level: least score for a link to a paragraph of another "
            f"article [default: {_OPTIONS.crossing_link_threshold}{_TUNED}].",
            callback=unit_interval("--crossing-threshold"),
        ),
    ] = None,
    formats: Annotated[
        list[str] | None,
        typer.Option(
            "--format",
            help="Also write the change list next to the report: md (a memo table) or csv. Repeatable.",
        ),
    ] = None,
    corpus: CorpusOption = None,
    max_segments: MaxSegmentsOption = None,
    max_input_mb: MaxInputOption = None,
    quiet: QuietOption = False,
) -> None:
    """Compare two documents and write a side-by-side HTML report.

    When one side is a news piece or commentary (by its kind, or detected), compare checks the
    piece's claims against the other document instead, as `treatydiff positions` does, and
    --json writes the claims (schema treatydiff.positions/1). A raw scraped page is cleaned on
    the fly, exactly as `add` would clean it.

    Example: treatydiff compare budapest-convention.en.md uncac.en.md --level article --json out.json
    """
    from treatydiff.pipeline import run_compare

    try:
        level_value = Level(level)
    except ValueError:
        raise fail(f"unknown level {level!r}: choose article, paragraph or sentence") from None
    for fmt in formats or []:
        if fmt not in ("md", "csv"):
            raise fail(f"unknown --format {fmt!r}: choose md or csv")
    a, b = resolve_document(a, corpus), resolve_document(b, corpus)
    report_path = output or default_report_path(a, b)
    check_outputs(report_path, json_path, force)
    news_side = _news_side(a, b, max_input_mb)
    if news_side is not None:
        from .positions_cmd import positions_options, run_and_report

        embedder = load_embedder(model)

        news, treaty = (a, b) if news_side == 0 else (b, a)
        run_and_report(
            news,
            [treaty],
            positions_options(embedder, None, None, _POSITIONS.top_k, max_segments),
            report_path=report_path,
            json_path=json_path,
            embedder=embedder,
            cache_dir=cache_dir,
            no_cache=no_cache,
            quiet=quiet,
            max_input_mb=max_input_mb,
        )
        if formats:
            typer.echo("note: --format applies to comparisons of two texts; no change list written", err=True)
        if output is None:
            try:
                refresh_index(corpus, report_path.parent)
            except TreatydiffError as exc:
                raise fail(str(exc)) from None
        return
    embedder = load_embedder(model)
    chosen = {
        "semantic_weight": semantic_weight,
        "link_threshold": link_threshold,
        "attach_threshold": attach_threshold,
        "title_weight": title_weight,
        "local_link_threshold": local_threshold,
        "crossing_link_threshold": crossing_threshold,
    }
    # The model's calibrated thresholds first, then those the user set.
    options = CompareOptions(level=level_value, max_segments=max_segments)
    options = apply_thresholds(options, embedder.thresholds)
    options = apply_thresholds(options, {k: v for k, v in chosen.items() if v is not None})
    try:
        with progress_bar(quiet) as progress:
            result = run_compare(
                a,
                b,
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
    echo_warnings(result.comparison.warnings)
    written = []
    try:
        written = write_change_lists(result.comparison, report_path, formats or [])
        if output is None:
            refresh_index(corpus, report_path.parent)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    if not quiet:
        echo_written(result.summary_line(), result.report_path, result.json_path)
        for path in written:
            typer.echo(f"changes: {path}")
