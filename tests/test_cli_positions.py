"""`treatydiff positions` and compare's switch to positions for news (CliRunner, fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import treatydiff.pipeline
from fakes import FakeEmbedder
from treatydiff.cli import app

POSITIONS = Path(__file__).parent / "fixtures" / "positions"
NEWS = str(POSITIONS / "news.md")
TREATY = str(POSITIONS / "treaty.md")
V1 = str(Path(__file__).parent / "fixtures" / "compare" / "draft-v1.md")
runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda model: FakeEmbedder())


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    output = result.output.strip()
    assert "Traceback" not in output and len(output.splitlines()) == 1, output
    for fragment in fragments:
        assert fragment in output


def test_positions_writes_report_and_json(tmp_path: Path) -> None:
    report, exported = tmp_path / "p.html", tmp_path / "p.json"
    result = invoke("positions", NEWS, TREATY, V1, "-o", str(report), "--json", str(exported))
    assert result.exit_code == 0, result.output
    assert "claims;" in result.output and "addressed" in result.output
    assert 'name="treatydiff-report" content="positions"' in report.read_text(encoding="utf-8")
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["schema"] == "treatydiff.positions/1"
    assert [t["key"] for t in data["treaties"]] == ["t1", "t2"]


def test_compare_switches_to_positions_for_a_news_piece(tmp_path: Path) -> None:
    for a, b in [(NEWS, TREATY), (TREATY, NEWS)]:
        exported = tmp_path / "c.json"
        result = invoke("compare", a, b, "-o", str(tmp_path / "c.html"), "--json", str(exported), "-q")
        assert result.exit_code == 0, result.output
        data = json.loads(exported.read_text(encoding="utf-8"))
        assert data["schema"] == "treatydiff.positions/1"
        assert data["news"]["path"] == NEWS
        claim = data["claims"][0]
        assert {"id", "text", "speaker", "start", "end", "verdict", "links"} <= set(claim)


def test_two_news_pieces_are_compared_as_texts(tmp_path: Path) -> None:
    exported = tmp_path / "n.json"
    result = invoke("compare", NEWS, NEWS, "-o", str(tmp_path / "n.html"), "--json", str(exported), "-q")
    assert result.exit_code == 0, result.output
    assert json.loads(exported.read_text(encoding="utf-8"))["schema"] == "treatydiff.alignment/1"


def test_default_report_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("positions", NEWS, TREATY, "-q", "--corpus", str(tmp_path / "c")).exit_code == 0
    assert (tmp_path / "reports" / "news--treaty.positions.html").is_file()
    assert "news--treaty.positions.html" in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")


def test_a_treaty_given_as_the_news_piece_is_refused(tmp_path: Path) -> None:
    one_line_error(invoke("positions", TREATY, V1, "-o", str(tmp_path / "x.html")), "not a news piece")
    assert not (tmp_path / "x.html").exists()


def test_a_news_piece_given_as_a_treaty_is_refused(tmp_path: Path) -> None:
    one_line_error(invoke("positions", NEWS, NEWS, "-o", str(tmp_path / "x.html")), "against treaties")


def test_bad_thresholds_and_missing_files(tmp_path: Path) -> None:
    result = invoke("positions", NEWS, TREATY, "--partly-threshold", "0.6", "--addressed-threshold", "0.5")
    one_line_error(result, "--partly-threshold")
    one_line_error(invoke("positions", NEWS, str(tmp_path / "none.md")), "no such file")
    usage = invoke("positions", NEWS)
    assert usage.exit_code == 2 and len(usage.output.strip().splitlines()) == 1


def test_a_foreign_file_is_not_overwritten(tmp_path: Path) -> None:
    foreign = tmp_path / "mine.html"
    foreign.write_text("my notes", encoding="utf-8")
    one_line_error(invoke("positions", NEWS, TREATY, "-o", str(foreign)), "--force")
    assert foreign.read_text(encoding="utf-8") == "my notes"


def test_help_shows_an_example() -> None:
    result = invoke("positions", "--help")
    assert result.exit_code == 0 and "Example: treatydiff positions" in result.output
