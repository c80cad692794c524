#!/usr/bin/env python3
"""Calibrate a model's thresholds, so that no two backends share thresholds they weren't fitted for.

The package defaults were fitted on all-MiniLM-L6-v2. Another model spreads its cosines
differently: e5's lie in a narrow band near 1, TF-IDF's near 0 for texts that share few
words. This script fits, for one model:

- alignment: one shift added to every link threshold (link, attach, anchor, the local and
  crossing thresholds of paragraph level), chosen on the synthetic redrafts of seed 1
  (18 sets, English, reuse known) to maximise the mean of link F1 and only-A/only-B F1 at
  article level; the redrafts of seed 2 are scored with the chosen shift as a check;
- positions: the partly / addressed thresholds with the best verdict accuracy on the
  development claims (benchmarks/positions/claims.json), as for the default model.

It prints the thresholds and, with --write, stores them in
src/treatydiff/backends/calibrated.py, where the backends read them.

    python benchmarks/calibrate.py --model e5 --start 0.2 [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
from pathlib import Path
from statistics import mean
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "quality"))
sys.path.insert(0, str(HERE / "positions"))

from redraft import SOURCES, standard_redrafts, to_markdown  # noqa: E402
from redraft import gold as redraft_gold  # noqa: E402
from scoring import score_alignment  # noqa: E402

from treatydiff.alignment import AlignmentConfig  # noqa: E402
from treatydiff.backends import make_embedder, resolve  # noqa: E402
from treatydiff.compare import CompareOptions, compare_documents  # noqa: E402
from treatydiff.documents import load_document  # noqa: E402
from treatydiff.embeddings import Embedder, EmbeddingCache, default_cache_dir  # noqa: E402
from treatydiff.export import comparison_to_dict  # noqa: E402
from treatydiff.records import Level  # noqa: E402

CALIBRATED = ROOT / "src" / "treatydiff" / "backends" / "calibrated.py"
STEP = 0.025
SHIFT_RANGE = (-0.3, 0.45)
PATIENCE = 2
ALIGNMENT_DEFAULTS = AlignmentConfig()
COMPARE_DEFAULTS = CompareOptions()
# The thresholds the shift moves, from their MiniLM values.
SHIFTED = {
    "link_threshold": ALIGNMENT_DEFAULTS.link_threshold,
    "attach_threshold": ALIGNMENT_DEFAULTS.attach_threshold,
    "anchor_threshold": ALIGNMENT_DEFAULTS.anchor_threshold,
    "local_link_threshold": COMPARE_DEFAULTS.local_link_threshold,
    "crossing_link_threshold": COMPARE_DEFAULTS.crossing_link_threshold,
}
# Which constant in calibrated.py holds which model's thresholds.
CONSTANTS = {"e5:multilingual-e5-small": "E5_SMALL_THRESHOLDS", "tfidf:tfidf": "TFIDF_THRESHOLDS"}


def shifted(shift: float) -> dict[str, float]:
    return {name: round(min(0.99, max(0.01, value + shift)), 3) for name, value in SHIFTED.items()}


def options_for(values: dict[str, float]) -> CompareOptions:
    alignment = AlignmentConfig(
        link_threshold=values["link_threshold"],
        attach_threshold=values["attach_threshold"],
        anchor_threshold=values["anchor_threshold"],
    )
    return CompareOptions(
        level=Level.ARTICLE,
        alignment=alignment,
        local_link_threshold=values["local_link_threshold"],
        crossing_link_threshold=values["crossing_link_threshold"],
    )


def redraft_sets(workdir: Path, seed: int) -> list[tuple[str, Any, Any, dict[str, Any]]]:
    sets = []
    for redraft in standard_redrafts():
        if redraft.seed != seed:
            continue
        path = workdir / f"{redraft.name}.md"
        path.write_text(to_markdown(redraft), encoding="utf-8")
        source = load_document(SOURCES / redraft.source_file)
        sets.append((redraft.name, source, load_document(path), redraft_gold(redraft)))
    return sets


def alignment_score(
    sets: list[tuple[str, Any, Any, dict[str, Any]]], embedder: Embedder, cache: EmbeddingCache, shift: float
) -> tuple[float, float, float]:
    """Mean objective, link F1 and only-A/only-B F1 over the sets."""
    options = options_for(shifted(shift))
    f1s, onlys = [], []
    for _, doc_a, doc_b, gold in sets:
        comparison = compare_documents(doc_a, doc_b, embedder, options, cache=cache)
        metrics = score_alignment(comparison_to_dict(comparison), gold)
        f1s.append(metrics["f1"])
        only = [metrics[k] for k in ("removed_f1", "added_f1") if k in metrics]
        onlys.append(mean(only) if only else metrics["f1"])
    return (mean(f1s) + mean(onlys)) / 2, mean(f1s), mean(onlys)


def calibrate_alignment(
    embedder: Embedder, cache: EmbeddingCache, start: float = 0.0
) -> tuple[dict[str, float], list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        fit = redraft_sets(Path(tmp), seed=1)
        check = redraft_sets(Path(tmp), seed=2)
        lines = ["| shift | objective | link F1 | only F1 |", "|---|---|---|---|"]
        tried: dict[float, float] = {}

        def trial(shift: float) -> float:
            if shift not in tried:
                objective, f1, only = alignment_score(fit, embedder, cache, shift)
                tried[shift] = objective
                lines.append(f"| {shift:+.3f} | {objective:.3f} | {f1:.3f} | {only:.3f} |")
                print(lines[-1], file=sys.stderr)
            return tried[shift]

        # Walk out from the defaults each way while the objective improves (two steps of
        # patience): far too low a threshold makes every pair a candidate, which is slow.
        for direction in (1, -1):
            best_here, misses, k = trial(start), 0, 0
            while misses < PATIENCE:
                k += 1
                shift = round(start + direction * STEP * k, 3)
                if not SHIFT_RANGE[0] <= shift <= SHIFT_RANGE[1]:
                    break
                value = trial(shift)
                misses = 0 if value > best_here + 1e-9 else misses + 1
                best_here = max(best_here, value)
        # Ties go to the smaller shift: the least departure from the defaults.
        chosen = max(tried, key=lambda x: (round(tried[x], 9), -abs(x)))
        best = (tried[chosen], chosen)
        lines[2:] = sorted(lines[2:], key=lambda line: float(line.split("|")[1]))
        objective, f1, only = alignment_score(check, embedder, cache, best[1])
        lines.append("")
        lines.append(
            f"chosen shift {best[1]:+.3f} (seed 1 objective {best[0]:.3f}); "
            f"seed 2 check: link F1 {f1:.3f}, only F1 {only:.3f}"
        )
    return shifted(best[1]), lines


def calibrate_positions(embedder: Embedder, cache: EmbeddingCache) -> tuple[dict[str, float], list[str]]:
    from run import evaluate_answers  # benchmarks/positions/run.py

    fitted, accuracy = evaluate_answers(HERE / "positions" / "claims.json", embedder, cache)
    lines = [
        f"positions: partly {fitted[0]}, addressed {fitted[1]} "
        f"(verdict accuracy {accuracy:.3f} on the development claims)"
    ]
    return {"partly_threshold": fitted[0], "addressed_threshold": fitted[1]}, lines


def write_constant(name: str, values: dict[str, float]) -> None:
    text = CALIBRATED.read_text(encoding="utf-8")
    body = ", ".join(f'"{k}": {v}' for k, v in sorted(values.items()))
    pattern = re.compile(rf"^{name}: dict\[str, float\] = \{{.*?\}}$", re.M | re.S)
    if not pattern.search(text):
        raise SystemExit(f"error: {name} not found in {CALIBRATED}")
    CALIBRATED.write_text(pattern.sub(f"{name}: dict[str, float] = {{{body}}}", text), encoding="utf-8")


def without_word_diffs() -> None:
    """Word diffs don't change the alignment, and take most of a comparison's time."""
    import treatydiff.compare

    treatydiff.compare.diff_segments = lambda a, b: None  # type: ignore[assignment,misc]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="a model spec, as for --model")
    parser.add_argument("--write", action="store_true", help="store the thresholds in calibrated.py")
    parser.add_argument("--skip-positions", action="store_true")
    parser.add_argument(
        "--start",
        type=float,
        default=0.0,
        help="the shift the search starts from (it walks both ways; a good start only saves time)",
    )
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found: calibration reads the reference treaties there", file=sys.stderr)
        return 1
    without_word_diffs()
    spec = resolve(args.model).spec
    embedder = make_embedder(args.model)
    embedder.thresholds = {}
    cache = EmbeddingCache(default_cache_dir())
    values, lines = calibrate_alignment(embedder, cache, args.start)
    if not args.skip_positions:
        positions, more = calibrate_positions(embedder, cache)
        values.update(positions)
        lines += more
    print("\n".join(lines))
    print(json.dumps({spec: values}, indent=2))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = spec.replace(":", "-").replace("/", "-")
    (out / f"calibration-{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if args.write:
        if spec not in CONSTANTS:
            print(f"error: no constant for {spec} in {CALIBRATED}", file=sys.stderr)
            return 1
        write_constant(CONSTANTS[spec], values)
        print(f"written to {CALIBRATED}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
