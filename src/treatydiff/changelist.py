"""The change list: one row per article of A with its counterparts in B, and its exports.

A comparison's pairs link segments (articles, paragraphs or sentences); a lawyer reads by
article. This module rolls the pairs up to *provisions*, the units a reader cites:

- an article ("Article 6") or the preamble, for segments that belong to one;
- the top heading above a segment outside any article ("Final formula");
- otherwise the paragraph a segment comes from ("Paragraph 4", in prose).

Each provision of A gets one `ChangeRow` with the provisions of B its segments are aligned
with; each provision of B with no counterpart at all gets a row too, placed in B's order.
The figures of a row are read off the pairs and documented on `ChangeRow`, so they can be
recomputed from the JSON export (`treatydiff.export.comparison_to_dict`).

Pure functions: no I/O. The report shows the same rows; `change_list_csv` and
`change_list_markdown` turn them into files to keep or to paste into a memo.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from typing import Literal

from treatydiff.diffing import count_words, normalise_for_diff
from treatydiff.languages import language_name
from treatydiff.records import Comparison, Pair, Segment, SegmentDiff, SegmentedDocument, Status

__all__ = [
    "ChangeModel",
    "ChangeRow",
    "Correspondence",
    "Provision",
    "article_anchor",
    "build_change_model",
    "change_list",
    "change_list_csv",
    "change_list_markdown",
    "cross_language_note",
    "heading_anchor",
    "join_labels",
    "pair_anchors",
    "pairs_covering_every_segment",
    "provision_key",
    "provisions",
    "status_label",
]

Side = Literal["a", "b"]

# How many substitutions a summary quotes, and how long a quoted phrase may be (words).
_MAX_QUOTES = 2
_MAX_QUOTE_WORDS = 6

_STATUS_LABELS = {
    Status.UNCHANGED: "unchanged",
    Status.MODIFIED: "modified",
    Status.ONLY_A: "only in A",
    Status.ONLY_B: "only in B",
}
# Across languages a linked pair is a counterpart, not an edit; the same text is rare and telling
# (a passage left untranslated).
_CROSS_LANGUAGE_LABELS = {**_STATUS_LABELS, Status.UNCHANGED: "identical", Status.MODIFIED: "aligned"}


def status_label(status: Status, *, cross_language: bool = False) -> str:
    """The words for a status: "unchanged", "modified", "only in A", "only in B".

    Between documents in different languages, "identical" and "aligned" stand for the first two.
    """
    return (_CROSS_LANGUAGE_LABELS if cross_language else _STATUS_LABELS)[status]


def cross_language_note(comparison: Comparison, *, side_by_side: bool = False) -> str | None:
    """Why a comparison across languages has no word diff, to say once above its rows.

    None when A and B are in the same language (or one language is unknown).
    """
    if not comparison.cross_language:
        return None
    a, b = (language_name(code or "?") for code in comparison.languages)
    shown = "are shown side by side without a word diff" if side_by_side else "are not diffed word by word"
    return (
        f"A is in {a} and B in {b}: aligned provisions {shown}, because a word diff across "
        "languages would mark every word as changed. Scores are the model's cross-language "
        "similarity; words added and removed count only text without a counterpart."
    )


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Provision:
    """A unit a reader cites: an article, the preamble, a headed block or a paragraph."""

    side: Side
    key: str  # unique on its side: "art:6", "head:Final formula", "seg:p4"
    number: str | None  # the article number as printed ("6", "preamble"); None if not an article
    label: str  # "Article 6", "Preamble", "Final formula", "Paragraph 4"
    title: str | None  # the article's heading text, "Misuse of devices"
    anchor: str  # id of its place in the report: "a-art-6", "a-h-final-formula" or a pair's id
    order: int  # 0-based position among its side's provisions
    segment_ids: tuple[str, ...]
    words: int

    @property
    def heading(self) -> str:
        """ "Article 6 – Misuse of devices", or just the label."""
        return f"{self.label} – {self.title}" if self.title else self.label


@dataclass(frozen=True)
class ChangeRow:
    """One provision and what became of it.

    For a provision of A: `counterparts` are the provisions of B that hold a segment aligned
    with one of its segments. A row of a provision of B (`side == "b"`) is one that nothing
    in A is aligned with (status ONLY_B).

    Figures:
    - `status`: ONLY_A/ONLY_B when no segment has a counterpart; UNCHANGED when every pair
      the provision takes part in is unchanged; MODIFIED otherwise.
    - `moved`: one of its pairs is marked moved.
    - `semantic`: the mean semantic score of its two-sided pairs, weighted by the words of
      this provision in each; None for a one-sided row.
    - `words_added` / `words_removed`: the words inserted and deleted in the word diffs of
      its two-sided pairs (a pair shared with other provisions counts in each of their rows),
      plus the words of its own segments that have no counterpart (removed), plus the words
      of the unaligned segments of a counterpart that is this row's alone (added). A one-sided
      row counts its whole text as removed (A) or added (B). Across languages (`cross_language`)
      pairs have no word diff, so only the words without a counterpart count.
    """

    side: Side
    provision: Provision
    counterparts: tuple[Provision, ...]
    status: Status
    moved: bool
    semantic: float | None
    words_added: int
    words_removed: int
    summary: str
    pair_ids: tuple[str, ...]  # anchors of the report rows it takes part in, in display order
    merged_with: tuple[Provision, ...] = ()  # other provisions of the same side sharing a counterpart
    cross_language: bool = False  # A and B are in different languages: statuses read "aligned"

    @property
    def status_label(self) -> str:
        return status_label(self.status, cross_language=self.cross_language)

    @property
    def a(self) -> Provision | None:
        return self.provision if self.side == "a" else None

    @property
    def b(self) -> tuple[Provision, ...]:
        return self.counterparts if self.side == "a" else (self.provision,)

    @property
    def href(self) -> str:
        return f"#{self.provision.anchor}"

    @property
    def words_changed(self) -> int:
        return self.words_added + self.words_removed

    @property
    def changed(self) -> bool:
        """A change a reader steps to. Across languages, where every aligned provision differs
        word for word, that is a move or text without a counterpart."""
        if self.cross_language:
            one_sided = self.status in (Status.ONLY_A, Status.ONLY_B)
            return self.moved or one_sided or bool(self.words_added or self.words_removed)
        return self.status != Status.UNCHANGED or self.moved


@dataclass(frozen=True)
class Correspondence:
    """A line of the map: a provision of A aligned with a provision of B."""

    a: Provision
    b: Provision
    semantic: float  # word-weighted mean over the pairs linking them
    status: Status  # UNCHANGED if every pair linking them is, else MODIFIED
    moved: bool
    pair_id: str  # the first pair linking them, in display order


@dataclass(frozen=True)
class ChangeModel:
    """Everything the report and the exports read, computed once from a Comparison."""

    pairs: tuple[Pair, ...]  # the comparison's pairs plus one-sided ones for left-out segments
    anchors: tuple[str, ...]  # unique element id of each pair's row, parallel to `pairs`
    notices: tuple[str, ...]
    provisions_a: tuple[Provision, ...]
    provisions_b: tuple[Provision, ...]
    rows: tuple[ChangeRow, ...]
    links: tuple[Correspondence, ...]
    cross_language: bool = False  # A and B are in different languages (`Comparison.cross_language`)


# ---------------------------------------------------------------- anchors

_ANCHOR_UNSAFE_RE = re.compile(r"[^A-Za-z0-9_-]+")
_ID_SPACES_RE = re.compile(r"\s+")  # an HTML id may hold anything but whitespace
# Ids the report gives its own elements; a pair id that could collide is prefixed.
_RESERVED_PREFIXES = ("a-", "b-", "mv-", "fold-", "cl-", "r-")


def _slug(text: str) -> str:
    return _ANCHOR_UNSAFE_RE.sub("-", text.strip()).strip("-").lower() or "x"


def article_anchor(side: Side, article: str) -> str:
    """Anchor id of an article on one side: "a-art-6", "b-art-7", "a-art-preamble"."""
    slug = _ANCHOR_UNSAFE_RE.sub("-", article.strip()).strip("-") or "x"
    return f"{side}-art-{slug}"


def heading_anchor(side: Side, hierarchy: Sequence[str]) -> str:
    """Anchor id of a heading above articles, from the headings down to it.

    Each heading contributes the part before its dash ("Chapter II – Measures…" gives
    "chapter-ii"), so sections numbered again in each chapter stay distinct:
    "a-h-chapter-ii-section-1".
    """
    parts = [_slug(re.split(r"\s[–—-]\s|:", normalise_for_diff(h), maxsplit=1)[0])[:40] for h in hierarchy]
    return f"{side}-h-" + "-".join(parts)


def pair_anchors(pairs: Sequence[Pair]) -> tuple[str, ...]:
    """A unique element id per pair: its own id, or "pair-N" for a pair without one."""
    used: set[str] = set()
    anchors = []
    for index, pair in enumerate(pairs):
        wanted = _ID_SPACES_RE.sub("-", pair.id.strip())
        if not wanted:
            wanted = f"pair-{index + 1}"
        elif wanted.startswith(_RESERVED_PREFIXES):
            wanted = f"pair-{wanted}"
        candidate, n = wanted, 1
        while candidate in used:
            n += 1
            candidate = f"{wanted}-{n}"
        used.add(candidate)
        anchors.append(candidate)
    return tuple(anchors)


# ---------------------------------------------------------------- pairs


def pairs_covering_every_segment(comparison: Comparison) -> tuple[tuple[Pair, ...], tuple[str, ...]]:
    """The comparison's pairs, plus one-sided pairs for segments the alignment left out.

    Every segment must appear in the report; a gap is an upstream bug: show it, with a notice.
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


