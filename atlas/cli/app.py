"""The click group, options shared by commands, output formatting, and the one
place where :class:`~atlas.errors.AtlasError` becomes ``Error: …`` and exit 1.

Command modules (``atlas/cli/<feature>.py``) import :data:`main` and register
their commands on it; they only parse options and format results.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from atlas.errors import AtlasError

FORMATS = ("table", "json", "csv")


@dataclass
class AppState:
    """What the group options selected: where the store is, and the data for in-memory runs."""

    store: str
    endpoint: str | None
    data: Path | None
    update_endpoint: str | None = None
    graph_store: str | None = None
    _store_obj: Any = None
    _corpus: Any = None


#: Which module registers which commands; a module is imported when one of its commands runs.
COMMAND_MODULES: dict[str, str] = {
    **dict.fromkeys(("build", "validate", "stats", "show", "search", "export"), "atlas.cli.core"),
    **dict.fromkeys(("links", "remote", "hidden", "explain", "clusters", "bridges", "gaps"), "atlas.cli.links"),
    **dict.fromkeys(("capitalise", "candidates", "peers", "journey", "communities"), "atlas.cli.capitalise"),
    **dict.fromkeys(("sparql", "queries", "serve"), "atlas.cli.sparql"),
    "map": "atlas.cli.maps",
    "import": "atlas.cli.imports",
}


def load_all_commands() -> None:
    """Import every command module (for the full help, docs tests, and export formats)."""
    import importlib

    for module in sorted(set(COMMAND_MODULES.values())):
        importlib.import_module(module)


class AtlasGroup(click.Group):
    """A click group that loads command modules lazily and translates :class:`AtlasError`
    into a message and exit status 1."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(self.commands) | set(COMMAND_MODULES))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            import importlib

            importlib.import_module(COMMAND_MODULES[cmd_name])
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except AtlasError as exc:
            message = str(exc)
            lines = message.splitlines() or [""]
            if len(lines) == 1:
                click.echo(f"Error: {lines[0]}", err=True)
            else:
                click.echo(f"Error: {len(lines)} problems", err=True)
                for line in lines:
                    click.echo(line, err=True)
            ctx.exit(1)
        finally:
            state = ctx.find_object(AppState)
            if state is not None and state._store_obj is not None:
                state._store_obj.close()
                state._store_obj = None


def default_store_location() -> str:
    """Return the store location: ``$ATLAS_STORE``, else ``.atlas/store`` in the current directory."""
    return os.environ.get("ATLAS_STORE") or str(Path(".atlas") / "store")


