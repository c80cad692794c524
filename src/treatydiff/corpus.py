"""The corpus: one canonical Markdown file per document, with YAML front matter.

`corpora/<id>.md` holds the front matter (title, short_title, kind, language, date, source,
status, content_hash) and the canonical Markdown body (see corpora/README.md). Writes are
atomic and serialised by a lock file, so an interrupted or concurrent `add` never leaves a
partial or mixed file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from treatydiff.errors import InputError, TreatydiffError
from treatydiff.fsutil import atomic_write_text
from treatydiff.ingest import Converted

KINDS = ("treaty", "draft", "protocol", "declaration", "news", "commentary")
FIELDS = ("title", "short_title", "kind", "language", "date", "source", "official_reference", "status")
CORPUS_ENV = "TREATYDIFF_CORPUS"
NEAR_DUPLICATE_SHARE = 0.5  # share of a document's word 5-grams found in another
_SLUG_MAX = 60


class CorpusError(TreatydiffError):
    """A corpus operation can't be done: unknown id, collision, duplicate text."""


def default_corpus_dir() -> Path:
    return Path(os.environ.get(CORPUS_ENV) or "corpora")


@dataclass(frozen=True)
class CorpusEntry:
    id: str
    path: Path
    meta: dict[str, str]
    body: str

    @property
    def title(self) -> str:
        return self.meta.get("title", self.id)

    @property
    def content_hash(self) -> str:
        return self.meta.get("content_hash", "")


@dataclass(frozen=True)
class AddResult:
    id: str
    path: Path
    status: str  # "added", "replaced", "unchanged", "duplicate"
    duplicate_of: str | None = None  # same text already there under this id
    near: list[tuple[str, float]] = field(default_factory=list)  # (id, share of text shared)
    notes: tuple[str, ...] = ()


