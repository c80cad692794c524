#!/usr/bin/env python3
"""Can more signals than the best article's score give better verdicts? A learned check.

The shipped verdict puts two thresholds on one number, the best article's score. This script
asks whether any combination of the signals the linker has would do better: for every
judgement it computes

- `score`: the best article's score (what the shipped verdict reads);
- `margin`: the best article's score minus the second's;
- `semantic`, `lexical`: the best paragraph's embedding cosine and TF-IDF cosine;
- `lift`: the best score minus the mean of the next nine (how far it stands out);
- `coverage`: the IDF-weighted share of the query's words (glossary-expanded, six-letter
  stems, words the treaties never use left out) found in the best article;
- `breadth`: how strongly the best article attracts every claim of the set (a general
  cooperation article attracts many), and `length`: its length in thousands of characters.

It then fits a multinomial logistic regression on the development set for every subset of up
to four signals, picks the subset and regularisation with the best 5-fold cross-validated
accuracy there (folds by sentence, as in `run.py`), and scores that one choice, fitted on the
whole development set, on each held-out set. Nothing is chosen on the held-out sets.

    python benchmarks/positions/verdict_features.py [--model MODEL]

scikit-learn comes with the `dev` extra.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from itertools import combinations
from pathlib import Path

import numpy as np
from run import FOLDS, HERE, SOURCES, VERDICTS, claim_for, load_set, model_and_cache, sources_present
from sklearn.linear_model import LogisticRegression

from treatydiff.backends import DEFAULT_SPEC
from treatydiff.documents import load_document
from treatydiff.positions import PositionsOptions, article_key, claim_query, link_claims

SIGNALS = ("score", "margin", "semantic", "lexical", "lift", "coverage", "breadth", "length")
MAX_SIGNALS = 4
STRENGTHS = (0.3, 1.0, 3.0, 10.0)  # inverse regularisation strengths tried
_STOPWORDS = frozenset(
    "the a an of to in on for and or by with from as at is are be will would can could may might must "
    "should that this it its their they them which who what when where than then not no any all some "
    "such other into under over about between up out more most less only also do does did has have had "
    "been being was were per".split()
)


def stems(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    return {w[:6] for w in words if w not in _STOPWORDS and len(w) > 2}


def signals(path: Path, embedder, cache) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The signal matrix, the gold verdicts (indices into VERDICTS) and the fold groups."""
    names, items, judgements = load_set(path)
    treaties = [load_document(SOURCES / f"{name}.md") for name in names]
    claims = [claim_for(item)[0] for item in items]
    positions = link_claims(
        treaties[0], treaties, embedder, PositionsOptions(top_k=50), claims=claims, cache=cache
    )
    paragraphs = [s for unit in positions.treaties for s in unit.segments]
    document_frequency: dict[str, int] = {}
    for segment in paragraphs:
        for stem in stems(segment.text):
            document_frequency[stem] = document_frequency.get(stem, 0) + 1
    idf = {stem: math.log(len(paragraphs) / n) for stem, n in document_frequency.items()}
    rows: dict[tuple[str, str], list[float]] = {}
    for name, unit, verdicts in zip(names, positions.treaties, positions.verdicts, strict=True):
        article_text: dict[str, str] = {}
        for segment in unit.segments:
            key = article_key(segment)
            article_text[key] = f"{article_text.get(key, segment.article_title or '')} {segment.text}"
        pull: dict[str, float] = {}
        for verdict in verdicts:
            for link in verdict.links:
                key = article_key(link.segment)
                pull[key] = pull.get(key, 0.0) + link.score / len(verdicts)
        for item, claim, verdict in zip(items, claims, verdicts, strict=True):
            scores = [link.score for link in verdict.links]
            best = verdict.links[0]
            key = article_key(best.segment)
            query = [s for s in stems(claim_query(claim.focus)) if s in idf]
            found = stems(article_text[key])
            weight = sum(idf[s] for s in query) or 1.0
            rows[(item["id"], name)] = [
                scores[0],
                scores[0] - scores[1],
                best.semantic,
                best.lexical,
                scores[0] - float(np.mean(scores[1:10])),
                sum(idf[s] for s in query if s in found) / weight,
                pull[key],
                len(article_text[key]) / 1000,
            ]
    matrix = np.array([rows[(j.item, j.treaty)] for j in judgements])
    gold = np.array([VERDICTS.index(j.verdict) for j in judgements])
    return matrix, gold, [j.group for j in judgements]


def fold_of(groups: list[str]) -> np.ndarray:
    distinct = sorted(set(groups))
    order = np.random.default_rng(0).permutation(len(distinct))
    fold = {distinct[k]: n % FOLDS for n, k in enumerate(order)}
    return np.array([fold[g] for g in groups])


def fit(matrix: np.ndarray, gold: np.ndarray, columns: list[int], strength: float) -> LogisticRegression:
    return LogisticRegression(C=strength, max_iter=5000).fit(matrix[:, columns], gold)


def cross_validated(
    matrix: np.ndarray, gold: np.ndarray, folds: np.ndarray, columns: list[int], strength: float
) -> float:
    right = 0
    for fold in range(FOLDS):
        model = fit(matrix[folds != fold], gold[folds != fold], columns, strength)
        right += int((model.predict(matrix[folds == fold][:, columns]) == gold[folds == fold]).sum())
    return right / len(gold)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=DEFAULT_SPEC, help="a model spec, as for treatydiff --model")
    args = parser.parse_args()
    if not sources_present():
        return 1
    embedder, cache = model_and_cache(args.model)
    dev = signals(HERE / "claims.json", embedder, cache)
    held_out = {
        name: signals(HERE / name, embedder, cache) for name in ("claims-test.json", "claims-test2.json")
    }
    print("Mean of each signal by gold verdict (development set):\n")
    print("| signal | " + " | ".join(VERDICTS) + " |")
    print("|---|" + "---|" * len(VERDICTS))
    for k, signal in enumerate(SIGNALS):
        means = [dev[0][dev[1] == v, k].mean() for v in range(len(VERDICTS))]
        print(f"| {signal} | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    folds = fold_of(dev[2])
    tried = []
    for size in range(1, MAX_SIGNALS + 1):
        for columns in combinations(range(len(SIGNALS)), size):
            for strength in STRENGTHS:
                tried.append(
                    (cross_validated(dev[0], dev[1], folds, list(columns), strength), list(columns), strength)
                )
    score_only = max(t for t in tried if t[1] == [0])
    best = max(tried, key=lambda t: t[0])
    print(f"\n{len(tried)} signal subsets and strengths tried on the development set.\n")
    print("| verdict from | development, 5-fold CV | " + " | ".join(held_out) + " |")
    print("|---|---|" + "---|" * len(held_out))
    for label, (cv, columns, strength) in (
        ("the score alone (logistic)", score_only),
        ("best subset on development", best),
    ):
        model = fit(dev[0], dev[1], columns, strength)
        accuracies = [float((model.predict(m[:, columns]) == g).mean()) for m, g, _ in held_out.values()]
        chosen = ", ".join(SIGNALS[c] for c in columns)
        print(
            f"| {label}: {chosen} (C={strength}) | {cv:.3f} | "
            + " | ".join(f"{a:.3f}" for a in accuracies)
            + " |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
