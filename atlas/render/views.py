"""The views a map can show: the whole atlas, the neighbourhood of a record, a territory and its peers,
and (in :mod:`atlas.render.issue_views`) the issue links and the principle overlay.

Each ``build_*_view`` function takes a corpus and keyword options and returns a
:class:`~atlas.render.mapview.MapView`; what it displays was computed by
:mod:`atlas.analysis` (centrality, links, clusters, bridges, peers, evidence).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx

from atlas.analysis.centrality import CENTRALITIES, node_centrality
from atlas.analysis.memo import memoised
from atlas.analysis.names import resolve_name
from atlas.analysis.peers import find_peers
from atlas.analysis.structure import cluster_issues
from atlas.graph import atlas_graph
from atlas.model import Corpus
from atlas.render.issue_views import build_links_view, build_principles_view
from atlas.render.mapview import (
    LegendEntry,
    MapEdge,
    MapNode,
    MapView,
    NodeMaker,
    edge_pair,
    family_legend,
    input_hash,
    kind_legend,
    labels_of,
    place,
    scaled_sizes,
)

VIEWS: tuple[str, ...] = ("atlas", "ego", "links", "principles", "territory")
ATLAS_KINDS: tuple[str, ...] = ("experience", "issue", "principle", "territory", "actor")
FOCUS_COLOUR = "#000000"


def atlas_centrality(corpus: Corpus, measure: str = "pagerank") -> dict[str, float]:
    """Return the centrality of every record in the whole atlas graph (computed once per corpus and measure)."""
    return memoised(corpus, ("map-centrality", measure), lambda: node_centrality(atlas_graph(corpus), measure))


def _referenced(corpus: Corpus, nodes: Iterable[MapNode], edges: Iterable[MapEdge]) -> dict[str, dict[str, str]]:
    wanted: set[str] = set()
    for n in nodes:
        wanted.add(n.id)
        wanted.update(n.families)
        if n.territory:
            wanted.add(n.territory)
    for e in edges:
        wanted.update(e.evidence)
    return {iri: labels_of(corpus, iri) for iri in sorted(wanted)}


def _graph_view(corpus: Corpus, view: str, graph: nx.Graph, *, measure: str, seed: int, options,
                focus: str | None = None, steps: Mapping[str, int] | None = None) -> MapView:
    centrality = atlas_centrality(corpus, measure)
    sizes = scaled_sizes({n: centrality.get(n, 0.0) for n in graph.nodes})
    maker = NodeMaker(corpus, sizes, centrality)
    number = {m: k.number for k in cluster_issues(corpus, seed=seed) for m in k.members}
    nodes = []
    for iri in sorted(graph.nodes):
        facts = [("steps", steps[iri])] if steps is not None else []
        if iri in number:
            facts.append(("cluster", number[iri]))
        nodes.append(maker.make(iri, kind=graph.nodes[iri].get("kind"), mark="focus" if iri == focus else None,
                                facts=facts, cluster=number.get(iri)))
    edges = [MapEdge(*edge_pair(a, b), relation=rel) for a, b, rel in graph.edges(data="relation")]
    placed, edges = place(nodes, edges, seed)
    legend = kind_legend(n.kind for n in placed) + family_legend(corpus, (f for n in placed for f in n.families))
    if focus is not None:
        legend.append(LegendEntry("mark", "focus", {"en": "Focus", "fr": "Point de départ"}, FOCUS_COLOUR))
    return MapView(view, placed, edges, tuple(legend), tuple(options), input_hash(corpus),
                   _referenced(corpus, placed, edges))


def build_atlas_view(corpus: Corpus, *, centrality: str = "pagerank", seed: int = 0) -> MapView:
    """Return the whole atlas: experiences, issues, principles, territories and actors, and their relations.

    Nodes are coloured by kind (issues by family) and sized by ``centrality``
    in the atlas graph (:func:`atlas.graph.atlas_graph`); issues carry their
    cluster (:func:`atlas.analysis.structure.cluster_issues`, default options).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e": ("i",)}, kinds={"e": "experience", "i": "issue", "t": "territory"},
    ...                         experience_territory={"e": "t"})
    >>> v = build_atlas_view(c)
    >>> [(n.id, n.kind) for n in v.nodes], [(e.source, e.target, e.relation) for e in v.edges]
    ([('e', 'experience'), ('i', 'issue'), ('t', 'territory')], [('e', 'i', 'addresses'), ('e', 't', 'located')])
    """
    _check_centrality(centrality)
    graph = atlas_graph(corpus, kinds=ATLAS_KINDS)
    options = [("view", "atlas"), ("centrality", centrality), ("seed", str(seed))]
    return _graph_view(corpus, "atlas", graph, measure=centrality, seed=seed, options=options)


def build_ego_view(corpus: Corpus, focus: str, *, depth: int = 1, centrality: str = "pagerank",
                   seed: int = 0) -> MapView:
    """Return every record within ``depth`` steps of ``focus`` in the atlas graph.

    ``focus`` is an issue, family, experience, territory, principle or actor
    (slug, IRI or label; see :func:`atlas.analysis.names.resolve_name`).

    Raises
    ------
    NotFoundError
        If ``focus`` names no record.
    ValueError
        If ``depth`` is below 1.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("b", "c")},
    ...     kinds={"e1": "experience", "e2": "experience", "a": "issue", "b": "issue", "c": "issue"})
    >>> sorted(n.id for n in build_ego_view(c, "a").nodes)
    ['a', 'e1']
    >>> sorted(n.id for n in build_ego_view(c, "a", depth=3).nodes)
    ['a', 'b', 'e1', 'e2']
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    _check_centrality(centrality)
    iri = resolve_name(corpus, focus)
    graph = atlas_graph(corpus)
    if iri not in graph:
        graph.add_node(iri, kind=corpus.kinds.get(iri, "issue"), label=corpus.label(iri))
    steps = nx.single_source_shortest_path_length(graph, iri, cutoff=depth)
    sub = graph.subgraph(steps)
    options = [("view", "ego"), ("focus", iri), ("depth", str(depth)), ("centrality", centrality), ("seed", str(seed))]
    return _graph_view(corpus, "ego", sub, measure=centrality, seed=seed, options=options, focus=iri, steps=steps)


