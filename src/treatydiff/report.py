"""Self-contained HTML report of a Comparison.

Python prepares a typed, frozen `ReportContext`; the Jinja template only loops and
prints. All document text reaches the page through autoescaping. Segment text is shown
as the word diff compares it (`normalise_for_diff`: no Markdown emphasis markers, no
hard line wraps).
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

import jinja2
from markupsafe import Markup

from treatydiff.diffing import count_words, normalise_for_diff
from treatydiff.records import Comparison, Document, Pair, Segment, SegmentDiff, Status

__all__ = [
    "ArticleIndexView",
    "ArticleLinkView",
    "CellView",
    "CoverageView",
    "DocumentView",
    "FilterView",
    "HeaderRowView",
    "HeadingLineView",
    "ReportContext",
    "RowView",
    "SegmentView",
    "SpanView",
    "StatusCountView",
    "SummaryView",
    "ThresholdView",
    "build_environment",
    "build_report_context",
    "render_report",
]

TEMPLATES_DIR = Path(__file__).parent / "templates"
TEMPLATE_NAME = "report.html.j2"
_CSS_NAME = "report.css"
_JS_NAME = "report.js"

Side = Literal["a", "b"]
SpanKind = Literal["eq", "ins", "del"]


# ---------------------------------------------------------------- context records


@dataclass(frozen=True)
class DocumentView:
    side: Side
    title: str
    short_title: str
    source: str  # the path it was read from
    origin: str | None  # meta "source"/"url", shown as text, never as a link
    kind: str
    segment_count: int
    word_count: int


@dataclass(frozen=True)
class ThresholdView:
    name: str
    value: str


@dataclass(frozen=True)
class StatusCountView:
    key: str  # "unchanged" | "modified" | "moved" | "only_a" | "only_b"
    icon: str
    label: str
    count: int
    percent: str  # of all pairs, e.g. "12%"


@dataclass(frozen=True)
class CoverageView:
    side: Side
    short_title: str
    segments_matched: int
    segments_total: int
    segments_percent: str
    words_matched: int
    words_total: int
    words_percent: str


@dataclass(frozen=True)
class ArticleLinkView:
    href: str  # "#a-art-6": the anchor on the article's first heading line
    text: str  # "6", "Preamble"
    title: str  # "Article 6 – Misuse of devices"


@dataclass(frozen=True)
class ArticleIndexView:
    """One side's articles in document order, each a link to its heading in the comparison."""

    side: Side
    short_title: str
    links: tuple[ArticleLinkView, ...]


@dataclass(frozen=True)
class SummaryView:
    total_pairs: int
    statuses: tuple[StatusCountView, ...]  # exclusive: their counts add up to total_pairs
    moved: StatusCountView  # moved pairs, also counted among unchanged/modified
    coverage: tuple[CoverageView, CoverageView]
    articles: tuple[ArticleIndexView, ArticleIndexView]


@dataclass(frozen=True)
class FilterView:
    key: str  # matched against a row's `filter_tags`; "all" shows everything
    label: str
    count: int
    pressed: bool


@dataclass(frozen=True)
class SpanView:
    kind: SpanKind
    text: str


@dataclass(frozen=True)
class SegmentView:
    data_seg: str  # "a:<segment id>" / "b:<segment id>"
    label: str
    spans: tuple[SpanView, ...]


@dataclass(frozen=True)
class CellView:
    side: Side
    segments: tuple[SegmentView, ...]


@dataclass(frozen=True)
class HeadingLineView:
    text: str
    depth: int  # 1 = top of the hierarchy
    anchor: str | None  # "a-art-6" on the first appearance of an article
    href: str | None = None  # "#a-art-6" on every article heading line: a link to that anchor


@dataclass(frozen=True)
class HeaderRowView:
    """Hierarchy lines shown above a row where the chapter/article changes on a side."""

    a: tuple[HeadingLineView, ...]
    b: tuple[HeadingLineView, ...]


@dataclass(frozen=True)
class RowView:
    id: str
    status_key: str
    status_icon: str
    status_label: str
    moved: bool
    score: str  # 2 decimals, or "–" for one-sided pairs
    score_detail: str  # tooltip: the semantic and lexical parts
    filter_tags: str  # space-separated keys of the filters that show this row
    a: CellView
    b: CellView
    header: HeaderRowView | None


