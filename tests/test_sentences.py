from __future__ import annotations

from pathlib import Path

import pytest

from treatydiff.sentences import split_sentences


def sentences(text: str) -> list[str]:
    spans = split_sentences(text)
    for start, end in spans:
        piece = text[start:end]
        assert piece == piece.strip() and piece, (start, end)
    return [text[start:end] for start, end in spans]


def test_plain_sentences() -> None:
    assert sentences("One thing happened. Another followed! Did a third? Yes.") == [
        "One thing happened.",
        "Another followed!",
        "Did a third?",
        "Yes.",
    ]


def test_empty_and_whitespace() -> None:
    assert split_sentences("") == []
    assert split_sentences("  \n\n \t") == []


def test_offsets_skip_surrounding_whitespace() -> None:
    text = "  First one.   Second one.  "
    assert split_sentences(text) == [(2, 12), (15, 26)]


def test_no_final_stop() -> None:
    assert sentences("A heading without a stop") == ["A heading without a stop"]


@pytest.mark.parametrize(
    "text",
    [
        "Recalling Recommendations No. R (85) 10 concerning letters rogatory.",
        "See Nos. 4 and 5 of the list.",
        "As laid down in Art. 5 and Arts. 6 to 8 of the Convention.",
        "As set out in para. 3 and paras. 4 to 6 above.",
        "Some measures, e.g. Article 5 measures, apply.",
        "Some measures, i.e. Those of Article 5, apply.",
        "Compare the earlier text, cf. Article 12 of the Protocol.",
        "The report was sent to Mr. Smith and Dr. Jones.",
        "They met in St. Petersburg last year.",
        "It was signed by the U.S. Government and the U.N. Secretariat.",
        "The case Smith v. Jones was decided in 1990.",
        "Quoted at p. 12 and pp. 14-16 of the record.",
        "Acme Inc. and Widget Ltd. and Jones Co. Holdings agreed.",
        "The author J. Smith wrote the report.",
        "The rate rose to 2.5 per cent this year.",
        "Het verdrag (ETS Nr. 108) is van toepassing, zie art. 5 van de wet.",
        "Aanbeveling nr. R (91) 11 van het Comité.",
    ],
)
def test_abbreviations_do_not_end_a_sentence(text: str) -> None:
    assert sentences(text) == [text]


def test_etc_ends_a_sentence_only_before_a_capital() -> None:
    assert sentences("Widgets, gadgets etc. are covered.") == ["Widgets, gadgets etc. are covered."]
    assert sentences("Widgets, gadgets etc. The rest is not.") == [
        "Widgets, gadgets etc.",
        "The rest is not.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "1. Each Party shall adopt such measures. A Party may reserve the right.",
        "15a. Each Party shall adopt such measures. A Party may reserve the right.",
        "a. The production of devices. Another sentence.",
        "ii. The possession of devices. Another sentence.",
    ],
)
def test_list_marker_at_start_is_not_a_sentence(text: str) -> None:
    first, second = sentences(text)
    assert first.endswith("devices.") or first.endswith("measures.")
    assert second.startswith("A") or second.startswith("Another")


def test_numbers_at_the_end_of_a_sentence_still_split() -> None:
    assert sentences("This is referred to in Article 2. The Party shall act.") == [
        "This is referred to in Article 2.",
        "The Party shall act.",
    ]


def test_closing_quote_belongs_to_the_sentence_before() -> None:
    text = 'The ministry said that "the absence of rules led to cybercrime." "Millions suffer," it added.'
    assert sentences(text) == [
        'The ministry said that "the absence of rules led to cybercrime."',
        '"Millions suffer," it added.',
    ]


def test_curly_quotes() -> None:
    text = "He said “we agree.” The talks ended. “Next year,” she added."
    assert sentences(text) == ["He said “we agree.”", "The talks ended.", "“Next year,” she added."]


def test_glued_sentences_of_scraped_news_are_split() -> None:
    text = "Millions suffer, the ministry added.On March 27, a briefing took place."
    assert sentences(text) == ["Millions suffer, the ministry added.", "On March 27, a briefing took place."]


