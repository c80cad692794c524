"""The gold and scoring of the cross-language benchmark (benchmarks/quality/crosslang.py), on
hand-made id lists: no model, no ../shared."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks" / "quality"))
import crosslang  # noqa: E402
from crosslang import (  # noqa: E402
    GoldError,
    Restructured,
    derive_gold,
    pair_links,
    score_links,
    summarise,
    suspect_ids,
    target_misses,
)

A = ["preamble.r1", "art-1", "art-2", "art-3", "art-4"]
B = ["preamble.r1", "art-1", "art-2", "art-3", "art-4"]


def test_gold_is_the_shared_ids() -> None:
    gold = derive_gold(["art-1", "art-2", "art-2.x"], ["art-1", "art-2", "art-3"])
    assert gold.sure == {("art-1", "art-1"), ("art-2", "art-2")}
    assert gold.possible == set()
    assert gold.gold_a == {"art-1", "art-2"} and gold.gold_b == {"art-1", "art-2"}
    assert gold.unreviewed_a == ("art-2.x",) and gold.unreviewed_b == ("art-3",)


def test_restructured_segments_leave_the_gold_and_link_as_possible() -> None:
    ids_a = ["art-1.a", "art-1.b", "art-1.c"]
    ids_b = ["art-1.a", "art-1.b", "art-1.b.-1", "art-1.b.-2", "art-1.c"]
    group = Restructured("paragraph", ("art-1.b",), ("art-1.b", "art-1.b.-1", "art-1.b.-2"), "runs on")
    gold = derive_gold(ids_a, ids_b, [group], "paragraph")
    assert gold.sure == {("art-1.a", "art-1.a"), ("art-1.c", "art-1.c")}
    assert gold.possible == {("art-1.b", "art-1.b"), ("art-1.b", "art-1.b.-1"), ("art-1.b", "art-1.b.-2")}
    assert len(gold.gold_a) == 2 and len(gold.gold_b) == 2
    assert gold.unreviewed_a == () and gold.unreviewed_b == ()


def test_an_id_grouped_on_one_side_only_leaves_the_gold() -> None:
    # EN art-1.p2 is what NL numbers art-1.b: NL art-1.b is then not the same provision as EN art-1.b.
    group = Restructured("*", ("art-1.p2",), ("art-1.b",), "unlabelled in EN")
    gold = derive_gold(["art-1.a", "art-1.p2", "art-1.b"], ["art-1.a", "art-1.b"], [group])
    assert gold.sure == {("art-1.a", "art-1.a")}
    assert gold.possible == {("art-1.p2", "art-1.b")}
    assert gold.unreviewed_a == ("art-1.b",)


def test_restructured_groups_apply_to_their_level_only() -> None:
    group = Restructured("paragraph", ("art-2",), ("art-2",), "x")
    assert ("art-2", "art-2") in derive_gold(A, B, [group], "article").sure
    assert ("art-2", "art-2") not in derive_gold(A, B, [group], "paragraph").sure
    assert ("art-2", "art-2") not in derive_gold(A, B, [Restructured("*", ("art-2",), ("art-2",), "x")]).sure


def test_a_group_naming_missing_segments_is_an_error() -> None:
    with pytest.raises(GoldError, match="B art-9"):
        derive_gold(A, B, [Restructured("article", ("art-1",), ("art-9",), "stale")])


def test_positional_gold_pairs_by_index_and_needs_equal_counts() -> None:
    gold = derive_gold(["p1", "p2", "p3"], ["p1", "p2", "p3"], positional=True)
    assert gold.sure == {("p1", "p1"), ("p2", "p2"), ("p3", "p3")}
    by_position = derive_gold(["x", "y"], ["u", "v"], positional=True)
    assert by_position.sure == {("x", "u"), ("y", "v")}
    grouped = derive_gold(
        ["x", "y", "z"], ["u", "v", "w"], [Restructured("*", ("y",), ("v",), "")], positional=True
    )
    assert grouped.sure == {("x", "u"), ("z", "w")} and grouped.possible == {("y", "v")}
    with pytest.raises(GoldError, match="3 and 2"):
        derive_gold(["p1", "p2", "p3"], ["p1", "p2"], positional=True)


def test_perfect_links_score_one() -> None:
    gold = derive_gold(A, B)
    score = score_links([(i, i) for i in A], gold)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert score.missed == () and score.spurious == ()


def test_a_swap_costs_precision_and_recall() -> None:
    gold = derive_gold(A, B)  # 5 sure links
    links = [("preamble.r1", "preamble.r1"), ("art-1", "art-1"), ("art-2", "art-2"), ("art-3", "art-4")]
    score = score_links(links, gold)
    assert score.precision == 0.75  # 3 of 4 found are right
    assert score.recall == 0.6  # 3 of 5 sure
    assert score.f1 == pytest.approx(2 * 0.75 * 0.6 / 1.35, abs=1e-4)
    assert score.spurious == (("art-3", "art-4"),)
    assert score.missed == (("art-3", "art-3"), ("art-4", "art-4"))


def test_duplicate_links_count_once() -> None:
    gold = derive_gold(A, B)
    score = score_links([("art-1", "art-1"), ("art-1", "art-1"), ("art-2", "art-3")], gold)
    assert score.found == 2 and score.precision == 0.5 and score.recall == 0.2


def test_possible_links_are_neither_required_nor_penalised() -> None:
    ids_a = ["art-1", "art-2", "art-2.i"]
    ids_b = ["art-1", "art-2"]
    gold = derive_gold(ids_a, ids_b, [Restructured("*", ("art-2", "art-2.i"), ("art-2",), "runs on")])
    assert gold.sure == {("art-1", "art-1")}
    only_sure = score_links([("art-1", "art-1")], gold)
    with_possible = score_links([("art-1", "art-1"), ("art-2", "art-2"), ("art-2.i", "art-2")], gold)
    assert (only_sure.precision, only_sure.recall) == (1.0, 1.0)
    assert (with_possible.precision, with_possible.recall) == (1.0, 1.0)
    assert with_possible.possible_found == 2 and with_possible.spurious == ()
    # A gold segment linked into a restructured group is wrong: its counterpart is known.
    wrong = score_links([("art-1", "art-1"), ("art-1", "art-2")], gold)
    assert wrong.precision == 0.5 and wrong.spurious == (("art-1", "art-2"),)


def test_links_touching_unreviewed_segments() -> None:
    gold = derive_gold(["art-1", "art-2", "x"], ["art-1", "art-2", "y"])
    assert gold.unreviewed_a == ("x",) and gold.unreviewed_b == ("y",)
    # Between two unreviewed segments: unscored, out of precision.
    score = score_links([("art-1", "art-1"), ("art-2", "art-2"), ("x", "y")], gold)
    assert score.unscored == (("x", "y"),) and score.precision == 1.0 and score.recall == 1.0
    # From a gold segment to an unreviewed one: spurious.
    score = score_links([("art-1", "art-1"), ("art-2", "y")], gold)
    assert score.precision == 0.5 and score.recall == 0.5 and score.spurious == (("art-2", "y"),)


def test_no_links_scores_zero() -> None:
    score = score_links([], derive_gold(A, B))
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    assert len(score.missed) == 5


def test_pair_links_are_the_cross_product_of_each_pair() -> None:
    pairs = [(["a1", "a2"], ["b1"]), (["a3"], []), ([], ["b2"]), (["a4"], ["b3", "b4"])]
    assert pair_links(pairs) == {("a1", "b1"), ("a2", "b1"), ("a4", "b3"), ("a4", "b4")}


def test_merged_pair_is_scored_link_by_link() -> None:
    gold = derive_gold(["art-1", "art-2"], ["art-1", "art-2"])
    score = score_links(pair_links([(["art-1", "art-2"], ["art-1"])]), gold)
    assert score.precision == 0.5 and score.recall == 0.5
    assert score.missed == (("art-2", "art-2"),) and score.spurious == (("art-2", "art-1"),)


def test_suspect_ids_flag_length_mismatches() -> None:
    gold = derive_gold(["a", "b", "c"], ["a", "b", "c"])
    words_a = {"a": 10, "b": 5, "c": 100}
    words_b = {"a": 12, "b": 40, "c": 30}
    assert suspect_ids(words_a, words_b, gold, limit=3.0) == [("b", 5, 40), ("c", 100, 30)]


def test_summary_and_targets() -> None:
    assert summarise({"x": 1.0, "y": 0.5}) == {"macro_f1": 0.75, "min_f1": 0.5}
    results = {
        "uncac": {"article": {"e5": {"f1": 0.99}}, "paragraph": {"e5": {"f1": 0.85}}},
        "untoc": {"article": {"e5": {"f1": 0.96}}, "paragraph": {"e5": {"f1": 0.95}}},
        "paris-call": {"article": {"e5": {"f1": 0.5}}},  # not an EN/NL pair: no target
    }
    assert target_misses(results) == ["uncac paragraph 0.850 < 0.9", "untoc article 0.960 < 0.97"]


def test_the_reviewed_groups_match_their_pairs_ids() -> None:
    """The groups for UNCAC Art. 2 take exactly the restructured items out of the gold."""
    ids_en = ["art-2.p1", "art-2.a", "art-2.a.i", "art-2.a.ii", "art-2.a.iii", "art-2.b", "art-2.i"]
    ids_nl = ["art-2.p1", "art-2.a", "art-2.b", "art-2.j"]
    gold = derive_gold(ids_en, ids_nl, crosslang.RESTRUCTURED["uncac"], "paragraph")
    assert gold.sure == {("art-2.p1", "art-2.p1"), ("art-2.b", "art-2.b")}
    assert ("art-2.i", "art-2.j") in gold.possible and ("art-2.a.ii", "art-2.a") in gold.possible
    assert gold.unreviewed_a == () and gold.unreviewed_b == ()
    # At article level the same groups do not apply.
    assert derive_gold(["art-2"], ["art-2"], crosslang.RESTRUCTURED["uncac"], "article").sure == {
        ("art-2", "art-2")
    }


def test_missing_shared_texts_exit_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(crosslang, "SOURCES", tmp_path / "missing")
    assert crosslang.main(["--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not found" in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()
