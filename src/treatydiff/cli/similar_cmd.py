"""Document similarity commands: `similar` (the documents nearest one) and `matrix` (every pair)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from treatydiff.errors import TreatydiffError

from .common import CorpusOption, ForceOption, ModelOption, echo_warnings, fail, load_embedder, may_replace

if TYPE_CHECKING:
    from treatydiff.corpus_index import CorpusIndex
    from treatydiff.corpus_similarity import DocumentSimilarity, SimilarResults

REPORTS_DIR = Path("reports")
DEFAULT_MATRIX = REPORTS_DIR / "matrix.html"


def _fresh_index(corpus: Path | None, model: str | None, ids: list[str]) -> CorpusIndex:
    """The corpus index for the model, brought up to date first (saying so on stderr).

    The ids are checked first, so a wrong one costs no embedding and prints one line.
    """
    from treatydiff.corpus import Corpus
    from treatydiff.corpus_index import CorpusIndex
    from treatydiff.pipeline import open_cache

    store = Corpus(corpus)
    if not store.directory.is_dir():
        raise fail(f"no corpus in {store.directory}: add documents with `treatydiff add` or `corpus import`")
    if not store.entries():
        raise fail(f"the corpus in {store.directory} is empty: add documents with `treatydiff add`")
    for doc_id in ids:
        store.get(doc_id)  # CorpusError: unknown or invalid id
    corpus_index = CorpusIndex(store, load_embedder(model))
    stale = corpus_index.stale_documents()
    if stale or not corpus_index.exists():
        what = f"{len(stale)} document(s) changed" if corpus_index.exists() else "no index yet"
        typer.echo(f"updating the index ({what})", err=True)
        with open_cache(None, True) as cache:
            update = corpus_index.update(cache=cache)
        echo_warnings(update.warnings)
        typer.echo(update.summary_line(), err=True)
    return corpus_index


def similar(
    doc_id: Annotated[str, typer.Argument(metavar="DOC", help="Corpus document id (see treatydiff list).")],
    k: Annotated[int, typer.Option("-k", "--top", min=1, help="How many documents to show.")] = 10,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Rank by 'source' (where DOC's text appears first) or 'share' (how much of it is there).",
        ),
    ] = "source",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (treatydiff.similar/1).")] = False,
    corpus: CorpusOption = None,
    model: ModelOption = None,
) -> None:
    """The documents DOC's text comes from, and those holding most of it.

    Share: the part of DOC's words whose paragraph has a match scoring at least the model's
    counterpart threshold there. Source: the part whose closest counterpart appears there
    first (the earliest document by date among equally close matches). Copied: the part of
    the share whose counterpart also has most of the same wording (word 3-shingles). Uses the
    stored index vectors. Example: treatydiff similar budapest-convention-en -k 5
    """
    from treatydiff.corpus_similarity import RANKINGS, similar_documents, similar_results_to_json

    if by not in RANKINGS:
        raise fail(f"--by must be one of {', '.join(RANKINGS)}, got {by!r}")
    try:
        results = similar_documents(_fresh_index(corpus, model, [doc_id]), doc_id, k=k, ranking=by)
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    if as_json:
        typer.echo(similar_results_to_json(results), nl=False)
    else:
        typer.echo(render_similar(results))


def render_similar(results: SimilarResults) -> str:
    """Plain aligned columns: rank, source share, share, mean score, date, document, the best
    shared provisions."""
    order = "where its text appears first" if results.ranking == "source" else "by share"
    head = (
        f"nearest to {results.doc_id}, {order} "
        f"(counterpart: best match ≥ {results.threshold:g}, {results.method})"
    )
    if not results.neighbours:
        return head + "\nno other document in the index"
    header = ("#", "source", "share", "copied", "mean", "date", "document", "shared provisions")
    rows = [
        (str(rank), f"{n.source_share:.0%}", f"{n.share:.0%}", f"{n.copied:.0%}", f"{n.mean_score:.3f}",
         n.date or "-", n.doc_id, _shared(n))
        for rank, n in enumerate(results.neighbours, start=1)
    ]  # fmt: skip
    widths = [max(len(row[c]) for row in [header, *rows]) for c in range(7)]
    lines = []
    for row in [header, *rows]:
        cells = [
            cell.rjust(width) if c < 5 else cell.ljust(width)
            for c, width in enumerate(widths)
            for cell in [row[c]]
        ]
        lines.append("  ".join([*cells, row[7]]))
    return "\n".join([head, *(line.rstrip() for line in lines)])


def _shared(neighbour: DocumentSimilarity) -> str:
    return "; ".join(
        f"{s.label} ↔ {s.other_label} ({s.score:.2f}, wording {s.wording:.0%})" for s in neighbour.shared
    )


def matrix(
    ids: Annotated[
        list[str] | None, typer.Argument(metavar="[IDS]...", help="Documents to include [default: all].")
    ] = None,
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML page to write.")] = DEFAULT_MATRIX,
    force: ForceOption = False,
    corpus: CorpusOption = None,
    model: ModelOption = None,
) -> None:
    """Write an HTML heat map of document-to-document similarity, clustered.

    A cell is the mean of the two documents' shares (see `similar`); it links to the pair's
    report in reports/ when there is one. Example: treatydiff matrix -o reports/matrix.html
    """
    from treatydiff.corpus_similarity import similarity_matrix, write_matrix

    if ids is not None and len(set(ids)) == 1:
        raise fail(f"a matrix needs at least 2 documents, got {ids[0]!r} only")
    if not may_replace(output, force):
        raise fail(f"{output} exists and was not written by treatydiff; use --force to overwrite it")
    try:
        result = similarity_matrix(_fresh_index(corpus, model, ids or []), ids or None)
        write_matrix(result, output, reports_dir=REPORTS_DIR)
    except (TreatydiffError, OSError) as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"{len(result.ids)} documents, {max(result.clusters)} cluster(s); "
        f"counterpart threshold {result.threshold:g} ({result.method})"
    )
    typer.echo(f"matrix: {output}")
