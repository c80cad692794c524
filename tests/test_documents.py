from __future__ import annotations

from pathlib import Path

import pytest

from treatydiff.documents import load_document, parse_document
from treatydiff.errors import EmptyDocumentError, InputError


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


# --- reading and decoding -----------------------------------------------------------------


def test_load_markdown_with_front_matter(fixtures_dir: Path) -> None:
    doc = load_document(fixtures_dir / "widget-convention.md")
    assert doc.title == "Convention on the Safety of Widgets"
    assert doc.short_title == "Widget Convention"
    assert doc.kind == "treaty"
    assert doc.language == "en"
    assert doc.meta["date"] == "2030-05-01"  # an unquoted YAML date is kept as a string
    assert all(isinstance(value, str) for value in doc.meta.values())
    assert doc.body.startswith("\n# Convention on the Safety of Widgets")
    assert doc.text[: doc.body_start].endswith("---\n")
    assert doc.path == str(fixtures_dir / "widget-convention.md")


@pytest.mark.parametrize("name", ["a.md", "a.markdown", "a.txt", "A.MD"])
def test_supported_extensions(tmp_path: Path, name: str) -> None:
    assert load_document(write(tmp_path, name, "Some text.\n")).body == "Some text.\n"


@pytest.mark.parametrize("name", ["a.pdf", "a.html", "noextension"])
def test_unsupported_extension_is_named(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "Some text.\n")
    with pytest.raises(InputError, match=r"\.pdf|\.html|\(none\)"):
        load_document(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file: .*missing.md"):
        load_document(tmp_path / "missing.md")


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    with pytest.raises(InputError, match=r"folder\.md is a directory, not a file"):
        load_document(folder)


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "a.txt", "\ufeffArticle text.\n".encode()))
    assert doc.text == "Article text.\n"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    data = "\ufeffKönig’s text — ok.\r\n".encode(encoding)
    doc = load_document(write(tmp_path, "a.txt", data))
    assert doc.text == "König’s text — ok.\n"


def test_newlines_are_normalised(tmp_path: Path) -> None:
    doc = load_document(write(tmp_path, "a.txt", b"One.\r\nTwo.\rThree.\n"))
    assert doc.text == "One.\nTwo.\nThree.\n"


def test_invalid_utf8_names_byte_and_offset(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"Caf\xe9 au lait.\n")
    with pytest.raises(InputError, match=r"is not valid UTF-8 \(byte 0xe9 at offset 3\)"):
        load_document(path)


def test_invalid_utf8_offset_counts_the_bom(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"\xef\xbb\xbfAB\xff")
    with pytest.raises(InputError, match=r"byte 0xff at offset 5"):
        load_document(path)


def test_nul_bytes_mean_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", b"PK\x03\x04\x00\x00binary")
    with pytest.raises(InputError, match="is a binary file, not text"):
        load_document(path)