# ---------------------------------------------------------------- provisions


def provision_key(seg: Segment) -> tuple[str, str, str | None]:
    """(key, label, article number) of the provision a segment belongs to."""
    if seg.article is not None:
        label = "Preamble" if seg.article == "preamble" else f"Article {seg.article}"
        return f"art:{seg.article}", label, seg.article
    if seg.path:
        head = normalise_for_diff(seg.path[0]) or seg.path[0]
        return f"head:{head}", head, None
    base = seg.id.split(".", 1)[0]
    return f"seg:{base}", seg.label.split(",", 1)[0], None


def provisions(
    segmented: SegmentedDocument, side: Side, anchors_by_segment: dict[str, str]
) -> tuple[Provision, ...]:
    """One side's provisions in document order.

    `anchors_by_segment` gives, for each segment id, the anchor of the first report row
    it is in; a provision that is neither an article nor headed is reached that way.
    """
    groups: dict[str, list[Segment]] = {}
    meta: dict[str, tuple[str, str | None]] = {}
    for seg in sorted(segmented.segments, key=lambda s: s.order):
        key, label, number = provision_key(seg)
        groups.setdefault(key, []).append(seg)
        meta.setdefault(key, (label, number))
    result = []
    for order, (key, segs) in enumerate(groups.items()):
        label, number = meta[key]
        if number is not None:
            anchor = article_anchor(side, number)
        elif key.startswith("head:"):
            anchor = heading_anchor(side, (key[5:],))
        else:
            anchor = anchors_by_segment.get(segs[0].id, "")
        title = next((normalise_for_diff(t) for t in map(_title_of, segs) if t), None)
        result.append(
            Provision(
                side=side,
                key=key,
                number=number,
                label=label,
                title=title or None,
                anchor=anchor,
                order=order,
                segment_ids=tuple(s.id for s in segs),
                words=sum(count_words(s.text) for s in segs),
            )
        )
    return tuple(result)