@dataclass(frozen=True)
class ReportContext:
    title: str
    level: str
    model: str
    thresholds: tuple[ThresholdView, ...]
    generated_note: str
    doc_a: DocumentView
    doc_b: DocumentView
    summary: SummaryView
    filters: tuple[FilterView, ...]
    rows: tuple[RowView, ...]
    notices: tuple[str, ...]
    csp: str
    css: Markup  # our own package files, not document text
    script: Markup


# ---------------------------------------------------------------- environment


def build_environment() -> jinja2.Environment:
    """The one Jinja environment for treatydiff's templates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html", "htm", "xml", "j2"),
            default_for_string=True,
            default=True,
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    # The context is fully prepared in Python, so the template needs no custom filters.
    return env


def render_report(comparison: Comparison) -> str:
    """The report as one self-contained HTML document."""
    env = build_environment()
    context = build_report_context(comparison, env=env)
    return env.get_template(TEMPLATE_NAME).render(ctx=context)


# ---------------------------------------------------------------- context building

_STATUS_DISPLAY: dict[str, tuple[str, str]] = {
    Status.UNCHANGED.value: ("=", "unchanged"),
    Status.MODIFIED.value: ("~", "modified"),
    "moved": ("↕", "moved"),
    Status.ONLY_A.value: ("−", "only in A"),
    Status.ONLY_B.value: ("+", "only in B"),
}
_EXCLUSIVE_STATUSES = (Status.UNCHANGED, Status.MODIFIED, Status.ONLY_A, Status.ONLY_B)


def build_report_context(comparison: Comparison, *, env: jinja2.Environment | None = None) -> ReportContext:
    """Turn a Comparison into the display records the template prints."""
    env = env or build_environment()
    pairs, notices = _pairs_covering_every_segment(comparison)
    css = _package_text(env, _CSS_NAME)
    script = _package_text(env, _JS_NAME)
    doc_a = _document_view("a", comparison.a.document, comparison.a.segments)
    doc_b = _document_view("b", comparison.b.document, comparison.b.segments)
    rows = _rows(pairs)
    summary = _summary(pairs, comparison, doc_a, doc_b, rows)
    return ReportContext(
        title=f"treatydiff: {doc_a.short_title} ↔ {doc_b.short_title}",
        level=comparison.level.value,
        model=comparison.model,
        thresholds=tuple(
            ThresholdView(name, f"{value:g}") for name, value in sorted(comparison.thresholds.items())
        ),
        generated_note=_generated_note(),
        doc_a=doc_a,
        doc_b=doc_b,
        summary=summary,
        filters=_filters(rows),
        rows=rows,
        notices=notices,
        csp=content_security_policy(script=script, css=css),
        css=Markup(css),
        script=Markup(script),
    )


def content_security_policy(*, script: str, css: str) -> str:
    """Allow nothing but our own inline style and script, pinned by hash."""
    return (
        "default-src 'none'; "
        f"style-src '{_csp_hash(css)}'; "
        f"script-src '{_csp_hash(script)}'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


def _csp_hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _package_text(env: jinja2.Environment, name: str) -> str:
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    return source.strip()


def _generated_note() -> str:
    try:
        version = f" {metadata.version('treatydiff')}"
    except metadata.PackageNotFoundError:
        version = ""
    return (
        f"Generated by treatydiff{version}. Similarity scores and statuses are "
        "machine estimates to guide reading; they are not legal assessments. "
        "Compare the texts themselves."
    )


def _document_view(side: Side, document: Document, segments: Sequence[Segment]) -> DocumentView:
    origin = document.meta.get("source") or document.meta.get("url")
    return DocumentView(
        side=side,
        title=document.title,
        short_title=document.short_title,
        source=document.path,
        origin=origin if origin and origin != document.path else None,
        kind=document.kind,
        segment_count=len(segments),
        word_count=sum(count_words(s.text) for s in segments),
    )


def _pairs_covering_every_segment(
    comparison: Comparison,
) -> tuple[tuple[Pair, ...], tuple[str, ...]]:
    """The comparison's pairs, plus one-sided pairs for segments the alignment left out.

    Every segment must appear in the report; a gap is an upstream bug: show it.
    """
    pairs = list(comparison.pairs)
    notices: list[str] = []
    for side, segmented in (("a", comparison.a), ("b", comparison.b)):
        placed = {s.id for p in comparison.pairs for s in (p.a if side == "a" else p.b)}
        missing = [s for s in segmented.segments if s.id not in placed]
        if not missing:
            continue
        name = segmented.document.short_title
        notices.append(
            f"{len(missing)} segment(s) of {name} were not in any aligned pair; they are listed at the end."
        )
        for seg in missing:
            pairs.append(
                Pair(
                    a=(seg,) if side == "a" else (),
                    b=(seg,) if side == "b" else (),
                    status=Status.ONLY_A if side == "a" else Status.ONLY_B,
                    moved=False,
                    score=0.0,
                    semantic=0.0,
                    lexical=0.0,
                    diff=None,
                    id=f"unpaired-{side}-{seg.id}",
                )
            )
    return tuple(pairs), tuple(notices)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def _summary(
    pairs: Sequence[Pair],
    comparison: Comparison,
    doc_a: DocumentView,
    doc_b: DocumentView,
    rows: Sequence[RowView],
) -> SummaryView:
    total = len(pairs)

    def count_view(key: str, count: int) -> StatusCountView:
        icon, label = _STATUS_DISPLAY[key]
        return StatusCountView(key=key, icon=icon, label=label, count=count, percent=_percent(count, total))

    statuses = tuple(count_view(s.value, sum(1 for p in pairs if p.status == s)) for s in _EXCLUSIVE_STATUSES)
    moved = count_view("moved", sum(1 for p in pairs if p.moved))
    matched_a = {s.id for p in pairs if p.b for s in p.a}
    matched_b = {s.id for p in pairs if p.a for s in p.b}
    coverage = (
        _coverage(doc_a, comparison.a.segments, matched_a),
        _coverage(doc_b, comparison.b.segments, matched_b),
    )
    articles = (
        _article_index(doc_a, comparison.a.segments, rows),
        _article_index(doc_b, comparison.b.segments, rows),
    )
    return SummaryView(
        total_pairs=total, statuses=statuses, moved=moved, coverage=coverage, articles=articles
    )


def _coverage(doc: DocumentView, segments: Sequence[Segment], matched_ids: set[str]) -> CoverageView:
    matched = [s for s in segments if s.id in matched_ids]
    words_matched = sum(count_words(s.text) for s in matched)
    return CoverageView(
        side=doc.side,
        short_title=doc.short_title,
        segments_matched=len(matched),
        segments_total=len(segments),
        segments_percent=_percent(len(matched), len(segments)),
        words_matched=words_matched,
        words_total=doc.word_count,
        words_percent=_percent(words_matched, doc.word_count),
    )


def _article_index(
    doc: DocumentView, segments: Sequence[Segment], rows: Sequence[RowView]
) -> ArticleIndexView:
    """Links to every article of one side that has an anchor in the rows, in document order."""
    anchors = {
        line.anchor
        for row in rows
        if row.header is not None
        for line in (row.header.a if doc.side == "a" else row.header.b)
        if line.anchor
    }
    links: list[ArticleLinkView] = []
    for seg in sorted(segments, key=lambda s: s.order):
        if seg.article is None:
            continue
        anchor = article_anchor(doc.side, seg.article)
        if anchor not in anchors:
            continue
        anchors.discard(anchor)  # once per article
        text = "Preamble" if seg.article == "preamble" else seg.article
        title = normalise_for_diff(seg.heading or _article_heading(seg))
        links.append(ArticleLinkView(href=f"#{anchor}", text=text, title=title))
    return ArticleIndexView(side=doc.side, short_title=doc.short_title, links=tuple(links))


def _filters(rows: Sequence[RowView]) -> tuple[FilterView, ...]:
    def count(key: str) -> int:
        return sum(1 for r in rows if key in r.filter_tags.split())

    return (
        FilterView("all", "All", len(rows), pressed=True),
        FilterView("changed", "Changed", count("changed"), pressed=False),
        FilterView("moved", "Moved", count("moved"), pressed=False),
        FilterView("only_a", "Only in A", count("only_a"), pressed=False),
        FilterView("only_b", "Only in B", count("only_b"), pressed=False),
    )


# ---------------------------------------------------------------- rows


def _rows(pairs: Sequence[Pair]) -> tuple[RowView, ...]:
    headings = {"a": _HeadingTracker("a"), "b": _HeadingTracker("b")}
    used_ids: set[str] = set()
    rows: list[RowView] = []
    for index, pair in enumerate(pairs):
        lines_a = headings["a"].lines_for(pair.a)
        lines_b = headings["b"].lines_for(pair.b)
        a_cell, b_cell = _cells(pair)
        icon, label = _STATUS_DISPLAY[pair.status.value]
        rows.append(
            RowView(
                id=_unique_id(_ID_SPACES_RE.sub("-", pair.id) or f"pair-{index + 1}", used_ids),
                status_key=pair.status.value,
                status_icon=icon,
                status_label=label,
                moved=pair.moved,
                score=f"{pair.score:.2f}" if pair.a and pair.b else "–",
                score_detail=(
                    f"semantic {pair.semantic:.2f} · lexical {pair.lexical:.2f}" if pair.a and pair.b else ""
                ),
                filter_tags=_filter_tags(pair),
                a=a_cell,
                b=b_cell,
                header=HeaderRowView(a=lines_a, b=lines_b) if lines_a or lines_b else None,
            )
        )
    return tuple(rows)


_ID_SPACES_RE = re.compile(r"\s+")  # an HTML id may hold anything but whitespace


def _unique_id(wanted: str, used: set[str]) -> str:
    candidate, n = wanted, 1
    while candidate in used:
        n += 1
        candidate = f"{wanted}-{n}"
    used.add(candidate)
    return candidate


def _filter_tags(pair: Pair) -> str:
    tags = [pair.status.value]
    if pair.status != Status.UNCHANGED or pair.moved:
        tags.append("changed")
    if pair.moved:
        tags.append("moved")
    return " ".join(tags)


def _cells(pair: Pair) -> tuple[CellView, CellView]:
    """Both sides' cells; diff markup only on a modified pair (an unchanged one is plain)."""
    a_spans = b_spans = None
    if pair.diff is not None and pair.a and pair.b and pair.status != Status.UNCHANGED:
        a_spans, b_spans = _side_spans(pair.diff)
    return _cell("a", pair.a, a_spans), _cell("b", pair.b, b_spans)


