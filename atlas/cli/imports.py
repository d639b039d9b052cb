"""Commands that import existing collections: ``atlas import skos`` and ``atlas import csv``."""

from __future__ import annotations

from pathlib import Path

import click

from atlas.cli.app import main, state_of

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
_INTO = click.option(
    "--into", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="The atlas directory to write into (default: --data, else the current directory).",
)


def _into(ctx: click.Context, into: Path | None) -> Path:
    return into or state_of(ctx).data or Path(".")


def _report(report) -> None:
    for rel in report.written:
        click.echo(f"wrote {Path(report.into) / rel}")
    click.echo("  " + ", ".join(f"{n} {what}" for what, n in report.counts.items()))
    for note in report.notes:
        click.echo(f"  note: {note}")


@main.group("import")
def import_group() -> None:
    """Import an existing collection into an atlas directory as source files.

    \b
    Examples:
      atlas import skos gemet.rdf --into my-atlas/ --licence https://www.eionet.europa.eu/gemet/en/about/
      atlas import skos gemet.rdf --into data/ --align
      atlas import csv cases.csv --mapping cases-mapping.yaml --into data/
    """


@import_group.command("skos")
@click.argument("file", type=_FILE)
@click.option("--format", "fmt", type=click.Choice(["rdfxml", "turtle", "ntriples"]), default=None,
              help="The file's format (default: from its extension: .rdf .xml .owl, .ttl, .nt).")
@_INTO
@click.option("--align", is_flag=True,
              help="Propose skos:exactMatch/closeMatch from the atlas's issues to the thesaurus's concepts, "
                   "written to thesaurus/NAME-alignment.ttl, instead of importing the concepts.")
@click.option("--scheme", metavar="IRI", default=None, help="Only the concepts of this concept scheme.")
@click.option("--name", metavar="SLUG", default=None, help="Names the written files (default: from FILE).")
@click.option("--languages", metavar="TAGS", default=None,
              help="Comma-separated languages to keep (default: every language the atlas declares).")
@click.option("--slugs", type=click.Choice(["label", "notation"]), default="label", show_default=True,
              help="Make the ids of concepts from their label or their notation.")
@click.option("--prefix", metavar="SLUG", default=None, help="Put before every imported id (gemet-water).")
@click.option("--base", metavar="IRI", default=None, help="Base IRI of a new atlas (written to atlas.yaml).")
@click.option("--licence", metavar="URL", default=None,
              help="Licence of a new atlas (default: the one the concept scheme declares).")
@click.option("--threshold", type=click.FloatRange(0, 1, min_open=True), default=0.75, show_default=True,
              help="With --align: lowest label similarity of a close match.")
@click.pass_context
def skos(ctx: click.Context, file: Path, fmt: str | None, into: Path | None, align: bool, scheme: str | None,
         name: str | None, languages: str | None, slugs: str, prefix: str | None, base: str | None,
         licence: str | None, threshold: float) -> None:
    """Import a SKOS thesaurus (RDF/XML, Turtle, N-Triples) as issues, or align the atlas's issues to it.

    The import writes thesaurus/NAME.yaml (top concepts as families, the
    others as issues with broader, related, labels in every language,
    definitions, exact_match to their IRI) and thesaurus/NAME.ttl (schemes,
    top concepts, notations). XML with a DOCTYPE or ENTITY declaration is
    refused. Nothing is written if there is any problem.

    \b
    Examples:
      atlas import skos thesaurus.rdf --into my-atlas/ --licence https://creativecommons.org/licenses/by/4.0/
      atlas import skos thesaurus.ttl --into data/ --align --threshold 0.8
    """
    target = _into(ctx, into)
    if align:
        from atlas.load.skos_align import align_skos

        report = align_skos(file, target, fmt=fmt, scheme=scheme, name=name, threshold=threshold)
    else:
        from atlas.load.skos_sources import import_skos

        langs = [lang.strip() for lang in languages.split(",") if lang.strip()] if languages else None
        report = import_skos(file, target, fmt=fmt, scheme=scheme, name=name, languages=langs, slugs=slugs,
                             prefix=prefix, base=base, licence=licence)
    _report(report)


@import_group.command("csv")
@click.argument("file", type=_FILE)
@click.option("--mapping", "mapping", type=_FILE, required=True,
              help="YAML file saying which column holds which field (see docs/import.md).")
@_INTO
@click.pass_context
def csv(ctx: click.Context, file: Path, mapping: Path, into: Path | None) -> None:
    """Import a spreadsheet (CSV) of experiences or issues into source files.

    Every bad row is reported as FILE:LINE: column 'X': message (LINE is where
    the record starts, multi-line cells included), and then nothing is written.

    \b
    Example:
      atlas import csv referentiel-cae-structure.csv --mapping docs/examples/ademe-cae-mapping.yaml --into ademe/
    """
    from atlas.load.csv_import import import_csv

    _report(import_csv(file, mapping, _into(ctx, into)))
