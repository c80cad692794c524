"""Alignment of two segment sequences: pure functions, vectors in, groups out.

No text, no model: the aligner sees semantic vectors (dense, L2-normalised), lexical
vectors (sparse, L2-normalised), segment weights, and optionally title vectors and the
part of the document each segment is in. It

1. scores every pair: semantic and lexical cosine combined, meaning alone counting too
   (hub-corrected, and less between documents that share most wording), matching titles
   as evidence, pairs across parts penalised;
2. links pairs from the best down (competitive linking, so provisions may move anywhere),
   with a small bonus for pairs that keep the order of confident anchors, so that
   near-ties between look-alike provisions resolve in document order;
3. grows groups for splits and merges as it goes: a free segment whose best counterpart
   is taken joins that counterpart's group when the pooled texts match at least as well,
   and a short segment whose wording lies inside a group's other side joins it afterwards;
4. flags as moved every group outside the longest order-preserving chain.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix


@dataclass(frozen=True)
class AlignmentConfig:
    """Thresholds and weights of the aligner. Documented in docs/alignment.md."""

    semantic_weight: float = 0.6  # the rest goes to lexical similarity
    semantic_alone: float = 0.75  # a pair scores at least this times its semantic similarity
    link_threshold: float = 0.5  # least combined score of a one-to-one link
    attach_threshold: float = 0.5  # least score between a segment and the group it joins
    length_ratio: float = 1.6  # a grown group's sides may differ in length by this factor at most
    attach_gain: float = 0.0  # least improvement of the group's pooled score when it grows
    order_bonus: float = 0.03  # bonus, when ranking pairs, for those on the path of confident anchors
    anchor_threshold: float = 0.75  # least score of an anchor for the order prior
    title_weight: float = 0.6  # a pair scores at least this times its title similarity
    # Hub-correct the whole combined score, not only the meaning-alone path: for searches
    # outside a settled context, where boilerplate look-alikes abound.
    hub_correct_all: bool = False
    part_penalty: float = 0.1  # subtracted from pairs that cross parts (a recital and an article)
    # Meaning alone carries a link between texts of different drafting traditions. Between a
    # draft and its revision, which share most wording, a link with no shared wording is
    # suspect: the weight of meaning alone falls to 0 as the shared wording of confident
    # pairs rises from `wording_low` to `wording_high`.
    # A free segment whose weighted wording lies at least this much inside one group's other
    # side joins that group (1 turns it off).
    containment_threshold: float = 0.55
    adapt_to_shared_wording: bool = True
    wording_low: float = 0.3
    wording_high: float = 0.6

    def validate(self) -> AlignmentConfig:
        for name in (
            "semantic_weight",
            "semantic_alone",
            "link_threshold",
            "attach_threshold",
            "anchor_threshold",
            "title_weight",
        ):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name.replace('_', '-')} must be between 0 and 1, got {value}")
        if not -1.0 <= self.attach_gain <= 1.0:
            raise ConfigError(f"attach-gain must be between -1 and 1, got {self.attach_gain}")
        if self.length_ratio < 1.0:
            raise ConfigError(f"length-ratio must be at least 1, got {self.length_ratio}")
        if not 0.0 <= self.part_penalty <= 1.0:
            raise ConfigError(f"part-penalty must be between 0 and 1, got {self.part_penalty}")
        if not 0.0 <= self.order_bonus <= 0.5:
            raise ConfigError(f"order-bonus must be between 0 and 0.5, got {self.order_bonus}")
        return self


@dataclass(frozen=True)
class SideVectors:
    """What the aligner knows of one document: per segment, its vectors and weight."""

    semantic: NDArray[np.float32]  # (n, d), rows L2-normalised
    lexical: csr_matrix | None  # (n, v), rows L2-normalised; None to use semantics only
    weights: NDArray[np.float32]  # (n,), e.g. word counts, for pooling groups
    titles: NDArray[np.float32] | None = None  # (n, d) article-title vectors, zero rows for none
    # (n,) the part of the document each segment is in (e.g. 0 preamble, 1 operative part);
    # a pair across parts needs stronger evidence. None: all one part.
    parts: NDArray[np.int8] | None = None

    def __len__(self) -> int:
        return int(self.semantic.shape[0])


@dataclass(frozen=True)
class Group:
    """Indices of aligned segments on each side; one side may be empty."""

    a: tuple[int, ...]
    b: tuple[int, ...]
    score: float = 0.0
    semantic: float = 0.0
    lexical: float = 0.0
    moved: bool = False


@dataclass(frozen=True)
class Alignment:
    groups: tuple[Group, ...]
    n_a: int
    n_b: int
    scores: NDArray[np.float32] = field(repr=False, default_factory=lambda: np.zeros((0, 0), np.float32))
    semantic_alone: float = 0.0  # the weight of meaning alone used, after adapting to shared wording


# Matrices are filled a block of rows at a time, so that a temporary is never larger than a
# block: two 10,000-segment documents need one or two float32 10,000 x 10,000 matrices (0.4 GB
# each), not the several that whole-matrix expressions would allocate.
BLOCK_ROWS = 512
# Candidate pairs per row for linking: a row with more pairs above the threshold than this
# (only in documents made of near-identical provisions) keeps its best ones.
MAX_CANDIDATES_PER_ROW = 64


def row_blocks(n: int, size: int = BLOCK_ROWS) -> list[slice]:
    return [slice(start, min(n, start + size)) for start in range(0, n, size)]


def similarities(a: SideVectors, b: SideVectors) -> tuple[NDArray[np.float32], NDArray[np.float32] | None]:
    """Semantic and lexical cosine of every pair, clipped to [0, 1]; lexical is None without vectors."""
    semantic = np.empty((len(a), len(b)), dtype=np.float32)
    for rows in row_blocks(len(a)):
        np.clip(a.semantic[rows] @ b.semantic.T, 0.0, 1.0, out=semantic[rows])
    if a.lexical is None or b.lexical is None:
        return semantic, None
    lexical = np.empty((len(a), len(b)), dtype=np.float32)
    b_lexical_t = b.lexical.T.tocsc()
    for rows in row_blocks(len(a)):
        np.clip((a.lexical[rows] @ b_lexical_t).toarray(), 0.0, 1.0, out=lexical[rows])
    return semantic, lexical


def combine(semantic, lexical, semantic_weight: float, meaning_alone):  # type: ignore[no-untyped-def]
    """The combined score from its parts (arrays or floats).

    Shared wording is evidence for a link, but its absence is no evidence against one:
    texts from different drafting traditions say the same thing in other words, so meaning
    alone (`meaning_alone`, already weighted) also counts.
    """
    if lexical is None:
        return semantic
    return np.maximum(semantic_weight * semantic + (1.0 - semantic_weight) * lexical, meaning_alone)


@dataclass(frozen=True)
class HubStatistics:
    """How close each segment is to its nearest neighbours on the other side, in general."""

    hub_a: NDArray[np.float32]  # per row: mean of its k best scores
    hub_b: NDArray[np.float32]  # per column: mean of its k best scores
    typical: float

    def correct(self, block: NDArray[np.float32], rows: slice) -> NDArray[np.float32]:
        """The hub-corrected values of `block`, the rows `rows` of the matrix."""
        corrected = block - 0.5 * (self.hub_a[rows, None] + self.hub_b[None, :]) + self.typical
        return np.clip(corrected, 0.0, 1.0).astype(np.float32)


def hub_statistics(similarity: NDArray[np.float32], k: int = 3) -> HubStatistics:
    """Row and column hubness of a matrix, a block at a time."""
    n_a, n_b = similarity.shape
    k_a, k_b = min(k, n_b), min(k, n_a)
    hub_a = np.empty(n_a, dtype=similarity.dtype)
    for rows in row_blocks(n_a):
        top = np.sort(np.partition(similarity[rows], n_b - k_a, axis=1)[:, n_b - k_a :], axis=1)
        hub_a[rows] = top.mean(axis=1)
    hub_b = np.empty(n_b, dtype=similarity.dtype)
    for cols in row_blocks(n_b):
        top = np.sort(np.partition(similarity[:, cols], n_a - k_b, axis=0)[n_a - k_b :, :], axis=0)
        hub_b[cols] = top.mean(axis=0)
    return HubStatistics(hub_a, hub_b, 0.5 * (float(hub_a.mean()) + float(hub_b.mean())))


def hub_corrected(similarity: NDArray[np.float32], k: int = 3) -> NDArray[np.float32]:
    """Similarity less how close each side's segments are to their neighbours in general.

    Boilerplate provisions ("Each Party shall adopt such legislative and other measures")
    are near everything; a pair only stands out if it is closer than its usual neighbours
    (cross-domain similarity local scaling, Conneau et al. 2018).
    """
    if similarity.size == 0:
        return similarity
    stats = hub_statistics(similarity, k)
    return stats.correct(similarity, slice(None))


def shared_wording(semantic: NDArray[np.float32], lexical: NDArray[np.float32]) -> float | None:
    """Median lexical similarity of the confident pairs (mutual nearest in meaning, cos >= 0.6).

    High for a draft and its revision, low for texts of different drafting traditions;
    None when fewer than three pairs are confident.
    """
    best_b, best_a = _best_counterparts(semantic, None, 0.0)
    confident = [
        float(lexical[i, j]) for i, j in enumerate(best_b) if best_a[j] == i and semantic[i, j] >= 0.6
    ]
    return float(np.median(confident)) if len(confident) >= 3 else None


def meaning_alone_factor(
    semantic: NDArray[np.float32], lexical: NDArray[np.float32], config: AlignmentConfig
) -> float:
    wording = shared_wording(semantic, lexical)
    if wording is None:
        return 1.0
    span = max(1e-6, config.wording_high - config.wording_low)
    return float(np.clip((config.wording_high - wording) / span, 0.0, 1.0))


def title_scores(a: SideVectors, b: SideVectors) -> NDArray[np.float32] | None:
    """Cosine of article titles where both sides have one, else 0."""
    if a.titles is None or b.titles is None:
        return None
    return np.clip(a.titles @ b.titles.T, 0.0, 1.0).astype(np.float32)


def align(a: SideVectors, b: SideVectors, config: AlignmentConfig | None = None) -> Alignment:
    """Align two documents given their segment vectors.

    Args:
        a: vectors of document A's segments, in document order.
        b: vectors of document B's segments, in document order.
        config: thresholds and weights.

    Returns:
        An Alignment in which every segment of A and of B is in exactly one group.
    """
    config = (config or AlignmentConfig()).validate()
    n_a, n_b = len(a), len(b)
    if n_a == 0 or n_b == 0:
        groups = [Group((i,), ()) for i in range(n_a)] + [Group((), (j,)) for j in range(n_b)]
        return Alignment(tuple(groups), n_a, n_b)
    semantic, lexical = similarities(a, b)
    if config.adapt_to_shared_wording and lexical is not None:
        factor = meaning_alone_factor(semantic, lexical, config)
        config = replace(config, semantic_alone=config.semantic_alone * factor)
    combined = _combined_scores(semantic, lexical, a, b, config)
    del semantic, lexical
    prior = None
    if config.order_bonus > 0:
        first = link_greedily(combined, a, b, config)
        anchors = [(g[0][0], g[1][0]) for g in first if combined[g[0][0], g[1][0]] >= config.anchor_threshold]
        prior = OrderPrior.through(anchors, n_a, n_b)
    members = link_greedily(combined, a, b, config, prior)
    if a.lexical is not None and b.lexical is not None and config.containment_threshold < 1.0:
        attach_contained(members, a, b, config)
    groups = finish_groups(members, a, b, config, n_a, n_b, combined)
    return Alignment(tuple(groups), n_a, n_b, combined, config.semantic_alone)


def _combined_scores(
    semantic: NDArray[np.float32],
    lexical: NDArray[np.float32] | None,
    a: SideVectors,
    b: SideVectors,
    config: AlignmentConfig,
) -> NDArray[np.float32]:
    """The combined score of every pair, computed in place a block of rows at a time.

    Meaning and wording, meaning alone (hub-corrected), matching titles as evidence, pairs
    across parts penalised. The result reuses the lexical matrix's memory when there is one.
    """
    hubs = hub_statistics(semantic)
    combined = lexical if lexical is not None else semantic
    titles = a.titles is not None and b.titles is not None and config.title_weight > 0
    crossing_parts = a.parts is not None and b.parts is not None and config.part_penalty > 0
    for rows in row_blocks(len(a)):
        alone = config.semantic_alone * hubs.correct(semantic[rows], rows)
        combined[rows] = combine(
            semantic[rows], combined[rows] if lexical is not None else None, config.semantic_weight, alone
        )
    if config.hub_correct_all:
        all_hubs = hub_statistics(combined)
        for rows in row_blocks(len(a)):
            combined[rows] = all_hubs.correct(combined[rows], rows)
    for rows in row_blocks(len(a)):
        block = combined[rows]
        if titles:
            assert a.titles is not None and b.titles is not None
            # Matching titles ("Definitions", "Extradition") say two articles do the same job
            # even when their content differs.
            title_block = np.clip(a.titles[rows] @ b.titles.T, 0.0, 1.0).astype(np.float32)
            np.maximum(block, config.title_weight * title_block, out=block)
        if crossing_parts:
            assert a.parts is not None and b.parts is not None
            crossing = a.parts[rows, None] != b.parts[None, :]
            block[...] = np.where(crossing, np.maximum(block - config.part_penalty, 0.0), block)
    return combined


def link_greedily(
    scores: NDArray[np.float32],
    a: SideVectors,
    b: SideVectors,
    config: AlignmentConfig,
    prior: OrderPrior | None = None,
) -> list[tuple[list[int], list[int]]]:
    """Competitive linking that grows groups for splits and merges.

    Pairs are taken from the best down, ranked by their score plus the order bonus of
    `prior`; only pairs whose own score reaches the link threshold count. A pair of two
    free segments starts a group. A free segment whose best counterpart is already taken
    joins that counterpart's group, if the group stays balanced in length and its pooled
    score doesn't drop: that is how a split or a merge shows.
    """
    bonus = config.order_bonus if prior is not None else 0.0
    rows, cols = _candidates(scores, min(config.link_threshold, config.attach_threshold))
    values = scores[rows, cols]
    if prior is not None:
        values = values + bonus * prior.at(rows, cols)
    order = np.argsort(-values, kind="stable")
    best_b, best_a = _best_counterparts(scores, prior, bonus)
    members: list[tuple[list[int], list[int]]] = []
    group_of_a: dict[int, int] = {}
    group_of_b: dict[int, int] = {}
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        in_a, in_b = group_of_a.get(i), group_of_b.get(j)
        if in_a is None and in_b is None:
            if scores[i, j] >= config.link_threshold:
                group_of_a[i] = group_of_b[j] = len(members)
                members.append(([i], [j]))
        elif in_a is None and in_b is not None and best_b[i] == j:
            if scores[i, j] >= config.attach_threshold and _may_grow(members[in_b], "a", i, a, b, config):
                members[in_b][0].append(i)
                group_of_a[i] = in_b
        elif in_b is None and in_a is not None and best_a[j] == i:
            if scores[i, j] >= config.attach_threshold and _may_grow(members[in_a], "b", j, a, b, config):
                members[in_a][1].append(j)
                group_of_b[j] = in_a
    return [(sorted(ga), sorted(gb)) for ga, gb in members]


def _candidates(scores: NDArray[np.float32], threshold: float) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Row and column indices of the pairs scoring at least `threshold`, in row-major order.

    A row keeps its MAX_CANDIDATES_PER_ROW best pairs at most, which bounds memory on
    documents of near-identical provisions and changes nothing elsewhere.
    """
    found_rows, found_cols = [], []
    for rows in row_blocks(scores.shape[0]):
        block = scores[rows]
        r, c = np.nonzero(block >= threshold)
        counts = np.bincount(r, minlength=block.shape[0])
        for crowded in np.flatnonzero(counts > MAX_CANDIDATES_PER_ROW):
            keep = np.argsort(-block[crowded], kind="stable")[:MAX_CANDIDATES_PER_ROW]
            mask = r != crowded
            r = np.concatenate([r[mask], np.full(len(keep), crowded)])
            c = np.concatenate([c[mask], np.sort(keep)])
            order = np.lexsort((c, r))
            r, c = r[order], c[order]
        found_rows.append(r + rows.start)
        found_cols.append(c)
    if not found_rows:
        return np.zeros(0, np.intp), np.zeros(0, np.intp)
    return np.concatenate(found_rows).astype(np.intp), np.concatenate(found_cols).astype(np.intp)


