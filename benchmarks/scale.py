#!/usr/bin/env python3
"""The corpus-scale benchmark: index build, search and `similar` on a synthetic corpus with known reuse.

The corpus. Every document is made by the synthetic redraft generator of the quality benchmark
(`benchmarks/quality/redraft.py`, `make_redraft(path, donor, seed, intensity)`) from the English
reference treaties in ../shared/corpus-sources: articles deleted, split, merged, moved, inserted
from a donor treaty, terms substituted, sentences dropped. Sources rotate over all English
treaties with articles (all but the Paris Call); a treaty's donor is the one STANDARD_SET gives
it, otherwise the next English treaty; seeds and intensities (0.3, 0.6, 1.0) vary per document.
The 11 English reference texts themselves are in the corpus too, so each document's sources are
there to be found.

One redraft is not enough for 300,000 segments: the English treaties average ~200 paragraph
segments (Paris Call 25, UNCAC 431). So a document is a *compilation*: redrafts of distinct
treaties, concatenated (each later part opens with a chapter heading naming its treaty, its
recitals become an article, articles are numbered on), until the sources' segment counts reach
`--segments-per-document` (default 320). A document therefore has one to three known sources: the
first one (its primary, usually the largest part) and the others. "Known source in the top 3"
is counted as: *any* known source among the 3 nearest documents by `similar` (the target), and
reported also for the primary source alone and for all sources together. Other redrafts of the
same treaty are in the corpus as well and compete with the source, as they would in a real
corpus of drafts.

What is measured, each phase in its own subprocess (so each process's peak memory is its own):

- build: `CorpusIndex(corpus, make_embedder(spec)).update(cache=...)` with a fresh embedding
  cache in the work directory (identical paragraphs are embedded once), timed: documents/s and
  segments/s; optionally on a Dask cluster (`--cluster local:2`, `treatydiff.cluster`). Before
  it, the distinct texts to embed are counted and the embedding rate is measured on a sample, for
  an expected time.
- search: `--queries` segment texts, each with a few words dropped, embedded first (role
  `query`; timed apart), then the vector search alone timed one query at a time after a warm-up,
  approximate (HNSW, forced with `exact_limit` below the corpus size) and exact; recall@10 of
  approximate against exact; and the end-to-end `CorpusIndex.search` (embedding, shard loading,
  vector search) on a subset, both ways.
- similar: `similar_documents(index, doc, k=3)` for each compiled document (or `--similar-sample`
  of them), with the same forced exact limit, so the approximate path runs as it does at scale.
  Its ranking is by source share: each paragraph credited to the earliest document holding its
  closest counterpart (compiled drafts are dated after the treaties, one a day).
- the command: five one-shot `treatydiff search` runs, each a new process, as a user types them.

Peak memory is given twice: `tracemalloc` (Python and numpy allocations, traced from the start of
the phase; not torch's or usearch's native buffers) and `ru_maxrss` (the phase process's peak
resident set, everything included: interpreter, model, native buffers).

Prints a Markdown table, writes benchmarks/out/scale.{md,json}.

    python benchmarks/scale.py [--documents 1000] [--queries 200] [--model onnx] [--keep]
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from statistics import median
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCES = ROOT.parent / "shared" / "corpus-sources"
sys.path.insert(0, str(HERE / "quality"))

import redraft as gen  # noqa: E402

INTENSITIES = (0.3, 0.6, 1.0)
TARGET_DOCUMENTS = 1000
TARGET_SEGMENTS = 300_000
TARGET_MEDIAN_MS = 50.0
TARGET_RECALL = 0.95
TARGET_SOURCE_TOP3 = 0.95
K = 10
SIMILAR_K = 3
END_TO_END_QUERIES = 20
PAIR_SAMPLE = 5  # candidate pairs aligned in full, to time the fine step
UNDATED_SAMPLE = 200  # redrafts asked `similar` again with dates ignored
MIN_ARTICLES = 5  # a text with fewer is not redrafted (it stays in the corpus)
RATE_SAMPLE = 64  # texts embedded (no cache) to measure the rate before the build
CLI_QUERIES = [
    "real-time collection of traffic data",
    "extradition of offenders between the parties",
    "confiscation of the proceeds of crime",
    "protection of witnesses and victims",
    "the convention enters into force after ratification",
]


# --- the corpus -----------------------------------------------------------------------------


def english_treaties() -> list[Path]:
    """The English reference texts with articles to redraft (not the Paris Call, a declaration)."""
    return [p for p in sorted(SOURCES.glob("*.en.md")) if len(gen.read_treaty(p)[2]) >= MIN_ARTICLES]


def donor_for(path: Path, treaties: list[Path]) -> Path:
    standard = dict(gen.STANDARD_SET)
    if path.name in standard:
        return SOURCES / standard[path.name]
    return treaties[(treaties.index(path) + 1) % len(treaties)]


def compile_document(
    number: int, treaties: list[Path], sizes: dict[str, int], seed: int, per_doc: int
) -> Any:
    """Document `number`: redrafts of distinct treaties, concatenated until `per_doc` segments."""
    rng = random.Random(f"scale:{seed}:{number}")
    primary = treaties[number % len(treaties)]
    parts = [primary]
    others = [t for t in treaties if t != primary]
    rng.shuffle(others)
    while sum(sizes[p.name] for p in parts) < per_doc and others:
        parts.append(others.pop())
    redrafts = [
        gen.make_redraft(part, donor_for(part, treaties), seed * 100_000 + number, rng.choice(INTENSITIES))
        for part in parts
    ]
    combined = replace(redrafts[0], articles=list(redrafts[0].articles), log=list(redrafts[0].log))
    for part in redrafts[1:]:
        title = part.title.split(" (revised draft")[0]
        combined.articles.append(
            gen.Article([], f"Recitals of the {title}", list(part.recitals), f"Part: {title}", "inserted")
        )
        combined.articles += [replace(a, chapter=None) for a in part.articles]
        combined.log += part.log
    combined.name = f"doc-{number:04d}-{combined.name}"
    combined.title = f"Compiled draft {number} ({' + '.join(p.source_file for p in redrafts)})"
    return combined, parts


def build_corpus(directory: Path, documents: int, seed: int, per_doc: int) -> dict[str, Any]:
    """Write the sources and `documents` compiled redrafts as canonical corpus files."""
    from treatydiff.compare import embedding_text
    from treatydiff.corpus import canonical_text, slugify
    from treatydiff.documents import load_document
    from treatydiff.ingest import Converted, convert_path
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    # make_redraft parses its treaty and donor on every call: parse each once.
    gen.read_treaty = functools.lru_cache(maxsize=None)(gen.read_treaty)
    treaties = english_treaties()
    sizes = {p.name: len(segment_document(load_document(p), Level.PARAGRAPH).segments) for p in treaties}
    directory.mkdir(parents=True, exist_ok=True)
    texts: set[str] = set()
    segments = reference_segments = 0
    known: dict[str, list[str]] = {}
    began = time.perf_counter()
    # Corpus.add re-reads the whole corpus on every call (duplicate and near-duplicate checks),
    # quadratic at 1,000 documents: the files are written as it writes them, with canonical_text.
    references = sorted(SOURCES.glob("*.en.md"))
    for path in references:
        doc_id = slugify(path.stem)
        converted = convert_path(path)
        (directory / f"{doc_id}.md").write_text(canonical_text(converted), encoding="utf-8")
        found = segment_document(load_document(directory / f"{doc_id}.md"), Level.PARAGRAPH).segments
        segments += len(found)
        reference_segments += len(found)
        texts.update(" ".join(embedding_text(s).split()) for s in found)
    for number in range(documents):
        combined, parts = compile_document(number, treaties, sizes, seed, per_doc)
        body = gen.to_markdown(combined).split("\n---\n", 1)[1]
        doc_id = slugify(combined.name)
        # Drafts come after the treaties they reuse, one a day: the order `similar` credits by.
        date = (datetime.date(2025, 1, 1) + datetime.timedelta(days=number)).isoformat()
        meta = {
            "title": combined.title, "kind": "draft", "language": "en", "date": date,
            "source": "benchmarks/scale.py",
        }  # fmt: skip
        (directory / f"{doc_id}.md").write_text(canonical_text(Converted(body, meta)), encoding="utf-8")
        found = segment_document(load_document(directory / f"{doc_id}.md"), Level.PARAGRAPH).segments
        segments += len(found)
        texts.update(" ".join(embedding_text(s).split()) for s in found)
        known[doc_id] = [slugify(part.stem) for part in parts]
    return {
        "documents": documents + len(references),
        "redrafts": documents,
        "references": len(references),
        "redrafted_treaties": len(treaties),
        "segments": segments,
        "reference_segments": reference_segments,
        "distinct_texts": len(texts),
        "parts_per_redraft": sum(len(v) for v in known.values()) / max(1, documents),
        "generate_seconds": time.perf_counter() - began,
        "known_sources": known,
    }


# --- workers: each runs in its own process -------------------------------------------------


def _memory() -> dict[str, float]:
    _, peak = tracemalloc.get_traced_memory()
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return {"tracemalloc_peak_mb": peak / 2**20, "maxrss_mb": maxrss_kb / 1024}


def _index(params: dict[str, Any], exact_limit: int | None = None) -> Any:
    from treatydiff.backends import make_embedder
    from treatydiff.corpus import Corpus
    from treatydiff.corpus_index import EXACT_LIMIT, CorpusIndex

    embedder = make_embedder(params["model"])
    return CorpusIndex(Corpus(params["corpus"]), embedder, exact_limit=exact_limit or EXACT_LIMIT)


def work_build(params: dict[str, Any]) -> dict[str, Any]:
    from treatydiff.embeddings import EmbeddingCache

    # The embedding rate on a sample, no cache, model loaded first: for the expected time.
    index = _index(params, params["exact_limit"])
    sample = [f"Article {n}: sample provision number {n} on cooperation." * 3 for n in range(RATE_SAMPLE)]
    index.embedder.embed(sample[:4], role="passage", cache=None)
    began = time.perf_counter()
    index.embedder.embed(sample, role="passage", cache=None)
    rate = RATE_SAMPLE / (time.perf_counter() - began)
    print(
        f"  embedding rate ~{rate:.0f} texts/s: {params['distinct_texts']:,} distinct texts, "
        f"expected ~{params['distinct_texts'] / rate / 60:.1f} min",
        file=sys.stderr,
        flush=True,
    )
    cache = EmbeddingCache(Path(params["cache"]))
    tracemalloc.start()
    began = time.perf_counter()
    if params.get("cluster"):
        from treatydiff.cluster import DaskShards, connect, source_for_spec

        with connect(params["cluster"]) as client:
            update = index.update(cache=cache, executor=DaskShards(client, source_for_spec(params["model"])))
    else:
        update = index.update(cache=cache)
    seconds = time.perf_counter() - began
    memory = _memory()
    tracemalloc.stop()
    cache.close()
    documents = len(update.indexed) + len(update.reused)
    return {
        "model": index.embedder.name,
        "model_key": index.embedder.cache_key,
        "rate_texts_per_second": rate,
        "seconds": seconds,
        "documents": documents,
        "segments": update.segments,
        "documents_per_second": documents / seconds,
        "segments_per_second": update.segments / seconds,
        "distinct_texts_per_second": params["distinct_texts"] / seconds,
        "warnings": list(update.warnings),
        **memory,
    }


def _drop_words(text: str, rng: random.Random) -> str:
    """A light paraphrase: a few words (about one in eight, at least one) left out."""
    words = text.split()
    if len(words) < 6:
        return text
    drop = set(rng.sample(range(len(words)), max(1, len(words) // 8)))
    return " ".join(w for n, w in enumerate(words) if n not in drop)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def tie_aware_recall(matrix: Any, vectors: Any, approximate_hits: list[list[int]], k: int) -> float:
    """Recall@k where a hit counts if it scores as well as the exact k-th best.

    Redrafts repeat unchanged paragraphs, so many rows share one vector: the exact top k is then
    an arbitrary pick among equals, and an approximate hit on another copy is no miss.
    """
    shares = []
    for vector, hits in zip(vectors, approximate_hits, strict=True):
        scores = matrix @ vector
        kth = float(np.partition(scores, -k)[-k]) if len(scores) >= k else float(scores.min())
        shares.append(min(1.0, sum(1 for row in hits if scores[row] >= kth - 1e-6) / k))
    return float(np.mean(shares))


def _timed(search: Any, vectors: Any, k: int) -> tuple[list[list[int]], list[float]]:
    for vector in vectors[: min(10, len(vectors))]:  # warm-up
        search.search(vector, k)
    hits, times = [], []
    for vector in vectors:
        began = time.perf_counter()
        found = search.search(vector, k)
        times.append((time.perf_counter() - began) * 1000)
        hits.append([row for row, _ in found])
    return hits, times


def work_search(params: dict[str, Any]) -> dict[str, Any]:
    from treatydiff.corpus_index import ApproximateSearch, ExactSearch

    tracemalloc.start()
    index = _index(params, params["exact_limit"])
    began = time.perf_counter()
    loaded = index.loaded()  # the search pack, memory-mapped, and the HNSW index the build saved
    load_seconds = time.perf_counter() - began
    approximate = loaded.searcher
    assert isinstance(approximate, ApproximateSearch), "the approximate index was not used"
    matrix = np.asarray(loaded.matrix)
    rng = random.Random(f"queries:{params['seed']}")
    excerpts = [s.excerpt for shard in loaded.shards for s in shard.segments if len(s.excerpt.split()) >= 8]
    queries = [_drop_words(text.rstrip("…"), rng) for text in rng.sample(excerpts, params["queries"])]
    index.embedder.embed(queries[:2], role="query", cache=None)  # load the model
    began = time.perf_counter()
    vectors = index.embedder.embed(queries, role="query", cache=None)
    embed_ms = (time.perf_counter() - began) * 1000 / len(queries)
    exact = ExactSearch(matrix)
    approx_hits, approx_ms = _timed(approximate, vectors, K)
    exact_hits, exact_ms = _timed(exact, vectors, K)
    recall = float(
        np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approx_hits, exact_hits, strict=True)])
    )
    tie_aware = tie_aware_recall(matrix, vectors, approx_hits, K)
    end_to_end: dict[str, list[float]] = {}
    subset = queries[: min(END_TO_END_QUERIES, len(queries))]
    for name, limit in (("approximate", params["exact_limit"]), ("exact", len(matrix) + 1)):
        searcher = _index(params, limit)
        searcher.search(subset[0], k=K)  # warm-up
        times = []
        for query in subset:
            began = time.perf_counter()
            results = searcher.search(query, k=K)
            times.append((time.perf_counter() - began) * 1000)
            assert results.method == name
        end_to_end[name] = times
    memory = _memory()
    tracemalloc.stop()
    return {
        "rows": int(len(matrix)),
        "queries": len(queries),
        "query_embed_ms_mean": embed_ms,
        "ann_load_seconds": load_seconds,
        "approximate_ms": {"median": median(approx_ms), "p99": _percentile(approx_ms, 99)},
        "exact_ms": {"median": median(exact_ms), "p99": _percentile(exact_ms, 99)},
        "recall_at_10": recall,
        "recall_at_10_tie_aware": tie_aware,
        "end_to_end_queries": len(subset),
        "end_to_end_ms": {
            name: {"median": median(times), "p99": _percentile(times, 99)}
            for name, times in end_to_end.items()
        },
        **memory,
    }


def work_similar(params: dict[str, Any]) -> dict[str, Any]:
    from treatydiff.corpus_similarity import similar_documents

    tracemalloc.start()
    index = _index(params, params["exact_limit"])
    known: dict[str, list[str]] = params["known_sources"]
    ids = sorted(known)
    if params["sample"] and params["sample"] < len(ids):
        ids = sorted(random.Random(f"similar:{params['seed']}").sample(ids, params["sample"]))
    any_hit = primary_hit = all_hit = 0
    times, methods, misses = [], set(), []
    first_hits: list[tuple[str, str]] = []  # (redraft, its first-ranked document)
    for n, doc_id in enumerate(ids, start=1):
        began = time.perf_counter()
        results = similar_documents(index, doc_id, k=SIMILAR_K)
        times.append(time.perf_counter() - began)
        methods.add(results.method)
        top = [neighbour.doc_id for neighbour in results.neighbours]
        if top and len(first_hits) < PAIR_SAMPLE:
            first_hits.append((doc_id, top[0]))
        sources = known[doc_id]
        any_hit += any(s in top for s in sources)
        primary_hit += sources[0] in top
        all_hit += all(s in top for s in sources)
        if not any(s in top for s in sources) and len(misses) < 10:
            misses.append({"document": doc_id, "sources": sources, "top": top})
        if n == 3 or n % 50 == 0:
            print(
                f"  similar: {n}/{len(ids)}, median {median(times):.2f} s per call",
                file=sys.stderr,
                flush=True,
            )
    memory = _memory()
    tracemalloc.stop()
    # Without dates each paragraph's credit is split among its equally close counterparts.
    undated_ids = ids[:UNDATED_SAMPLE]
    undated_hit = 0
    for doc_id in undated_ids:
        top = [n.doc_id for n in similar_documents(index, doc_id, k=SIMILAR_K, dates=False).neighbours]
        undated_hit += any(s in top for s in known[doc_id])
    pair_seconds = _fine_alignment_seconds(index, first_hits, params)
    count = max(1, len(ids))
    return {
        "pair_alignment_seconds": {"median": median(pair_seconds), "pairs": len(pair_seconds)},
        "undated": {"documents": len(undated_ids), "any_source_top3": undated_hit / max(1, len(undated_ids))},
        "documents": len(ids),
        "methods": sorted(methods),
        "any_source_top3": any_hit / count,
        "primary_source_top3": primary_hit / count,
        "all_sources_top3": all_hit / count,
        "seconds": {"median": median(times), "p99": _percentile(times, 99)} if times else {},
        "misses": misses,
        **memory,
    }


def cli_search(params: dict[str, Any]) -> dict[str, Any]:
    """One-shot `treatydiff search` runs, as a user types them: each a new process that loads the
    model, checks the corpus for changes, maps the search pack and reads its hits' shards."""
    import os

    command = Path(sys.executable).with_name("treatydiff")
    rng = random.Random(f"cli:{params['seed']}")
    queries = rng.sample(CLI_QUERIES, len(CLI_QUERIES))
    times = []
    for query in queries:
        began = time.perf_counter()
        done = subprocess.run(
            [str(command), "search", query, "-k", "10", "--json", "--corpus", params["corpus"],
             "--model", params["model"]],
            capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
        times.append(time.perf_counter() - began)
        if done.returncode != 0 or json.loads(done.stdout)["method"] != "approximate":
            raise RuntimeError(f"treatydiff search failed: {done.stderr.strip()[-300:]}")
    return {"queries": len(queries), "seconds": {"median": median(times), "max": max(times)}}


def _fine_alignment_seconds(index: Any, pairs: list[tuple[str, str]], params: dict[str, Any]) -> list[float]:
    """What one candidate pair costs to align in full (`compare` at its default level, the
    embedding cache the build filled): the step candidate retrieval saves on all other pairs."""
    from treatydiff.compare import CompareOptions, compare_documents
    from treatydiff.documents import load_document
    from treatydiff.embeddings import EmbeddingCache

    cache = EmbeddingCache(Path(params["cache"]))
    seconds = []
    try:
        for doc_id, other in pairs:
            a, b = (load_document(index.corpus.path_for(i)) for i in (doc_id, other))
            began = time.perf_counter()
            compare_documents(a, b, index.embedder, CompareOptions(), cache=cache)
            seconds.append(time.perf_counter() - began)
    finally:
        cache.close()
    return seconds


WORKERS = {"build": work_build, "search": work_search, "similar": work_similar}


def run_worker(step: str, params: dict[str, Any], workdir: Path) -> dict[str, Any]:
    request = workdir / f"{step}.request.json"
    result = workdir / f"{step}.result.json"
    request.write_text(json.dumps(params), encoding="utf-8")
    done = subprocess.run([sys.executable, __file__, "--worker", step, str(request), str(result)])
    if done.returncode != 0:
        raise RuntimeError(f"the {step} phase failed (exit {done.returncode})")
    return dict(json.loads(result.read_text(encoding="utf-8")))


# --- the table ------------------------------------------------------------------------------


def _mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def table(
    corpus: dict[str, Any],
    build: dict[str, Any],
    search: dict[str, Any],
    similar: dict[str, Any],
    cli: dict[str, Any],
) -> str:
    approx, exact, e2e = search["approximate_ms"], search["exact_ms"], search["end_to_end_ms"]
    rows = [
        ("documents (sources + compiled redrafts)", f"{corpus['documents']:,}", f"≥ {TARGET_DOCUMENTS:,}",
         _mark(corpus["documents"] >= TARGET_DOCUMENTS)),
        ("paragraph segments", f"{build['segments']:,}", f"≥ {TARGET_SEGMENTS:,}",
         _mark(build["segments"] >= TARGET_SEGMENTS)),
        ("distinct texts embedded", f"{corpus['distinct_texts']:,}", "", ""),
        ("index build", f"{build['seconds']:.0f} s", "", ""),
        ("build throughput", f"{build['documents_per_second']:.2f} docs/s, "
         f"{build['segments_per_second']:.1f} segments/s", "", ""),
        ("peak memory, build (tracemalloc / maxrss)",
         f"{build['tracemalloc_peak_mb']:.0f} / {build['maxrss_mb']:.0f} MB", "", ""),
        ("query embedding, per query", f"{search['query_embed_ms_mean']:.1f} ms", "", ""),
        ("vector search, approximate (median / p99)", f"{approx['median']:.2f} / {approx['p99']:.2f} ms",
         f"median < {TARGET_MEDIAN_MS:.0f} ms", _mark(approx["median"] < TARGET_MEDIAN_MS)),
        ("vector search, exact (median / p99)", f"{exact['median']:.2f} / {exact['p99']:.2f} ms", "", ""),
        (f"`search` end to end, approximate (median / p99, {search['end_to_end_queries']} queries)",
         f"{e2e['approximate']['median']:.0f} / {e2e['approximate']['p99']:.0f} ms",
         f"median < {TARGET_MEDIAN_MS:.0f} ms", _mark(e2e["approximate"]["median"] < TARGET_MEDIAN_MS)),
        ("`search` end to end, exact (median / p99)",
         f"{e2e['exact']['median']:.0f} / {e2e['exact']['p99']:.0f} ms", "", ""),
        (f"`treatydiff search` command, a new process each (median / max, {cli['queries']} queries)",
         f"{cli['seconds']['median']:.1f} / {cli['seconds']['max']:.1f} s", "", ""),
        ("recall@10, approximate vs exact (row ids)", f"{search['recall_at_10']:.3f}", f"≥ {TARGET_RECALL}",
         _mark(search["recall_at_10"] >= TARGET_RECALL)),
        ("recall@10, approximate vs exact (ties counted)", f"{search['recall_at_10_tie_aware']:.3f}",
         f"≥ {TARGET_RECALL}", _mark(search["recall_at_10_tie_aware"] >= TARGET_RECALL)),
        ("peak memory, search (tracemalloc / maxrss)",
         f"{search['tracemalloc_peak_mb']:.0f} / {search['maxrss_mb']:.0f} MB", "", ""),
        (f"`similar`: a known source in the top 3 ({similar['documents']} redrafts)",
         f"{similar['any_source_top3']:.1%}", f"≥ {TARGET_SOURCE_TOP3:.0%}",
         _mark(similar["any_source_top3"] >= TARGET_SOURCE_TOP3)),
        ("`similar`: the primary source in the top 3", f"{similar['primary_source_top3']:.1%}", "", ""),
        ("`similar`: every known source in the top 3", f"{similar['all_sources_top3']:.1%}", "", ""),
        (f"`similar` with dates ignored: a known source in the top 3 ({similar['undated']['documents']})",
         f"{similar['undated']['any_source_top3']:.1%}", "", ""),
        (f"`similar` per call, median ({', '.join(similar['methods'])})",
         f"{similar['seconds'].get('median', 0):.2f} s", "", ""),
        ("full alignment of one candidate pair (`compare`, median)",
         f"{similar['pair_alignment_seconds']['median']:.1f} s", "", ""),
        ("peak memory, similar (tracemalloc / maxrss)",
         f"{similar['tracemalloc_peak_mb']:.0f} / {similar['maxrss_mb']:.0f} MB", "", ""),
    ]  # fmt: skip
    lines = ["| figure | value | target | met |", "|---|---:|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join(lines)


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--worker":
        _, _, step, request, result = sys.argv
        params = json.loads(Path(request).read_text(encoding="utf-8"))
        Path(result).write_text(json.dumps(WORKERS[step](params)), encoding="utf-8")
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=TARGET_DOCUMENTS, help="compiled redrafts to make")
    parser.add_argument("--segments-per-document", type=int, default=320, help="source segments per redraft")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--similar-sample", type=int, default=0, help="redrafts asked `similar` (0: all)")
    parser.add_argument("--model", default=None, help="model spec (default: the default model)")
    parser.add_argument("--cluster", default=None, help="embed on a Dask cluster: local, local:N, tcp://…")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--estimate-only", action="store_true", help="generate and count; embed nothing")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="with --workdir of a kept run: keep its corpus and index, measure search and similar again",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "out")
    args = parser.parse_args()
    if not SOURCES.is_dir():
        print(f"error: {SOURCES} not found: the benchmark reads the reference texts", file=sys.stderr)
        return 1
    from treatydiff.backends import DEFAULT_SPEC
    from treatydiff.corpus_index import EXACT_LIMIT

    model = args.model or DEFAULT_SPEC
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="treatydiff-scale-"))
    if args.reuse and not (workdir / "corpus.json").is_file():
        print(f"error: {workdir} holds no kept run to reuse (corpus.json)", file=sys.stderr)
        return 1
    if (workdir / "corpus").exists() and not args.reuse:
        print(f"error: {workdir / 'corpus'} exists: give a fresh --workdir, or --reuse it", file=sys.stderr)
        return 1
    try:
        if args.reuse:
            corpus = json.loads((workdir / "corpus.json").read_text(encoding="utf-8"))
        else:
            print(f"generating {args.documents} compiled redrafts in {workdir / 'corpus'}", file=sys.stderr)
            corpus = build_corpus(workdir / "corpus", args.documents, args.seed, args.segments_per_document)
            (workdir / "corpus.json").write_text(json.dumps(corpus), encoding="utf-8")
        summary = {k: v for k, v in corpus.items() if k != "known_sources"}
        print(
            f"  {corpus['documents']:,} documents, {corpus['segments']:,} paragraph segments, "
            f"{corpus['distinct_texts']:,} distinct texts to embed ({corpus['generate_seconds']:.0f} s)",
            file=sys.stderr,
        )
        if args.estimate_only:
            print(json.dumps(summary, indent=1))
            return 0
        # Force the approximate index below the corpus size; at 300,000 segments it is the default.
        exact_limit = min(EXACT_LIMIT, max(2, corpus["segments"] // 2))
        common = {
            "corpus": str(workdir / "corpus"),
            "model": model,
            "exact_limit": exact_limit,
            "seed": args.seed,
        }
        if args.reuse:  # the kept run's build figures
            build = json.loads((workdir / "build.result.json").read_text(encoding="utf-8"))
        else:
            build = run_worker(
                "build",
                {**common, "cache": str(workdir / "cache"), "cluster": args.cluster,
                 "distinct_texts": corpus["distinct_texts"]},
                workdir,
            )  # fmt: skip
        print(f"  built in {build['seconds']:.0f} s", file=sys.stderr)
        search = run_worker("search", {**common, "queries": args.queries}, workdir)
        similar = run_worker(
            "similar",
            {
                **common,
                "known_sources": corpus["known_sources"],
                "sample": args.similar_sample,
                "cache": str(workdir / "cache"),
            },
            workdir,
        )
        cli = cli_search(common)
        text = table(corpus, build, search, similar, cli)
        documents = corpus["documents"]
        pair = similar["pair_alignment_seconds"]["median"]
        similar_all = similar["seconds"].get("median", 0) * documents
        all_pairs = documents * (documents - 1) / 2 * pair
        candidates = similar_all + documents * SIMILAR_K * pair
        note = (
            f"\n\nModel {build['model']}; exact limit forced to {exact_limit:,} segments. "
            f"Corpus-wide reuse map, from this run's figures: aligning every pair in full would take "
            f"{documents:,} × {documents - 1:,} / 2 pairs × {pair:.1f} s ≈ {all_pairs / 86400:,.1f} days; "
            f"`similar` for every document ({similar_all / 60:,.0f} min) and then a full alignment of "
            f"its {SIMILAR_K} candidates only ({documents * SIMILAR_K:,} pairs) ≈ {candidates / 3600:,.1f} h."
        )
        print(text + note)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "scale.md").write_text(text + note + "\n", encoding="utf-8")
        detail = {
            "arguments": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
            "model": model,
            "exact_limit": exact_limit,
            "corpus": summary,
            "build": build,
            "search": search,
            "similar": similar,
            "cli_search": cli,
            "reuse_map_seconds": {"all_pairs_aligned": all_pairs, "candidates_only": candidates},
        }
        (args.out / "scale.json").write_text(json.dumps(detail, indent=1), encoding="utf-8")
    finally:
        if args.keep or args.workdir:
            print(f"work directory kept: {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
