"""Scraped news pages saved as text: metadata, debris, broken lines and the doubled body."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from treatydiff.documents import parse_document
from treatydiff.errors import InputError
from treatydiff.ingest import Converted
from treatydiff.ingest.news import convert_scraped_text
from treatydiff.segments import segment_document
from treatydiff.sentences import split_sentences

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INGEST = FIXTURES / "ingest"
SPUTNIK = "sputnik-2024-03-29-ict-convention.raw.txt"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.\w+")
PHONE = re.compile(r"\+?\d[\d ()-]{7,}\d")
URL = re.compile(r"https?://|www\.")
TIMESTAMP = re.compile(r"\d{1,2}:\d{2}|\d{4}-\d{2}-\d{2}T")


def paragraphs(converted: Converted) -> list[str]:
    """The body's paragraphs, the `# Title` heading left out."""
    blocks = converted.body.rstrip("\n").split("\n\n")
    assert blocks[0].startswith("# ")
    return blocks[1:]


def assert_paragraphs(converted: Converted, prefixes: list[str]) -> None:
    """Each expected paragraph is there exactly once, in this order, and nothing else is."""
    found = paragraphs(converted)
    for prefix in prefixes:
        assert sum(paragraph.startswith(prefix) for paragraph in found) == 1, prefix
    assert len(found) == len(prefixes), found
    for paragraph, prefix in zip(found, prefixes, strict=True):
        assert paragraph.startswith(prefix)


def assert_clean(converted: Converted) -> None:
    """No debris left: contacts, URLs, timestamps, keyword lines, broken lines."""
    body = converted.body
    assert not EMAIL.search(body)
    assert not PHONE.search(body)
    assert not URL.search(body)
    assert not TIMESTAMP.search(body)
    assert body.endswith("\n") and not body.endswith("\n\n")
    assert "\n\n\n" not in body
    for paragraph in paragraphs(converted):
        assert "\n" not in paragraph  # broken lines rejoined
        assert paragraph == " ".join(paragraph.split())
        assert paragraph != paragraph.lower(), paragraph  # no lowercase keyword line


def assert_body_sentences_once(converted: Converted) -> None:
    """No sentence of the body appears twice (the condensed copy is gone)."""
    text = " ".join(paragraphs(converted))
    for paragraph in paragraphs(converted):
        for start, end in split_sentences(paragraph):
            sentence = paragraph[start:end]
            if len(sentence.split()) >= 5:
                assert text.count(sentence) == 1, sentence


# --- the real piece ------------------------------------------------------------------------

# The paragraphs of the Sputnik piece, by their first words: the lead once, the eight
# paragraphs of the condensed copy in their full version, and the two paragraphs that only
# the full version has ("In 2019, …" and "The goal is …").
SPUTNIK_PARAGRAPHS = [
    "The Russian Ministry of Foreign Affairs",
    "Speaking about the relevance of the Convention",
    "In 2019, Russia took the lead",
    "On March 27, a global hybrid briefing",
    "During the discussions, the Russian",
    '"The goal is to unify',
    '"Throughout the negotiation process',
    '"But the main thing',
    "In contrast to Russia, Washington",
    '"This means that instead',
    "In conclusion, the Ministry stated",
    "\"Despite the West's position",
]


@pytest.fixture
def sputnik(corpus_sources: Path) -> Converted:
    path = corpus_sources / SPUTNIK
    if not path.is_file():
        pytest.skip(f"../shared/corpus-sources not present: {SPUTNIK} is missing")
    return convert_scraped_text(path.read_text(encoding="utf-8"), source_name=path.name)


def test_sputnik_metadata(sputnik: Converted) -> None:
    assert sputnik.converter == "news"
    assert sputnik.meta["title"] == "Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes"
    assert sputnik.meta["date"] == "2024-03-29"
    assert sputnik.meta["source"] == (
        "https://sputnikglobe.com/20240329/"
        "russia-hopes-to-finalize-deal-on-combating-ict-use-for-criminal-purposes-1117603180.html"
    )
    assert sputnik.meta["publisher"] == "Sputnik International"
    assert sputnik.meta["kind"] == "news"
    assert sputnik.meta["language"] == "en"


def test_sputnik_every_paragraph_once_in_reading_order(sputnik: Converted) -> None:
    assert sputnik.body.startswith(
        "# Russia Hopes to Finalize Deal on Combating ICT Use for Criminal Purposes\n\nThe Russian Ministry"
    )
    assert_paragraphs(sputnik, SPUTNIK_PARAGRAPHS)
    assert_body_sentences_once(sputnik)