_HEADING_TITLE_RE = re.compile(r"^\s*(?:article|art\.)\s+\S+\s*[–—:-]\s*(.+)$", re.IGNORECASE)


def _title_of(seg: Segment) -> str | None:
    """An article's title: `article_title`, or what follows the dash in its heading."""
    if seg.article_title:
        return seg.article_title
    match = _HEADING_TITLE_RE.match(seg.heading or "")
    return match.group(1) if match else None


# ---------------------------------------------------------------- the model


def change_list(comparison: Comparison) -> tuple[ChangeRow, ...]:
    """The change list of a comparison: A's provisions in order, B-only ones in B's order."""
    return build_change_model(comparison).rows


def build_change_model(comparison: Comparison) -> ChangeModel:
    """Roll the pairs of a comparison up to provisions: rows, map links and anchors."""
    pairs, notices = pairs_covering_every_segment(comparison)
    anchors = pair_anchors(pairs)
    first_row: dict[tuple[Side, str], str] = {}
    for pair, anchor in zip(pairs, anchors, strict=True):
        for seg in pair.a:
            first_row.setdefault(("a", seg.id), anchor)
        for seg in pair.b:
            first_row.setdefault(("b", seg.id), anchor)
    prov_a = provisions(comparison.a, "a", {k[1]: v for k, v in first_row.items() if k[0] == "a"})
    prov_b = provisions(comparison.b, "b", {k[1]: v for k, v in first_row.items() if k[0] == "b"})
    builder = _Builder(comparison, pairs, anchors, prov_a, prov_b)
    return ChangeModel(
        pairs=pairs,
        anchors=anchors,
        notices=notices,
        provisions_a=prov_a,
        provisions_b=prov_b,
        rows=builder.rows(),
        links=builder.links(),
        cross_language=comparison.cross_language,
    )


