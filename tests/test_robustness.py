"""Hostile and broken input at the command line: correct output or one line and a non-zero exit.

The rows of docs/robustness.md that other test files don't already show (those name their
tests there). The fake embedder stands in for the model.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import treatydiff.pipeline
from fakes import FakeEmbedder
from treatydiff.cli import app
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.corpus import Corpus, content_hash
from treatydiff.documents import load_document, parse_document
from treatydiff.embeddings import EmbeddingCache
from treatydiff.records import Level, Status

runner = CliRunner()
SRC = str(Path(__file__).resolve().parents[1] / "src")


class EnglishOnlyFake(FakeEmbedder):
    languages = frozenset({"en"})


@pytest.fixture(autouse=True)
def fake_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda model: EnglishOnlyFake())


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def one_line_error(result, *fragments: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    output = result.output.strip()
    assert "Traceback" not in output and len(output.splitlines()) == 1, output
    for fragment in fragments:
        assert fragment in output


def treaty(path: Path, articles: int, words: str = "Each Party shall adopt measures") -> Path:
    body = "\n\n".join(
        f"##### Article {n} – Title {n}\n\n{words} number {n}." for n in range(1, articles + 1)
    )
    path.write_text(f"# A Convention\n\n{body}\n", encoding="utf-8")
    return path


SMALL = """# Small Convention

##### Article 1 – Scope

