"""JSON exports: a comparison (schema treatydiff.alignment/1) and a positions run
(schema treatydiff.positions/1), both documented in docs/json-export.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .records import (
    ClaimVerdict,
    Comparison,
    Pair,
    Positions,
    ProvisionLink,
    Segment,
    SegmentedDocument,
    Verdict,
)

SCHEMA = "treatydiff.alignment/1"


def comparison_to_dict(comparison: Comparison) -> dict[str, Any]:
    """The export as plain data; `schema` is the first key so readers can sniff it."""
    return {
        "schema": SCHEMA,
        "level": comparison.level.value,
        "model": comparison.model,
        "thresholds": dict(comparison.thresholds),
        "a": _document_dict(comparison.a),
        "b": _document_dict(comparison.b),
        "pairs": [_pair_dict(p) for p in comparison.pairs],
    }


def comparison_to_json(comparison: Comparison) -> str:
    return json.dumps(comparison_to_dict(comparison), ensure_ascii=False, indent=1) + "\n"


def _document_dict(seg: SegmentedDocument) -> dict[str, Any]:
    doc = seg.document
    return {
        "title": doc.title,
        "short_title": doc.short_title,
        "source": doc.meta.get("source") or doc.path,
        "path": doc.path,
        "kind": doc.kind,
        "language": doc.language,
        "segments": [_segment_dict(s) for s in seg.segments],
    }


def _segment_dict(s: Segment) -> dict[str, Any]:
    return {
        "id": s.id,
        "label": s.label,
        "kind": s.kind,
        "article": s.article,
        "article_title": s.article_title,
        "path": list(s.path),
        "text": s.text,
        "start": s.start,
        "end": s.end,
    }


def _pair_dict(p: Pair) -> dict[str, Any]:
    return {
        "id": p.id,
        "a": [s.id for s in p.a],
        "b": [s.id for s in p.b],
        "status": p.status.value,
        "moved": p.moved,
        "score": p.score,
        "semantic": p.semantic,
        "lexical": p.lexical,
        "words_added": p.diff.words_added if p.diff else 0,
        "words_removed": p.diff.words_removed if p.diff else 0,
    }


# ---------------------------------------------------------------------------------------------
# Positions (schema treatydiff.positions/1)
# ---------------------------------------------------------------------------------------------

POSITIONS_SCHEMA = "treatydiff.positions/1"
_VERDICT_RANK = {Verdict.NOT_ADDRESSED: 0, Verdict.PARTLY_ADDRESSED: 1, Verdict.ADDRESSED: 2}


def treaty_keys(positions: Positions) -> list[str]:
    """Stable keys of the treaties in a positions run: t1, t2, …"""
    return [f"t{n}" for n in range(1, len(positions.treaties) + 1)]


def claim_verdict(verdicts: Sequence[ClaimVerdict]) -> Verdict:
    """A claim's verdict over several treaties: the most that any of them addresses it."""
    return max((v.verdict for v in verdicts), key=_VERDICT_RANK.__getitem__, default=Verdict.NOT_ADDRESSED)


def positions_to_dict(positions: Positions) -> dict[str, Any]:
    """Claims with, per treaty, a verdict and the ranked provisions.

    `verdict` and `links` at the claim level sum up all treaties: the strongest verdict, and
    every treaty's links ranked by score (each link names its treaty). With one treaty they
    are that treaty's own.
    """
    keys = treaty_keys(positions)
    news = positions.news
    claims = []
    for index, claim in enumerate(positions.claims):
        per_treaty = [positions.verdicts[t][index] for t in range(len(keys))]
        links = [_link_dict(link, keys[t]) for t, verdict in enumerate(per_treaty) for link in verdict.links]
        links.sort(key=lambda link: -link["score"])
        for rank, link in enumerate(links, start=1):
            link["rank"] = rank
        claims.append(
            {
                "id": claim.id,
                "text": claim.text,
                "speaker": claim.speaker,
                "speaker_mention": claim.speaker_mention,
                "start": claim.start,
                "end": claim.end,
                "focus": claim.focus,
                "cue": claim.cue,
                "parent": claim.parent,
                "verdict": claim_verdict(per_treaty).value,
                "links": links,
                "treaties": {
                    keys[t]: {
                        "verdict": v.verdict.value,
                        "score": v.score,
                        "links": [_link_dict(link, keys[t]) for link in v.links],
                    }
                    for t, v in enumerate(per_treaty)
                },
            }
        )
    return {
        "schema": POSITIONS_SCHEMA,
        "model": positions.model,
        "thresholds": dict(positions.thresholds),
        "news": {
            "title": news.title,
            "source": news.meta.get("source") or news.meta.get("url") or news.path,
            "path": news.path,
            "kind": news.kind,
            "language": news.language,
            "date": news.meta.get("date"),
            "publisher": news.meta.get("publisher"),
            "text": news.text,
        },
        "treaties": [
            {"key": key, **_document_dict(unit)} for key, unit in zip(keys, positions.treaties, strict=True)
        ],
        "claims": claims,
    }


def positions_to_json(positions: Positions) -> str:
    return json.dumps(positions_to_dict(positions), ensure_ascii=False, indent=1) + "\n"


def _link_dict(link: ProvisionLink, treaty: str) -> dict[str, Any]:
    return {
        "treaty": treaty,
        "segment": link.segment.id,
        "label": link.segment.label,
        "article": link.segment.article,
        "score": link.score,
        "semantic": link.semantic,
        "lexical": link.lexical,
        "rank": link.rank,
    }
