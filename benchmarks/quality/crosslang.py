#!/usr/bin/env python3
"""Cross-language alignment: English against Dutch (and French) texts of the same treaty.

Both language versions of a treaty share its article and paragraph numbering, and treatydiff's
segment ids come from that numbering, so the gold is derived from the ids, not labelled by hand:

- sure links: (id, id) for every id segmented on both sides that is the same provision in both
  languages. The ids of every pair were checked against the texts; where the two versions are
  laid out differently (a definition whose items run on in one language, items the segmenter
  does not recognise, a source that skips a letter), the segments involved are taken out of the
  gold and listed in RESTRUCTURED with the reason;
- possible links: within each RESTRUCTURED group, every link between its A and its B segments:
  neither required nor penalised (the sure/possible convention of ../shared/eval/README.md);
- every other link is spurious, except a link between two segments that are outside the gold and
  in no RESTRUCTURED group (one-sided ids nobody reviewed), which is left unscored and counted
  apart; the run warns about such segments (there are none in the current texts).

A pair of treatydiff's comparison links every A segment of the pair to every B segment.
precision = (sure + possible links found) / (links found - unscored), recall = sure found / sure,
F1 their harmonic mean. The Paris Call has no articles: its segments are numbered by position
(`p1`, `p2`, ...), so its gold is positional and used only when both sides have as many segments.

    python benchmarks/quality/crosslang.py [--models e5,all-MiniLM-L6-v2,tfidf]
        [--pairs uncac,paris-call] [--levels article,paragraph]

Prints a Markdown table and writes it to benchmarks/out/crosslang.md, with the missed and
spurious links of every run in benchmarks/out/crosslang.json. Not a test: run it on demand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCES = ROOT.parent / "shared" / "corpus-sources"

EN_NL = (
    "budapest-convention",
    "budapest-protocol-ets189",
    "data-protection-convention-ets108",
    "lanzarote-convention-cets201",
    "mla-convention-ets30",
    "money-laundering-convention-cets198",
    "money-laundering-convention-ets141",
    "terrorism-prevention-convention-cets196",
    "uncac",
    "untoc",
)
# name -> (file A, file B, gold by position)
PAIRS: dict[str, tuple[str, str, bool]] = {n: (f"{n}.en.md", f"{n}.nl.md", False) for n in EN_NL}
PAIRS["paris-call"] = ("paris-call.en.md", "paris-call.fr.md", True)

LEVELS = ("article", "paragraph")
DEFAULT_MODELS = ("e5", "all-MiniLM-L6-v2", "tfidf")
TARGET_MODEL = "e5"  # the multilingual backend the targets are stated for
TARGETS = {"article": 0.97, "paragraph": 0.9}  # link F1, every EN/NL pair
# A shared id whose two texts differ this much in length is flagged for review (translations run
# 0.8-1.8 times the English; a real mismatch, a lead-in against a whole definition, runs 10-30).
RATIO_LIMIT = 3.0


@dataclass(frozen=True)
class Restructured:
    """Segments laid out differently in the two versions: out of the sure gold; links between
    its `a` and its `b` segments are possible."""

    level: str  # "article", "paragraph" or "*"
    a: tuple[str, ...]
    b: tuple[str, ...]
    reason: str


_ETS108_ITEMS = 'EN Art. 2 items are printed `a."personal data"` (no space after the label), so they are unlabelled paragraphs p2-p5; NL labels them a-d'  # noqa: E501

# Found by comparing the segment ids and texts of both versions, level by level (ids on one side
# only, kinds, order and length ratios of the shared ones); at article level every pair agrees.
RESTRUCTURED: dict[str, tuple[Restructured, ...]] = {
    "budapest-convention": (
        Restructured(
            "paragraph",
            ("art-1.d",),
            ("art-1.d", "art-1.d.-1", "art-1.d.-2", "art-1.d.-3"),
            "Art. 1(d) 'traffic data': EN runs the three conditions on in one paragraph, NL has a "
            "lead-in and three dash items",
        ),
    ),
    "data-protection-convention-ets108": tuple(
        Restructured("paragraph", (f"art-2.p{n}",), (f"art-2.{letter}",), _ETS108_ITEMS)
        for n, letter in zip(range(2, 6), "abcd", strict=True)
    ),
    "uncac": (
        Restructured(
            "paragraph",
            ("art-2.a", "art-2.a.i", "art-2.a.ii", "art-2.a.iii"),
            ("art-2.a",),
            "Art. 2(a) 'public official': EN has a lead-in and items (i)-(iii), NL runs them on in "
            "one paragraph",
        ),
        Restructured(
            "paragraph",
            ("art-2.i",),
            ("art-2.j",),
            "Art. 2(i) 'controlled delivery': the NL source labels it j. (it skips i.)",
        ),
    ),
}


class GoldError(ValueError):
    """The gold cannot be derived (stale RESTRUCTURED entry, positional gold of unequal lengths)."""


@dataclass(frozen=True)
class Gold:
    sure: frozenset[tuple[str, str]]
    possible: frozenset[tuple[str, str]]
    gold_a: frozenset[str]  # segments in a sure link
    gold_b: frozenset[str]
    grouped_a: frozenset[str]  # segments in a RESTRUCTURED group
    grouped_b: frozenset[str]
    unreviewed_a: tuple[str, ...] = ()  # outside the gold and in no group
    unreviewed_b: tuple[str, ...] = ()


def derive_gold(
    ids_a: Sequence[str],
    ids_b: Sequence[str],
    restructured: Iterable[Restructured] = (),
    level: str = "article",
    *,
    positional: bool = False,
) -> Gold:
    """The gold links between two segmentations of one text in two languages."""
    groups = [r for r in restructured if r.level in (level, "*")]
    set_a, set_b = set(ids_a), set(ids_b)
    for group in groups:
        stale = [f"A {i}" for i in group.a if i not in set_a] + [f"B {i}" for i in group.b if i not in set_b]
        if stale:
            raise GoldError(f"restructured group names segments that do not exist: {', '.join(stale)}")
    grouped_a = frozenset(i for g in groups for i in g.a)
    grouped_b = frozenset(i for g in groups for i in g.b)
    possible = frozenset((x, y) for g in groups for x in g.a for y in g.b)
    if positional:
        if len(ids_a) != len(ids_b):
            raise GoldError(
                f"positional gold needs as many segments on both sides: {len(ids_a)} and {len(ids_b)}"
            )
        sure = frozenset(
            (x, y) for x, y in zip(ids_a, ids_b, strict=True) if x not in grouped_a and y not in grouped_b
        )
    else:
        sure = frozenset((i, i) for i in ids_a if i in set_b and i not in grouped_a and i not in grouped_b)
    gold_a = frozenset(x for x, _ in sure)
    gold_b = frozenset(y for _, y in sure)
    return Gold(
        sure=sure,
        possible=possible - sure,
        gold_a=gold_a,
        gold_b=gold_b,
        grouped_a=grouped_a,
        grouped_b=grouped_b,
        unreviewed_a=tuple(i for i in ids_a if i not in gold_a and i not in grouped_a),
        unreviewed_b=tuple(i for i in ids_b if i not in gold_b and i not in grouped_b),
    )


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    found: int  # distinct links found
    sure_found: int
    possible_found: int
    spurious: tuple[tuple[str, str], ...]
    missed: tuple[tuple[str, str], ...]
    unscored: tuple[tuple[str, str], ...] = field(default=())


def score_links(links: Iterable[tuple[str, str]], gold: Gold) -> Score:
    """Precision against sure + possible, recall against sure; links between two unreviewed
    segments are left out of both."""
    found = set(links)
    unreviewed_a, unreviewed_b = set(gold.unreviewed_a), set(gold.unreviewed_b)
    unscored = {(x, y) for x, y in found if x in unreviewed_a and y in unreviewed_b}
    scored = found - unscored
    sure_found = scored & gold.sure
    possible_found = scored & gold.possible
    spurious = scored - gold.sure - gold.possible
    precision = (len(sure_found) + len(possible_found)) / len(scored) if scored else 0.0
    recall = len(sure_found) / len(gold.sure) if gold.sure else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(
        precision=round(precision, 4),
        recall=round(recall, 4),
        f1=round(f1, 4),
        found=len(found),
        sure_found=len(sure_found),
        possible_found=len(possible_found),
        spurious=tuple(sorted(spurious)),
        missed=tuple(sorted(gold.sure - found)),
        unscored=tuple(sorted(unscored)),
    )


def pair_links(pairs: Iterable[tuple[Sequence[str], Sequence[str]]]) -> set[tuple[str, str]]:
    """Every link a comparison states: each A segment of a pair with each B segment of it."""
    return {(x, y) for a, b in pairs for x in a for y in b}


def suspect_ids(
    words_a: dict[str, int], words_b: dict[str, int], gold: Gold, limit: float = RATIO_LIMIT
) -> list[tuple[str, int, int]]:
    """Sure-gold ids whose two texts differ in length by more than `limit` times: to review."""
    out = []
    for x, y in sorted(gold.sure):
        wa, wb = max(1, words_a.get(x, 0)), max(1, words_b.get(y, 0))
        if max(wa / wb, wb / wa) > limit:
            out.append((x, wa, wb))
    return out


def summarise(f1s: dict[str, float]) -> dict[str, float]:
    return {"macro_f1": round(mean(f1s.values()), 4), "min_f1": min(f1s.values())} if f1s else {}


def target_misses(results: dict[str, Any], model: str = TARGET_MODEL) -> list[str]:
    """`pair level F1 < target` for every EN/NL run of `model` that misses its target."""
    misses = []
    for pair in results:
        if pair not in EN_NL:
            continue
        for level, target in TARGETS.items():
            run = results[pair].get(level, {}).get(model)
            if run is not None and run["f1"] < target:
                misses.append(f"{pair} {level} {run['f1']:.3f} < {target}")
    return misses


# --- running -------------------------------------------------------------------------------


def _segment_info(comparison: Any) -> tuple[list[str], list[str], dict[str, int], dict[str, int]]:
    seg_a, seg_b = comparison.a.segments, comparison.b.segments
    return (
        [s.id for s in seg_a],
        [s.id for s in seg_b],
        {s.id: len(s.text.split()) for s in seg_a},
        {s.id: len(s.text.split()) for s in seg_b},
    )


def run_one(pair: str, level: str, model: str, embedder: Any, cache: Any) -> dict[str, Any]:
    from treatydiff.backends import apply_thresholds
    from treatydiff.compare import CompareOptions, compare_documents
    from treatydiff.documents import load_document

    file_a, file_b, positional = PAIRS[pair]
    doc_a, doc_b = load_document(SOURCES / file_a), load_document(SOURCES / file_b)
    options = apply_thresholds(CompareOptions(level=level), embedder.thresholds)  # type: ignore[arg-type]
    started = time.perf_counter()
    comparison = compare_documents(doc_a, doc_b, embedder, options, cache=cache)
    seconds = time.perf_counter() - started
    ids_a, ids_b, words_a, words_b = _segment_info(comparison)
    gold = derive_gold(ids_a, ids_b, RESTRUCTURED.get(pair, ()), level, positional=positional)
    links = pair_links(([s.id for s in p.a], [s.id for s in p.b]) for p in comparison.pairs)
    score = score_links(links, gold)
    text_a = {s.id: s.text for s in comparison.a.segments}
    text_b = {s.id: s.text for s in comparison.b.segments}
    return {
        "pair": pair,
        "level": level,
        "model": model,
        "thresholds": dict(embedder.thresholds),
        "precision": score.precision,
        "recall": score.recall,
        "f1": score.f1,
        "gold_links": len(gold.sure),
        "possible_links": len(gold.possible),
        "segments_a": len(ids_a),
        "segments_b": len(ids_b),
        "gold_a": len(gold.gold_a),
        "gold_b": len(gold.gold_b),
        "links_found": score.found,
        "sure_found": score.sure_found,
        "possible_found": score.possible_found,
        "seconds": round(seconds, 2),
        "missed": [_show(x, y, text_a, text_b) for x, y in score.missed],
        "spurious": [_show(x, y, text_a, text_b) for x, y in score.spurious],
        "unscored": [list(link) for link in score.unscored],
        "unreviewed": {"a": list(gold.unreviewed_a), "b": list(gold.unreviewed_b)},
        "suspect_ids": [list(s) for s in suspect_ids(words_a, words_b, gold)],
        "warnings": list(comparison.warnings),
    }


def _show(x: str, y: str, text_a: dict[str, str], text_b: dict[str, str]) -> dict[str, str]:
    return {"a": x, "b": y, "a_text": text_a.get(x, "")[:120], "b_text": text_b.get(y, "")[:120]}


def render(results: dict[str, Any], models: list[str], levels: list[str]) -> str:
    lines: list[str] = []
    for level in levels:
        pairs = [p for p in results if level in results[p]]
        if not pairs:
            continue
        lines += [f"### {level} level", ""]
        header = ["pair", "gold links", "in gold A/B"]
        for model in models:
            header += [f"{model} P", "R", "F1", "s"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for pair in pairs:
            runs = results[pair][level]
            first = runs[models[0]]
            cells = [
                pair,
                str(first["gold_links"]),
                f"{first['gold_a']}/{first['segments_a']} · {first['gold_b']}/{first['segments_b']}",
            ]
            for model in models:
                run = runs[model]
                cells += [f"{run['precision']:.3f}", f"{run['recall']:.3f}", f"**{run['f1']:.3f}**"]
                cells.append(f"{run['seconds']:.1f}")
            lines.append("| " + " | ".join(cells) + " |")
        en_nl = [p for p in pairs if p in EN_NL]
        groups = [("EN/NL", en_nl)] if en_nl else []
        if len(en_nl) < len(pairs):
            groups.append(("all", pairs))
        for label, chosen in groups:
            for stat in ("macro_f1", "min_f1"):
                cells = [f"{label} {stat.replace('_f1', '')} ({len(chosen)})", "", ""]
                for model in models:
                    value = summarise({p: results[p][level][model]["f1"] for p in chosen})[stat]
                    cells += ["", "", f"{value:.3f}", ""]
                lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(
        f"Targets, {TARGET_MODEL} on every EN/NL pair: article-level F1 ≥ {TARGETS['article']}, "
        f"paragraph-level F1 ≥ {TARGETS['paragraph']}."
    )
    if TARGET_MODEL in models:
        misses = target_misses(results)
        lines.append("Missed: " + "; ".join(misses) + "." if misses else "All met in this run.")
    lines += [
        "",
        "P, R, F1: link precision (sure + possible), recall (sure), F1; gold links: sure links; in gold A/B: "
        "segments in a sure link / segments, per side; s: seconds for the comparison (cached embeddings "
        "make reruns faster).",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--models", default=",".join(DEFAULT_MODELS), help="comma-separated model specs")
    parser.add_argument(
        "--pairs", default=",".join(PAIRS), help="comma-separated subset of: " + ", ".join(PAIRS)
    )
    parser.add_argument("--levels", default=",".join(LEVELS), help="comma-separated: article, paragraph")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args(argv)
    if not SOURCES.is_dir():
        print(
            f"error: {SOURCES} not found: the cross-language benchmark needs the reference texts",
            file=sys.stderr,
        )
        return 1
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    pairs = [p.strip() for p in args.pairs.split(",") if p.strip()]
    levels = [v.strip() for v in args.levels.split(",") if v.strip()]
    unknown = [p for p in pairs if p not in PAIRS] + [v for v in levels if v not in LEVELS]
    if unknown or not (models and pairs and levels):
        print(
            f"error: unknown or missing pairs/levels: {', '.join(unknown) or 'none given'}", file=sys.stderr
        )
        return 1
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from treatydiff.backends import make_embedder
    from treatydiff.embeddings import EmbeddingCache, default_cache_dir
    from treatydiff.errors import TreatydiffError

    cache = EmbeddingCache(default_cache_dir())
    results: dict[str, dict[str, dict[str, Any]]] = {}
    for model in models:
        try:
            embedder = make_embedder(model)
        except TreatydiffError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        for pair in pairs:
            for level in levels:
                try:
                    run = run_one(pair, level, model, embedder, cache)
                except GoldError as exc:
                    print(f"error: {pair} {level}: {exc}", file=sys.stderr)
                    return 1
                results.setdefault(pair, {}).setdefault(level, {})[model] = run
                notes = []
                if run["unreviewed"]["a"] or run["unreviewed"]["b"]:
                    notes.append(f"unreviewed ids outside gold: {run['unreviewed']}")
                if run["suspect_ids"]:
                    notes.append(f"shared ids to review (length ratio > {RATIO_LIMIT}): {run['suspect_ids']}")
                print(
                    f"  {model} {pair} {level}: F1 {run['f1']:.3f} (P {run['precision']:.3f} "
                    f"R {run['recall']:.3f}) {run['seconds']:.1f}s"
                    + "".join(f"\n    warning: {n}" for n in notes),
                    file=sys.stderr,
                )
    results = {p: {v: results[p][v] for v in levels} for p in pairs}
    text = render(results, models, levels)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "crosslang.md").write_text(text + "\n", encoding="utf-8")
    summary = {
        model: {
            level: {
                "en_nl": summarise({p: results[p][level][model]["f1"] for p in pairs if p in EN_NL}),
                "all": summarise({p: results[p][level][model]["f1"] for p in pairs}),
            }
            for level in levels
        }
        for model in models
    }
    detail = {
        "targets": {"model": TARGET_MODEL, "f1": TARGETS, "missed": target_misses(results)},
        "restructured": {
            pair: [{"level": r.level, "a": r.a, "b": r.b, "reason": r.reason} for r in groups]
            for pair, groups in RESTRUCTURED.items()
        },
        "summary": summary,
        "runs": results,
    }
    (args.out / "crosslang.json").write_text(
        json.dumps(detail, indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