def test_control_bytes_mean_binary(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", bytes(range(1, 9)) * 20)
    with pytest.raises(InputError, match="binary"):
        load_document(path)


# --- front matter -------------------------------------------------------------------------


def test_malformed_front_matter(tmp_path: Path) -> None:
    path = write(tmp_path, "a.md", '---\ntitle: "unclosed\nkind: [treaty\n---\nBody.\n')
    with pytest.raises(InputError, match="not valid YAML"):
        load_document(path)


def test_front_matter_must_be_a_mapping() -> None:
    with pytest.raises(InputError, match="mapping"):
        parse_document("---\n- a\n- b\n---\nBody.\n")


def test_front_matter_values_are_strings() -> None:
    doc = parse_document("---\ntitle: T\nyear: 2001\ndraft: true\ntags: [a, b]\nnote:\n---\nBody.\n")
    assert doc.meta == {"title": "T", "year": "2001", "draft": "true", "tags": "a, b", "note": ""}


def test_empty_front_matter() -> None:
    doc = parse_document("---\n---\nBody text.\n")
    assert doc.meta == {}
    assert doc.body == "Body text.\n"


def test_unclosed_dashes_are_not_front_matter() -> None:
    doc = parse_document("---\nBody text.\n")
    assert doc.body_start == 0


def test_body_start_is_after_front_matter() -> None:
    text = "---\ntitle: X\n---\nBody.\n"
    doc = parse_document(text)
    assert doc.body_start == text.index("Body.")
    assert doc.body == "Body.\n"


# --- empty documents ----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n", "---\ntitle: Only meta\n---\n", "\ufeff\n"])
def test_empty_body(text: str) -> None:
    with pytest.raises(EmptyDocumentError):
        parse_document(text)


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(EmptyDocumentError):
        load_document(write(tmp_path, "a.txt", b""))


# --- title, kind, language ----------------------------------------------------------------


def test_title_from_markdown_heading() -> None:
    assert parse_document("Intro line.\n\n# The *Real* Title\n\nText.\n").title == "The Real Title"


def test_title_from_first_line() -> None:
    assert parse_document("\n\n  Widget Agreement  \n\nText.\n").title == "Widget Agreement"


def test_title_is_trimmed_to_200_chars() -> None:
    assert len(parse_document("x" * 500 + "\n").title) == 200


def test_title_skips_a_leading_url_and_keeps_it_in_meta() -> None:
    doc = parse_document("https://example.org/a.html\nHeadline here\nBody text.\n")
    assert doc.title == "Headline here"
    assert doc.meta["url"] == "https://example.org/a.html"


def test_title_falls_back_to_file_stem(tmp_path: Path) -> None:
    assert (
        load_document(write(tmp_path, "the-stem.txt", "https://example.org/only-a-url\n")).title == "the-stem"
    )


def test_front_matter_title_wins() -> None:
    assert parse_document("---\ntitle: From meta\n---\n# From heading\n").title == "From meta"


def test_defaults() -> None:
    doc = parse_document("Article 1\n\nText.\n")
    assert (doc.kind, doc.language, doc.path) == ("treaty", "en", "<text>")


def test_front_matter_kind_and_language() -> None:
    doc = parse_document("---\nkind: declaration\nlanguage: fr\n---\nTexte.\n")
    assert (doc.kind, doc.language) == ("declaration", "fr")


def test_prose_without_articles_is_news(fixtures_dir: Path) -> None:
    assert load_document(fixtures_dir / "widget-news.raw.txt").kind == "news"


def test_short_prose_stays_default_kind() -> None:
    assert parse_document("Just one paragraph of text here.\n").kind == "treaty"


def test_articles_are_not_news() -> None:
    paragraphs = "\n\n".join(["Each Party shall adopt such measures as may be necessary today."] * 4)
    assert parse_document(f"Article 1 – Scope\n\n{paragraphs}\n").kind == "treaty"


# --- reference texts ----------------------------------------------------------------------


def test_every_reference_file_loads(corpus_sources: Path) -> None:
    files = sorted(
        p for p in corpus_sources.iterdir() if p.suffix in (".md", ".txt") and p.name != "SOURCES.md"
    )
    assert len(files) == 23
    for path in files:
        doc = load_document(path)
        assert doc.title and doc.body.strip()
        assert "\r" not in doc.text
        if path.suffix == ".md":
            assert doc.meta["language"] == doc.language
            assert doc.kind in ("treaty", "protocol", "declaration")


def test_sputnik_raw_news(corpus_sources: Path) -> None:
    doc = load_document(corpus_sources / "sputnik-2024-03-29-ict-convention.raw.txt")
    assert doc.kind == "news"
    assert doc.body_start == 0
    assert doc.title == "Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes"
    assert doc.meta["url"].startswith("https://sputnikglobe.com/20240329/")


# --- review fixes: directories, BOM-less UTF-16, plain-text title block ---------------------


def test_directory_message_does_not_say_missing(tmp_path: Path) -> None:
    with pytest.raises(InputError) as raised:
        load_document(tmp_path)
    assert str(raised.value) == f"{tmp_path} is a directory, not a file"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    text = "Article 1 – König’s widgets\r\n\r\nEach Party shall act — quickly.\r\n"
    doc = load_document(write(tmp_path, "a.txt", text.encode(encoding)))
    assert doc.text == "Article 1 – König’s widgets\n\nEach Party shall act — quickly.\n"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_one_character(tmp_path: Path, encoding: str) -> None:
    assert load_document(write(tmp_path, "a.txt", "A".encode(encoding))).text == "A"


@pytest.mark.parametrize(
    "data",
    [
        # NULs in every other byte, but the "text" is control characters.
        b"".join(bytes([value, 0]) for value in range(1, 9)) * 20,
        b"".join(bytes([0, value]) for value in range(1, 9)) * 20,
        # Noise: NULs in both positions.
        bytes(range(256)) * 8,
        # UTF-16-LE shape, but a lone surrogate: not valid UTF-16.
        "Some text".encode("utf-16-le") + b"\x00\xd8" + "more text".encode("utf-16-le"),
        # UTF-16-LE shape with an odd byte count.
        "Some text here.".encode("utf-16-le") + b"x",
    ],
)
def test_real_binaries_are_still_refused(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match="binary"):
        load_document(write(tmp_path, "a.txt", data))


COE_TITLE_BLOCK = (
    "Council of Europe\nEuropean Treaty Series - No. 185\nConvention on Cybercrime\nBudapest, 23.XI.2001\n"
)


@pytest.mark.parametrize("separator", ["\n", "\n\n"])
def test_plain_title_block_prefers_the_instrument_name(separator: str) -> None:
    block = separator.join(COE_TITLE_BLOCK.split("\n"))
    doc = parse_document(f"{block}\nPreamble\n\nThe member States,\n\nArticle 1\n\nText.\n")
    assert doc.title == "Convention on Cybercrime"


@pytest.mark.parametrize(
    ("block", "title"),
    [
        ("Council of Europe\n\nCouncil of Europe Convention on the Safety of Widgets", None),
        ("Widget Union\n\nAdditional Protocol to the Widget Convention", None),
        ("Conseil de l'Europe\n\nConvention sur les widgets", None),
        ("Conseil de l'Europe\n\nProtocole additionnel", None),
        ("Nations Unies\n\nPacte international relatif aux widgets", None),
        ("Raad van Europa\n\nVerdrag inzake de veiligheid van widgets", None),
        ("Raad van Europa\n\nEuropees Verdrag betreffende widgets", None),
        ("Widget Union\n\nOvereenkomst tussen de Partijen", None),
        ("Widget Union\n\nCharter of Widget Rights", None),
        ("Widget Union\n\nDeclaration on Widgets", None),
        # No instrument name in the title block: the first line, as before.
        (
            "Council of Widgetland\n\nWidget Treaty Series - No. 9\n\nGeneva, 1.V.2030",
            "Council of Widgetland",
        ),
    ],
)
def test_plain_title_block_languages(block: str, title: str | None) -> None:
    doc = parse_document(f"{block}\n\nPreamble\n\nThe Parties,\n\nArticle 1\n\nText.\n")
    assert doc.title == (title or block.split("\n")[-1])


def test_instrument_name_after_running_text_is_not_the_title() -> None:
    text = (
        "Widget Union\n\nThe Parties have agreed as follows.\n\nConvention on Widgets\n\nArticle 1\n\nText.\n"
    )
    assert parse_document(text).title == "Widget Union"


def test_markdown_title_still_wins_over_the_title_block() -> None:
    text = "Council of Europe\n\nConvention on Cybercrime\n\n# The Real Title\n\nText.\n"
    assert parse_document(text).title == "The Real Title"


def test_wrapped_instrument_name_is_one_title() -> None:
    text = (
        "Council of Widgetland\n\nConvention for the Protection of Widgets with regard to\n"
        "Automatic Processing\n\nPreamble\n\nThe Parties,\n"
    )
    assert parse_document(text).title == (
        "Convention for the Protection of Widgets with regard to Automatic Processing"
    )


def test_preamble_only_file_is_not_news(fixtures_dir: Path) -> None:
    assert load_document(fixtures_dir / "widget-preamble.md").kind == "treaty"
