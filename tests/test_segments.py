from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatydiff.documents import load_document, parse_document
from treatydiff.errors import ConfigError, EmptyDocumentError
from treatydiff.records import Level, SegmentedDocument
from treatydiff.segments import has_article_headings, segment_document, split_paragraphs

LEVELS = tuple(Level)


def segment_text(text: str, level: Level | str = Level.PARAGRAPH) -> SegmentedDocument:
    return segment_document(parse_document(text), level)


def paragraphs(*blocks: str) -> str:
    """A document whose blocks are separated by blank lines."""
    return "\n\n".join(blocks) + "\n"


def ids(segmented: SegmentedDocument) -> list[str]:
    return [s.id for s in segmented.segments]


def assert_well_formed(segmented: SegmentedDocument) -> None:
    """Offsets true, ids unique, order 0..n-1, inside the body, in order and non-overlapping."""
    doc = segmented.document
    segments = segmented.segments
    assert [s.order for s in segments] == list(range(len(segments)))
    assert len({s.id for s in segments}) == len(segments)
    previous_end = doc.body_start
    for segment in segments:
        assert doc.text[segment.start : segment.end] == segment.text, segment.id
        assert segment.text and segment.text == segment.text.strip(), segment.id
        assert segment.start >= previous_end, segment.id
        previous_end = segment.end
    assert previous_end <= len(doc.text)


# --- the hand-written fixtures ------------------------------------------------------------


@pytest.fixture
def widget_md(fixtures_dir: Path) -> Path:
    return fixtures_dir / "widget-convention.md"


def test_paragraph_level_ids_and_labels(widget_md: Path) -> None:
    segmented = segment_document(load_document(widget_md), Level.PARAGRAPH)
    assert_well_formed(segmented)
    by_id = segmented.by_id()
    assert ids(segmented) == [
        "preamble.r1", "preamble.r2", "preamble.r3", "preamble.r4",
        "art-1.p1",
        "art-2.p1", "art-2.a", "art-2.b", "art-2.b.i", "art-2.b.ii", "art-2.c",
        "art-3.1", "art-3.2", "art-3.2.a", "art-3.2.b", "art-3.3.a", "art-3.3.b",
        "art-4.p1", "art-4.p2",
        "art-5bis.p1",
        "art-6.p1",
        "final.1", "final.2",
        "appendix.p1", "appendix.p2",
    ]  # fmt: skip
    assert by_id["art-1.p1"].label == "Article 1"  # an unnumbered single-paragraph article
    assert by_id["art-2.p1"].label == "Article 2, para. 1"
    assert by_id["art-2.b.ii"].label == "Article 2(b)(ii)"
    assert by_id["art-4.p2"].label == "Article 4, para. 2"
    assert by_id["art-5bis.p1"].article == "5 bis"
    assert by_id["preamble.r2"].label == "Preamble, recital 2"
    assert by_id["final.1"].label == "Final formula"


def test_segment_fields(widget_md: Path) -> None:
    by_id = segment_document(load_document(widget_md), "paragraph").by_id()
    item = by_id["art-2.b.i"]
    assert item.kind == "item"
    assert item.article == "2"
    assert item.article_title == "Definitions"
    assert item.path == ("Chapter I – General provisions", "Article 2 – Definitions", "b", "i")
    assert item.text == "(i) a widget with a battery; or"
    assert item.heading is None
    paragraph = by_id["art-3.1"]
    assert paragraph.kind == "paragraph"
    assert paragraph.text.startswith("1. Each Party shall")  # the marker stays in the text
    assert paragraph.path[:3] == (
        "Chapter II – Measures to be taken at national level",
        "Section 1 – Domestic law",
        "Article 3 – Offences",
    )
    recital = by_id["preamble.r1"]
    assert (recital.kind, recital.article, recital.path) == ("recital", "preamble", ("Preamble",))
    formula = by_id["final.2"]
    assert (formula.kind, formula.article, formula.article_title) == ("formula", None, None)
    assert formula.text.startswith("DONE at Geneva")
    annex = by_id["appendix.p1"]
    assert (annex.kind, annex.article, annex.label) == ("text", None, "Annex, para. 1")


def test_bare_paragraph_number_is_only_a_path_node(widget_md: Path) -> None:
    segmented = segment_document(load_document(widget_md), Level.PARAGRAPH)
    assert "art-3.3" not in segmented.by_id()
    assert segmented.by_id()["art-3.3.a"].label == "Article 3(3)(a)"
    assert all(s.text != "3." for s in segmented.segments)


def test_article_level(widget_md: Path) -> None:
    doc = load_document(widget_md)
    segmented = segment_document(doc, Level.ARTICLE)
    assert_well_formed(segmented)
    assert ids(segmented) == [
        "preamble.r1", "preamble.r2", "preamble.r3", "preamble.r4",
        "art-1", "art-2", "art-3", "art-4", "art-5bis", "art-6",
        "final.1", "final.2", "appendix.p1", "appendix.p2",
    ]  # fmt: skip
    article = segmented.by_id()["art-3"]
    assert article.kind == "article"
    assert article.label == "Article 3"
    assert article.heading == "Article 3 – Offences"
    assert article.article_title == "Offences"
    assert article.text.startswith("1. Each Party shall make it an offence")
    assert article.text.endswith("b) It may be withdrawn at any time.")
    assert "#" not in article.text
    assert segmented.by_id()["art-4"].heading == "Article 4"
    assert segmented.by_id()["art-4"].article_title is None
    last = segmented.by_id()["art-6"]
    assert "IN WITNESS" not in last.text and "DONE at" not in last.text


