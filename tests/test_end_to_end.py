"""End to end with the real bundled model on the reference texts (skipped without ../shared)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from typer.testing import CliRunner

from treatydiff.cli import app

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "quality"))
from scoring import score_alignment  # noqa: E402

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def budapest_ets189(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    sources = ROOT.parent / "shared" / "corpus-sources"
    if not sources.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    out = tmp_path_factory.mktemp("e2e")
    report, exported = out / "report.html", out / "alignment.json"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(sources / "budapest-convention.en.md"),
            str(sources / "budapest-protocol-ets189.en.md"),
            "--level",
            "article",
            "--json",
            str(exported),
            "-o",
            str(report),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    return report, exported


def test_budapest_vs_ets189_meets_the_gold_f1(budapest_ets189: tuple[Path, Path]) -> None:
    _, exported = budapest_ets189
    gold_path = ROOT.parent / "shared" / "eval" / "budapest-ets189.gold.json"
    metrics = score_alignment(json.loads(exported.read_text()), json.loads(gold_path.read_text()))
    assert metrics["f1"] >= 0.95, metrics


def test_harness_equals_the_reference_scorer(budapest_ets189: tuple[Path, Path]) -> None:
    _, exported = budapest_ets189
    gold_path = ROOT.parent / "shared" / "eval" / "budapest-ets189.gold.json"
    reference = subprocess.run(
        [sys.executable, str(gold_path.parent / "score.py"), str(exported), str(gold_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    ours = score_alignment(json.loads(exported.read_text()), json.loads(gold_path.read_text()))
    theirs = json.loads(reference.stdout)
    assert json.loads(json.dumps(ours)) == theirs


def test_report_holds_every_segment_once(budapest_ets189: tuple[Path, Path]) -> None:
    report, exported = budapest_ets189
    data = json.loads(exported.read_text())
    soup = BeautifulSoup(report.read_text(encoding="utf-8"), "html.parser")
    seen = [el["data-seg"] for el in soup.select("[data-seg]")]
    expected = [f"{side}:{s['id']}" for side in ("a", "b") for s in data[side]["segments"]]
    assert sorted(seen) == sorted(expected)
    assert not soup.select("[src^=http], [href^=http], link[rel=stylesheet]")


def test_scorer_matches_reference_on_hand_made_alignments(tmp_path: Path) -> None:
    """Moved, removed and added figures too, which the published gold file doesn't exercise."""
    score_py = ROOT.parent / "shared" / "eval" / "score.py"
    if not score_py.is_file():
        pytest.skip("../shared/eval not present")
    segs = lambda arts: [{"id": f"s{k}", "article": a} for k, a in enumerate(arts)]  # noqa: E731
    alignment = {
        "a": {"segments": segs(["1", "2", "3", "4", "preamble"])},
        "b": {"segments": segs(["1", "2", "3", "5", "preamble"])},
        "pairs": [
            {"a": ["s0"], "b": ["s0"], "moved": False},
            {"a": ["s1"], "b": ["s2", "s1"], "moved": True},
            {"a": ["s2"], "b": [], "moved": False},
            {"a": ["s3"], "b": ["s3"], "moved": True},
            {"a": ["s4"], "b": [], "moved": False},
            {"a": [], "b": ["s4"], "moved": False},
        ],
    }
    gold = {
        "sure": [["1", "1"], ["2", "2"], ["4", "3"]],
        "possible": [["2", "3"]],
        "moved": ["2"],
        "removed": ["3"],
        "added": ["5"],
    }
    (tmp_path / "al.json").write_text(json.dumps(alignment))
    (tmp_path / "gold.json").write_text(json.dumps(gold))
    reference = subprocess.run(
        [sys.executable, str(score_py), str(tmp_path / "al.json"), str(tmp_path / "gold.json")],
        capture_output=True,
        text=True,
    )
    ours = json.loads(json.dumps(score_alignment(alignment, gold)))
    assert ours == json.loads(reference.stdout)


