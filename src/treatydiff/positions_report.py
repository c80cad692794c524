"""Self-contained HTML report of a positions run: what a news piece claims, and where treaties say it.

The page has, in order: the piece and the treaties; a summary per treaty; the positions
table (claim, speaker, a verdict per treaty with the best provisions, their scores and
excerpts); the piece with its claims marked; and each treaty's text, where the provisions
the piece talks about are marked and link back to the claims. Python prepares a typed,
frozen context; the template only loops and prints, with autoescaping. The page makes no
request and runs no script: its Content-Security-Policy allows only its own style.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .diffing import normalise_for_diff
from .export import claim_verdict, treaty_keys
from .records import Claim, ClaimVerdict, Positions, Segment, Verdict
from .report import _generated_note, _package_text, build_environment, content_security_policy
from .segments import split_paragraphs

TEMPLATE_NAME = "positions.html.j2"
_CSS_NAME = "positions.css"
EXCERPT_CHARS = 220
LINKS_SHOWN = 3
_WHITESPACE = re.compile(r"\s+")

_VERDICT_DISPLAY = {
    Verdict.ADDRESSED: ("●", "addressed"),
    Verdict.PARTLY_ADDRESSED: ("◐", "partly addressed"),
    Verdict.NOT_ADDRESSED: ("○", "not addressed"),
}


@dataclass(frozen=True)
class TreatyView:
    key: str
    title: str
    short_title: str
    source: str
    provision_count: int
    addressed: int
    partly: int
    not_addressed: int
    talked_about: int  # provisions that are the best link of an addressed or partly addressed claim


@dataclass(frozen=True)
class LinkView:
    label: str
    href: str
    score: str
    excerpt: str


@dataclass(frozen=True)
class VerdictCellView:
    treaty: str
    key: str  # css class: addressed | partly_addressed | not_addressed
    icon: str
    label: str
    score: str
    links: tuple[LinkView, ...]


@dataclass(frozen=True)
class ClaimRowView:
    id: str
    anchor: str
    text: str
    speaker: str
    mention: str | None  # as printed, when it differs from the speaker
    cue: str
    parent: str | None
    parent_href: str | None
    in_text_href: str
    verdict_key: str
    cells: tuple[VerdictCellView, ...]


@dataclass(frozen=True)
class TextPieceView:
    text: str
    claims: str  # space-separated claim ids covering this piece; "" for unmarked text
    href: str | None  # the claim's row, for a marked piece
    anchors: tuple[str, ...]  # claim anchors that start here


@dataclass(frozen=True)
class ParagraphView:
    pieces: tuple[TextPieceView, ...]


@dataclass(frozen=True)
class ClaimRefView:
    id: str
    href: str
    verdict_key: str


@dataclass(frozen=True)
class ProvisionView:
    anchor: str
    label: str
    heading: str | None  # the article heading, on the first paragraph of an article
    text: str
    claims: tuple[ClaimRefView, ...]  # claims whose best link, addressed or partly, is here


@dataclass(frozen=True)
class TreatyTextView:
    key: str
    title: str
    provisions: tuple[ProvisionView, ...]


@dataclass(frozen=True)
class PositionsContext:
    title: str
    news_title: str
    news_source: str
    news_origin: str | None
    news_date: str | None
    news_publisher: str | None
    cleaned_by: str | None  # the converter that cleaned a raw file on the fly
    model: str
    thresholds: tuple[tuple[str, str], ...]
    generated_note: str
    warnings: tuple[str, ...]
    treaties: tuple[TreatyView, ...]
    claims: tuple[ClaimRowView, ...]
    paragraphs: tuple[ParagraphView, ...]
    treaty_texts: tuple[TreatyTextView, ...]
    csp: str
    css: Markup


def render_positions_report(positions: Positions) -> str:
    env = build_environment()
    return env.get_template(TEMPLATE_NAME).render(ctx=build_positions_context(positions))


def build_positions_context(positions: Positions) -> PositionsContext:
    env = build_environment()
    css = _package_text(env, _CSS_NAME)
    keys = treaty_keys(positions)
    news = positions.news
    referenced = _referenced_provisions(positions, keys)
    treaties = tuple(
        _treaty_view(
            key,
            unit.document.title,
            unit.document.short_title,
            unit.document.path,
            len(unit.segments),
            positions.verdicts[t],
            referenced[key],
        )
        for t, (key, unit) in enumerate(zip(keys, positions.treaties, strict=True))
    )
    by_id = {c.id: c for c in positions.claims}
    rows = tuple(
        _claim_row(claim, [positions.verdicts[t][i] for t in range(len(keys))], keys, treaties, by_id)
        for i, claim in enumerate(positions.claims)
    )
    origin = news.meta.get("source") or news.meta.get("url")
    return PositionsContext(
        title=f"treatydiff positions: {news.short_title}",
        news_title=news.title,
        news_source=news.path,
        news_origin=origin if origin and origin != news.path else None,
        news_date=news.meta.get("date"),
        news_publisher=news.meta.get("publisher"),
        cleaned_by=news.meta.get("converter"),
        model=positions.model,
        thresholds=tuple((name, f"{value:g}") for name, value in sorted(positions.thresholds.items())),
        generated_note=_generated_note(),
        warnings=positions.warnings,
        treaties=treaties,
        claims=rows,
        paragraphs=_news_paragraphs(news.text, news.body_start, positions.claims),
        treaty_texts=tuple(
            _treaty_text(key, unit.document.title, unit.segments, referenced[key])
            for key, unit in zip(keys, positions.treaties, strict=True)
        ),
        csp=content_security_policy(script=None, css=css),
        css=Markup(css),
    )


def provision_anchor(treaty: str, segment: Segment) -> str:
    return f"{treaty}-{segment.id}"


def claim_anchor(claim_id: str) -> str:
    return f"claim-{claim_id}"


def _referenced_provisions(
    positions: Positions, keys: Sequence[str]
) -> dict[str, dict[str, list[ClaimRefView]]]:
    """Per treaty, segment id -> the claims whose best link, addressed or partly, is that segment."""
    referenced: dict[str, dict[str, list[ClaimRefView]]] = {key: defaultdict(list) for key in keys}
    for t, key in enumerate(keys):
        for verdict in positions.verdicts[t]:
            if verdict.verdict is Verdict.NOT_ADDRESSED or not verdict.links:
                continue
            best = verdict.links[0].segment
            referenced[key][best.id].append(
                ClaimRefView(verdict.claim_id, f"#{claim_anchor(verdict.claim_id)}", verdict.verdict.value)
            )
    return referenced


def _treaty_view(
    key: str,
    title: str,
    short_title: str,
    source: str,
    provision_count: int,
    verdicts: Sequence[ClaimVerdict],
    referenced: dict[str, list[ClaimRefView]],
) -> TreatyView:
    counts = {v: sum(1 for x in verdicts if x.verdict is v) for v in Verdict}
    return TreatyView(
        key=key,
        title=title,
        short_title=short_title,
        source=source,
        provision_count=provision_count,
        addressed=counts[Verdict.ADDRESSED],
        partly=counts[Verdict.PARTLY_ADDRESSED],
        not_addressed=counts[Verdict.NOT_ADDRESSED],
        talked_about=len(referenced),
    )


def _claim_row(
    claim: Claim,
    verdicts: Sequence[ClaimVerdict],
    keys: Sequence[str],
    treaties: Sequence[TreatyView],
    by_id: dict[str, Claim],
) -> ClaimRowView:
    cells = []
    for key, treaty, verdict in zip(keys, treaties, verdicts, strict=True):
        icon, label = _VERDICT_DISPLAY[verdict.verdict]
        links = tuple(
            LinkView(
                label=link.segment.label,
                href=f"#{provision_anchor(key, link.segment)}",
                score=f"{link.score:.2f}",
                excerpt=_excerpt(link.segment.text),
            )
            for link in verdict.links[:LINKS_SHOWN]
        )
        cells.append(
            VerdictCellView(
                treaty.short_title, verdict.verdict.value, icon, label, f"{verdict.score:.2f}", links
            )
        )
    speaker = claim.speaker or "unattributed"
    mention = claim.speaker_mention
    plain = re.sub(r"^(?:the|a|an)\s+", "", mention.strip(), flags=re.I).lower() if mention else ""
    shown_mention = mention if mention and plain != speaker.lower() else None  # "the ministry", not "The X"
    parent = by_id.get(claim.parent) if claim.parent else None
    return ClaimRowView(
        id=claim.id,
        anchor=claim_anchor(claim.id),
        text=normalise_for_diff(claim.text),
        speaker=speaker,
        mention=shown_mention,
        cue=claim.cue,
        parent=parent.id if parent else None,
        parent_href=f"#{claim_anchor(parent.id)}" if parent else None,
        in_text_href=f"#in-text-{claim.id}",
        verdict_key=claim_verdict(verdicts).value,
        cells=tuple(cells),
    )


def _excerpt(text: str) -> str:
    flat = normalise_for_diff(text)
    if len(flat) <= EXCERPT_CHARS:
        return flat
    cut = flat.rfind(" ", 0, EXCERPT_CHARS)
    return flat[: cut if cut > EXCERPT_CHARS // 2 else EXCERPT_CHARS] + " …"


def _news_paragraphs(text: str, body_start: int, claims: Sequence[Claim]) -> tuple[ParagraphView, ...]:
    """The piece's paragraphs, cut where claims start and end, each piece knowing its claims."""
    paragraphs = []
    body = text[body_start:]
    for start, end in split_paragraphs(body):
        start, end = start + body_start, end + body_start
        if text[start:end].lstrip().startswith("#"):
            continue
        inside = [c for c in claims if c.start < end and start < c.end]
        cuts = sorted(
            {start, end, *(max(start, c.start) for c in inside), *(min(end, c.end) for c in inside)}
        )
        pieces = []
        for left, right in zip(cuts, cuts[1:], strict=False):
            covering = [c for c in inside if c.start <= left and right <= c.end]
            innermost = min(covering, key=lambda c: c.end - c.start) if covering else None
            pieces.append(
                TextPieceView(
                    text=_WHITESPACE.sub(" ", text[left:right]),
                    claims=" ".join(c.id for c in covering),
                    href=f"#{claim_anchor(innermost.id)}" if innermost else None,
                    anchors=tuple(f"in-text-{c.id}" for c in inside if c.start == left),
                )
            )
        paragraphs.append(ParagraphView(tuple(pieces)))
    return tuple(paragraphs)


def _treaty_text(
    key: str, title: str, segments: Sequence[Segment], referenced: dict[str, list[ClaimRefView]]
) -> TreatyTextView:
    provisions = []
    previous_article: str | None = None
    for segment in segments:
        heading = None
        if segment.article != previous_article:
            heading = next((p for p in segment.path if p.startswith(("Article", "Artikel"))), None)
        previous_article = segment.article
        provisions.append(
            ProvisionView(
                anchor=provision_anchor(key, segment),
                label=segment.label,
                heading=heading,
                text=normalise_for_diff(segment.text),
                claims=tuple(referenced.get(segment.id, ())),
            )
        )
    return TreatyTextView(key, title, tuple(provisions))
