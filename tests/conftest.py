"""Shared pytest fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus_fixtures import corpus, fake  # noqa: F401  (fixtures of the corpus tests)
from fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The reference texts live next to the repository, in ../shared/corpus-sources.
CORPUS_SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "corpus-sources"


@pytest.fixture
def fixtures_dir() -> Path:
    """Directory of the small hand-written test documents."""
    return FIXTURES


@pytest.fixture
def corpus_sources() -> Path:
    """Directory of the reference treaty texts; skips the test when it is absent."""
    if not CORPUS_SOURCES.is_dir():
        pytest.skip("../shared/corpus-sources not present: reference-text tests need it")
    return CORPUS_SOURCES


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Tests never write to the user's real cache directory."""
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("TREATYDIFF_CACHE_DIR", str(cache))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    return cache