def compare_reference_pair(tmp_path: Path, a: str, b: str, *options: str) -> dict:  # type: ignore[type-arg]
    """Run `treatydiff compare` on two reference texts and return the JSON export."""
    sources = ROOT.parent / "shared" / "corpus-sources"
    if not sources.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    exported = tmp_path / "out.json"
    args = [
        "compare",
        str(sources / a),
        str(sources / b),
        "--json",
        str(exported),
        "-o",
        str(tmp_path / "out.html"),
    ]
    result = CliRunner().invoke(app, [*args, "-q", *options])
    assert result.exit_code == 0, result.output
    return json.loads(exported.read_text())


def test_budapest_vs_uncac_reads_right_to_a_lawyer(tmp_path: Path) -> None:
    """Jurisdiction, extradition, mutual assistance, corporate liability and final clauses find
    their UNCAC counterparts; the computer-specific offences are only in the Budapest Convention."""
    data = compare_reference_pair(tmp_path, "budapest-convention.en.md", "uncac.en.md")
    article = {(side, s["id"]): s["article"] for side in "ab" for s in data[side]["segments"]}
    links = {(article[("a", i)], article[("b", j)]) for p in data["pairs"] for i in p["a"] for j in p["b"]}
    only_a = {article[("a", i)] for p in data["pairs"] if not p["b"] for i in p["a"]}
    expected = {
        ("22", "42"),  # jurisdiction
        ("24", "44"),  # extradition
        ("25", "46"),
        ("27", "46"),  # mutual legal assistance
        ("12", "26"),  # liability of legal persons
        ("36", "68"),
        ("44", "69"),
        ("45", "66"),
        ("47", "70"),  # final clauses
    }
    assert expected <= links
    assert {str(n) for n in range(2, 11)} <= only_a  # offences against and by computer systems


def test_budapest_vs_uncac_paragraphs_of_jurisdiction(tmp_path: Path) -> None:
    """Paragraph level: territory goes with territory, nationality with nationality, and every
    link has at least the score its threshold asks for."""
    data = compare_reference_pair(
        tmp_path, "budapest-convention.en.md", "uncac.en.md", "-l", "paragraph", "--local-threshold", "0.45"
    )
    links = {(a, b) for p in data["pairs"] for a in p["a"] for b in p["b"]}
    assert ("art-22.1.a", "art-42.1.a") in links  # in its territory
    assert ("art-22.1.d", "art-42.2.b") in links  # by one of its nationals
    assert all(p["score"] >= 0.45 for p in data["pairs"] if p["a"] and p["b"])


def test_sputnik_positions_against_budapest_and_uncac(tmp_path: Path) -> None:
    """The raw scrape is cleaned on the fly; its claims reach the provisions they are about."""
    sources = ROOT.parent / "shared" / "corpus-sources"
    if not sources.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    exported = tmp_path / "positions.json"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            str(sources / "sputnik-2024-03-29-ict-convention.raw.txt"),
            str(sources / "budapest-convention.en.md"),
            "--json",
            str(exported),
            "-o",
            str(tmp_path / "positions.html"),
            "-q",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["schema"] == "treatydiff.positions/1"

    def claim(fragment: str) -> dict:  # type: ignore[type-arg]
        return next(c for c in data["claims"] if fragment in c["text"])

    def top3(fragment: str) -> list[str]:
        return [link["article"] for link in claim(fragment)["links"][:3]]

    # The aside on "unrestricted access" is about trans-border access to stored data (Art. 32).
    assert "32" in top3("allowing Western intelligence agencies")
    assert claim("allowing Western intelligence agencies")["verdict"] != "not_addressed"
    # Attacks on infrastructure are system interference (Art. 5).
    assert "5" in top3("cyber-attacks against CII")
    # Technology transfer to developing countries is nowhere in the Budapest Convention.
    assert claim("technology transfer")["verdict"] == "not_addressed"
    assert claim("Millions of people suffer")["speaker"] == "Russian Ministry of Foreign Affairs"
