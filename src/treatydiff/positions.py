"""Claim -> provision linking: which provisions of each treaty a news piece's claims are about.

The claim is first turned into a query: references to the text itself ("under the new
treaty", "the Budapest Convention") are dropped, since they say which text, not what about,
and match every provision a little; and the claim's lay words are followed by the treaty terms
a glossary gives for them ("listening in on calls" also reads "interception … real time
collection"). For each treaty, every paragraph is then scored on four signals:

- meaning: the cosine of the query and the paragraph (read with its article title);
- the whole article's meaning, so a paragraph's context counts;
- the article title alone, which names the subject in treaty words ("Interception of content data");
- wording: TF-IDF cosine of the query and the paragraph.

Generic text — recitals, definitions, statements of purpose and scope — resembles every claim
a little, so it gets a penalty and cannot crowd out the specific provision. Paragraph scores
are pooled to articles (an article scores as its best paragraph), articles are ranked, and
the best article's score gives the verdict against two calibrated thresholds
(`benchmarks/positions/` has the data and the script that set them).

`rank_articles` and `verdict_for` are pure: matrices and numbers in, rankings out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING

import numpy as np

from .claims import extract_claims
from .compare import embedding_text
from .embeddings import Embedder, EmbeddingCache, ProgressCallback, Role, language_warnings
from .errors import EmptyDocumentError, InputError
from .lexical import tfidf_vectors
from .limits import check_segment_count
from .records import (
    Claim,
    ClaimVerdict,
    Document,
    Level,
    Positions,
    ProvisionLink,
    Segment,
    SegmentedDocument,
    Verdict,
)
from .segments import segment_document

if TYPE_CHECKING:
    from numpy.typing import NDArray

NEWS_KINDS = ("news", "commentary")
_GENERIC_TITLE = re.compile(
    r"\b(?:use of terms|definitions?|purposes?|statement of purpose|scope of application|objectives?|"
    r"general provisions?)\b",
    re.I,
)


@dataclass(frozen=True)
class PositionsOptions:
    """Weights and thresholds of claim linking; the defaults are calibrated for all-MiniLM-L6-v2."""

    semantic_weight: float = 0.4  # the query against the paragraph's meaning
    article_weight: float = 0.2  # the query against the whole article's meaning
    title_weight: float = 0.1  # the query against the article title
    lexical_weight: float = 0.3  # shared (glossary-expanded) wording
    generic_penalty: float = 0.2  # taken off recitals, definitions, purpose and scope
    addressed_threshold: float = 0.35  # the best article scores at least this: addressed
    partly_threshold: float = 0.33  # at least this: partly addressed; below: not addressed
    top_k: int = 5  # articles listed per claim and treaty
    use_glossary: bool = True
    max_segments: int | None = None  # per treaty; None: TREATYDIFF_MAX_SEGMENTS or the default

    def validate(self) -> PositionsOptions:
        if not 0 <= self.partly_threshold <= self.addressed_threshold <= 1:
            raise InputError("thresholds must satisfy 0 <= partly <= addressed <= 1")
        if self.top_k < 1:
            raise InputError("top_k must be at least 1")
        return self


def is_news(document: Document) -> bool:
    return document.kind in NEWS_KINDS


@dataclass(frozen=True)
class ArticleScore:
    """One article's standing for one claim: its best paragraph and the signals behind it."""

    article: int  # index into the treaty's articles
    paragraph: int  # index of its best paragraph
    score: float
    semantic: float
    lexical: float


