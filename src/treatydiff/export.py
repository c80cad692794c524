"""JSON export of a comparison (schema treatydiff.alignment/1, documented in docs/json-export.md)."""

from __future__ import annotations

import json
from typing import Any

from .records import Comparison, Pair, Segment, SegmentedDocument

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
