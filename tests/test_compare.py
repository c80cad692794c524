"""The pipeline on a hand-written draft and its revision, with the fake embedder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from treatydiff.compare import CompareOptions, compare_documents
from treatydiff.documents import load_document
from treatydiff.export import SCHEMA, comparison_to_dict, comparison_to_json
from treatydiff.records import Comparison, Level, Status

COMPARE = Path(__file__).parent / "fixtures" / "compare"


def run(level: Level, fake_embedder) -> Comparison:  # type: ignore[no-untyped-def]
    a = load_document(COMPARE / "draft-v1.md")
    b = load_document(COMPARE / "draft-v2.md")
    return compare_documents(a, b, fake_embedder, CompareOptions(level=level))


def article_links(comparison: Comparison) -> dict[tuple[str, ...], tuple[str, ...]]:
    return {
        tuple(s.article or "" for s in p.a): tuple(s.article or "" for s in p.b) for p in comparison.pairs
    }


def test_article_level_finds_renumbering_split_move_and_one_sided(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(Level.ARTICLE, fake_embedder)
    links = article_links(comparison)
    assert links[("1",)] == ("1",)
    assert links[("2",)] == ("3",)  # renumbered, wording edited
    assert links[("3",)] == ("7",)  # moved to the end
    assert links[("4",)] == ("5", "6")  # split in two
    assert links[("5",)] == ()  # dropped
    assert links[("6",)] == ("4",)  # moved up
    assert links[()] == ("2",)  # new article
    status = {tuple(s.article for s in p.a): p.status for p in comparison.pairs}
    assert status[("1",)] == Status.UNCHANGED
    assert status[("2",)] == Status.MODIFIED
    assert status[("6",)] == Status.UNCHANGED  # renumbering alone is no change
    assert status[("5",)] == Status.ONLY_A
    moved = [tuple(s.article for s in p.a) for p in comparison.pairs if p.moved]
    assert len(moved) == 2 and ("1",) not in moved and ("2",) not in moved


def test_word_diff_shows_the_term_substitution(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(Level.ARTICLE, fake_embedder)
    pair = next(p for p in comparison.pairs if [s.article for s in p.a] == ["2"])
    assert pair.diff is not None
    deleted = " ".join(o.text for o in pair.diff.ops if o.op == "delete")
    inserted = " ".join(o.text for o in pair.diff.ops if o.op == "insert")
    assert "computer" in deleted and "information and communications technology" in inserted
    assert "subscriber" not in deleted + inserted


@pytest.mark.parametrize("level", list(Level))
def test_every_segment_is_in_exactly_one_pair(level: Level, fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(level, fake_embedder)
    for side in ("a", "b"):
        expected = [s.id for s in getattr(comparison, side).segments]
        seen = [s.id for p in comparison.pairs for s in getattr(p, side)]
        assert sorted(seen) == sorted(expected)
    for pair in comparison.pairs:
        assert pair.a or pair.b
        if not pair.b:
            assert pair.status == Status.ONLY_A
        if not pair.a:
            assert pair.status == Status.ONLY_B


def test_paragraph_level_aligns_paragraphs_inside_aligned_articles(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(Level.PARAGRAPH, fake_embedder)
    links = {tuple(s.id for s in p.a): tuple(s.id for s in p.b) for p in comparison.pairs}
    assert links[("art-3.1",)] == ("art-7.1",)
    assert links[("art-3.2",)] == ("art-7.2",)
    assert links[("art-4.1",)] == ("art-5.p1",)
    assert links[("art-4.2",)] == ("art-6.p1",)


def test_b_only_pairs_sit_in_b_order(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(Level.ARTICLE, fake_embedder)
    order = [(tuple(s.article for s in p.a), tuple(s.article for s in p.b)) for p in comparison.pairs]
    new = order.index(((), ("2",)))
    assert order[new - 1] == (("1",), ("1",))


def test_json_export_has_the_documented_shape(fake_embedder) -> None:  # type: ignore[no-untyped-def]
    comparison = run(Level.PARAGRAPH, fake_embedder)
    data = json.loads(comparison_to_json(comparison))
    assert list(data)[0] == "schema" and data["schema"] == SCHEMA
    assert data["level"] == "paragraph"
    for side in ("a", "b"):
        doc = data[side]
        assert doc["title"] and doc["source"]
        text = load_document(COMPARE / ("draft-v1.md" if side == "a" else "draft-v2.md")).text
        for seg in doc["segments"]:
            assert {"id", "label", "article", "text", "start", "end"} <= set(seg)
            assert text[seg["start"] : seg["end"]] == seg["text"]
        ids = [s["id"] for s in doc["segments"]]
        in_pairs = [i for p in data["pairs"] for i in p[side]]
        assert sorted(in_pairs) == sorted(ids)
    for pair in data["pairs"]:
        assert pair["status"] in {"unchanged", "modified", "only_a", "only_b"}
        assert isinstance(pair["moved"], bool) and 0.0 <= pair["score"] <= 1.0
    assert comparison_to_dict(comparison)["pairs"] == data["pairs"]


def test_articles_that_correspond_without_matching_paragraphs_stay_paired(
    tmp_path: Path, fake_embedder
) -> None:  # type: ignore[no-untyped-def]
    # Two "Definitions" articles define different terms: no paragraph matches another, but the
    # titles say the articles correspond; at paragraph level they stay one pair.
    head = "---\ntitle: {t}\n---\n\n# {t}\n\n##### Article 1 – Definitions\n\n"
    (tmp_path / "a.md").write_text(
        head.format(t="A")
        + "a) “widget” means a small device;\n\nb) “gadget” means a widget with a spring.\n",
        encoding="utf-8",
    )
    (tmp_path / "b.md").write_text(
        head.format(t="B") + "For the purposes of this Protocol, “racist material” means any written text.\n",
        encoding="utf-8",
    )
    a, b = load_document(tmp_path / "a.md"), load_document(tmp_path / "b.md")
    for level in (Level.ARTICLE, Level.PARAGRAPH):
        comparison = compare_documents(a, b, fake_embedder, CompareOptions(level=level))
        two_sided = [p for p in comparison.pairs if p.a and p.b]
        assert len(two_sided) == 1, level
        assert {s.article for s in two_sided[0].a} == {"1"} == {s.article for s in two_sided[0].b}


def test_a_second_compare_of_the_same_texts_encodes_nothing(tmp_path: Path) -> None:
    from fakes import FakeEmbedder
    from treatydiff.embeddings import EmbeddingCache

    a = load_document(COMPARE / "draft-v1.md")
    b = load_document(COMPARE / "draft-v2.md")
    first, second = FakeEmbedder(), FakeEmbedder()
    options = CompareOptions(level=Level.SENTENCE)
    one = compare_documents(a, b, first, options, cache=EmbeddingCache(tmp_path))
    two = compare_documents(a, b, second, options, cache=EmbeddingCache(tmp_path))
    assert first.encoded and second.encoded == []
    assert [(p.status, p.score) for p in one.pairs] == [(p.status, p.score) for p in two.pairs]
