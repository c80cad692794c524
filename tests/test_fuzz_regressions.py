"""Regressions from fuzzing the ingest parsers (benchmarks/fuzz.py), one test per finding, and a
short property test per parser.

The contract every parser is held to: on any input it returns a result or raises a
`TreatydiffError` with a one-line message, within 5 s for up to ~100 KB, and its invariants hold
(segments and claims are true slices of the document's text; segments and sentences are in
order and never overlap). The findings are listed in docs/robustness-fuzzing.md.
"""

from __future__ import annotations

import dataclasses
import io
import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatydiff.claims import extract_claims
from treatydiff.documents import decode_bytes, parse_document
from treatydiff.errors import TreatydiffError
from treatydiff.ingest.docx import convert_docx
from treatydiff.ingest.html import convert_html
from treatydiff.ingest.news import convert_scraped_text
from treatydiff.ingest.pdf import PdfLine, convert_pdf, match_heading, pdf_lines_to_markdown
from treatydiff.records import Document, Level
from treatydiff.segments import segment_document
from treatydiff.sentences import split_sentences

HANG_SECONDS = 5.0
T = TypeVar("T")


def contract(call: Callable[[], T]) -> T | None:
    """The parser's result, or None when it raised a `TreatydiffError` with a one-line message;
    in under `HANG_SECONDS`. Anything else it raises fails the test."""
    started = time.perf_counter()
    try:
        result: T | None = call()
    except TreatydiffError as error:
        assert len(str(error).splitlines()) == 1, str(error)
        result = None
    elapsed = time.perf_counter() - started
    assert elapsed < HANG_SECONDS, f"took {elapsed:.1f} s"
    return result


def check_segments(doc: Document) -> None:
    for level in Level:
        segmented = contract(lambda level=level: segment_document(doc, level))
        if segmented is None:
            continue
        previous_end = doc.body_start
        for segment in segmented.segments:
            assert doc.text[segment.start : segment.end] == segment.text
            assert previous_end <= segment.start < segment.end
            previous_end = segment.end
        assert len({segment.id for segment in segmented.segments}) == len(segmented.segments)


def check_text(text: str) -> Document | None:
    doc = contract(lambda: parse_document(text, "fuzz.md"))
    if doc is not None:
        check_segments(doc)
    return doc


def check_sentences(text: str) -> list[tuple[int, int]]:
    spans = contract(lambda: split_sentences(text))
    assert spans is not None
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        previous_end = end
    return spans


def check_claims(text: str, kind: str = "news") -> None:
    doc = contract(lambda: parse_document(text, "news.md"))
    assert doc is not None
    doc = dataclasses.replace(doc, kind=kind)
    claims = contract(lambda: extract_claims(doc))
    assert claims is not None
    for claim in claims:
        assert doc.text[claim.start : claim.end] == claim.text
        assert doc.body_start <= claim.start < claim.end


def check_converted(converted: Any) -> None:
    if converted is not None:
        assert converted.body.strip()
        check_text(converted.body)


# --- documents: front matter ------------------------------------------------------------------


def test_front_matter_alias_fan_out_does_not_expand_exponentially() -> None:
    # 12 levels of lists, each holding the one below 7 times (YAML aliases): 7**11 strings.
    lines = ["t0: &t0 [x]"] + [f"t{i}: &t{i} [{', '.join([f'*t{i - 1}'] * 7)}]" for i in range(1, 12)]
    doc = check_text("---\n" + "\n".join(lines) + "\n---\nThe text.\n")
    assert doc is not None and len(doc.meta["t11"]) <= 10_000


def test_front_matter_mapping_alias_fan_out_does_not_expand_exponentially() -> None:
    lines = ["t0: &t0 {a: x}"] + [f"t{i}: &t{i} {{k1: *t{i - 1}, k2: *t{i - 1}}}" for i in range(1, 40)]
    doc = check_text("---\n" + "\n".join(lines) + "\ntitle: *t39\n---\nThe text.\n")
    assert doc is not None and len(doc.title) < 20_000


