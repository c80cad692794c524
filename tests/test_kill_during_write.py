"""Kill a writer at random moments, 50 times in a row: what is left is the old state or the new.

Three writers, each in a subprocess that writes in a loop until it is killed (SIGKILL, so no
clean-up code runs): a report (`atomic_write_text`), corpus documents (`Corpus.add`) and the
embedding cache (SQLite). After every kill the files are checked whole.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from treatydiff import fsutil
from treatydiff.corpus import Corpus, content_hash
from treatydiff.documents import load_document
from treatydiff.embeddings import EmbeddingCache
from treatydiff.ingest import Converted

KILLS = 50
SRC = str(Path(__file__).resolve().parents[1] / "src")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def run_and_kill(script: str, ready: Path, rng: random.Random) -> None:
    """Start the writer, wait until it has begun writing, kill it at a random moment."""
    ready.unlink(missing_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(script)],
        env={**os.environ, "PYTHONPATH": SRC},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while not ready.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert process.poll() is None, "the writer stopped before it was killed"
    time.sleep(rng.uniform(0.0, 0.08))
    process.send_signal(signal.SIGKILL)
    process.wait()


def test_reports_are_old_or_new_never_a_mix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target, ready = tmp_path / "report.html", tmp_path / "ready"
    versions = {f"<!DOCTYPE html>{letter * 400_000}\n" for letter in "AB"}
    script = f"""
        from pathlib import Path
        from treatydiff.fsutil import atomic_write_text
        texts = ["<!DOCTYPE html>" + "A" * 400_000 + "\\n", "<!DOCTYPE html>" + "B" * 400_000 + "\\n"]
        Path({str(ready)!r}).touch()
        k = 0
        while True:
            atomic_write_text({str(target)!r}, texts[k % 2], overwrite=True)
            k += 1
    """
    rng = random.Random(1)
    for _ in range(KILLS):
        run_and_kill(script, ready, rng)
        if target.exists():
            assert target.read_text(encoding="utf-8") in versions
    # A killed writer's temporary file is cleared by a later write once it is stale.
    monkeypatch.setattr(fsutil, "STALE_TEMPORARY_SECONDS", 0.0)
    fsutil.atomic_write_text(target, "new", overwrite=True)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".report")] == []


def test_corpus_documents_are_whole_after_every_kill(tmp_path: Path) -> None:
    corpus, ready = tmp_path / "corpus", tmp_path / "ready"
    script = f"""
        from pathlib import Path
        from treatydiff.corpus import Corpus
        from treatydiff.ingest import Converted
        store = Corpus({str(corpus)!r})
        Path({str(ready)!r}).touch()
        k = 0
        while True:
            body = "# Doc\\n\\n" + ("version %d of the text. " % k) * 20_000 + "\\n"
            store.add(Converted(body, {{"title": "Doc"}}), doc_id="doc-%d" % (k % 3), force=True)
            k += 1
    """
    rng = random.Random(2)
    for _ in range(KILLS):
        run_and_kill(script, ready, rng)
        for path in corpus.glob("*.md"):
            document = load_document(path)
            assert document.meta["content_hash"] == content_hash(document.body), path
    # The next writer clears what a killed one left half-made.
    Corpus(corpus).add(Converted("# Small\n\nA small text.\n", {"title": "Small"}))
    assert not list(corpus.glob(".*.tmp"))


def test_embedding_cache_stays_readable_after_every_kill(tmp_path: Path) -> None:
    cache_dir, ready = tmp_path / "cache", tmp_path / "ready"
    script = f"""
        from pathlib import Path
        import numpy as np
        from treatydiff.embeddings import EmbeddingCache
        cache = EmbeddingCache(Path({str(cache_dir)!r}))
        Path({str(ready)!r}).touch()
        k = 0
        while True:
            numbers = range(k * 200, k * 200 + 200)
            batch = {{"text %d" % n: np.full(384, n % 97, np.float32) for n in numbers}}
            cache.put_many("m", batch)
            k += 1
    """
    rng = random.Random(3)
    for _ in range(KILLS):
        run_and_kill(script, ready, rng)
        cache = EmbeddingCache(cache_dir)
        texts = [f"text {n}" for n in range(0, 4000, 7)]
        for text, vector in cache.get_many("m", texts).items():
            number = int(text.split()[1])
            assert np.array_equal(vector, np.full(384, number % 97, np.float32)), text
        cache.close()
        assert not cache_dir.with_name("cache").joinpath("embeddings.corrupt").exists()
