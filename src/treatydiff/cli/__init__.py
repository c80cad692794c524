"""Command line: parse, make one library call, map library errors to one-line messages, render.

Each command lives in its own module and is registered here.
"""

from __future__ import annotations

from typing import Annotated

import typer

from treatydiff import __version__

from .common import default_report_path, may_replace
from .compare_cmd import compare
from .segments_cmd import segments

app = typer.Typer(
    name="treatydiff",
    help="Compare policy documents provision by provision: semantic alignment, word diffs, HTML reports.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"treatydiff {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """treatydiff: which provisions correspond, what changed, what moved, what is on one side only."""


app.command()(compare)
app.command()(segments)


def run() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "default_report_path", "may_replace", "run"]
