"""Commands that query the atlas in SPARQL: sparql, queries, serve."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

import click

from atlas.cli.app import emit, main, open_current_store, state_of
from atlas.query import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, FORMATS

_LIST_FORMATS = ("table", "json", "csv")


def _atlas_base(store) -> str | None:
    """The base IRI of the atlas in ``store`` (from its build manifest), if known."""
    import json

    config = (getattr(store, "manifest", None) or {}).get("config")
    try:
        base = (json.loads(config) if isinstance(config, str) else config or {}).get("base")
    except (ValueError, AttributeError):
        return None
    return base if isinstance(base, str) and base else None


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), metavar="FILE.rq",
              help="Read the query from a file ('-' for standard input).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE: <IRI>, prefix:name, a number, \"text\"@lang or a plain string. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
              help="A table for people; W3C result formats (csv, tsv, json, xml) for SELECT and ASK; "
                   "ttl, jsonld, nt for CONSTRUCT and DESCRIBE.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop the query after this long.")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True,
              help="Keep at most this many rows (or triples); a notice says when more existed.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the result to a file instead of standard output.")
@click.pass_context
def sparql(ctx: click.Context, query: str | None, query_file: IO[str] | None, params: tuple[str, ...], fmt: str,
           timeout: float, max_rows: int, output: Path | None) -> None:
    """Run a SPARQL query, or a named query, on the atlas (read-only).

    QUERY is SPARQL text or the name of a query listed by 'atlas queries'.
    The atlas prefixes (atlas:, skos:, dcterms:, rdfs:, …) are declared; the
    default graph is the union of the named graphs, one per source file.
    Updates, SERVICE and FROM are refused. In --param values and in tables,
    <issue/food> stands for an IRI relative to the atlas base.

    \b
    Examples:
      atlas sparql "SELECT ?e WHERE { ?e a atlas:Experience } LIMIT 5"
      atlas sparql experiences-by-issue --param "issue=<issue/food-self-sufficiency>"
      atlas sparql issue-pairs --param min=3 --format csv -o pairs.csv
      atlas sparql -f my-query.rq --format json
    """
    from atlas.output import write_atomic
    from atlas.query import get_query, parse_params, run_query, serialize_result, table_rows
    from atlas.query.named import NAME_RE

    if (query is None) == (query_file is None):
        raise click.UsageError("give a QUERY (text or name) or -f FILE.rq, not both")
    store = open_current_store(ctx)
    base = _atlas_base(store)
    bindings = parse_params(params, base=base)
    if query_file is not None:
        text = query_file.read()
    elif NAME_RE.match(query):
        named = get_query(query)
        named.check_params(bindings)
        text = named.text
    else:
        text = query
    result = run_query(store, text, bindings=bindings, timeout=timeout, max_rows=max_rows)
    if fmt == "table":
        columns, rows = table_rows(result, base)
        data = None
        if output is not None:
            from atlas.cli.app import format_rows

            data = (format_rows(rows, columns, "table") + "\n").encode("utf-8")
        else:
            emit(rows, columns, "table")
    else:
        data = serialize_result(result, fmt)
        if output is None:
            click.echo(data, nl=False)  # bytes go to the binary stdout as they are
    if output is not None and data is not None:
        write_atomic(output, data)
    if result.truncated:
        sys.stdout.flush()
        what = "triples" if result.is_graph else "rows"
        click.echo(f"truncated: only the first {max_rows} {what} are shown (raise --max-rows)", err=True)


@main.command()
@click.argument("name", required=False)
@click.option("--format", "fmt", type=click.Choice(_LIST_FORMATS), default="table", show_default=True,
              help="A readable table for people, or stable JSON/CSV for pipes.")
def queries(name: str | None, fmt: str) -> None:
    """List the named queries, or show one (its description, parameters and SPARQL).

    \b
    Examples:
      atlas queries
      atlas queries experiences-by-issue
      atlas sparql experiences-by-issue --param "issue=<issue/food-self-sufficiency>"
    """
    from atlas.query import get_query, list_queries

    if name is not None:
        q = get_query(name)
        click.echo(f"{q.name}: {q.title}\n\n{q.description}\n")
        for param, text in q.params:
            click.echo(f"  --param {param}=…  {text}")
        click.echo("\n" + q.text.rstrip())
        return
    rows = [{"name": q.name, "title": q.title, "params": ", ".join(f"?{p}" for p in q.param_names)}
            for q in list_queries()]
    emit(rows, ["name", "title", "params"], fmt)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--files", "files_dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="A directory of maps and exports, served read-only under /files/.")
@click.option("--cors", "cors", multiple=True, metavar="ORIGIN",
              help="Let web pages from ORIGIN read the answers (no CORS unless given). Repeatable.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also accept requests whose Host header is NAME (the loopback and --host always are).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop each query after this long (503).")
@click.option("--max-rows", type=click.IntRange(min=0), default=DEFAULT_MAX_ROWS, show_default=True,
              help="Keep at most this many rows per answer.")
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, files_dir: Path | None, cors: tuple[str, ...],
          allow_hosts: tuple[str, ...], timeout: float, max_rows: int) -> None:
    """Serve the atlas as a read-only SPARQL 1.1 endpoint (and maps under /files/).

    Any SPARQL client can query http://HOST:PORT/sparql (GET or POST, results
    in JSON, XML, CSV, TSV, Turtle, JSON-LD or N-Triples). Updates, SERVICE
    and FROM are refused; each query is stopped after --timeout.

    \b
    Examples:
      atlas serve
      atlas serve --port 8080 --files maps/ --cors https://example.org
    """
    from atlas.server import serve as run_server

    state = state_of(ctx)
    store = open_current_store(ctx) if state.endpoint or state.store == ":memory:" else state.store
    click.echo(f"serving http://{host}:{port}/sparql (read-only; Ctrl-C to stop)", err=True)
    run_server(store, host=host, port=port, files_dir=files_dir, allowed_hosts=allow_hosts, cors_origins=cors,
               timeout=timeout, max_rows=max_rows)
