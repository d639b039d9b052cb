"""Commands for systemic links: links, remote, hidden, explain, clusters, bridges, gaps."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import click

from atlas.cli.app import emit, load_corpus, main, open_current_store, output_options

MEASURES = ("association", "npmi", "jaccard", "cosine", "count")
HIDDEN_MEASURES = ("npmi", "jaccard", "cosine")
EVIDENCE_SHOWN = 3


class LevelType(click.ParamType):
    """``issue`` (descriptors), ``family``, or a depth in the thesaurus (1, 2…)."""

    name = "LEVEL"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        from atlas.analysis.lattice import parse_level

        try:
            return parse_level(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def analysis_options(*, measures: Sequence[str] = MEASURES, default: str = "association",
                     min_support: int = 1) -> Callable:
    """Add ``--measure``, ``--min-support`` and ``--level`` to a command."""

    def decorate(func: Callable) -> Callable:
        func = click.option("--level", type=LevelType(), default=None, metavar="LEVEL",
                            help="Roll issues up the thesaurus: 'family', or a depth (1 = under the families).")(func)
        func = click.option("--min-support", type=click.IntRange(min=1), default=min_support, show_default=True,
                            help="Keep links shared by at least this many experiences.")(func)
        func = click.option("--measure", type=click.Choice(list(measures)), default=default, show_default=True,
                            help="How links are scored.")(func)
        return func

    return decorate


def link_options(func: Callable) -> Callable:
    """Options shared by ``links`` and ``remote``."""
    func = click.option("--write", is_flag=True,
                        help="Also store the links as RDF (atlas:SystemicLink) for SPARQL.")(func)
    func = click.option("--max-p", type=click.FloatRange(0, 1), default=None,
                        help="Drop links more likely than this by chance (hypergeometric p-value).")(func)
    func = click.option("--parent-discount", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                        help="Lower by this fraction the links between siblings or ancestor and descendant.")(func)
    func = click.option("--fractional", is_flag=True,
                        help="Fractional counting: an experience with n issues weighs 1/(n-1) per pair.")(func)
    return func


def _resolve(corpus, name: str, kinds: Sequence[str] | None = None) -> str:
    from atlas.analysis.names import resolve_name

    return resolve_name(corpus, name, kinds=kinds)


def _link_rows(corpus, links, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "rank": n,
            "source": corpus.label(k.source, lang),
            "target": corpus.label(k.target, lang),
            "source_iri": k.source,
            "target_iri": k.target,
            "measure": k.measure,
            "score": k.score,
            "support": k.support,
            "weight": k.weight,
            "p_value": k.p_value,
            "remoteness": k.remoteness,
            "evidence": [corpus.label(e, lang) for e in k.evidence[:EVIDENCE_SHOWN]]
            + ([f"+{len(k.evidence) - EVIDENCE_SHOWN} more"] if len(k.evidence) > EVIDENCE_SHOWN else []),
            "evidence_iris": list(k.evidence),
        }
        for n, k in enumerate(links, start=1)
    ]


LINK_TABLE = ["rank", "source", "target", "score", "support", "p_value", "remoteness", "evidence"]
LINK_DATA = ["source_iri", "target_iri", "source", "target", "measure", "score", "support", "weight", "p_value",
             "remoteness", "evidence_iris"]


def _emit_links(corpus, links, lang: str, fmt: str) -> None:
    emit(_link_rows(corpus, links, lang), LINK_TABLE if fmt == "table" else LINK_DATA, fmt)


def _write_links(ctx: click.Context, corpus, links, parameters: dict[str, Any]) -> None:
    from atlas.render.links_rdf import graph_to_quads, links_graph_iri, links_to_rdf
    from atlas.vocab import DEFAULT_BASE

    store = open_current_store(ctx, write=True)
    config = store.manifest.get("config") if hasattr(store, "manifest") else None
    base = json.loads(config).get("base", DEFAULT_BASE) if config else DEFAULT_BASE
    graph = links_to_rdf(links, base=base, parameters=parameters, input_hash=corpus.content_hash)
    graph_iri = str(links_graph_iri(base, parameters, corpus.content_hash))
    quads = graph_to_quads(graph, graph_iri)
    if hasattr(store, "transaction"):
        with store.transaction() as writer:
            writer.replace_graph(graph_iri, quads)
    else:
        store.replace_graph(graph_iri, quads)
    click.echo(f"wrote {len(links)} links ({len(quads)} statements) to graph <{graph_iri}>", err=True)


def _corpus(ctx: click.Context, write: bool = False):
    if write:  # open the store writable before the corpus is read from it
        open_current_store(ctx, write=True)
    return load_corpus(ctx)


@main.command()
@click.argument("issue")
@analysis_options()
@link_options
@output_options(top=20)
@click.pass_context
def links(ctx: click.Context, issue: str, measure: str, min_support: int, level, fractional: bool,
          parent_discount: float, max_p: float | None, write: bool, fmt: str, lang: str, top: int) -> None:
    """List the issues most strongly linked to ISSUE by the experiences that address both.

    ISSUE is a slug, an IRI or a label (accents and case ignored). Each link
    comes with its support (shared experiences), p-value, thesaurus remoteness
    and evidence.

    \b
    Examples:
      atlas links local-savings
      atlas links "Rénovation énergétique" --measure npmi --min-support 2
      atlas links biodiversity --level family --format json
    """
    from atlas.analysis.links import compute_links

    corpus = _corpus(ctx, write)
    iri = _resolve(corpus, issue, ["issue", "family"])
    found = compute_links(corpus, measure=measure, issue=iri, fractional=fractional, min_support=min_support,
                          level=level, parent_discount=parent_discount, max_p_value=max_p, top=top)
    if write:
        _write_links(ctx, corpus, found, {
            "command": "links", "issue": iri, "measure": measure, "fractional": fractional,
            "min_support": min_support, "level": level, "parent_discount": parent_discount, "max_p_value": max_p,
            "top": top,
        })
    _emit_links(corpus, found, lang, fmt)


@main.command()
@analysis_options(min_support=2)
@click.option("--min-remoteness", type=click.FloatRange(0, 1), default=0.5, show_default=True,
              help="Keep pairs at least this far apart in the thesaurus (1 = different families only).")
@link_options
@output_options(top=20)
@click.pass_context
def remote(ctx: click.Context, measure: str, min_support: int, level, min_remoteness: float, fractional: bool,
           parent_discount: float, max_p: float | None, write: bool, fmt: str, lang: str, top: int) -> None:
    """List strong links between issues that are far apart in the thesaurus.

    Ranked by score × remoteness (1 for issues of different families).

    \b
    Examples:
      atlas remote --top 10
      atlas remote --measure npmi --max-p 0.01 --format csv
      atlas remote --write
    """
    from atlas.analysis.remote import remote_links

    corpus = _corpus(ctx, write)
    found = remote_links(corpus, measure=measure, fractional=fractional, min_support=min_support, level=level,
                         min_remoteness=min_remoteness, parent_discount=parent_discount, max_p_value=max_p, top=top)
    if write:
        _write_links(ctx, corpus, found, {
            "command": "remote", "measure": measure, "fractional": fractional, "min_support": min_support,
            "level": level, "min_remoteness": min_remoteness, "parent_discount": parent_discount,
            "max_p_value": max_p, "top": top,
        })
    _emit_links(corpus, found, lang, fmt)


@main.command()
@click.argument("issue")
@analysis_options(measures=HIDDEN_MEASURES, default="npmi", min_support=2)
@click.option("--max-support", type=click.IntRange(min=0), default=0, show_default=True,
              help="Candidates share at most this many experiences with ISSUE.")
@click.option("--max-p", type=click.FloatRange(0, 1), default=None,
              help="A bridge must be this unlikely by chance (Poisson tail; default min(0.05, 10 / experiences));"
                   " 1 keeps every bridge.")
@click.option("--bridges", "bridge_kinds", default="issue,principle,actor", show_default=True,
              help="Which records may bridge, comma-separated.")
@output_options(top=20)
@click.pass_context
def hidden(ctx: click.Context, issue: str, measure: str, min_support: int, level, max_support: int,
           max_p: float | None,
           bridge_kinds: str, fmt: str, lang: str, top: int) -> None:
    """List issues that rarely meet ISSUE but share many strong neighbours with it (A–B–C).

    The score sums, over every bridge B (issue, principle or actor), the weaker
    of its two links to ISSUE and to the candidate.

    \b
    Examples:
      atlas hidden biodiversity
      atlas hidden local-savings --max-p 0.05 --bridges principle
    """
    from atlas.analysis.hidden import hidden_links

    corpus = load_corpus(ctx)
    iri = _resolve(corpus, issue, ["issue", "family"])
    kinds = [k.strip() for k in bridge_kinds.split(",") if k.strip()]
    try:
        found = hidden_links(corpus, iri, measure=measure, min_support=min_support, max_support=max_support,
                             max_p_value=max_p, level=level, bridge_kinds=kinds, top=top)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--bridges") from None
    rows = [
        {
            "rank": n,
            "source": corpus.label(h.source, lang),
            "target": corpus.label(h.target, lang),
            "source_iri": h.source,
            "target_iri": h.target,
            "measure": h.measure,
            "score": h.score,
            "support": h.support,
            "n_bridges": h.n_bridges,
            "bridges": [f"{corpus.label(b.iri, lang)} ({b.kind}, {b.score:.3g})" for b in h.bridges],
            "bridge_iris": [b.iri for b in h.bridges],
        }
        for n, h in enumerate(found, start=1)
    ]
    columns = (["rank", "target", "score", "support", "n_bridges", "bridges"] if fmt == "table" else
               ["source_iri", "target_iri", "source", "target", "measure", "score", "support", "n_bridges",
                "bridge_iris", "bridges"])
    emit(rows, columns, fmt)


@main.command()
@click.argument("a")
@click.argument("b")
@analysis_options()
@output_options(top=5)
@click.pass_context
def explain(ctx: click.Context, a: str, b: str, measure: str, min_support: int, level, fmt: str, lang: str,
            top: int) -> None:
    """Explain why A and B are linked: shared experiences, principles, actors, and the best paths.

    A and B are any records (issues, experiences, principles, territories,
    actors) named by slug, IRI or label. --top is the number of paths. When
    both are issues, their link (--measure, --level) is shown first.

    \b
    Examples:
      atlas explain energy-renovation-of-housing local-savings
      atlas explain le-mene conditions-of-engagement --format json
    """
    from atlas.analysis.explain import describe_step
    from atlas.analysis.explain import explain as explain_records
    from atlas.analysis.links import link_between
    from atlas.errors import NotFoundError

    corpus = load_corpus(ctx)
    source, target = _resolve(corpus, a), _resolve(corpus, b)
    if source == target:
        raise click.BadParameter("A and B name the same record", param_hint="B")
    x = explain_records(corpus, source, target, k=top)
    link = None
    if {x.source_kind, x.target_kind} <= {"issue", "family"}:
        try:
            link = link_between(corpus, source, target, measure=measure, level=level, min_support=min_support)
        except NotFoundError:  # not an item at this level (a family at the descriptor level)
            link = None

    def label(iri: str) -> str:
        return corpus.label(iri, lang)

    experiences = [{"experience": label(e.iri), "territory": label(e.territory) if e.territory else None,
                    "start": e.start_year, "end": e.end_year, "iri": e.iri} for e in x.shared_experiences]
    principles = [{"principle": label(r.iri), "via_a": r.source_count, "via_b": r.target_count, "iri": r.iri}
                  for r in x.shared_principles]
    actors = [{"actor": label(r.iri), "via_a": r.source_count, "via_b": r.target_count, "iri": r.iri}
              for r in x.shared_actors]
    paths = [{"rank": n, "cost": p.cost, "path": " → ".join(label(v) for v in p.nodes), "nodes": list(p.nodes),
              "steps": [describe_step(corpus, s, lang) for s in p.steps]} for n, p in enumerate(x.paths, start=1)]
    if fmt == "json":
        payload = {
            "a": {"iri": source, "label": label(source), "kind": x.source_kind},
            "b": {"iri": target, "label": label(target), "kind": x.target_kind},
            "link": None if link is None else {"measure": link.measure, "score": link.score, "support": link.support,
                                               "p_value": link.p_value, "remoteness": link.remoteness},
            "shared_experiences": experiences, "shared_principles": principles, "shared_actors": actors,
            "paths": paths,
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        rows = ([{"section": "experience", "label": r["experience"], "iri": r["iri"], "detail":
                  f"{r['territory'] or ''} {r['start'] or ''}-{r['end'] or ''}".strip()} for r in experiences]
                + [{"section": "principle", "label": r["principle"], "iri": r["iri"],
                    "detail": f"{r['via_a']}/{r['via_b']}"} for r in principles]
                + [{"section": "actor", "label": r["actor"], "iri": r["iri"], "detail": f"{r['via_a']}/{r['via_b']}"}
                   for r in actors]
                + [{"section": "path", "label": r["path"], "iri": " ".join(r["nodes"]),
                    "detail": " ; ".join(r["steps"])} for r in paths])
        emit(rows, ["section", "label", "iri", "detail"], "csv")
        return
    click.echo(f"{label(source)} ({x.source_kind}) — {label(target)} ({x.target_kind})")
    if link is not None:
        click.echo(f"link: {link.measure} {link.score:.4g}, {link.support} shared experiences, "
                   f"p = {link.p_value:.3g}, remoteness {link.remoteness:.2f}")
    for title, rows, columns in (
        ("Shared experiences", experiences, ["experience", "territory", "start", "end"]),
        ("Shared principles", principles, ["principle", "via_a", "via_b"]),
        ("Shared actors", actors, ["actor", "via_a", "via_b"]),
    ):
        click.echo(f"\n{title} ({len(rows)})")
        if rows:
            emit(rows[:50], columns, "table")
    click.echo(f"\nBest paths ({len(paths)})")
    for p in paths:
        click.echo(f"{p['rank']}. {p['path']}  (cost {p['cost']:.2f})")
        for step in p["steps"]:
            click.echo(f"     {step}")


def structure_options(func: Callable) -> Callable:
    """Options of the clustering behind clusters, bridges and gaps."""
    func = click.option("--seed", type=int, default=0, show_default=True, help="Seed of the clustering.")(func)
    func = click.option("--resolution", type=float, default=1.0, show_default=True,
                        help="Modularity resolution: higher gives more, smaller clusters.")(func)
    func = click.option("--method", type=click.Choice(["leiden", "louvain"]), default="leiden", show_default=True,
                        help="Community detection algorithm.")(func)
    return func


@main.command()
@analysis_options()
@structure_options
@output_options(top=20)
@click.pass_context
def clusters(ctx: click.Context, measure: str, min_support: int, level, method: str, resolution: float, seed: int,
             fmt: str, lang: str, top: int) -> None:
    """Group issues into clusters of issues that experiences bring together.

    Deterministic: the same atlas, options and seed give the same clusters,
    numbered by size.

    \b
    Examples:
      atlas clusters
      atlas clusters --resolution 1.5 --format json
    """
    from atlas.analysis.structure import cluster_issues

    corpus = load_corpus(ctx)
    found = cluster_issues(corpus, measure=measure, min_support=min_support, level=level, method=method,
                           resolution=resolution, seed=seed)
    rows = [{"cluster": k.number, "size": len(k.members), "issues": [corpus.label(m, lang) for m in k.members],
             "iris": list(k.members)} for k in found[:top]]
    emit(rows, ["cluster", "size", "issues"] if fmt == "table" else ["cluster", "size", "iris", "issues"], fmt)


@main.command()
@analysis_options()
@structure_options
@output_options(top=20)
@click.pass_context
def bridges(ctx: click.Context, measure: str, min_support: int, level, method: str, resolution: float, seed: int,
            fmt: str, lang: str, top: int) -> None:
    """List the issues that bridge clusters: betweenness, participation, constraint, role.

    Roles: global bridge (links spread over clusters), local hub (strong inside
    its cluster), connector hub (both), peripheral.

    \b
    Examples:
      atlas bridges --top 10
    """
    from atlas.analysis.structure import bridging_issues

    corpus = load_corpus(ctx)
    found = bridging_issues(corpus, measure=measure, min_support=min_support, level=level, method=method,
                            resolution=resolution, seed=seed, top=top)
    rows = [{"issue": corpus.label(b.issue, lang), "iri": b.issue, "cluster": b.cluster, "betweenness": b.betweenness,
             "participation": b.participation, "within_z": b.within_z, "constraint": b.constraint, "role": b.role}
            for b in found]
    columns = ["issue", "cluster", "betweenness", "participation", "within_z", "constraint", "role"]
    emit(rows, columns if fmt == "table" else ["iri", *columns], fmt)


@main.command()
@analysis_options()
@structure_options
@click.option("--min-size", type=click.IntRange(min=1), default=3, show_default=True,
              help="Only clusters of at least this many issues.")
@output_options(top=10)
@click.pass_context
def gaps(ctx: click.Context, measure: str, min_support: int, level, method: str, resolution: float, seed: int,
         min_size: int, fmt: str, lang: str, top: int) -> None:
    """List pairs of clusters that meet less than expected, with what already touches both sides.

    \b
    Examples:
      atlas gaps
      atlas gaps --min-size 5 --format json
    """
    from atlas.analysis.structure import structural_gaps

    corpus = load_corpus(ctx)
    found = structural_gaps(corpus, measure=measure, min_support=min_support, level=level, method=method,
                            resolution=resolution, seed=seed, min_size=min_size, top=top)
    rows = [{"clusters": f"{g.cluster_a}–{g.cluster_b}", "cluster_a": g.cluster_a, "cluster_b": g.cluster_b,
             "sizes": f"{g.size_a}×{g.size_b}", "observed": g.observed, "expected": g.expected, "ratio": g.ratio,
             "n_experiences": g.n_experiences,
             "experiences": [corpus.label(e, lang) for e in g.experiences[:EVIDENCE_SHOWN]],
             "principles": [corpus.label(p, lang) for p in g.principles[:EVIDENCE_SHOWN]],
             "experience_iris": list(g.experiences), "principle_iris": list(g.principles)} for g in found]
    columns = (["clusters", "sizes", "observed", "expected", "ratio", "n_experiences", "experiences", "principles"]
               if fmt == "table" else ["cluster_a", "cluster_b", "observed", "expected", "ratio", "n_experiences",
                                       "experience_iris", "principle_iris"])
    emit(rows, columns, fmt)
