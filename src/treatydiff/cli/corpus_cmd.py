"""Corpus commands: `add`, `list`, `show`, `remove`, and `corpus import`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treatydiff.errors import TreatydiffError

from .common import fail

if TYPE_CHECKING:
    from treatydiff.corpus_index import CorpusIndex

CorpusOption = Annotated[
    Path | None,
    typer.Option("--corpus", help="Corpus directory [default: ./corpora, or $TREATYDIFF_CORPUS]."),
]

corpus_app = typer.Typer(help="Manage the corpus as a whole.", no_args_is_help=True)


def _corpus(directory: Path | None):  # type: ignore[no-untyped-def]
    from treatydiff.corpus import Corpus

    return Corpus(directory)


def _about(path: Path, exc: Exception) -> str:
    """The error, naming the file once: most messages already name it."""
    message = str(exc)
    return message if str(path) in message or path.name in message else f"{path}: {message}"


def _refresh_index(corpus: Path | None) -> None:
    """Keep reports/index.html current when it exists (the corpus changed)."""
    from treatydiff.index import write_index

    reports = Path("reports")
    if reports.is_dir():
        try:
            write_index(_corpus(corpus), reports)
        except TreatydiffError as exc:
            typer.echo(f"warning: {exc}", err=True)


def _refresh_search_index(corpus: Path | None, new_ids: Sequence[str] = ()) -> None:
    """Keep the corpus search index current, only if one exists for the model in use; then
    name the nearest existing documents of each of `new_ids`."""
    from treatydiff import pipeline
    from treatydiff.config import chosen_model
    from treatydiff.corpus_index import CorpusIndex, refresh_if_indexed

    try:
        embedder = pipeline.make_embedder(chosen_model(None))
        with pipeline.open_cache(None, True) as cache:
            update = refresh_if_indexed(_corpus(corpus), embedder, cache=cache)
    except TreatydiffError as exc:
        typer.echo(f"warning: search index not updated: {exc}", err=True)
        return
    if update is not None:
        for warning in update.warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo(f"search index: {update.summary_line()}")
        _print_nearest(CorpusIndex(_corpus(corpus), embedder), new_ids)


def _print_nearest(index: CorpusIndex, new_ids: Sequence[str]) -> None:
    """The 3 existing documents each new one's text comes from (`similar`'s ranking, from the
    stored vectors), with how much of it they hold and how much word for word."""
    from treatydiff.corpus_similarity import similar_documents

    for doc_id in new_ids:
        try:
            neighbours = similar_documents(index, doc_id, k=3).neighbours
        except TreatydiffError as exc:
            typer.echo(f"warning: nearest documents of {doc_id!r} not found: {exc}", err=True)
            continue
        if neighbours:
            shares = ", ".join(
                f"{n.doc_id!r} ({n.share:.0%} of its text, {n.copied:.0%} copied)" for n in neighbours
            )
            typer.echo(f"{doc_id!r} is nearest to {shares}")


def add(
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="Files to add: .md .txt .html .pdf .docx.")
    ],
    title: Annotated[str | None, typer.Option(help="Title (overrides the file's).")] = None,
    kind: Annotated[
        str | None, typer.Option(help="treaty, draft, protocol, declaration, news or commentary.")
    ] = None,
    date: Annotated[str | None, typer.Option(help="Date, YYYY-MM-DD.")] = None,
    language: Annotated[str | None, typer.Option(help="Language code, e.g. en.")] = None,
    source: Annotated[str | None, typer.Option(help="Where the text comes from (URL or reference).")] = None,
    doc_id: Annotated[str | None, typer.Option("--id", help="Document id (one file only).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a document with the same id.")] = False,
    corpus: CorpusOption = None,
) -> None:
    """Convert documents to canonical Markdown and add them to the corpus.

    Each file is added whole or not at all; a summary follows. Example:
    treatydiff add draft.pdf news.html --kind news
    """
    from treatydiff.ingest import convert_path

    if doc_id and len(paths) > 1:
        raise fail("--id names one document: give one file with it")
    store = _corpus(corpus)
    overrides = {"title": title, "kind": kind, "date": date, "language": language, "source": source}
    counts = {"added": 0, "replaced": 0, "unchanged": 0, "duplicate": 0, "failed": 0}
    new_ids: list[str] = []
    for path in paths:
        try:
            converted = convert_path(path, kind=kind)
            result = store.add(converted, doc_id=doc_id, overrides=overrides, force=force)
        except TreatydiffError as exc:
            counts["failed"] += 1
            typer.echo(f"error: {_about(path, exc)}", err=True)
            continue
        except Exception as exc:  # a converter's library failed in a way we don't know yet
            counts["failed"] += 1
            typer.echo(f"error: {path}: cannot convert ({type(exc).__name__}: {exc})", err=True)
            continue
        counts[result.status] += 1
        if result.status in ("added", "replaced"):
            new_ids.append(result.id)
        if result.status == "duplicate":
            typer.echo(f"{path}: same text as {result.duplicate_of!r}, not added")
        elif result.status == "unchanged":
            typer.echo(f"{path}: already in the corpus as {result.id!r}, unchanged")
        else:
            typer.echo(f"{path}: {result.status} as {result.id!r} ({result.path})")
        for note in result.notes:
            typer.echo(f"  {note}")
        for other, share in result.near:
            typer.echo(f"  near-duplicate of {other!r}: {share:.0%} of its text is shared")
    _refresh_index(corpus)
    if counts["added"] or counts["replaced"]:
        _refresh_search_index(corpus, new_ids)
    summary = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    typer.echo(f"{len(paths)} file(s): {summary}")
    if counts["failed"]:
        raise typer.Exit(code=1)


def list_documents(corpus: CorpusOption = None) -> None:
    """List the corpus: id, kind, date, language, words, articles.

    Example: treatydiff list --corpus corpora
    """
    from rich.console import Console
    from rich.table import Table

    from treatydiff.documents import parse_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    try:
        entries = _corpus(corpus).entries()
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    table = Table()
    table.add_column("id", no_wrap=True)
    for name in ("kind", "date", "lang", "words", "articles"):
        table.add_column(name, no_wrap=True, justify="right" if name in ("words", "articles") else "left")
    table.add_column("title", no_wrap=True, overflow="ellipsis", max_width=50)
    for entry in entries:
        segments = segment_document(parse_document(entry.body, str(entry.path)), Level.ARTICLE).segments
        articles = len({s.article for s in segments if s.article and s.article != "preamble"})
        table.add_row(
            entry.id,
            entry.meta.get("kind", ""),
            entry.meta.get("date", ""),
            entry.meta.get("language", ""),
            str(len(entry.body.split())),
            str(articles),
            entry.title[:60],
        )
    Console(width=max(160, Console().width)).print(table)
    typer.echo(f"{len(entries)} document(s) in {_corpus(corpus).directory}")


def show(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id (see treatydiff list).")],
    corpus: CorpusOption = None,
) -> None:
    """Show a document's metadata and outline (chapters and articles).

    Example: treatydiff show budapest-convention-ets-no-185
    """
    from treatydiff.documents import parse_document
    from treatydiff.records import Level
    from treatydiff.segments import segment_document

    try:
        entry = _corpus(corpus).get(doc_id)
        segmented = segment_document(parse_document(entry.body, str(entry.path)), Level.ARTICLE)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    for key, value in entry.meta.items():
        typer.echo(f"{key}: {value}")
    typer.echo("")
    headings = {h.start: h for h in segmented.headings}
    starts = sorted(headings)
    shown = 0
    recitals = sum(1 for s in segmented.segments if s.kind == "recital")
    if recitals:
        typer.echo(f"Preamble ({recitals} recitals)")
    for segment in segmented.segments:
        while shown < len(starts) and starts[shown] < segment.start:
            heading = headings[starts[shown]]
            if heading.kind != "preamble":
                typer.echo("  " * (heading.depth - 1) + heading.label)
            shown += 1
        if segment.kind == "article":
            typer.echo("    " + (segment.heading or segment.label))


def remove(
    doc_id: Annotated[str, typer.Argument(metavar="ID", help="Document id.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Don't ask for confirmation.")] = False,
    corpus: CorpusOption = None,
) -> None:
    """Remove a document from the corpus (asks first unless --yes).

    Example: treatydiff remove old-draft --yes
    """
    store = _corpus(corpus)
    try:
        entry = store.get(doc_id)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    if not yes and not typer.confirm(f"Remove {entry.id!r} ({entry.title}) from {store.directory}?"):
        raise fail("not removed")
    try:
        path = store.remove(doc_id)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"removed {path}")
    _refresh_index(corpus)


@corpus_app.command("import")
def import_directory(
    directory: Annotated[
        Path, typer.Argument(metavar="DIR", help="Folder of .md/.txt/.html/.pdf/.docx files.")
    ],
    force: Annotated[bool, typer.Option("--force", help="Replace documents whose text changed.")] = False,
    corpus: CorpusOption = None,
) -> None:
    """Bring a folder of documents into the corpus; ids come from the file names.

    Running it again changes nothing. Example: treatydiff corpus import ../shared/corpus-sources
    """
    from treatydiff.corpus import slugify
    from treatydiff.ingest import SUFFIXES, convert_path

    if not directory.is_dir():
        raise fail(f"{directory} is not a directory")
    files = sorted(
        p
        for p in directory.iterdir()
        if p.suffix.lower() in SUFFIXES and p.stem.upper() not in ("README", "SOURCES")
    )
    if not files:
        raise fail(f"no documents in {directory}")
    failed = 0
    for path in files:
        doc_id = slugify(path.stem)
        try:
            result = _corpus(corpus).add(convert_path(path), doc_id=doc_id, force=force)
        except TreatydiffError as exc:
            failed += 1
            typer.echo(f"error: {_about(path, exc)}", err=True)
            continue
        typer.echo(f"{path.name}: {result.status} as {result.id!r}")
    typer.echo(f"{len(files)} file(s), {failed} failed")
    _refresh_index(corpus)
    _refresh_search_index(corpus)
    if failed:
        raise typer.Exit(code=1)
