#!/usr/bin/env python3
"""Alignment quality: treatydiff against four baselines on every gold set, in one run.

Sets:
- budapest-ets189: ../shared/eval/budapest-ets189.gold.json;
- the hand-labelled real pairs in benchmarks/quality/gold/*.gold.json;
- synthetic: the standard redrafts of redraft.py (6 treaties x 2 seeds x 3 intensities),
  seed 1 written as Markdown, seed 2 as plain UN-layout text; figures are macro-averages.

Prints one table (rows: sets; columns: each method's link F1, moved recall and precision,
only-A/only-B F1) and writes it, with per-redraft detail, to benchmarks/out/quality.{md,json}.
`treatydiff@paragraph` aligns at paragraph level; its links count for the articles that hold
the paragraphs, as the gold format prescribes. The baselines work on whole articles.

    python benchmarks/quality/run.py [--only treatydiff,minilm-dp] [--synthetic-limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from statistics import mean
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from methods import METHODS  # noqa: E402
from redraft import SOURCES, standard_redrafts, to_markdown, to_plain_layout  # noqa: E402
from redraft import gold as redraft_gold  # noqa: E402
from scoring import score_alignment  # noqa: E402

from treatydiff.documents import load_document  # noqa: E402
from treatydiff.embeddings import EmbeddingCache, SentenceTransformerEmbedder, default_cache_dir  # noqa: E402

ROOT = HERE.parents[1]
EVAL = ROOT.parent / "shared" / "eval"
METRICS = ("f1", "moved_recall", "moved_precision", "only_f1")


def real_sets() -> list[tuple[str, Path, Path, dict[str, Any]]]:
    paths = sorted(EVAL.glob("*.gold.json")) + sorted((HERE / "gold").glob("*.gold.json"))
    sets = []
    for path in paths:
        gold = json.loads(path.read_text(encoding="utf-8"))
        sets.append((path.name.removesuffix(".gold.json"), SOURCES / gold["a"], SOURCES / gold["b"], gold))
    return sets


def synthetic_sets(workdir: Path, limit: int | None) -> list[tuple[str, Path, Path, dict[str, Any]]]:
    sets = []
    for redraft in standard_redrafts()[:limit]:
        markdown = to_markdown(redraft)
        if redraft.seed % 2:
            path = workdir / f"{redraft.name}.md"
            path.write_text(markdown, encoding="utf-8")
        else:
            path = workdir / f"{redraft.name}.txt"
            path.write_text(to_plain_layout(markdown), encoding="utf-8")
        sets.append((redraft.name, SOURCES / redraft.source_file, path, redraft_gold(redraft)))
    return sets


def with_only_f1(metrics: dict[str, Any]) -> dict[str, Any]:
    only = [metrics[k] for k in ("removed_f1", "added_f1") if k in metrics]
    if only:
        metrics["only_f1"] = round(mean(only), 3)
    return metrics


def evaluate(sets, methods, embedder, cache) -> dict[str, dict[str, dict[str, Any]]]:  # type: ignore[no-untyped-def]
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for name, path_a, path_b, gold in sets:
        doc_a, doc_b = load_document(path_a), load_document(path_b)
        results[name] = {}
        for method in methods:
            started = time.perf_counter()
            alignment = METHODS[method](doc_a, doc_b, embedder, cache)
            metrics = with_only_f1(score_alignment(alignment, gold))
            metrics["seconds"] = round(time.perf_counter() - started, 2)
            results[name][method] = metrics
        print(
            f"  {name}: " + ", ".join(f"{m} {results[name][m]['f1']:.3f}" for m in methods), file=sys.stderr
        )
    return results


def average(results: dict[str, dict[str, dict[str, Any]]], names: list[str], method: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in METRICS:
        values = [results[n][method][key] for n in names if key in results[n][method]]
        if values:
            out[key] = round(mean(values), 3)
    out["min_f1"] = min(results[n][method]["f1"] for n in names)
    return out


def table(rows: dict[str, dict[str, dict[str, Any]]], methods: list[str]) -> str:
    header = ["set"] + [f"{m} {k}" for m in methods for k in ("F1", "movR", "movP", "onlyF1")]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, by_method in rows.items():
        cells = [name]
        for method in methods:
            metrics = by_method[method]
            cells += [_cell(metrics.get(k)) for k in METRICS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(METHODS), help="comma-separated methods")
    parser.add_argument("--synthetic-limit", type=int, default=None, help="use the first N redrafts")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found: the quality benchmark needs the reference texts", file=sys.stderr)
        return 1
    methods = [m for m in args.only.split(",") if m]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    embedder = SentenceTransformerEmbedder()
    cache = EmbeddingCache(default_cache_dir())
    with tempfile.TemporaryDirectory() as tmp:
        real = real_sets()
        synthetic = synthetic_sets(Path(tmp), args.synthetic_limit)
        results = evaluate(real + synthetic, methods, embedder, cache)
    rows = {name: results[name] for name, *_ in real}
    names = [name for name, *_ in synthetic]
    rows[f"synthetic ({len(names)} redrafts, mean)"] = {m: average(results, names, m) for m in methods}
    text = table(rows, methods)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.md").write_text(text + "\n", encoding="utf-8")
    (args.out / "quality.json").write_text(
        json.dumps({"rows": rows, "detail": results}, indent=1), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