def test_sentence_level(widget_md: Path) -> None:
    segmented = segment_document(load_document(widget_md), Level.SENTENCE)
    assert_well_formed(segmented)
    by_id = segmented.by_id()
    assert "art-3.1" not in by_id
    first, second = by_id["art-3.1.s1"], by_id["art-3.1.s2"]
    assert first.text == "1. Each Party shall make it an offence to sell an unsafe widget."
    assert second.text == "A Party may require intent."
    assert (second.kind, second.label, second.article) == ("sentence", "Article 3(1), sentence 2", "3")
    # One sentence: the paragraph-level segment is kept as it is.
    single = by_id["art-3.2.a"]
    assert (single.kind, single.label) == ("item", "Article 3(2)(a)")
    # "e.g." and "Art. 3" do not end a sentence.
    assert "preamble.r3" in by_id
    assert "art-4.p1" in by_id


def test_headings_are_recorded(widget_md: Path) -> None:
    doc = load_document(widget_md)
    headings = segment_document(doc, Level.ARTICLE).headings
    assert [(h.kind, h.number, h.depth) for h in headings] == [
        ("preamble", None, 1),
        ("chapter", "I", 1),
        ("chapter", "II", 1),
        ("section", "1", 2),
        ("section", "2", 2),
        ("chapter", "III", 1),
        ("appendix", None, 1),
    ]
    chapter = headings[2]
    assert chapter.title == "MEASURES TO BE TAKEN AT NATIONAL LEVEL"
    assert chapter.label == "Chapter II – Measures to be taken at national level"
    assert doc.text[chapter.start :].startswith("## CHAPTER II")


@pytest.mark.parametrize("level", LEVELS)
def test_plain_un_layout_gives_the_same_segments(fixtures_dir: Path, level: Level) -> None:
    markdown = segment_document(load_document(fixtures_dir / "widget-convention.md"), level)
    plain = segment_document(load_document(fixtures_dir / "widget-convention.txt"), level)
    assert_well_formed(plain)
    assert summary(plain) == summary(markdown)
    assert [s.text for s in plain.segments] == [s.text for s in markdown.segments]
    assert [h.label for h in plain.headings] == [h.label for h in markdown.headings]


def summary(segmented: SegmentedDocument) -> list[tuple[object, ...]]:
    return [
        (s.id, s.label, s.kind, s.article, s.article_title, s.path, s.heading) for s in segmented.segments
    ]


def test_dutch_keywords_and_items(fixtures_dir: Path) -> None:
    segmented = segment_document(load_document(fixtures_dir / "widget-verdrag.nl.md"), Level.PARAGRAPH)
    assert_well_formed(segmented)
    by_id = segmented.by_id()
    assert by_id["preamble.r3"].text == "Zijn het volgende overeengekomen:"
    # "i." after "b." is a roman sub-item (a "ii." follows)...
    assert by_id["art-1.b.i"].label == "Artikel 1(b)(i)"
    assert by_id["art-1.b.ii"].path[-2:] == ("b", "ii")
    # ...but after "h." it is the letter i.
    assert by_id["art-2.1.i"].path[-2:] == ("1", "i")
    assert by_id["art-2.1.i"].text == "i. ziekenhuizen."
    # Dash items are children of the lettered item.
    assert by_id["art-1.c.-1"].label == "Artikel 1(c)-1"
    assert by_id["art-1.c.-2"].text == "– door de verkoper worden bewaard."
    assert by_id["art-2.2"].path[-1] == "2"
    assert [by_id["final.1"].kind, by_id["final.2"].kind] == ["formula", "formula"]
    assert by_id["appendix.p1"].label == "Bijlage, para. 1"
    assert by_id["art-1.a"].path[0] == "Hoofdstuk I – Algemene bepalingen"


def test_prose_declaration(fixtures_dir: Path) -> None:
    for level in LEVELS:
        segmented = segment_document(load_document(fixtures_dir / "declaration.md"), level)
        assert_well_formed(segmented)
        assert {s.kind for s in segmented.segments} <= {"text", "sentence"}
    paragraphs = segment_document(load_document(fixtures_dir / "declaration.md"), "paragraph")
    assert ids(paragraphs) == ["p1", "p2", "p3", "p4", "p5", "p6", "p7"]
    by_id = paragraphs.by_id()
    assert by_id["p4"].text == "- Label every widget we sell;"  # a list item is its own paragraph
    assert by_id["p7"].label == "Paragraph 7"
    assert by_id["p1"].article is None
    # The level does not matter for prose: article level gives the same paragraphs.
    assert ids(segment_document(load_document(fixtures_dir / "declaration.md"), "article")) == ids(paragraphs)


