"""Document-to-document similarity over the corpus index: `similar` and `matrix`.

Works on the vectors the index already stores (no re-embedding). For a source document D and
another document E, each paragraph segment of D gets its best-match score in E (the highest
cosine against E's segments); D's *share* in E is the part of D's words, over its segments, whose
best match in E scores at least the model's counterpart threshold. Shares are directional: a
short protocol can be wholly inside a long convention and not the other way round. The matrix
shows the symmetric mean of the two directions.

Shares answer "which documents hold D's text"; in a corpus of drafts, a sibling draft made from
the same sources holds as much of it as a source does. `similar` therefore also credits each
of D's paragraphs to the document where its closest counterpart appears *first*: among the
documents whose best match is within `TIE` of the best anywhere, the earliest by front-matter
date (undated documents share a credit that no dated one claims). That is D's *source share*
in E, and `similar` ranks by it: the earliest witness of a text is where it comes from.

Below the index's exact limit every score is exact (a matrix product per document); above it,
each segment of D asks the index's vector search for its `CANDIDATES` nearest distinct vectors
elsewhere in the corpus, each standing for every segment that has it, and only those are
aggregated per document.
"""

from __future__ import annotations

import json
import os
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import numpy as np
from markupsafe import Markup

from treatydiff.corpus import CorpusError
from treatydiff.corpus_index import ApproximateSearch
from treatydiff.errors import InputError
from treatydiff.fsutil import atomic_write_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from treatydiff.corpus_index import CorpusIndex, IndexedSegment, Shard, VectorSearch
    from treatydiff.embeddings import Embedder

__all__ = [
    "DEFAULT_COUNTERPART_THRESHOLD",
    "DocumentSimilarity",
    "DocumentVectors",
    "SharedProvision",
    "SimilarResults",
    "SimilarityMatrix",
    "best_matches",
    "cluster_order",
    "counterpart_threshold",
    "date_ranks",
    "document_vectors",
    "rank_neighbours",
    "ranking_key",
    "render_matrix",
    "similar_documents",
    "similar_results_to_json",
    "similarity_matrix",
    "source_shares",
    "symmetric_similarity",
    "word_share",
    "wording_overlap",
    "write_matrix",
]

SIMILAR_SCHEMA = "treatydiff.similar/1"
# all-MiniLM-L6-v2, on the reference corpus (docs/scale.md): a copy scores 1.0 everywhere, a
# revised convention (ETS 141 → CETS 198) has 98% of its words at ≥ 0.8, sibling UN conventions
# (UNCAC → UNTOC) 59%, Council of Europe treaties on other subjects 8–24% (shared final clauses),
# an unrelated declaration 0%. 0.7 would add loosely related provisions; 0.85 changes little.
DEFAULT_COUNTERPART_THRESHOLD = 0.8
_DEFAULT_LINK_THRESHOLD = 0.5  # the package's link_threshold, fitted on all-MiniLM-L6-v2
TOP_SHARED = 3
CANDIDATES = 50  # nearest distinct vectors per source segment on the approximate path
# Best matches this close count as the same match: the earliest document holding one gets the
# credit. Cosines of one text against two copies are equal; 0.01 absorbs rounding and a stray
# word, far less than a redraft changes (a substituted term moves a cosine by 0.03 to 0.1).
TIE = 0.01
# A counterpart counts as copied when the two share at least half their word 3-shingles
# (Jaccard, estimated from the stored MinHash signatures): one substituted term in a 40-word
# paragraph leaves about 0.75, a paraphrase with the same meaning under 0.3.
COPIED_WORDING = 0.5
RANKINGS = ("source", "share")
# The dendrogram is cut where documents share less than this on average (1 - similarity, average
# linkage). On the reference corpus 0.1 separates UN from Council of Europe texts and English
# from Dutch; 0.25 splits Council of Europe treaties that share only their final clauses.
CLUSTER_SIMILARITY = 0.1
HEAT_STEPS = 10  # colour classes h0 … h10 in matrix.css
TEMPLATE_NAME = "matrix.html.j2"
_CSS_NAME = "matrix.css"


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentVectors:
    """One indexed document: its segments, their stored vectors and word counts."""

    doc_id: str
    title: str
    kind: str
    date: str  # "YYYY-MM-DD" (or a prefix), "" when undated
    segments: tuple[IndexedSegment, ...]
    vectors: NDArray[np.float32]  # one L2-normalised row per segment
    words: NDArray[np.int64]  # words per segment
    minhashes: NDArray[np.uint32]  # one MinHash signature of word 3-shingles per segment