def test_sputnik_broken_lines_are_rejoined(sputnik: Converted) -> None:
    found = paragraphs(sputnik)
    assert "On March 27, a global hybrid briefing" in found[3]
    assert found[3].endswith("aimed at combating cybercrime.")
    assert 'the Russian Foreign Ministry said that "the absence' in found[1]
    # "…said adding:" / "ICT in the hands…" / "…Moscow believes that" / "the new…" is one sentence run.
    assert 'said adding: "ICT in the hands' in found[7]
    assert 'Moscow believes that "the new international treaty' in found[7]


def test_sputnik_debris_is_gone(sputnik: Converted) -> None:
    assert_clean(sputnik)
    body = sputnik.body
    for debris in ("en_EN", "Rossiya Segodnya", "feedback@", "GMT", "\nNews\n", "\nrussia\n", "\nmoscow\n"):
        assert debris not in body
    assert body.count("Russia Hopes to Finalize Deal") == 1  # the title, not its copies
    assert "informed RIA Novosti" in body or "told Sputnik" in body  # one version of the lead …
    assert not ("informed RIA Novosti" in body and "told Sputnik" in body)  # … not both
    assert "the ministry added.On March 27" not in body  # the condensed copy is gone


def test_sputnik_notes_count_what_was_dropped(sputnik: Converted) -> None:
    notes = "\n".join(sputnik.notes)
    assert "dropped 1 condensed copy of the body" in notes
    assert re.search(r"dropped \d+ keyword lines", notes)
    assert re.search(r"dropped \d+ publisher contact lines", notes)
    assert re.search(r"dropped \d+ URL lines", notes)
    assert re.search(r"dropped \d+ date lines", notes)
    assert "dropped 1 duplicate paragraph" in notes  # the second version of the lead


def test_sputnik_body_segments_as_news_prose(sputnik: Converted) -> None:
    doc = parse_document(sputnik.body, path=SPUTNIK)
    assert doc.kind == "news"
    assert doc.title == sputnik.meta["title"]
    segmented = segment_document(doc, "article")
    assert len(segmented.segments) == len(SPUTNIK_PARAGRAPHS)


# --- other outlets, other layouts ----------------------------------------------------------


def convert_fixture(name: str) -> Converted:
    path = INGEST / name
    return convert_scraped_text(path.read_text(encoding="utf-8"), source_name=name)


def test_blank_line_layout_with_wrapped_paragraphs() -> None:
    """Navigation, cookie banner, byline, share buttons, subheadings, hard-wrapped paragraphs,
    tags, related links, footer contacts; the URL only at the bottom."""
    converted = convert_fixture("news-meridian-ledger.raw.txt")
    assert converted.meta == {
        "title": "UN Negotiators Agree Cybercrime Treaty After Three Years of Talks",
        "kind": "news",
        "language": "en",
        "date": "2024-08-08",  # "Published …", not "Updated …"
        "source": "https://www.meridianledger.example/technology/2024/08/08/un-cybercrime-treaty-agreed",
        "publisher": "The Meridian Ledger",
        "author": "Clara Vandermeer",
    }
    assert_paragraphs(
        converted,
        [
            "Delegates at the United Nations approved",
            "The Ad Hoc Committee, which held",
            '"This is the first global',
            "What The Draft Says",
            "The convention obliges states",
            "Critics say the scope",
            "Several digital-rights organisations",
            "Supporters of the treaty reply that the text allows states",
            "What Happens Next",
            "The General Assembly is expected to vote",
        ],
    )
    assert_clean(converted)
    for debris in ("Cookie", "Advertisement", "Read more", "Tags:", "Comments", "Related", "©", "min read"):
        assert debris not in converted.body
    assert "Europe weighs its position" not in converted.body  # a related headline
    found = paragraphs(converted)
    assert found[4].endswith("electronic evidence across borders.")  # four wrapped lines, one paragraph


def test_condensed_and_full_layout_of_another_outlet() -> None:
    """The Sputnik layout on another site: condensed then full body, keyword lines, a
    "Most read" block, a contact block with an address, an `en_GB` locale."""
    converted = convert_fixture("news-harbour-wire.raw.txt")
    assert converted.meta == {
        "title": "UN States Adopt Draft Cybercrime Convention, Sending It to General Assembly",
        "kind": "news",
        "language": "en",
        "date": "2024-08-09",
        "source": "https://www.harbourwire.example/world/20240809/un-states-adopt-draft-cybercrime-convention-88213.html",
        "publisher": "Harbour Wire",
    }
    assert_paragraphs(
        converted,
        [
            "Member states of the United Nations",
            "The committee approved the text",
            '"We have a text',
            "Under the draft, states would have",  # only in the full version
            "Several technology companies and digital-rights groups said",
            "The Road To Ratification",
            "The General Assembly is expected to take up",
            "Some delegations, including several from Latin America and Africa, said",
        ],
    )
    assert_clean(converted)
    assert_body_sentences_once(converted)
    for debris in ("Quay Street", "Most read", "Ransomware", "Read also", "Newsroom", "en_GB"):
        assert debris not in converted.body
    assert any("condensed" in note for note in converted.notes)