class _Builder:
    """Indexes pairs by provision once; builds the rows and the map links."""

    def __init__(
        self,
        comparison: Comparison,
        pairs: Sequence[Pair],
        anchors: Sequence[str],
        prov_a: Sequence[Provision],
        prov_b: Sequence[Provision],
    ) -> None:
        self.comparison = comparison
        self.cross_language = comparison.cross_language
        self.pairs = pairs
        self.anchors = anchors
        self.prov_a, self.prov_b = prov_a, prov_b
        self.of_a = {sid: p for p in prov_a for sid in p.segment_ids}
        self.of_b = {sid: p for p in prov_b for sid in p.segment_ids}
        self.kinds = {("a", s.id): s.kind for s in comparison.a.segments} | {
            ("b", s.id): s.kind for s in comparison.b.segments
        }
        self.words = {("a", s.id): count_words(s.text) for s in comparison.a.segments} | {
            ("b", s.id): count_words(s.text) for s in comparison.b.segments
        }
        # pair indices touching each provision, in display order
        self.touch_a: dict[str, list[int]] = {p.key: [] for p in prov_a}
        self.touch_b: dict[str, list[int]] = {p.key: [] for p in prov_b}
        for index, pair in enumerate(pairs):
            for key in dict.fromkeys(self.of_a[s.id].key for s in pair.a if s.id in self.of_a):
                self.touch_a[key].append(index)
            for key in dict.fromkeys(self.of_b[s.id].key for s in pair.b if s.id in self.of_b):
                self.touch_b[key].append(index)
        # which provisions of A each provision of B is aligned with
        self.a_of_b: dict[str, list[Provision]] = {p.key: [] for p in prov_b}
        for prov in prov_a:
            for cp in self._counterparts(prov):
                self.a_of_b[cp.key].append(prov)

    # -------------------------------------------------------- helpers

    def _two_sided(self, indices: Iterable[int]) -> list[int]:
        return [i for i in indices if self.pairs[i].a and self.pairs[i].b]

    def _counterparts(self, prov: Provision) -> tuple[Provision, ...]:
        found = {
            self.of_b[s.id].key: self.of_b[s.id]
            for i in self._two_sided(self.touch_a[prov.key])
            for s in self.pairs[i].b
            if s.id in self.of_b
        }
        return tuple(sorted(found.values(), key=lambda p: p.order))

    def _unaligned_words(self, side: Side, prov: Provision) -> tuple[int, int]:
        """(segments, words) of a provision that are in one-sided pairs."""
        touch = self.touch_a if side == "a" else self.touch_b
        ids = set(prov.segment_ids)
        segs = [
            s.id
            for i in touch[prov.key]
            if not (self.pairs[i].a and self.pairs[i].b)
            for s in (self.pairs[i].a or self.pairs[i].b)
            if s.id in ids
        ]
        return len(segs), sum(self.words[(side, sid)] for sid in segs)

    def _weighted_semantic(self, prov: Provision, indices: Sequence[int]) -> float:
        ids = set(prov.segment_ids)
        total = weight_sum = 0.0
        for i in indices:
            weight = max(1, sum(self.words[("a", s.id)] for s in self.pairs[i].a if s.id in ids))
            total += weight * self.pairs[i].semantic
            weight_sum += weight
        return total / weight_sum if weight_sum else 0.0

    # -------------------------------------------------------- rows

    def rows(self) -> tuple[ChangeRow, ...]:
        rows_a = [self._row_a(p) for p in self.prov_a]
        only_b = [self._row_b(p) for p in self.prov_b if not self.a_of_b[p.key]]
        return _interleave(rows_a, only_b)

    def _row_a(self, prov: Provision) -> ChangeRow:
        touching = self.touch_a[prov.key]
        two_sided = self._two_sided(touching)
        pair_ids = tuple(self.anchors[i] for i in touching)
        if not two_sided:
            return ChangeRow(
                side="a",
                provision=prov,
                counterparts=(),
                status=Status.ONLY_A,
                moved=False,
                semantic=None,
                words_added=0,
                words_removed=prov.words,
                summary="only in A: no counterpart found in B",
                pair_ids=pair_ids,
                cross_language=self.cross_language,
            )
        counterparts = self._counterparts(prov)
        pairs = [self.pairs[i] for i in two_sided]
        added = sum(p.diff.words_added for p in pairs if p.diff is not None)
        removed = sum(p.diff.words_removed for p in pairs if p.diff is not None)
        unaligned_segs, unaligned_words = self._unaligned_words("a", prov)
        removed += unaligned_words
        extra_notes: list[str] = []
        for cp in counterparts:
            cp_segs, cp_words = self._unaligned_words("b", cp)
            if not cp_words:
                continue
            if [p.key for p in self.a_of_b[cp.key]] == [prov.key]:
                added += cp_words
            else:
                extra_notes.append(
                    f"{cp.label} also has {_plural(cp_words, 'word')} with no counterpart in A"
                )
        merged = tuple(
            sorted(
                {o.key: o for cp in counterparts for o in self.a_of_b[cp.key] if o.key != prov.key}.values(),
                key=lambda p: p.order,
            )
        )
        own = set(prov.segment_ids)
        all_unchanged = all(self.pairs[i].status == Status.UNCHANGED for i in touching)
        status = Status.UNCHANGED if all_unchanged and not unaligned_segs else Status.MODIFIED
        moved = any(p.moved for p in pairs)
        summary = _summary(
            prov,
            counterparts,
            merged,
            moved=sum(1 for p in pairs if p.moved),
            total_pairs=len(pairs),
            shares_pairs=any(s.id not in own for p in pairs for s in p.a),
            added=added,
            removed=removed,
            unaligned=(unaligned_segs, len(prov.segment_ids), self._noun("a", prov)),
            notes=extra_notes,
            diffs=[p.diff for p in pairs if p.diff is not None],
            status=status,
            cross_language=self.cross_language,
        )
        return ChangeRow(
            side="a",
            provision=prov,
            counterparts=counterparts,
            status=status,
            moved=moved,
            semantic=self._weighted_semantic(prov, two_sided),
            words_added=added,
            words_removed=removed,
            summary=summary,
            pair_ids=pair_ids,
            merged_with=merged,
            cross_language=self.cross_language,
        )

    def _row_b(self, prov: Provision) -> ChangeRow:
        return ChangeRow(
            side="b",
            provision=prov,
            counterparts=(),
            status=Status.ONLY_B,
            moved=False,
            semantic=None,
            words_added=prov.words,
            words_removed=0,
            summary="only in B: no counterpart found in A",
            pair_ids=tuple(self.anchors[i] for i in self.touch_b[prov.key]),
            cross_language=self.cross_language,
        )

    def _noun(self, side: Side, prov: Provision) -> str:
        kinds = {self.kinds[(side, sid)] for sid in prov.segment_ids}
        nouns = {"recital": "recitals", "sentence": "sentences", "item": "items", "article": "articles"}
        if len(kinds) == 1:
            return nouns.get(next(iter(kinds)), "paragraphs")
        return "passages"

    # -------------------------------------------------------- map

    def links(self) -> tuple[Correspondence, ...]:
        found: dict[tuple[str, str], list[int]] = {}
        for prov in self.prov_a:
            for i in self._two_sided(self.touch_a[prov.key]):
                for cp_key in dict.fromkeys(
                    self.of_b[s.id].key for s in self.pairs[i].b if s.id in self.of_b
                ):
                    found.setdefault((prov.key, cp_key), []).append(i)
        by_key_a = {p.key: p for p in self.prov_a}
        by_key_b = {p.key: p for p in self.prov_b}
        links = []
        for (ka, kb), indices in found.items():
            prov = by_key_a[ka]
            links.append(
                Correspondence(
                    a=prov,
                    b=by_key_b[kb],
                    semantic=self._weighted_semantic(prov, indices),
                    status=(
                        Status.UNCHANGED
                        if all(self.pairs[i].status == Status.UNCHANGED for i in indices)
                        else Status.MODIFIED
                    ),
                    moved=any(self.pairs[i].moved for i in indices),
                    pair_id=self.anchors[indices[0]],
                )
            )
        return tuple(links)