def test_glued_quotes_use_quote_parity() -> None:
    # An even number of quotes before: the quote opens the next sentence.
    opening = 'It tackles the divide on a global scale."Throughout the talks, Russia insisted," it said.'
    assert sentences(opening) == [
        "It tackles the divide on a global scale.",
        '"Throughout the talks, Russia insisted," it said.',
    ]
    # An odd number: the quote closes the sentence before.
    closing = 'It said: "This is a strong argument at the UN."Moscow believes otherwise.'
    assert sentences(closing) == [
        'It said: "This is a strong argument at the UN."',
        "Moscow believes otherwise.",
    ]


def test_glued_lowercase_and_urls_are_not_split() -> None:
    assert sentences("Write to feedback@example.com for details.") == [
        "Write to feedback@example.com for details."
    ]
    assert sentences("Document A/AC.291/22/Rev.1 was issued.") == ["Document A/AC.291/22/Rev.1 was issued."]


def test_a_blank_line_always_ends_a_sentence() -> None:
    assert sentences("A heading\n\nThen some text. And more") == ["A heading", "Then some text.", "And more"]


def test_a_single_newline_is_a_space() -> None:
    assert sentences("The talks were\nheld in Geneva. They ended.") == [
        "The talks were\nheld in Geneva.",
        "They ended.",
    ]


def test_bracketed_start() -> None:
    assert sentences("It counters ICT crime. [And] it addresses new challenges.") == [
        "It counters ICT crime.",
        "[And] it addresses new challenges.",
    ]


# --- reference text -----------------------------------------------------------------------


def _sputnik_lines(corpus_sources: Path) -> list[str]:
    raw = (corpus_sources / "sputnik-2024-03-29-ict-convention.raw.txt").read_text(encoding="utf-8")
    return raw.split("\n")


def test_sputnik_glued_body_is_split(corpus_sources: Path) -> None:
    body = next(line for line in _sputnik_lines(corpus_sources) if "the ministry added.On March 27" in line)
    found = sentences(body)
    assert any(s.endswith("the ministry added.") for s in found)
    assert any(s.startswith("On March 27, a global hybrid briefing") for s in found)
    assert any(s.endswith('surge in cybercrime."') for s in found)
    assert any(s.startswith('"Millions of people suffer') for s in found)
    assert any(s.startswith('"Throughout the negotiation process') for s in found)
    assert any(s.endswith('negotiations at the UN."') for s in found)
    assert any(s.startswith("Moscow believes that") for s in found)
    assert not any(".On " in s or "cybercrime.During" in s for s in found)
    assert len(found) == 15


def test_sputnik_every_line_splits_cleanly(corpus_sources: Path) -> None:
    for line in _sputnik_lines(corpus_sources):
        for start, end in split_sentences(line):
            assert line[start:end] == line[start:end].strip()


def test_budapest_recommendation_numbers_do_not_split(corpus_sources: Path) -> None:
    text = (corpus_sources / "budapest-convention.en.md").read_text(encoding="utf-8")
    recital = next(p for p in text.split("\n\n") if p.startswith("Recalling Committee of Ministers"))
    assert "No. R (85) 10" in recital
    assert sentences(recital) == [recital]


@pytest.mark.parametrize(
    "month", ["Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec"]
)
def test_month_abbreviation_before_a_number_does_not_end_a_sentence(month: str) -> None:
    assert sentences(f"It enters into force on 1 {month}. 2024. The Parties agree.") == [
        f"It enters into force on 1 {month}. 2024.",
        "The Parties agree.",
    ]
    assert sentences(f"Signed on {month}. 12, 2024 in Geneva.") == [f"Signed on {month}. 12, 2024 in Geneva."]


def test_month_abbreviation_before_a_capital_still_ends_a_sentence() -> None:
    assert sentences("The talks resumed in Dec. The Parties then agreed.") == [
        "The talks resumed in Dec.",
        "The Parties then agreed.",
    ]
