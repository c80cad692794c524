"""DOCX ingestion: generated Word treaties against the reference Markdown, Word list numbering,
the pure layout core on hand-written paragraphs, and corrupt files and zip bombs."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from makedocs import (
    CORPUS_SOURCES,
    TREATY_LEVELS,
    Block,
    add_abstract_numbering,
    add_list,
    article_view,
    make_docx,
    number_paragraph,
    read_blocks,
    worst_ratios,
)
from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.ingest import Converted, convert_path
from treatydiff.ingest.docx import DocxParagraph, convert_docx, docx_paragraphs_to_markdown

CASES = {
    # Word numbering (numPr) for 1. / a) / (i), heading styles.
    "budapest-numbered": ("budapest-convention.en.md", {"numbering": True}),
    # Typed markers, headings as bold Normal paragraphs, number and title in two paragraphs.
    "ets189-typed-bold": (
        "budapest-protocol-ets189.en.md",
        {"numbering": False, "headings": "bold", "split_headings": True},
    ),
    "uncac-numbered-split": ("uncac.en.md", {"numbering": True, "split_headings": True}),
    "mla-typed": ("mla-convention-ets30.en.md", {"numbering": False}),
}


@pytest.fixture(scope="module")
def converted_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, int, Converted]]:
    if not CORPUS_SOURCES.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    folder = tmp_path_factory.mktemp("docx")
    results = {}
    for name, (source, options) in CASES.items():
        path = folder / f"docx-{name}.docx"
        numbered = make_docx(
            read_blocks(CORPUS_SOURCES / source),
            path,
            title="Convention on Cybercrime (ETS 185)" if name == "budapest-numbered" else "",
            author="Council of Europe",
            created="2001-11-23T10:00:00",
            **options,
        )
        results[name] = (CORPUS_SOURCES / source, numbered, convert_docx(path))
    return results


# --- generated treaties against the reference Markdown ----------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_docx_segments_like_the_markdown(
    converted_cases: dict[str, tuple[Path, int, Converted]], case: str
) -> None:
    source, _, converted = converted_cases[case]
    expected = article_view(source.read_text(encoding="utf-8"), str(source))
    actual = article_view(converted.body)
    assert actual.articles == expected.articles
    assert actual.headings == expected.headings
    assert actual.ids == expected.ids
    worst = worst_ratios(expected, actual)
    assert worst[0][0] >= 0.98, worst


def test_word_numbering_was_really_used(converted_cases: dict[str, tuple[Path, int, Converted]]) -> None:
    _, numbered, converted = converted_cases["budapest-numbered"]
    assert numbered > 150  # most markers came from numPr, not from the text
    assert any("numbering" in note for note in converted.notes)
    lines = converted.body.split("\n\n")
    assert "a) “computer system” means any device" in converted.body
    assert any(line.startswith("(i) any public or private entity") for line in lines)
    _, typed, _ = converted_cases["mla-typed"]
    assert typed == 0


def test_canonical_headings_from_styles_and_bold(
    converted_cases: dict[str, tuple[Path, int, Converted]],
) -> None:
    _, _, budapest = converted_cases["budapest-numbered"]
    lines = budapest.body.splitlines()
    assert lines[0] == "# Convention on Cybercrime"
    assert {"## Preamble", "## CHAPTER I – USE OF TERMS", "### SECTION 1 – SUBSTANTIVE CRIMINAL LAW"} <= set(
        lines
    )
    assert "##### Article 2 – Illegal access" in lines
    _, _, protocol = converted_cases["ets189-typed-bold"]
    assert "##### Article 1 – Purpose" in protocol.body.splitlines()  # two bold paragraphs merged


def test_core_properties_become_meta(converted_cases: dict[str, tuple[Path, int, Converted]]) -> None:
    _, _, budapest = converted_cases["budapest-numbered"]
    assert budapest.converter == "docx"
    assert budapest.meta["title"] == "Convention on Cybercrime"  # the Title paragraph wins
    assert budapest.meta["author"] == "Council of Europe"
    assert budapest.meta["created"] == "2001-11-23"
    assert budapest.meta["kind"] == "treaty"
    _, _, protocol = converted_cases["ets189-typed-bold"]
    assert protocol.meta["kind"] == "protocol"


def test_convert_path_dispatches_docx(tmp_path: Path) -> None:
    path = tmp_path / "docx-widget.docx"
    make_docx(
        [Block(1, "Widget Convention"), Block(5, "Article 1 – Purpose"), Block(0, "1. Widgets.")],
        path,
        numbering=True,
    )
    converted = convert_path(path)
    assert converted.body == "# Widget Convention\n\n##### Article 1 – Purpose\n\n1. Widgets.\n"


# --- Word numbering ---------------------------------------------------------------------------


def _document() -> Any:
    import docx

    return docx.Document()


def _convert(document: Any, tmp_path: Path) -> str:
    path = tmp_path / "docx-numbering.docx"
    document.save(str(path))
    return convert_docx(path).body


def test_multilevel_numbering_counts_and_restarts(tmp_path: Path) -> None:
    document = _document()
    abstract = add_abstract_numbering(document, TREATY_LEVELS)
    document.add_paragraph("Article 1", style="Heading 4")
    first = add_list(document, abstract, restart=True)
    for text, level in [
        ("One.", 0),
        ("Two:", 0),
        ("first;", 1),
        ("second:", 1),
        ("deep;", 2),
        ("deeper.", 2),
    ]:
        number_paragraph(document.add_paragraph(text), first, level)
    document.add_paragraph("An unnumbered paragraph does not stop the list.")
    number_paragraph(document.add_paragraph("third.", style="Normal"), first, 1)
    number_paragraph(document.add_paragraph("Three.", style="Normal"), first, 0)
    number_paragraph(document.add_paragraph("again a.", style="Normal"), first, 1)
    document.add_paragraph("Article 2", style="Heading 4")
    second = add_list(document, abstract, restart=True)
    number_paragraph(document.add_paragraph("Restarted."), second, 0)
    assert _convert(document, tmp_path).split("\n\n") == [
        "##### Article 1",
        "1. One.",
        "2. Two:",
        "a) first;",
        "b) second:",
        "(i) deep;",
        "(ii) deeper.",
        "An unnumbered paragraph does not stop the list.",
        "c) third.",
        "3. Three.",
        "a) again a.",
        "##### Article 2",
        "1. Restarted.\n",
    ]


def test_lists_of_one_definition_without_restart_continue(tmp_path: Path) -> None:
    document = _document()
    abstract = add_abstract_numbering(document, TREATY_LEVELS)
    for text in ("One.", "Two."):
        number_paragraph(document.add_paragraph(text), add_list(document, abstract, restart=False), 0)
    assert _convert(document, tmp_path) == "1. One.\n\n2. Two.\n"


def test_number_formats_and_compound_level_text(tmp_path: Path) -> None:
    document = _document()
    abstract = add_abstract_numbering(
        document, [("upperRoman", "CHAPTER %1"), ("decimal", "%1.%2"), ("upperLetter", "(%3)")]
    )
    items = add_list(document, abstract, restart=True)
    number_paragraph(document.add_paragraph("– GENERAL PROVISIONS", style="Heading 1"), items, 0)
    number_paragraph(document.add_paragraph("Text of 1.1."), items, 1)
    number_paragraph(document.add_paragraph("Text of A."), items, 2)
    number_paragraph(document.add_paragraph("– FINAL PROVISIONS", style="Heading 1"), items, 0)
    number_paragraph(document.add_paragraph("Text of 2.1."), items, 1)
    assert _convert(document, tmp_path).split("\n\n") == [
        "## CHAPTER I – GENERAL PROVISIONS",
        "I.1 Text of 1.1.",
        "(A) Text of A.",
        "## CHAPTER II – FINAL PROVISIONS",
        "II.1 Text of 2.1.\n",
    ]


def test_letters_beyond_z_and_bullets(tmp_path: Path) -> None:
    document = _document()
    letters = add_list(document, add_abstract_numbering(document, [("lowerLetter", "%1)")]), restart=True)
    for number in range(28):
        number_paragraph(document.add_paragraph(f"item {number}"), letters, 0)
    bullets = add_list(document, add_abstract_numbering(document, [("bullet", "\uf0b7")]), restart=True)
    number_paragraph(document.add_paragraph("a bullet"), bullets, 0)
    body = _convert(document, tmp_path).split("\n\n")
    assert body[25:] == ["z) item 25", "aa) item 26", "bb) item 27", "– a bullet\n"]


def test_numbering_from_the_paragraph_style(tmp_path: Path) -> None:
    document = _document()  # the default template's "List Number" style carries numPr
    document.add_paragraph("Each Party shall:")
    document.add_paragraph("adopt measures;", style="List Number")
    document.add_paragraph("co-operate.", style="List Number")
    assert _convert(document, tmp_path) == "Each Party shall:\n\n1. adopt measures;\n\n2. co-operate.\n"


# --- the layout core on hand-written paragraphs -----------------------------------------------


def markdown(*paragraphs: DocxParagraph) -> str:
    return docx_paragraphs_to_markdown(paragraphs)[0]


def test_heading_levels_by_text_not_by_style() -> None:
    body = markdown(
        DocxParagraph("Convention on Widgets", "Title"),
        DocxParagraph("Preamble", "Heading 2"),
        DocxParagraph("The States,"),
        DocxParagraph("CHAPTER I – USE OF TERMS", "Heading 3"),
        DocxParagraph("Section 1 – Domestic law", "Heading 1"),
        DocxParagraph("Title 1 – Offences", "Heading 1"),
        DocxParagraph("Article 1 Definitions", "Heading 1"),
        DocxParagraph("Text."),
        DocxParagraph("Annex", "Heading 1"),
        DocxParagraph("Other notes", "Heading 2"),
    )
    assert body.split("\n\n") == [
        "# Convention on Widgets",
        "## Preamble",
        "The States,",
        "## CHAPTER I – USE OF TERMS",
        "### Section 1 – Domestic law",
        "#### Title 1 – Offences",
        "##### Article 1 – Definitions",
        "Text.",
        "## Annex",
        "### Other notes\n",
    ]


def test_bold_and_typed_article_headings_take_the_next_title() -> None:
    body = markdown(
        DocxParagraph("Article 1", bold=True),
        DocxParagraph("Purpose", bold=True),
        DocxParagraph("The purpose is safety."),
        DocxParagraph("Article 2"),
        DocxParagraph("Definitions"),
        DocxParagraph("For the purposes of this Convention:"),
        DocxParagraph("Article 3"),
        DocxParagraph("The Parties shall co-operate."),
        DocxParagraph("Article 4 applies to every Party.", bold=True),
    )
    assert body.split("\n\n") == [
        "##### Article 1 – Purpose",
        "The purpose is safety.",
        "##### Article 2 – Definitions",
        "For the purposes of this Convention:",
        "##### Article 3",
        "The Parties shall co-operate.",
        "Article 4 applies to every Party.\n",
    ]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.builds(
            DocxParagraph,
            st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40),
            st.sampled_from(["Normal", "Title", "Heading 1", "Heading 4", "List Paragraph"]),
            st.booleans(),
            st.sampled_from([None, "1.", "a)", "(i)", "–", "Article 1"]),
        ),
        max_size=10,
    )
)
def test_any_paragraphs_give_markdown_or_nothing(paragraphs: list[DocxParagraph]) -> None:
    body, _ = docx_paragraphs_to_markdown(paragraphs)
    assert body == "" or (body.endswith("\n") and not body.endswith("\n\n"))


def test_line_breaks_split_a_heading_and_join_a_paragraph() -> None:
    body = markdown(
        DocxParagraph("Article 1\nPurpose", "Heading 4"),
        DocxParagraph("The purpose of this\nConvention is safety."),
        DocxParagraph("Article 5 of this Convention\napplies to every Party."),
    )
    assert body == (
        "##### Article 1 – Purpose\n\nThe purpose of this Convention is safety.\n\n"
        "Article 5 of this Convention applies to every Party.\n"
    )


def test_titles_without_title_style() -> None:
    assert markdown(DocxParagraph("Convention on Widgets", bold=True), DocxParagraph("Text.")) == (
        "# Convention on Widgets\n\nText.\n"
    )
    assert markdown(DocxParagraph("Convention on", "Title"), DocxParagraph("Widgets", "Title")) == (
        "# Convention on Widgets\n"
    )


def test_tables_tracked_changes_and_content_controls(tmp_path: Path) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = _document()
    document.add_paragraph("Appendix", style="Heading 1")
    table = document.add_table(rows=2, cols=2)
    for row, (label, text) in zip(
        table.rows, [("a.", "participation in a group;"), ("b.", "terrorism.")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = label, text
    tracked = document.add_paragraph("The Parties shall ")
    tracked._p.append(
        parse_xml(f'<w:ins {nsdecls("w")} w:id="1" w:author="x"><w:r><w:t>promptly </w:t></w:r></w:ins>')
    )
    tracked._p.append(
        parse_xml(
            f'<w:del {nsdecls("w")} w:id="2" w:author="x"><w:r><w:delText>never </w:delText></w:r></w:del>'
        )
    )
    tracked.add_run("co-operate.")
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {nsdecls('w')}><w:sdtContent>"
            "<w:p><w:r><w:t>Inside a control.</w:t></w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    assert _convert(document, tmp_path).split("\n\n") == [
        "## Appendix",
        "a. participation in a group;",
        "b. terrorism.",
        "The Parties shall promptly co-operate.",
        "Inside a control.\n",
    ]


# --- unreadable files -------------------------------------------------------------------------


def _write(tmp_path: Path, data: bytes, name: str = "docx-bad.docx") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("data", [b"", b"Not a Word file at all.", b"PK\x03\x04" + bytes(100)])
def test_not_a_zip(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(InputError, match=r"docx-bad\.docx is not a readable Word document \(not a valid zip"):
        convert_docx(_write(tmp_path, data))


def test_truncated_docx(tmp_path: Path) -> None:
    good = tmp_path / "docx-good.docx"
    make_docx([Block(0, "Text.")], good, numbering=False)
    data = good.read_bytes()
    with pytest.raises(InputError, match=r"docx-bad\.docx is not a readable Word document") as error:
        convert_docx(_write(tmp_path, data[: len(data) // 2]))
    assert "\n" not in str(error.value)


def test_zip_without_a_word_document(tmp_path: Path) -> None:
    path = tmp_path / "docx-bad.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(
        InputError, match=r"is not a Word document \(a zip archive without word/document\.xml\)"
    ):
        convert_docx(path)


def test_corrupt_document_xml(tmp_path: Path) -> None:
    good = tmp_path / "docx-good.docx"
    make_docx([Block(0, "Text.")], good, numbering=False)
    path = tmp_path / "docx-bad.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, b"<w:document><unclosed>" if item.filename == "word/document.xml" else data)
    with pytest.raises(InputError, match=r"docx-bad\.docx is not a readable Word document \(.+\)$"):
        convert_docx(path)


def test_password_protected_docx(tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(InputError, match=r"is encrypted \(password-protected\) or an old binary \.doc file"):
        convert_docx(_write(tmp_path, ole))


def _forbid_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    """The zip-bomb check must come before python-docx opens (and inflates) anything."""
    import docx

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx was asked to open a zip bomb")

    monkeypatch.setattr(docx, "Document", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "read", refuse)
    monkeypatch.setattr(zipfile.ZipFile, "open", refuse)


def test_zip_bomb_by_compression_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "docx-bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (30 * 1024 * 1024) + b"</w:document>")
    _forbid_extraction(monkeypatch)
    with pytest.raises(
        InputError, match=r"docx-bomb\.docx looks like a zip bomb \(.*\); it was not extracted$"
    ):
        convert_docx(path)


def test_zip_bomb_by_declared_size(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A directory that claims 300 MB for one member: refused without reading the member."""
    path = tmp_path / "docx-bomb.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    data = bytearray(path.read_bytes())
    entry = data.rfind(b"PK\x01\x02")  # the last central-directory entry: word/document.xml
    struct.pack_into("<I", data, entry + 24, 300 * 1024 * 1024)  # its uncompressed size
    path.write_bytes(bytes(data))
    _forbid_extraction(monkeypatch)
    with pytest.raises(InputError, match="looks like a zip bomb"):
        convert_docx(path)


def test_empty_document(tmp_path: Path) -> None:
    path = tmp_path / "docx-empty.docx"
    _document().save(str(path))
    with pytest.raises(EmptyDocumentError, match="has no text"):
        convert_docx(path)


def test_missing_docx(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        convert_docx(tmp_path / "docx-missing.docx")
