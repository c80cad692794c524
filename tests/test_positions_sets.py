"""The labelled claim sets the positions benchmark scores: well formed, and citing real articles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

SETS = Path(__file__).resolve().parent.parent / "benchmarks" / "positions"
SET_FILES = ("claims.json", "claims-test.json", "claims-test2.json", "claims.second-annotator.json")
VERDICTS = {"addressed", "partly_addressed", "not_addressed"}


def load(name: str) -> dict:
    return json.loads((SETS / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SET_FILES)
def test_a_set_is_well_formed(name: str) -> None:
    data = load(name)
    ids = [item["id"] for item in data["items"]]
    assert len(ids) == len(set(ids))
    for item in data["items"]:
        if "sentence" in item:  # the second annotator's file carries ids and judgements only
            assert item["claim"] in item["sentence"], item["id"]
        for treaty, judgement in item["judgements"].items():
            assert treaty in data.get("treaties", [treaty])
            assert judgement["verdict"] in VERDICTS, item["id"]
            # Articles are cited exactly when the treaty deals with the claim.
            assert bool(judgement["articles"]) == (judgement["verdict"] != "not_addressed"), item["id"]


def test_the_held_out_sets_share_no_claim_with_the_development_set() -> None:
    development = {item["claim"].lower() for item in load("claims.json")["items"]}
    for name in ("claims-test.json", "claims-test2.json"):
        assert not development & {item["claim"].lower() for item in load(name)["items"]}


@pytest.mark.parametrize("name", SET_FILES[:3])
def test_every_cited_article_exists(name: str, corpus_sources: Path) -> None:
    data = load(name)
    for treaty in data["treaties"]:
        text = (corpus_sources / f"{treaty}.md").read_text(encoding="utf-8")
        articles = set(re.findall(r"^#+\s*Article\s+(\d+)\b", text, re.M))
        for item in data["items"]:
            cited = set(item["judgements"][treaty]["articles"])
            assert cited <= articles, (item["id"], treaty, cited - articles)