def test_scraped_news_with_single_newlines(fixtures_dir: Path) -> None:
    doc = load_document(fixtures_dir / "widget-news.raw.txt")
    segmented = segment_document(doc, Level.PARAGRAPH)
    assert_well_formed(segmented)
    texts = [s.text for s in segmented.segments]
    assert texts[0].startswith("https://")  # the URL line; the headline is the title
    assert "Widget Talks Enter Final Stage" not in texts
    # Lines cut mid-sentence are joined; complete lines stay separate paragraphs.
    assert any(
        t.startswith("The negotiators met")
        and t.endswith('the annex. "We are close," one delegate said. "Only the list remains."')
        for t in texts
    )
    assert "A second round of talks is planned for\nSeptember in Nairobi." in texts
    assert texts[-1].startswith("Observers welcomed")
    sentences = segment_document(doc, Level.SENTENCE)
    assert "On Tuesday, the\ndelegations discussed the annex." in [s.text for s in sentences.segments]


# --- layouts and headings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Article 2 – Illegal access", "2", "Illegal access"),
        ("Article 2 - Illegal access", "2", "Illegal access"),
        ("Article 2. Illegal access", "2", "Illegal access"),
        ("Article 2: Illegal access", "2", "Illegal access"),
        ("ARTICLE 2\nIllegal access", "2", "Illegal access"),
        ("Article 2\nIllegal access", "2", "Illegal access"),
        ("Article 2\n\nIllegal access", "2", "Illegal access"),
        ("Article 2 bis\nIllegal access", "2 bis", "Illegal access"),
        ("Article 15a – Illegal access", "15a", "Illegal access"),
        ("Artikel 2 – Onrechtmatige toegang", "2", "Onrechtmatige toegang"),
        ("##### Article 2 – Illegal access", "2", "Illegal access"),
        ("##### Article 2 Illegal access", "2", "Illegal access"),
        ("### Article 2\n\n#### Illegal access", "2", "Illegal access"),
        ("### Article 2\n####*Illegal access*", "2", "Illegal access"),
        ("Article 2", "2", None),
        ("ARTICLE 2.", "2", None),
    ],
)
def test_article_heading_layouts(heading: str, number: str, title: str | None) -> None:
    segmented = segment_text(f"{heading}\n\nEach Party shall act. It shall report.\n", Level.ARTICLE)
    article = next(s for s in segmented.segments if s.kind == "article")
    assert (article.article, article.article_title) == (number, title)
    assert article.text == "Each Party shall act. It shall report."


@pytest.mark.parametrize(
    "layout",
    [
        "CHAPTER II – MEASURES\n\n",
        "CHAPTER II\nMEASURES\n\n",
        "Chapter II\nMEASURES\n\n",
        "Chapter II\n\nMEASURES\n\n",
        "## CHAPTER II – MEASURES\n\n",
        "Chapter II - MEASURES\n\n",
    ],
)
def test_chapter_heading_layouts(layout: str) -> None:
    segmented = segment_text(f"{layout}Article 5\nScope\n\nText of the article.\n")
    (heading,) = segmented.headings
    assert (heading.kind, heading.number, heading.title, heading.label) == (
        "chapter", "II", "MEASURES", "Chapter II – Measures",
    )  # fmt: skip
    assert segmented.segments[0].path == ("Chapter II – Measures", "Article 5 – Scope", "para. 1")


def test_division_nesting_in_plain_text() -> None:
    text = (
        "PART I\nGENERAL\n\nChapter 1\nScope\n\nSection 1\nTerms\n\nTitle 1\nWords\n\n"
        "Article 1\nUse of terms\n\nText one.\n\nChapter 2\nOther\n\nArticle 2\nMore\n\nText two.\n"
    )
    segmented = segment_text(text)
    assert [(h.kind, h.depth) for h in segmented.headings] == [
        ("part", 1), ("chapter", 2), ("section", 3), ("title", 4), ("chapter", 2),
    ]  # fmt: skip
    first, second = segmented.segments
    assert first.path[:-2] == (
        "Part I – General",
        "Chapter 1 – Scope",
        "Section 1 – Terms",
        "Title 1 – Words",
    )
    assert second.path[:-2] == ("Part I – General", "Chapter 2 – Other")