def test_front_matter_list_that_contains_itself_is_read() -> None:
    doc = check_text("---\na: &a [*a]\ntitle: T\n---\nThe text.\n")
    assert doc is not None and doc.title == "T"


@pytest.mark.parametrize("depth", [800, 5000])
def test_front_matter_nested_too_deeply_is_an_input_error(depth: int) -> None:
    # 800: RecursionError in PyYAML's parser; 5000: seconds in its scanner first.
    assert check_text("---\nt: " + "[" * depth + "\n---\nThe text.\n") is None


@pytest.mark.parametrize(
    "value",
    ["2024-13-45", "2024-02-30", "1" * 5000, "0b" + "1" * 20000],
    ids=["bad-month", "bad-day", "5000-digit-int", "huge-binary-int"],
)
def test_front_matter_value_yaml_cannot_convert_is_an_input_error(value: str) -> None:
    # PyYAML raises ValueError for these (or str() of the int it loaded does).
    assert check_text(f"---\ndate: {value}\n---\nThe text.\n") is None


# --- segments and documents: regexes and loops that went quadratic ------------------------------


def test_markdown_title_before_a_long_run_of_tabs_is_linear() -> None:
    doc = check_text("# Artikel A\x85 cc. " + "\t" * 44_083 + "\x0bDone at Budapest\n")
    assert doc is not None and doc.title.startswith("Artikel A")


def test_markdown_heading_before_a_long_run_of_tabs_is_linear() -> None:
    check_text(
        "Article 1\n\nText.\n\n## Chapter 2" + "\t" * 40_000 + "x\n\n### a" + "\t" * 40_000 + "\x0bb\n"
    )


def test_markdown_heading_closing_hashes_are_still_cut() -> None:
    doc = check_text("# Convention on Cybercrime ##\n\n##### Article 2 – Illegal access ##\n\nText.\n")
    assert doc is not None and doc.title == "Convention on Cybercrime"
    segmented = segment_document(doc, Level.ARTICLE)
    assert segmented.segments[0].heading == "Article 2 – Illegal access"


