#!/usr/bin/env python3
"""Compare the two documents a gold file names and score the result.

Usage: python benchmarks/score_gold.py GOLD.json [GOLD.json ...] [--level article] [--min-f1 0.95]

Runs treatydiff on the pair each gold file names (from ../shared/corpus-sources) with the
bundled model and prints one line of metrics per set, and, in the same run, the figures of the
baseline the compare issue names: mutual-best matching of whole-article MiniLM embeddings.
Exits 1 if treatydiff's F1 is below --min-f1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent / "quality"))
from scoring import score_alignment  # noqa: E402

from treatydiff.compare import CompareOptions, compare_documents, embedding_text  # noqa: E402
from treatydiff.documents import load_document  # noqa: E402
from treatydiff.embeddings import (  # noqa: E402
    Embedder,
    EmbeddingCache,
    SentenceTransformerEmbedder,
    default_cache_dir,
)
from treatydiff.export import comparison_to_dict  # noqa: E402
from treatydiff.records import Comparison, Level  # noqa: E402
from treatydiff.segments import segment_document  # noqa: E402


def mutual_best_baseline(comparison: Comparison, embedder: Embedder, cache: EmbeddingCache) -> dict[str, Any]:
    """Link article i to article j when each is the other's nearest by whole-text embedding."""
    sides = []
    for seg in (comparison.a, comparison.b):
        units = segment_document(seg.document, Level.ARTICLE).segments
        sides.append((units, embedder.embed([embedding_text(u) for u in units], cache=cache)))
    (units_a, vec_a), (units_b, vec_b) = sides
    sim = vec_a @ vec_b.T
    best_b, best_a = sim.argmax(axis=1), sim.argmax(axis=0)
    pairs = [{"a": [units_a[i].id], "b": [units_b[j].id]} for i, j in enumerate(best_b) if best_a[j] == i]
    as_dict = lambda units: {"segments": [{"id": u.id, "article": u.article} for u in units]}  # noqa: E731
    return {"a": as_dict(units_a), "b": as_dict(units_b), "pairs": pairs}


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
        print(f"{gold_path.name} [{args.level}] treatydiff {json.dumps(metrics)}")
        baseline = score_alignment(mutual_best_baseline(comparison, embedder, cache), gold)
        print(f"{gold_path.name} [article] mutual-best baseline {json.dumps(baseline)}")
        ok &= metrics["f1"] >= args.min_f1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
