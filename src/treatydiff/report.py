"""Self-contained HTML report of a Comparison.

Python prepares a typed, frozen `ReportContext`; the Jinja template only loops and
prints. All document text reaches the page through autoescaping. Segment text is shown
as the word diff compares it (`normalise_for_diff`: no Markdown emphasis markers, no
hard line wraps).

The page has, in order: the documents and the run; a dashboard (counts, coverage, the most
changed articles); the change list (`treatydiff.changelist`), with CSV and Markdown
downloads; a map of correspondences (inline SVG); a table of contents per side; and the
side-by-side comparison, where runs of unchanged rows fold into one line and a moved
provision has a marker row at its place in B's order. It makes no request of any kind:
the Content-Security-Policy allows only the page's own style and script, pinned by hash.

When A and B are in different languages (`Comparison.cross_language`) the pairs carry no
word diff: the page says so once at the top, calls linked pairs "aligned" (and the rare
same-text ones "identical"), marks each side's text with its `lang`, and counts as changes
only moves and text without a counterpart.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Literal

import jinja2
from markupsafe import Markup

from treatydiff.changelist import (
    ChangeModel,
    ChangeRow,
    Correspondence,
    Provision,
    article_anchor,
    build_change_model,
    change_list_csv,
    change_list_markdown,
    cross_language_note,
    heading_anchor,
    join_labels,
    status_label,
)
from treatydiff.diffing import count_words, normalise_for_diff
from treatydiff.records import Comparison, Document, Pair, Segment, SegmentDiff, SegmentedDocument, Status

__all__ = [
    "ArticleLinkView",
    "BodyView",
    "CellView",
    "ChangeRowView",
    "CoverageView",
    "DocumentView",
    "ExportView",
    "FilterView",
    "FoldView",
    "HeaderRowView",
    "HeadingLineView",
    "MapLinkView",
    "MapNodeView",
    "MapView",
    "MostChangedView",
    "ProvisionLinkView",
    "ReportContext",
    "RowView",
    "SegmentView",
    "SpanView",
    "StatusCountView",
    "StubRowView",
    "SummaryView",
    "ThresholdView",
    "TocChapterView",
    "TocSideView",
    "article_anchor",
    "build_environment",
    "build_report_context",
    "content_security_policy",
    "isolate_bidi",
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
    count: int  # aligned rows (pairs)
    percent: str  # of all pairs, e.g. "12%"
    provisions: int = 0  # rows of the change list (articles)


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
class MostChangedView:
    href: str
    a_label: str
    b_label: str
    title: str  # both headings, as a tooltip
    added: int
    removed: int
    summary: str


_COUNTS_NOTE = (
    "Moved rows are also counted as unchanged or modified. An article counts as modified if any of its "
    "text changed or has no counterpart; “only in A” or “only in B” if none of it has one."
)
_NO_MOST_CHANGED = "No article with a counterpart has changed wording."


@dataclass(frozen=True)
class SummaryView:
    total_pairs: int
    total_provisions: int
    statuses: tuple[StatusCountView, ...]  # exclusive: their counts add up to total_pairs
    moved: StatusCountView  # moved pairs, also counted among unchanged/modified
    coverage: tuple[CoverageView, CoverageView]
    most_changed: tuple[MostChangedView, ...]
    counts_note: str = _COUNTS_NOTE  # what the counts table counts, below it
    most_changed_empty: str = _NO_MOST_CHANGED  # shown when `most_changed` is empty

    @property
    def table(self) -> tuple[StatusCountView, ...]:
        """The rows of the counts table: each status, then moved."""
        return (*self.statuses, self.moved)


@dataclass(frozen=True)
class ArticleLinkView:
    href: str  # "#a-art-6": the anchor on the article's first heading line
    text: str  # "6", "Preamble"
    title: str  # "Article 6 – Misuse of devices · modified"
    status_key: str = ""


@dataclass(frozen=True)
class TocChapterView:
    label: str | None  # "Chapter II – …"; None for articles under no chapter
    href: str | None
    links: tuple[ArticleLinkView, ...]


@dataclass(frozen=True)
class TocSideView:
    """One side's chapters and articles in document order, each a link into the comparison."""

    side: Side
    short_title: str
    chapters: tuple[TocChapterView, ...]

    @property
    def links(self) -> tuple[ArticleLinkView, ...]:
        return tuple(link for chapter in self.chapters for link in chapter.links)


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
    lang: str | None = None  # the side's language, set when A and B are in different languages


