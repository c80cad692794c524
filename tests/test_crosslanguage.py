"""Comparisons across languages: no word diff, "aligned" instead of "modified", said once.

The fake embedder reads Dutch through a small glossary here: a stand-in for a multilingual
model, so that a Dutch provision lands near its English original.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from bs4 import BeautifulSoup

from fakes import FakeEmbedder
from treatydiff.changelist import change_list, change_list_csv, change_list_markdown, status_label
from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.documents import load_document, parse_document
from treatydiff.errors import InputError
from treatydiff.export import comparison_to_dict, comparison_to_json, read_alignment
from treatydiff.languages import different_languages, document_language, normalise_language_code
from treatydiff.records import Comparison, Level, Status
from treatydiff.report import build_report_context, render_report

COMPARE = Path(__file__).parent / "fixtures" / "compare"

ENGLISH = """---
title: Model Convention
short_title: Model Convention
language: en-GB
---
# Model Convention

##### Article 1 – Definitions

For the purposes of this Convention, computer system means any device which processes data automatically.

##### Article 2 – Illegal access

Each Party shall adopt such measures as may be necessary to punish access to a computer system without right.

##### Article 3 – Data interference

Each Party shall adopt such measures as may be necessary to punish the deletion of computer data
without right.

##### Article 4 – Reservations

No reservation may be made in respect of any provision of this Convention.

##### Article 5 – Reference

Budapest, 23.XI.2001, ETS No. 185.
"""

# Articles 2 and 3 swapped (one of them moves), Article 4 another provision, Article 5 left as it is.
DUTCH = """---
title: Modelverdrag
short_title: Modelverdrag <i>NL</i>
language: nl
---
# Modelverdrag

##### Artikel 1 – Begripsomschrijvingen

Voor de toepassing van dit Verdrag betekent computersysteem elk apparaat dat automatisch gegevens verwerkt.

##### Artikel 2 – Verstoring van computergegevens

Iedere Partij neemt de maatregelen die nodig zijn om het wissen van computergegevens zonder recht
te bestraffen.

##### Artikel 3 – Wederrechtelijke toegang

Iedere Partij neemt de maatregelen die nodig zijn om toegang tot een computersysteem zonder recht
te bestraffen.

##### Artikel 4 – Samenwerking

De Partijen werken zo veel mogelijk samen bij onderzoeken naar <script>alert(1)</script> feiten.

##### Artikel 5 – Reference