def _side_spans(diff: SegmentDiff) -> tuple[list[SpanView], list[SpanView]]:
    """Side A shows equal+delete ops, side B equal+insert ops."""
    a_spans: list[SpanView] = []
    b_spans: list[SpanView] = []
    for op in diff.ops:
        if not op.text:
            continue
        if op.op == "equal":
            a_spans.append(SpanView("eq", op.text))
            b_spans.append(SpanView("eq", op.text))
        elif op.op == "delete":
            a_spans.extend(_edit_spans("del", op.text))
        else:
            b_spans.extend(_edit_spans("ins", op.text))
    return a_spans, b_spans


def _edit_spans(kind: SpanKind, text: str) -> list[SpanView]:
    """Mark an edit but not its edge whitespace, so underlines stop at the words.

    A whitespace-only edit (a removed line break, say) stays marked, or it would vanish.
    """
    core = text.strip()
    if not core:
        return [SpanView(kind, text)]
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    spans = [SpanView("eq", lead)] if lead else []
    spans.append(SpanView(kind, core))
    if trail:
        spans.append(SpanView("eq", trail))
    return spans


def _cell(side: Side, segments: Sequence[Segment], spans: list[SpanView] | None) -> CellView:
    texts = [normalise_for_diff(seg.text) for seg in segments]
    per_segment = _split_spans(spans, texts) if spans is not None else None
    views = []
    for i, seg in enumerate(segments):
        seg_spans = per_segment[i] if per_segment is not None else (SpanView("eq", texts[i]),)
        views.append(SegmentView(data_seg=f"{side}:{seg.id}", label=seg.label, spans=seg_spans))
    return CellView(side=side, segments=tuple(views))