@dataclass(frozen=True)
class HeadingLineView:
    text: str
    depth: int  # 1 = top of the hierarchy
    anchor: str | None  # "a-art-6" / "a-h-chapter-ii" on the first appearance of a heading
    href: str | None = None  # "#a-art-6" on every article heading line: a link to that anchor


@dataclass(frozen=True)
class HeaderRowView:
    """Hierarchy lines shown above a row where the chapter/article changes on a side."""

    a: tuple[HeadingLineView, ...]
    b: tuple[HeadingLineView, ...]
    filter_tags: str = ""  # the tags of the rows it heads: a filter hides it with them
    kind: str = "h"


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
    stub_href: str | None = None  # "#mv-<id>": the marker at B's own place, for a moved pair
    stub_above: bool = False  # that marker comes before this row
    kind: str = "r"


@dataclass(frozen=True)
class StubRowView:
    """Marks, in B's order, where a moved pair's B text stands in B; links to the pair."""

    id: str  # "mv-<pair id>"
    pair_href: str
    a_labels: str
    b_labels: str
    pair_above: bool  # the pair row comes before this marker
    filter_tags: str = "moved changed"
    kind: str = "stub"


TableItem = HeaderRowView | RowView | StubRowView


@dataclass(frozen=True)
class FoldView:
    id: str  # "fold-3"
    rows: int
    a_range: str  # "Article 3(1) – Article 4(2)"
    b_range: str
    label: str = ""  # "3 unchanged rows"


@dataclass(frozen=True)
class BodyView:
    """One <tbody>: a folded run of unchanged rows, or the rows between such runs."""

    fold: FoldView | None
    items: tuple[TableItem, ...]


@dataclass(frozen=True)
class ProvisionLinkView:
    href: str
    label: str  # "Article 6"
    title: str  # "Misuse of devices"


@dataclass(frozen=True)
class ChangeRowView:
    id: str  # "cl-3"
    order: int
    a: ProvisionLinkView | None
    b: tuple[ProvisionLinkView, ...]
    status_key: str
    status_icon: str
    status_label: str
    moved: bool
    score: str
    added: int
    removed: int
    summary: str
    filter_tags: str
    a_sort: int  # position in A (B-only rows last)
    b_sort: int  # position of the first counterpart in B (A-only rows last)
    score_sort: str
    status_sort: int


@dataclass(frozen=True)
class MapNodeView:
    x: float
    y: float
    width: float
    height: float
    href: str
    title: str
    css: str  # "nd k-modified", "nd k-only_a solo"
    label: str  # shown for every 5th provision; "" otherwise
    label_x: float
    label_y: float
    text_anchor: str  # "end" (A, left) | "start" (B, right)


@dataclass(frozen=True)
class MapLinkView:
    d: str  # SVG path
    href: str
    title: str
    css: str  # "ln s3 k-modified mv"


@dataclass(frozen=True)
class MapView:
    width: int
    height: int
    nodes: tuple[MapNodeView, ...]
    links: tuple[MapLinkView, ...]
    a_title: str
    b_title: str


@dataclass(frozen=True)
class ExportView:
    data: Markup  # JSON for <script type="application/json">, "<", ">" and "&" escaped
    csv_name: str
    md_name: str


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
    rows: tuple[RowView, ...]  # one per pair, in display order
    bodies: tuple[BodyView, ...]  # the comparison table: rows, headings, markers, folds
    changes: tuple[ChangeRowView, ...]
    map: MapView
    toc: tuple[TocSideView, TocSideView]
    export: ExportView
    change_count: int  # rows a "next change" can stop at
    notices: tuple[str, ...]
    csp: str
    css: Markup  # our own package files, not document text
    script: Markup
    language_note: str | None = None  # A and B are in different languages: why there is no word diff


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
        finalize=_finalize,
    )
    # The context is fully prepared in Python, so the template needs no custom filters.
    return env