def test_glued_sentences_are_split_into_paragraphs(fixtures_dir: Path) -> None:
    converted = convert_scraped_text((fixtures_dir / "widget-news.raw.txt").read_text(encoding="utf-8"))
    assert converted.meta["title"] == "Widget Talks Enter Final Stage"
    assert converted.meta["source"] == "https://news.example.org/2030/05/01/widgets-1234.html"
    assert paragraphs(converted) == [
        "The negotiators met in Geneva on Monday to agree on the last articles of the convention. "
        "The text is expected to be adopted in June, officials said.",
        'On Tuesday, the delegations discussed the annex. "We are close," one delegate said. '
        '"Only the list remains."',
        "A second round of talks is planned for September in Nairobi.",
        "Observers welcomed the progress and called for the text to be published in full before the vote.",
    ]


# --- rules, one at a time ------------------------------------------------------------------

PAGE_HEAD = "https://news.example.org/a.html\nTalks On The Draft Convention Resume\n"


def body_of(text: str) -> list[str]:
    return paragraphs(convert_scraped_text(PAGE_HEAD + text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a line that stops mid-sentence goes on, even before a capital
        ("On\nMarch 27, the talks resumed.\n", ["On March 27, the talks resumed."]),
        # a sentence end followed by a sentence start is a paragraph end
        ("The talks resumed.\nThe chair spoke.\n", ["The talks resumed.", "The chair spoke."]),
        ('It said:\n"We agree."\n', ['It said: "We agree."']),
        # a lowercase line continuing a sentence is text, not a keyword
        (
            "The meeting was attended by\ndelegates from over 50 countries, including\nexperts.\n",
            ["The meeting was attended by delegates from over 50 countries, including experts."],
        ),
        ("Some delegations, from\nLatin\n, said no.\n", ["Some delegations, from Latin, said no."]),
        # a blank line ends a paragraph unless the line before breaks off
        ("First paragraph here.\n\nSecond one here.\n", ["First paragraph here.", "Second one here."]),
        ("The draft says that the\n\nstates must act.\n", ["The draft says that the states must act."]),
    ],
)
def test_paragraph_boundaries(text: str, expected: list[str]) -> None:
    assert body_of(text) == expected


@pytest.mark.parametrize(
    "debris",
    [
        "russia\nmoscow\nnew york",
        "cybercrime, united nations, ad hoc committee, budapest convention",
        "Tags: Cybercrime, United Nations",
        "desk@news.example.org",
        "+44 20 7946 0321",
        "Tel.: +43 1 555 0199",
        "https://cdn.news.example.org/img/123_0_0_1200x0.jpg",
        "https://news.example.org/2024/01/01/other-story.html",
        "17 November 2023, 02:52 GMT",
        "2024-03-29T05:52+0000",
        "3 hours ago",
        "en_EN",
        "2024",
        "Share\nTweet\nCopy link",
        "Advertisement",
        "© 2024 Example News. All rights reserved.",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
    ],
)
def test_debris_lines_are_dropped(debris: str) -> None:
    text = f"The first paragraph ends here.\n{debris}\nThe second paragraph ends here.\n"
    assert body_of(text) == ["The first paragraph ends here.", "The second paragraph ends here."]


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("2024-03-29T05:52+0000", "2024-03-29"),
        ("2024-03-29", "2024-03-29"),
        ("Published 29 March 2024, 05:52 GMT", "2024-03-29"),
        ("Published: March 29, 2024 at 5:52 a.m. EDT", "2024-03-29"),
        ("Posted on Fri, 29 Mar 2024 05:52", "2024-03-29"),
        ("29.03.2024 05:52", "2024-03-29"),
        ("March 29, 2024", "2024-03-29"),
    ],
)
def test_publication_date_formats(line: str, date: str) -> None:
    converted = convert_scraped_text(f"{PAGE_HEAD}{line}\nThe talks resumed on Friday.\n")
    assert converted.meta["date"] == date
    assert paragraphs(converted) == ["The talks resumed on Friday."]


def test_published_date_wins_over_updated_and_related_dates() -> None:
    text = (
        "Talks On The Draft Convention Resume\nUpdated 30 March 2024, 10:00\n"
        "Published 29 March 2024, 05:52\nThe talks resumed on Friday.\n1 January 2020, 10:00 GMT\n"
    )
    assert convert_scraped_text(text).meta["date"] == "2024-03-29"


def test_date_below_the_article_is_not_the_articles() -> None:
    text = "Talks On The Draft Convention Resume\nThe talks resumed on Friday.\n17 November 2023, 02:52 GMT\n"
    assert "date" not in convert_scraped_text(text).meta


