"""JSON exports: a comparison (schema treatydiff.alignment/1) and a positions run
(schema treatydiff.positions/1), both documented in docs/json-export.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from .errors import InputError
from .records import (
    ClaimVerdict,
    Comparison,
    Level,
    Pair,
    Positions,
    ProvisionLink,
    Segment,
    SegmentedDocument,
    Status,
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
        "languages": {"a": comparison.languages[0], "b": comparison.languages[1]},
        "cross_language": comparison.cross_language,
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
# Reading an alignment export back
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedSegment:
    id: str
    label: str
    kind: str
    article: str | None
    article_title: str | None
    path: tuple[str, ...]
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class ExportedDocument:
    title: str
    short_title: str
    source: str
    path: str
    kind: str
    language: str
    segments: tuple[ExportedSegment, ...]


@dataclass(frozen=True)
class ExportedPair:
    id: str
    a: tuple[str, ...]
    b: tuple[str, ...]
    status: Status
    moved: bool
    score: float
    semantic: float
    lexical: float
    words_added: int
    words_removed: int


@dataclass(frozen=True)
class AlignmentExport:
    """A `treatydiff.alignment/1` file as typed records, for tools that read the export."""

    level: Level
    model: str
    thresholds: dict[str, float]
    a: ExportedDocument
    b: ExportedDocument
    pairs: tuple[ExportedPair, ...]
    # {"a": "en", "b": "nl"}; None for an export written before languages were recorded.
    languages: dict[str, str | None] | None = None
    cross_language: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The export's dictionary again: `read_alignment(json.dumps(d)).to_dict() == d`."""
        data = asdict(self)  # tuples stay tuples: JSON has lists
        if self.languages is None:  # an older export: give back what it had
            del data["languages"], data["cross_language"]
        for side in ("a", "b"):
            data[side]["segments"] = [{**s, "path": list(s["path"])} for s in data[side]["segments"]]
        data["pairs"] = [
            {**p, "a": list(p["a"]), "b": list(p["b"]), "status": p["status"].value} for p in data["pairs"]
        ]
        return {"schema": SCHEMA, **data, "level": self.level.value}


def read_alignment(text: str) -> AlignmentExport:
    """Parse a `treatydiff.alignment/1` export.

    Raises:
        InputError: not JSON, another schema, or a field missing or of the wrong type.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"not a JSON file ({exc})") from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise InputError(f"not a {SCHEMA} export (schema {found!r})")
    try:
        return AlignmentExport(
            level=Level(data["level"]),
            model=str(data["model"]),
            thresholds={str(k): float(v) for k, v in data["thresholds"].items()},
            a=_read_document(data["a"]),
            b=_read_document(data["b"]),
            pairs=tuple(_read_pair(p) for p in data["pairs"]),
            **_read_languages(data),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"malformed {SCHEMA} export: {type(exc).__name__}: {exc}") from None


def _read_languages(data: dict[str, Any]) -> dict[str, Any]:
    """`languages` and `cross_language`, which exports before them lack."""
    if "languages" not in data:
        return {}
    languages, cross_language = data["languages"], data["cross_language"]
    if not isinstance(languages, dict) or set(languages) != {"a", "b"}:
        raise ValueError(f"languages must map a and b to codes, not {languages!r}")
    if not all(code is None or isinstance(code, str) for code in languages.values()):
        raise TypeError(f"a language code must be a string or null, not {languages!r}")
    if not isinstance(cross_language, bool):
        raise TypeError(f"cross_language must be true or false, not {cross_language!r}")
    return {"languages": {"a": languages["a"], "b": languages["b"]}, "cross_language": cross_language}


def _read_document(data: dict[str, Any]) -> ExportedDocument:
    segments = tuple(
        ExportedSegment(
            id=str(s["id"]),
            label=str(s["label"]),
            kind=str(s["kind"]),
            article=s["article"],
            article_title=s["article_title"],
            path=tuple(str(p) for p in s["path"]),
            text=str(s["text"]),
            start=int(s["start"]),
            end=int(s["end"]),
        )
        for s in data["segments"]
    )
    return ExportedDocument(
        title=str(data["title"]),
        short_title=str(data["short_title"]),
        source=str(data["source"]),
        path=str(data["path"]),
        kind=str(data["kind"]),
        language=str(data["language"]),
        segments=segments,
    )


def _read_pair(data: dict[str, Any]) -> ExportedPair:
    return ExportedPair(
        id=str(data["id"]),
        a=tuple(str(x) for x in data["a"]),
        b=tuple(str(x) for x in data["b"]),
        status=Status(data["status"]),
        moved=bool(data["moved"]),
        score=float(data["score"]),
        semantic=float(data["semantic"]),
        lexical=float(data["lexical"]),
        words_added=int(data["words_added"]),
        words_removed=int(data["words_removed"]),
    )


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