This Convention applies to computer data.
"""


# --- size limits --------------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: no 50 MB written to disk
    small = tmp_path / "small.md"
    small.write_text(SMALL, encoding="utf-8")
    started = time.perf_counter()
    result = invoke("compare", str(big), str(small), "-o", str(tmp_path / "r.html"))
    one_line_error(result, "50.0 MB", "limit is 20 MB", "--max-input-mb")
    assert time.perf_counter() - started < 5
    assert not (tmp_path / "r.html").exists()
    added = invoke("add", str(big), "--corpus", str(tmp_path / "c"))
    assert added.exit_code == 1 and "limit is 20 MB" in added.output.splitlines()[0]
    assert not (tmp_path / "c").exists() or not list((tmp_path / "c").glob("*.md"))


def test_the_input_limit_can_be_raised_and_lowered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    small = treaty(tmp_path / "small.md", 40)  # about 2 KB
    one_line_error(
        invoke("compare", str(small), str(small), "--max-input-mb", "0.001", "-o", str(tmp_path / "r.html")),
        "limit is 0.001 MB",
    )
    monkeypatch.setenv("TREATYDIFF_MAX_INPUT_MB", "0.001")
    one_line_error(invoke("compare", str(small), str(small), "-o", str(tmp_path / "r.html")), "limit")
    result = invoke(
        "compare", str(small), str(small), "--max-input-mb", "1", "-o", str(tmp_path / "r.html"), "-q"
    )
    assert result.exit_code == 0, result.output
    monkeypatch.setenv("TREATYDIFF_MAX_INPUT_MB", "lots")
    one_line_error(invoke("compare", str(small), str(small), "-o", str(tmp_path / "r.html")), "not a number")


def test_a_single_5_mb_line_is_compared(tmp_path: Path) -> None:
    line = tmp_path / "line.txt"
    words = " ".join(f"word{k % 5000}" for k in range(700_000))
    line.write_text(words[:5_000_000] + "\n", encoding="utf-8")
    small = tmp_path / "small.md"
    small.write_text(SMALL, encoding="utf-8")
    exported = tmp_path / "r.json"
    result = invoke(
        "compare", str(line), str(small), "-o", str(tmp_path / "r.html"), "--json", str(exported), "-q"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert sum(len(s["text"]) for s in data["a"]["segments"]) >= 4_900_000


def test_a_single_5_mb_token_is_compared(tmp_path: Path) -> None:
    token = tmp_path / "token.txt"
    token.write_text("x" * 5_000_000 + "\n", encoding="utf-8")
    small = tmp_path / "small.md"
    small.write_text(SMALL, encoding="utf-8")
    result = invoke("compare", str(token), str(small), "-o", str(tmp_path / "r.html"), "-q")
    assert result.exit_code == 0, result.output


def test_a_document_with_10000_articles(tmp_path: Path) -> None:
    many = treaty(tmp_path / "many.md", 10_000)
    small = treaty(tmp_path / "small.md", 3)
    exported = tmp_path / "r.json"
    result = invoke(
        "compare", str(many), str(small), "-o", str(tmp_path / "r.html"), "--json", str(exported), "-q"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(exported.read_text(encoding="utf-8"))
    assert len(data["a"]["segments"]) == 10_000
    assert sum(1 for p in data["pairs"] if p["a"] and p["b"]) == 3


def test_too_many_segments_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    many = treaty(tmp_path / "many.md", 30)
    result = invoke("compare", str(many), str(many), "--max-segments", "20", "-o", str(tmp_path / "r.html"))
    one_line_error(result, "30 segments at article level", "limit is 20", "--max-segments")
    monkeypatch.setenv("TREATYDIFF_MAX_SEGMENTS", "10")
    one_line_error(invoke("compare", str(many), str(many), "-o", str(tmp_path / "r.html")), "limit is 10")
    assert not (tmp_path / "r.html").exists()


# --- unusual but valid input --------------------------------------------------------------------


def test_two_identical_documents_are_unchanged_throughout(tmp_path: Path) -> None:
    doc = treaty(tmp_path / "t.md", 12)
    for level in ("article", "paragraph", "sentence"):
        exported = tmp_path / f"{level}.json"
        result = invoke(
            "compare", str(doc), str(doc), "--level", level, "-o", str(tmp_path / f"{level}.html"),
            "--json", str(exported), "-q",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        pairs = json.loads(exported.read_text(encoding="utf-8"))["pairs"]
        assert {p["status"] for p in pairs} == {"unchanged"} and not any(p["moved"] for p in pairs)


def test_one_word_documents(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Cybercrime\n", encoding="utf-8")
    b.write_text("Corruption\n", encoding="utf-8")
    for level in ("article", "paragraph", "sentence"):
        result = invoke("compare", str(a), str(b), "--level", level, "-o", str(tmp_path / "r.html"), "-q")
        assert result.exit_code == 0, result.output
    comparison = compare_documents(load_document(a), load_document(a), FakeEmbedder())
    assert [p.status for p in comparison.pairs] == [Status.UNCHANGED]


def test_a_language_the_model_does_not_read_gets_a_warning(tmp_path: Path) -> None:
    dutch = tmp_path / "nl.md"
    dutch.write_text(
        "# Verdrag\n\n##### Artikel 1 – Toepassingsgebied\n\n"
        "Dit verdrag is van toepassing op de bestrijding van strafbare feiten die met een computer "
        "worden gepleegd, en op de verzameling van bewijs in elektronische vorm van het strafbare feit.\n",
        encoding="utf-8",
    )
    english = treaty(tmp_path / "en.md", 2)
    report = tmp_path / "r.html"
    result = invoke("compare", str(dutch), str(english), "-o", str(report), "-q")
    assert result.exit_code == 0
    assert "warning:" in result.output and "Dutch (nl)" in result.output and "English only" in result.output
    assert "Dutch (nl)" in report.read_text(encoding="utf-8")
    # Declared in the front matter: the declaration counts.
    declared = tmp_path / "fr.md"
    declared.write_text("---\nlanguage: fr\n---\n" + SMALL, encoding="utf-8")
    assert "French (fr)" in invoke("compare", str(declared), str(english), "-o", str(report), "-q").output
    # English documents: no warning.
    assert "warning" not in invoke("compare", str(english), str(english), "-o", str(report), "-q").output


def test_unwritable_cache_is_a_warning_not_a_failure(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only directories")
    cache = tmp_path / "cache"
    cache.mkdir()
    cache.chmod(0o500)
    try:
        doc = treaty(tmp_path / "t.md", 3)
        result = invoke(
            "compare", str(doc), str(doc), "--cache-dir", str(cache), "-o", str(tmp_path / "r.html")
        )
        assert result.exit_code == 0, result.output
        assert "running without it" in result.output
    finally:
        cache.chmod(0o700)


def test_a_cache_damaged_while_open_is_rebuilt(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cache = EmbeddingCache(tmp_path)
    cache.put_many("m", {"a": FakeEmbedder().embed_batch(["a"])[0]})
    cache.close()
    (tmp_path / "embeddings.sqlite3").write_bytes(b"this is not a database" * 100)
    reopened = EmbeddingCache(tmp_path)
    assert reopened.get_many("m", ["a"]) == {}
    reopened.put_many("m", {"b": FakeEmbedder().embed_batch(["b"])[0]})
    assert set(reopened.get_many("m", ["b"])) == {"b"}
    assert "rebuilt" in capsys.readouterr().err


def test_read_only_output_folder(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only directories")
    out = tmp_path / "out"
    out.mkdir()
    out.chmod(0o500)
    try:
        doc = treaty(tmp_path / "t.md", 3)
        one_line_error(invoke("compare", str(doc), str(doc), "-o", str(out / "r.html")), "cannot write")
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


# --- the corpus cannot be escaped or corrupted --------------------------------------------------


@pytest.mark.parametrize("doc_id", ["../evil", "/etc/passwd", "a/b", "..", "C:\\x", "x\x00y"])
def test_ids_cannot_escape_the_corpus(tmp_path: Path, doc_id: str) -> None:
    source = tmp_path / "t.md"
    source.write_text(SMALL, encoding="utf-8")
    corpus = tmp_path / "corpus"
    result = invoke("add", str(source), "--id", doc_id, "--corpus", str(corpus))
    assert result.exit_code == 1 and "invalid document id" in result.output.splitlines()[0]
    assert "Traceback" not in result.output
    assert [p for p in tmp_path.rglob("*") if p.is_file() and p != source] == []
    one_line_error(invoke("show", doc_id, "--corpus", str(corpus)))
    one_line_error(invoke("remove", doc_id, "--yes", "--corpus", str(corpus)))


def test_hostile_titles_become_plain_ids(tmp_path: Path) -> None:
    source = tmp_path / "t.md"
    source.write_text("---\ntitle: ../../etc/passwd\n---\n" + SMALL, encoding="utf-8")
    corpus = tmp_path / "corpus"
    result = invoke("add", str(source), "--corpus", str(corpus))
    assert result.exit_code == 0, result.output
    assert [p.name for p in corpus.glob("*.md")] == ["etc-passwd.md"]


def test_concurrent_adds_into_one_corpus(tmp_path: Path) -> None:
    """Eight processes add at once (two of them the same id): every document is whole."""
    corpus = tmp_path / "corpus"
    sources = []
    for n in range(8):
        path = tmp_path / f"doc{n}.md"
        body = f"# Document {n % 7}\n\n" + f"Text of document {n}. " * 5000 + "\n"
        path.write_text(body, encoding="utf-8")
        sources.append(path)
    env = {**os.environ, "PYTHONPATH": SRC}
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "treatydiff",
                "add",
                str(path),
                "--corpus",
                str(corpus),
                "--force",
                "--id",
                f"doc-{n % 7}",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for n, path in enumerate(sources)
    ]
    for process in processes:
        output = process.communicate(timeout=120)[0].decode()
        assert process.returncode == 0, output
    documents = sorted(corpus.glob("*.md"))
    assert [p.stem for p in documents] == [f"doc-{n}" for n in range(7)]
    for path in documents:
        document = load_document(path)
        assert document.meta["content_hash"] == content_hash(document.body)
    assert not list(corpus.glob(".*.tmp"))
    assert len(Corpus(corpus).entries()) == 7


def test_segments_of_hostile_markdown_keep_true_offsets() -> None:
    text = "# T\n\n##### Article 1 – <script>\n\n1. a) (i) ## #####\n\n```\n##### Article 2\n```\n\n\x00\x1b"
    document = parse_document(text)
    for level in Level:
        comparison = compare_documents(document, document, FakeEmbedder(), CompareOptions(level=level))
        for segment in comparison.a.segments:
            assert document.text[segment.start : segment.end] == segment.text


# --- encodings and bytes, at the command line ---------------------------------------------------


def test_latin1_is_refused_naming_the_byte(tmp_path: Path) -> None:
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Article 1\n\nLa Convention s’applique à la procédure pénale.\n".encode("cp1252"))
    result = invoke("compare", str(latin), str(latin), "-o", str(tmp_path / "r.html"))
    one_line_error(result, "latin.txt is not valid UTF-8", "byte 0x")


def test_utf16_with_a_bom_is_read(tmp_path: Path) -> None:
    utf16 = tmp_path / "u16.md"
    utf16.write_bytes(SMALL.encode("utf-16"))
    exported = tmp_path / "r.json"
    result = invoke(
        "compare", str(utf16), str(utf16), "-o", str(tmp_path / "r.html"), "--json", str(exported)
    )
    assert result.exit_code == 0, result.output
    assert json.loads(exported.read_text(encoding="utf-8"))["a"]["segments"][0]["text"].startswith("This")


@pytest.mark.parametrize(
    "data", [bytes(range(256)) * 40, b"\x89PNG\r\n\x1a\n" + b"\x00" * 500, b"abc\x00def\n"]
)
def test_binary_files_are_refused(tmp_path: Path, data: bytes) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(data)
    one_line_error(invoke("compare", str(binary), str(binary), "-o", str(tmp_path / "r.html")), "blob.txt")
    assert not (tmp_path / "r.html").exists()


# --- output that cannot be written, simulated (so that it also runs as root) --------------------


def test_read_only_output_folder_simulated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import tempfile

    def denied(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    doc = treaty(tmp_path / "t.md", 3)
    report = tmp_path / "r.html"
    monkeypatch.setattr(tempfile, "mkstemp", denied)
    one_line_error(
        invoke("compare", str(doc), str(doc), "-o", str(report)), "cannot write", "Permission denied"
    )
    assert not report.exists()


def test_full_disk_keeps_the_previous_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    doc = treaty(tmp_path / "t.md", 3)
    report = tmp_path / "r.html"
    assert invoke("compare", str(doc), str(doc), "-o", str(report), "-q").exit_code == 0
    before = report.read_bytes()

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", no_space)
    one_line_error(invoke("compare", str(doc), str(doc), "-o", str(report), "-q"), "No space left on device")
    assert report.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
