"""The command line, with CliRunner and the fake embedder: output files and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import treatydiff.pipeline
from fakes import FakeEmbedder
from treatydiff.cli import app, default_report_path

COMPARE = Path(__file__).parent / "fixtures" / "compare"
V1 = str(COMPARE / "draft-v1.md")
V2 = str(COMPARE / "draft-v2.md")
runner = CliRunner()


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda model: FakeEmbedder())


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def assert_one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    output = result.output.strip()
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    for fragment in fragments:
        assert fragment in output


def test_compare_writes_report_and_json(tmp_path: Path) -> None:
    report, exported = tmp_path / "r.html", tmp_path / "r.json"
    result = invoke("compare", V1, V2, "-o", str(report), "--json", str(exported), "--level", "paragraph")
    assert result.exit_code == 0, result.output
    assert report.read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["schema"] == "treatydiff.alignment/1" and data["level"] == "paragraph"
    assert "only in A" in result.output and str(report) in result.output


def test_default_report_path_is_under_reports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("compare", V1, V2, "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "reports" / "draft-v1--draft-v2.html").is_file()
    assert default_report_path("x/a.en.md", "b.txt") == Path("reports/a.en--b.html")


def test_rerun_replaces_its_own_report_but_not_a_foreign_file(tmp_path: Path) -> None:
    report = tmp_path / "r.html"
    assert invoke("compare", V1, V2, "-o", str(report), "-q").exit_code == 0
    assert invoke("compare", V1, V2, "-o", str(report), "-q").exit_code == 0
    foreign = tmp_path / "notes.html"
    foreign.write_text("my own notes", encoding="utf-8")
    result = invoke("compare", V1, V2, "-o", str(foreign), "-q")
    assert_one_line_error(result, "exists", "--force")
    assert foreign.read_text(encoding="utf-8") == "my own notes"
    assert invoke("compare", V1, V2, "-o", str(foreign), "-q", "--force").exit_code == 0


def test_missing_file(tmp_path: Path) -> None:
    result = invoke("compare", str(tmp_path / "nope.md"), V2, "-o", str(tmp_path / "r.html"))
    assert_one_line_error(result, "nope.md")
    assert not (tmp_path / "r.html").exists()


def test_undecodable_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Article 1\n\xff\xfe\xfa broken \xc3\x28 bytes")
    assert_one_line_error(invoke("compare", str(bad), V2, "-o", str(tmp_path / "r.html")), "bad.txt")


def test_empty_document(tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("---\ntitle: x\n---\n\n   \n", encoding="utf-8")
    assert_one_line_error(invoke("compare", str(empty), V2, "-o", str(tmp_path / "r.html")), "empty.md")
    assert not (tmp_path / "r.html").exists()


def test_document_with_no_segments(tmp_path: Path) -> None:
    headings = tmp_path / "headings.md"
    headings.write_text("# Title only\n\n## CHAPTER I – NOTHING\n", encoding="utf-8")
    result = invoke("compare", str(headings), V2, "-o", str(tmp_path / "r.html"))
    assert_one_line_error(result, "headings.md")


def test_unknown_extension(tmp_path: Path) -> None:
    other = tmp_path / "doc.xlsx"
    other.write_text("Article 1", encoding="utf-8")
    assert_one_line_error(invoke("compare", str(other), V2, "-o", str(tmp_path / "r.html")), "doc.xlsx")


def test_unknown_level(tmp_path: Path) -> None:
    result = invoke("compare", V1, V2, "--level", "chapter", "-o", str(tmp_path / "r.html"))
    assert_one_line_error(result, "chapter")


@pytest.mark.parametrize(
    "option", ["--link-threshold", "--attach-threshold", "--semantic-weight", "--local-threshold"]
)
@pytest.mark.parametrize("value", ["1.7", "-0.1", "nan", "abc"])
def test_bad_threshold(option: str, value: str, tmp_path: Path) -> None:
    result = invoke("compare", V1, V2, option, value, "-o", str(tmp_path / "r.html"))
    assert_one_line_error(result, option, *([] if value == "abc" else [value]))
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    "args,fragment",
    [(["compare", V1], "Missing argument"), (["compare", V1, V2, "--bogus"], "--bogus"), (["nope"], "nope")],
)
def test_usage_errors_are_one_line(args: list[str], fragment: str) -> None:
    result = invoke(*args)
    assert_one_line_error(result, fragment)
    assert result.exit_code == 2


def test_report_and_json_on_one_path_is_refused(tmp_path: Path) -> None:
    same = tmp_path / "x.html"
    assert_one_line_error(invoke("compare", V1, V2, "-o", str(same), "--json", str(same)), "--json")
    assert not same.exists()


def test_thresholds_reach_the_aligner(tmp_path: Path) -> None:
    exported = tmp_path / "r.json"
    strict = invoke(
        "compare",
        V1,
        V2,
        "--link-threshold",
        "0.99",
        "--title-weight",
        "0",
        "-o",
        str(tmp_path / "r.html"),
        "--json",
        str(exported),
        "-q",
    )
    assert strict.exit_code == 0, strict.output
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert data["thresholds"]["link_threshold"] == 0.99
    assert all(p["score"] >= 0.99 or not (p["a"] and p["b"]) for p in data["pairs"])


def test_unwritable_output_is_a_one_line_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    result = invoke("compare", V1, V2, "-o", str(blocker / "r.html"), "-q")
    assert_one_line_error(result, "cannot create directory", "file")


def test_segments_command_lists_labels() -> None:
    result = invoke("segments", V1, "--level", "paragraph")
    assert result.exit_code == 0
    assert "art-3.1" in result.output and "Article 3(1)" in result.output


def test_help_shows_an_example() -> None:
    result = invoke("compare", "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output


def test_change_list_exports_and_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("compare", V1, V2, "--format", "md", "--format", "csv", "--corpus", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    memo = (tmp_path / "reports" / "draft-v1--draft-v2.changes.md").read_text(encoding="utf-8")
    assert "| A | B | Status |" in memo and "split into Articles 5 and 6" in memo
    csv_text = (tmp_path / "reports" / "draft-v1--draft-v2.changes.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("A,A heading,B,B heading,Status,Moved")
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "draft-v1--draft-v2.html" in index
    assert_one_line_error(invoke("compare", V1, V2, "--format", "xls"), "xls")
    again = invoke("compare", V1, V2, "--format", "md", "--corpus", str(tmp_path / "c"))
    assert again.exit_code == 0, again.output
