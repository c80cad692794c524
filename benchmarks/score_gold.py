#!/usr/bin/env python3
"""Compare the two documents a gold file names and score the result.

Usage: python benchmarks/score_gold.py GOLD.json [GOLD.json ...] [--level article] [--min-f1 0.95]

Runs treatydiff on the pair each gold file names (from ../shared/corpus-sources) with the
bundled model and prints one line of metrics per set. Exits 1 if an F1 is below --min-f1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import score_alignment  # noqa: E402
from treatydiff.compare import CompareOptions, compare_documents  # noqa: E402
from treatydiff.documents import load_document  # noqa: E402
from treatydiff.embeddings import EmbeddingCache, SentenceTransformerEmbedder, default_cache_dir  # noqa: E402
from treatydiff.export import comparison_to_dict  # noqa: E402
from treatydiff.records import Level  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="+", type=Path)
    parser.add_argument("--level", default="article", choices=[level.value for level in Level])
    parser.add_argument("--min-f1", type=float, default=0.0)
    args = parser.parse_args()
    embedder = SentenceTransformerEmbedder()
    cache = EmbeddingCache(default_cache_dir())
    ok = True
    for gold_path in args.gold:
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        sources = gold_path.resolve().parent.parent / "corpus-sources"
        a, b = load_document(sources / gold["a"]), load_document(sources / gold["b"])
        comparison = compare_documents(a, b, embedder, CompareOptions(level=Level(args.level)), cache=cache)
        metrics = score_alignment(comparison_to_dict(comparison), gold)
        print(f"{gold_path.name} [{args.level}] {json.dumps(metrics)}")
        ok &= metrics["f1"] >= args.min_f1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