def _interleave(rows_a: Sequence[ChangeRow], only_b: Sequence[ChangeRow]) -> tuple[ChangeRow, ...]:
    """Place B-only rows among A's rows where B's order puts them.

    Before each row of A whose counterparts are in sequence (not moved), the B-only rows
    that come earlier in B than its first counterpart are placed.
    """
    pending = list(only_b)
    out: list[ChangeRow] = []
    for row in rows_a:
        if row.counterparts and not row.moved:
            first = row.counterparts[0].order
            while pending and pending[0].provision.order < first:
                out.append(pending.pop(0))
        out.append(row)
    out.extend(pending)
    return tuple(out)


# ---------------------------------------------------------------- summaries


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def join_labels(provs: Sequence[Provision]) -> str:
    """ "Article 5", "Articles 5 and 6", "Articles 5, 6 and 7", "Preamble and Article 2"."""
    if not provs:
        return ""
    numbered = [p.number for p in provs if p.number not in (None, "preamble")]
    if len(numbered) == len(provs) and len(provs) > 1:
        items = [str(n) for n in numbered]
        return "Articles " + (", ".join(items[:-1]) + " and " + items[-1])
    labels = [p.label for p in provs]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def _summary(
    prov: Provision,
    counterparts: Sequence[Provision],
    merged: Sequence[Provision],
    *,
    moved: int,
    total_pairs: int,
    shares_pairs: bool,
    added: int,
    removed: int,
    unaligned: tuple[int, int, str],
    notes: Sequence[str],
    diffs: Sequence[SegmentDiff],
    status: Status,
    cross_language: bool = False,
) -> str:
    parts: list[str] = []
    if len(counterparts) == 1:
        cp = counterparts[0]
        if merged:
            parts.append(f"merged with {join_labels(merged)} into {cp.label}")
        elif _renumbered(prov, cp):
            parts.append(f"renumbered {prov.number}→{cp.number}")
    else:
        also = f", which also take in {join_labels(merged)}" if merged else ""
        parts.append(f"split into {join_labels(counterparts)}{also}")
    if moved == total_pairs:
        parts.append("moved out of sequence")
    elif moved:
        parts.append(f"{moved} of {total_pairs} aligned passages moved")
    # Across languages every heading differs, and there is no diff to count words from.
    if cross_language:
        parts += _cross_language_words(added, status)
    else:
        parts += _wording_changes(prov, counterparts, added, removed, shares_pairs, status)
    segs, total, noun = unaligned
    if segs:
        parts.append(f"{segs} of {total} {noun} without counterpart in B")
    parts.extend(notes)
    parts.extend(_quote(old, new, n) for (old, new), n in _substitutions(diffs))
    return "; ".join(parts)