@dataclass(frozen=True)
class SharedProvision:
    """A segment of the source and its best match in the other document."""

    segment_id: str
    label: str
    other_segment_id: str
    other_label: str
    score: float
    wording: float = 0.0  # the share of word 3-shingles the two have in common (MinHash estimate)


@dataclass(frozen=True)
class DocumentSimilarity:
    """How much of the source document has a close counterpart in `doc_id`."""

    doc_id: str
    title: str
    kind: str
    share: float  # of the source's words, in segments whose best match here is ≥ the threshold
    mean_score: float  # the mean, over the source's segments, of their best-match score here
    shared: tuple[SharedProvision, ...]  # the best-scoring pairs, best first
    source_share: float = 0.0  # of the source's words whose closest counterpart appears first here
    date: str = ""
    copied: float = 0.0  # of the source's words in counterparts here that share most of their wording


@dataclass(frozen=True)
class SimilarResults:
    doc_id: str
    title: str
    model: str
    threshold: float
    method: str  # "exact" or "approximate"
    k: int
    neighbours: tuple[DocumentSimilarity, ...]
    ranking: str = "source"  # "source" (source share first) or "share"
    date: str = ""


@dataclass(frozen=True)
class SimilarityMatrix:
    """Every pair of the chosen documents, in clustered order."""

    ids: tuple[str, ...]
    titles: tuple[str, ...]
    shares: NDArray[np.float64]  # shares[i, j]: the share of document i's words with a counterpart in j
    similarity: NDArray[np.float64]  # symmetric: the mean of the two directions; 1 on the diagonal
    clusters: tuple[int, ...]  # cluster number per document, numbered in display order from 1
    threshold: float
    model: str
    method: str


# --- pure core ------------------------------------------------------------------------------


def counterpart_threshold(embedder: Embedder) -> float:
    """The least best-match cosine that counts as a close counterpart, for this model.

    0.8 for all-MiniLM-L6-v2 (calibrated on the reference corpus). A model with its own
    calibrated `link_threshold` gets the point as far from its link threshold towards 1 as 0.8
    is from 0.5: e5 (0.675) → 0.87. Models whose cosines crowd near 1 need a higher bar.
    """
    link = float(embedder.thresholds.get("link_threshold", _DEFAULT_LINK_THRESHOLD))
    ratio = (1.0 - DEFAULT_COUNTERPART_THRESHOLD) / (1.0 - _DEFAULT_LINK_THRESHOLD)
    return round(1.0 - (1.0 - link) * ratio, 3)