def build_territory_view(corpus: Corpus, focus: str, *, top: int = 10, centrality: str = "pagerank",
                         seed: int = 0) -> MapView:
    """Return a territory, its experiences, the issues they address, and its peer territories.

    Peers come from :func:`atlas.analysis.peers.find_peers`; each is joined to
    the territory (width by similarity) and to the issues both work on.

    Raises
    ------
    NotFoundError
        If ``focus`` names no territory.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("a",)}, kinds={"t1": "territory", "t2": "territory", "e1": "experience",
    ...     "e2": "experience", "a": "issue"}, experience_territory={"e1": "t1", "e2": "t2"},
    ...     territories={"t1": TerritoryInfo("t1"), "t2": TerritoryInfo("t2")})
    >>> v = build_territory_view(c, "t1")
    >>> [(e.source, e.target, e.relation) for e in v.edges]
    [('a', 'e1', 'addresses'), ('a', 't2', 'shares'), ('e1', 't1', 'located'), ('t1', 't2', 'peer')]
    """
    _check_centrality(centrality)
    home = resolve_name(corpus, focus, kinds=("territory",))
    centrality_of = atlas_centrality(corpus, centrality)
    experiences = sorted(e for e, t in corpus.experience_territory.items() if t == home)
    row = {e: r for r, e in enumerate(corpus.experiences)}
    issues: set[str] = set()
    edges: list[MapEdge] = []
    for e in experiences:
        edges.append(MapEdge(*edge_pair(e, home), relation="located"))
        if e in row:
            r = row[e]
            for c in corpus.incidence.indices[corpus.incidence.indptr[r]: corpus.incidence.indptr[r + 1]].tolist():
                issues.add(corpus.issues[c])
                edges.append(MapEdge(*edge_pair(e, corpus.issues[c]), relation="addresses"))
    peers = find_peers(corpus, home, top=top)
    best = max((p.score for p in peers), default=0.0)
    ids = [home, *experiences, *sorted(issues), *(p.territory for p in peers)]
    sizes = scaled_sizes({i: centrality_of.get(i, 0.0) for i in ids})
    maker = NodeMaker(corpus, sizes, centrality_of)
    nodes = [maker.make(home, kind="territory", mark="focus")]
    nodes += [maker.make(e, kind="experience") for e in experiences]
    nodes += [maker.make(i, kind="issue") for i in sorted(issues)]
    for p in peers:
        facts = [("similarity", round(p.score, 4)), ("issue similarity", round(p.issue_similarity, 4)),
                 ("principle similarity", round(p.principle_similarity, 4)),
                 ("context similarity", round(p.context_similarity, 4))]
        if p.shared_context:
            facts.append(("shared context", ", ".join(p.shared_context)))
        nodes.append(maker.make(p.territory, kind="territory", mark="peer", facts=facts))
        edges.append(MapEdge(*edge_pair(home, p.territory), relation="peer",
                             width=round(1.0 + 7.0 * (p.score / best if best else 0.0), 2), colour="#b15928",
                             facts=(*facts[:4], ("shared issues", len(p.shared_issues)))))
        edges += [MapEdge(*edge_pair(p.territory, i), relation="shares", dashes=True)
                  for i in p.shared_issues if i in issues]
    placed, edges = place(nodes, edges, seed)
    legend = kind_legend(n.kind for n in placed) + family_legend(corpus, (f for n in placed for f in n.families))
    legend += [LegendEntry("mark", "focus", {"en": "The territory", "fr": "Le territoire"}, FOCUS_COLOUR),
               LegendEntry("mark", "peer", {"en": "Peer territory", "fr": "Territoire pair"}, "#b15928", "square"),
               LegendEntry("edge", "shares", {"en": "Issue the peer also works on",
                                              "fr": "Enjeu sur lequel le pair travaille aussi"}, "#b0b0b0", "dashed")]
    options = [("view", "territory"), ("focus", home), ("top", str(top)), ("centrality", centrality),
               ("seed", str(seed))]
    return MapView("territory", placed, edges, tuple(legend), tuple(options), input_hash(corpus),
                   _referenced(corpus, placed, edges))


