"""Synthetic redrafts of real treaties, with their gold alignment.

A seeded generator takes a treaty and does what negotiators do to a text between two drafts:
it deletes articles, inserts articles taken from another treaty, moves articles, splits an
article in two and merges two into one, edits the wording (term substitutions, a dropped
sentence, an added sentence) and renumbers everything. Every operation is recorded, so the
gold alignment (sure links, removed, added, moved) is known exactly.

The redraft is written as Markdown and as plain UN-layout text.

    python benchmarks/quality/redraft.py OUT_DIR   # writes the standard set of redrafts
"""

from __future__ import annotations

import json
import random
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

from treatydiff.alignment import longest_increasing_chain
from treatydiff.documents import load_document
from treatydiff.records import Level
from treatydiff.segments import segment_document

# Substitutions of the kind negotiators make between drafts (UN cybercrime negotiations,
# Budapest-to-UN wording). Applied whole-word, case-sensitive.
TERM_SUBSTITUTIONS: tuple[tuple[str, str], ...] = (
    ("computer system", "information and communications technology system"),
    ("computer data", "electronic data"),
    ("computer systems", "information and communications technology systems"),
    ("Party", "State Party"),
    ("Parties", "States Parties"),
    ("competent authorities", "competent national authorities"),
    ("domestic law", "national law"),
    ("shall adopt", "shall take"),
    ("without right", "unlawfully"),
    ("Secretary General of the Council of Europe", "Secretary-General of the United Nations"),
    ("co-operation", "cooperation"),
    ("criminal offences", "offences"),
    ("the Convention", "this instrument"),
    ("legislative and other measures", "legislative or other measures"),
)

_SENTENCE = re.compile(r"(?<=[.;])\s+(?=[A-Z])")


@dataclass
class Article:
    """An article of the redraft, remembering which source articles it came from."""

    sources: list[str]  # article numbers in A; empty for an inserted article
    title: str | None
    paragraphs: list[str]
    chapter: str | None = None  # a chapter heading that opens before this article
    origin: str = "kept"  # kept | inserted | split | merged


@dataclass
class Redraft:
    name: str
    source_file: str
    seed: int
    intensity: float
    recitals: list[str]
    articles: list[Article]
    formula: list[str]
    title: str
    log: list[str] = field(default_factory=list)
    moved_sources: set[str] = field(default_factory=set)
    order: dict[str, int] = field(default_factory=dict)  # source article -> its place in A


def read_treaty(path: Path) -> tuple[str, list[str], list[Article], list[str]]:
    """Title, recitals, articles (with chapter headings) and closing formula of a treaty."""
    document = load_document(path)
    segmented = segment_document(document, Level.ARTICLE)
    chapters = sorted((h.start, h.label) for h in segmented.headings if h.kind in ("chapter", "part"))
    recitals, articles, formula = [], [], []
    chapter_index = 0
    for segment in segmented.segments:
        if segment.kind == "recital":
            recitals.append(segment.text)
        elif segment.kind == "formula":
            formula.append(segment.text)
        elif segment.kind == "article" and segment.article:
            opening = None
            while chapter_index < len(chapters) and chapters[chapter_index][0] < segment.start:
                opening = chapters[chapter_index][1]
                chapter_index += 1
            paragraphs = [p.strip() for p in segment.text.split("\n\n") if p.strip()]
            articles.append(Article([segment.article], segment.article_title, paragraphs, opening))
    return document.title, recitals, articles, formula


def substitute_terms(text: str, rng: random.Random, rate: float) -> str:
    for old, new in TERM_SUBSTITUTIONS:
        if rng.random() < rate:
            text = re.sub(rf"\b{re.escape(old)}\b", new, text)
    return text