def _best_counterparts(
    scores: NDArray[np.float32], prior: OrderPrior | None, bonus: float
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """For each row its best column, and for each column its best row, by the ranking score."""
    n_a, n_b = scores.shape
    best_b = np.empty(n_a, dtype=np.intp)
    best_a = np.zeros(n_b, dtype=np.intp)
    column_best = np.full(n_b, -np.inf, dtype=np.float64)
    for rows in row_blocks(n_a):
        block = scores[rows] if prior is None else scores[rows] + bonus * prior.block(rows)
        best_b[rows] = np.argmax(block, axis=1)
        block_best = block.max(axis=0)
        better = block_best > column_best  # strictly: the first row wins ties, as np.argmax does
        best_a[better] = np.argmax(block[:, better], axis=0) + rows.start
        column_best[better] = block_best[better]
    return best_b, best_a


def weighted_containment(x: csr_matrix, y: csr_matrix) -> NDArray[np.float32]:
    """Share of each x row's TF-IDF mass (its squared weights, summing to 1) whose terms y has.

    High when a short provision reappears inside a longer one, as a merged article does.
    """
    mass = x.multiply(x)
    present = (y > 0).astype(np.float32)
    return np.asarray((mass @ present.T).todense(), dtype=np.float32)


def attach_contained(
    members: list[tuple[list[int], list[int]]], a: SideVectors, b: SideVectors, config: AlignmentConfig
) -> None:
    """Second chance for free segments whose wording sits inside one group's other side.

    A short article merged into a long one (or a paragraph split off into an article of
    its own) scores low as a whole against the whole, but its words are all there.
    """
    assert a.lexical is not None and b.lexical is not None
    group_of_a = {i: k for k, (rows, _) in enumerate(members) for i in rows}
    group_of_b = {j: k for k, (_, cols) in enumerate(members) for j in cols}
    candidates: list[tuple[float, str, int, int]] = []
    free_a = [i for i in range(len(a)) if i not in group_of_a]
    for i, j, share in _best_containers(a, b, free_a):
        if j in group_of_b:
            candidates.append((share, "a", i, group_of_b[j]))
    free_b = [j for j in range(len(b)) if j not in group_of_b]
    for j, i, share in _best_containers(b, a, free_b):
        if i in group_of_a:
            candidates.append((share, "b", j, group_of_a[i]))
    for share, side, index, k in sorted(candidates, reverse=True):
        if share >= config.containment_threshold and _may_grow(
            members[k], side, index, a, b, config, check_length=False
        ):
            members[k][0 if side == "a" else 1].append(index)
            members[k][0 if side == "a" else 1].sort()


def _best_containers(inner: SideVectors, outer: SideVectors, rows: list[int]) -> list[tuple[int, int, float]]:
    """For each of `rows` of `inner`, the row of `outer` whose wording holds most of it, and how much.

    Shared wording across parts (a recital quoted in an article) counts for nothing.
    """
    assert inner.lexical is not None and outer.lexical is not None
    found = []
    for block in row_blocks(len(rows)):
        chosen = rows[block]
        shares = weighted_containment(inner.lexical[chosen], outer.lexical)
        if inner.parts is not None and outer.parts is not None:
            same_part = inner.parts[chosen, None] == outer.parts[None, :]
            shares = np.where(same_part, shares, 0.0)
        best = np.argmax(shares, axis=1)
        found += [(i, int(j), float(shares[k, j])) for k, (i, j) in enumerate(zip(chosen, best, strict=True))]
    return found


def _may_grow(
    group: tuple[list[int], list[int]],
    side: str,
    index: int,
    a: SideVectors,
    b: SideVectors,
    config: AlignmentConfig,
    *,
    check_length: bool = True,
) -> bool:
    group_a, group_b = group
    # A group grows on one side only: a split or a merge, never an n-to-m blob.
    if (side == "a" and len(group_b) > 1) or (side == "b" and len(group_a) > 1):
        return False
    grown_a = [*group_a, index] if side == "a" else group_a
    grown_b = [*group_b, index] if side == "b" else group_b
    # The parts of a split, taken together, are about as long as the whole.
    if check_length and _length_ratio(a, b, grown_a, grown_b) > max(
        _length_ratio(a, b, group_a, group_b), config.length_ratio
    ):
        return False
    before = pooled_score(a, b, group_a, group_b, config.semantic_weight, config.semantic_alone)
    after = pooled_score(a, b, grown_a, grown_b, config.semantic_weight, config.semantic_alone)
    # The grown group must explain the other side at least as well: in meaning, or overall.
    # (Lexical cosine alone falls whenever the new part brings words of its own.)
    return max(after[0] - before[0], after[1] - before[1]) >= config.attach_gain


@dataclass(frozen=True)
class OrderPrior:
    """1 on the monotone path through confident anchors, falling to 0 a few rows away."""

    expected: NDArray[np.float64]  # per row of A, the column of B the path passes
    width: float
    n_b: int

    @classmethod
    def through(cls, anchors: list[tuple[int, int]], n_a: int, n_b: int) -> OrderPrior:
        anchors = sorted(anchors)
        chain = [anchors[k] for k in longest_increasing_chain([j for _, j in anchors])]
        xs = np.array([-1] + [i for i, _ in chain] + [n_a], dtype=np.float32)
        ys = np.array([-1] + [j for _, j in chain] + [n_b], dtype=np.float32)
        expected = np.interp(np.arange(n_a, dtype=np.float32), xs, ys)
        return cls(expected, max(2.0, 0.02 * n_b), n_b)

    def block(self, rows: slice) -> NDArray[np.float32]:
        distance = np.abs(np.arange(self.n_b, dtype=np.float32)[None, :] - self.expected[rows, None])
        return np.clip(1.0 - distance / self.width, 0.0, 1.0).astype(np.float32)

    def at(self, rows: NDArray[np.intp], cols: NDArray[np.intp]) -> NDArray[np.float32]:
        distance = np.abs(cols.astype(np.float32) - self.expected[rows])
        return np.clip(1.0 - distance / self.width, 0.0, 1.0).astype(np.float32)


def order_prior(anchors: list[tuple[int, int]], n_a: int, n_b: int) -> NDArray[np.float32]:
    """The whole prior as a matrix (for small documents and tests)."""
    return OrderPrior.through(anchors, n_a, n_b).block(slice(None))


def pooled_score(
    a: SideVectors,
    b: SideVectors,
    rows_a: list[int],
    rows_b: list[int],
    semantic_weight: float,
    semantic_alone: float = 0.0,
) -> tuple[float, float, float]:
    """Combined, semantic and lexical similarity of two groups, pooled by weight."""
    semantic = _cosine(_pool_dense(a, rows_a), _pool_dense(b, rows_b))
    if a.lexical is None or b.lexical is None:
        return semantic, semantic, 0.0
    lexical = _cosine(_pool_sparse(a, rows_a), _pool_sparse(b, rows_b))
    return float(combine(semantic, lexical, semantic_weight, semantic_alone * semantic)), semantic, lexical


def _length_ratio(a: SideVectors, b: SideVectors, rows_a: list[int], rows_b: list[int]) -> float:
    length_a = float(a.weights[rows_a].sum())
    length_b = float(b.weights[rows_b].sum())
    return max(length_a, length_b) / max(1.0, min(length_a, length_b))


def _pool_dense(side: SideVectors, rows: list[int]) -> NDArray[np.float32]:
    weights = side.weights[rows][:, None]
    return (side.semantic[rows] * weights).sum(axis=0)


def _pool_sparse(side: SideVectors, rows: list[int]) -> NDArray[np.float32]:
    assert side.lexical is not None
    weights = side.weights[rows]
    return np.asarray(side.lexical[rows].T @ weights).ravel()


def _cosine(x: NDArray[np.float32], y: NDArray[np.float32]) -> float:
    norm = float(np.linalg.norm(x) * np.linalg.norm(y))
    return max(0.0, min(1.0, float(x @ y) / norm)) if norm > 0 else 0.0


def finish_groups(
    members: list[tuple[list[int], list[int]]],
    a: SideVectors,
    b: SideVectors,
    config: AlignmentConfig,
    n_a: int,
    n_b: int,
    pair_matrix: NDArray[np.float32] | None = None,
    link_scores: Sequence[float] | None = None,
) -> list[Group]:
    """Score the groups, flag moves, add one-sided groups; sorted by first A then B index.

    A group's score is its pooled score, or the score its link was made with where that is
    higher: the best pair inside it (`pair_matrix`; a link made on matching titles keeps the
    score it was made with) or the score given in `link_scores`, one per member.
    """
    floors = list(link_scores) if link_scores is not None else [0.0] * len(members)
    order = sorted(range(len(members)), key=lambda k: (min(members[k][0]), min(members[k][1])))
    linked = [members[k] for k in order]
    chain = set(longest_increasing_chain([min(rows_b) for _, rows_b in linked]))
    groups: list[Group] = []
    for k, (rows_a, rows_b) in enumerate(linked):
        score, semantic, lexical = pooled_score(
            a, b, rows_a, rows_b, config.semantic_weight, config.semantic_alone
        )
        score = max(score, floors[order[k]])
        if pair_matrix is not None:
            score = max(score, float(pair_matrix[np.ix_(rows_a, rows_b)].max()))
        groups.append(Group(tuple(rows_a), tuple(rows_b), score, semantic, lexical, k not in chain))
    seen_a = {i for g in groups for i in g.a}
    seen_b = {j for g in groups for j in g.b}
    groups += [Group((i,), ()) for i in range(n_a) if i not in seen_a]
    groups += [Group((), (j,)) for j in range(n_b) if j not in seen_b]
    return groups


def longest_increasing_chain(values: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence of `values` (patience sorting)."""
    import bisect

    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(values)
    for k, value in enumerate(values):
        pos = bisect.bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_index.append(k)
        else:
            tails[pos] = value
            tail_index[pos] = k
        previous[k] = tail_index[pos - 1] if pos > 0 else -1
    chain: list[int] = []
    k = tail_index[-1] if tail_index else -1
    while k != -1:
        chain.append(k)
        k = previous[k]
    return chain[::-1]
