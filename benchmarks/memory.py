#!/usr/bin/env python3
"""Peak memory of aligning two large documents: the similarity matrix must stay near 1 GB.

Builds two synthetic documents of N segments each (default 10,000): B is A redrafted — most
segments kept with noise, some replaced, some moved — as vectors (384-d embeddings, sparse
TF-IDF rows, titles and parts), and runs the aligner on them. Reports the peak of memory
allocated during `align` (tracemalloc, which numpy reports its arrays to), with the run time.
The dense float32 N x N matrix itself is 0.37 GiB at N = 10,000.

    python benchmarks/memory.py [--segments 10000] [--seed 0]
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc

import numpy as np
from scipy.sparse import csr_matrix, diags
from scipy.sparse import random as sparse_random

from treatydiff.alignment import AlignmentConfig, SideVectors, align

DIMENSIONS = 384
VOCABULARY = 40_000
TERMS_PER_SEGMENT = 40


def normalise_rows(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def synthetic_pair(n: int, seed: int) -> tuple[SideVectors, SideVectors]:
    rng = np.random.default_rng(seed)
    semantic_a = normalise_rows(rng.normal(size=(n, DIMENSIONS)))
    density = TERMS_PER_SEGMENT / VOCABULARY
    lexical_a = sparse_random(n, VOCABULARY, density=density, format="csr", random_state=seed)
    # B: 80 % of A's segments with noise, 20 % new; 5 % of them moved far.
    keep = rng.random(n) < 0.8
    noisy = semantic_a + 0.03 * rng.normal(size=(n, DIMENSIONS))
    semantic_b = np.where(keep[:, None], noisy, rng.normal(size=(n, DIMENSIONS)))
    noise = sparse_random(n, VOCABULARY, density=8 / VOCABULARY, format="csr", random_state=seed + 1)
    fresh = sparse_random(n, VOCABULARY, density=density, format="csr", random_state=seed + 2)
    lexical_b = diags(keep.astype(float)) @ lexical_a + noise + diags((~keep).astype(float)) @ fresh
    order = np.arange(n)
    moved = rng.choice(n, size=n // 20, replace=False)
    order[np.sort(moved)] = moved
    semantic_b, lexical_b = semantic_b[order], lexical_b[order]

    def side(semantic: np.ndarray, lexical: csr_matrix) -> SideVectors:
        norms = np.sqrt(np.asarray(lexical.multiply(lexical).sum(axis=1))).ravel()
        norms[norms == 0] = 1.0
        lexical = csr_matrix(diags(1.0 / norms) @ lexical)
        return SideVectors(
            semantic=normalise_rows(semantic),
            lexical=lexical.astype(np.float32),
            weights=rng.integers(20, 200, size=n).astype(np.float32),
            titles=normalise_rows(rng.normal(size=(n, DIMENSIONS))),
            parts=np.ones(n, dtype=np.int8),
        )

    return side(semantic_a, lexical_a), side(semantic_b, lexical_b)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    a, b = synthetic_pair(args.segments, args.seed)
    tracemalloc.start()
    started = time.perf_counter()
    result = align(a, b, AlignmentConfig())
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    linked = sum(1 for g in result.groups if g.a and g.b)
    dense = args.segments * args.segments * 4 / 2**30
    print(
        f"{args.segments} x {args.segments} segments: peak allocated during align {peak / 2**30:.2f} GiB "
        f"(one dense float32 matrix: {dense:.2f} GiB), {seconds:.1f} s, {linked} groups linked"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
