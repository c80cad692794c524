"""The compare job end to end: read two files, compare, write the report and the JSON."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .compare import CompareOptions, compare_documents
from .embeddings import (
    DEFAULT_MODEL,
    Embedder,
    EmbeddingCache,
    ProgressCallback,
    SentenceTransformerEmbedder,
    default_cache_dir,
)
from .export import comparison_to_json
from .fsutil import atomic_write_text
from .records import Comparison, Status


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
        return (
            f"{len(self.comparison.pairs)} groups: {counts[Status.UNCHANGED]} unchanged, "
            f"{counts[Status.MODIFIED]} modified, {counts[Status.ONLY_A]} only in A, "
            f"{counts[Status.ONLY_B]} only in B; {moved} of them moved"
        )


def make_embedder(model: str = DEFAULT_MODEL) -> Embedder:
    return SentenceTransformerEmbedder(model)


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
) -> CompareResult:
    """Compare two files and write the HTML report (and the JSON) atomically.

    The caller decides whether existing files may be replaced; both are written only
    after the whole comparison succeeded, so a failure leaves no partial output.
    """
    from .ingest import read_document
    from .report import render_report

    doc_a, doc_b = read_document(path_a), read_document(path_b)
    cache = EmbeddingCache(cache_dir or default_cache_dir()) if use_cache else None
    try:
        comparison = compare_documents(
            doc_a, doc_b, embedder or make_embedder(model), options, cache=cache, progress=progress
        )
    finally:
        if cache:
            cache.close()
    html = render_report(comparison)
    exported = comparison_to_json(comparison) if json_path else None
    atomic_write_text(report_path, html, overwrite=True)
    if json_path and exported is not None:
        atomic_write_text(json_path, exported, overwrite=True)
    return CompareResult(comparison, report_path, json_path)
