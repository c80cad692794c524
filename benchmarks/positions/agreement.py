#!/usr/bin/env python3
"""Agreement of two annotators on the development set: how reliable its verdicts are.

`claims.second-annotator.json` was labelled from the sentences and claims alone, by an
annotator who never saw `claims.json`'s verdicts, with the same written definitions.

    python benchmarks/positions/agreement.py
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERDICTS = ("not_addressed", "partly_addressed", "addressed")


def main() -> int:
    first = json.loads((HERE / "claims.json").read_text(encoding="utf-8"))["items"]
    second = {
        item["id"]: item["judgements"]
        for item in json.loads((HERE / "claims.second-annotator.json").read_text(encoding="utf-8"))["items"]
    }
    pairs = [
        (judgement, second[item["id"]][treaty])
        for item in first
        for treaty, judgement in item["judgements"].items()
    ]
    agree = sum(1 for a, b in pairs if a["verdict"] == b["verdict"])
    count_a = Counter(a["verdict"] for a, _ in pairs)
    count_b = Counter(b["verdict"] for _, b in pairs)
    total = len(pairs)
    observed = agree / total
    expected = sum(count_a[v] * count_b[v] for v in VERDICTS) / total**2
    both_cite = [(a, b) for a, b in pairs if a["articles"] and b["articles"]]
    shared = sum(1 for a, b in both_cite if set(a["articles"]) & set(b["articles"]))
    kappa = (observed - expected) / (1 - expected)
    print(f"{total} judgements: verdict agreement {observed:.3f}, Cohen's kappa {kappa:.3f}")
    print(f"where both cite articles, they share one in {shared}/{len(both_cite)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