def _split_spans(spans: list[SpanView], texts: Sequence[str]) -> list[tuple[SpanView, ...]] | None:
    """Cut one side's spans at its segments' (normalised) texts; None if the diff isn't of them.

    The diff covers the normalised segments joined by a separator; each segment's text is
    found in order in that joined stream and the separators between them are dropped.
    """
    stream = "".join(s.text for s in spans)
    ranges: list[tuple[int, int]] = []
    cursor = 0
    for text in texts:
        start = stream.find(text, cursor)
        if start < 0:
            return None
        ranges.append((start, start + len(text)))
        cursor = start + len(text)
    return [_slice_spans(spans, start, end) for start, end in ranges]


def _slice_spans(spans: Iterable[SpanView], start: int, end: int) -> tuple[SpanView, ...]:
    out: list[SpanView] = []
    offset = 0
    for span in spans:
        span_end = offset + len(span.text)
        lo, hi = max(start, offset), min(end, span_end)
        if lo < hi:
            out.append(SpanView(span.kind, span.text[lo - offset : hi - offset]))
        offset = span_end
        if offset >= end:
            break
    return tuple(out)


# ---------------------------------------------------------------- hierarchy headings

# Path parts that are enumerators ("1", "a", "ii", "(b)") sit below the article heading.
_ENUMERATOR_RE = re.compile(r"^\(?[0-9A-Za-z]{1,6}\)?\.?$")
_ANCHOR_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")