def test_french_keywords() -> None:
    text = paragraphs(
        "Préambule",
        "Les États membres,",
        "CHAPITRE I – OBJET",
        "Article 1 – Objet",
        "Texte.",
        "Annexe",
        "Liste.",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["preamble.r1", "art-1.p1", "appendix.p1"]
    assert [h.kind for h in segmented.headings] == ["preamble", "chapter", "appendix"]


def test_a_sentence_mentioning_an_article_is_not_a_heading() -> None:
    text = paragraphs(
        "Article 1",
        "First.",
        "Article 2 of this Convention applies to widgets.",
        "Chapter II of the report is long.",
    )
    segmented = segment_text(text)
    assert [s.id for s in segmented.segments] == ["art-1.p1", "art-1.p2", "art-1.p3"]
    assert not has_article_headings("Article 2 of this Convention applies.\n")
    assert has_article_headings("Some text.\n\nARTICLE 7\n\nMore text.\n")


def test_preamble_without_heading_follows_the_title() -> None:
    text = paragraphs(
        "# A Protocol",
        "*Warsaw, 1.V.2030*",
        "The States,",
        "Have agreed as follows:",
        "## CHAPTER I – X",
        "##### Article 1",
        "Text.",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["preamble.r1", "preamble.r2", "preamble.r3", "art-1.p1"]
    assert segmented.segments[0].text == "*Warsaw, 1.V.2030*"


def test_plain_title_line_is_not_a_recital() -> None:
    text = "---\ntitle: Widget Treaty\n---\nWIDGET TREATY\n\nThe Parties,\n\nArticle 1\n\nText.\n"
    assert ids(segment_text(text)) == ["preamble.r1", "art-1.p1"]


def test_lowercase_and_mixed_formulas() -> None:
    text = paragraphs(
        "Article 1",
        "Text.",
        "In witness whereof the undersigned have signed.",
        "Done at Rome, 2030.",
        "For Ruritania:",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["art-1.p1", "final.1", "final.2", "final.3"]
    assert segmented.by_id()["final.3"].label == "Final formula, para. 3"


def test_text_between_a_chapter_and_its_first_article() -> None:
    text = "The Parties,\n\nCHAPTER I – X\n\nThis chapter applies to widgets.\n\nArticle 1\n\nText.\n"
    segmented = segment_text(text)
    assert ids(segmented) == ["preamble.r1", "p1", "art-1.p1"]
    assert segmented.by_id()["p1"].kind == "text"


# --- markers inside articles --------------------------------------------------------------


def test_nesting_by_marker_type() -> None:
    text = (
        "Article 6 – Misuse\n\n1. Each Party:\n\na) the production of:\n\n(i) a device;\n\n"
        "(ii) a password;\n\nb) the possession.\n\n2. This article.\n"
    )
    assert ids(segment_text(text)) == [
        "art-6.1",
        "art-6.1.a",
        "art-6.1.a.i",
        "art-6.1.a.ii",
        "art-6.1.b",
        "art-6.2",
    ]
    by_id = segment_text(text).by_id()
    assert by_id["art-6.1.a.ii"].label == "Article 6(1)(a)(ii)"
    assert by_id["art-6.1.a.ii"].path == ("Article 6 – Misuse", "1", "a", "ii")


@pytest.mark.parametrize(
    ("markers", "expected"),
    [
        # After h) comes the letter i).
        (
            ["a)", "b)", "c)", "d)", "e)", "f)", "g)", "h)", "i)", "j)"],
            ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"],
        ),
        # (i) in another shape under h) is roman.
        (["g)", "h)", "(i)", "(ii)"], ["g", "h", "h.i", "h.ii"]),
        # Same shape, but ii. follows: roman.
        (["g.", "h.", "i.", "ii."], ["g", "h", "h.i", "h.ii"]),
        # v after iv is roman; v after u is a letter.
        (["a)", "(i)", "(ii)", "(iii)", "(iv)", "(v)"], ["a", "a.i", "a.ii", "a.iii", "a.iv", "a.v"]),
        (["t)", "u)", "v)"], ["t", "u", "v"]),
        (["(a)", "(b)", "(c)"], ["a", "b", "c"]),
        (["1)", "2)"], ["1", "2"]),
        (["(1)", "(a)", "(2)"], ["1", "1.a", "2"]),
    ],
)
def test_letter_or_roman(markers: list[str], expected: list[str]) -> None:
    body = "\n\n".join(f"{marker} text of {marker}" for marker in markers)
    segmented = segment_text(f"Article 9\n\n{body}\n")
    assert ids(segmented) == [f"art-9.{part}" for part in expected]


def test_roman_numeral_without_full_stop() -> None:
    text = paragraphs(
        "Artikel 9",
        "1. Elke Partij:",
        "c. het bijdragen:",
        "i. hetzij met het oog; of",
        "ii hetzij met de wetenschap.",
    )
    assert ids(segment_text(text))[-1] == "art-9.1.c.ii"


def test_unmarked_paragraph_after_items_belongs_to_the_numbered_paragraph() -> None:
    text = paragraphs(
        "Article 3",
        "1. It applies to:",
        "a) x;",
        "b) y,",
        "where the offence is transnational.",
        "2. Next.",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["art-3.1", "art-3.1.a", "art-3.1.b", "art-3.1.p2", "art-3.2"]
    assert segmented.by_id()["art-3.1.p2"].label == "Article 3(1), para. 2"


def test_unmarked_closing_words_after_top_level_items() -> None:
    text = "Article 3\n\nIt applies to:\n\na) x;\n\nb) y,\n\nwhere the offence is transnational.\n"
    assert ids(segment_text(text)) == ["art-3.p1", "art-3.a", "art-3.b", "art-3.p2"]


def test_dash_items_directly_under_a_paragraph() -> None:
    text = paragraphs(
        "Artikel 39",
        "1. Dit Verdrag vult aan:",
        "– het eerste verdrag;",
        "– het tweede verdrag.",
        "2. Verder.",
    )
    assert ids(segment_text(text)) == ["art-39.1", "art-39.1.-1", "art-39.1.-2", "art-39.2"]


def test_items_in_one_block_without_blank_lines() -> None:
    text = "Article 2\nDefinitions\nFor the purposes of this Convention:\na) one;\nb) two.\n"
    assert ids(segment_text(text)) == ["art-2.p1", "art-2.a", "art-2.b"]


# --- ids ----------------------------------------------------------------------------------


def test_repeated_article_number_is_deduplicated() -> None:
    text = "Article 5\n\nFirst text.\n\nArticle 5\n\nSecond text.\n"
    assert ids(segment_text(text, Level.ARTICLE)) == ["art-5", "art-5~2"]
    assert ids(segment_text(text, Level.PARAGRAPH)) == ["art-5.p1", "art-5~2.p1"]


def test_repeated_marker_is_deduplicated() -> None:
    text = "Article 5\n\n1. First.\n\n1. Again.\n"
    assert ids(segment_text(text)) == ["art-5.1", "art-5.1~2"]


def test_sentence_ids_are_stable() -> None:
    text = "Article 5\n\n1. One sentence. Two sentences.\n\n2. Only one.\n"
    segmented = segment_text(text, Level.SENTENCE)
    assert ids(segmented) == ["art-5.1.s1", "art-5.1.s2", "art-5.2"]
    assert segmented.by_id()["art-5.1.s1"].label == "Article 5(1), sentence 1"


# --- levels and errors --------------------------------------------------------------------


@pytest.mark.parametrize("level", ["article", "Paragraph", " SENTENCE ", Level.ARTICLE])
def test_level_names(level: Level | str) -> None:
    assert segment_text("Some text.\n", level).level in LEVELS


@pytest.mark.parametrize("level", ["chapter", "", "words"])
def test_unknown_level(level: str) -> None:
    with pytest.raises(ConfigError, match="unknown segmentation level"):
        segment_text("Some text.\n", level)


@pytest.mark.parametrize("text", ["# Only a title\n", "## CHAPTER I – X\n\n##### Article 1 – Empty\n"])
def test_nothing_to_segment(text: str) -> None:
    with pytest.raises(EmptyDocumentError):
        segment_text(text)


def test_split_paragraphs() -> None:
    wrapped = (
        "A hard-wrapped paragraph ends its lines at about sixty chars.\n"
        "Even a line that ends with a full stop stays in the block.\n"
        "Last line."
    )
    text = f"# Title\n\n{wrapped}\n\nOne line.\nAnother line.\n\n- item\n- item two\n"
    assert [text[s:e] for s, e in split_paragraphs(text)] == [
        wrapped,
        "One line.",
        "Another line.",
        "- item",
        "- item two",
    ]


# --- property test ------------------------------------------------------------------------

_WORDS = st.sampled_from(
    ["Party", "shall", "adopt", "measures", "e.g.", "No.", "Art.", "5", "widgets", "the", "U.S.", "of",
     "“data”",
     '"quoted"', "etc.", "2.5", "added.On", "(i)", "a)", "1."]
)  # fmt: skip
_SENTENCE = st.lists(_WORDS, min_size=1, max_size=12).map(lambda words: " ".join(words).capitalize() + ".")
_PARAGRAPH = st.lists(_SENTENCE, min_size=1, max_size=3).map(" ".join)
_LINE = st.one_of(
    _PARAGRAPH,
    st.sampled_from(["1.", "3.", "a)", "(ii)", "–", "- x", "ii y"]).flatmap(
        lambda m: _PARAGRAPH.map(lambda p: f"{m} {p}")
    ),
    st.sampled_from(
        [
            "# Title",
            "## Preamble",
            "## CHAPTER I – X",
            "### SECTION 2",
            "##### Article 1 – T",
            "Article 2",
            "Article 3 - Scope",
            "CHAPTER IV",
            "Annex",
            "PREAMBLE",
            "IN WITNESS WHEREOF signed.",
            "DONE at Rome.",
            "https://example.org/x",
            "1.",
            "a)",
            "Illegal access",
            "   ",
            "",
        ]
    ),  # fmt: skip
)
_DOCUMENT = st.tuples(
    st.booleans(),
    st.lists(st.tuples(_LINE, st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"])), min_size=1, max_size=25),
).map(
    lambda args: (
        ("---\ntitle: Random\n---\n" if args[0] else "") + "".join(line + sep for line, sep in args[1])
    )
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCUMENT)
def test_segments_are_true_slices_of_the_body(text: str) -> None:
    try:
        doc = parse_document(text)
    except EmptyDocumentError:
        return
    for level in LEVELS:
        try:
            segmented = segment_document(doc, level)
        except EmptyDocumentError:
            continue
        assert_well_formed(segmented)
        assert all(s.start >= doc.body_start and s.end <= len(doc.text) for s in segmented.segments)


# --- reference texts ----------------------------------------------------------------------

ARTICLE_COUNTS = {
    "budapest-convention": 48,
    "budapest-protocol-ets189": 16,
    "uncac": 71,
    "untoc": 41,
    "mla-convention-ets30": 30,
    "data-protection-convention-ets108": 27,
    "terrorism-prevention-convention-cets196": 32,
    "money-laundering-convention-ets141": 44,
    "money-laundering-convention-cets198": 56,
    "lanzarote-convention-cets201": 50,
}
TREATY_FILES = [f"{stem}.{lang}.md" for stem in ARTICLE_COUNTS for lang in ("en", "nl")]
ALL_FILES = [
    *TREATY_FILES,
    "paris-call.en.md",
    "paris-call.fr.md",
    "sputnik-2024-03-29-ict-convention.raw.txt",
]


@pytest.fixture(scope="module")
def segmented_cache() -> dict[tuple[Path, Level], SegmentedDocument]:
    return {}


def segmented_reference(
    cache: dict[tuple[Path, Level], SegmentedDocument], path: Path, level: Level
) -> SegmentedDocument:
    if (path, level) not in cache:
        cache[(path, level)] = segment_document(load_document(path), level)
    return cache[(path, level)]


@pytest.mark.parametrize("name", TREATY_FILES)
def test_reference_article_counts(corpus_sources: Path, segmented_cache: dict, name: str) -> None:
    segmented = segmented_reference(segmented_cache, corpus_sources / name, Level.ARTICLE)
    articles = [s for s in segmented.segments if s.kind == "article"]
    assert len(articles) == ARTICLE_COUNTS[name.rsplit(".", 2)[0]]
    assert [s.id for s in articles] == [f"art-{n}" for n in range(1, len(articles) + 1)]
    assert all(s.heading and s.heading.startswith(("Article ", "Artikel ")) for s in articles)


@pytest.mark.parametrize("name", ALL_FILES)
@pytest.mark.parametrize("level", LEVELS)
def test_reference_offsets_are_true(
    corpus_sources: Path, segmented_cache: dict, name: str, level: Level
) -> None:
    assert_well_formed(segmented_reference(segmented_cache, corpus_sources / name, level))


@pytest.mark.parametrize("name", TREATY_FILES)
def test_reference_closing_formula_is_separate(
    corpus_sources: Path, segmented_cache: dict, name: str
) -> None:
    segmented = segmented_reference(segmented_cache, corpus_sources / name, Level.ARTICLE)
    formulas = [s for s in segmented.segments if s.kind == "formula"]
    assert formulas and formulas[0].id == "final.1"
    last_article = [s for s in segmented.segments if s.kind == "article"][-1]
    assert not re.search(
        r"in witness whereof|ten blijke waarvan|^done at|^gedaan te", last_article.text, re.I | re.M
    )


def test_budapest_article_6_1_a_ii(corpus_sources: Path, segmented_cache: dict) -> None:
    segmented = segmented_reference(
        segmented_cache, corpus_sources / "budapest-convention.en.md", Level.PARAGRAPH
    )
    found = [s for s in segmented.segments if s.label == "Article 6(1)(a)(ii)"]
    assert len(found) == 1
    segment = found[0]
    assert segment.id == "art-6.1.a.ii"
    assert segment.kind == "item"
    assert segment.text.startswith("(ii) a computer password, access code")
    assert segment.article_title == "Misuse of devices"
    title_1 = "Title 1 – Offences against the confidentiality, integrity and availability of computer data"
    assert segment.path[-5:] == (
        f"{title_1} and systems",
        "Article 6 – Misuse of devices", "1", "a", "ii",
    )  # fmt: skip


def test_budapest_article_14_3_is_a_path_node(corpus_sources: Path, segmented_cache: dict) -> None:
    by_id = segmented_reference(
        segmented_cache, corpus_sources / "budapest-convention.en.md", Level.PARAGRAPH
    ).by_id()
    assert "art-14.3" not in by_id
    assert by_id["art-14.3.b.ii"].label == "Article 14(3)(b)(ii)"


def test_budapest_preamble_recitals(corpus_sources: Path, segmented_cache: dict) -> None:
    path = corpus_sources / "budapest-convention.en.md"
    text = path.read_text(encoding="utf-8")
    preamble = text.split("## Preamble\n", 1)[1].split("\n## CHAPTER I", 1)[0]
    expected = [p.strip() for p in preamble.split("\n\n") if p.strip()]
    assert len(expected) == 18
    segmented = segmented_reference(segmented_cache, path, Level.ARTICLE)
    recitals = [s for s in segmented.segments if s.kind == "recital"]
    assert [s.text for s in recitals] == expected
    assert recitals[0].text.startswith("The member States of the Council of Europe")
    assert recitals[-1].text == "Have agreed as follows:"
    assert recitals[-1].id == "preamble.r18"
    assert recitals[-1].label == "Preamble, recital 18"


def test_budapest_closing_formula(corpus_sources: Path, segmented_cache: dict) -> None:
    segmented = segmented_reference(
        segmented_cache, corpus_sources / "budapest-convention.en.md", Level.ARTICLE
    )
    by_id = segmented.by_id()
    assert by_id["final.1"].text.startswith("IN WITNESS WHEREOF")
    assert by_id["final.2"].text.startswith("DONE at Budapest")
    assert by_id["art-48"].text.endswith(
        "e) any other act, notification or communication relating to this Convention."
    )
    assert segmented.segments[-1].id == "final.2"


def test_preamble_without_heading_in_reference(corpus_sources: Path, segmented_cache: dict) -> None:
    ets189 = segmented_reference(
        segmented_cache, corpus_sources / "budapest-protocol-ets189.en.md", Level.ARTICLE
    )
    assert ets189.segments[0].id == "preamble.r1"
    assert ets189.segments[0].text.startswith("The member States of the Council of Europe")
    cets196 = segmented_reference(
        segmented_cache, corpus_sources / "terrorism-prevention-convention-cets196.en.md", Level.ARTICLE
    )
    assert cets196.segments[0].text == "*Warsaw, 16.V.2005*"
    appendix = [s for s in cets196.segments if s.id.startswith("appendix.")]
    assert len(appendix) == 10 and appendix[0].id == "appendix.p1"


def test_untoc_bare_letter_and_run_on_item(corpus_sources: Path, segmented_cache: dict) -> None:
    by_id = segmented_reference(segmented_cache, corpus_sources / "untoc.en.md", Level.PARAGRAPH).by_id()
    assert "art-6.1.a" not in by_id  # a bare "a)" line
    assert by_id["art-6.1.a.ii"].label == "Article 6(1)(a)(ii)"
    assert by_id["art-3.1.b"].text.endswith("involves an organized criminal group.")


def test_uncac_letter_i_after_h(corpus_sources: Path, segmented_cache: dict) -> None:
    by_id = segmented_reference(segmented_cache, corpus_sources / "uncac.en.md", Level.PARAGRAPH).by_id()
    assert by_id["art-2.i"].text.startswith("i)")
    assert by_id["art-2.a.iii"].text.startswith("(iii)")


def test_english_and_dutch_have_the_same_article_skeleton(
    corpus_sources: Path, segmented_cache: dict
) -> None:
    for stem in ARTICLE_COUNTS:
        en, nl = (
            segmented_reference(segmented_cache, corpus_sources / f"{stem}.{lang}.md", Level.ARTICLE)
            for lang in ("en", "nl")
        )
        assert [s.id for s in en.segments if s.article] == [s.id for s in nl.segments if s.article], stem


def test_paris_call_is_prose(corpus_sources: Path, segmented_cache: dict) -> None:
    segmented = segmented_reference(segmented_cache, corpus_sources / "paris-call.en.md", Level.PARAGRAPH)
    assert len(segmented.segments) == 25  # 15 paragraphs, 9 list items, the place/date line
    assert {s.kind for s in segmented.segments} == {"text"}
    assert segmented.segments[-1].text == "Paris, 12th of November, 2018"


# --- Markdown vs the plain UN layout on reference texts -----------------------------------

_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_TITLED_ARTICLE = re.compile(r"^((?:Article|Artikel) \d+(?: bis)?) – (.+)$")
_TITLED_DIVISION = re.compile(
    r"^((?:CHAPTER|HOOFDSTUK|Hoofdstuk|SECTION|AFDELING|TITLE|TITEL) [IVXLC\d]+) – (.+)$"
)


def to_plain_layout(markdown: str) -> str:
    """Rewrite a corpus file in the plain UN / Council of Europe layout.

    Drops the front matter and the `#` markers, puts `Article 2` alone on a line with its
    title on the next, writes division keywords in upper case with the title on the next
    line, and removes `*` emphasis.
    """
    if markdown.startswith("---\n"):
        markdown = markdown.split("\n---\n", 1)[1]
    lines = []
    for line in markdown.split("\n"):
        heading = _MD_HEADING.match(line)
        if not heading:
            lines.append(line.replace("*", ""))
            continue
        text = heading[1]
        if article := _TITLED_ARTICLE.match(text):
            lines += [article[1], article[2]]
        elif division := _TITLED_DIVISION.match(text):
            lines += [division[1].upper(), division[2]]
        else:
            lines.append(text.upper() if text.startswith(("CHAPTER", "Hoofdstuk")) else text)
    return "\n".join(lines)


def _normalise(text: str) -> str:
    return " ".join(text.replace("*", "").split())


@pytest.mark.parametrize(
    "name",
    [
        "budapest-convention.en.md",
        "budapest-convention.nl.md",
        "budapest-protocol-ets189.en.md",
        "mla-convention-ets30.en.md",
        "mla-convention-ets30.nl.md",
        "terrorism-prevention-convention-cets196.en.md",
        "money-laundering-convention-cets198.nl.md",
        "untoc.en.md",
        "uncac.en.md",
    ],
)
@pytest.mark.parametrize("level", LEVELS)
def test_plain_layout_matches_markdown(
    corpus_sources: Path, segmented_cache: dict, name: str, level: Level
) -> None:
    markdown_text = (corpus_sources / name).read_text(encoding="utf-8")
    markdown = segmented_reference(segmented_cache, corpus_sources / name, level)
    plain = segment_document(
        parse_document(to_plain_layout(markdown_text), path=name.replace(".md", ".txt")), level
    )
    assert_well_formed(plain)
    assert "#" not in plain.document.text
    assert _articles(plain) == _articles(markdown)
    assert [s.id for s in plain.segments] == [s.id for s in markdown.segments]
    assert [s.label for s in plain.segments] == [s.label for s in markdown.segments]
    assert [s.path for s in plain.segments] == [s.path for s in markdown.segments]
    # Near-identical texts: the plain layout lost the `*` emphasis, nothing else.
    assert [_normalise(s.text) for s in plain.segments] == [_normalise(s.text) for s in markdown.segments]


def _articles(segmented: SegmentedDocument) -> list[tuple[str | None, str | None]]:
    seen: list[tuple[str | None, str | None]] = []
    for segment in segmented.segments:
        entry = (segment.article, segment.article_title)
        if segment.article not in (None, "preamble") and entry not in seen:
            seen.append(entry)
    return seen


# --- review fixes: front matter, preamble-only files, hyphenated line ends -----------------


@pytest.fixture
def coe_txt(fixtures_dir: Path) -> Path:
    return fixtures_dir / "widget-convention-coe.txt"


@pytest.mark.parametrize("level", LEVELS)
def test_plain_coe_title_block_is_front_matter(coe_txt: Path, level: Level) -> None:
    doc = load_document(coe_txt)
    assert doc.title == "Convention on the Safety of Widgets"
    segmented = segment_document(doc, level)
    assert_well_formed(segmented)
    first = ids(segmented)[:8]
    assert first == [
        "front.p1", "front.p2", "front.p3",
        "preamble.r1", "preamble.r2", "preamble.r3", "preamble.r4",
        "art-1" if level is Level.ARTICLE else "art-1.p1",
    ]  # fmt: skip
    by_id = segmented.by_id()
    assert [by_id[f"front.p{k}"].text for k in (1, 2, 3)] == [
        "Council of Widgetland",
        "Widget Treaty Series - No. 42",
        "Geneva, 1.V.2030",
    ]
    front = by_id["front.p2"]
    assert (front.kind, front.article, front.label) == ("text", None, "Front matter, para. 2")
    # The title line is the title, not a segment; the recitals start at the Preamble heading.
    assert all(s.text != doc.title for s in segmented.segments)
    assert by_id["preamble.r1"].text == "The member States of the Council of Widgetland,"
    assert by_id["preamble.r4"].text == "Have agreed as follows:"
    assert [h.kind for h in segmented.headings][:2] == ["preamble", "chapter"]


def test_plain_coe_layout_with_blank_lines_in_the_title_block() -> None:
    text = paragraphs(
        "Council of Widgetland",
        "Widget Treaty Series - No. 42",
        "Convention on the Safety of Widgets",
        "Geneva, 1.V.2030",
        "PREAMBLE",
        "The member States,",
        "Have agreed as follows:",
        "Article 1",
        "Text.",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["front.p1", "front.p2", "front.p3", "preamble.r1", "preamble.r2", "art-1.p1"]


def test_markdown_blocks_between_title_and_preamble_heading_are_front_matter() -> None:
    text = paragraphs(
        "# A Protocol",
        "*Warsaw, 1.V.2030*",
        "## Preamble",
        "The States,",
        "Have agreed as follows:",
        "##### Article 1",
        "Text.",
    )
    segmented = segment_text(text)
    assert ids(segmented) == ["front.p1", "preamble.r1", "preamble.r2", "art-1.p1"]
    assert segmented.by_id()["front.p1"].text == "*Warsaw, 1.V.2030*"
    assert segmented.by_id()["front.p1"].path == ("Front matter",)


def test_without_preamble_heading_recitals_follow_the_plain_title() -> None:
    # Only what stands above the title is front matter; the place/date line after it stays
    # recital 1, as the `#` title layout has it.
    text = paragraphs(
        "Council of Widgetland",
        "Convention on the Safety of Widgets",
        "Geneva, 1.V.2030",
        "The member States,",
        "Article 1",
        "Text.",
    )
    segmented = segment_text(text)
    assert segmented.document.title == "Convention on the Safety of Widgets"
    assert ids(segmented) == ["front.p1", "preamble.r1", "preamble.r2", "art-1.p1"]
    assert segmented.by_id()["preamble.r1"].text == "Geneva, 1.V.2030"


def test_preamble_heading_after_an_article_is_not_a_front_matter_boundary() -> None:
    text = paragraphs("The Parties,", "Article 1", "Text.", "Preamble", "Odd recital.")
    assert ids(segment_text(text))[:2] == ["preamble.r1", "art-1.p1"]


@pytest.mark.parametrize("level", LEVELS)
def test_preamble_only_file_has_recitals(fixtures_dir: Path, level: Level) -> None:
    segmented = segment_document(load_document(fixtures_dir / "widget-preamble.md"), level)
    assert_well_formed(segmented)
    assert ids(segmented) == [f"preamble.r{k}" for k in range(1, 6)]
    assert {(s.kind, s.article, s.path) for s in segmented.segments} == {
        ("recital", "preamble", ("Preamble",))
    }
    assert segmented.segments[-1].label == "Preamble, recital 5"


def test_plain_preamble_only_text() -> None:
    text = paragraphs("Widget Union", "Preamble", "The Parties,", "Considering widgets;", "Agree:")
    segmented = segment_text(text)
    assert ids(segmented) == ["preamble.r1", "preamble.r2", "preamble.r3"]
    assert segmented.document.title == "Widget Union"


def test_text_without_preamble_heading_or_articles_stays_prose() -> None:
    segmented = segment_text(paragraphs("# A Call", "We call on all States.", "We agree."))
    assert ids(segmented) == ["p1", "p2"]


@pytest.mark.parametrize(
    "paragraph",
    [
        # Hard-wrapped at ~70 characters, the word broken at the line end.
        "1. The Parties shall afford one another the widest measure of mutual co-\n"
        "operation for the purpose of investigations concerning widget offences,\n"
        "including international co-operation between their authorities.",
        # Short lines (not a hard-wrap run): the lower-case continuation joins the line.
        "1. The Parties shall co-\noperate closely.",
        "The Parties shall pro-\nmote safety, and co-\noperate.",
    ],
)
@pytest.mark.parametrize("level", LEVELS)
def test_hyphen_at_line_end_keeps_one_paragraph(paragraph: str, level: Level) -> None:
    segmented = segment_text(f"Article 7 – Co-operation\n\n{paragraph}\n\n2. Next paragraph.\n", level)
    assert_well_formed(segmented)
    if level is Level.ARTICLE:
        assert [s.text for s in segmented.segments] == [f"{paragraph}\n\n2. Next paragraph."]
    else:
        # The text stays a slice of the source: the "-\n" is kept, not removed.
        assert [s.text for s in segmented.segments] == [paragraph, "2. Next paragraph."]