def _check_centrality(centrality: str) -> None:
    if centrality not in CENTRALITIES:
        raise ValueError(f"unknown centrality {centrality!r}; choose one of {', '.join(CENTRALITIES)}")


def build_view(corpus: Corpus, view: str = "atlas", *, focus: str | None = None, depth: int = 1,
               measure: str = "association", top: int | None = None, min_support: int = 2,
               centrality: str = "pagerank", seed: int = 0) -> MapView:
    """Build the view named ``view`` (one of :data:`VIEWS`) with the options that apply to it.

    ``focus`` is required by ``ego`` and ``territory`` and selects the principle
    of ``principles``; ``depth`` applies to ``ego``; ``measure`` and
    ``min_support`` to ``links``; ``top`` is the number of links (``links``,
    default 200), principles per issue (``principles``, default 3) or peers
    (``territory``, default 10).

    Raises
    ------
    ValueError
        If ``view`` is unknown or a focus is missing.
    NotFoundError
        If ``focus`` names nothing suitable.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> build_view(corpus_from_records({"e": ("i",)}), "ego")
    Traceback (most recent call last):
    ...
    ValueError: the ego view needs a focus
    """
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}; choose one of {', '.join(VIEWS)}")
    if view in ("ego", "territory") and not focus:
        raise ValueError(f"the {view} view needs a focus")
    if view == "atlas":
        return build_atlas_view(corpus, centrality=centrality, seed=seed)
    if view == "ego":
        return build_ego_view(corpus, focus, depth=depth, centrality=centrality, seed=seed)
    if view == "territory":
        return build_territory_view(corpus, focus, top=top or 10, centrality=centrality, seed=seed)
    _check_centrality(centrality)
    if view == "links":
        return build_links_view(corpus, measure=measure, top=top or 200, min_support=min_support,
                                centrality=centrality, seed=seed)
    return build_principles_view(corpus, focus=focus, top=top or 3, centrality=centrality, seed=seed)
