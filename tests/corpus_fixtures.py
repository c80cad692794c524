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
FIXTURE_DOCUMENTS = {
    "draft": FIXTURES / "compare" / "draft-v1.md",
    "widgets": FIXTURES / "widget-convention.md",
    "news-piece": FIXTURES / "news" / "piece-1.md",
    "friendly-widgets": FIXTURES / "declaration.md",
}


def fixture_corpus(directory: Path) -> Corpus:
    store = Corpus(directory)
    for doc_id, path in FIXTURE_DOCUMENTS.items():
        store.add(convert_path(path), doc_id=doc_id)
    return store


def fake_everywhere(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """The fake embedder, also for the CLI (which makes its embedder through the pipeline)."""
    embedder = FakeEmbedder()
    monkeypatch.setattr(treatydiff.pipeline, "make_embedder", lambda spec=None: embedder)
    return embedder


@pytest.fixture
def corpus(tmp_path: Path) -> Corpus:
    """The fixture corpus in a temporary directory."""
    return fixture_corpus(tmp_path / "corpora")


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """The fake embedder, wired into the CLI too."""
    return fake_everywhere(monkeypatch)