def test_condensed_copy_is_dropped_and_full_paragraphs_kept() -> None:
    text = (
        "The talks resumed on Monday. Delegates met in Vienna.The chair opened the session. "
        "She called for restraint.\n"
        "The talks resumed on Monday. Delegates met in\nVienna.\n"
        "A paragraph only the full version has.\n"
        "The chair opened the session. She called for\nrestraint.\n"
    )
    converted = convert_scraped_text(PAGE_HEAD + text)
    assert paragraphs(converted) == [
        "The talks resumed on Monday. Delegates met in Vienna.",
        "A paragraph only the full version has.",
        "The chair opened the session. She called for restraint.",
    ]
    assert "dropped 1 condensed copy of the body" in converted.notes


def test_two_versions_of_a_paragraph_keep_the_fuller() -> None:
    text = (
        "The chair said the committee would meet again in the spring of next year.\n"
        "The chair said the committee would meet again in the spring of next year. "
        "Dates are to be fixed.\n"
    )
    assert body_of(text) == [
        "The chair said the committee would meet again in the spring of next year. Dates are to be fixed."
    ]


def test_identical_paragraphs_keep_the_first() -> None:
    text = "The talks resumed on Monday.\nA second paragraph.\nThe talks resumed on Monday.\n"
    assert body_of(text) == ["The talks resumed on Monday.", "A second paragraph."]


def test_labelled_metadata() -> None:
    text = (
        "Title: Talks resume in Vienna\nSource: https://example.org/talks\nPublisher: Example Wire\n"
        "Language: de\nDate: 2024-05-02\nThe talks resumed on Monday.\n"
    )
    converted = convert_scraped_text(text)
    assert converted.meta == {
        "title": "Talks resume in Vienna",
        "kind": "news",
        "language": "de",
        "date": "2024-05-02",
        "source": "https://example.org/talks",
        "publisher": "Example Wire",
    }
    assert paragraphs(converted) == ["The talks resumed on Monday."]


def test_site_name_is_cut_from_the_title() -> None:
    text = "Talks Resume In Vienna | Example Wire\nThe talks resumed on Monday.\n© 2024 Example Wire\n"
    converted = convert_scraped_text("https://examplewire.org/a\n" + text)
    assert converted.meta["title"] == "Talks Resume In Vienna"
    assert converted.meta["publisher"] == "Example Wire"


# --- errors and robustness -----------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n \t", "\ufeff"])
def test_empty_page(text: str) -> None:
    with pytest.raises(InputError, match=r"^page\.txt: the page has no text$"):
        convert_scraped_text(text, source_name="page.txt")


def test_page_of_debris_only() -> None:
    text = "https://example.org/a\nrussia\nmoscow\nfeedback@example.org\n+74956456601\n2024\nen_EN\n"
    with pytest.raises(InputError, match=r"^page\.txt: no article text found$"):
        convert_scraped_text(text, source_name="page.txt")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.text(max_size=80),
            st.sampled_from(
                [
                    "",
                    "russia",
                    "2024",
                    "en_EN",
                    "News",
                    "On",
                    "a@b.org",
                    "+123456789",
                    "https://x.org/a.jpg",
                    "The talks resumed.",
                    "He said that",
                    '"We agree," she said.',
                    "17 November 2023, 02:52 GMT",
                ]
            ),
        ),
        max_size=30,
    )
)
def test_any_text_gives_a_clean_body_or_an_input_error(lines: list[str]) -> None:
    try:
        converted = convert_scraped_text("\n".join(lines))
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert converted.body.startswith("# ")
    assert converted.body.endswith("\n") and not converted.body.endswith("\n\n")
    assert "\n\n\n" not in converted.body
    assert all(paragraph.strip() for paragraph in paragraphs(converted))


def test_compare_reads_a_raw_scrape_as_add_stores_it(corpus_sources: Path, tmp_path: Path) -> None:
    """`compare` cleans a raw scraped page on the fly, into exactly the text `add` writes."""
    from treatydiff.corpus import Corpus
    from treatydiff.ingest import convert_path, read_document

    raw = corpus_sources / SPUTNIK
    stored = Corpus(tmp_path).add(convert_path(raw))
    document = read_document(raw)
    assert document.text == stored.path.read_text(encoding="utf-8")
    assert document.kind == "news"
    assert document.meta["converter"] == "news"
    assert "feedback@sputniknews.com" not in document.text


def test_read_document_keeps_markdown_as_it_is(tmp_path: Path) -> None:
    from treatydiff.ingest import read_document

    path = tmp_path / "t.md"
    path.write_text("# Title\n\n##### Article 1 – Scope\n\nText.\n", encoding="utf-8")
    assert read_document(path).text == path.read_text(encoding="utf-8")
