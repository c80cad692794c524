"""Claim -> provision linking, its JSON export and its report (fake embedder; no model)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from fakes import FakeEmbedder
from treatydiff.documents import load_document
from treatydiff.errors import InputError
from treatydiff.export import positions_to_dict, positions_to_json
from treatydiff.positions import (
    PositionsOptions,
    article_key,
    claim_query,
    expand_with_glossary,
    is_generic,
    link_claims,
    provision_units,
    rank_articles,
    verdict_for,
)
from treatydiff.positions_report import render_positions_report
from treatydiff.records import Verdict

POSITIONS = Path(__file__).parent / "fixtures" / "positions"


@pytest.fixture(scope="module")
def news():  # type: ignore[no-untyped-def]
    return load_document(POSITIONS / "news.md")


@pytest.fixture(scope="module")
def treaty():  # type: ignore[no-untyped-def]
    return load_document(POSITIONS / "treaty.md")


@pytest.fixture(scope="module")
def positions(news, treaty):  # type: ignore[no-untyped-def]
    return link_claims(news, [treaty], FakeEmbedder())


# --- pure parts ---------------------------------------------------------------------------------

OPTIONS = PositionsOptions(semantic_weight=1.0, article_weight=0.0, title_weight=0.0, lexical_weight=0.0)


def test_articles_score_as_their_best_paragraph() -> None:
    semantic = np.array([[0.2, 0.9, 0.1, 0.5]], dtype=np.float32)
    zeros = np.zeros_like(semantic)
    ranking = rank_articles(semantic, zeros, zeros, zeros, np.zeros(4, bool), [0, 0, 1, 2], OPTIONS)
    assert [(a.article, a.paragraph) for a in ranking[0]] == [(0, 1), (2, 3), (1, 2)]
    assert ranking[0][0].score == pytest.approx(0.9)


def test_generic_text_does_not_crowd_out_the_specific_provision() -> None:
    # A recital resembles the claim a little more than the specific article does.
    semantic = np.array([[0.62, 0.55]], dtype=np.float32)
    zeros = np.zeros_like(semantic)
    generic = np.array([True, False])
    ranked = rank_articles(semantic, zeros, zeros, zeros, generic, [0, 1], OPTIONS)
    assert ranked[0][0].article == 1
    no_penalty = PositionsOptions(**{**OPTIONS.__dict__, "generic_penalty": 0.0})
    assert rank_articles(semantic, zeros, zeros, zeros, generic, [0, 1], no_penalty)[0][0].article == 0


def test_signals_are_weighted() -> None:
    semantic = np.array([[0.5, 0.2]], dtype=np.float32)
    lexical = np.array([[0.0, 0.9]], dtype=np.float32)
    zeros = np.zeros_like(semantic)
    options = PositionsOptions(semantic_weight=0.5, article_weight=0.0, title_weight=0.0, lexical_weight=0.5)
    ranked = rank_articles(semantic, zeros, zeros, lexical, np.zeros(2, bool), [0, 1], options)
    assert ranked[0][0].article == 1 and ranked[0][0].score == pytest.approx(0.55)


def test_verdict_thresholds() -> None:
    options = PositionsOptions(addressed_threshold=0.5, partly_threshold=0.4)
    assert verdict_for(0.55, options) is Verdict.ADDRESSED
    assert verdict_for(0.45, options) is Verdict.PARTLY_ADDRESSED
    assert verdict_for(0.3, options) is Verdict.NOT_ADDRESSED
    with pytest.raises(InputError):
        PositionsOptions(addressed_threshold=0.3, partly_threshold=0.4).validate()


def test_claim_query_drops_the_text_and_adds_treaty_terms() -> None:
    query = claim_query("the new UN treaty lets police listen in on calls in real time")
    assert "treaty" not in query.split()[:6]
    assert "interception" in query and "real time collection" in query
    assert claim_query("the treaty is bad", use_glossary=False) == "the treaty is bad"  # too short to strip


def test_glossary_reaches_the_words_of_treaties() -> None:
    assert "extradition" in expand_with_glossary("handing suspects over to other countries")
    assert "liability of legal persons" in expand_with_glossary("corporate liability for fraud")
    assert expand_with_glossary("the weather is fine") == "the weather is fine"


def test_recitals_and_definitions_are_generic(treaty) -> None:  # type: ignore[no-untyped-def]
    segments = provision_units(treaty).segments
    generic = {s.label for s in segments if is_generic(s)}
    assert "Article 1" in generic
    assert any(label.startswith("Preamble") for label in generic)
    assert not any(label.startswith(("Article 2", "Article 3")) for label in generic)


# --- linking ------------------------------------------------------------------------------------


def test_claims_reach_their_provisions(positions) -> None:  # type: ignore[no-untyped-def]
    by_focus = {c.focus: v for c, v in zip(positions.claims, positions.verdicts[0], strict=True)}

    def best(fragment: str) -> str:
        verdict = next(v for focus, v in by_focus.items() if fragment in focus)
        return verdict.links[0].segment.article

    assert best("listen in on calls") == "2"
    assert best("Companies, not just their managers") == "4"
    assert best("hand over suspects") == "3"


def test_a_claim_no_provision_deals_with_is_not_addressed(positions) -> None:  # type: ignore[no-untyped-def]
    verdict = next(
        v for c, v in zip(positions.claims, positions.verdicts[0], strict=True) if "climate" in c.focus
    )
    assert verdict.verdict is Verdict.NOT_ADDRESSED


def test_links_are_one_per_article_ranked(positions) -> None:  # type: ignore[no-untyped-def]
    for verdict in positions.verdicts[0]:
        articles = [article_key(link.segment) for link in verdict.links]
        assert len(articles) == len(set(articles))
        assert [link.rank for link in verdict.links] == list(range(1, len(verdict.links) + 1))
        scores = [link.score for link in verdict.links]
        assert scores == sorted(scores, reverse=True)


def test_several_treaties_at_once(news, treaty) -> None:  # type: ignore[no-untyped-def]
    result = link_claims(news, [treaty, treaty], FakeEmbedder())
    assert len(result.verdicts) == 2
    assert result.verdicts[0] == result.verdicts[1]


def test_long_provisions_are_embedded_in_parts_not_cut(news, treaty) -> None:  # type: ignore[no-untyped-def]
    embedder = FakeEmbedder()
    link_claims(news, [treaty], embedder)
    assert all(embedder.count_tokens(t) <= embedder.max_tokens for t in embedder.encoded)


# --- JSON ---------------------------------------------------------------------------------------


def test_json_has_the_documented_shape(positions) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(positions_to_json(positions))
    assert data["schema"] == "treatydiff.positions/1"
    claim = data["claims"][0]
    assert {"id", "text", "speaker", "start", "end", "verdict", "links"} <= set(claim)
    assert claim["verdict"] in ("addressed", "partly_addressed", "not_addressed")
    link = claim["links"][0]
    assert {"segment", "article", "score", "rank"} <= set(link)
    segment_ids = {s["id"] for s in data["treaties"][0]["segments"]}
    for claim in data["claims"]:
        assert data["news"]["text"][claim["start"] : claim["end"]] == claim["text"]
        assert all(link["segment"] in segment_ids for link in claim["links"])


def test_claim_level_sums_up_several_treaties(news, treaty) -> None:  # type: ignore[no-untyped-def]
    data = positions_to_dict(link_claims(news, [treaty, treaty], FakeEmbedder()))
    claim = data["claims"][0]
    assert set(claim["treaties"]) == {"t1", "t2"}
    assert {link["treaty"] for link in claim["links"]} == {"t1", "t2"}
    assert [link["rank"] for link in claim["links"]] == list(range(1, len(claim["links"]) + 1))


# --- report -------------------------------------------------------------------------------------


def test_report_structure_and_links(positions) -> None:  # type: ignore[no-untyped-def]
    soup = BeautifulSoup(render_positions_report(positions), "html.parser")
    rows = soup.select("table.pos tbody tr")
    assert len(rows) == len(positions.claims)
    ids = {tag["id"] for tag in soup.select("[id]")}
    for link in soup.select("a[href^='#']"):
        assert link["href"][1:] in ids, link["href"]
    # The treaty side marks the provisions the piece talks about.
    hits = soup.select(".prov.hit")
    assert hits and all(hit.select(".refs a") for hit in hits)
    # Every claim is marked in the piece.
    marked = {c for mark in soup.select("mark") for c in mark["data-claims"].split()}
    assert marked == {c.id for c in positions.claims}


def test_report_is_self_contained_and_escapes_document_text(positions) -> None:  # type: ignore[no-untyped-def]
    html = render_positions_report(positions)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.find("img") is None
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "script-src 'none'" in csp
    assert "&lt;script&gt;alert" in html
    assert not any(tag.get("src") or tag.get("onerror") for tag in soup.find_all(True))
