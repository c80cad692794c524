"""Corpus search commands: `index` brings the corpus index up to date, `search` queries it."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treatydiff.errors import TreatydiffError

from .common import CorpusOption, ModelOption, echo_warnings, fail, load_embedder, progress_bar

if TYPE_CHECKING:
    from collections.abc import Iterator

    from treatydiff.cluster import DaskShards
    from treatydiff.corpus_index import CorpusIndex, SearchResults


def _open_index(corpus: Path | None, model: str | None) -> CorpusIndex:
    from treatydiff.corpus import Corpus
    from treatydiff.corpus_index import CorpusIndex

    store = Corpus(corpus)
    if not store.directory.is_dir():
        raise fail(f"no corpus in {store.directory}: add documents with `treatydiff add` or `corpus import`")
    if not store.entries():
        raise fail(f"the corpus in {store.directory} is empty: add documents with `treatydiff add`")
    return CorpusIndex(store, load_embedder(model))


def index(
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Re-embed every document.")] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            metavar="ADDRESS",
            help="Embed on a Dask cluster: a scheduler address (tcp://host:8786), or local[:N] to start "
            "N worker processes here [needs treatydiff[cluster]].",
        ),
    ] = None,
    corpus: CorpusOption = None,
    model: ModelOption = None,
) -> None:
    """Bring the corpus index up to date: embed new and changed documents, drop removed ones.

    Example: treatydiff index --corpus corpora --cluster local:4
    """
    from treatydiff.pipeline import open_cache

    try:
        if cluster is not None:
            from treatydiff.cluster import require_dask

            require_dask()  # before any work: one line naming the extra
        corpus_index = _open_index(corpus, model)
        with contextlib.ExitStack() as stack:
            executor = stack.enter_context(_cluster_executor(cluster, model)) if cluster else None
            cache = stack.enter_context(open_cache(None, True))
            progress = stack.enter_context(progress_bar(False))
            update = corpus_index.update(rebuild=rebuild, cache=cache, progress=progress, executor=executor)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    echo_warnings(update.warnings)
    typer.echo(update.summary_line())
    typer.echo(f"index: {corpus_index.directory}")


@contextlib.contextmanager
def _cluster_executor(address: str, model: str | None) -> Iterator[DaskShards]:
    """Shards computed on the cluster at `address`; each worker makes the model `--model` chose."""
    from treatydiff import cluster
    from treatydiff.config import chosen_model

    with cluster.connect(address) as client:
        yield cluster.DaskShards(client, cluster.source_for_spec(chosen_model(model)))


def search(
    query: Annotated[str, typer.Argument(metavar="TEXT", help="Text or a provision to look for.")],
    k: Annotated[int, typer.Option("-k", "--top", min=1, help="How many provisions to show.")] = 10,
    kind: Annotated[
        str | None, typer.Option(help="Only documents of this kind: treaty, draft, news, commentary, ...")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (treatydiff.search/1).")] = False,
    corpus: CorpusOption = None,
    model: ModelOption = None,
) -> None:
    """Find the provisions across the corpus nearest in meaning to a text.

    Updates the index first when documents were added, changed or removed. Example:
    treatydiff search "real-time collection of traffic data" -k 5 --kind treaty
    """
    from treatydiff.corpus import KINDS
    from treatydiff.corpus_index import CorpusIndexError, search_results_to_json
    from treatydiff.pipeline import open_cache

    if not query.strip():
        raise fail("the query is empty: give some text to search for")
    if kind is not None and kind not in KINDS:
        raise fail(f"unknown kind {kind!r}: choose one of {', '.join(KINDS)}")
    try:
        corpus_index = _open_index(corpus, model)
        with open_cache(None, True) as cache:
            stale = corpus_index.stale_documents()
            if stale or not corpus_index.exists():
                what = f"{len(stale)} document(s) changed" if corpus_index.exists() else "no index yet"
                typer.echo(f"updating the index ({what})", err=True)
                with progress_bar(False) as progress:
                    update = corpus_index.update(cache=cache, progress=progress)
                echo_warnings(update.warnings)
                typer.echo(update.summary_line(), err=True)
            try:
                results = corpus_index.search(query, k=k, kind=kind, cache=cache)
            except CorpusIndexError as exc:  # a shard damaged since the last update: rebuild it
                typer.echo(f"warning: {exc}: updating the index", err=True)
                echo_warnings(corpus_index.update(cache=cache).warnings)
                results = corpus_index.search(query, k=k, kind=kind, cache=cache)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(search_results_to_json(results, corpus_index.corpus.directory), nl=False)
    else:
        typer.echo(render_table(results))


def render_table(results: SearchResults) -> str:
    """Plain aligned columns, like `treatydiff list`: rank, score, document, provision, excerpt."""
    if not results.hits:
        return "no provisions found" + (f" in documents of kind {results.kind!r}" if results.kind else "")
    header = ("#", "score", "document", "provision", "excerpt")
    rows = [(str(h.rank), f"{h.score:.3f}", h.doc_id, h.label, _clip(h.excerpt, 80)) for h in results.hits]
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(4)]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4]
             for row in [header, *rows]]  # fmt: skip
    return "\n".join(line.rstrip() for line in lines)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
