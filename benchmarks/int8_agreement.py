#!/usr/bin/env python3
"""How far the int8 ONNX model (`--model onnx`) strays from all-MiniLM-L6-v2 in float32.

Embeds the paragraph-level segments of the Budapest Convention and UNCAC with both, no cache,
and prints: the cosine between the two vectors of each text (mean, 5th percentile, minimum) and
how much the pairwise similarities between texts move (mean and largest absolute change). The
alignment figures of both models are in benchmarks/backends.py's table.

    python benchmarks/int8_agreement.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "corpus-sources"


def main() -> int:
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found: this reads the reference treaties there", file=sys.stderr)
        return 1
    from treatydiff.backends import make_embedder
    from treatydiff.compare import embedding_text
    from treatydiff.documents import load_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    texts = sorted(
        {
            embedding_text(s)
            for name in ("budapest-convention.en.md", "uncac.en.md")
            for s in segment_document(load_document(SOURCES / name), Level.PARAGRAPH).segments
        }
    )
    full = make_embedder("all-MiniLM-L6-v2").embed(texts)
    int8 = make_embedder("onnx").embed(texts)
    same_text = np.sum(full * int8, axis=1)
    moved = np.abs(full @ full.T - int8 @ int8.T)[np.triu_indices(len(texts), k=1)]
    print(f"{len(texts)} distinct texts")
    print(
        f"cosine of each text's fp32 and int8 vectors: mean {same_text.mean():.4f}, "
        f"5th percentile {np.percentile(same_text, 5):.4f}, minimum {same_text.min():.4f}"
    )
    print(f"pairwise similarity change: mean {moved.mean():.4f}, largest {moved.max():.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
