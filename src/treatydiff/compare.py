"""The comparison pipeline: two documents in, a Comparison out.

documents -> segments -> embeddings -> alignment -> diffs. Rendering is the report's job.

Alignment is hierarchical. Articles (or, in prose, paragraphs) are aligned first; at
paragraph and sentence level the finer segments are then aligned inside each pair of
aligned articles, and whatever is left gets one more chance across the whole document,
which is how a paragraph that moved to another article is found.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np

from .alignment import Alignment, AlignmentConfig, Group, SideVectors, align, finish_groups
from .diffing import diff_segments, join_segment_texts, texts_equivalent
from .embeddings import Embedder, EmbeddingCache, ProgressCallback, language_warnings
from .errors import EmptyDocumentError
from .languages import different_languages, document_language
from .lexical import tfidf_vectors
from .limits import check_segment_count
from .records import Comparison, Document, Level, Pair, Segment, Status
from .segments import segment_document

if TYPE_CHECKING:
    from numpy.typing import NDArray
    from scipy.sparse import csr_matrix


@dataclass(frozen=True)
class CompareOptions:
    level: Level = Level.ARTICLE
    alignment: AlignmentConfig = field(default_factory=AlignmentConfig)
    # Inside a pair of aligned articles the context is settled, so weaker links count.
    local_link_threshold: float = 0.4
    # Outside that context only strong evidence links a paragraph to another article.
    crossing_link_threshold: float = 0.65
    max_segments: int | None = None  # per document; None: TREATYDIFF_MAX_SEGMENTS or the default


def embedding_text(segment: Segment) -> str:
    """What the model reads for a segment: its article title gives the context."""
    if segment.article_title:
        return f"{segment.article_title}: {segment.text}"
    return segment.text


def word_count(text: str) -> int:
    return max(1, len(text.split()))


def compare_documents(
    doc_a: Document,
    doc_b: Document,
    embedder: Embedder,
    options: CompareOptions | None = None,
    *,
    cache: EmbeddingCache | None = None,
    progress: ProgressCallback | None = None,
) -> Comparison:
    """Segment, embed, align and diff two documents."""
    options = options or CompareOptions()
    level = Level(options.level)
    config = options.alignment.validate()
    seg_a, seg_b = segment_document(doc_a, level), segment_document(doc_b, level)
    for seg in (seg_a, seg_b):
        if not seg.segments:
            raise EmptyDocumentError(f"{seg.document.path}: no segments found")
        check_segment_count(seg.document.path, len(seg.segments), level.value, options.max_segments)
    units_a = seg_a if level == Level.ARTICLE else segment_document(doc_a, Level.ARTICLE)
    units_b = seg_b if level == Level.ARTICLE else segment_document(doc_b, Level.ARTICLE)

    leaves_a, leaves_b = list(seg_a.segments), list(seg_b.segments)
    titles = sorted({s.article_title for s in [*units_a.segments, *units_b.segments] if s.article_title})
    texts = [embedding_text(s) for s in leaves_a + leaves_b] + titles
    vectors = embedder.embed(texts, cache=cache, progress=progress)
    leaf_vec_a = vectors[: len(leaves_a)]
    leaf_vec_b = vectors[len(leaves_a) : len(leaves_a) + len(leaves_b)]
    title_vec = dict(zip(titles, vectors[len(leaves_a) + len(leaves_b) :], strict=True))

    unit_of_a = assign_to_units(leaves_a, list(units_a.segments))
    unit_of_b = assign_to_units(leaves_b, list(units_b.segments))
    side_a = unit_vectors(list(units_a.segments), leaves_a, leaf_vec_a, unit_of_a, title_vec)
    side_b = unit_vectors(list(units_b.segments), leaves_b, leaf_vec_b, unit_of_b, title_vec)
    languages = (document_language(doc_a), document_language(doc_b))
    # Across languages no wording is shared, and numbers and names shared by chance are no
    # evidence: meaning alone aligns.
    use_wording = not different_languages(*languages)
    if use_wording:
        lex_a, lex_b = tfidf_vectors([s.text for s in units_a.segments], [s.text for s in units_b.segments])
        side_a = replace(side_a, lexical=lex_a)
        side_b = replace(side_b, lexical=lex_b)
    unit_alignment = align(side_a, side_b, config)

    if level == Level.ARTICLE:
        groups = list(unit_alignment.groups)
    else:
        groups = align_within_units(
            unit_alignment,
            leaves_a,
            leaves_b,
            leaf_vec_a,
            leaf_vec_b,
            unit_of_a,
            unit_of_b,
            config,
            options,
            use_wording=use_wording,
        )
    # Across languages every word differs: a word diff would only mark the whole text.
    pairs = build_pairs(groups, leaves_a, leaves_b, word_diffs=not different_languages(*languages))
    thresholds = {
        "semantic_weight": config.semantic_weight,
        "semantic_alone": config.semantic_alone,
        "link_threshold": config.link_threshold,
        "attach_threshold": config.attach_threshold,
        "title_weight": config.title_weight,
        "length_ratio": config.length_ratio,
        "local_link_threshold": options.local_link_threshold,
        "crossing_link_threshold": options.crossing_link_threshold,
    }
    warnings = language_warnings([doc_a, doc_b], embedder)
    return Comparison(
        seg_a, seg_b, level, tuple(pairs), embedder.name, thresholds, warnings, languages=languages
    )


def assign_to_units(leaves: Sequence[Segment], units: Sequence[Segment]) -> list[int]:
    """Index of the unit (article-level segment) whose span holds each leaf."""
    starts = [u.start for u in units]
    owners = []
    for leaf in leaves:
        k = bisect.bisect_right(starts, leaf.start) - 1
        owners.append(max(0, k))
    return owners


def unit_vectors(
    units: Sequence[Segment],
    leaves: Sequence[Segment],
    leaf_vectors: NDArray[np.float32],
    unit_of: Sequence[int],
    title_vectors: dict[str, NDArray[np.float32]],
) -> SideVectors:
    """Pool leaf vectors into unit vectors, weighted by words; attach title vectors."""
    dim = leaf_vectors.shape[1]
    pooled = np.zeros((len(units), dim), dtype=np.float32)
    for leaf, vector, owner in zip(leaves, leaf_vectors, unit_of, strict=True):
        pooled[owner] += vector * word_count(leaf.text)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    pooled = np.divide(pooled, norms, out=np.zeros_like(pooled), where=norms > 0)
    titles = np.zeros((len(units), dim), dtype=np.float32)
    for k, unit in enumerate(units):
        if unit.article_title and unit.article_title in title_vectors:
            titles[k] = title_vectors[unit.article_title]
    weights = np.array([word_count(u.text) for u in units], dtype=np.float32)
    return SideVectors(pooled, None, weights, titles, document_parts(units))


def document_parts(segments: Sequence[Segment]) -> NDArray[np.int8]:
    """0 preamble, 1 operative text, 2 closing formula, 3 front matter (the title block)."""

    def part(segment: Segment) -> int:
        if segment.article == "preamble":
            return 0
        if segment.kind == "formula" or segment.id.startswith("final"):
            return 2
        if segment.id.startswith("front."):
            return 3
        return 1

    return np.array([part(s) for s in segments], dtype=np.int8)


def align_within_units(
    unit_alignment: Alignment,
    leaves_a: Sequence[Segment],
    leaves_b: Sequence[Segment],
    vec_a: NDArray[np.float32],
    vec_b: NDArray[np.float32],
    unit_of_a: Sequence[int],
    unit_of_b: Sequence[int],
    config: AlignmentConfig,
    options: CompareOptions,
    *,
    use_wording: bool = True,
) -> list[Group]:
    """Align leaves inside each aligned unit group, then leftovers across the document.

    Without `use_wording` (documents in different languages) meaning alone aligns.
    """
    lex_a, lex_b = (
        tfidf_vectors([s.text for s in leaves_a], [s.text for s in leaves_b]) if use_wording else (None, None)
    )
    side_a, side_b = _leaf_side(leaves_a, vec_a, lex_a), _leaf_side(leaves_b, vec_b, lex_b)
    leaves_of_a = _members_by_unit(unit_of_a)
    leaves_of_b = _members_by_unit(unit_of_b)
    # Inside an article the confident pairs always share wording: the weight of meaning alone
    # is the one measured on the whole documents, not re-measured there.
    config = replace(config, semantic_alone=unit_alignment.semantic_alone, adapt_to_shared_wording=False)
    local = replace(
        config,
        link_threshold=options.local_link_threshold,
        attach_threshold=min(config.attach_threshold, options.local_link_threshold),
        title_weight=0.0,
    )
    linked: list[tuple[tuple[int, ...], tuple[int, ...], float]] = []
    for group in unit_alignment.groups:
        if not group.a or not group.b:
            continue
        rows = [i for u in group.a for i in leaves_of_a.get(u, [])]
        cols = [j for u in group.b for j in leaves_of_b.get(u, [])]
        sub = align(_subset(side_a, rows), _subset(side_b, cols), local)
        inside = [
            (tuple(rows[i] for i in g.a), tuple(cols[j] for j in g.b), g.score)
            for g in sub.groups
            if g.a and g.b
        ]
        # Articles that correspond although no paragraph of one matches a paragraph of the
        # other (two definitions articles) stay together as one pair, as at article level.
        linked += inside or [(tuple(rows), tuple(cols), group.score)]
    # Leftovers get one more chance across the whole document, at the global threshold.
    used_a = {i for ga, _, _ in linked for i in ga}
    used_b = {j for _, gb, _ in linked for j in gb}
    rest_a = [i for i in range(len(leaves_a)) if i not in used_a]
    rest_b = [j for j in range(len(leaves_b)) if j not in used_b]
    if rest_a and rest_b:
        crossing = replace(
            config,
            link_threshold=options.crossing_link_threshold,
            attach_threshold=max(config.attach_threshold, options.crossing_link_threshold),
            title_weight=0.0,
            hub_correct_all=True,
        )
        sub = align(_subset(side_a, rest_a), _subset(side_b, rest_b), crossing)
        linked += [
            (tuple(rest_a[i] for i in g.a), tuple(rest_b[j] for j in g.b), g.score)
            for g in sub.groups
            if g.a and g.b
        ]
    members = [(sorted(ga), sorted(gb)) for ga, gb, _ in linked]
    return finish_groups(
        members, side_a, side_b, config, len(leaves_a), len(leaves_b), link_scores=[s for *_, s in linked]
    )


def _leaf_side(
    leaves: Sequence[Segment], vectors: NDArray[np.float32], lexical: csr_matrix | None
) -> SideVectors:
    weights = np.array([word_count(s.text) for s in leaves], np.float32)
    return SideVectors(vectors, lexical, weights, None, document_parts(leaves))


def _members_by_unit(unit_of: Sequence[int]) -> dict[int, list[int]]:
    members: dict[int, list[int]] = {}
    for leaf, unit in enumerate(unit_of):
        members.setdefault(unit, []).append(leaf)
    return members


def _subset(side: SideVectors, rows: list[int]) -> SideVectors:
    lexical = side.lexical[rows] if side.lexical is not None else None
    parts = side.parts[rows] if side.parts is not None else None
    return SideVectors(side.semantic[rows], lexical, side.weights[rows], None, parts)


def build_pairs(
    groups: Sequence[Group],
    leaves_a: Sequence[Segment],
    leaves_b: Sequence[Segment],
    *,
    word_diffs: bool = True,
) -> list[Pair]:
    """Turn index groups into Pairs with status and diff, in reading order.

    Without `word_diffs` (documents in different languages) no pair gets a diff.
    """
    pairs = []
    for group in display_order(groups):
        seg_a = tuple(leaves_a[i] for i in group.a)
        seg_b = tuple(leaves_b[j] for j in group.b)
        pairs.append(make_pair(seg_a, seg_b, group, word_diff=word_diffs))
    return pairs


def make_pair(
    seg_a: tuple[Segment, ...], seg_b: tuple[Segment, ...], group: Group, *, word_diff: bool = True
) -> Pair:
    pair_id = "pair-" + "--".join([seg_a[0].id if seg_a else "none", seg_b[0].id if seg_b else "none"])
    if not seg_b:
        return Pair(seg_a, (), Status.ONLY_A, False, 0.0, 0.0, 0.0, None, pair_id)
    if not seg_a:
        return Pair((), seg_b, Status.ONLY_B, False, 0.0, 0.0, 0.0, None, pair_id)
    # A split or a merge is a change even when every word survives it. Across languages the
    # same test holds: text left untranslated is the same text.
    same = (
        len(seg_a) == len(seg_b)
        and [s.article_title for s in seg_a] == [s.article_title for s in seg_b]
        and texts_equivalent(join_segment_texts(seg_a), join_segment_texts(seg_b))
    )
    status = Status.UNCHANGED if same else Status.MODIFIED
    diff = diff_segments(seg_a, seg_b) if word_diff else None
    return Pair(
        seg_a,
        seg_b,
        status,
        group.moved,
        round(group.score, 4),
        round(group.semantic, 4),
        round(group.lexical, 4),
        diff,
        pair_id,
    )


def display_order(groups: Sequence[Group]) -> list[Group]:
    """A's order, with each B-only group placed after the group holding B's previous segment."""
    main = sorted((g for g in groups if g.a), key=lambda g: (min(g.a), min(g.b) if g.b else -1))
    only_b = sorted((g for g in groups if not g.a), key=lambda g: min(g.b))
    position_of_b: dict[int, int] = {}
    for k, g in enumerate(main):
        for j in g.b:
            position_of_b[j] = k
    linked_b = sorted(position_of_b)
    slots: dict[int, list[Group]] = {}
    for g in only_b:
        k = bisect.bisect_left(linked_b, min(g.b)) - 1
        anchor = position_of_b[linked_b[k]] if k >= 0 else -1
        slots.setdefault(anchor, []).append(g)
    ordered = list(slots.get(-1, []))
    for k, g in enumerate(main):
        ordered.append(g)
        ordered.extend(slots.get(k, []))
    return ordered