# Embeddings and overrides (LRE RLE PDF LRO RLO) and isolates (LRI RLI FSI PDI).
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_ISOLATE_OPENERS = frozenset("\u2066\u2067\u2068")
_FSI, _PDI = "\u2068", "\u2069"


def isolate_bidi(text: str) -> str:
    """Text whose bidi controls cannot reorder what the page prints after it.

    An unclosed right-to-left override in a title would reverse the page's own words that
    follow ("A compared with B" read as "B htiw derapmoc A"). Text with such controls is
    wrapped in FSI … PDI, which closes every embedding and override opened inside; a stray
    PDI that would end the wrap early is dropped, unclosed isolates are closed.
    """
    if not _BIDI_CONTROLS.search(text):
        return text
    kept, depth = [], 0
    for char in text:
        if char in _ISOLATE_OPENERS:
            depth += 1
        elif char == _PDI:
            if not depth:
                continue
            depth -= 1
        kept.append(char)
    return _FSI + "".join(kept) + _PDI * (depth + 1)


def _finalize(value: object) -> object:
    """Every printed document string is bidi-isolated; our own markup (Markup) is left alone."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return isolate_bidi(value)
    return value


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
# Across languages a linked pair is a counterpart, not an edit (see `changelist.status_label`).
_CROSS_LANGUAGE_DISPLAY = {
    **_STATUS_DISPLAY,
    Status.UNCHANGED.value: ("=", "identical"),
    Status.MODIFIED.value: ("↔", "aligned"),
}
_EXCLUSIVE_STATUSES = (Status.UNCHANGED, Status.MODIFIED, Status.ONLY_A, Status.ONLY_B)
_CROSS_LANGUAGE_ORDER = (Status.MODIFIED, Status.UNCHANGED, Status.ONLY_A, Status.ONLY_B)
_CROSS_LANGUAGE_COUNTS_NOTE = (
    "Moved rows are also counted as identical or aligned. An article counts as aligned if any of its "
    "text has a counterpart (identical if all of it does, word for word); “only in A” or “only in B” "
    "if none of it has one."
)
_CROSS_LANGUAGE_NO_MOST_CHANGED = (
    "Not measured: the documents are in different languages, so there is no word diff."
)


def _status_display(key: str, cross_language: bool) -> tuple[str, str]:
    """(icon, label) of a status key, or of "moved"."""
    return (_CROSS_LANGUAGE_DISPLAY if cross_language else _STATUS_DISPLAY)[key]


_STATUS_RANK = {s: k for k, s in enumerate(_EXCLUSIVE_STATUSES)}
MOST_CHANGED = 10


def build_report_context(comparison: Comparison, *, env: jinja2.Environment | None = None) -> ReportContext:
    """Turn a Comparison into the display records the template prints."""
    env = env or build_environment()
    model = build_change_model(comparison)
    css = _package_text(env, _CSS_NAME)
    script = _package_text(env, _JS_NAME)
    doc_a = _document_view("a", comparison.a.document, comparison.a.segments)
    doc_b = _document_view("b", comparison.b.document, comparison.b.segments)
    rows, bodies = _table(model, _cell_languages(comparison))
    statuses_b = _b_statuses(model)
    return ReportContext(
        title=f"treatydiff: {isolate_bidi(doc_a.short_title)} ↔ {isolate_bidi(doc_b.short_title)}",
        level=comparison.level.value,
        model=comparison.model,
        thresholds=tuple(
            ThresholdView(name, f"{value:g}") for name, value in sorted(comparison.thresholds.items())
        ),
        generated_note=_generated_note(),
        doc_a=doc_a,
        doc_b=doc_b,
        summary=_summary(model, comparison, doc_a, doc_b),
        filters=_filters(rows),
        rows=rows,
        bodies=bodies,
        changes=_change_views(model.rows),
        map=_map_view(model, doc_a, doc_b, statuses_b),
        toc=(
            _toc("a", doc_a, comparison.a, model.provisions_a, _a_statuses(model), model.cross_language),
            _toc("b", doc_b, comparison.b, model.provisions_b, statuses_b, model.cross_language),
        ),
        export=_export_view(model, comparison),
        change_count=sum(1 for r in rows if "changed" in r.filter_tags.split()),
        notices=(*comparison.warnings, *model.notices),
        csp=content_security_policy(script=script, css=css),
        css=Markup(css),
        script=Markup(script),
        language_note=cross_language_note(comparison, side_by_side=True),
    )


def content_security_policy(*, script: str | None, css: str) -> str:
    """Allow nothing but our own inline style and script, pinned by hash."""
    script_src = f"'{_csp_hash(script)}'" if script is not None else "'none'"
    return (
        "default-src 'none'; "
        f"style-src '{_csp_hash(css)}'; "
        f"script-src {script_src}; "
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


def _cell_languages(comparison: Comparison) -> tuple[str | None, str | None]:
    """The languages to mark the two sides' text with: only when they differ (a page in one
    language keeps the page's own)."""
    return comparison.languages if comparison.cross_language else (None, None)


