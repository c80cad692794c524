"""Statement extraction: claims, their speakers, and bundled claims split apart."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from treatydiff.claims import (
    SpeakerResolver,
    attribution_after,
    attribution_before,
    extract_claims,
    find_quotes,
    split_bundled,
)
from treatydiff.documents import load_document, parse_document
from treatydiff.ingest import read_document
from treatydiff.records import Claim, Document

SPUTNIK = "sputnik-2024-03-29-ict-convention.raw.txt"


def news(body: str, kind: str = "news", extra: str = "") -> Document:
    return parse_document(f"---\ntitle: Test piece\nkind: {kind}\n{extra}---\n\n# Test piece\n\n{body}\n")


def words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def best_match(claims: tuple[Claim, ...], text: str) -> tuple[Claim | None, float]:
    def jaccard(claim: Claim) -> float:
        a, b = words(claim.text), words(text)
        return len(a & b) / len(a | b)

    best = max(claims, key=jaccard, default=None)
    return best, (jaccard(best) if best else 0.0)


# --- pure helpers -------------------------------------------------------------------------------


def test_quotes_pair_curly_and_straight_marks() -> None:
    text = 'He said "one thing" and “another” here.'
    quotes = find_quotes(text, 0, len(text))
    assert [text[q.start : q.end] for q in quotes] == ["one thing", "another"]


def test_attribution_before_a_quotation() -> None:
    assert attribution_before("Speaking about it, the Russian Foreign Ministry said that ") == (
        "the Russian Foreign Ministry"
    )
    assert attribution_before("Rachel Donovan, head of the British delegation, said: ") == (
        "Rachel Donovan, head of the British delegation"
    )
    assert attribution_before("In 2019 the talks began and ") is None


def test_attribution_after_a_quotation() -> None:
    assert attribution_after(", the ministry added.") == "the ministry"
    assert attribution_after(", said Maria Olsen, a spokeswoman.") == "Maria Olsen"
    assert attribution_after(" and the talks went on.") is None


def test_the_treaty_is_not_a_speaker() -> None:
    assert attribution_before("The Convention states that ") is None


def test_resolver_follows_short_names_descriptions_and_pronouns() -> None:
    text = "Maria Olsen, a spokeswoman for the EU delegation, spoke. The Russian Foreign Ministry spoke."
    resolver = SpeakerResolver(text)
    assert resolver.resolve("Maria Olsen, a spokeswoman for the EU delegation", 0) == "Maria Olsen"
    assert resolver.resolve("Olsen", 10) == "Maria Olsen"
    assert resolver.resolve("the spokeswoman", 20) == "Maria Olsen"
    assert resolver.resolve("the Russian Foreign Ministry", 60) == "Russian Foreign Ministry"
    assert resolver.resolve("the ministry", 80) == "Russian Foreign Ministry"
    assert resolver.resolve("it", 85) == "Russian Foreign Ministry"


def test_a_parenthetical_aside_is_split_off_the_end_of_a_claim() -> None:
    text = (
        "the treaty will undermine the West, which the Budapest Convention props up "
        "(allowing agencies unrestricted access to databases)"
    )
    parts = split_bundled(text, 0, len(text))
    assert [text[p.start : p.end] for p in parts] == [
        "the treaty will undermine the West, which the Budapest Convention props up",
        "allowing agencies unrestricted access to databases",
    ]
    assert parts[1].parent == 0


def test_an_aside_inside_a_claim_is_kept_out_of_its_focus() -> None:
    text = (
        "it would not impose any obligations (including on technology transfer to poorer states) on the West"
    )
    parts = split_bundled(text, 0, len(text))
    assert len(parts) == 2
    assert text[parts[1].start : parts[1].end] == "including on technology transfer to poorer states"
    assert parts[0].holes  # the aside is cut out of the main claim's focus


def test_and_that_semicolon_and_but_split_clauses() -> None:
    for text, expected in [
        ("the convention respects every state and that no country should impose its standards", 2),
        ("the treaty lets governments share evidence widely; its safeguards are left to national law", 2),
        ("Capacity building is a worthy goal, but it does not require a treaty like this one", 2),
        ("arms and drug trafficking are crimes", 1),
    ]:
        assert len(split_bundled(text, 0, len(text))) == expected, text


def test_a_list_of_demands_becomes_one_claim_per_item() -> None:
    text = (
        "Russia wants a long list of offenses, including cyber-attacks, drug trafficking, "
        "and incitement to suicide"
    )
    parts = split_bundled(text, 0, len(text))
    assert [text[p.start : p.end] for p in parts[1:]] == [
        "cyber-attacks",
        "drug trafficking",
        "incitement to suicide",
    ]
    assert all(p.parent == 0 and p.prefix.endswith("a long list of offenses") for p in parts[1:])


# --- whole pieces -------------------------------------------------------------------------------


def test_claim_offsets_are_true() -> None:
    doc = news('"The treaty must protect journalists," Olsen said. The talks began in 2022.')
    claims = extract_claims(doc)
    assert [c.text for c in claims] == ["The treaty must protect journalists"]
    assert all(doc.text[c.start : c.end] == c.text for c in claims)
    assert claims[0].speaker == "Olsen" and claims[0].cue == "quote"


def test_background_sentences_are_not_claims() -> None:
    doc = news("The talks began in 2022. More than 100 delegates attended the session in Vienna.")
    assert extract_claims(doc) == ()


@pytest.mark.parametrize(
    ("body", "claim", "speaker"),
    [
        # Present tense with a plural speaker.
        (
            "Defence lawyers note that a court can still refuse to hand over a suspect facing torture.",
            "a court can still refuse to hand over a suspect facing torture",
            "Defence lawyers",
        ),
        # "told" with an object before the closing comma or full stop.
        (
            "Customs officers may search parcels for counterfeit medicines, "
            "the deputy minister told parliament.",
            "Customs officers may search parcels for counterfeit medicines",
            "deputy minister",
        ),
        # A publication speaks for its authors; a trailing participle clause is not the claim.
        (
            "Hospitals hit by hackers would get emergency help from abroad, the unions' joint letter says, "
            "calling on ministers to act.",
            "Hospitals hit by hackers would get emergency help from abroad",
            "unions' joint letter",
        ),
        # A role noun in a possessive still makes a description of a speaker.
        (
            "According to the justice ministry's treaty office, a reservation can be withdrawn at any time.",
            "a reservation can be withdrawn at any time",
            "justice ministry's treaty office",
        ),
        (
            "Victims will be told when their data is shared with a foreign court, "
            "the legal adviser explained.",
            "Victims will be told when their data is shared with a foreign court",
            "legal adviser",
        ),
    ],
)
def test_reported_speech_in_more_forms(body: str, claim: str, speaker: str) -> None:
    claims = extract_claims(news(body))
    assert (claims[0].text, claims[0].speaker) == (claim, speaker)
    # What follows the attribution is the same speaker's ("…, the letter says, calling on …").
    assert all(c.speaker == speaker for c in claims)


@pytest.mark.parametrize(
    "body",
    [
        "Smuggled antiquities can be seized at the border and returned to the country they came from.",
        "Bribing a foreign judge becomes an offence in itself, even when no case is decided.",
        "Selling stolen card numbers is to be treated as a crime.",
        "A state may refuse extradition only if the person would face the death penalty.",
        "Countries are expected to share what they learn about how smuggling rings change their routes.",
        "Judges who learn of a bribe offered to a colleague may report it to a foreign court.",
        "An officer can seize a phone without a warrant.",
    ],
)
def test_a_rule_stated_without_naming_the_text_is_a_claim(body: str) -> None:
    claims = extract_claims(news(body))
    assert [c.text for c in claims] == [body.rstrip(".")]


def test_what_the_texts_endorse_is_a_claim() -> None:
    body = "Joint investigation teams are among the tools the two conventions endorse."
    assert [c.text for c in extract_claims(news(body))] == [body.rstrip(".")]


@pytest.mark.parametrize(
    "body",
    [
        "The delegates flew home on Friday after the talks in Vienna.",
        "The suspect could face charges next year, his lawyer feared.",  # a hypothetical, no rule
        "The convention will open for signature once the Assembly has adopted it.",  # a timeline
        "The chair is expected to circulate a revised draft before the final vote.",  # an event
        "Governments will decide next week whether to send a delegation.",  # no rule
    ],
)
def test_news_narrative_is_still_not_a_claim(body: str) -> None:
    assert [c.text for c in extract_claims(news(body)) if c.speaker is None] == []


@pytest.mark.parametrize(
    "body",
    [
        # A present-tense reporting verb with an object is an ordinary verb.
        "Governments maintain registers of beneficial owners for every company.",
        "Banks warn customers about phishing attacks every year.",
        "Diplomats argue over the wording of the preamble for hours.",
        "Experts tell the story of a law that was never enforced.",  # a relative "that"
        # A fronted clause is not what was told.
        "As the protesters refused to leave the square, police told them to go home.",
        "Speaking at the end of a long week, the commissioner told parliament.",
        # Events, hypotheticals and actors acted upon are not rules.
        "The court will rule on the case of the two bankers next month.",
        "The suspect may be extradited to Spain next week.",
        "Prosecutors will bring charges against the executives.",
        "There is little political will to punish the generals.",
        "Hacking a hospital might become a crime in some countries.",
        "The ministry provided a list of offences that will be discussed at the next session.",
        "The talks will continue until the sanctions are lifted.",
        "Police may be called if the protest turns violent.",
    ],
)
def test_ordinary_news_sentences_are_not_claims(body: str) -> None:
    assert extract_claims(news(body)) == ()


def test_a_speaker_never_starts_with_a_preposition() -> None:
    body = "In a brief note that was circulated on Monday, the ministry said the text was final."
    claims = extract_claims(news(body))
    assert [(c.text, c.speaker_mention) for c in claims] == [("the text was final", "the ministry")]


def test_say_in_the_present_takes_a_clause_without_that() -> None:
    claims = extract_claims(news("Prosecutors say the two bankers will face charges."))
    assert [(c.text, c.speaker) for c in claims] == [("the two bankers will face charges", "Prosecutors")]


def test_a_pronoun_after_because_still_takes_a_stance() -> None:
    body = "The deputies will vote against the bill because they oppose the new surveillance powers."
    assert [c.text for c in extract_claims(news(body))] == ["they oppose the new surveillance powers"]


def test_a_rule_before_and_a_stance_stands_as_its_own_claim() -> None:
    body = (
        "The treaty will only take effect once twenty countries have ratified it, "
        "and the ministry hopes to be among the first."
    )
    texts = [c.text for c in extract_claims(news(body))]
    assert "The treaty will only take effect once twenty countries have ratified it" in texts
    # "hopes to" is the ministry's stance, not a reporting verb whose "that" comes later.
    body = (
        "The treaty allows data to be kept for ninety days, and the ministry hopes to extend that to a year."
    )
    texts = [c.text for c in extract_claims(news(body))]
    assert texts == [
        "The treaty allows data to be kept for ninety days",
        "the ministry hopes to extend that to a year",
    ]


def test_a_pronoun_in_a_subordinate_clause_takes_no_stance() -> None:
    body = "Police will be able to freeze stored data for ninety days while they seek a court order."
    claims = extract_claims(news(body))
    assert [(c.text, c.speaker) for c in claims] == [(body.rstrip("."), None)]


def test_a_quotation_announced_in_the_previous_paragraph() -> None:
    doc = news('Rachel Donovan, head of the delegation, said:\n\n"This is not the treaty we wanted."')
    (claim,) = extract_claims(doc)
    assert claim.text == "This is not the treaty we wanted"
    assert claim.speaker == "Rachel Donovan"


def test_commentary_speaks_for_its_signatory() -> None:
    doc = news(
        "We at Civic Watch believe the treaty should be rejected. The convention does little for victims.",
        kind="commentary",
    )
    claims = extract_claims(doc)
    assert {c.speaker for c in claims} == {"Civic Watch"}
    assert any("does little for victims" in c.text for c in claims)


def test_commentary_author_from_front_matter() -> None:
    doc = news(
        "The convention does little for victims of fraud.", kind="commentary", extra="author: Jane Roe\n"
    )
    assert [c.speaker for c in extract_claims(doc)] == ["Jane Roe"]


FIXTURES = Path(__file__).resolve().parent / "fixtures" / "news"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("piece", sorted(EXPECTED))
def test_written_pieces_claims_and_speakers(piece: str) -> None:
    """Every claim a careful annotator marked is found, with its speaker; background is left out."""
    doc = load_document(FIXTURES / piece)
    claims = extract_claims(doc)
    for expected in EXPECTED[piece]["claims"]:
        claim, overlap = best_match(claims, expected["text"])
        assert claim is not None and overlap >= 0.8, f"missed: {expected['text']!r}"
        assert claim.speaker == expected["speaker"], expected["text"]
    for background in EXPECTED[piece]["not_claims"]:
        start = doc.text.index(background)
        end = start + len(background)
        assert not [c.text for c in claims if c.start < end and start < c.end], background


def test_extraction_precision_on_written_pieces() -> None:
    """Few claims beyond the annotated ones (split-off parts count with their parent)."""
    extra = total = 0
    for piece, expected in EXPECTED.items():
        for claim in extract_claims(load_document(FIXTURES / piece)):
            total += 1
            if claim.parent is None and not any(
                len(words(claim.text) & words(e["text"])) / len(words(claim.text) | words(e["text"])) >= 0.8
                for e in expected["claims"]
            ):
                extra += 1
    assert extra / total <= 0.1


def test_sputnik_claims_speakers_and_splits(corpus_sources: Path) -> None:
    doc = read_document(corpus_sources / SPUTNIK)
    claims = extract_claims(doc)
    assert all(doc.text[c.start : c.end] == c.text for c in claims)
    by_text = {c.text: c for c in claims}
    # "the ministry added" is the ministry named before it; "Moscow believes" is Moscow.
    millions = next(c for c in claims if c.text.startswith("Millions of people"))
    assert millions.speaker == "Russian Ministry of Foreign Affairs"
    assert millions.speaker_mention == "the ministry"
    hegemony = next(c for c in claims if "digital hegemony" in c.text)
    assert hegemony.speaker == "Moscow"
    # The parenthetical about the Budapest Convention is a claim of its own.
    aside = by_text[
        "allowing Western intelligence agencies unrestricted access to electronic databases of sovereign "
        "states"
    ]
    assert aside.parent == hegemony.id
    assert "allowing" not in hegemony.text
    # The bundled sentence: a narrow agreement, and no obligations (technology transfer split off).
    assert any(c.text.endswith("limited in scope and content") for c in claims)
    obligations = next(c for c in claims if "would not impose any obligations" in c.text)
    transfer = next(c for c in claims if c.text == "including on technology transfer to the developing world")
    assert transfer.parent == obligations.id
    assert transfer.focus == "technology transfer to the developing world"
    # The list of offences Russia wants: one claim per offence, under its parent.
    offences = [
        c for c in claims if c.cue == "split" and c.focus.startswith("a long list of criminal offenses")
    ]
    assert [c.text for c in offences] == [
        "cyber-attacks against CII",
        "arms and drug trafficking",
        "incitement of minors to commit suicide",
    ]
    washington = next(c for c in claims if c.speaker == "Washington")
    assert washington.cue == "position"
    # Background is not a claim.
    assert not any("took place at the" in c.text or "garnered support" in c.text for c in claims)