def rank_articles(
    semantic: NDArray[np.float32],
    articles_semantic: NDArray[np.float32],
    titles: NDArray[np.float32],
    lexical: NDArray[np.float32],
    generic: NDArray[np.bool_],
    article_of: Sequence[int],
    options: PositionsOptions,
) -> list[list[ArticleScore]]:
    """Rank the articles of one treaty for every claim.

    Args:
        semantic: claims x paragraphs cosine of the embeddings.
        articles_semantic: claims x paragraphs cosine of the claim and the paragraph's whole
            article (the paragraph itself outside articles).
        titles: claims x paragraphs cosine of the claim and the paragraph's article title
            (the paragraph's own similarity where it has no title).
        lexical: claims x paragraphs cosine of the TF-IDF vectors.
        generic: per paragraph, True for generic text (recitals, definitions, purpose).
        article_of: per paragraph, the index of its article.
        options: the weights.

    Returns:
        For each claim, its articles best first, each scored as its best paragraph.
    """
    combined = (
        options.semantic_weight * semantic
        + options.article_weight * articles_semantic
        + options.title_weight * titles
        + options.lexical_weight * lexical
    )
    combined = np.clip(combined - options.generic_penalty * generic[None, :], 0.0, 1.0)
    articles = np.asarray(article_of)
    rankings: list[list[ArticleScore]] = []
    for row in range(combined.shape[0]):
        best: dict[int, int] = {}
        for paragraph in np.argsort(-combined[row], kind="stable"):
            best.setdefault(int(articles[paragraph]), int(paragraph))
        rankings.append(
            [
                ArticleScore(
                    article,
                    paragraph,
                    float(combined[row, paragraph]),
                    float(semantic[row, paragraph]),
                    float(lexical[row, paragraph]),
                )
                for article, paragraph in best.items()
            ]
        )
    return rankings


def verdict_for(score: float, options: PositionsOptions) -> Verdict:
    if score >= options.addressed_threshold:
        return Verdict.ADDRESSED
    if score >= options.partly_threshold:
        return Verdict.PARTLY_ADDRESSED
    return Verdict.NOT_ADDRESSED


def is_generic(segment: Segment) -> bool:
    """Recitals, formulas, definitions and statements of purpose or scope."""
    if segment.kind in ("recital", "formula"):
        return True
    return bool(segment.article_title and _GENERIC_TITLE.search(segment.article_title))


