"""The jobs end to end: read the files, compare (or check claims), write the report and the JSON."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .backends import make_embedder
from .compare import CompareOptions, compare_documents
from .embeddings import DEFAULT_MODEL, Embedder, EmbeddingCache, ProgressCallback, default_cache_dir
from .errors import InputError
from .export import comparison_to_json, positions_to_json
from .fsutil import atomic_write_text
from .limits import max_input_bytes
from .positions import PositionsOptions
from .records import Comparison, Positions, Status, Verdict


@dataclass(frozen=True)
class CompareResult:
    comparison: Comparison
    report_path: Path
    json_path: Path | None

    def summary_line(self) -> str:
        counts = dict.fromkeys(Status, 0)
        for pair in self.comparison.pairs:
            counts[pair.status] += 1
        moved = sum(1 for p in self.comparison.pairs if p.moved)
        from .changelist import status_label

        label = {s: status_label(s, cross_language=self.comparison.cross_language) for s in Status}
        return (
            f"{len(self.comparison.pairs)} groups: {counts[Status.UNCHANGED]} {label[Status.UNCHANGED]}, "
            f"{counts[Status.MODIFIED]} {label[Status.MODIFIED]}, {counts[Status.ONLY_A]} only in A, "
            f"{counts[Status.ONLY_B]} only in B; {moved} of them moved"
        )


@contextmanager
def open_cache(cache_dir: Path | None, use_cache: bool) -> Iterator[EmbeddingCache | None]:
    """The embedding cache for one run, closed after it; None with --no-cache."""
    cache = EmbeddingCache(cache_dir or default_cache_dir()) if use_cache else None
    try:
        yield cache
    finally:
        if cache:
            cache.close()


def write_outputs(report_path: Path, html: str, json_path: Path | None, exported: Callable[[], str]) -> None:
    """Write the report and, if asked, the JSON; both are rendered before either is written."""
    text = exported() if json_path else None
    atomic_write_text(report_path, html, overwrite=True)
    if json_path and text is not None:
        atomic_write_text(json_path, text, overwrite=True)


def run_compare(
    path_a: str,
    path_b: str,
    options: CompareOptions,
    *,
    model: str = DEFAULT_MODEL,
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    report_path: Path,
    json_path: Path | None = None,
    progress: ProgressCallback | None = None,
    max_input_mb: float | None = None,
) -> CompareResult:
    """Compare two files and write the HTML report (and the JSON) atomically.

    The caller decides whether existing files may be replaced; both are written only
    after the whole comparison succeeded, so a failure leaves no partial output.
    """
    from .ingest import read_document
    from .report import render_report

    limit = max_input_bytes(max_input_mb)
    doc_a, doc_b = read_document(path_a, max_bytes=limit), read_document(path_b, max_bytes=limit)
    with open_cache(cache_dir, use_cache) as cache:
        comparison = compare_documents(
            doc_a, doc_b, embedder or make_embedder(model), options, cache=cache, progress=progress
        )
    write_outputs(report_path, render_report(comparison), json_path, lambda: comparison_to_json(comparison))
    return CompareResult(comparison, report_path, json_path)


@dataclass(frozen=True)
class PositionsResult:
    positions: Positions
    report_path: Path
    json_path: Path | None

    def summary_line(self) -> str:
        parts = []
        for unit, verdicts in zip(self.positions.treaties, self.positions.verdicts, strict=True):
            counts = {v: sum(1 for x in verdicts if x.verdict is v) for v in Verdict}
            parts.append(
                f"{unit.document.short_title}: {counts[Verdict.ADDRESSED]} addressed, "
                f"{counts[Verdict.PARTLY_ADDRESSED]} partly, {counts[Verdict.NOT_ADDRESSED]} not"
            )
        return f"{len(self.positions.claims)} claims; " + "; ".join(parts)


def run_positions(
    news_path: str,
    treaty_paths: Sequence[str],
    options: PositionsOptions,
    *,
    model: str = DEFAULT_MODEL,
    embedder: Embedder | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    report_path: Path,
    json_path: Path | None = None,
    progress: ProgressCallback | None = None,
    max_input_mb: float | None = None,
) -> PositionsResult:
    """Link a news piece's claims to the provisions of each treaty; write the report (and JSON).

    Raw scraped pages and other convertible files are cleaned on the fly, as `add` would.
    Both files are written only after the whole run succeeded.
    """
    from .ingest import read_document
    from .positions import is_news, link_claims
    from .positions_report import render_positions_report

    limit = max_input_bytes(max_input_mb)
    news = read_document(news_path, max_bytes=limit)
    treaties = [read_document(p, max_bytes=limit) for p in treaty_paths]
    if not is_news(news):
        raise InputError(
            f"{news_path} is a {news.kind}, not a news piece or commentary: "
            "give it `kind: news` in its front matter, or add it with `corpus add --kind news`"
        )
    for path, treaty in zip(treaty_paths, treaties, strict=True):
        if is_news(treaty):
            raise InputError(f"{path} is a {treaty.kind} piece: claims are checked against treaties")
    with open_cache(cache_dir, use_cache) as cache:
        positions = link_claims(
            news, treaties, embedder or make_embedder(model), options, cache=cache, progress=progress
        )
    write_outputs(
        report_path, render_positions_report(positions), json_path, lambda: positions_to_json(positions)
    )
    return PositionsResult(positions, report_path, json_path)
