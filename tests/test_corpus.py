"""The corpus store and its commands: add, list, show, remove, corpus import, ids in compare."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import treatydiff.pipeline
from fakes import FakeEmbedder
from treatydiff.cli import app
from treatydiff.corpus import Corpus, CorpusError, content_hash, slugify
from treatydiff.documents import load_document
from treatydiff.ingest import Converted

COMPARE = Path(__file__).parent / "fixtures" / "compare"
V1, V2 = COMPARE / "draft-v1.md", COMPARE / "draft-v2.md"
runner = CliRunner()


def invoke(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


def corpus_files(directory: Path) -> list[str]:
    return (
        sorted(p.name for p in directory.iterdir() if not p.name.startswith("."))
        if directory.exists()
        else []
    )


def test_add_writes_a_canonical_file(tmp_path: Path) -> None:
    result = invoke("add", str(V1), "--corpus", str(tmp_path), "--date", "2023-05-01")
    assert result.exit_code == 0, result.output
    assert corpus_files(tmp_path) == ["evidence-draft-v1.md"]
    document = load_document(tmp_path / "evidence-draft-v1.md")
    assert document.meta["title"] == "Draft Convention on Cross-Border Evidence"
    assert document.meta["kind"] == "draft" and document.meta["date"] == "2023-05-01"
    assert document.meta["content_hash"] == content_hash(document.body)
    assert "##### Article 4 – Production orders and confidentiality" in document.body
    assert "1 added" in result.output


def test_same_text_twice_is_reported_not_duplicated(tmp_path: Path) -> None:
    assert invoke("add", str(V1), "--corpus", str(tmp_path)).exit_code == 0
    again = invoke("add", str(V1), "--corpus", str(tmp_path))
    assert again.exit_code == 0
    assert "already in the corpus as 'evidence-draft-v1'" in again.output
    other_id = invoke("add", str(V1), "--corpus", str(tmp_path), "--id", "copy")
    assert "same text as 'evidence-draft-v1'" in other_id.output
    assert corpus_files(tmp_path) == ["evidence-draft-v1.md"]


def test_near_duplicate_names_the_closest_document(tmp_path: Path) -> None:
    invoke("add", str(V1), "--corpus", str(tmp_path))
    result = invoke("add", str(V2), "--corpus", str(tmp_path))
    assert result.exit_code == 0
    assert "near-duplicate of 'evidence-draft-v1'" in result.output
    assert "% of its text is shared" in result.output


def test_an_existing_document_is_not_replaced_without_force(tmp_path: Path) -> None:
    invoke("add", str(V1), "--corpus", str(tmp_path), "--id", "evidence")
    before = (tmp_path / "evidence.md").read_bytes()
    result = invoke("add", str(V2), "--corpus", str(tmp_path), "--id", "evidence")
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert (tmp_path / "evidence.md").read_bytes() == before
    replaced = invoke("add", str(V2), "--corpus", str(tmp_path), "--id", "evidence", "--force")
    assert replaced.exit_code == 0 and "replaced" in replaced.output
    assert (tmp_path / "evidence.md").read_bytes() != before


@pytest.mark.parametrize("bad_id", ["../evil", "/etc/passwd", "Upper", "a/b", ".hidden"])
def test_ids_cannot_escape_the_corpus(tmp_path: Path, bad_id: str) -> None:
    corpus = tmp_path / "corpus"
    result = invoke("add", str(V1), "--corpus", str(corpus), "--id", bad_id)
    assert result.exit_code == 1
    assert corpus_files(corpus) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus"] or not corpus.exists()


def test_titles_become_safe_slugs(tmp_path: Path) -> None:
    store = Corpus(tmp_path / "c")
    result = store.add(Converted("# X\n\nSome text here.\n", {"title": "../../etc/passwd"}))
    assert result.path.parent == tmp_path / "c"
    assert result.id == "etc-passwd"
    assert slugify("Convention — Überprüfung (2024)") == "convention-uberprufung-2024"
    assert slugify("////") == "document"


@pytest.mark.parametrize(
    "name,content,fragment",
    [
        ("binary.md", b"\x00\x01\x02binary\x00" * 50, "binary"),
        ("empty.md", b"   \n\n", "empty"),
        ("latin.txt", b"Article 1\n\xff\xfe\xfa caf\xe9 \xc3\x28", "UTF-8"),
        ("sheet.xlsx", b"PK\x03\x04", "unsupported"),
    ],
)
def test_bad_inputs_leave_the_corpus_untouched(
    tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    corpus = tmp_path / "corpus"
    invoke("add", str(V1), "--corpus", str(corpus))
    before = corpus_files(corpus)
    bad = tmp_path / name
    bad.write_bytes(content)
    result = invoke("add", str(bad), "--corpus", str(corpus))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and name in errors[0], result.output
    assert fragment.lower() in errors[0].lower()
    assert "Traceback" not in result.output
    assert corpus_files(corpus) == before


def test_a_batch_is_all_or_nothing_per_file_with_a_summary(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    result = invoke("add", str(V1), str(bad), str(V2), "--corpus", str(tmp_path / "c"))
    assert result.exit_code == 1
    assert corpus_files(tmp_path / "c") == ["evidence-draft-v1.md", "evidence-draft-v2.md"]
    assert "3 file(s): 2 added, 1 failed" in result.output


def test_list_show_and_remove(tmp_path: Path) -> None:
    invoke("add", str(V1), "--corpus", str(tmp_path))
    listing = invoke("list", "--corpus", str(tmp_path))
    assert listing.exit_code == 0
    assert "evidence-draft-v1" in listing.output and "draft" in listing.output
    shown = invoke("show", "evidence-draft-v1", "--corpus", str(tmp_path))
    assert shown.exit_code == 0
    assert "title: Draft Convention on Cross-Border Evidence" in shown.output
    assert "Chapter I – General provisions" in shown.output
    assert "Article 6 – Denunciation" in shown.output
    kept = invoke("remove", "evidence-draft-v1", "--corpus", str(tmp_path), input="n\n")
    assert kept.exit_code == 1 and (tmp_path / "evidence-draft-v1.md").exists()
    gone = invoke("remove", "evidence-draft-v1", "--corpus", str(tmp_path), "--yes")
    assert gone.exit_code == 0 and not (tmp_path / "evidence-draft-v1.md").exists()
    missing = invoke("show", "nothing-here", "--corpus", str(tmp_path))
    assert missing.exit_code == 1 and "no document 'nothing-here'" in missing.output


def test_compare_accepts_corpus_ids(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda model: FakeEmbedder())
    corpus = tmp_path / "c"
    invoke("add", str(V1), "--corpus", str(corpus), "--id", "v1")
    invoke("add", str(V2), "--corpus", str(corpus), "--id", "v2")
    result = invoke("compare", "v1", "v2", "--corpus", str(corpus), "-o", str(tmp_path / "r.html"), "-q")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r.html").exists()


def test_corpus_import_is_idempotent(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.en.md").write_bytes(V1.read_bytes())
    (source / "b.en.md").write_bytes(V2.read_bytes())
    (source / "README.md").write_text("# not a document\n", encoding="utf-8")
    first = invoke("corpus", "import", str(source), "--corpus", str(tmp_path / "c"))
    assert first.exit_code == 0, first.output
    assert corpus_files(tmp_path / "c") == ["a-en.md", "b-en.md"]
    second = invoke("corpus", "import", str(source), "--corpus", str(tmp_path / "c"))
    assert second.output.count("unchanged") == 2


def test_corpus_store_refuses_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="unknown kind"):
        Corpus(tmp_path).add(Converted("# T\n\nText.\n", {"title": "T", "kind": "novel"}))
    with pytest.raises(CorpusError):
        Corpus(tmp_path).get("missing")


def test_killing_add_never_leaves_a_partial_document(tmp_path: Path) -> None:
    """Kill `add` at random moments: every document left is whole, and no stray file stays."""
    big = tmp_path / "big.md"
    paragraph = " ".join(f"word{k}" for k in range(200))
    big.write_text(
        "---\ntitle: Big\n---\n\n# Big\n\n" + "\n\n".join([paragraph] * 3000) + "\n", encoding="utf-8"
    )
    corpus = tmp_path / "c"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    for attempt in range(8):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "treatydiff",
                "add",
                str(big),
                "--corpus",
                str(corpus),
                "--force",
                "--id",
                "big",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        time.sleep(0.3 + 0.15 * attempt)
        process.send_signal(signal.SIGKILL)
        process.wait()
        for path in corpus.glob("*.md") if corpus.exists() else []:
            document = load_document(path)
            assert document.meta["content_hash"] == content_hash(document.body), path
    Corpus(corpus).add(Converted("# Small\n\nA small text.\n", {"title": "Small"}))
    assert not list(corpus.glob(".*.tmp"))


def test_the_same_treaty_from_markdown_and_plain_text_gives_the_same_articles(tmp_path: Path) -> None:
    from treatydiff.documents import parse_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    fixtures = Path(__file__).parent / "fixtures"
    corpus = tmp_path / "c"
    for name, doc_id in (("widget-convention.md", "from-md"), ("widget-convention.txt", "from-txt")):
        result = invoke("add", str(fixtures / name), "--corpus", str(corpus), "--id", doc_id)
        assert result.exit_code == 0, result.output
    outlines = []
    for doc_id in ("from-md", "from-txt"):
        entry = Corpus(corpus).get(doc_id)
        segments = segment_document(parse_document(entry.body, doc_id), Level.ARTICLE).segments
        outlines.append(
            [(s.article, s.article_title, " ".join(s.text.replace("*", "").split())) for s in segments]
        )
    assert [o[:2] for o in outlines[0]] == [o[:2] for o in outlines[1]]
    assert [o[2] for o in outlines[0]] == [o[2] for o in outlines[1]]


def _scanned(path: Path) -> Path:
    import io

    from fpdf import FPDF
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (200, 100), 255).save(buffer, format="PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=100)
    pdf.output(str(path))
    return path


def _encrypted(path: Path) -> Path:
    from fpdf import FPDF
    from pypdf import PdfWriter

    plain = path.with_name("plain.pdf")
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="Article 1 - Purpose")
    pdf.output(str(plain))
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    with path.open("wb") as handle:
        writer.write(handle)
    return path


@pytest.mark.parametrize("make,fragment", [(_scanned, "OCR"), (_encrypted, "encrypted")])
def test_unreadable_pdfs_leave_the_corpus_untouched(tmp_path: Path, make, fragment: str) -> None:  # type: ignore[no-untyped-def]
    corpus = tmp_path / "c"
    invoke("add", str(V1), "--corpus", str(corpus))
    before = corpus_files(corpus)
    result = invoke("add", str(make(tmp_path / "in.pdf")), "--corpus", str(corpus))
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and fragment in errors[0], result.output
    assert corpus_files(corpus) == before


def test_long_titles_are_cut_at_a_word_boundary() -> None:
    slug = slugify("Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes")
    assert slug == "russia-hopes-to-finalize-deal-on-combating-ict-use-for"
    assert len(slugify("x" * 80)) == 60


def test_add_cleans_the_real_scraped_news_piece(tmp_path: Path, corpus_sources: Path) -> None:
    import re

    raw = corpus_sources / "sputnik-2024-03-29-ict-convention.raw.txt"
    result = invoke("add", str(raw), "--kind", "news", "--corpus", str(tmp_path))
    assert result.exit_code == 0, result.output
    (path,) = list(tmp_path.glob("*.md"))
    document = load_document(path)
    assert (
        document.meta["title"] == "Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes"
    )
    assert document.meta["date"] == "2024-03-29"
    assert document.meta["source"].startswith("https://sputnikglobe.com/20240329/russia-hopes-to-finalize")
    assert document.meta["kind"] == "news"
    body = document.body
    assert not re.search(r"\S+@\S+|\+\d{6,}|https?://", body)
    assert "russia in the un, russia's role" not in body
    paragraphs = [p for p in body.split("\n\n") if p.strip() and not p.startswith("#")]
    for opening in (
        "In 2019, Russia took the lead",
        "On March 27, a global hybrid briefing",
        "In contrast to Russia, Washington",
        "\"Despite the West's position",
    ):
        assert sum(p.startswith(opening) for p in paragraphs) == 1, opening


def test_corpus_import_cleans_a_raw_scraped_page_it_meets(tmp_path: Path, corpus_sources: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    raw = "sputnik-2024-03-29-ict-convention.raw.txt"
    (source / raw).write_bytes((corpus_sources / raw).read_bytes())
    result = invoke("corpus", "import", str(source), "--corpus", str(tmp_path / "c"))
    assert result.exit_code == 0, result.output
    document = load_document(tmp_path / "c" / "sputnik-2024-03-29-ict-convention-raw.md")
    assert document.meta["kind"] == "news" and document.meta["date"] == "2024-03-29"
    assert "feedback@" not in document.body