def article_anchor(side: Side, article: str) -> str:
    """Anchor id of an article on one side: "a-art-6", "b-art-7", "a-art-preamble"."""
    slug = _ANCHOR_UNSAFE_RE.sub("-", article.strip()).strip("-") or "x"
    return f"{side}-art-{slug}"


def _hierarchy(seg: Segment) -> tuple[str, ...]:
    """The headings above a segment, down to its article heading."""
    if seg.article is None:
        return _headings_only(seg.path)
    for i, part in enumerate(seg.path):
        if part == seg.heading or _is_article_part(part, seg.article):
            return (*_headings_only(seg.path[:i]), part)
    return (*_headings_only(seg.path), seg.heading or _article_heading(seg))


def _headings_only(path: Sequence[str]) -> tuple[str, ...]:
    return tuple(p for p in path if not _ENUMERATOR_RE.match(p))


def _is_article_part(part: str, article: str) -> bool:
    if article == "preamble":
        return part.lower().startswith("preamble")
    return re.match(rf"article\s+{re.escape(article)}\b", part, re.IGNORECASE) is not None


def _article_heading(seg: Segment) -> str:
    if seg.article == "preamble":
        return "Preamble"
    title = f" – {seg.article_title}" if seg.article_title else ""
    return f"Article {seg.article}{title}"


class _HeadingTracker:
    """Remembers one side's current hierarchy to show only where it changes."""

    def __init__(self, side: Side) -> None:
        self.side = side
        self.current: tuple[str, ...] = ()
        self.anchored: set[str] = set()

    def lines_for(self, segments: Sequence[Segment]) -> tuple[HeadingLineView, ...]:
        lines: list[HeadingLineView] = []
        for seg in segments:
            hierarchy = _hierarchy(seg)
            anchor = article_anchor(self.side, seg.article) if seg.article is not None else None
            if anchor in self.anchored:
                anchor = None
            first_changed = _common_prefix_length(self.current, hierarchy)
            if anchor is not None and hierarchy:
                first_changed = min(first_changed, len(hierarchy) - 1)  # a first appearance always shows
            link = article_anchor(self.side, seg.article) if seg.article is not None else None
            for depth in range(first_changed, len(hierarchy)):
                is_article_line = link is not None and depth == len(hierarchy) - 1
                lines.append(
                    HeadingLineView(
                        normalise_for_diff(hierarchy[depth]) or hierarchy[depth],
                        depth + 1,
                        anchor if is_article_line else None,
                        f"#{link}" if is_article_line else None,
                    )
                )
            if anchor is not None and hierarchy:
                self.anchored.add(anchor)
            self.current = hierarchy
        return tuple(lines)


def _common_prefix_length(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
