"""Alignment methods compared by the quality benchmark: treatydiff and four baselines.

Every method sees the same article-level segments and returns an alignment in the export
shape that `scoring.score_alignment` reads: segments with `id` and `article`, pairs with
`a`, `b` and `moved`. Methods that can link out of order flag as moved the pairs off the
longest order-preserving chain, the same rule treatydiff uses, so moved figures compare.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from treatydiff.alignment import longest_increasing_chain
from treatydiff.compare import CompareOptions, compare_documents, embedding_text
from treatydiff.embeddings import Embedder, EmbeddingCache
from treatydiff.export import comparison_to_dict
from treatydiff.lexical import tfidf_vectors
from treatydiff.records import Document, Level, Segment
from treatydiff.segments import segment_document

Alignment = dict[str, Any]
Method = Callable[[Document, Document, Embedder, EmbeddingCache], Alignment]


def treatydiff_method(a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache) -> Alignment:
    comparison = compare_documents(a, b, embedder, CompareOptions(level=Level.ARTICLE), cache=cache)
    return comparison_to_dict(comparison)


def treatydiff_paragraph_method(
    a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache
) -> Alignment:
    """treatydiff at paragraph level; links project to the articles that hold the paragraphs."""
    comparison = compare_documents(a, b, embedder, CompareOptions(level=Level.PARAGRAPH), cache=cache)
    return comparison_to_dict(comparison)


def _units(document: Document) -> list[Segment]:
    return list(segment_document(document, Level.ARTICLE).segments)


def _as_alignment(
    units_a: Sequence[Segment],
    units_b: Sequence[Segment],
    links: list[tuple[list[int], list[int]]],
    *,
    flag_moves: bool = True,
) -> Alignment:
    links = sorted(links, key=lambda link: (min(link[0]), min(link[1])))
    chain = (
        set(longest_increasing_chain([min(rows_b) for _, rows_b in links]))
        if flag_moves
        else set(range(len(links)))
    )
    pairs = [
        {"a": [units_a[i].id for i in rows_a], "b": [units_b[j].id for j in rows_b], "moved": k not in chain}
        for k, (rows_a, rows_b) in enumerate(links)
    ]
    used_a = {i for rows_a, _ in links for i in rows_a}
    used_b = {j for _, rows_b in links for j in rows_b}
    pairs += [{"a": [u.id], "b": [], "moved": False} for i, u in enumerate(units_a) if i not in used_a]
    pairs += [{"a": [], "b": [u.id], "moved": False} for j, u in enumerate(units_b) if j not in used_b]
    segments = lambda units: {"segments": [{"id": u.id, "article": u.article} for u in units]}  # noqa: E731
    return {"a": segments(units_a), "b": segments(units_b), "pairs": pairs}


def _greedy_one_to_one(scores: np.ndarray, threshold: float) -> list[tuple[list[int], list[int]]]:
    rows, cols = np.nonzero(scores >= threshold)
    order = np.argsort(-scores[rows, cols], kind="stable")
    used_a: set[int] = set()
    used_b: set[int] = set()
    links = []
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            links.append(([i], [j]))
    return links


def difflib_method(a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache) -> Alignment:
    """difflib SequenceMatcher word-sequence ratio of every pair, greedy one-to-one above 0.4."""
    units_a, units_b = _units(a), _units(b)
    words_b = [u.text.lower().split() for u in units_b]
    scores = np.zeros((len(units_a), len(units_b)))
    for i, unit in enumerate(units_a):
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(unit.text.lower().split())
        for j, words in enumerate(words_b):
            matcher.set_seq1(words)
            if matcher.real_quick_ratio() >= 0.4 and matcher.quick_ratio() >= 0.4:
                scores[i, j] = matcher.ratio()
    return _as_alignment(units_a, units_b, _greedy_one_to_one(scores, 0.4))


def tfidf_method(a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache) -> Alignment:
    """TF-IDF cosine (word 1-2 grams) with an optimal one-to-one assignment, pairs above 0.2."""
    from scipy.optimize import linear_sum_assignment

    units_a, units_b = _units(a), _units(b)
    lex_a, lex_b = tfidf_vectors([u.text for u in units_a], [u.text for u in units_b])
    scores = (lex_a @ lex_b.T).toarray()
    rows, cols = linear_sum_assignment(scores, maximize=True)
    links = [([int(i)], [int(j)]) for i, j in zip(rows, cols, strict=True) if scores[i, j] >= 0.2]
    return _as_alignment(units_a, units_b, links)


def _embeddings(units: Sequence[Segment], embedder: Embedder, cache: EmbeddingCache) -> np.ndarray:
    return embedder.embed([embedding_text(u) for u in units], cache=cache)


def mutual_best_method(a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache) -> Alignment:
    """Whole-segment MiniLM embeddings; link i and j when each is the other's nearest."""
    units_a, units_b = _units(a), _units(b)
    sim = _embeddings(units_a, embedder, cache) @ _embeddings(units_b, embedder, cache).T
    best_b, best_a = sim.argmax(axis=1), sim.argmax(axis=0)
    links = [([i], [int(j)]) for i, j in enumerate(best_b) if best_a[j] == i]
    return _as_alignment(units_a, units_b, links)


def monotonic_dp_method(a: Document, b: Document, embedder: Embedder, cache: EmbeddingCache) -> Alignment:
    """A Bertalign-style monotonic aligner: dynamic programming over 1-1, 1-2, 2-1, 1-0 and 0-1
    beads on the same embeddings (pooled for 2-segment beads), links above 0.5. No moves."""
    units_a, units_b = _units(a), _units(b)
    vec_a, vec_b = _embeddings(units_a, embedder, cache), _embeddings(units_b, embedder, cache)
    threshold = 0.5

    def bead_score(rows: list[int], cols: list[int]) -> float:
        x = vec_a[rows].sum(axis=0)
        y = vec_b[cols].sum(axis=0)
        return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y))) - threshold

    n, m = len(units_a), len(units_b)
    best = np.full((n + 1, m + 1), -np.inf)
    back: dict[tuple[int, int], tuple[int, int]] = {}
    best[0, 0] = 0.0
    steps = ((1, 0), (0, 1), (1, 1), (1, 2), (2, 1))
    for i in range(n + 1):
        for j in range(m + 1):
            for di, dj in steps:
                pi, pj = i - di, j - dj
                if pi < 0 or pj < 0 or best[pi, pj] == -np.inf:
                    continue
                gain = 0.0 if di == 0 or dj == 0 else bead_score(list(range(pi, i)), list(range(pj, j)))
                if best[pi, pj] + gain > best[i, j]:
                    best[i, j] = best[pi, pj] + gain
                    back[(i, j)] = (pi, pj)
    links = []
    i, j = n, m
    while (i, j) != (0, 0):
        pi, pj = back[(i, j)]
        if i > pi and j > pj:
            links.append((list(range(pi, i)), list(range(pj, j))))
        i, j = pi, pj
    return _as_alignment(units_a, units_b, links, flag_moves=False)


METHODS: dict[str, Method] = {
    "treatydiff": treatydiff_method,
    "treatydiff@paragraph": treatydiff_paragraph_method,
    "difflib": difflib_method,
    "tfidf+assign": tfidf_method,
    "minilm-mutual": mutual_best_method,
    "minilm-dp": monotonic_dp_method,
}
