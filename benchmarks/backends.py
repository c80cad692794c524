#!/usr/bin/env python3
"""The speed table: every registered embedding backend's speed and alignment quality on this machine.

For each backend (its default model):

- load: a fresh process's make_embedder and model load, imports included; a backend's one-time
  setup (the onnx backend's export into the cache directory) is done before, in a warm-up
  process, and reported apart as `setup`;
- segments/s: the paragraph-level segments of the Budapest Convention and UNCAC
  (../shared/corpus-sources) encoded with no embedding cache, after the load;
- cold compare: Budapest Convention against UNCAC at article level in a fresh process with an
  empty embedding cache, model load included, as a ratio to the default backend's;
- quality: article-link F1 against benchmarks/quality/gold/budapest-uncac.gold.json (when it
  exists), and on the other real gold sets uncac-untoc and budapest-ets189, as a ratio too.

Each backend's calibrated thresholds apply. Every measurement runs in its own subprocess, so no
backend profits from another's imports. Prints a Markdown table and writes it, with the detail,
to benchmarks/out/backends.{md,json}.

    python benchmarks/backends.py [--only onnx,tfidf] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = ROOT.parent / "shared" / "corpus-sources"
A = SOURCES / "budapest-convention.en.md"
B = SOURCES / "uncac.en.md"
MAIN_GOLD = HERE / "quality" / "gold" / "budapest-uncac.gold.json"
# Real gold sets scored besides Budapest–UNCAC, so the table has figures while that file is missing.
OTHER_GOLD = {
    "uncac-untoc": HERE / "quality" / "gold" / "uncac-untoc.gold.json",
    "budapest-ets189": ROOT.parent / "shared" / "eval" / "budapest-ets189.gold.json",
}
MAIN_SET = "budapest-uncac"


# --- workers: each runs in its own process -------------------------------------------------


def prepare(spec: str) -> dict[str, Any]:
    """Make the embedder and load its model once: any one-time setup (an export) happens here."""
    started = time.perf_counter()
    from treatydiff.backends import make_embedder

    _load(make_embedder(spec))
    return {"setup_seconds": time.perf_counter() - started}


def encode(spec: str) -> dict[str, Any]:
    """Load time, then the paragraph segments of both texts encoded with no cache."""
    started = time.perf_counter()
    from treatydiff.backends import make_embedder
    from treatydiff.compare import embedding_text
    from treatydiff.documents import load_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    embedder = make_embedder(spec)
    _load(embedder)
    load_seconds = time.perf_counter() - started
    segments = [s for path in (A, B) for s in segment_document(load_document(path), Level.PARAGRAPH).segments]
    texts = [embedding_text(s) for s in segments]
    started = time.perf_counter()
    vectors = embedder.embed(texts, cache=None)
    encode_seconds = time.perf_counter() - started
    assert vectors.shape[0] == len(texts)
    return {
        "load_seconds": load_seconds,
        "encode_seconds": encode_seconds,
        "segments": len(texts),
        "unique_texts": len(set(texts)),
        "segments_per_second": len(texts) / encode_seconds,
    }


def compare(spec: str) -> dict[str, Any]:
    """A cold Budapest–UNCAC compare, timed; then the quality on every gold set (untimed)."""
    started = time.perf_counter()
    from treatydiff.backends import apply_thresholds, make_embedder
    from treatydiff.compare import CompareOptions, compare_documents
    from treatydiff.documents import load_document
    from treatydiff.embeddings import EmbeddingCache
    from treatydiff.export import comparison_to_dict
    from treatydiff.records import Level

    with tempfile.TemporaryDirectory() as empty:
        cache = EmbeddingCache(Path(empty))
        embedder = make_embedder(spec)
        options = apply_thresholds(CompareOptions(level=Level.ARTICLE), embedder.thresholds)
        main = comparison_to_dict(
            compare_documents(load_document(A), load_document(B), embedder, options, cache=cache)
        )
        cold_seconds = time.perf_counter() - started

        sys.path.insert(0, str(HERE / "quality"))
        from scoring import score_alignment

        quality: dict[str, dict[str, Any]] = {}
        for name, path in gold_sets().items():
            gold = json.loads(path.read_text(encoding="utf-8"))
            if name == MAIN_SET:
                alignment = main
            else:
                doc_a, doc_b = load_document(SOURCES / gold["a"]), load_document(SOURCES / gold["b"])
                comparison = compare_documents(doc_a, doc_b, embedder, options, cache=cache)
                alignment = comparison_to_dict(comparison)
            scored = score_alignment(alignment, gold)
            quality[name] = {k: scored[k] for k in ("f1", "precision", "recall", "links")}
        cache.close()
    return {"cold_seconds": cold_seconds, "thresholds": dict(embedder.thresholds), "quality": quality}


def _load(embedder: Any) -> None:
    """Load the model now, so that it isn't timed as encoding (tfidf has none)."""
    load = getattr(embedder, "_load", None)
    if callable(load):
        load()


