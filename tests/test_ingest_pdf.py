"""PDF ingestion: generated UN / Council of Europe style PDFs against the reference Markdown,
the pure layout core on hand-written lines, and unreadable files."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from makedocs import CORPUS_SOURCES, PdfLayout, article_view, dejavu_font, make_pdf, read_blocks, worst_ratios
from treatydiff.errors import EmptyDocumentError, InputError
from treatydiff.ingest import Converted, convert_path
from treatydiff.ingest.pdf import PdfLine, convert_pdf, match_heading, pdf_lines_to_markdown

needs_font = pytest.mark.skipif(dejavu_font() is None, reason="DejaVu Sans not installed (fonts-dejavu-core)")

# Reference text, layout, furniture that must not survive.
CASES = {
    "budapest-coe": (
        "budapest-convention.en.md",
        PdfLayout(
            style="coe",
            header="ETS 185 – Convention on Cybercrime, 23.XI.2001",
            page_format="- {n} -",
            title="Convention on Cybercrime",
            author="Council of Europe",
            creation_date="2001-11-23",
        ),
        ("ETS 185", "23.XI.2001", "- 3 -"),
    ),
    "ets189-coe-justified": (
        "budapest-protocol-ets189.en.md",
        PdfLayout(
            style="coe",
            header="ETS 189 – Additional Protocol to the Convention on Cybercrime, 28.I.2003",
            page_format="Page {n} of {nb}",
            justify=True,
        ),
        ("ETS 189", "Page 2 of"),
    ),
    "uncac-un": (
        "uncac.en.md",
        PdfLayout(
            style="un",
            header="A/RES/58/4",
            header_title="United Nations Convention against Corruption",
            job_number="V.04-56160",
            page_format="{n}",
            title="Microsoft Word - 0456160.doc",
        ),
        ("A/RES/58/4", "V.04-56160"),
    ),
    "mla-un": (
        "mla-convention-ets30.en.md",
        PdfLayout(style="un", header="A/AC.291/22/Rev.1", header_title="Draft", job_number="21-01234 (E)"),
        ("A/AC.291/22/Rev.1", "21-01234 (E)"),
    ),
}


@pytest.fixture(scope="module")
def converted_cases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Converted]]:
    """Every case generated and converted once: PDF generation is the slow part."""
    if not CORPUS_SOURCES.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    if dejavu_font() is None:
        pytest.skip("DejaVu Sans not installed (fonts-dejavu-core): the PDFs need “ ” – glyphs")
    folder = tmp_path_factory.mktemp("pdf")
    results = {}
    for name, (source, layout, _) in CASES.items():
        pdf = make_pdf(read_blocks(CORPUS_SOURCES / source), folder / f"pdf-{name}.pdf", layout)
        results[name] = (CORPUS_SOURCES / source, convert_pdf(pdf))
    return results


# --- generated treaty PDFs against the reference Markdown -------------------------------------


@pytest.mark.parametrize("case", CASES)
def test_pdf_segments_like_the_markdown(
    converted_cases: dict[str, tuple[Path, Converted]], case: str
) -> None:
    source, converted = converted_cases[case]
    expected = article_view(source.read_text(encoding="utf-8"), str(source))
    actual = article_view(converted.body)
    assert actual.articles == expected.articles
    assert actual.headings == expected.headings
    assert actual.ids == expected.ids  # preamble recitals, articles and final formula alike
    worst = worst_ratios(expected, actual)
    assert worst[0][0] >= 0.98, worst


@pytest.mark.parametrize("case", CASES)
def test_running_headers_footers_and_page_numbers_are_gone(
    converted_cases: dict[str, tuple[Path, Converted]], case: str
) -> None:
    _, converted = converted_cases[case]
    for furniture in CASES[case][2]:
        assert furniture not in converted.body
    assert any("header" in note or "page numbers" in note for note in converted.notes)


def test_hyphenation_is_repaired_and_real_hyphens_kept(
    converted_cases: dict[str, tuple[Path, Converted]],
) -> None:
    source, converted = converted_cases["budapest-coe"]
    body = converted.body
    assert any(note.startswith("rejoined") for note in converted.notes)
    assert any(note.startswith("joined") and "page break" in note for note in converted.notes)
    # Every hyphenated word of the PDF is a word of the reference text.
    reference_words = set(source.read_text(encoding="utf-8").split())
    assert {word for word in body.split() if "-" in word.strip("-–")} <= reference_words | {
        word.strip("*") for word in reference_words
    }
    assert body.count("co-operation") == source.read_text(encoding="utf-8").count("co-operation")


def test_canonical_markdown_headings(converted_cases: dict[str, tuple[Path, Converted]]) -> None:
    _, converted = converted_cases["budapest-coe"]
    lines = converted.body.splitlines()
    assert lines[0] == "# Convention on Cybercrime"
    assert "## Preamble" in lines
    assert "## CHAPTER I – USE OF TERMS" in lines
    assert "### SECTION 1 – SUBSTANTIVE CRIMINAL LAW" in lines
    assert "##### Article 2 – Illegal access" in lines
    assert converted.body.endswith(".\n") and not converted.body.endswith("\n\n")


def test_un_two_line_headings_are_merged(converted_cases: dict[str, tuple[Path, Converted]]) -> None:
    _, converted = converted_cases["uncac-un"]
    lines = converted.body.splitlines()
    assert "##### Article 1 – Statement of purpose" in lines
    assert "## CHAPTER I – GENERAL PROVISIONS" in lines


def test_metadata_from_the_pdf_info(converted_cases: dict[str, tuple[Path, Converted]]) -> None:
    _, budapest = converted_cases["budapest-coe"]
    assert budapest.converter == "pdf"
    assert budapest.meta["title"] == "Convention on Cybercrime"
    assert budapest.meta["author"] == "Council of Europe"
    assert budapest.meta["created"] == "2001-11-23"
    assert budapest.meta["kind"] == "treaty"
    _, protocol = converted_cases["ets189-coe-justified"]
    assert protocol.meta["kind"] == "protocol"
    assert protocol.meta["title"].startswith(
        "Additional Protocol to the Convention on Cybercrime, concerning"
    )
    _, uncac = converted_cases["uncac-un"]
    # "Microsoft Word - …" is not a title: the one in large type on page 1 is.
    assert uncac.meta["title"] == "United Nations Convention against Corruption"


@needs_font
def test_convert_path_dispatches_pdf(tmp_path: Path) -> None:
    pdf = make_pdf(_widget_blocks(), tmp_path / "pdf-widget.pdf", PdfLayout(header="WTS 42 – Widgets"))
    converted = convert_path(pdf)
    assert converted.converter == "pdf"
    assert "##### Article 1 – Purpose" in converted.body.splitlines()


# --- the layout core on hand-written lines ----------------------------------------------------


def page(*rows: str, top: float = 780.0, spacing: float = 14.0, x: float = 72.0) -> list[PdfLine]:
    """Lines of one page; "" leaves a paragraph gap, a leading ">" indents, "**" makes bold."""
    lines = []
    y = top
    for row in rows:
        if row == "":
            y -= spacing
            continue
        indent = 24.0 if row.startswith(">") else 0.0
        bold = row.startswith("**") or row.startswith(">**")
        text = row.lstrip(">").removeprefix("**")
        lines.append(PdfLine(text, x + indent, y, 10.0, bold))
        y -= spacing
    return lines


FILL = "with some words to fill the line of body text up to the right margin of"


def test_hyphenated_words_are_joined_and_real_hyphens_kept() -> None:
    body, _, notes = pdf_lines_to_markdown(
        [
            page(
                "The Parties shall develop co-operation in all matters of this Convention, as",
                "far as possible. Each Party shall adopt measures relating to the com-",
                f"puter systems, {FILL}",
                "the territory, through international co-",
                "operation and in respect of non-",
                "State actors and of Trade-",
                "Related aspects, in accordance with the capacity-",
                "building programmes of the Parties.",
            )
        ]
    )
    assert "the computer systems" in body
    assert "international co-operation" in body
    assert "non-State actors" in body
    assert "Trade-Related aspects" in body
    assert "capacity-building programmes" in body
    assert any(note.startswith("rejoined 1 ") for note in notes)


def test_running_headers_with_changing_page_numbers_are_removed() -> None:
    pages = [
        [
            PdfLine(f"A/RES/58/4 United Nations Convention against Corruption {n}", 72, 810),
            *page(
                f"Text of page {n} goes on without a full stop at the end of this line and",
                FILL,
                FILL,
                top=760,
            ),
            PdfLine(f"V.04-56160 - {n} -", 72, 40),
        ]
        for n in range(1, 5)
    ]
    body, _, notes = pdf_lines_to_markdown(pages)
    assert "A/RES" not in body and "V.04" not in body and "United Nations" not in body
    assert body.count("Text of page") == 4 and len(body.split("\n\n")) == 1  # one paragraph over 4 pages
    assert notes


@pytest.mark.parametrize(
    "footer",
    ["3", "iv", "- 3 -", "– 3 –", "Page 3 of 40", "3/40", "21-01234 (E)", "V.04-56160", "A/AC.291/22/Rev.1"],
)
def test_page_numbers_and_symbols_alone_in_a_footer_are_removed(footer: str) -> None:
    lines = [
        *page("Article 1", "**Purpose", "", "The purpose is to make widgets safe."),
        PdfLine(footer, 72, 40),
    ]
    body, _, _ = pdf_lines_to_markdown([lines])
    assert body == "##### Article 1 – Purpose\n\nThe purpose is to make widgets safe.\n"


def test_a_page_ending_mid_sentence_runs_on() -> None:
    first = page("1. Each Party shall adopt such legislative and other measures as may be", top=100)
    second = page("necessary to establish the offences.", "2. A Party may require intent.", top=780)
    body, _, notes = pdf_lines_to_markdown([first, second])
    assert body == (
        "1. Each Party shall adopt such legislative and other measures as may be necessary to establish "
        "the offences.\n\n2. A Party may require intent.\n"
    )
    assert any("page break" in note for note in notes)


def test_paragraphs_split_at_gaps_indents_short_lines_and_markers() -> None:
    body, _, _ = pdf_lines_to_markdown(
        [
            page(
                f"The first paragraph is long enough to fill the whole line of text {FILL}",
                "the page, and ends here.",
                ">An indented paragraph begins on this line and it is also long enough to",
                "fill the line.",
                "",
                "A paragraph after a gap.",
                "(a) an item; and",
                "(b) another item.",
            )
        ]
    )
    assert body.split("\n\n") == [
        f"The first paragraph is long enough to fill the whole line of text {FILL} the page, and ends here.",
        "An indented paragraph begins on this line and it is also long enough to fill the line.",
        "A paragraph after a gap.",
        "(a) an item; and",
        "(b) another item.\n",
    ]


def test_a_marker_inside_a_reference_does_not_open_a_paragraph() -> None:
    body, _, _ = pdf_lines_to_markdown(
        [
            page(
                f"The measures referred to in paragraph 1 and {FILL} paragraph",
                "(a) of Article",
                "15. A Party may.",
            )
        ]
    )
    assert len(body.split("\n\n")) == 1


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (("Article 1", "Purpose", "", "Text."), "##### Article 1 – Purpose"),
        (("**Article 1", "**Purpose", "Text."), "##### Article 1 – Purpose"),
        (("**Article 2 – Illegal access", "Text."), "##### Article 2 – Illegal access"),
        (("**CHAPTER I", "**GENERAL PROVISIONS", "", "Text."), "## CHAPTER I – GENERAL PROVISIONS"),
        (("**Chapter II – Measures", "", "Text."), "## Chapter II – Measures"),
        (("**Section 1 – Substantive criminal law", "", "Text."), "### Section 1 – Substantive criminal law"),
        (("**Preamble", "The States Parties,"), "## Preamble"),
        (("**Annex", "", "Text."), "## Annex"),
    ],
)
def test_headings_become_canonical_markdown(rows: tuple[str, ...], expected: str) -> None:
    body, _, _ = pdf_lines_to_markdown([page(*rows)])
    assert body.split("\n\n")[0] == expected


def test_a_long_bold_heading_title_runs_over_two_lines() -> None:
    body, _, _ = pdf_lines_to_markdown(
        [
            page(
                "**TITLE 1 – OFFENCES AGAINST THE CONFIDENTIALITY, INTEGRITY AND",
                "**AVAILABILITY OF DATA",
                "",
                "Text.",
            )
        ]
    )
    assert body.startswith(
        "## TITLE 1 – OFFENCES AGAINST THE CONFIDENTIALITY, INTEGRITY AND AVAILABILITY OF DATA\n"
    )


def test_article_without_title_keeps_its_first_paragraph() -> None:
    body, _, _ = pdf_lines_to_markdown(
        [
            page(
                "Article 7",
                "The requested Party shall effect service of writs and records of judicial",
                "verdicts.",
            )
        ]
    )
    assert body.split("\n\n")[:2] == [
        "##### Article 7",
        "The requested Party shall effect service of writs and records of judicial verdicts.\n",
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.tuples(
                st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
                st.floats(0, 600),
                st.floats(0, 850),
                st.floats(4, 30),
                st.booleans(),
            ),
            max_size=12,
        ),
        max_size=4,
    )
)
def test_any_lines_give_markdown_or_nothing(pages: list[list[tuple[str, float, float, float, bool]]]) -> None:
    body, _, notes = pdf_lines_to_markdown([[PdfLine(*line) for line in lines] for lines in pages])
    assert body == "" or (body.endswith("\n") and not body.endswith("\n\n"))
    assert all("\n" not in note for note in notes)


@pytest.mark.parametrize(
    "text",
    [
        "Article 5 of this Convention applies.",
        "Articles 2 through 5",
        "article 3",
        "Chapter II, as amended.",
        "Section 2 – of which.",
    ],
)
def test_sentences_mentioning_articles_are_not_headings(text: str) -> None:
    assert match_heading(text) is None


def test_title_is_the_large_type_at_the_top() -> None:
    lines = [
        PdfLine("Additional Protocol to the Convention on Cybercrime, concerning", 100, 800, 14, True),
        PdfLine("racist and xenophobic acts", 150, 784, 14, True),
        *page("The member States of the Council of Europe, signatories hereto,", "", FILL, FILL, top=750),
    ]
    body, title, _ = pdf_lines_to_markdown([lines])
    assert (
        title == "Additional Protocol to the Convention on Cybercrime, concerning racist and xenophobic acts"
    )
    assert body.startswith(f"# {title}\n\nThe member States")


def test_lines_above_the_title_stay_above_it() -> None:
    lines = [
        PdfLine("European Treaty Series - No. 185", 72, 810, 9),
        PdfLine("Convention on Cybercrime", 150, 780, 16, True),
        PdfLine("Budapest, 23.XI.2001", 200, 750, 10),
        *page("", "Preamble", "", "The member States of the Council of Europe,", FILL, FILL, top=720),
    ]
    body, title, _ = pdf_lines_to_markdown([lines])
    assert title == "Convention on Cybercrime"
    assert body.split("\n\n")[:4] == [
        "European Treaty Series - No. 185",
        "# Convention on Cybercrime",
        "Budapest, 23.XI.2001",
        "## Preamble",
    ]
    assert article_view(body).ids[:2] == ["front.p1", "front.p2"]


# --- unreadable PDFs --------------------------------------------------------------------------


def _widget_blocks() -> list:
    from makedocs import Block

    return [
        Block(1, "Convention on the Safety of Widgets"),
        Block(5, "Article 1 – Purpose"),
        Block(0, "The purpose of this Convention is to make widgets safe."),
    ]


def _scanned_pdf(path: Path, pages: int = 2) -> Path:
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).text((10, 10), "Article 1 - Purpose", fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    pdf = FPDF()
    for _ in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(buffer.getvalue()), x=10, y=10, w=180)
    pdf.output(str(path))
    return path


@needs_font
def test_a_scanned_page_among_text_pages_is_noted(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    text = make_pdf(_widget_blocks(), tmp_path / "pdf-text.pdf", PdfLayout())
    scan = _scanned_pdf(tmp_path / "pdf-scan.pdf", pages=1)
    writer = PdfWriter()
    writer.append(str(text))
    writer.append(str(scan))
    mixed = tmp_path / "pdf-mixed.pdf"
    with mixed.open("wb") as handle:
        writer.write(handle)
    converted = convert_pdf(mixed)
    assert "##### Article 1 – Purpose" in converted.body
    assert "pages 2 have no text layer (scanned?): their text is missing" in converted.notes


def test_scanned_pdf_asks_for_ocr(tmp_path: Path) -> None:
    path = _scanned_pdf(tmp_path / "pdf-scan.pdf")
    with pytest.raises(
        InputError, match=r"pdf-scan\.pdf has no text layer \(a scanned PDF\?\): run OCR first$"
    ):
        convert_pdf(path)


@needs_font
def test_encrypted_pdf_without_the_password(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    plain = make_pdf(_widget_blocks(), tmp_path / "pdf-plain.pdf", PdfLayout())
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "pdf-locked.pdf"
    with locked.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(InputError, match=r"pdf-locked\.pdf is encrypted"):
        convert_pdf(locked)


@needs_font
def test_pdf_with_only_an_owner_password_opens(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    plain = make_pdf(_widget_blocks(), tmp_path / "pdf-plain.pdf", PdfLayout())
    writer = PdfWriter(clone_from=plain)
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    restricted = tmp_path / "pdf-restricted.pdf"
    with restricted.open("wb") as handle:
        writer.write(handle)
    assert "##### Article 1 – Purpose" in convert_pdf(restricted).body


@needs_font
@pytest.mark.parametrize("keep", [0.3, 0.9, 0.999])
def test_truncated_pdf_is_not_readable(
    tmp_path: Path, keep: float, capsys: pytest.CaptureFixture[str]
) -> None:
    plain = make_pdf(_widget_blocks(), tmp_path / "pdf-plain.pdf", PdfLayout())
    data = plain.read_bytes()
    truncated = tmp_path / "pdf-truncated.pdf"
    truncated.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(InputError, match=r"pdf-truncated\.pdf is not a readable PDF \(.+\)$") as error:
        convert_pdf(truncated)
    assert "\n" not in str(error.value)
    assert capsys.readouterr().err == ""  # pypdf's repair warnings are not printed


@pytest.mark.parametrize("data", [b"", b"Hello, I am not a PDF.", b"\x89PNG\r\n\x1a\n" + bytes(200)])
def test_other_files_named_pdf(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "pdf-fake.pdf"
    path.write_bytes(data)
    with pytest.raises(InputError, match=r"pdf-fake\.pdf is not a readable PDF \(no PDF header\)"):
        convert_pdf(path)


def test_pdf_with_blank_pages_has_no_text(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    path = tmp_path / "pdf-blank.pdf"
    pdf.output(str(path))
    with pytest.raises(EmptyDocumentError, match="has no text"):
        convert_pdf(path)


def test_missing_pdf(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        convert_pdf(tmp_path / "pdf-missing.pdf")