def _wording_changes(
    prov: Provision,
    counterparts: Sequence[Provision],
    added: int,
    removed: int,
    shares_pairs: bool,
    status: Status,
) -> list[str]:
    """A changed heading and the words added and removed."""
    parts: list[str] = []
    if len(counterparts) == 1 and prov.title and counterparts[0].title:
        old, new = prov.title, counterparts[0].title
        if old.casefold() != new.casefold():
            parts.append(f"heading ‘{old}’ → ‘{new}’")
    shared = ", counting the merged text" if shares_pairs else ""
    if added and removed:
        parts.append(f"{_plural(added, 'word')} added, {removed:,} removed{shared}")
    elif added or removed:
        parts.append(f"{_plural(added or removed, 'word')} {'added' if added else 'removed'}{shared}")
    elif status == Status.UNCHANGED:
        parts.append("wording unchanged")
    return parts


def _cross_language_words(added: int, status: Status) -> list[str]:
    """Across languages only B's text without a counterpart is told in words (A's is told in
    segments without counterpart); text that is the same on both sides is worth saying."""
    if added:
        return [f"{_plural(added, 'word')} of B without counterpart in A"]
    return ["identical text"] if status == Status.UNCHANGED else []


def _renumbered(a: Provision, b: Provision) -> bool:
    return (
        a.number is not None
        and b.number is not None
        and "preamble" not in (a.number, b.number)
        and a.number != b.number
    )


