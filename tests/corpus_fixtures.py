"""A small corpus of fixture documents, and the fake embedder wired into the CLI, for the
corpus-index and similarity tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import treatydiff.pipeline
from fakes import FakeEmbedder
from treatydiff.corpus import Corpus
from treatydiff.ingest import convert_path

FIXTURES = Path(__file__).parent / "fixtures"
# Corpus id -> fixture file: a draft treaty, a treaty, a news piece and a declaration.
CORPUS_SOURCES = {
    "draft": FIXTURES / "compare" / "draft-v1.md",
    "widgets": FIXTURES / "widget-convention.md",
    "news-piece": FIXTURES / "news" / "piece-1.md",
    "friendly-widgets": FIXTURES / "declaration.md",
}


def fixture_corpus(directory: Path) -> Corpus:
    store = Corpus(directory)
    for doc_id, path in CORPUS_SOURCES.items():
        store.add(convert_path(path), doc_id=doc_id)
    return store


def fake_everywhere(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """The fake embedder, also for the CLI (which makes its embedder through the pipeline)."""
    embedder = FakeEmbedder()
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda spec=None: embedder)
    return embedder
