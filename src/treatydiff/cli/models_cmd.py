"""`treatydiff models`: the embedding backends and models, and which one is in use."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from treatydiff.errors import TreatydiffError

from .common import fail


def models(
    as_json: Annotated[bool, typer.Option("--json", help="Print the list as JSON.")] = False,
) -> None:
    """List the embedding backends and their models: languages, dimensions, whether installed.

    Pass a model's name to --model, or set it in treatydiff.toml ([embedding] model = "e5") or
    $TREATYDIFF_MODEL. Backends from other packages appear here once installed (entry-point
    group treatydiff.embedders).

    Example: treatydiff models
    """
    from treatydiff.backends import DEFAULT_SPEC, registry, resolve
    from treatydiff.config import chosen_model

    try:
        in_use = resolve(chosen_model(None)).spec
    except TreatydiffError as exc:
        raise fail(str(exc)) from None
    default = resolve(DEFAULT_SPEC).spec
    found = registry()
    rows = []
    for backend in sorted(found.backends.values(), key=lambda b: (b.name != "sentence-transformers", b.name)):
        for info in backend.models:
            missing = backend.missing(info)
            spec = f"{backend.name}:{info.name}"
            rows.append(
                {
                    "model": info.name,
                    "backend": backend.name,
                    "spec": spec,
                    "languages": sorted(info.languages) if info.languages is not None else "many",
                    "dimension": info.dimension,
                    "max_tokens": info.max_tokens,
                    "installed": not missing,
                    "missing": list(missing),
                    "calibrated": bool(info.thresholds) or spec == default,
                    "default": spec == default,
                    "in_use": spec == in_use,
                    "summary": info.summary or backend.summary,
                }
            )
    if as_json:
        typer.echo(json.dumps({"models": rows, "in_use": in_use, "problems": list(found.problems)}, indent=2))
        return
    header = ("MODEL", "BACKEND", "LANGUAGES", "DIM", "WINDOW", "INSTALLED", "")
    table = [header]
    for row in rows:
        languages = row["languages"]
        table.append(
            (
                ("* " if row["in_use"] else "  ") + str(row["model"]),
                str(row["backend"]),
                ",".join(languages) if isinstance(languages, list) else str(languages),
                str(row["dimension"]),
                str(row["max_tokens"]) if int(str(row["max_tokens"])) < 100_000 else "none",
                "yes" if row["installed"] else "no: needs " + ", ".join(row["missing"]),  # type: ignore[arg-type]
                str(row["summary"]),
            )
        )
    widths = [max(len(r[k]) for r in table) for k in range(len(header) - 1)]
    for row_cells in table:
        cells = [c.ljust(w) for c, w in zip(row_cells, widths, strict=False)]
        typer.echo("  ".join([*cells, row_cells[-1]]).rstrip())
    typer.echo(f"\n* in use: {in_use}. Any sentence-transformers model directory also works: --model PATH.")
    for problem in found.problems:
        typer.echo(f"warning: {problem}", err=True)