def best_matches(
    source: NDArray[np.float32], target: NDArray[np.float32]
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """Per source row, the best cosine among the target rows and that row's index.

    Rows are L2-normalised. An empty target gives -1 scores and -1 indices.
    """
    if len(source) == 0 or len(target) == 0:
        return np.full(len(source), -1.0), np.full(len(source), -1, dtype=np.int64)
    scores = source @ target.T
    index = np.argmax(scores, axis=1)
    return scores[np.arange(len(source)), index].astype(np.float64), index.astype(np.int64)


def word_share(best: NDArray[np.float64], words: NDArray[np.int64], threshold: float) -> float:
    """The share of the words (per segment) in segments whose best match reaches the threshold."""
    total = int(np.sum(words))
    if total == 0:
        return 0.0
    return float(np.sum(words[best >= threshold]) / total)


def wording_overlap(
    source: NDArray[np.uint32], target: NDArray[np.uint32], index: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Per source row, the estimated Jaccard similarity of its word 3-shingles with those of
    target row `index[row]` (the share of equal MinHash values); 0 where the index is -1."""
    overlap = np.zeros(len(source))
    matched = np.flatnonzero(index >= 0)
    if len(matched) and source.size and target.size:
        overlap[matched] = np.mean(source[matched] == target[index[matched]], axis=1)
    return overlap


def top_shared(
    best: NDArray[np.float64],
    index: NDArray[np.int64],
    source: Sequence[IndexedSegment],
    target: Sequence[IndexedSegment],
    n: int = TOP_SHARED,
    wording: NDArray[np.float64] | None = None,
) -> tuple[SharedProvision, ...]:
    """The `n` source segments with the best matches, best first (ties at the 4 decimals shown:
    document order, so exact and approximate scores, equal but for the last bits, agree)."""
    order = np.argsort(-np.round(best, 4), kind="stable")
    shared: list[SharedProvision] = []
    for row in order:
        if len(shared) == n or index[row] < 0:
            break
        other = target[int(index[row])]
        segment = source[int(row)]
        overlap = 0.0 if wording is None else round(float(wording[row]), 2)
        shared.append(
            SharedProvision(
                segment.segment_id,
                segment.label,
                other.segment_id,
                other.label,
                round(float(best[row]), 4),
                overlap,
            )  # fmt: skip
        )
    return tuple(shared)


def rank_neighbours(
    neighbours: Sequence[DocumentSimilarity], k: int, ranking: str = "share"
) -> tuple[DocumentSimilarity, ...]:
    """The `k` best by share, then mean best-match score, then id; with ranking "source", by
    source share first."""
    return tuple(
        sorted(
            neighbours, key=lambda n: ranking_key(n.source_share, n.share, n.mean_score, n.doc_id, ranking)
        )[:k]
    )


def ranking_key(
    source_share: float, share: float, mean_score: float, doc_id: str, ranking: str
) -> tuple[float, float, float, str]:
    """The sort key of `similar`'s order (ascending sorts best first)."""
    return (-source_share if ranking == "source" else 0.0, -share, -mean_score, doc_id)


def date_ranks(dates: Sequence[str]) -> NDArray[np.int64]:
    """Dense ranks of dates, earliest 0; every undated document shares the last rank."""
    known = sorted({d for d in dates if d})
    rank = {d: n for n, d in enumerate(known)}
    return np.asarray([rank.get(d, len(known)) for d in dates], dtype=np.int64)


def source_shares(
    best: NDArray[np.float64],
    reached: NDArray[np.bool_],
    words: NDArray[np.int64],
    ranks: NDArray[np.int64],
    threshold: float,
    tie: float = TIE,
) -> NDArray[np.float64]:
    """Per document, the share of the source's words credited to it as their first witness.

    `best[s, d]` is segment s's best-match score in document d, `reached[s, d]` whether it is
    known (the source's own column must be False). A segment is credited to the documents whose
    best match reaches the threshold and is within `tie` of the best anywhere: the
    earliest-ranked of them, split equally when several share the earliest rank.
    """
    total = int(np.sum(words))
    result = np.zeros(best.shape[1] if best.ndim == 2 else 0)
    if total == 0 or best.size == 0:
        return result
    known = np.where(reached, best, -np.inf)
    top = known.max(axis=1)
    tied = reached & (known >= (top - tie)[:, None]) & (known >= threshold)
    first = np.where(tied, ranks[None, :], np.iinfo(np.int64).max).min(axis=1)
    credited = tied & (ranks[None, :] == first[:, None])
    per_segment = words / total / np.maximum(1, credited.sum(axis=1))
    return np.asarray(credited.T @ per_segment, dtype=np.float64)


def symmetric_similarity(shares: NDArray[np.float64]) -> NDArray[np.float64]:
    """The mean of the two directional shares, 1 on the diagonal."""
    similarity = (shares + shares.T) / 2.0
    np.fill_diagonal(similarity, 1.0)
    return similarity


def cluster_order(
    similarity: NDArray[np.float64], cut: float = CLUSTER_SIMILARITY
) -> tuple[list[int], list[int]]:
    """Rows in dendrogram order (average linkage on 1 - similarity) and a cluster per row.

    Returns the permutation and, for each position of it, a cluster number counted from 1 in
    display order; documents that share less than `cut` on average end up in different clusters.
    """
    count = len(similarity)
    if count < 2:
        return list(range(count)), [1] * count
    from scipy.cluster.hierarchy import fcluster, leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - (similarity + similarity.T) / 2.0, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    condensed = squareform(distance, checks=False)
    tree = optimal_leaf_ordering(linkage(condensed, method="average"), condensed)
    order = [int(i) for i in leaves_list(tree)]
    labels = fcluster(tree, t=1.0 - cut, criterion="distance")
    renumber: dict[int, int] = {}
    clusters = [renumber.setdefault(int(labels[i]), len(renumber) + 1) for i in order]
    return order, clusters


# --- over the index -------------------------------------------------------------------------


def document_vectors(index: CorpusIndex) -> list[DocumentVectors]:
    """Every indexed document with its stored vectors and word counts (made once per state of
    the index: a process asking `similar` many times reads the shards once)."""
    loaded = index.loaded()
    if loaded not in _DOCUMENTS:
        _DOCUMENTS[loaded] = [_document_vectors(index, shard) for shard in loaded.shards]
    return _DOCUMENTS[loaded]


_DOCUMENTS: weakref.WeakKeyDictionary[Any, list[DocumentVectors]] = weakref.WeakKeyDictionary()


def _document_vectors(index: CorpusIndex, shard: Shard) -> DocumentVectors:
    words = [s.words for s in shard.segments]
    if any(w < 0 for w in words):  # a shard from before word counts were stored
        try:
            body = index.corpus.get(shard.doc_id).body
        except CorpusError:
            body = ""
        words = [_words_in(body, s) for s in shard.segments]
    vectors = shard.vectors if len(shard.segments) else np.zeros((0, 0), dtype=np.float32)
    return DocumentVectors(
        shard.doc_id, shard.title, shard.kind, shard.date, shard.segments, vectors,
        np.asarray(words, dtype=np.int64), shard.minhashes,
    )  # fmt: skip


def _words_in(body: str, segment: IndexedSegment) -> int:
    if 0 <= segment.start < segment.end <= len(body):
        return len(body[segment.start : segment.end].split())
    return len(segment.excerpt.split())


@dataclass(frozen=True)
class SegmentScores:
    """One document's segments against every document of the scorer."""

    best: NDArray[np.float64]  # [segment, document]: the best-match cosine there
    where: NDArray[np.int64]  # [segment, document]: that match's segment number there, -1 if unknown
    reached: NDArray[np.bool_]  # [segment, document]: whether the score is known, not a bound


class _Scorer:
    """Best matches of one document's segments in every other: exact, or through the distinct
    vectors' approximate search."""

    def __init__(
        self, documents: Sequence[DocumentVectors], matrix: NDArray[np.float32], searcher: VectorSearch | None
    ) -> None:
        self.documents = documents
        self.matrix = matrix
        self.searcher = searcher
        self.method = "exact" if searcher is None else searcher.method
        sizes = [len(d.segments) for d in documents]
        self.owner = np.repeat(np.arange(len(documents), dtype=np.int64), sizes)
        self.start = np.concatenate([[0], np.cumsum(sizes)])[:-1].astype(np.int64)
        self.ranks = date_ranks([d.date for d in documents])

    def scores(self, source: int) -> SegmentScores:
        doc = self.documents[source]
        shape = (len(doc.segments), len(self.documents))
        if isinstance(self.searcher, ApproximateSearch):
            return self._approximate(source, shape, self.searcher)
        return self._exact(source, shape)

    def _exact(self, source: int, shape: tuple[int, int]) -> SegmentScores:
        best, where = np.full(shape, -1.0), np.full(shape, -1, dtype=np.int64)
        reached = np.zeros(shape, dtype=bool)
        doc = self.documents[source]
        if shape[0] == 0 or len(self.matrix) == 0:
            return SegmentScores(best, where, reached)
        scores = doc.vectors @ self.matrix.T
        for other, document in enumerate(self.documents):
            if other == source or not len(document.segments):
                continue
            block = scores[:, self.start[other] : self.start[other] + len(document.segments)]
            where[:, other] = np.argmax(block, axis=1)
            best[:, other] = block[np.arange(shape[0]), where[:, other]]
            reached[:, other] = True
        return SegmentScores(best, where, reached)

    def _approximate(self, source: int, shape: tuple[int, int], searcher: ApproximateSearch) -> SegmentScores:
        doc = self.documents[source]
        best = np.full(shape, -np.inf)
        where = np.full(shape, -1, dtype=np.int64)
        if shape[0] == 0:
            return SegmentScores(best, where, np.zeros(shape, dtype=bool))
        keys, found = searcher.nearest_distinct(doc.vectors, CANDIDATES)
        distinct = searcher.distinct
        valid = keys >= 0
        segment = np.broadcast_to(np.arange(shape[0])[:, None], keys.shape)[valid]
        key, score = keys[valid], found[valid]
        # Each distinct vector stands for all its rows: expand (segment, key) to (segment, row).
        counts = distinct.offsets[key + 1] - distinct.offsets[key]
        firsts = np.repeat(distinct.offsets[key], counts)
        within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = distinct.rows[firsts + within]
        segment, score, owner = np.repeat(segment, counts), np.repeat(score, counts), self.owner[rows]
        np.maximum.at(best, (segment, owner), score)
        hit = score >= best[segment, owner]
        # Among equally good rows the first, as exact search's argmax picks it.
        first = np.full(shape, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(first, (segment[hit], owner[hit]), rows[hit])
        matched = first != np.iinfo(np.int64).max
        where[matched] = first[matched] - self.start[np.nonzero(matched)[1]]
        reached = np.isfinite(best)
        reached[:, source] = False
        # A document absent from a segment's candidates scores at most the lowest candidate.
        floor = np.where(valid, found, np.inf).min(axis=1)
        floor = np.where(np.isfinite(floor), floor, -1.0)
        best = np.where(reached, best, floor[:, None])
        return SegmentScores(best, where, reached)


def _scorer(index: CorpusIndex, documents: Sequence[DocumentVectors]) -> _Scorer:
    from treatydiff.corpus_index import choose_search

    loaded = index.loaded()
    rows = sum(len(d.segments) for d in documents)
    if [d.doc_id for d in documents] == [s.doc_id for s in loaded.shards]:
        matrix = loaded.matrix  # the whole index: its vector search is already loaded
        searcher = loaded.searcher if rows >= index.exact_limit else None
        return _Scorer(documents, matrix, searcher)
    parts = [d.vectors for d in documents if len(d.segments)]
    matrix = np.concatenate(parts).astype(np.float32) if parts else np.zeros((0, 0), dtype=np.float32)
    if rows < index.exact_limit:
        return _Scorer(documents, matrix, None)
    return _Scorer(documents, matrix, choose_search(matrix, exact_limit=index.exact_limit))


def _similarity(
    source: DocumentVectors, other: DocumentVectors, scores: SegmentScores, column: int,
    threshold: float, share: float, mean: float, source_share: float,
) -> DocumentSimilarity:  # fmt: skip
    best, where = scores.best[:, column], scores.where[:, column]
    counted = np.where(scores.reached[:, column], best, -np.inf)
    wording = wording_overlap(source.minhashes, other.minhashes, where)
    copied = np.where(wording >= COPIED_WORDING, counted, -np.inf)
    return DocumentSimilarity(
        other.doc_id,
        other.title,
        other.kind,
        share,
        mean,
        top_shared(np.where(where >= 0, best, -np.inf), where, source.segments, other.segments,
                   wording=wording),
        source_share,
        other.date,
        round(word_share(copied, source.words, threshold), 4),
    )  # fmt: skip


def _shares_everywhere(
    scores: SegmentScores, words: NDArray[np.int64], threshold: float
) -> NDArray[np.float64]:
    """`word_share` for every document at once: per column, the words of segments whose known
    best match there reaches the threshold."""
    total = int(np.sum(words))
    if total == 0 or scores.best.size == 0:
        return np.zeros(scores.best.shape[1])
    counted = scores.reached & (scores.best >= threshold)
    return np.asarray(words @ counted, dtype=np.float64) / total


def _rounded(values: NDArray[np.float64]) -> list[float]:
    return [round(float(v), 4) for v in values]


def similar_documents(
    index: CorpusIndex,
    doc_id: str,
    *,
    k: int = 10,
    threshold: float | None = None,
    ranking: str = "source",
    dates: bool = True,
) -> SimilarResults:
    """The `k` documents where `doc_id`'s text comes from, or has a close counterpart.

    Args:
        index: an up-to-date corpus index (its stored vectors are used; nothing is embedded).
        doc_id: a corpus document's id.
        k: how many documents to return.
        threshold: the least best-match cosine of a counterpart [default: the model's].
        ranking: "source" ranks by source share (the words whose closest counterpart appears
            first in that document), then share; "share" by share alone.
        dates: credit each paragraph to the earliest of its equally close counterparts; False
            splits it among them all, as for an undated corpus.

    Returns:
        The neighbours with both shares, the mean best-match score and the best shared pairs.
    """
    if k < 1:
        raise InputError(f"k must be at least 1, got {k}")
    if ranking not in RANKINGS:
        raise InputError(f"unknown ranking {ranking!r}: choose one of {', '.join(RANKINGS)}")
    index.corpus.get(doc_id)  # CorpusError naming an unknown id
    documents = document_vectors(index)
    position = next((n for n, d in enumerate(documents) if d.doc_id == doc_id), None)
    if position is None:
        raise CorpusError(f"{doc_id!r} is not in the index in {index.directory}: run `treatydiff index`")
    limit = counterpart_threshold(index.embedder) if threshold is None else threshold
    scorer = _scorer(index, documents)
    source = documents[position]
    scores = scorer.scores(position)
    # Rank on the per-document figures first, then build the records of the k best only.
    ranks = scorer.ranks if dates else np.zeros_like(scorer.ranks)
    credit = _rounded(source_shares(scores.best, scores.reached, source.words, ranks, limit))
    shares = _rounded(_shares_everywhere(scores, source.words, limit))
    count = len(source.segments)
    means = _rounded(scores.best.mean(axis=0) if count else np.zeros(len(documents)))
    others = sorted(
        (other for other in range(len(documents)) if other != position),
        key=lambda o: ranking_key(credit[o], shares[o], means[o], documents[o].doc_id, ranking),
    )
    neighbours = tuple(
        _similarity(source, documents[o], scores, o, limit, shares[o], means[o], credit[o])
        for o in others[:k]
    )
    return SimilarResults(
        doc_id, source.title, index.embedder.name, limit, scorer.method, k, neighbours, ranking, source.date
    )


def similarity_matrix(
    index: CorpusIndex, ids: Sequence[str] | None = None, *, threshold: float | None = None
) -> SimilarityMatrix:
    """Directional shares and their symmetric mean for every pair of `ids` (default: all), clustered."""
    documents = document_vectors(index)
    if ids:
        known = {d.doc_id: d for d in documents}
        for doc_id in ids:
            index.corpus.get(doc_id)
            if doc_id not in known:
                raise CorpusError(
                    f"{doc_id!r} is not in the index in {index.directory}: run `treatydiff index`"
                )
        documents = [known[i] for i in dict.fromkeys(ids)]
    if len(documents) < 2:
        raise InputError(f"a matrix needs at least 2 documents, got {len(documents)}")
    limit = counterpart_threshold(index.embedder) if threshold is None else threshold
    scorer = _scorer(index, documents)
    shares = np.eye(len(documents))
    for source in range(len(documents)):
        scores = scorer.scores(source)
        for other in range(len(documents)):
            if other != source:
                counted = np.where(scores.reached[:, other], scores.best[:, other], -np.inf)
                shares[source, other] = word_share(counted, documents[source].words, limit)
    order, clusters = cluster_order(symmetric_similarity(shares))
    shares = shares[np.ix_(order, order)]
    return SimilarityMatrix(
        ids=tuple(documents[i].doc_id for i in order),
        titles=tuple(documents[i].title for i in order),
        shares=shares,
        similarity=symmetric_similarity(shares),
        clusters=tuple(clusters),
        threshold=limit,
        model=index.embedder.name,
        method=scorer.method,
    )


def similar_results_to_json(results: SimilarResults) -> str:
    """The `treatydiff.similar/1` document (docs/scale.md)."""
    payload = {
        "schema": SIMILAR_SCHEMA,
        "document": results.doc_id,
        "title": results.title,
        "model": results.model,
        "date": results.date or None,
        "threshold": results.threshold,
        "method": results.method,
        "ranking": results.ranking,
        "k": results.k,
        "results": [
            {
                "rank": rank,
                "document": n.doc_id,
                "title": n.title,
                "kind": n.kind,
                "date": n.date or None,
                "source_share": n.source_share,
                "share": n.share,
                "copied": n.copied,
                "mean_score": n.mean_score,
                "shared": [
                    {
                        "segment": s.segment_id,
                        "label": s.label,
                        "other_segment": s.other_segment_id,
                        "other_label": s.other_label,
                        "score": s.score,
                        "wording": s.wording,
                    }
                    for s in n.shared
                ],
            }
            for rank, n in enumerate(results.neighbours, start=1)
        ],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


# --- the HTML heat map ----------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCellView:
    text: str  # "72" (percent), "" on the diagonal
    css: str  # heat class and cluster-boundary classes
    tooltip: str
    href: str  # the pair's report, relative to the page; "" when there is none


@dataclass(frozen=True)
class MatrixRowView:
    number: int
    doc_id: str
    title: str
    cluster: int
    css: str  # "cb" on the first row of a cluster
    cells: tuple[MatrixCellView, ...]


@dataclass(frozen=True)
class MatrixContext:
    title: str
    model: str
    threshold: str
    method: str
    columns: tuple[MatrixRowView, ...]  # the same documents, for the column headers
    rows: tuple[MatrixRowView, ...]
    cluster_count: int
    generated_note: str
    csp: str
    css: Markup


def _report_for(a: str, b: str, reports_dir: Path) -> Path | None:
    for first, second in ((a, b), (b, a)):
        path = reports_dir / f"{first}--{second}.html"
        if path.is_file():
            return path
    return None


def _cell(matrix: SimilarityMatrix, i: int, j: int, reports_dir: Path, page_dir: Path) -> MatrixCellView:
    a, b = matrix.ids[i], matrix.ids[j]
    boundary = []
    if i > 0 and matrix.clusters[i] != matrix.clusters[i - 1]:
        boundary.append("ct")
    if j > 0 and matrix.clusters[j] != matrix.clusters[j - 1]:
        boundary.append("cl")
    if i == j:
        return MatrixCellView("", " ".join(["self", *boundary]), a, "")
    value = float(matrix.similarity[i, j])
    heat = f"h{min(HEAT_STEPS, max(0, round(value * HEAT_STEPS)))}"
    tooltip = (
        f"{a} ↔ {b}: {value:.0%} (share of {a} with a counterpart in {b}: {matrix.shares[i, j]:.0%}; "
        f"of {b} in {a}: {matrix.shares[j, i]:.0%})"
    )
    report = _report_for(a, b, reports_dir)
    if report is None:
        tooltip += f"; no report yet: treatydiff compare {a} {b}"
        href = ""
    else:
        href = quote(Path(os.path.relpath(report.resolve(), page_dir.resolve())).as_posix())
        tooltip += f"; report: {report.name}"
    return MatrixCellView(f"{round(value * 100)}", " ".join([heat, *boundary]), tooltip, href)


def render_matrix(matrix: SimilarityMatrix, *, reports_dir: Path, page_dir: Path) -> str:
    """The heat map page: no script, its style pinned by hash, every string autoescaped."""
    from treatydiff.report import build_environment, content_security_policy

    env = build_environment()
    assert env.loader is not None
    css = env.loader.get_source(env, _CSS_NAME)[0].strip()
    count = len(matrix.ids)
    rows = tuple(
        MatrixRowView(
            number=i + 1,
            doc_id=matrix.ids[i],
            title=matrix.titles[i],
            cluster=matrix.clusters[i],
            css="cb" if i > 0 and matrix.clusters[i] != matrix.clusters[i - 1] else "",
            cells=tuple(_cell(matrix, i, j, reports_dir, page_dir) for j in range(count)),
        )
        for i in range(count)
    )
    context = MatrixContext(
        title=f"treatydiff: similarity of {count} documents",
        model=matrix.model,
        threshold=f"{matrix.threshold:g}",
        method=matrix.method,
        columns=rows,
        rows=rows,
        cluster_count=max(matrix.clusters, default=0),
        generated_note=(
            "Generated by treatydiff. Each cell is the mean of two shares: the part of one document's "
            "words whose paragraph has a close counterpart in the other. Machine estimates to guide "
            "reading, not legal assessments."
        ),
        csp=content_security_policy(script=None, css=css),
        css=Markup(css),
    )
    return env.get_template(TEMPLATE_NAME).render(ctx=context)


def write_matrix(matrix: SimilarityMatrix, path: Path, *, reports_dir: Path) -> Path:
    """Write the heat map atomically (the caller decides whether an existing file may go)."""
    page = render_matrix(matrix, reports_dir=reports_dir, page_dir=path.parent)
    atomic_write_text(path, page, overwrite=True)
    return path
