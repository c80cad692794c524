"""Typed records shared by the pipeline stages.

documents -> segments -> embeddings -> alignment -> diffs -> report.
Each stage takes and returns these records; nothing else crosses a stage boundary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from .languages import different_languages


class Level(StrEnum):
    """Granularity at which two documents are aligned."""

    ARTICLE = "article"
    PARAGRAPH = "paragraph"
    SENTENCE = "sentence"


class Status(StrEnum):
    UNCHANGED = "unchanged"
    MODIFIED = "modified"
    ONLY_A = "only_a"
    ONLY_B = "only_b"


SegmentKind = Literal[
    "recital",  # one recital of the preamble
    "article",  # a whole article (level=article)
    "paragraph",  # a numbered or unnumbered paragraph of an article
    "item",  # a lettered or roman item
    "sentence",  # a sentence of a paragraph or item (level=sentence)
    "formula",  # closing formula: IN WITNESS WHEREOF / DONE at
    "text",  # prose paragraph, appendix text, or anything outside articles
]


@dataclass(frozen=True)
class Document:
    """A decoded source document.

    `text` is the whole decoded file (newlines normalised to "\\n"), front matter included;
    `body_start` is the offset where the body begins. Segment offsets index into `text`.
    """

    path: str
    text: str
    body_start: int
    title: str
    meta: dict[str, str] = field(default_factory=dict)
    kind: str = "treaty"  # treaty|draft|protocol|declaration|news|commentary
    language: str = "en"

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    @property
    def short_title(self) -> str:
        return self.meta.get("short_title") or self.title


@dataclass(frozen=True)
class Heading:
    """A structural heading above articles: chapter, section, title, part, appendix."""

    kind: str  # "chapter" | "section" | "title" | "part" | "appendix" | "preamble"
    number: str | None  # as printed: "II", "1"; None for an unnumbered heading
    title: str  # heading text without the keyword and number, e.g. "USE OF TERMS"
    label: str  # display form, e.g. "Chapter II – Use of terms"
    start: int = 0  # offset of the heading line in Document.text
    depth: int = 1  # 1 = chapter/part/appendix, 2 = section, 3 = title


@dataclass(frozen=True)
class Segment:
    """One unit of alignment.

    Invariant: `document.text[start:end] == text` for every segment, so offsets are true.
    """

    id: str  # stable, unique within a document: "art-6.1.a.ii", "preamble.r3", "p4.s2"
    # human label: "Article 6(1)(a)(ii)", "Preamble, recital 3", "Paragraph 4, sentence 2"
    label: str
    kind: SegmentKind
    article: str | None  # article number as printed ("32"), "preamble" for recitals, else None
    # hierarchy labels from the top: ("Chapter II – …", "Article 6 – Misuse of devices", "1", "a", "ii")
    path: tuple[str, ...]
    text: str
    start: int
    end: int
    # the article heading ("Article 6 – Misuse of devices"), for article-level segments
    heading: str | None = None
    article_title: str | None = None  # "Misuse of devices"; carried by every segment inside an article
    order: int = 0  # position in document order (0-based)


@dataclass(frozen=True)
class SegmentedDocument:
    document: Document
    level: Level
    segments: tuple[Segment, ...]
    headings: tuple[Heading, ...] = ()

    def by_id(self) -> dict[str, Segment]:
        return {s.id: s for s in self.segments}


@dataclass(frozen=True)
class DiffOp:
    op: Literal["equal", "insert", "delete"]
    text: str


@dataclass(frozen=True)
class SegmentDiff:
    """Word-level diff of the A text against the B text of one aligned group.

    The diff is of the texts as read, with layout set aside (`diffing.normalise_for_diff`:
    whitespace runs, Markdown emphasis, line-end hyphenation): joining the `equal` and
    `delete` ops gives the normalised A text; `equal` and `insert` give the normalised B text.
    """

    ops: tuple[DiffOp, ...]
    words_added: int
    words_removed: int

    @property
    def changed(self) -> bool:
        return any(o.op != "equal" for o in self.ops)


@dataclass(frozen=True)
class Pair:
    """One aligned group with its segments, verdict and diff. Either side may be empty."""

    a: tuple[Segment, ...]
    b: tuple[Segment, ...]
    status: Status
    moved: bool
    score: float  # combined similarity in [0, 1]; 0.0 for one-sided pairs
    semantic: float  # cosine of the embeddings
    lexical: float  # lexical similarity of the wording
    diff: SegmentDiff | None  # None for one-sided pairs or when a word diff makes no sense
    id: str = ""  # stable anchor, e.g. "pair-art-6--art-7"


@dataclass(frozen=True)
class Comparison:
    a: SegmentedDocument
    b: SegmentedDocument
    level: Level
    pairs: tuple[Pair, ...]  # display order: A's order, with B-only pairs placed by B's order
    model: str
    thresholds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # e.g. a document in a language the model doesn't read
    # The languages of A and B (`languages.document_language`: declared, else guessed; None if
    # unknown). Two known, different languages make this a cross-language comparison.
    languages: tuple[str | None, str | None] = (None, None)

    @property
    def cross_language(self) -> bool:
        """A and B are in different languages: pairs carry no word diff, and linked pairs are
        aligned translations (Status.MODIFIED) rather than edits, unless word for word the same.
        """
        return different_languages(*self.languages)


# ---------------------------------------------------------------------------------------------
# Positions: claims of a news piece linked to treaty provisions
# ---------------------------------------------------------------------------------------------


class Verdict(StrEnum):
    """Whether a treaty deals with what a claim is about."""

    ADDRESSED = "addressed"
    PARTLY_ADDRESSED = "partly_addressed"
    NOT_ADDRESSED = "not_addressed"


@dataclass(frozen=True)
class Claim:
    """A position, demand or claim stated in a news piece.

    Invariant: `document.text[start:end] == text`. `focus` is what gets matched against
    provisions: the claim without its attribution, quotation marks, connectives and the
    claims split out of it.
    """

    id: str  # "c4"; a claim split out of another one is still numbered in document order
    text: str
    start: int
    end: int
    speaker: str | None  # resolved: "Russian Foreign Ministry" for "the ministry added"
    speaker_mention: str | None  # as printed: "the ministry"
    focus: str
    cue: str  # why it is a claim: "quote", "reported", "position", "stance", "split"
    parent: str | None = None  # id of the claim it was split out of
    sentence_start: int = 0
    sentence_end: int = 0


@dataclass(frozen=True)
class ProvisionLink:
    """One provision ranked for a claim: the best paragraph of one article."""

    segment: Segment
    score: float  # combined, in [0, 1]
    semantic: float
    lexical: float
    rank: int  # 1 = best article


@dataclass(frozen=True)
class ClaimVerdict:
    """How one treaty answers one claim."""

    claim_id: str
    verdict: Verdict
    score: float  # the best article's score, which the verdict thresholds are applied to
    links: tuple[ProvisionLink, ...]  # best first, one per article


@dataclass(frozen=True)
class Positions:
    """The claims of a news piece and, for each treaty, its verdict on every claim."""

    news: Document
    claims: tuple[Claim, ...]
    treaties: tuple[SegmentedDocument, ...]
    verdicts: tuple[tuple[ClaimVerdict, ...], ...]  # [treaty][claim], claims in `claims` order
    model: str
    thresholds: dict[str, float] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
