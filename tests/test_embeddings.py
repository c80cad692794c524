"""Embedding base class: long texts in parts, each distinct text once, the disk cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from fakes import FakeEmbedder
from treatydiff.embeddings import EmbeddingCache, split_for_window


def words(n: int, stem: str = "word") -> str:
    return " ".join(f"{stem}{k}." if k % 9 == 8 else f"{stem}{k}" for k in range(n))


def test_short_text_is_one_chunk() -> None:
    chunks = split_for_window("Each Party shall adopt measures.", 64, lambda t: len(t.split()) + 2)
    assert [c.text for c in chunks] == ["Each Party shall adopt measures."]


def test_long_text_is_split_into_window_sized_chunks_and_nothing_is_lost() -> None:
    text = words(500)
    count = lambda t: len(t.split()) + 2  # noqa: E731
    chunks = split_for_window(text, 64, count)
    assert len(chunks) > 1
    assert all(count(c.text) <= 64 for c in chunks)
    assert " ".join(c.text for c in chunks).split() == text.split()


def test_a_sentence_longer_than_the_window_is_split_at_words() -> None:
    text = " ".join(f"w{k}" for k in range(300))  # no punctuation at all
    chunks = split_for_window(text, 50, lambda t: len(t.split()) + 2)
    assert " ".join(c.text for c in chunks).split() == text.split()
    assert all(len(c.text.split()) <= 48 for c in chunks)


def test_long_text_is_embedded_in_parts_not_truncated() -> None:
    embedder = FakeEmbedder()
    head = words(40, "alpha")
    tail = words(200, "omega")
    vectors = embedder.embed([f"{head} {tail}", head])
    # Truncation would keep only the head and make both vectors equal.
    assert float(vectors[0] @ vectors[1]) < 0.9
    assert all(len(t.split()) + 2 <= embedder.max_tokens for t in embedder.encoded)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_each_distinct_text_is_encoded_once() -> None:
    embedder = FakeEmbedder()
    embedder.embed(["same text", "same text", "other text", "same  text"])
    assert sorted(embedder.encoded) == ["other text", "same text"]


def test_second_run_with_a_cache_encodes_nothing(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    texts = ["Article one text.", words(300)]
    first = FakeEmbedder().embed(texts, cache=cache)
    again = FakeEmbedder()
    second = again.embed(texts, cache=cache)
    assert again.encoded == []
    assert np.allclose(first, second)


def test_cache_is_keyed_by_model(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path)
    FakeEmbedder().embed(["a text"], cache=cache)
    other = FakeEmbedder()
    other.name = "another-model"
    other.embed(["a text"], cache=cache)
    assert other.encoded == ["a text"]


def test_corrupt_cache_is_rebuilt_with_a_warning(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "embeddings.sqlite3").write_bytes(b"this is not a database" * 100)
    embedder = FakeEmbedder()
    embedder.embed(["a text"], cache=EmbeddingCache(tmp_path))
    assert embedder.encoded == ["a text"]
    assert "cache was corrupt" in capsys.readouterr().err
    assert (tmp_path / "embeddings.corrupt").exists()


def test_progress_is_reported_in_chunks() -> None:
    calls: list[tuple[int, int]] = []
    FakeEmbedder().embed(
        [f"text {k}" for k in range(70)], batch_size=32, progress=lambda d, t: calls.append((d, t))
    )
    assert calls[0] == (0, 70)
    assert calls[-1] == (70, 70)


def test_a_vector_read_from_the_cache_equals_the_one_computed(tmp_path: Path) -> None:
    texts = ["Each Party shall adopt such measures.", " ".join(["long"] * 200), "Article 5"]
    fresh = FakeEmbedder().embed(texts, cache=EmbeddingCache(tmp_path))
    warm_embedder = FakeEmbedder()
    warm = warm_embedder.embed(texts, cache=EmbeddingCache(tmp_path))
    assert warm_embedder.encoded == []
    assert np.array_equal(fresh, warm)