def _percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


# ---------------------------------------------------------------- dashboard


def _summary(
    model: ChangeModel, comparison: Comparison, doc_a: DocumentView, doc_b: DocumentView
) -> SummaryView:
    pairs = model.pairs
    total = len(pairs)
    cross = model.cross_language

    def count_view(key: str, count: int, provisions: int) -> StatusCountView:
        icon, label = _status_display(key, cross)
        return StatusCountView(
            key=key,
            icon=icon,
            label=label,
            count=count,
            percent=_percent(count, total),
            provisions=provisions,
        )

    statuses = tuple(
        count_view(
            s.value,
            sum(1 for p in pairs if p.status == s),
            sum(1 for r in model.rows if r.status == s),
        )
        # Across languages the aligned pairs are the bulk: they come first.
        for s in (_CROSS_LANGUAGE_ORDER if cross else _EXCLUSIVE_STATUSES)
    )
    moved = count_view("moved", sum(1 for p in pairs if p.moved), sum(1 for r in model.rows if r.moved))
    matched_a = {s.id for p in pairs if p.b for s in p.a}
    matched_b = {s.id for p in pairs if p.a for s in p.b}
    coverage = (
        _coverage(doc_a, comparison.a.segments, matched_a),
        _coverage(doc_b, comparison.b.segments, matched_b),
    )
    return SummaryView(
        total_pairs=total,
        total_provisions=len(model.rows),
        statuses=statuses,
        moved=moved,
        coverage=coverage,
        # Without a word diff nothing measures how much an article changed.
        most_changed=() if cross else _most_changed(model.rows),
        counts_note=_CROSS_LANGUAGE_COUNTS_NOTE if cross else _COUNTS_NOTE,
        most_changed_empty=_CROSS_LANGUAGE_NO_MOST_CHANGED if cross else _NO_MOST_CHANGED,
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


def _most_changed(rows: Sequence[ChangeRow]) -> tuple[MostChangedView, ...]:
    """The articles with a counterpart whose wording changed most (words added + removed)."""
    candidates = [r for r in rows if r.counterparts and r.words_changed]
    candidates.sort(key=lambda r: (-r.words_changed, r.provision.order))
    return tuple(
        MostChangedView(
            href=r.href,
            a_label=r.provision.label,
            b_label=join_labels(r.counterparts),
            title=" ↔ ".join(
                (
                    isolate_bidi(r.provision.heading),
                    "; ".join(isolate_bidi(p.heading) for p in r.counterparts),
                )
            ),
            added=r.words_added,
            removed=r.words_removed,
            summary=r.summary,
        )
        for r in candidates[:MOST_CHANGED]
    )


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


def _filter_tags(status: Status, moved: bool, changed: bool) -> str:
    tags = [status.value]
    if changed:
        tags.append("changed")
    if moved:
        tags.append("moved")
    return " ".join(tags)


# ---------------------------------------------------------------- change list


def _provision_link(p: Provision) -> ProvisionLinkView:
    return ProvisionLinkView(href=f"#{p.anchor}", label=p.label, title=p.title or "")


def _change_views(rows: Sequence[ChangeRow]) -> tuple[ChangeRowView, ...]:
    last = 1_000_000
    views = []
    for k, row in enumerate(rows):
        icon, label = _status_display(row.status.value, row.cross_language)
        a = row.a
        views.append(
            ChangeRowView(
                id=f"cl-{k + 1}",
                order=k + 1,
                a=_provision_link(a) if a else None,
                b=tuple(_provision_link(p) for p in row.b),
                status_key=row.status.value,
                status_icon=icon,
                status_label=label,
                moved=row.moved,
                score=f"{row.semantic:.2f}" if row.semantic is not None else "–",
                added=row.words_added,
                removed=row.words_removed,
                summary=row.summary,
                filter_tags=_filter_tags(row.status, row.moved, row.changed),
                a_sort=a.order if a else last,
                b_sort=row.b[0].order if row.b else last,
                score_sort=f"{row.semantic:.4f}" if row.semantic is not None else "-1",
                status_sort=_STATUS_RANK[row.status],
            )
        )
    return tuple(views)


def _a_statuses(model: ChangeModel) -> dict[str, Status]:
    return {r.provision.key: r.status for r in model.rows if r.side == "a"}


def _b_statuses(model: ChangeModel) -> dict[str, Status]:
    """A provision of B: only in B without links; unchanged if every link and segment is."""
    unaligned = {s.id for p in model.pairs if not p.a for s in p.b}
    statuses = {p.key: Status.ONLY_B for p in model.provisions_b}
    for link in model.links:
        current = statuses[link.b.key]
        if link.status == Status.MODIFIED or current == Status.MODIFIED:
            statuses[link.b.key] = Status.MODIFIED
        else:
            statuses[link.b.key] = Status.UNCHANGED
    for prov in model.provisions_b:
        if statuses[prov.key] == Status.UNCHANGED and unaligned.intersection(prov.segment_ids):
            statuses[prov.key] = Status.MODIFIED
    return statuses


def _export_view(model: ChangeModel, comparison: Comparison) -> ExportView:
    stem = f"{_file_stem(comparison.a.document.path)}--{_file_stem(comparison.b.document.path)}"
    data = {
        "csv": change_list_csv(model.rows),
        "markdown": change_list_markdown(model.rows, comparison),
        "csv_name": f"{stem}.changes.csv",
        "md_name": f"{stem}.changes.md",
    }
    return ExportView(data=Markup(script_json(data)), csv_name=data["csv_name"], md_name=data["md_name"])


def script_json(data: object) -> str:
    """JSON to embed in a <script> element: "<", ">" and "&" as \\u escapes, so no "</script>"."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _file_stem(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", Path(path).stem).strip("-.") or "document"


# ---------------------------------------------------------------- table of contents


def _toc(
    side: Side,
    doc: DocumentView,
    segmented: SegmentedDocument,
    provisions: Sequence[Provision],
    statuses: dict[str, Status],
    cross_language: bool = False,
) -> TocSideView:
    """Chapters and their articles, in document order; each links to its first heading line."""
    by_id = segmented.by_id()
    chapters: list[tuple[str | None, str | None, list[ArticleLinkView]]] = []
    for prov in provisions:
        seg = by_id[prov.segment_ids[0]]
        hierarchy = _hierarchy(seg)
        chapter = (normalise_for_diff(hierarchy[0]) or hierarchy[0]) if len(hierarchy) > 1 else None
        if not chapters or chapters[-1][0] != chapter:
            href = f"#{heading_anchor(side, hierarchy[:1])}" if chapter else None
            chapters.append((chapter, href, []))
        status = statuses.get(prov.key)
        text = prov.number if prov.number not in (None, "preamble") else prov.label
        label = status_label(status, cross_language=cross_language) if status else ""
        title = isolate_bidi(prov.heading) + (f" · {label}" if label else "")
        chapters[-1][2].append(
            ArticleLinkView(
                href=f"#{prov.anchor}",
                text=text or prov.label,
                title=title,
                status_key=status.value if status else "",
            )
        )
    return TocSideView(
        side=side,
        short_title=doc.short_title,
        chapters=tuple(TocChapterView(label, href, tuple(links)) for label, href, links in chapters),
    )


# ---------------------------------------------------------------- map of correspondences

MAP_WIDTH = 560
_MAP_TOP = 8
_MAP_X = {"a": 120.0, "b": 440.0}  # node centres
_NODE_WIDTH = 10.0
_SCORE_BUCKETS = (0.5, 0.6, 0.7, 0.8)  # semantic score → s0 … s4, drawn fainter to stronger


def _map_view(
    model: ChangeModel, doc_a: DocumentView, doc_b: DocumentView, statuses_b: dict[str, Status]
) -> MapView:
    """Provisions of A on the left, of B on the right, a line per correspondence.

    Each side spreads over the same height, so a line that crosses others is a move and a
    fan of lines is a split or a merge. Long lists are compressed (down to 8 px a node)
    and only every 5th is labelled; every node and line has a tooltip and is a link.
    """
    prov_a, prov_b = model.provisions_a, model.provisions_b
    n = max(len(prov_a), len(prov_b), 1)
    step = min(18.0, max(8.0, 640.0 / n))
    height = n * step
    statuses_a = _a_statuses(model)

    def y_of(index: int, count: int) -> float:
        return round(_MAP_TOP + (index + 0.5) * height / count, 1)

    y: dict[tuple[str, str], float] = {}
    nodes: list[MapNodeView] = []
    node_h = round(min(10.0, step * 0.7), 1)
    for side, provs, statuses in (("a", prov_a, statuses_a), ("b", prov_b, statuses_b)):
        x = _MAP_X[side]
        for i, prov in enumerate(provs):
            cy = y_of(i, len(provs))
            y[(side, prov.key)] = cy
            status = statuses.get(prov.key, Status.ONLY_A if side == "a" else Status.ONLY_B)
            solo = status in (Status.ONLY_A, Status.ONLY_B)
            nodes.append(
                MapNodeView(
                    x=x - _NODE_WIDTH / 2,
                    y=round(cy - node_h / 2, 1),
                    width=_NODE_WIDTH,
                    height=node_h,
                    href=f"#{prov.anchor}",
                    title=(
                        f"{side.upper()} · {isolate_bidi(prov.heading)} · "
                        f"{status_label(status, cross_language=model.cross_language)}"
                    ),
                    css=f"nd k-{status.value}" + (" solo" if solo else ""),
                    label=_map_label(prov, i, len(provs)),
                    label_x=x - 10 if side == "a" else x + 10,
                    label_y=round(cy + 3.5, 1),
                    text_anchor="end" if side == "a" else "start",
                )
            )
    links = []
    left, right = _MAP_X["a"] + _NODE_WIDTH / 2, _MAP_X["b"] - _NODE_WIDTH / 2
    middle = (left + right) / 2
    for link in sorted(model.links, key=lambda c: (c.semantic, c.a.order, c.b.order)):
        ya, yb = y[("a", link.a.key)], y[("b", link.b.key)]
        links.append(
            MapLinkView(
                d=f"M{left:g} {ya:g}C{middle:g} {ya:g} {middle:g} {yb:g} {right:g} {yb:g}",
                href=f"#{link.pair_id}",
                title=_link_title(link, model.cross_language),
                css=f"ln s{bisect.bisect_right(_SCORE_BUCKETS, link.semantic)} k-{link.status.value}"
                + (" mv" if link.moved else ""),
            )
        )
    return MapView(
        width=MAP_WIDTH,
        height=int(height + 2 * _MAP_TOP),
        nodes=tuple(nodes),
        links=tuple(links),
        a_title=doc_a.short_title,
        b_title=doc_b.short_title,
    )


def _map_label(prov: Provision, index: int, count: int) -> str:
    """Every provision when few, else every 5th article (and the first and last)."""
    if prov.number == "preamble":
        text = "Pre."
    elif prov.number is not None:
        text = prov.number
    else:
        text = prov.label if len(prov.label) <= 12 else prov.label[:11] + "…"
    if count <= 24 or index in (0, count - 1):
        return text
    if prov.number is not None and prov.number.isdigit():
        return text if int(prov.number) % 5 == 0 else ""
    return text if (index + 1) % 5 == 0 else ""


def _link_title(link: Correspondence, cross_language: bool) -> str:
    parts = [
        f"A {isolate_bidi(link.a.heading)} ↔ B {isolate_bidi(link.b.heading)}",
        status_label(link.status, cross_language=cross_language),
    ]
    if link.moved:
        parts.append("moved")
    parts.append(f"semantic {link.semantic:.2f}")
    return " · ".join(parts)


# ---------------------------------------------------------------- the comparison table


def _table(
    model: ChangeModel, languages: tuple[str | None, str | None] = (None, None)
) -> tuple[tuple[RowView, ...], tuple[BodyView, ...]]:
    """The pair rows, and the table bodies: heading rows, pair rows, move markers, folds.

    `languages` are put on the cells of each side (HTML `lang`), when they differ.
    """
    pairs, anchors = model.pairs, model.anchors
    cross = model.cross_language
    trackers = {"a": _HeadingTracker("a"), "b": _HeadingTracker("b")}
    lines = [(trackers["a"].lines_for(p.a), trackers["b"].lines_for(p.b)) for p in pairs]
    tags = [_filter_tags(p.status, p.moved, _pair_changed(p, cross)) for p in pairs]
    stubs_after = _stub_positions(pairs)

    # A heading row carries the tags of every row (and marker) up to the next heading row.
    header_tags: dict[int, set[str]] = {}
    current: set[str] | None = None
    for index in range(len(pairs)):
        if lines[index][0] or lines[index][1]:
            current = header_tags.setdefault(index, set())
        if current is not None:
            current.update(tags[index].split())
            if stubs_after.get(index):
                current.update(("moved", "changed"))

    rows: list[RowView] = []
    stub_of: dict[int, int] = {i: after for after, moved in stubs_after.items() for i in moved}
    for index, pair in enumerate(pairs):
        lines_a, lines_b = lines[index]
        a_cell, b_cell = _cells(pair, languages)
        icon, label = _status_display(pair.status.value, cross)
        header = None
        if lines_a or lines_b:
            header = HeaderRowView(a=lines_a, b=lines_b, filter_tags=_ordered_tags(header_tags[index]))
        stub_at = stub_of.get(index)
        rows.append(
            RowView(
                id=anchors[index],
                status_key=pair.status.value,
                status_icon=icon,
                status_label=label,
                moved=pair.moved,
                score=f"{pair.score:.2f}" if pair.a and pair.b else "–",
                score_detail=(
                    f"semantic {pair.semantic:.2f} · lexical {pair.lexical:.2f}" if pair.a and pair.b else ""
                ),
                filter_tags=tags[index],
                a=a_cell,
                b=b_cell,
                header=header,
                stub_href=f"#mv-{anchors[index]}" if stub_at is not None else None,
                stub_above=stub_at is not None and stub_at < index,
            )
        )

    def stub(index: int, after: int) -> StubRowView:
        pair = pairs[index]
        return StubRowView(
            id=f"mv-{anchors[index]}",
            pair_href=f"#{anchors[index]}",
            a_labels=", ".join(s.label for s in pair.a),
            b_labels=", ".join(s.label for s in pair.b),
            pair_above=index <= after,
        )

    items: list[TableItem] = [stub(i, -1) for i in stubs_after.get(-1, ())]
    for index, row in enumerate(rows):
        if row.header is not None:
            items.append(row.header)
        items.append(row)
        items.extend(stub(i, index) for i in stubs_after.get(index, ()))
    return tuple(rows), _bodies(items, "identical" if cross else "unchanged")


def _pair_changed(pair: Pair, cross_language: bool) -> bool:
    """A row "Next change" stops at (see `ChangeRow.changed`): across languages, where every
    aligned pair differs word for word, a move or a provision without a counterpart."""
    if cross_language:
        return pair.moved or not (pair.a and pair.b)
    return pair.moved or pair.status != Status.UNCHANGED


def _ordered_tags(tags: set[str]) -> str:
    order = ("unchanged", "modified", "only_a", "only_b", "changed", "moved")
    return " ".join(t for t in order if t in tags)


def _stub_positions(pairs: Sequence[Pair]) -> dict[int, list[int]]:
    """Where each moved pair's marker goes: after the last in-sequence row before it in B.

    Keys are row indices (-1: before the first row); values the moved pairs' indices.
    """
    in_sequence = [(max(s.order for s in p.b), i) for i, p in enumerate(pairs) if p.b and not p.moved]
    orders = [order for order, _ in in_sequence]
    positions: dict[int, list[int]] = {}
    for index, pair in enumerate(pairs):
        if not (pair.moved and pair.a and pair.b):
            continue
        k = bisect.bisect_left(orders, min(s.order for s in pair.b))
        after = in_sequence[k - 1][1] if k > 0 else -1
        positions.setdefault(after, []).append(index)
    return positions


def _foldable(item: TableItem) -> bool:
    return isinstance(item, RowView) and item.status_key == Status.UNCHANGED.value and not item.moved


def _bodies(items: Sequence[TableItem], unchanged: str = "unchanged") -> tuple[BodyView, ...]:
    """Cut the items into <tbody>s: each run of unchanged rows becomes a fold.

    `unchanged` is what the fold calls its rows ("identical" across languages).

    A run takes the heading rows between its rows, but not those above its first row,
    which stay in view and say where the fold is.
    """
    bodies: list[BodyView] = []
    plain: list[TableItem] = []
    i, n = 0, len(items)
    while i < n:
        if not _foldable(items[i]):
            plain.append(items[i])
            i += 1
            continue
        last, k = i, i + 1
        while k < n and (_foldable(items[k]) or isinstance(items[k], HeaderRowView)):
            if _foldable(items[k]):
                last = k
            k += 1
        if plain:
            bodies.append(BodyView(fold=None, items=tuple(plain)))
            plain = []
        run = items[i : last + 1]
        bodies.append(BodyView(fold=_fold_view(len(bodies) + 1, run, unchanged), items=tuple(run)))
        i = last + 1
    if plain:
        bodies.append(BodyView(fold=None, items=tuple(plain)))
    return tuple(bodies)


def _fold_view(number: int, run: Sequence[TableItem], unchanged: str = "unchanged") -> FoldView:
    rows = [item for item in run if isinstance(item, RowView)]

    def label_range(side: Side) -> str:
        labels = [s.label for r in rows for s in (r.a if side == "a" else r.b).segments]
        if not labels:
            return ""
        return labels[0] if len(labels) == 1 else f"{labels[0]} – {labels[-1]}"

    return FoldView(
        id=f"fold-{number}",
        rows=len(rows),
        a_range=label_range("a"),
        b_range=label_range("b"),
        label=f"{len(rows)} {unchanged} row{'' if len(rows) == 1 else 's'}",
    )


def _cells(pair: Pair, languages: tuple[str | None, str | None] = (None, None)) -> tuple[CellView, CellView]:
    """Both sides' cells; diff markup only on a modified pair with a diff (an unchanged one, or
    one across languages, is plain)."""
    a_spans = b_spans = None
    if pair.diff is not None and pair.a and pair.b and pair.status != Status.UNCHANGED:
        a_spans, b_spans = _side_spans(pair.diff)
    return _cell("a", pair.a, a_spans, languages[0]), _cell("b", pair.b, b_spans, languages[1])


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


def _cell(
    side: Side, segments: Sequence[Segment], spans: list[SpanView] | None, lang: str | None = None
) -> CellView:
    texts = [normalise_for_diff(seg.text) for seg in segments]
    per_segment = _split_spans(spans, texts) if spans is not None else None
    views = []
    for i, seg in enumerate(segments):
        seg_spans = per_segment[i] if per_segment is not None else (SpanView("eq", texts[i]),)
        views.append(SegmentView(data_seg=f"{side}:{seg.id}", label=seg.label, spans=seg_spans))
    return CellView(side=side, segments=tuple(views), lang=lang)


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
    """Remembers one side's current hierarchy to show only where it changes.

    The first appearance of each heading gets an anchor: `article_anchor` for an article
    line, `heading_anchor` for a chapter, section or other heading above articles.
    """

    def __init__(self, side: Side) -> None:
        self.side = side
        self.current: tuple[str, ...] = ()
        self.anchored: set[str] = set()
        self.headings_seen: set[tuple[str, ...]] = set()

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
                        anchor if is_article_line else self._heading_anchor(hierarchy[: depth + 1]),
                        f"#{link}" if is_article_line else None,
                    )
                )
            if anchor is not None and hierarchy:
                self.anchored.add(anchor)
            self.current = hierarchy
        return tuple(lines)

    def _heading_anchor(self, prefix: tuple[str, ...]) -> str | None:
        """An anchor on a heading's first appearance; none after, or if the id is taken."""
        if prefix in self.headings_seen:
            return None
        self.headings_seen.add(prefix)
        anchor = heading_anchor(self.side, prefix)
        if anchor in self.anchored:
            return None
        self.anchored.add(anchor)
        return anchor


def _common_prefix_length(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
