"""Score a treatydiff alignment against a gold file (article level).

The metrics are those of ../shared/eval/README.md, computed the same way as
../shared/eval/score.py: links between segments count as links between the articles
that hold them; precision against sure+possible, recall against sure.
"""

from __future__ import annotations

from typing import Any


def _prf(predicted: set[str], true: set[str]) -> float:
    tp = len(predicted & true)
    precision = tp / len(predicted) if predicted else (1.0 if not true else 0.0)
    recall = tp / len(true) if true else 1.0
    return round(2 * precision * recall / (precision + recall), 3) if precision + recall else 0.0


def score_alignment(alignment: dict[str, Any], gold: dict[str, Any]) -> dict[str, Any]:
    """Precision, recall, F1 of article links; moved and only-A/only-B figures where gold has them."""
    article = {(side, s["id"]): s.get("article") for side in ("a", "b") for s in alignment[side]["segments"]}
    links: set[tuple[str, str]] = set()
    moved_a: set[str] = set()
    only_a: set[str] = set()
    only_b: set[str] = set()
    for pair in alignment["pairs"]:
        arts_a = {article.get(("a", i)) for i in pair.get("a", [])} - {None}
        arts_b = {article.get(("b", i)) for i in pair.get("b", [])} - {None}
        links |= {(str(x), str(y)) for x in arts_a for y in arts_b}
        if arts_a and not arts_b:
            only_a |= {str(x) for x in arts_a}
        if arts_b and not arts_a:
            only_b |= {str(y) for y in arts_b}
        if pair.get("moved") and arts_a and arts_b:
            moved_a |= {str(x) for x in arts_a}
    sure = {tuple(x) for x in gold["sure"]}
    possible = {tuple(x) for x in gold.get("possible", [])} | sure
    precision = len(links & possible) / len(links) if links else 0.0
    recall = len(links & sure) / len(sure) if sure else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    metrics: dict[str, Any] = {
        "links": len(links),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "f1": round(f1, 3),
        "missed": sorted(sure - links, key=lambda t: (len(t[0]), t))[:12],
        "spurious": sorted(links - possible, key=lambda t: (len(t[0]), t))[:12],
    }
    # An article reported only in A that is linked elsewhere is not "only".
    only_a -= {x for x, _ in links}
    only_b -= {y for _, y in links}
    if "moved" in gold:
        gold_moved = set(gold["moved"])
        metrics["moved_recall"] = round(len(moved_a & gold_moved) / len(gold_moved), 3) if gold_moved else 1.0
        metrics["moved_precision"] = round(len(moved_a & gold_moved) / len(moved_a), 3) if moved_a else 0.0
    if "removed" in gold:
        metrics["removed_f1"] = _prf(only_a, set(gold["removed"]))
    if "added" in gold:
        metrics["added_f1"] = _prf(only_b, set(gold["added"]))
    return metrics