def gold_sets() -> dict[str, Path]:
    sets = {MAIN_SET: MAIN_GOLD} if MAIN_GOLD.is_file() else {}
    sets.update({name: path for name, path in OTHER_GOLD.items() if path.is_file()})
    return sets


WORKERS = {"prepare": prepare, "encode": encode, "compare": compare}


# --- the parent: runs the workers and makes the table ---------------------------------------


def run_worker(step: str, spec: str) -> dict[str, Any]:
    with tempfile.NamedTemporaryFile(suffix=".json") as result:
        command = [sys.executable, __file__, "--worker", step, spec, result.name]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{step} {spec} failed:\n{done.stderr[-3000:]}")
        return dict(json.loads(Path(result.name).read_text(encoding="utf-8")))


def measure(spec: str, runs: int) -> dict[str, Any]:
    """Medians over `runs` of each figure; quality is deterministic and taken from the first run."""
    row: dict[str, Any] = {"spec": spec, **run_worker("prepare", spec)}
    encodes = [run_worker("encode", spec) for _ in range(runs)]
    compares = [run_worker("compare", spec) for _ in range(runs)]
    for key in ("load_seconds", "encode_seconds", "segments_per_second"):
        row[key] = median(e[key] for e in encodes)
    row["segments"] = encodes[0]["segments"]
    row["unique_texts"] = encodes[0]["unique_texts"]
    row["cold_seconds"] = median(c["cold_seconds"] for c in compares)
    row["quality"] = compares[0]["quality"]
    row["thresholds"] = compares[0]["thresholds"]
    return row


def with_ratios(rows: dict[str, dict[str, Any]], default: str) -> None:
    base = rows[default]
    for row in rows.values():
        row["speed_ratio"] = row["segments_per_second"] / base["segments_per_second"]
        row["time_ratio"] = row["cold_seconds"] / base["cold_seconds"]
        row["quality_ratio"] = {
            name: (q["f1"] / base["quality"][name]["f1"]) if base["quality"][name]["f1"] else None
            for name, q in row["quality"].items()
        }


def table(rows: dict[str, dict[str, Any]], sets: list[str]) -> str:
    main = sets[0] if sets else None
    header = ["backend", "model load s", "segments/s", "× default", "B–U cold s", "time × default"]
    if main:
        header += [f"F1 {main}", "quality × default"]
    header += [f"F1 {name}" for name in sets[1:]]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for name, row in rows.items():
        cells = [
            f"{name} ({row['spec'].split(':', 1)[1]})",
            f"{row['load_seconds']:.1f}",
            f"{row['segments_per_second']:.1f}",
            f"{row['speed_ratio']:.2f}",
            f"{row['cold_seconds']:.1f}",
            f"{row['time_ratio']:.2f}",
        ]
        if main:
            ratio = row["quality_ratio"][main]
            cells += [f"{row['quality'][main]['f1']:.3f}", "–" if ratio is None else f"{ratio:.2f}"]
        cells += [f"{row['quality'][s]['f1']:.3f} ({_ratio(row['quality_ratio'][s])})" for s in sets[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _ratio(value: float | None) -> str:
    return "–" if value is None else f"×{value:.2f}"


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        _, _, step, spec, result = sys.argv
        Path(result).write_text(json.dumps(WORKERS[step](spec)), encoding="utf-8")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated backend names (default: all)")
    parser.add_argument("--runs", type=int, default=1, help="timed runs per backend; medians are kept")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found: the benchmark reads the reference texts", file=sys.stderr)
        return 1
    from treatydiff.backends import DEFAULT_SPEC, registry, resolve

    default = resolve(DEFAULT_SPEC).backend.name
    backends = registry().backends
    wanted = [n for n in args.only.split(",") if n] or sorted(backends, key=lambda n: (n != default, n))
    if default not in wanted:
        wanted.insert(0, default)  # the ratios are to it
    rows: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name in wanted:
        backend = backends[name]
        missing = backend.missing(backend.default_model)
        if missing:
            skipped[name] = "needs " + ", ".join(missing)
            print(f"  {name}: skipped, {skipped[name]}", file=sys.stderr)
            continue
        rows[name] = measure(f"{name}:{backend.default_model.name}", args.runs)
        print(
            f"  {name}: {rows[name]['segments_per_second']:.1f} segments/s, "
            f"cold compare {rows[name]['cold_seconds']:.1f} s",
            file=sys.stderr,
        )
    with_ratios(rows, default)
    sets = list(gold_sets())
    text = table(rows, sets)
    if MAIN_SET not in sets:
        text += f"\n\n{MAIN_GOLD.relative_to(ROOT)} is missing: no Budapest–UNCAC quality figure."
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "backends.md").write_text(text + "\n", encoding="utf-8")
    detail = {"default": default, "gold_sets": sets, "rows": rows, "skipped": skipped, "runs": args.runs}
    (args.out / "backends.json").write_text(json.dumps(detail, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
