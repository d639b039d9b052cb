"""The ``atlas map`` command (interactive HTML maps, graph files) and the gexf, graphml and
vosviewer formats of ``atlas export``."""

from __future__ import annotations

from pathlib import Path

import click

from atlas.cli.app import load_corpus, main, open_current_store
from atlas.cli.core import EXPORTERS

VIEW_CHOICES = ["atlas", "ego", "links", "principles", "territory"]
MEASURE_CHOICES = ["association", "npmi", "jaccard", "cosine", "count"]
CENTRALITY_CHOICES = ["pagerank", "degree", "betweenness"]
MAP_FORMATS = {".html": "html", ".htm": "html", ".gexf": "gexf", ".graphml": "graphml"}


def _texts(ctx: click.Context):
    from atlas.render.texts import read_texts

    return read_texts(open_current_store(ctx))


@main.command("map")
@click.option("--view", type=click.Choice(VIEW_CHOICES), default="atlas", show_default=True,
              help="atlas: every record; ego: around --focus; links: issues and their systemic links; "
                   "principles: issues coloured by a principle's evidence; territory: --focus and its peers.")
@click.option("--focus", metavar="NAME", default=None,
              help="The record at the centre (ego, territory) or the principle shown (principles): "
                   "slug, IRI or label.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True,
              help="Steps around the focus (ego).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="en", show_default=True,
              help="Language of labels when the map opens (the page can switch).")
@click.option("--measure", type=click.Choice(MEASURE_CHOICES), default="association", show_default=True,
              help="Link measure (links).")
@click.option("--min-support", type=click.IntRange(min=1), default=2, show_default=True,
              help="Links shared by at least this many experiences (links).")
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Links shown (links, default 200), principles per issue (principles, 3) or peers (territory, 10).")
@click.option("--centrality", type=click.Choice(CENTRALITY_CHOICES), default="pagerank", show_default=True,
              help="What sizes the nodes (betweenness is slow on large atlases).")
@click.option("--physics", type=click.Choice(["auto", "on", "off"]), default="auto", show_default=True,
              help="Let the layout settle in the browser: auto does up to 1,000 nodes.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the layout and clustering.")
@click.option("--format", "fmt", type=click.Choice(["html", "gexf", "graphml", "vosviewer"]), default=None,
              help="Output format; by default from the file name (.html, .gexf, .graphml), else html.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The file to write (written to a temporary file, then renamed).")
@click.pass_context
def map_command(ctx: click.Context, view: str, focus: str | None, depth: int, lang: str, measure: str,
                min_support: int, top: int | None, centrality: str, physics: str, seed: int, fmt: str | None,
                output: Path) -> None:
    """Draw an interactive map of the atlas as one self-contained HTML file.

    The page works offline, loads nothing, and shows contributor text as text.
    It has a legend, filters by type and family, a search box and a side panel
    with each record's details and each link's evidence. The same view can be
    written for Gephi (.gexf), Cytoscape (.graphml) or VOSviewer.

    \b
    Examples:
      atlas map -o atlas.html
      atlas map --view links --top 100 -o links.html
      atlas map --view ego --focus school-canteens --depth 2 -o canteens.html
      atlas map --view territory --focus le-mene --lang fr -o le-mene.html
      atlas map --view links -o links.gexf
    """
    from atlas.render.views import build_view

    if view in ("ego", "territory") and not focus:
        raise click.UsageError(f"--view {view} needs --focus NAME")
    fmt = fmt or MAP_FORMATS.get(output.suffix.lower(), "html")
    corpus = load_corpus(ctx)
    built = build_view(corpus, view, focus=focus, depth=depth, measure=measure, top=top,
                       min_support=min_support, centrality=centrality, seed=seed)
    output.parent.mkdir(parents=True, exist_ok=True)
    texts = _texts(ctx)
    if fmt == "html":
        from atlas.render.html_map import resolve_physics, write_map

        size = write_map(output, built, texts, lang=lang, physics=physics, seed=seed)
        running = "on" if resolve_physics(physics, len(built.nodes)) else "off"
        click.echo(f"wrote {output} ({size} bytes, {len(built.nodes)} nodes, {len(built.edges)} edges, "
                   f"physics {running})")
        return
    from atlas.render.graph_export import network_path, write_graph

    size = write_graph(output, built, fmt, lang=lang, date=texts.date)
    extra = f" and {network_path(output)}" if fmt == "vosviewer" else ""
    click.echo(f"wrote {output}{extra} ({size} bytes, {fmt}, {len(built.nodes)} nodes, {len(built.edges)} edges)")


def _graph_exporter(fmt: str, view: str):
    def write(ctx: click.Context, path: Path) -> int:
        from atlas.render.graph_export import write_graph
        from atlas.render.views import build_view

        built = build_view(load_corpus(ctx), view)
        return write_graph(path, built, fmt, date=_texts(ctx).date)

    return write


EXPORTERS["gexf"] = ("GEXF for Gephi: the atlas graph with types, families, clusters and centrality",
                     _graph_exporter("gexf", "atlas"))
EXPORTERS["graphml"] = ("GraphML for Cytoscape and igraph: the atlas graph, same attributes as gexf",
                        _graph_exporter("graphml", "atlas"))
EXPORTERS["vosviewer"] = ("VOSviewer map file (PATH) and network file (PATH-network): the issue links",
                          _graph_exporter("vosviewer", "links"))