Budapest, 23.XI.2001, ETS No. 185.
"""

GLOSSARY = {
    "voor": "for",
    "de": "the",
    "toepassing": "purposes",
    "van": "of",
    "dit": "this",
    "verdrag": "convention",
    "betekent": "means",
    "computersysteem": "computer system",
    "elk": "any",
    "apparaat": "device",
    "dat": "which",
    "automatisch": "automatically",
    "gegevens": "data",
    "verwerkt": "processes",
    "iedere": "each",
    "partij": "party",
    "neemt": "shall adopt",
    "maatregelen": "measures",
    "die": "as",
    "nodig": "necessary",
    "zijn": "be",
    "om": "to",
    "het": "the",
    "wissen": "deletion",
    "computergegevens": "computer data",
    "zonder": "without",
    "recht": "right",
    "te": "to",
    "bestraffen": "punish",
    "toegang": "access",
    "tot": "to",
    "een": "a",
    "begripsomschrijvingen": "definitions",
    "verstoring": "interference",
    "wederrechtelijke": "illegal",
}


class GlossaryEmbedder(FakeEmbedder):
    """The fake embedder, reading Dutch words as their English glossary entries."""

    name = "fake-multilingual"

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return super().embed_batch([" ".join(_translate(w) for w in text.split()) for text in texts])


def _translate(word: str) -> str:
    return GLOSSARY.get(word.lower().strip(".,;:()“”\"'"), word)


def english_dutch(level: Level = Level.ARTICLE, embedder: FakeEmbedder | None = None) -> Comparison:
    return compare_documents(
        parse_document(ENGLISH, "model.en.md"),
        parse_document(DUTCH, "model.nl.md"),
        embedder or GlossaryEmbedder(),
        CompareOptions(level=level),
    )


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    return english_dutch()


def drafts() -> Comparison:
    a = load_document(COMPARE / "draft-v1.md")
    b = load_document(COMPARE / "draft-v2.md")
    return compare_documents(a, b, FakeEmbedder(), CompareOptions(level=Level.ARTICLE))


def articles(pair_side: Sequence[object]) -> tuple[str | None, ...]:
    return tuple(getattr(s, "article", None) for s in pair_side)


# ---------------------------------------------------------------- the language decision


@pytest.mark.parametrize(
    "declared, code",
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("EN_us", "en"),
        (" nl ", "nl"),
        ("zh-Hant-TW", "zh"),
        ("nld", "nl"),  # ISO 639-2: the same language as "nl"
        ("fre", "fr"),
        ("Dutch", "nl"),
        ("", None),
        (None, None),
        ("False", None),  # YAML's reading of `language: no`
        ("?", None),
    ],
)
def test_a_declared_language_is_normalised_to_its_primary_code(
    declared: str | None, code: str | None
) -> None:
    assert normalise_language_code(declared) == code


def test_the_declared_language_beats_the_guess() -> None:
    english_body_declared_french = ENGLISH.replace("language: en-GB", "language: fr")
    assert document_language(parse_document(english_body_declared_french)) == "fr"


def test_without_a_declaration_the_language_is_guessed() -> None:
    undeclared = parse_document(DUTCH.replace("language: nl\n", ""))
    assert undeclared.language == "en"  # the record's default, which must not be taken for a fact
    assert document_language(undeclared) == "nl"


def test_a_region_code_is_the_language() -> None:
    assert document_language(parse_document(ENGLISH)) == "en"


def test_an_unguessable_undeclared_language_is_unknown() -> None:
    assert document_language(parse_document("# Title\n\nA few words only.\n")) is None


@pytest.mark.parametrize(
    "a, b, differ",
    [("en", "nl", True), ("en", "en", False), (None, "nl", False), ("en", None, False), (None, None, False)],
)
def test_only_two_known_different_languages_differ(a: str | None, b: str | None, differ: bool) -> None:
    assert different_languages(a, b) is differ


# ---------------------------------------------------------------- the comparison


def test_the_comparison_records_both_languages(comparison: Comparison) -> None:
    assert comparison.languages == ("en", "nl")
    assert comparison.cross_language


def test_a_comparison_across_languages_has_no_word_diff(comparison: Comparison) -> None:
    assert all(pair.diff is None for pair in comparison.pairs)
    for level in (Level.PARAGRAPH, Level.SENTENCE):
        assert all(pair.diff is None for pair in english_dutch(level).pairs)


def test_statuses_across_languages(comparison: Comparison) -> None:
    status = {(articles(p.a), articles(p.b)): p.status for p in comparison.pairs}
    assert status == {
        (("1",), ("1",)): Status.MODIFIED,  # aligned: a translation is not an edit
        (("2",), ("3",)): Status.MODIFIED,
        (("3",), ("2",)): Status.MODIFIED,
        (("4",), ()): Status.ONLY_A,
        ((), ("4",)): Status.ONLY_B,
        (("5",), ("5",)): Status.UNCHANGED,  # the same text, left untranslated
    }
    assert sum(p.moved for p in comparison.pairs) == 1
    assert status_label(Status.MODIFIED, cross_language=True) == "aligned"
    assert status_label(Status.UNCHANGED, cross_language=True) == "identical"
    assert status_label(Status.ONLY_A, cross_language=True) == "only in A"


def test_a_model_that_does_not_read_a_language_still_warns() -> None:
    english_only = GlossaryEmbedder()
    english_only.languages = frozenset({"en"})
    comparison = english_dutch(embedder=english_only)
    assert len(comparison.warnings) == 1 and "Dutch (nl)" in comparison.warnings[0]
    soup = BeautifulSoup(render_report(comparison), "html.parser")
    assert any("Dutch (nl)" in p.get_text() for p in soup.select("p.notice[role=alert]"))


# ---------------------------------------------------------------- the report


@pytest.fixture(scope="module")
def soup(comparison: Comparison) -> BeautifulSoup:
    return BeautifulSoup(render_report(comparison), "html.parser")


def test_the_report_marks_no_insertions_or_deletions(soup: BeautifulSoup) -> None:
    assert soup.select("ins, del") == []


def test_the_report_says_why_once_near_the_top(soup: BeautifulSoup) -> None:
    explained = [p for p in soup.select("p") if "word diff across languages" in p.get_text()]
    assert len(explained) == 1
    note = explained[0]
    assert note.find_parent("header") is not None
    assert note.get_text().startswith(
        "A is in English and B in Dutch: aligned provisions are shown side by side"
    )
    assert "cross-language similarity" in note.get_text()


def test_the_report_labels_rows_aligned_and_identical(soup: BeautifulSoup) -> None:
    labels = [row.select_one("td.m .st").get_text(" ", strip=True) for row in soup.select("tr.r")]
    assert labels.count("↔ aligned") == 3
    assert labels.count("= identical") == 1
    assert not any("modified" in label or "unchanged" in label for label in labels)
    identical = soup.select("tbody.fold tr.r")
    assert len(identical) == 1 and "1 identical row" in soup.select_one("tbody.fold .ftb").get_text()


def test_the_report_marks_each_side_with_its_language(soup: BeautifulSoup) -> None:
    for row in soup.select("tr.r"):
        assert row.select_one("td.a")["lang"] == "en"
        assert row.select_one("td.b")["lang"] == "nl"


def test_the_dashboard_counts_aligned_pairs_and_measures_no_word_change(soup: BeautifulSoup) -> None:
    counts = {
        row.th.get_text(" ", strip=True): (int(row.select_one(".np").text), int(row.select_one(".nr").text))
        for row in soup.select("table.counts tbody tr")
    }
    assert counts == {
        "↔ aligned": (3, 3),
        "= identical": (1, 1),
        "− only in A": (1, 1),
        "+ only in B": (1, 1),
        "↕ moved": (1, 1),
    }
    assert soup.select(".most ol") == []
    assert "different languages" in soup.select_one(".most").get_text()


def test_only_moves_and_text_without_counterpart_count_as_changes(comparison: Comparison) -> None:
    context = build_report_context(comparison)
    changed = [r.status_key for r in context.rows if "changed" in r.filter_tags.split()]
    assert sorted(changed) == ["modified", "only_a", "only_b"]  # the modified one is the moved pair
    assert context.change_count == 3
    assert [c.status_label for c in context.changes if "changed" in c.filter_tags.split()] == [
        "aligned",  # moved
        "only in A",
        "only in B",
    ]


def test_the_report_escapes_document_text(soup: BeautifulSoup) -> None:
    assert len(soup.find_all("script")) == 2  # the page's own script and its JSON data
    assert soup.select("i") == []
    assert "<script>alert(1)</script>" in soup.select_one("table.cmp").get_text()


# ---------------------------------------------------------------- the change list


def test_the_change_list_reads_as_alignment(comparison: Comparison) -> None:
    rows = change_list(comparison)
    by_a = {r.provision.label: r for r in rows if r.side == "a"}
    assert by_a["Article 1"].status_label == "aligned"
    assert by_a["Article 5"].status_label == "identical"
    assert by_a["Article 5"].summary == "identical text"
    for row in rows:
        assert "heading ‘" not in row.summary  # every heading differs across languages
        assert "added" not in row.summary and "removed" not in row.summary
        if row.counterparts:
            assert (row.words_added, row.words_removed) == (0, 0)
    assert "moved out of sequence" in " ".join(r.summary for r in rows)


def test_the_csv_names_statuses_across_languages(comparison: Comparison) -> None:
    table = list(csv.DictReader(io.StringIO(change_list_csv(change_list(comparison)))))
    statuses = Counter(r["Status"] for r in table)
    assert statuses == {"aligned": 3, "identical": 1, "only in A": 1, "only in B": 1}


def test_the_markdown_tallies_and_explains_once(comparison: Comparison) -> None:
    markdown = change_list_markdown(change_list(comparison), comparison)
    assert "6 provisions: 3 aligned, 1 identical, 1 only in A, 1 only in B; 1 moved." in markdown
    assert markdown.count("word diff across languages") == 1
    assert "A is in English and B in Dutch: aligned provisions are not diffed word by word" in markdown
    assert "modified" not in markdown and "unchanged" not in markdown


# ---------------------------------------------------------------- the JSON export


def test_the_json_carries_the_languages_and_round_trips(comparison: Comparison) -> None:
    exported = comparison_to_json(comparison)
    data = json.loads(exported)
    assert data["languages"] == {"a": "en", "b": "nl"}
    assert data["cross_language"] is True
    assert all(p["words_added"] == p["words_removed"] == 0 for p in data["pairs"])
    read = read_alignment(exported)
    assert read.languages == {"a": "en", "b": "nl"} and read.cross_language
    assert read.to_dict() == data


def test_an_export_from_before_languages_still_reads_and_round_trips() -> None:
    data = comparison_to_dict(drafts())
    del data["languages"], data["cross_language"]
    read = read_alignment(json.dumps(data))
    assert read.languages is None and not read.cross_language
    assert read.to_dict() == data


@pytest.mark.parametrize(
    "languages, cross_language",
    [({"a": "en"}, True), ({"a": "en", "b": 3}, True), ({"a": "en", "b": "nl"}, "yes"), (["en", "nl"], True)],
)
def test_malformed_languages_are_refused(languages: object, cross_language: object) -> None:
    data = comparison_to_dict(drafts())
    data["languages"], data["cross_language"] = languages, cross_language
    with pytest.raises(InputError, match="malformed"):
        read_alignment(json.dumps(data))


# ---------------------------------------------------------------- same language: as before


def test_a_same_language_comparison_keeps_its_word_diffs() -> None:
    comparison = drafts()
    assert comparison.languages == ("en", "en") and not comparison.cross_language
    assert all(p.diff is not None for p in comparison.pairs if p.a and p.b)
    data = comparison_to_dict(comparison)
    assert data["languages"] == {"a": "en", "b": "en"} and data["cross_language"] is False


def test_knowing_the_same_language_changes_nothing_in_the_outputs() -> None:
    """The report and change lists of a same-language comparison are those of one whose
    languages are unknown: the outputs from before languages were looked at."""
    known = drafts()
    unknown = dataclasses.replace(known, languages=(None, None))
    assert render_report(known) == render_report(unknown)
    rows_known, rows_unknown = change_list(known), change_list(unknown)
    assert change_list_csv(rows_known) == change_list_csv(rows_unknown)
    assert change_list_markdown(rows_known, known) == change_list_markdown(rows_unknown, unknown)
    soup = BeautifulSoup(render_report(known), "html.parser")
    assert soup.select_one("#languages") is None
    assert soup.select("td[lang]") == []
    assert soup.select("ins") and soup.select("del")


@pytest.mark.parametrize("level", [Level.ARTICLE, Level.PARAGRAPH])
def test_across_languages_shared_wording_is_no_evidence(
    level: Level, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Numbers and names that two languages share by chance must not pull provisions together."""
    import treatydiff.compare

    def no_wording(*args: object) -> object:
        raise AssertionError("TF-IDF of the wording was computed across languages")

    monkeypatch.setattr(treatydiff.compare, "tfidf_vectors", no_wording)
    result = english_dutch(level)
    assert result.cross_language
    assert any(pair.a and pair.b for pair in result.pairs)