def _quote(old: str, new: str, count: int) -> str:
    times = f" ({count}×)" if count > 1 else ""
    return f"‘{old}’ → ‘{new}’{times}"


_CONTEXT_AFTER_RE = re.compile(r"^\s*\w+")
_CONTEXT_BEFORE_RE = re.compile(r"\w+\s*$")


def _substitutions(diffs: Sequence[SegmentDiff]) -> list[tuple[tuple[str, str], int]]:
    """The short rewordings in the diffs, most frequent first: (("Party", "State Party"), 3).

    An edit between two unchanged stretches is quoted with the next unchanged word (or the
    previous one, before punctuation), so an insertion reads as a change of wording:
    "Party" → "State Party". Edits of more than a few words are left to the diff itself.
    """
    found: Counter[tuple[str, str]] = Counter()
    first_seen: dict[tuple[str, str], int] = {}
    for diff in diffs:
        ops = [o for o in diff.ops if o.text]
        i = 0
        while i < len(ops):
            if ops[i].op == "equal":
                i += 1
                continue
            j = i
            deleted: list[str] = []
            inserted: list[str] = []
            while j < len(ops) and ops[j].op != "equal":
                (deleted if ops[j].op == "delete" else inserted).append(ops[j].text)
                j += 1
            before = ops[i - 1].text if i > 0 else ""
            after = ops[j].text if j < len(ops) else ""
            pair = _phrase_pair("".join(deleted), "".join(inserted), before, after)
            if pair is not None:
                found[pair] += 1
                first_seen.setdefault(pair, len(first_seen))
            i = j
    ranked = sorted(found.items(), key=lambda item: (-item[1], first_seen[item[0]]))
    return ranked[:_MAX_QUOTES]


# Words that only number things: "1", "12", "a", "iv". A change of them is renumbering.
_ENUMERATOR_WORD_RE = re.compile(r"^(?:\d+|[a-z]|[ivxlc]+)$", re.IGNORECASE)


def _phrase_pair(old: str, new: str, before: str, after: str) -> tuple[str, str] | None:
    old_words, new_words = count_words(old), count_words(new)
    if not (old_words or new_words) or max(old_words, new_words) > _MAX_QUOTE_WORDS:
        return None
    if all(_ENUMERATOR_WORD_RE.match(w) for w in re.findall(r"\w+", old + " " + new)):
        return None
    following = _CONTEXT_AFTER_RE.match(after)
    preceding = _CONTEXT_BEFORE_RE.search(before)
    if following:
        old, new = old + following.group(0), new + following.group(0)
    elif preceding:
        old, new = preceding.group(0) + old, preceding.group(0) + new
    old, new = " ".join(old.split()), " ".join(new.split())
    if not old or not new or old == new:
        return None
    return old, new


