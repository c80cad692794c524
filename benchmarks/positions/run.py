#!/usr/bin/env python3
"""Claim -> provision linking on the hand-labelled set `claims.json`, against a plain baseline.

Each item is a sentence from a news piece with one judged claim in it, and a verdict per
treaty (addressed / partly addressed / not addressed) with the right articles.

- treatydiff: the sentence goes through claim extraction (attribution stripped, bundled
  claims split); the extracted claim that covers the judged one is linked with
  `treatydiff.positions` (paragraphs pooled to articles, titles, glossary-expanded wording,
  generic-text penalty).
- baseline: the whole sentence, embedded as it is, against every paragraph's plain text;
  an article scores as its best paragraph. No claim splitting, no generic-text handling.

Figures:
- top-3 recall: share of addressed or partly addressed judgements with a right article
  among the three best-ranked articles;
- verdict accuracy with the thresholds treatydiff ships (for the baseline, which has no
  shipped thresholds, the figure is the cross-validated one);
- cross-validated verdict accuracy: thresholds fitted on 4/5 of the items, scored on the
  other fifth, five folds (items grouped by sentence, so one sentence is never on both sides);
- `--calibrate` prints the thresholds that fit each set best: the shipped defaults are the
  ones fitted on the development set.

Three sets: `claims.json`, the development set the method was built on; `claims-test.json`,
written later by another annotator and held out until its first scoring (its missed claims then
showed gaps in claim extraction, which were mended, so it is no longer blind); and
`claims-test2.json`, written by a third annotator that saw neither the code nor any result, and
first scored after those mends.

    python benchmarks/positions/run.py [--calibrate] [--set FILE ...]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SOURCES = REPO.parent / "shared" / "corpus-sources"
OUT = REPO / "benchmarks" / "out"
VERDICTS = ("not_addressed", "partly_addressed", "addressed")
GRID = [round(x, 3) for x in np.arange(0.2, 0.75, 0.005)]
FOLDS = 5

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from treatydiff.backends import DEFAULT_SPEC, apply_thresholds, make_embedder  # noqa: E402
from treatydiff.claims import extract_claims  # noqa: E402
from treatydiff.documents import load_document, parse_document  # noqa: E402
from treatydiff.embeddings import Embedder, EmbeddingCache, default_cache_dir  # noqa: E402
from treatydiff.positions import PositionsOptions, article_key, link_claims, provision_units  # noqa: E402
from treatydiff.records import Claim, Document  # noqa: E402


@dataclass(frozen=True)
class Judgement:
    item: str
    group: str  # the sentence: items of one sentence stay in one fold
    treaty: str
    verdict: str
    articles: tuple[str, ...]


@dataclass(frozen=True)
class Ranked:
    """One method's answer for one judgement: the best score and the ranked article numbers."""

    score: float
    articles: tuple[str, ...]


