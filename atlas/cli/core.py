"""Commands that build, check and inspect an atlas: build, validate, stats, show, search, export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from atlas.cli.app import emit, load_corpus, main, open_current_store, output_options, state_of

#: Export formats: name -> (description, writer(ctx, path) -> bytes written). Other command
#: modules add theirs (graph formats for Gephi and Cytoscape, VOSviewer files).
EXPORTERS: dict[str, tuple[str, Callable[[click.Context, Path], int]]] = {}


def _data_dir(data_dir: Path | None) -> Path:
    from atlas.resources import default_data_dir

    return data_dir if data_dir is not None else default_data_dir()


@main.command()
@click.argument("data_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--shacl", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="SHACL validation of what changed: auto skips it for YAML/Markdown past 50,000 statements "
                   "(the strict field checks always run).")
@click.pass_context
def build(ctx: click.Context, data_dir: Path | None, shacl: str) -> None:
    """Load a data directory into the store (only the files that changed).

    With no DATA_DIR, the bundled default atlas is built. Every problem of every
    file is reported as path:line: message, and then nothing is written.

    \b
    Examples:
      atlas build
      atlas --store /tmp/my-store build my-atlas/
    """
    from atlas.build import build_atlas

    data_dir = _data_dir(data_dir)
    store = open_current_store(ctx, write=True) if state_of(ctx).store != ":memory:" else None
    if store is None:
        from atlas.store import open_store

        store = open_store(memory=True)
    report = build_atlas(data_dir, store, shacl=shacl)
    where = state_of(ctx).endpoint or state_of(ctx).store
    verb = "built" if report.changed else "up to date"
    click.echo(f"{verb}: {data_dir} -> {where}")
    click.echo(f"  files: {report.files} ({report.parsed} parsed, {report.removed} removed), "
               f"statements: {report.quads}")
    click.echo("  records: " + ", ".join(f"{n} {k}" for k, n in report.records.items()))
    if report.shacl_skipped:
        click.echo(f"  SHACL: {report.shacl_checked} statements validated, {report.shacl_skipped} left to the field "
                   "checks (run 'atlas validate --shacl on' for the full check)")


@main.command()
@click.argument("data_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--strict", is_flag=True, help="Treat SHACL warnings as errors.")
@click.option("--shacl", type=click.Choice(["auto", "on", "off"]), default="on", show_default=True,
              help="SHACL validation (the strict field checks always run).")
def validate(data_dir: Path | None, strict: bool, shacl: str) -> None:
    """Check a data directory without writing anything.

    Exit status 1 and one line per problem (path:line: message) if anything is wrong.

    \b
    Example:
      atlas validate data/
    """
    from atlas.build import check, load_atlas

    data_dir = _data_dir(data_dir)
    result = load_atlas(data_dir, shacl=shacl)
    if strict and result.warnings:
        result.problems = sorted(result.problems + result.warnings)
        result.shape_violations = True
    check(result)
    for w in result.warnings:
        click.echo(f"warning: {w}", err=True)
    n = len(result.sources)
    click.echo(f"ok: {data_dir}: {n} files, {len(result.warnings)} warnings")


@main.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_context
def stats(ctx: click.Context, fmt: str) -> None:
    """Print counts of what the store holds.

    \b
    Example:
      atlas stats --format json
    """
    from atlas.describe import atlas_stats

    values = atlas_stats(open_current_store(ctx), load_corpus(ctx))
    emit([{"what": k, "count": v} for k, v in values.items()], ["what", "count"], fmt)


@main.command()
@click.argument("name")
@output_options(top=None)
@click.pass_context
def show(ctx: click.Context, name: str, fmt: str, lang: str) -> None:
    """Show every statement about a record, and the file each comes from.

    NAME is a slug, an IRI or a label (accents and case ignored).

    \b
    Example:
      atlas show le-mene
    """
    from atlas.analysis.names import resolve_name
    from atlas.describe import describe_record
    from atlas.vocab import short

    corpus = load_corpus(ctx)
    iri = resolve_name(corpus, name)
    store = open_current_store(ctx)
    base = store.manifest.get("files", {})
    graphs = {meta["graph"]: rel for rel, meta in base.items()}
    rows = []
    for s in describe_record(store, iri):
        value = s.value
        if s.is_iri and s.value in corpus.kinds:
            value = f"{corpus.label(s.value, lang)} <{s.value}>"
        elif s.language:
            value = f"{s.value} @{s.language}"
        rows.append({"property": short(s.predicate), "value": value, "file": graphs.get(s.graph, s.graph)})
    if fmt == "table":
        click.echo(f"{corpus.label(iri, lang)} ({corpus.kinds.get(iri, '?')}) <{iri}>")
    emit(rows, ["property", "value", "file"], fmt)


@main.command()
@click.argument("text")
@output_options(top=20)
@click.pass_context
def search(ctx: click.Context, text: str, fmt: str, lang: str, top: int) -> None:
    """Find records whose labels or texts contain TEXT (accents and case ignored).

    \b
    Example:
      atlas search "cantine"
    """
    from atlas.describe import search_records

    hits = search_records(open_current_store(ctx), load_corpus(ctx), text, lang=lang, limit=top)
    emit([h.__dict__ for h in hits], ["kind", "label", "field", "excerpt", "iri"], fmt)


def _rdf_exporter(fmt: str) -> Callable[[click.Context, Path], int]:
    def write(ctx: click.Context, path: Path) -> int:
        from atlas.render.export import write_rdf

        store = open_current_store(ctx)
        import json

        base = json.loads(store.manifest["config"])["base"] if store.manifest.get("config") else None
        return write_rdf(store, fmt, path, base=base)

    return write


for _fmt, _what in (("ttl", "Turtle (union of the graphs)"), ("trig", "TriG (one graph per source file)"),
                    ("nq", "N-Quads"), ("nt", "N-Triples"), ("jsonld", "JSON-LD (expanded, with graphs)")):
    EXPORTERS[_fmt] = (_what, _rdf_exporter(_fmt))


@main.command()
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help="ttl, trig, nq, nt, jsonld; gexf, graphml, vosviewer where available (see atlas export --help).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (written to a temporary file, then renamed).")
@click.pass_context
def export(ctx: click.Context, fmt: str, output: Path) -> None:
    """Write the atlas to a file, byte-identical for the same content.

    \b
    Examples:
      atlas export --format trig -o atlas.trig
      atlas export --format ttl -o atlas.ttl
    """
    if fmt not in EXPORTERS:
        from atlas.cli.app import load_all_commands

        load_all_commands()  # other command modules register their formats
    if fmt not in EXPORTERS:
        raise click.BadParameter(f"unknown format {fmt!r}; choose from {', '.join(sorted(EXPORTERS))}",
                                 param_hint="--format")
    output.parent.mkdir(parents=True, exist_ok=True)
    size = EXPORTERS[fmt][1](ctx, output)
    click.echo(f"wrote {output} ({size} bytes, {fmt})")