def make_redraft(path: Path, donor: Path, seed: int, intensity: float) -> Redraft:
    """Redraft the treaty at `path`; inserted articles come from `donor`."""
    rng = random.Random(f"{path.name}:{seed}:{intensity}")
    title, recitals, articles, formula = read_treaty(path)
    _, _, donor_articles, _ = read_treaty(donor)
    name = f"{path.name.split('.')[0]}-s{seed}-i{int(intensity * 100)}"
    redraft = Redraft(
        name,
        path.name,
        seed,
        intensity,
        recitals,
        [replace(a) for a in articles],
        formula,
        f"{title} (revised draft {seed})",
    )
    redraft.order = {a.sources[0]: k for k, a in enumerate(articles)}
    n = len(articles)
    count = max(1, round(intensity * n / 8))
    _delete(redraft, rng, count)
    _split(redraft, rng, count)
    _merge(redraft, rng, max(1, count // 2))
    _insert(redraft, rng, donor_articles, count)
    _move(redraft, rng, count)
    _edit_wording(redraft, rng, donor_articles, intensity)
    return redraft


def _pick(rng: random.Random, articles: list[Article], k: int, ok) -> list[int]:  # type: ignore[no-untyped-def]
    candidates = [i for i, a in enumerate(articles) if ok(a)]
    return sorted(rng.sample(candidates, min(k, len(candidates))))


def _delete(redraft: Redraft, rng: random.Random, count: int) -> None:
    # Keep the first and last articles: a redraft keeps its purpose and final clauses.
    chosen = _pick(rng, redraft.articles[1:-1], count, lambda a: a.origin == "kept")
    for i in reversed([c + 1 for c in chosen]):
        article = redraft.articles.pop(i)
        redraft.log.append(f"deleted {article.sources}")
        if article.chapter and i < len(redraft.articles) and not redraft.articles[i].chapter:
            redraft.articles[i].chapter = article.chapter


def _split(redraft: Redraft, rng: random.Random, count: int) -> None:
    chosen = _pick(rng, redraft.articles, count, lambda a: a.origin == "kept" and len(a.paragraphs) >= 3)
    for i in reversed(chosen):
        article = redraft.articles[i]
        cut = len(article.paragraphs) // 2
        first = replace(article, paragraphs=_renumber_paragraphs(article.paragraphs[:cut]), origin="split")
        second = Article(
            list(article.sources),
            f"{article.title or 'Provision'} (continued)",
            _renumber_paragraphs(article.paragraphs[cut:]),
            None,
            "split",
        )
        redraft.articles[i : i + 1] = [first, second]
        redraft.log.append(f"split {article.sources}")


def _merge(redraft: Redraft, rng: random.Random, count: int) -> None:
    chosen = _pick(rng, redraft.articles[:-1], count, lambda a: a.origin == "kept")
    merged_at: list[int] = []
    for i in chosen:
        if i + 1 >= len(redraft.articles) or redraft.articles[i + 1].origin != "kept" or i - 1 in merged_at:
            continue
        merged_at.append(i)
    for i in reversed(merged_at):
        first, second = redraft.articles[i], redraft.articles[i + 1]
        title = " and ".join(t for t in (first.title, second.title) if t) or None
        paragraphs = _renumber_paragraphs(first.paragraphs + second.paragraphs)
        redraft.articles[i : i + 2] = [
            Article(
                first.sources + second.sources, title, paragraphs, first.chapter or second.chapter, "merged"
            )
        ]
        redraft.log.append(f"merged {first.sources + second.sources}")


def _insert(redraft: Redraft, rng: random.Random, donor: list[Article], count: int) -> None:
    # Articles of the donor that say something the treaty doesn't: skip final clauses,
    # which every treaty has.
    pool = list(donor[2 : max(3, len(donor) - 12)])
    for article in rng.sample(pool, min(count, len(pool))):
        position = rng.randrange(1, len(redraft.articles))
        redraft.articles.insert(
            position, Article([], article.title, list(article.paragraphs), None, "inserted")
        )
        redraft.log.append(f"inserted donor {article.sources} at {position}")


def _move(redraft: Redraft, rng: random.Random, count: int) -> None:
    """Move articles at least three places; keep only moves the gold can state unambiguously."""
    for _ in range(count):
        for _attempt in range(20):
            movable = [
                i
                for i, a in enumerate(redraft.articles)
                if a.sources and a.origin != "split" and not _moved(redraft, a)
            ]
            source = rng.choice(movable)
            target = rng.randrange(len(redraft.articles))
            if abs(target - source) < 3:
                continue
            trial = list(redraft.articles)
            trial.insert(target, trial.pop(source))
            moved = set(trial[target].sources)
            if _out_of_order(trial, redraft.order) == redraft.moved_sources | moved:
                redraft.articles = trial
                redraft.moved_sources |= moved
                redraft.log.append(f"moved {sorted(moved)} from {source} to {target}")
                break


def _moved(redraft: Redraft, article: Article) -> bool:
    return bool(set(article.sources) & redraft.moved_sources)


def _out_of_order(articles: list[Article], order: dict[str, int]) -> set[str]:
    """Source articles off the longest order-preserving chain: what must be flagged as moved."""
    linked = [(order[a.sources[0]], k) for k, a in enumerate(articles) if a.sources]
    by_a = sorted(linked)
    chain = set(longest_increasing_chain([k for _, k in by_a]))
    out: set[str] = set()
    for position, (_, k) in enumerate(by_a):
        if position not in chain:
            out |= set(articles[k].sources)
    return out


def _edit_wording(redraft: Redraft, rng: random.Random, donor: list[Article], intensity: float) -> None:
    donor_sentences = [s for a in donor for p in a.paragraphs for s in _SENTENCE.split(p) if len(s) > 60]
    for article in redraft.articles:
        if not article.sources:
            continue
        article.paragraphs = [substitute_terms(p, rng, intensity * 0.6) for p in article.paragraphs]
        if rng.random() < intensity * 0.3:
            k = rng.randrange(len(article.paragraphs))
            sentences = _SENTENCE.split(article.paragraphs[k])
            if len(sentences) > 1:
                sentences.pop(rng.randrange(len(sentences)))
                article.paragraphs[k] = " ".join(sentences)
        if rng.random() < intensity * 0.2 and donor_sentences:
            article.paragraphs.append(rng.choice(donor_sentences))
    redraft.recitals = [substitute_terms(r, rng, intensity * 0.6) for r in redraft.recitals]


_MARKER = re.compile(r"^\d+\.\s+")


def _renumber_paragraphs(paragraphs: list[str]) -> list[str]:
    out, number = [], 0
    for paragraph in paragraphs:
        if _MARKER.match(paragraph):
            number += 1
            paragraph = _MARKER.sub(f"{number}. ", paragraph, count=1)
        out.append(paragraph)
    return out


def gold(redraft: Redraft) -> dict[str, object]:
    """Sure links, removed, added and moved articles, in the shared gold format."""
    sure: list[list[str]] = []
    kept: set[str] = set()
    added: list[str] = []
    for number, article in enumerate(redraft.articles, start=1):
        for source in article.sources:
            sure.append([source, str(number)])
            kept.add(source)
        if not article.sources:
            added.append(str(number))
    title, recitals, original, _ = read_treaty(Path(SOURCES) / redraft.source_file)
    removed = [a.sources[0] for a in original if a.sources[0] not in kept]
    return {
        "about": f"Synthetic redraft of {redraft.source_file} (seed {redraft.seed}, intensity "
        f"{redraft.intensity}): " + "; ".join(redraft.log),
        "a": redraft.source_file,
        "b": f"{redraft.name}.md",
        "level": "article",
        "sure": sure,
        "possible": [["preamble", "preamble"]] if recitals else [],
        "removed": removed,
        "added": added,
        "moved": sorted(redraft.moved_sources, key=lambda s: (len(s), s)),
    }


def to_markdown(redraft: Redraft) -> str:
    lines = [
        "---",
        f'title: "{redraft.title}"',
        "kind: draft",
        "language: en",
        f'source: "synthetic redraft of {redraft.source_file}, seed {redraft.seed}"',
        "---",
        "",
        f"# {redraft.title}",
        "",
    ]
    if redraft.recitals:
        lines += ["## Preamble", ""]
        lines += [line for r in redraft.recitals for line in (r, "")]
    for number, article in enumerate(redraft.articles, start=1):
        if article.chapter:
            lines += [f"## {article.chapter.upper()}", ""]
        heading = f"##### Article {number}" + (f" – {article.title}" if article.title else "")
        lines += [heading, ""] + [line for p in article.paragraphs for line in (p, "")]
    lines += [line for f in redraft.formula for line in (f, "")]
    return "\n".join(lines)


def to_plain_layout(markdown: str) -> str:
    """The plain UN layout: no Markdown, `Article N` alone on a line and the title below it."""
    out = []
    body = markdown.split("\n---\n", 1)[1]
    for line in body.splitlines():
        match = re.match(r"^#{5} Article (\S+)(?: – (.*))?$", line)
        if match:
            out.append(f"Article {match.group(1)}")
            if match.group(2):
                out.append(match.group(2))
            continue
        out.append(re.sub(r"^#+\s*", "", line).replace("*", ""))
    return "\n".join(out) + "\n"


SOURCES = Path(__file__).resolve().parents[2].parent / "shared" / "corpus-sources"

# (treaty, donor) pairs; donors give inserted articles on another subject.
STANDARD_SET = (
    ("budapest-convention.en.md", "uncac.en.md"),
    ("uncac.en.md", "budapest-convention.en.md"),
    ("money-laundering-convention-cets198.en.md", "lanzarote-convention-cets201.en.md"),
    ("lanzarote-convention-cets201.en.md", "terrorism-prevention-convention-cets196.en.md"),
    ("terrorism-prevention-convention-cets196.en.md", "data-protection-convention-ets108.en.md"),
    ("untoc.en.md", "lanzarote-convention-cets201.en.md"),
)
INTENSITIES = (0.3, 0.6, 1.0)
SEEDS = (1, 2)


def standard_redrafts() -> list[Redraft]:
    """24+ redrafts: 6 treaties, 2 seeds, 3 intensities (36 in all)."""
    return [
        make_redraft(SOURCES / treaty, SOURCES / donor, seed, intensity)
        for treaty, donor in STANDARD_SET
        for seed in SEEDS
        for intensity in INTENSITIES
    ]


def write(redraft: Redraft, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    markdown = to_markdown(redraft)
    (out / f"{redraft.name}.md").write_text(markdown, encoding="utf-8")
    (out / f"{redraft.name}.txt").write_text(to_plain_layout(markdown), encoding="utf-8")
    (out / f"{redraft.name}.gold.json").write_text(json.dumps(gold(redraft), indent=1), encoding="utf-8")


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("benchmarks/out/redrafts")
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found", file=sys.stderr)
        return 1
    for redraft in standard_redrafts():
        write(redraft, out)
        print(f"{redraft.name}: {len(redraft.log)} operations")
    return 0


if __name__ == "__main__":
    sys.exit(main())