@cache
def glossary() -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, treaty terms) pairs from `data/glossary.tsv`."""
    entries = []
    source = files("treatydiff").joinpath("data/glossary.tsv").read_text(encoding="utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        pattern, terms = line.split("\t")
        entries.append((re.compile(rf"\b(?:{pattern})\b", re.I), terms))
    return tuple(entries)


_WORD = re.compile(r"[a-z0-9][a-z0-9-]*")
_TERM_STOPWORDS = frozenset(
    {"of", "the", "and", "or", "to", "in", "on", "a", "an", "by", "for", "with", "any", "who", "has", "about"}
)


def expand_with_glossary(text: str) -> str:
    """The text followed by the treaty terms for the lay phrases it uses."""
    terms = [t for pattern, t in glossary() if pattern.search(text)]
    return " ".join([text, *terms])


_TEXT_MENTION = re.compile(
    r"\b(?:(?:under|in|by|of|from|with)\s+)?(?:(?:the|this|that|a|an|its|their)\s+)?"
    r"(?:(?:new|draft|proposed|UN|U\.N\.|United\s+Nations|European|Budapest|\d{4}|corruption|"
    r"organi[sz]ed[- ]crime|cybercrime|global|international|current|final|Council\s+of\s+Europe)[- ]+)*"
    r"(?:convention|treaty|treaties|agreement|deal|pact|text|protocol|instrument|document)s?"
    r"(?:\s+of\s+\d{4})?\b",
    re.I,
)


def claim_query(focus: str, *, use_glossary: bool = True) -> str:
    """What a claim is matched with: its focus without mentions of the text, plus glossary terms.

    "the treaty lets police demand subscriber details" -> "lets police demand subscriber
    details subscriber information production order service provider".
    """
    stripped = " ".join(_TEXT_MENTION.sub(" ", focus).split()).strip(" ,;:")
    query = stripped if len(stripped.split()) >= 3 else focus
    return expand_with_glossary(query) if use_glossary else query


def provision_units(treaty: Document) -> SegmentedDocument:
    """The treaty at paragraph level: the units that claims are linked to."""
    segmented = segment_document(treaty, Level.PARAGRAPH)
    if not segmented.segments:
        raise EmptyDocumentError(f"{treaty.path}: no provisions found")
    return segmented


def article_key(segment: Segment) -> str:
    """What a paragraph pools into: its article, or itself outside articles."""
    return f"art:{segment.article}" if segment.article and segment.article != "preamble" else segment.id


def link_claims(
    news: Document,
    treaties: Sequence[Document],
    embedder: Embedder,
    options: PositionsOptions | None = None,
    *,
    claims: Sequence[Claim] | None = None,
    cache: EmbeddingCache | None = None,
    progress: ProgressCallback | None = None,
) -> Positions:
    """Extract the claims of a news piece and link each to the provisions of every treaty."""
    options = (options or PositionsOptions()).validate()
    claims = tuple(claims) if claims is not None else extract_claims(news)
    units = [provision_units(t) for t in treaties]
    for unit in units:
        check_segment_count(unit.document.path, len(unit.segments), "paragraph", options.max_segments)
    articles = [segment_document(t, Level.ARTICLE) for t in treaties]
    queries = [claim_query(c.focus, use_glossary=options.use_glossary) for c in claims]
    titles = sorted({s.article_title for u in units for s in u.segments if s.article_title})
    paragraph_texts = [embedding_text(s) for u in units for s in u.segments]
    article_texts = [embedding_text(s) for a in articles for s in a.segments]
    texts = queries + paragraph_texts + article_texts + titles
    # Claims are looked up among provisions: models trained with instructions read them so.
    query: Role = "query"
    passage: Role = "passage"
    roles = [query] * len(queries) + [passage] * (len(texts) - len(queries))
    vectors = embedder.embed(texts, role=roles, cache=cache, progress=progress)
    claim_vectors = vectors[: len(claims)]
    title_vectors = dict(zip(titles, vectors[len(vectors) - len(titles) :], strict=True))
    verdicts: list[tuple[ClaimVerdict, ...]] = []
    para_offset, article_offset = len(claims), len(claims) + len(paragraph_texts)
    for unit, article_unit in zip(units, articles, strict=True):
        segments = unit.segments
        para_vectors = vectors[para_offset : para_offset + len(segments)]
        para_offset += len(segments)
        article_vectors = {
            article_key(s): vectors[article_offset + k] for k, s in enumerate(article_unit.segments)
        }
        article_offset += len(article_unit.segments)
        context = np.stack(
            [article_vectors.get(article_key(s), para_vectors[k]) for k, s in enumerate(segments)]
        )
        verdicts.append(
            _treaty_verdicts(
                claims, queries, claim_vectors, segments, para_vectors, context, title_vectors, options
            )
        )
    thresholds = {
        "semantic_weight": options.semantic_weight,
        "article_weight": options.article_weight,
        "title_weight": options.title_weight,
        "lexical_weight": options.lexical_weight,
        "generic_penalty": options.generic_penalty,
        "addressed_threshold": options.addressed_threshold,
        "partly_threshold": options.partly_threshold,
    }
    warnings = language_warnings([news, *treaties], embedder)
    return Positions(news, claims, tuple(units), tuple(verdicts), embedder.name, thresholds, warnings)


def _treaty_verdicts(
    claims: Sequence[Claim],
    queries: Sequence[str],
    claim_vectors: NDArray[np.float32],
    segments: Sequence[Segment],
    para_vectors: NDArray[np.float32],
    article_vectors: NDArray[np.float32],
    title_vectors: dict[str, NDArray[np.float32]],
    options: PositionsOptions,
) -> tuple[ClaimVerdict, ...]:
    if not claims:
        return ()
    semantic = claim_vectors @ para_vectors.T
    title_matrix = np.stack(
        [
            title_vectors[s.article_title] if s.article_title else para_vectors[k]
            for k, s in enumerate(segments)
        ]
    )
    lex_claims, lex_paras = tfidf_vectors(list(queries), [_lexical_text(s) for s in segments])
    lexical = np.asarray((lex_claims @ lex_paras.T).todense(), dtype=np.float32)
    keys = [article_key(s) for s in segments]
    index = {k: n for n, k in enumerate(dict.fromkeys(keys))}
    generic = np.array([is_generic(s) for s in segments], dtype=bool)
    rankings = rank_articles(
        semantic,
        claim_vectors @ article_vectors.T,
        claim_vectors @ title_matrix.T,
        lexical,
        generic,
        [index[k] for k in keys],
        options,
    )
    results = []
    for claim, ranking in zip(claims, rankings, strict=True):
        links = tuple(
            ProvisionLink(
                segments[a.paragraph], round(a.score, 4), round(a.semantic, 4), round(a.lexical, 4), rank
            )
            for rank, a in enumerate(ranking[: options.top_k], start=1)
        )
        top = ranking[0].score if ranking else 0.0
        results.append(ClaimVerdict(claim.id, verdict_for(top, options), round(top, 4), links))
    return tuple(results)


def _lexical_text(segment: Segment) -> str:
    return f"{segment.article_title} {segment.text}" if segment.article_title else segment.text