# ---------------------------------------------------------------- exports

CSV_COLUMNS = (
    "A",
    "A heading",
    "B",
    "B heading",
    "Status",
    "Moved",
    "Semantic score",
    "Words added",
    "Words removed",
    "Summary",
    "Anchor",
)


def _cells(row: ChangeRow) -> dict[str, str]:
    a = row.a
    b = row.b
    return {
        "A": a.label if a else "",
        "A heading": (a.title or "") if a else "",
        "B": "; ".join(p.label for p in b),
        "B heading": "; ".join(p.title or "" for p in b) if any(p.title for p in b) else "",
        "Status": row.status_label,
        "Moved": "yes" if row.moved else "",
        "Semantic score": f"{row.semantic:.2f}" if row.semantic is not None else "",
        "Words added": str(row.words_added),
        "Words removed": str(row.words_removed),
        "Summary": row.summary,
        "Anchor": row.href,
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_safe(value: str) -> str:
    """Keep a spreadsheet from reading document text as a formula (CSV injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def change_list_csv(rows: Sequence[ChangeRow]) -> str:
    """The change list as CSV (RFC 4180: comma-separated, quoted where needed, CRLF lines).

    Text cells that a spreadsheet would take for a formula get a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    numeric = {"Semantic score", "Words added", "Words removed"}
    for row in rows:
        cells = _cells(row)
        writer.writerow([cells[c] if c in numeric else _csv_safe(cells[c]) for c in CSV_COLUMNS])
    return out.getvalue()


_MD_SPECIAL_RE = re.compile(r"([\\`*_\[\]<>|#!~])")


def _md(text: str) -> str:
    """Text safe in a Markdown table cell: specials escaped, one line."""
    return _MD_SPECIAL_RE.sub(r"\\\1", " ".join(text.split()))


def _md_provision(p: Provision) -> str:
    return _md(p.heading)


def change_list_markdown(rows: Sequence[ChangeRow], comparison: Comparison) -> str:
    """The change list as a Markdown section: a heading, a one-line tally, a table, a caveat."""
    a, b = comparison.a.document, comparison.b.document
    counts = Counter(r.status for r in rows)
    moved = sum(1 for r in rows if r.moved)
    cross = comparison.cross_language
    # Across languages the linked provisions are the bulk: they come first.
    order = (Status.MODIFIED, Status.UNCHANGED) if cross else (Status.UNCHANGED, Status.MODIFIED)
    tally = ", ".join(
        f"{counts[s]} {status_label(s, cross_language=cross)}" for s in (*order, Status.ONLY_A, Status.ONLY_B)
    )
    lines = [
        f"## Changes from {_md(a.short_title)} to {_md(b.short_title)}",
        "",
        f"A: {_md(a.title)}. B: {_md(b.title)}.",
        f"Aligned by {_md(comparison.level.value)} with {_md(comparison.model)}. "
        f"{len(rows)} provisions: {tally}; {moved} moved.",
    ]
    if (note := cross_language_note(comparison)) is not None:
        lines += ["", _md(note)]
    lines += [
        "",
        "| A | B | Status | Score | Words +/− | What changed |",
        "| --- | --- | --- | ---: | ---: | --- |",
    ]
    for row in rows:
        status = row.status_label + (", moved" if row.moved else "")
        score = f"{row.semantic:.2f}" if row.semantic is not None else "–"
        a_cell = _md_provision(row.a) if row.a else "–"
        b_cell = "; ".join(_md_provision(p) for p in row.b) or "–"
        lines.append(
            f"| {a_cell} | {b_cell} | {status} | {score} | +{row.words_added:,} / −{row.words_removed:,} "
            f"| {_md(row.summary)} |"
        )
    lines += ["", f"_{_md(_caveat())}_", ""]
    return "\n".join(lines)


def _caveat() -> str:
    try:
        version = f" {metadata.version('treatydiff')}"
    except metadata.PackageNotFoundError:
        version = ""
    return (
        f"Generated by treatydiff{version}. Scores and statuses are machine estimates to guide "
        "reading, not legal assessments; check the texts themselves."
    )
