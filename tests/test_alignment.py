"""The aligner on hand-written vectors: moves, splits, merges, one-sided provisions, renumbering."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from treatydiff.alignment import (
    AlignmentConfig,
    SideVectors,
    align,
    hub_corrected,
    longest_increasing_chain,
)
from treatydiff.errors import ConfigError

DIM = 12


def basis(k: int) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    v[k] = 1.0
    return v


def mix(*parts: tuple[int, float]) -> np.ndarray:
    v = sum(w * basis(k) for k, w in parts)
    return (v / np.linalg.norm(v)).astype(np.float32)


def side(rows: list[np.ndarray], weights: list[float] | None = None) -> SideVectors:
    semantic = np.stack(rows).astype(np.float32)
    w = np.array(weights or [10.0] * len(rows), dtype=np.float32)
    return SideVectors(semantic, None, w)


# Semantics only, no hub correction: these tests are about the grouping logic.
PLAIN = AlignmentConfig(semantic_weight=1.0, semantic_alone=0.0, order_bonus=0.0)


def linked(alignment) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    return {(g.a, g.b) for g in alignment.groups if g.a and g.b}


def every_index_once(alignment, n_a: int, n_b: int) -> None:  # type: ignore[no-untyped-def]
    seen_a = sorted(i for g in alignment.groups for i in g.a)
    seen_b = sorted(j for g in alignment.groups for j in g.b)
    assert seen_a == list(range(n_a))
    assert seen_b == list(range(n_b))


def test_identical_order_links_one_to_one_without_moves() -> None:
    a = side([basis(k) for k in range(5)])
    result = align(a, a, PLAIN)
    assert linked(result) == {((k,), (k,)) for k in range(5)}
    assert not any(g.moved for g in result.groups)


def test_renumbering_with_an_insertion_keeps_order_and_flags_nothing_moved() -> None:
    # B inserts a new provision at position 1, so every later one is renumbered.
    a = side([basis(0), basis(1), basis(2), basis(3)])
    b = side([basis(0), basis(9), basis(1), basis(2), basis(3)])
    result = align(a, b, PLAIN)
    assert linked(result) == {((0,), (0,)), ((1,), (2,)), ((2,), (3,)), ((3,), (4,))}
    assert ((), (1,)) in {(g.a, g.b) for g in result.groups}
    assert not any(g.moved for g in result.groups)


def test_moved_provision_is_linked_and_flagged() -> None:
    # A's provision 1 moves to the end of B.
    a = side([basis(k) for k in range(6)])
    b = side([basis(0), basis(2), basis(3), basis(4), basis(5), basis(1)])
    result = align(a, b, PLAIN)
    assert ((1,), (5,)) in linked(result)
    moved = {g.a for g in result.groups if g.moved}
    assert moved == {(1,)}


def test_one_sided_provisions() -> None:
    a = side([basis(0), basis(1), basis(7)])
    b = side([basis(0), basis(8), basis(1)])
    result = align(a, b, PLAIN)
    groups = {(g.a, g.b) for g in result.groups}
    assert ((2,), ()) in groups  # only in A
    assert ((), (1,)) in groups  # only in B
    every_index_once(result, 3, 3)


def test_split_one_provision_into_two() -> None:
    # A's provision 1 covers topics 1 and 2; B splits it into two provisions.
    a = side([basis(0), mix((1, 1.0), (2, 1.0)), basis(3)], [10, 20, 10])
    b = side([basis(0), basis(1), basis(2), basis(3)], [10, 10, 10, 10])
    result = align(a, b, PLAIN)
    assert ((1,), (1, 2)) in linked(result)
    every_index_once(result, 3, 4)


def test_merge_two_provisions_into_one() -> None:
    a = side([basis(0), basis(1), basis(2), basis(3)])
    b = side([basis(0), mix((1, 1.0), (2, 1.0)), basis(3)], [10, 20, 10])
    result = align(a, b, PLAIN)
    assert ((1, 2), (1,)) in linked(result)


def test_unrelated_segment_does_not_join_a_group() -> None:
    # Topic 5 is only weakly like the merged provision: it must stay on its own.
    a = side([basis(1), mix((1, 0.3), (5, 1.0))])
    b = side([basis(1)])
    result = align(a, b, PLAIN)
    assert linked(result) == {((0,), (0,))}


def test_split_parts_must_be_about_as_long_as_the_whole() -> None:
    # The second B segment is similar in meaning but ten times the length: no split.
    a = side([mix((1, 1.0), (2, 0.4))], [10])
    b = side([basis(1), mix((2, 1.0), (1, 0.8))], [10, 100])
    result = align(a, b, PLAIN)
    assert linked(result) == {((0,), (0,))}


def test_nothing_below_the_link_threshold_is_linked() -> None:
    a = side([mix((0, 1.0), (1, 1.0))])
    b = side([mix((0, 0.3), (2, 1.0))])
    result = align(a, b, PLAIN)
    assert linked(result) == set()
    every_index_once(result, 1, 1)


def test_matching_titles_link_articles_with_different_content() -> None:
    titles_a = np.stack([basis(10), basis(11)])
    titles_b = np.stack([basis(11), basis(10)])
    a = SideVectors(np.stack([basis(0), basis(1)]), None, np.ones(2, np.float32), titles_a)
    b = SideVectors(np.stack([basis(5), basis(6)]), None, np.ones(2, np.float32), titles_b)
    result = align(a, b, PLAIN)
    assert linked(result) == {((0,), (1,)), ((1,), (0,))}
    untitled = align(a, b, AlignmentConfig(semantic_weight=1.0, semantic_alone=0.0, title_weight=0.0))
    assert linked(untitled) == set()


def test_order_prior_breaks_ties_between_look_alike_provisions() -> None:
    # Two identical boilerplate provisions: they should pair in document order.
    boiler = mix((3, 1.0), (4, 0.2))
    a = side([basis(0), boiler, basis(1), boiler, basis(2)])
    b = side([basis(0), boiler, basis(1), boiler, basis(2)])
    result = align(a, b, AlignmentConfig(semantic_weight=1.0, semantic_alone=0.0))
    assert ((1,), (1,)) in linked(result)
    assert ((3,), (3,)) in linked(result)
    assert not any(g.moved for g in result.groups)


def test_hub_correction_lowers_a_segment_that_is_near_everything() -> None:
    sim = np.array([[0.9, 0.1, 0.1], [0.6, 0.6, 0.6]], dtype=np.float32)
    corrected = hub_corrected(sim, k=2)
    assert corrected[0, 0] > corrected[1, 0]


def test_empty_side_gives_one_sided_groups() -> None:
    a = side([basis(0)])
    empty = SideVectors(np.zeros((0, DIM), np.float32), None, np.zeros(0, np.float32))
    result = align(a, empty, PLAIN)
    assert [(g.a, g.b) for g in result.groups] == [((0,), ())]


@pytest.mark.parametrize(
    "field,value",
    [("link_threshold", 1.5), ("semantic_weight", -0.1), ("length_ratio", 0.5), ("order_bonus", 0.9)],
)
def test_bad_thresholds_are_refused(field: str, value: float) -> None:
    with pytest.raises(ConfigError, match=field.replace("_", "-")):
        AlignmentConfig(**{field: value}).validate()


def test_longest_increasing_chain() -> None:
    values = [0, 5, 1, 2, 3, 4]
    chain = longest_increasing_chain(values)
    assert [values[k] for k in chain] == [0, 1, 2, 3, 4]
    assert longest_increasing_chain([]) == []


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=0, max_value=8),
    st.integers(min_value=0, max_value=10_000),
)
def test_every_segment_is_in_exactly_one_group(n_a: int, n_b: int, seed: int) -> None:
    rng = np.random.default_rng(seed)

    def random_side(n: int) -> SideVectors:
        rows = rng.normal(size=(n, DIM)).astype(np.float32)
        rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-6)
        return SideVectors(rows, None, rng.integers(1, 50, size=n).astype(np.float32))

    result = align(random_side(n_a), random_side(n_b), AlignmentConfig(link_threshold=0.2))
    every_index_once(result, n_a, n_b)
    for g in result.groups:
        assert g.a or g.b
        assert 0.0 <= g.score <= 1.0


def test_a_recital_needs_stronger_evidence_to_link_to_an_article() -> None:
    # Similar enough (cos 0.55) to link within one part, not across parts.
    near = mix((0, 1.0), (1, 1.5))
    a = SideVectors(np.stack([basis(0)]), None, np.ones(1, np.float32), None, np.array([0], np.int8))
    same_part = SideVectors(np.stack([near]), None, np.ones(1, np.float32), None, np.array([0], np.int8))
    other_part = SideVectors(np.stack([near]), None, np.ones(1, np.float32), None, np.array([1], np.int8))
    config = AlignmentConfig(semantic_weight=1.0, semantic_alone=0.0, link_threshold=0.5)
    assert linked(align(a, same_part, config)) == {((0,), (0,))}
    assert linked(align(a, other_part, config)) == set()


def lexical_rows(*term_sets: dict[int, float], width: int = 40):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    dense = np.zeros((len(term_sets), width), dtype=np.float32)
    for row, terms in enumerate(term_sets):
        for term, weight in terms.items():
            dense[row, term] = weight
        dense[row] /= np.linalg.norm(dense[row])
    return csr_matrix(dense)


def test_a_short_provision_merged_into_a_long_one_joins_by_its_wording() -> None:
    # A0 became the first part of B0; A1, short, was merged into B0 but, whole against
    # whole, is not similar enough to link. Its wording is all inside B0.
    sem_a = np.stack([mix((0, 1.0), (1, 0.2)), mix((1, 1.0), (3, 1.0))])
    sem_b = np.stack([mix((0, 1.0), (1, 0.4))])
    a = SideVectors(
        sem_a, lexical_rows(dict.fromkeys(range(10), 1.0), {20: 1.0, 21: 1.0}), np.array([50, 10], np.float32)
    )
    b = SideVectors(
        sem_b, lexical_rows({**dict.fromkeys(range(10), 1.0), 20: 1.0, 21: 1.0}), np.array([60], np.float32)
    )
    config = AlignmentConfig(adapt_to_shared_wording=False)
    assert linked(align(a, b, config)) == {((0, 1), (0,))}
    assert linked(align(a, b, AlignmentConfig(adapt_to_shared_wording=False, containment_threshold=1.0))) == {
        ((0,), (0,))
    }


def test_meaning_alone_counts_less_between_a_draft_and_its_revision() -> None:
    # Three provisions kept word for word, and one pair alike in meaning (cos 0.72) with
    # no word in common: a link across drafting traditions, suspect within a revision.
    sem = [basis(k) for k in range(3)]
    near_a, near_b = basis(5), mix((5, 1.0), (6, 0.96))
    a_sem = np.stack([*sem, near_a])
    b_sem = np.stack([*sem, near_b])
    weights = np.ones(4, np.float32)
    shared = lexical_rows({0: 1.0}, {1: 1.0}, {2: 1.0}, {10: 1.0})
    revision_b = lexical_rows({0: 1.0}, {1: 1.0}, {2: 1.0}, {11: 1.0})
    apart_a = lexical_rows({0: 1.0}, {1: 1.0}, {2: 1.0}, {10: 1.0})
    apart_b = lexical_rows({20: 1.0}, {21: 1.0}, {22: 1.0}, {11: 1.0})
    config = AlignmentConfig(semantic_weight=0.6, semantic_alone=0.75, order_bonus=0.0, title_weight=0.0)
    revision = align(SideVectors(a_sem, shared, weights), SideVectors(b_sem, revision_b, weights), config)
    traditions = align(SideVectors(a_sem, apart_a, weights), SideVectors(b_sem, apart_b, weights), config)
    assert ((3,), (3,)) not in linked(revision)
    assert ((3,), (3,)) in linked(traditions)
