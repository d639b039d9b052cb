"""Views of the issues: the systemic links between them, and the principle overlay.

- **Issue links**: issues joined by the strongest computed links
  (:func:`atlas.analysis.links.compute_links`), edge width by score, remote
  links (remoteness at least :data:`REMOTE`, as ``atlas remote``) dashed and
  red; issues coloured by cluster (:func:`atlas.analysis.structure.cluster_issues`)
  and bridging issues (:func:`atlas.analysis.structure.bridging_issues`) drawn
  as diamonds: those whose role is *connector hub* or *global bridge*, and the
  :data:`BRIDGE_SHARE` with the highest betweenness.
- **Principle overlay**: issues and principles; each issue is joined to the
  ``top`` principles most evidenced among its experiences and coloured by the
  share of its experiences that evidence the selected principle
  (:func:`atlas.analysis.overlay.principle_evidence`); the page can switch
  principle.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from atlas.analysis.centrality import node_centrality
from atlas.analysis.links import compute_links
from atlas.analysis.names import resolve_name
from atlas.analysis.overlay import principle_evidence
from atlas.analysis.structure import bridging_issues, cluster_issues
from atlas.model import Corpus
from atlas.render.mapview import (
    CLUSTER_COLOURS,
    OTHER_COLOUR,
    LegendEntry,
    MapEdge,
    MapView,
    NodeMaker,
    Overlay,
    cluster_colour,
    edge_pair,
    family_legend,
    input_hash,
    kind_legend,
    labels_of,
    place,
    scaled_sizes,
)

REMOTE = 0.5
BRIDGE_SHARE = 0.05
REMOTE_COLOUR = "#d62728"
LINK_COLOUR = "#8c8c8c"
#: Share of an issue's experiences evidencing a principle -> colour (Viridis, light to dark).
SHARE_BINS: tuple[tuple[float, str], ...] = (
    (0.0, "#e0e0e0"), (0.1, "#fde725"), (0.25, "#5ec962"), (0.5, "#21918c"), (0.75, "#3b528b"), (1.0, "#440154"),
)


def share_colour(share: float) -> str:
    """Return the colour of a share in :data:`SHARE_BINS`.

    Examples
    --------
    >>> share_colour(0.0), share_colour(0.1), share_colour(0.3), share_colour(1.0)
    ('#e0e0e0', '#fde725', '#21918c', '#440154')
    """
    for upper, colour in SHARE_BINS:
        if share <= upper:
            return colour
    return SHARE_BINS[-1][1]


def _width(score: float, low: float, high: float) -> float:
    return round(1.0 + 7.0 * ((score - low) / (high - low) if high > low else 0.5), 2)


def build_links_view(corpus: Corpus, *, measure: str = "association", top: int = 200, min_support: int = 2,
                     centrality: str = "pagerank", seed: int = 0) -> MapView:
    """Return the issues joined by their ``top`` strongest systemic links, with clusters and bridges.

    Issues are sized by ``centrality`` in the graph of the links shown
    (weighted by the number of shared experiences).

    Examples
    --------
    ``a`` (family F) and ``c`` (family G) meet twice: a remote link; ``a`` and
    ``b``, just under it, once.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "c"), "e2": ("a", "c"), "e3": ("a", "b")},
    ...     families=("F", "G"), broader={"a": ("F",), "b": ("a",), "c": ("G",)})
    >>> v = build_links_view(c, measure="count", min_support=1)
    >>> [(e.source, e.target, e.dashes, e.evidence) for e in v.edges]
    [('a', 'b', False, ('e3',)), ('a', 'c', True, ('e1', 'e2'))]
    """
    links = compute_links(corpus, measure=measure, min_support=min_support, top=top)
    clusters = cluster_issues(corpus, measure=measure, min_support=min_support, seed=seed)
    number = {m: k.number for k in clusters for m in k.members}
    bridges = {b.issue: b for b in bridging_issues(corpus, measure=measure, min_support=min_support, seed=seed,
                                                   top=None)}
    issues = sorted({i for k in links for i in (k.source, k.target)})
    ranked = sorted((b for i in issues if (b := bridges.get(i)) is not None and b.betweenness > 0),
                    key=lambda b: (-b.betweenness, b.issue))
    marked = {b.issue for b in ranked[: max(1, math.ceil(BRIDGE_SHARE * len(issues)))]} if ranked else set()
    marked |= {i for i in issues if i in bridges and bridges[i].role in ("connector hub", "global bridge")}

    graph = nx.Graph()
    graph.add_nodes_from(issues)
    graph.add_weighted_edges_from((k.source, k.target, float(k.support)) for k in links)
    values = node_centrality(graph, centrality, weight="weight")
    maker = NodeMaker(corpus, scaled_sizes(values), values)
    occurrences = np.diff(corpus.incidence.tocsc().indptr)
    column = {iri: j for j, iri in enumerate(corpus.issues)}
    nodes = []
    for i in issues:
        facts: list = [("experiences", int(occurrences[column[i]]) if i in column else 0)]
        if i in number:
            facts.append(("cluster", number[i]))
        if i in bridges:
            b = bridges[i]
            facts += [("role", b.role), ("betweenness", round(b.betweenness, 4)),
                      ("participation", round(b.participation, 4))]
        mark = "bridge" if i in marked else None
        nodes.append(maker.make(i, kind="issue", colour=cluster_colour(number.get(i)), cluster=number.get(i),
                                mark=mark, shape="diamond" if mark else "dot", facts=facts))
    low = min((k.score for k in links), default=0.0)
    high = max((k.score for k in links), default=0.0)
    edges = []
    for k in links:
        remote = k.remoteness >= REMOTE
        facts = (("measure", k.measure), ("score", round(k.score, 4)), ("support", k.support),
                 ("p-value", float(f"{k.p_value:.3g}")), ("remoteness", round(k.remoteness, 4)))
        edges.append(MapEdge(*edge_pair(k.source, k.target), relation="remote link" if remote else "link",
                             width=_width(k.score, low, high), colour=REMOTE_COLOUR if remote else LINK_COLOUR,
                             dashes=remote, facts=facts, evidence=k.evidence))
    placed, edges = place(nodes, edges, seed)
    legend = kind_legend(["issue"])
    shown = sorted({n.cluster for n in placed if n.cluster is not None})
    for n in shown:
        if n <= len(CLUSTER_COLOURS):
            size = sum(1 for m in placed if m.cluster == n)
            legend.append(LegendEntry("cluster", str(n), {"en": f"Cluster {n} ({size})", "fr": f"Groupe {n} ({size})"},
                                      cluster_colour(n)))
    if any(n > len(CLUSTER_COLOURS) for n in shown):
        legend.append(LegendEntry("cluster", "other", {"en": "Smaller clusters", "fr": "Petits groupes"}, OTHER_COLOUR))
    legend += family_legend(corpus, (f for n in placed for f in n.families))
    legend += [
        LegendEntry("edge", "link", {"en": "Link (width: score)", "fr": "Lien (épaisseur : score)"}, LINK_COLOUR,
                    "line"),
        LegendEntry("edge", "remote", {"en": "Remote link", "fr": "Lien lointain"}, REMOTE_COLOUR, "dashed"),
        LegendEntry("mark", "bridge", {"en": "Bridging issue", "fr": "Enjeu passerelle"}, "#000000", "diamond"),
    ]
    options = [("view", "links"), ("measure", measure), ("top", str(top)), ("min_support", str(min_support)),
               ("centrality", centrality), ("seed", str(seed))]
    referenced = {n.id: labels_of(corpus, n.id) for n in placed}
    referenced.update({f: labels_of(corpus, f) for n in placed for f in n.families})
    referenced.update({e: labels_of(corpus, e) for k in edges for e in k.evidence})
    return MapView("links", placed, edges, tuple(legend), tuple(options), input_hash(corpus),
                   dict(sorted(referenced.items())))


def build_principles_view(corpus: Corpus, *, focus: str | None = None, top: int = 3, centrality: str = "pagerank",
                          seed: int = 0) -> MapView:
    """Return issues coloured by how much a principle is evidenced in their experiences, and the principles.

    The selected principle is ``focus`` or else the one evidenced by the most
    issue–experience pairs. Each issue is joined to its ``top`` most evidenced
    principles (width by share).

    Raises
    ------
    NotFoundError
        If ``focus`` names no principle.

    Examples
    --------
    ``a``'s experiences: e1 and e2 illustrate ``p``, e3 ``q``: 2/3 of ``a`` evidences ``p``.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",), "e3": ("a", "b")}, kinds={"p": "principle",
    ...     "q": "principle"}, experience_principles={"e1": ("p",), "e2": ("p",), "e3": ("q",)})
    >>> v = build_principles_view(c)
    >>> v.overlay.principles[v.overlay.selected], dict(v.overlay.shares)["a"]
    ('p', ((0, 0.6667), (1, 0.3333)))
    >>> [n.colour for n in v.nodes if n.kind == "issue"]
    ['#3b528b', '#e0e0e0']
    """
    ev = principle_evidence(corpus)
    counts = ev.counts.tocsr()
    used = np.flatnonzero(np.asarray(counts.sum(axis=0)).ravel() > 0)
    principles = tuple(ev.principles[j] for j in used.tolist())
    local = {int(j): k for k, j in enumerate(used.tolist())}
    if focus:
        chosen = resolve_name(corpus, focus, kinds=("principle",))
        if chosen not in principles:
            principles = tuple(sorted((*principles, chosen)))
            local = {ev.principles.index(p): k for k, p in enumerate(principles) if p in ev.principles}
    else:
        totals = np.asarray(counts.sum(axis=0)).ravel()
        chosen = min(principles, key=lambda p: (-totals[ev.principles.index(p)], p)) if principles else None
    selected = principles.index(chosen) if chosen in principles else 0
    shares: dict[str, tuple[tuple[int, float], ...]] = {}
    edges = []
    for i, issue in enumerate(ev.issues):
        n = float(ev.occurrences[i])
        if n == 0:
            continue
        row = counts[i]
        pairs = sorted(((local[int(j)], float(c)) for j, c in zip(row.indices.tolist(), row.data.tolist(),
                                                                   strict=True) if int(j) in local))
        shares[issue] = tuple((k, round(c / n, 4)) for k, c in pairs)
        best = sorted(pairs, key=lambda kc: (-kc[1], principles[kc[0]]))[:top]
        edges += [MapEdge(*edge_pair(issue, principles[k]), relation="evidences", width=round(1 + 5 * c / n, 2),
                          facts=(("cases", int(c)), ("share", round(c / n, 4)))) for k, c in best]
    graph = nx.Graph()
    graph.add_nodes_from(shares)
    graph.add_nodes_from(principles)
    graph.add_weighted_edges_from((e.source, e.target, e.width) for e in edges)
    values = node_centrality(graph, centrality, weight="weight")
    maker = NodeMaker(corpus, scaled_sizes(values), values)
    row_of = {issue: i for i, issue in enumerate(ev.issues)}
    column_of = {p: j for j, p in enumerate(ev.principles)}
    nodes = []
    for issue, row in shares.items():
        share = dict(row).get(selected, 0.0)
        nodes.append(maker.make(issue, kind="issue", colour=share_colour(share),
                                facts=[("experiences", int(ev.occurrences[row_of[issue]]))]))
    cases = np.asarray((ev.counts > 0).sum(axis=0)).ravel()
    for k, p in enumerate(principles):
        facts = [("issues", int(cases[column_of[p]]) if p in column_of else 0)]
        nodes.append(maker.make(p, kind="principle", mark="focus" if k == selected else None, facts=facts))
    placed, edges = place(nodes, edges, seed)
    legend = kind_legend(["issue", "principle"])
    bounds = [0.0] + [upper for upper, _ in SHARE_BINS[:-1]]
    for (upper, colour), lower in zip(SHARE_BINS, bounds, strict=True):
        text = "0 %" if upper == 0 else f"{lower:.0%} – {upper:.0%}".replace("%", " %")
        legend.append(LegendEntry("scale", f"{upper:g}", {"en": text, "fr": text}, colour))
    legend += family_legend(corpus, (f for n in placed for f in n.families))
    legend.append(LegendEntry("mark", "focus", {"en": "Selected principle", "fr": "Principe choisi"}, "#000000",
                              "diamond"))
    options = [("view", "principles"), ("focus", chosen or ""), ("top", str(top)), ("centrality", centrality),
               ("seed", str(seed))]
    overlay = Overlay(principles, selected, SHARE_BINS, dict(sorted(shares.items())))
    referenced = {n.id: labels_of(corpus, n.id) for n in placed}
    referenced.update({f: labels_of(corpus, f) for n in placed for f in n.families})
    return MapView("principles", placed, edges, tuple(legend), tuple(options), input_hash(corpus),
                   dict(sorted(referenced.items())), overlay)