def content_hash(body: str) -> str:
    """sha256 of the body with whitespace normalised: layout changes don't change it."""
    normalised = " ".join(body.split())
    return "sha256:" + hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def slugify(text: str) -> str:
    """A safe file stem: ASCII letters, digits and single hyphens, at most 60 characters.

    Never empty, never a path: `../x`, `/etc/passwd` and `C:\\x` all become plain names.
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_MAX:
        # Cut at a word boundary, not inside a word.
        cut = slug[: _SLUG_MAX + 1].rfind("-")
        slug = slug[: cut if cut > _SLUG_MAX // 2 else _SLUG_MAX]
    return slug.strip("-") or "document"


def valid_id(candidate: str) -> bool:
    return bool(candidate) and slugify(candidate) == candidate


def render(meta: dict[str, str], body: str) -> str:
    """The canonical file: front matter in a fixed field order, then the body."""
    ordered = {k: meta[k] for k in (*FIELDS, "content_hash") if meta.get(k)}
    ordered.update({k: v for k, v in sorted(meta.items()) if k not in ordered and v})
    front = yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, width=100_000)
    return f"---\n{front}---\n\n{body.strip()}\n"


def canonical_meta(converted: Converted, overrides: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The front matter a converted document is stored with: checked, defaults filled, hashed."""
    meta = {**converted.meta, **{k: v for k, v in (overrides or {}).items() if v}}
    if not meta.get("title"):
        raise InputError("the document has no title: give one with --title")
    kind = meta.get("kind", "treaty")
    if kind not in KINDS:
        raise InputError(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    meta["kind"] = kind
    meta.setdefault("language", "en")
    if not converted.body.strip():
        raise InputError("the document has no text")
    meta["content_hash"] = content_hash(converted.body)
    return meta


def canonical_text(converted: Converted, overrides: Mapping[str, str | None] | None = None) -> str:
    """The file `add` writes for a converted document: front matter, then the body."""
    return render(canonical_meta(converted, overrides), converted.body)


def shingles(text: str, size: int = 5) -> set[int]:
    words = re.findall(r"\w+", text.lower())
    return {hash(tuple(words[k : k + size])) for k in range(max(0, len(words) - size + 1))}


class Corpus:
    """A directory of canonical documents."""

    def __init__(self, directory: Path | str | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_corpus_dir()

    def path_for(self, doc_id: str) -> Path:
        if not valid_id(doc_id):
            raise CorpusError(f"invalid document id {doc_id!r}: use lower-case letters, digits and hyphens")
        return self.directory / f"{doc_id}.md"

    def document_paths(self) -> list[Path]:
        """The documents' files, sorted, without reading them."""
        if not self.directory.is_dir():
            return []
        return [path for path in sorted(self.directory.glob("*.md")) if path.stem != "README"]

    def entries(self) -> list[CorpusEntry]:
        return [self.read_entry(path) for path in self.document_paths()]

    def get(self, doc_id: str) -> CorpusEntry:
        path = self.path_for(doc_id)
        if not path.is_file():
            raise CorpusError(f"no document {doc_id!r} in {self.directory}")
        return self.read_entry(path)

    def has(self, doc_id: str) -> bool:
        return valid_id(doc_id) and self.path_for(doc_id).is_file()

    def read_entry(self, path: Path) -> CorpusEntry:
        """The document in a file of this corpus (its id is the file's stem)."""
        from treatydiff.documents import load_document

        document = load_document(path)
        return CorpusEntry(path.stem, path, dict(document.meta), document.body)

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise writers: concurrent `add` runs take turns."""
        from filelock import FileLock, Timeout

        self.directory.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.directory / ".treatydiff.lock"))
        try:
            with lock.acquire(timeout=120):
                self._remove_stale_temporaries()
                yield
        except Timeout as exc:
            raise CorpusError(f"{self.directory} is locked by another treatydiff run") from exc

    def _remove_stale_temporaries(self) -> None:
        # Left by a writer killed between creating and renaming its temporary file.
        for leftover in self.directory.glob(".*.tmp"):
            leftover.unlink(missing_ok=True)

    def add(
        self,
        converted: Converted,
        *,
        doc_id: str | None = None,
        overrides: dict[str, str] | None = None,
        force: bool = False,
    ) -> AddResult:
        """Write a converted document as `<id>.md`; never overwrite without `force`."""
        meta = canonical_meta(converted, overrides)
        body = converted.body
        doc_id = doc_id or slugify(meta.get("short_title") or meta["title"])
        path = self.path_for(doc_id)
        with self.locked():
            existing = self.entries()
            same = next((e for e in existing if e.content_hash == meta["content_hash"]), None)
            if same is not None and (same.id != doc_id or not force):
                return AddResult(
                    same.id,
                    same.path,
                    "duplicate" if same.id != doc_id else "unchanged",
                    duplicate_of=same.id,
                    notes=converted.notes,
                )
            if path.exists() and not force:
                raise CorpusError(
                    f"{path} already exists with other text: give another --id, or --force to replace it"
                )
            near = self.nearest(body, exclude=doc_id, entries=existing)
            status = "replaced" if path.exists() else "added"
            atomic_write_text(path, render(meta, body), overwrite=True)
        return AddResult(doc_id, path, status, near=near, notes=converted.notes)

    def nearest(
        self,
        body: str,
        *,
        exclude: str | None = None,
        limit: int = 3,
        entries: list[CorpusEntry] | None = None,
    ) -> list[tuple[str, float]]:
        """Documents that share at least half of this text's word 5-grams, closest first."""
        mine = shingles(body)
        if not mine:
            return []
        found = []
        for entry in self.entries() if entries is None else entries:
            if entry.id == exclude:
                continue
            share = len(mine & shingles(entry.body)) / len(mine)
            if share >= NEAR_DUPLICATE_SHARE:
                found.append((entry.id, round(share, 3)))
        return sorted(found, key=lambda item: -item[1])[:limit]

    def remove(self, doc_id: str) -> Path:
        path = self.path_for(doc_id)
        with self.locked():
            if not path.is_file():
                raise CorpusError(f"no document {doc_id!r} in {self.directory}")
            path.unlink()
            # Its shards go with it, in every model's index (no embedding needed).
            from treatydiff.corpus_index import drop_document

            drop_document(self.directory, doc_id)
        return path