def load_set(path: Path) -> tuple[list[str], list[dict], list[Judgement]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    judgements = [
        Judgement(item["id"], item["sentence"], treaty, j["verdict"], tuple(j["articles"]))
        for item in data["items"]
        for treaty, j in item["judgements"].items()
    ]
    return data["treaties"], data["items"], judgements


def sentence_document(sentence: str, item_id: str) -> Document:
    return parse_document(f"---\ntitle: {item_id}\nkind: news\n---\n\n{sentence}\n", path=item_id)


def claim_for(item: dict) -> tuple[Claim, bool]:
    """The extracted claim that covers the judged one, and whether extraction found it at all."""
    document = sentence_document(item["sentence"], item["id"])
    start = document.text.index(item["claim"])
    end = start + len(item["claim"])
    claims = extract_claims(document)

    def overlap(claim: Claim) -> float:
        shared = max(0, min(end, claim.end) - max(start, claim.start))
        return shared / max(end - start, claim.end - claim.start)

    best = max(claims, key=overlap, default=None)
    if best is not None and overlap(best) > 0.3:
        return best, True
    # Missed by extraction: link the sentence as it stands, and count the miss.
    body = item["sentence"]
    return Claim("c0", body, 0, len(body), None, None, body, "fallback"), False


def treatydiff_answers(
    items: Sequence[dict], treaties: dict[str, Document], embedder: Embedder, cache: EmbeddingCache
) -> tuple[dict[tuple[str, str], Ranked], int, list[tuple[str, str]]]:
    picked = [claim_for(item) for item in items]
    claims = [c for c, _ in picked]
    names = list(treaties)
    # Thresholds do not change rankings or scores; verdicts are recomputed below.
    positions = link_claims(
        next(iter(treaties.values())),
        [treaties[n] for n in names],
        embedder,
        PositionsOptions(top_k=50),
        claims=claims,
        cache=cache,
    )
    answers = {}
    for name, verdicts in zip(names, positions.verdicts, strict=True):
        for item, verdict in zip(items, verdicts, strict=True):
            ranked = tuple(link.segment.article or link.segment.id for link in verdict.links)
            answers[(item["id"], name)] = Ranked(verdict.score, ranked)
    found = sum(1 for _, ok in picked if ok)
    focuses = [(item["claim"], claim.focus) for item, claim in zip(items, claims, strict=True)]
    return answers, found, focuses


def baseline_answers(
    items: Sequence[dict], treaties: dict[str, Document], embedder: Embedder, cache: EmbeddingCache
) -> dict[tuple[str, str], Ranked]:
    sentences = [item["sentence"] for item in items]
    sentence_vectors = embedder.embed(sentences, cache=cache)
    answers = {}
    for name, treaty in treaties.items():
        segments = provision_units(treaty).segments
        paragraph_vectors = embedder.embed([s.text for s in segments], cache=cache)
        similarity = sentence_vectors @ paragraph_vectors.T
        keys = [article_key(s) for s in segments]
        for row, item in enumerate(items):
            best: dict[str, float] = {}
            for col in np.argsort(-similarity[row]):
                best.setdefault(segments[col].article or keys[col], float(similarity[row, col]))
            ranked = tuple(best)
            answers[(item["id"], name)] = Ranked(best[ranked[0]], ranked)
    return answers


def top3_recall(judgements: Sequence[Judgement], answers: dict[tuple[str, str], Ranked]) -> tuple[float, int]:
    relevant = [j for j in judgements if j.articles]
    hits = sum(1 for j in relevant if set(j.articles) & set(answers[(j.item, j.treaty)].articles[:3]))
    return hits / len(relevant), len(relevant)


def verdict_of(score: float, partly: float, addressed: float) -> str:
    return "addressed" if score >= addressed else "partly_addressed" if score >= partly else "not_addressed"


def accuracy(
    judgements: Sequence[Judgement], answers: dict[tuple[str, str], Ranked], partly: float, addressed: float
) -> float:
    right = sum(
        1 for j in judgements if verdict_of(answers[(j.item, j.treaty)].score, partly, addressed) == j.verdict
    )
    return right / len(judgements)


def fit_thresholds(
    judgements: Sequence[Judgement], answers: dict[tuple[str, str], Ranked]
) -> tuple[float, float]:
    """The (partly, addressed) pair with the best accuracy; ties go to the widest margins."""
    best = (-1.0, 0.0, 0.0)
    for partly in GRID:
        for addressed in GRID:
            if addressed < partly:
                continue
            score = accuracy(judgements, answers, partly, addressed)
            if score > best[0] + 1e-12:
                best = (score, partly, addressed)
    return best[1], best[2]


def cross_validated_accuracy(
    judgements: Sequence[Judgement], answers: dict[tuple[str, str], Ranked]
) -> float:
    groups = sorted({j.group for j in judgements})
    rng = np.random.default_rng(0)
    order = list(rng.permutation(len(groups)))
    fold_of = {groups[k]: n % FOLDS for n, k in enumerate(order)}
    right = 0
    for fold in range(FOLDS):
        train = [j for j in judgements if fold_of[j.group] != fold]
        test = [j for j in judgements if fold_of[j.group] == fold]
        partly, addressed = fit_thresholds(train, answers)
        right += round(accuracy(test, answers, partly, addressed) * len(test))
    return right / len(judgements)


def evaluate_answers(
    path: Path, embedder: Embedder, cache: EmbeddingCache
) -> tuple[tuple[float, float], float]:
    """treatydiff's (partly, addressed) thresholds fitted on a set, and their accuracy there."""
    names, items, judgements = load_set(path)
    treaties = {name: load_document(SOURCES / f"{name}.md") for name in names}
    answers, _, _ = treatydiff_answers(items, treaties, embedder, cache)
    fitted = fit_thresholds(judgements, answers)
    return fitted, accuracy(judgements, answers, *fitted)


def evaluate(
    path: Path, embedder: Embedder, cache: EmbeddingCache, calibrate: bool
) -> tuple[list[str], dict]:
    """The table lines and the figures for one labelled set."""
    names, items, judgements = load_set(path)
    treaties = {name: load_document(SOURCES / f"{name}.md") for name in names}
    ours, found, _ = treatydiff_answers(items, treaties, embedder, cache)
    base = baseline_answers(items, treaties, embedder, cache)
    defaults = apply_thresholds(PositionsOptions(), embedder.thresholds)
    rows = []
    for method, answers in (("treatydiff", ours), ("baseline", base)):
        recall, relevant = top3_recall(judgements, answers)
        fitted = fit_thresholds(judgements, answers)
        shipped = (
            accuracy(judgements, answers, defaults.partly_threshold, defaults.addressed_threshold)
            if method == "treatydiff"
            else None
        )
        rows.append(
            {
                "method": method,
                "top3_recall": round(recall, 3),
                "relevant_judgements": relevant,
                "verdict_accuracy_shipped": None if shipped is None else round(shipped, 3),
                "verdict_accuracy_cv": round(cross_validated_accuracy(judgements, answers), 3),
                "fitted_thresholds": {"partly": fitted[0], "addressed": fitted[1]},
                "verdict_accuracy_fitted": round(accuracy(judgements, answers, *fitted), 3),
            }
        )
    majority = max(VERDICTS, key=lambda v: sum(1 for j in judgements if j.verdict == v))
    majority_accuracy = sum(1 for j in judgements if j.verdict == majority) / len(judgements)
    lines = [
        f"### {path.name}: {len(items)} claims, {len(judgements)} judgements against {', '.join(names)}",
        "",
        f"Extraction found {found}/{len(items)} judged claims; "
        f"always '{majority}' scores {majority_accuracy:.3f}.",
        "",
        "| method | top-3 recall | verdict accuracy (shipped thresholds) | verdict accuracy (5-fold CV) |",
        "|---|---|---|---|",
    ]
    for row in rows:
        shipped_text = (
            "–" if row["verdict_accuracy_shipped"] is None else f"{row['verdict_accuracy_shipped']:.3f}"
        )
        cv = f"{row['verdict_accuracy_cv']:.3f}"
        lines.append(f"| {row['method']} | {row['top3_recall']:.3f} | {shipped_text} | {cv} |")
    if calibrate:
        lines.append("")
        for row in rows:
            fitted = row["fitted_thresholds"]
            lines.append(
                f"{row['method']}: thresholds fitted on the whole set: partly {fitted['partly']}, "
                f"addressed {fitted['addressed']} (accuracy {row['verdict_accuracy_fitted']:.3f})"
            )
    lines.append("")
    return lines, {"set": path.name, "rows": rows, "claims_found": found, "claims": len(items)}


def sources_present() -> bool:
    """Whether the reference treaties are there; says so on stderr when they aren't."""
    if SOURCES.is_dir():
        return True
    print(f"error: {SOURCES} not found: the benchmark reads the reference treaties there", file=sys.stderr)
    return False


def model_and_cache(spec: str) -> tuple[Embedder, EmbeddingCache]:
    return make_embedder(spec), EmbeddingCache(default_cache_dir())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--set",
        type=Path,
        action="append",
        help="a labelled set [default: claims.json (development), claims-test.json, claims-test2.json]",
    )
    parser.add_argument("--calibrate", action="store_true", help="print the thresholds fitted on each set")
    parser.add_argument("--model", default=DEFAULT_SPEC, help="a model spec, as for treatydiff --model")
    args = parser.parse_args()
    if not sources_present():
        return 1
    sets = args.set or [HERE / "claims.json", HERE / "claims-test.json", HERE / "claims-test2.json"]
    embedder, cache = model_and_cache(args.model)
    lines: list[str] = []
    figures = []
    for path in sets:
        set_lines, set_figures = evaluate(path, embedder, cache, args.calibrate)
        lines += set_lines
        figures.append(set_figures)
    print("\n".join(lines))
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "positions.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (OUT / "positions.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