@click.group(cls=AtlasGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option(
    "--store",
    "store",
    metavar="PATH",
    default=default_store_location,
    show_default=".atlas/store, or $ATLAS_STORE",
    help="Where the embedded store lives; ':memory:' builds the data in memory for this one command.",
)
@click.option(
    "--endpoint",
    envvar="ATLAS_ENDPOINT",
    metavar="URL",
    default=None,
    help="Use a remote SPARQL 1.1 store at URL instead of the embedded one (or $ATLAS_ENDPOINT).",
)
@click.option(
    "--update-endpoint",
    envvar="ATLAS_UPDATE_ENDPOINT",
    metavar="URL",
    default=None,
    help="The remote store's SPARQL 1.1 Update endpoint, to build into it (or $ATLAS_UPDATE_ENDPOINT).",
)
@click.option(
    "--graph-store",
    envvar="ATLAS_GRAPH_STORE",
    metavar="URL",
    default=None,
    help="The remote store's Graph Store Protocol endpoint, to build into it (or $ATLAS_GRAPH_STORE).",
)
@click.option(
    "--data",
    "data",
    envvar="ATLAS_DATA",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Data directory used with --store :memory: (default: the bundled atlas).",
)
@click.version_option(package_name="relational-atlas", prog_name="atlas")
@click.pass_context
def main(ctx: click.Context, store: str, endpoint: str | None, update_endpoint: str | None,
         graph_store: str | None, data: Path | None) -> None:
    """Relational Atlas: experiences, issues and guiding principles of territories in transition.

    \b
    Build the bundled atlas, then ask it questions:
      atlas build
      atlas stats
      atlas remote --top 10
      atlas explain energy-efficiency-of-housing-stock mobilisation-of-local-savings
    """
    ctx.obj = AppState(store=store, endpoint=endpoint, data=data, update_endpoint=update_endpoint,
                       graph_store=graph_store)


def state_of(ctx: click.Context) -> AppState:
    """Return the :class:`AppState` of the running command."""
    return ctx.find_object(AppState)


def open_current_store(ctx: click.Context, *, write: bool = False):
    """Open the store the group options select (embedded, in memory, or remote).

    With ``--store :memory:``, the data directory (``--data`` or the bundled
    atlas) is built into memory first. Read-only unless ``write``.
    """
    from atlas.store import open_store

    state = state_of(ctx)
    if state._store_obj is not None:
        return state._store_obj
    if state.endpoint:
        store = open_store(endpoint=state.endpoint, update_endpoint=state.update_endpoint,
                           graph_store=state.graph_store)
    elif state.store == ":memory:":
        from atlas.build import build_atlas
        from atlas.resources import default_data_dir

        store = open_store(memory=True)
        build_atlas(state.data or default_data_dir(), store)
    else:
        store = open_store(state.store, read_only=not write, create=write)
    state._store_obj = store
    return store


def load_corpus(ctx: click.Context):
    """Return the analysis :class:`~atlas.model.Corpus` of the current store (cached on disk by content)."""
    from atlas.graph import read_corpus

    state = state_of(ctx)
    if state._corpus is None:
        state._corpus = read_corpus(open_current_store(ctx))
    return state._corpus


def output_options(*, top: int | None = 20, formats: Sequence[str] = FORMATS) -> Callable:
    """Add the shared ``--format``, ``--lang`` and ``--top`` options to a command."""

    def decorate(func: Callable) -> Callable:
        func = click.option(
            "--format",
            "fmt",
            type=click.Choice(list(formats)),
            default=formats[0],
            show_default=True,
            help="A readable table for people, or stable JSON/CSV for pipes.",
        )(func)
        func = click.option(
            "--lang",
            type=click.Choice(["fr", "en"]),
            default="en",
            show_default=True,
            help="Language of labels.",
        )(func)
        if top is not None:
            func = click.option(
                "--top", type=click.IntRange(min=1), default=top, show_default=True, help="How many rows at most."
            )(func)
        return func

    return decorate


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    return str(value)


def format_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> str:
    """Return ``rows`` as a table, JSON (a list of objects) or CSV, keeping ``columns`` in order.

    Examples
    --------
    >>> print(format_rows([{"a": 1, "b": "x"}], ["a", "b"], "csv"), end="")
    a,b
    1,x
    >>> print(format_rows([{"a": 1.5, "b": ["x", "y"]}], ["a", "b"], "table"))
    a    b
    ---  ----
    1.5  x; y
    """
    rows = [dict(r) for r in rows]
    if fmt == "json":
        return json.dumps([{c: r.get(c) for c in columns} for r in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(columns)
        for r in rows:
            writer.writerow([_cell(r.get(c)) if not isinstance(r.get(c), float) else repr(r.get(c)) for c in columns])
        return buf.getvalue()
    cells = [[_cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [min(len(row[i]), 60) for row in cells]) for i, c in enumerate(columns)]

    def fit(text: str, width: int) -> str:
        return text if len(text) <= width else text[: width - 1] + "…"

    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(fit(v, w).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def emit(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Print ``rows`` with :func:`format_rows`."""
    text = format_rows(rows, columns, fmt)
    click.echo(text, nl=not text.endswith("\n"))


def run() -> None:
    """Entry point of the ``atlas`` console script, ``python -m atlas.cli`` and ``cli.py``."""
    try:
        main(prog_name="atlas")
    finally:
        # the process ends here, and the collection Python runs at exit would walk every object
        # still alive only for exit to free them anyway: 0.4 s of an incremental 100k build
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
