"""Command line: parse, make one library call, map library errors to one-line messages, render.

Each command lives in its own module and is registered here.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from treatydiff import __version__

from .common import default_report_path, may_replace
from .compare_cmd import compare
from .corpus_cmd import add, corpus_app, list_documents, remove, show
from .index_cmd import index, search
from .models_cmd import models
from .positions_cmd import positions
from .segments_cmd import segments
from .similar_cmd import matrix, similar


class OneLineErrors(TyperGroup):
    """Usage errors (a missing argument, an unknown option, a value out of range) are one line
    on stderr and exit code 2, like every other error: no boxed panel, no traceback."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        standalone = kwargs.pop("standalone_mode", True)
        kwargs["standalone_mode"] = False
        if not standalone:
            return super().main(*args, **kwargs)
        try:
            result = super().main(*args, **kwargs)
        except typer.Exit as exc:
            sys.exit(exc.exit_code)
        except typer.Abort:
            typer.echo("error: aborted", err=True)
            sys.exit(1)
        except TyperException as exc:  # typer's own copy of click's UsageError family
            context = getattr(exc, "ctx", None)
            if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
                typer.echo(context.get_help(), err=True)
                sys.exit(2)
            message = " ".join(exc.format_message().split())  # type: ignore[attr-defined]
            command = context.command_path if context is not None else "treatydiff"
            typer.echo(f"error: {message} (see '{command} --help')", err=True)
            sys.exit(2)
        except KeyboardInterrupt:
            typer.echo("error: interrupted", err=True)
            sys.exit(130)
        except Exception as exc:  # a bug: still one line, the trace on request
            if os.environ.get("TREATYDIFF_DEBUG"):
                raise
            typer.echo(
                f"error: internal error ({type(exc).__name__}: {exc}); "
                "set TREATYDIFF_DEBUG=1 to see where, and please report it",
                err=True,
            )
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    rich_markup_mode=None,
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
app.command()(positions)
app.command()(add)
app.command("list")(list_documents)
app.command()(show)
app.command()(remove)
app.add_typer(corpus_app, name="corpus")
app.command()(index)
app.command()(search)
app.command()(similar)
app.command()(matrix)
app.command()(segments)
app.command()(models)


def run() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "default_report_path", "may_replace", "run"]