@pytest.mark.parametrize("unit", ["*a ", "**a ", "_a _", "***a "])
def test_line_full_of_unclosed_emphasis_is_linear(unit: str) -> None:
    check_text("Article " + unit * (50_000 // len(unit)) + "\n\nText.\n")  # unfixed: 20 s and more


def test_emphasis_is_still_stripped_from_titles() -> None:
    doc = check_text("**Convention on Cybercrime**\n\nPreamble\n\nThe member States, considering.\n")
    assert doc is not None and doc.title == "Convention on Cybercrime"


@pytest.mark.parametrize("line", ["1. x", "(a) x"])
def test_article_with_thousands_of_identical_markers_is_linear(line: str) -> None:
    # Each marker gives the same id ("art-1.1"): numbering the copies counted from 1 each
    # time, and every block listed all the markers after it.
    doc = check_text("Article 1\n\n" + f"{line}\n" * 12_000)  # unfixed: half a minute
    assert doc is not None
    ids = [segment.id for segment in segment_document(doc, Level.PARAGRAPH).segments]
    assert ids[:3] == [ids[0], f"{ids[0]}~2", f"{ids[0]}~3"] and ids[-1] == f"{ids[0]}~12000"


def test_roman_and_letter_items_still_tell_apart() -> None:
    doc = parse_document("Article 1\n\n1. Text.\n\nh) x;\n\ni) y;\n\n(i) first;\n\n(ii) second.\n")
    ids = [segment.id for segment in segment_document(doc, Level.PARAGRAPH).segments]
    assert ids == ["art-1.1", "art-1.1.h", "art-1.1.i", "art-1.1.i.i", "art-1.1.i.ii"]


@pytest.mark.parametrize("heading", ["Tıtle 1", "TİTLE 1", "Partıe 2", "Afdelıng 3"])
def test_division_keyword_with_a_dotless_or_dotted_i_is_no_heading(heading: str) -> None:
    # IGNORECASE matched "Tıtle" to "title", and the keyword table lookup raised KeyError.
    check_text(f"{heading}\n\nArticle 1\n\nText.\n")


@pytest.mark.parametrize("heading", ["Artıcle 2", "ARTİCLE 2", "Tıtle 1"])
def test_pdf_heading_keyword_with_a_dotless_or_dotted_i_is_no_heading(heading: str) -> None:
    assert contract(lambda: match_heading(heading)) is None


# --- sentences --------------------------------------------------------------------------------


@pytest.mark.parametrize("unit", ["x.", '."', "http://x.y/", "A."])
def test_sentences_long_run_of_full_stops_without_spaces_is_linear(unit: str) -> None:
    # The word before each full stop was looked for back to the block start, and straight
    # quotes were counted from there.
    check_sentences(unit * (100_000 // len(unit)))


def test_sentences_straight_quotes_still_close_sentences() -> None:
    text = 'He said "it ends here." Then it goes on. "Quoted." Next.'
    spans = check_sentences(text)
    assert [text[start:end] for start, end in spans] == [
        'He said "it ends here."',
        "Then it goes on.",
        '"Quoted."',
        "Next.",
    ]


# --- scraped news and HTML ----------------------------------------------------------------------


def test_news_invalid_ipv6_source_url_is_no_error() -> None:
    check_converted(
        contract(lambda: convert_scraped_text("Source: http://[broken\n\nThe text goes on here."))
    )


@pytest.mark.parametrize("line", ["Updated on 1 ſeptember 2024", "29 aprıl 2024", "1 Sep. 2024"])
def test_news_month_with_a_long_s_or_dotless_i_is_no_error(line: str) -> None:
    # IGNORECASE matched "ſeptember" to "september", then the month table lookup raised KeyError.
    converted = contract(lambda: convert_scraped_text(f"{line}\nThe ministry said the talks failed."))
    check_converted(converted)
    if line == "1 Sep. 2024":
        assert converted is not None and converted.meta["date"] == "2024-09-01"


def test_html_invalid_ipv6_canonical_link_is_no_error() -> None:
    page = b'<head><link rel="canonical" href="http://["></head><body><article><div></article></body></html>'
    check_converted(contract(lambda: convert_html(page, url=None)))
    page = (
        b'<html><head><link rel="canonical" href="http://[::1"><meta property="og:url" content="https://]x">'
        b"</head><body><article><p>The ministry said the treaty must protect human rights.</p>"
        b"</article></body></html>"
    )
    check_converted(contract(lambda: convert_html(page, url="http://[")))


# --- claims -----------------------------------------------------------------------------------


def test_claims_many_short_quotes_are_linear() -> None:
    # Every sentence looked at every quotation of its paragraph, and each quotation searched
    # the sentence list from the start.
    check_claims("# T\n\n" + '"Ab." ' * 15_000)


@pytest.mark.parametrize(
    "template",
    ['"Ab," {name} said. ', "{name} Ministry said the treaty must act. "],
)
def test_claims_many_speakers_are_resolved_in_near_linear_time(template: str) -> None:
    # Each mention was resolved against every earlier mention of every name, sorted anew.
    names = [f"B{chr(97 + n // 676)}{chr(97 + n // 26 % 26)}{chr(97 + n % 26)}" for n in range(7_000)]
    check_claims("# T\n\n" + "".join(template.format(name=name) for name in names)[:100_000])


def test_claims_speakers_are_still_resolved() -> None:
    text = (
        "# T\n\nThe Russian Foreign Ministry said that the convention must protect sovereignty. "
        '"The treaty lets police read data without a warrant," the ministry added.\n\n'
        "Maria Olsen said the draft goes much too far. She said that it must be rejected outright."
    )
    doc = dataclasses.replace(parse_document(text), kind="news")
    speakers = [claim.speaker for claim in extract_claims(doc) if claim.parent is None]
    assert speakers == ["Russian Foreign Ministry"] * 2 + ["Maria Olsen"] * 2


# --- PDF and DOCX -------------------------------------------------------------------------------


def small_pdf(content_prefix: bytes = b"") -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for number in range(3):
        pdf.multi_cell(
            w=0, h=6, text=f"Article {number}. The Parties shall act.", new_x="LMARGIN", new_y="NEXT"
        )
    return bytes(pdf.output()).replace(b"BT /F1", content_prefix + b"BT /F1", 1)


def test_pdf_matrix_that_overflows_to_nan_is_no_error(tmp_path: Path) -> None:
    # 40 x `1e9 0 0 1e9 0 0 cm`: the matrix overflows to inf, positions to inf and nan, and
    # the layout's round() raised ValueError.
    path = tmp_path / "overflow.pdf"
    path.write_bytes(small_pdf(b"1000000000 0 0 1000000000 0 0 cm\n" * 40))
    converted = contract(lambda: convert_pdf(path))
    check_converted(converted)
    assert converted is not None and "The Parties shall act." in converted.body


def test_pdf_type_size_zero_is_no_error(tmp_path: Path) -> None:
    # `0 Tf` made the body type size 0, and the layout divided by it (ZeroDivisionError).
    lines = [PdfLine("Title", 72, 720, 12), PdfLine("The Parties shall act.", 72, 700, 0.0)]
    lines.append(PdfLine("Then more text here.", 72, 688, 0.0))
    result = contract(lambda: pdf_lines_to_markdown([lines]))
    assert result is not None and result[0] == "# Title\n\nThe Parties shall act.\n\nThen more text here.\n"
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_compression(False)
    pdf.add_page()
    for size, text in ((16, "Convention"), (10, "The Parties shall act."), (10, "Then more text here.")):
        pdf.set_font("Helvetica", size=size)
        pdf.multi_cell(w=0, h=6, text=text, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "zero.pdf"
    path.write_bytes(bytes(pdf.output()).replace(b"10.00 Tf", b"0 Tf"))
    check_converted(contract(lambda: convert_pdf(path)))


def docx_with_list_start(start: str, number_format: str) -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph("Convention", style="Title")
    for _ in range(3):
        document.add_paragraph("item text", style="List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    numbering = files["word/numbering.xml"].decode("utf-8")
    numbering = re.sub(r'<w:start w:val="\d+"/>', f'<w:start w:val="{start}"/>', numbering)
    numbering = re.sub(r'<w:numFmt w:val="\w+"/>', f'<w:numFmt w:val="{number_format}"/>', numbering)
    files["word/numbering.xml"] = numbering.encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("start", "number_format"),
    [("1000000000000", "lowerRoman"), ("2000000000", "lowerLetter"), ("9" * 5000, "decimal")],
)
def test_docx_huge_list_start_is_no_hang(tmp_path: Path, start: str, number_format: str) -> None:
    # A roman numeral of 10**12 was built one "m" at a time; letters made strings of 77 MB.
    path = tmp_path / "list.docx"
    path.write_bytes(docx_with_list_start(start, number_format))
    check_converted(contract(lambda: convert_docx(path)))


def test_docx_list_markers_within_words_limit_are_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "list.docx"
    path.write_bytes(docx_with_list_start("3", "lowerRoman"))
    converted = convert_docx(path)
    assert "iii. item text" in converted.body and "v. item text" in converted.body


# --- properties: every parser under the contract ------------------------------------------------

TOKENS = (
    "Article",
    "ARTICLE",
    "Chapter",
    "Section",
    "Tıtle",
    "Preamble",
    "Annex",
    "1",
    "2 bis",
    "IV",
    "1.",
    "(a)",
    "ii)",
    "–",
    "-",
    "*",
    "**",
    "_",
    "#",
    "##",
    "#####",
    '"',
    "“",
    "”",
    "(",
    ")",
    "[",
    ".",
    ";",
    ":",
    "…",
    "said",
    "that",
    "the",
    "treaty",
    "must",
    "Ministry",
    "she",
    "According to",
    "e.g.",
    "No.",
    "ſeptember",
    "2024",
    "http://[",
    "https://x.org/a",
    "a@b.c",
    "IN WITNESS WHEREOF",
    "\t",
    "\u00a0",
    "\u2028",
    "\x0b",
    "\x85",
    "\x00",
    "\ufeff",
    "---",
    "title:",
    "[[[",
    "&a",
    "*a",
)
separators = st.sampled_from((" ", " ", "", "\n", "\n\n", "\r\n", "\r"))
texts = st.lists(
    st.tuples(st.one_of(st.sampled_from(TOKENS), st.text(max_size=4)), separators), max_size=60
).map(lambda pairs: "".join(token + separator for token, separator in pairs))
quick = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@quick
@given(st.one_of(texts, st.builds(lambda front, body: f"---\n{front}\n---\n{body}", texts, texts)))
def test_property_parse_and_segment(text: str) -> None:
    check_text(text)


@quick
@given(st.one_of(st.binary(max_size=200), texts.map(lambda text: text.encode("utf-16", "surrogatepass"))))
def test_property_decode_bytes(data: bytes) -> None:
    text = contract(lambda: decode_bytes(data, "fuzz.txt"))
    if text is not None:
        check_text(text)


@quick
@given(texts)
def test_property_split_sentences(text: str) -> None:
    check_sentences(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_property_convert_scraped_text(text: str) -> None:
    check_converted(contract(lambda: convert_scraped_text(text, source_name="fuzz.txt")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, st.sampled_from(("news", "commentary")))
def test_property_extract_claims(text: str, kind: str) -> None:
    check_claims("# T\n\n" + text, kind)


TAGS = st.sampled_from(
    (
        "<div>",
        "</div>",
        "<p>",
        "</p>",
        "<article>",
        "<script>",
        "</script>",
        "<br/>",
        '<link rel="canonical" href="http://[">',
        '<meta property="og:url" content="x">',
        '<script type="application/ld+json">[[[{"url": "http://["}]]]</script>',
        "<",
        "<!--",
    )
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TAGS, texts), max_size=12).map("".join))
def test_property_convert_html(page: str) -> None:
    check_converted(contract(lambda: convert_html(page.encode("utf-8", "surrogatepass"), url=None)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from((b"", b"1000000000 0 0 1000000000 0 0 cm\n" * 40, b"0 0 0 0 0 0 cm\n", b"q " * 50, b"[")),
    st.integers(0, 3000),
    st.binary(max_size=8),
)
def test_property_convert_pdf(
    tmp_path_factory: pytest.TempPathFactory, prefix: bytes, at: int, junk: bytes
) -> None:
    data = small_pdf(prefix)
    path = tmp_path_factory.mktemp("pdf") / "fuzz.pdf"
    path.write_bytes(data[:at] + junk + data[at + len(junk) :])
    check_converted(contract(lambda: convert_pdf(path)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(("1", "0", "-3", "27", "40000", "1000000000000", "x")),
    st.sampled_from(("decimal", "lowerLetter", "upperRoman", "bullet", "none", "")),
    st.integers(0, 4000),
    st.binary(max_size=4),
)
def test_property_convert_docx(
    tmp_path_factory: pytest.TempPathFactory, start: str, number_format: str, at: int, junk: bytes
) -> None:
    data = docx_with_list_start(start, number_format)
    if junk:
        data = data[:at] + junk + data[at + len(junk) :]
    path = tmp_path_factory.mktemp("docx") / "fuzz.docx"
    path.write_bytes(data)
    check_converted(contract(lambda: convert_docx(path)))
