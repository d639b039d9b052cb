"""The shape of the issue network: clusters, bridging issues, structural gaps.

All three work on the **issue graph**: issues (at a thesaurus level) joined by
the links of :mod:`atlas.analysis.links` that have at least ``min_support``
experiences and a score above the measure's neutral value (1 for
``association``, 0 for ``npmi``; any positive score for the others), weighted
by that score. Keeping only better-than-chance links matters: with thousands
of experiences almost every pair of issues co-occurs once, and the full graph
is a hairball.

- **Clusters**: Leiden (Traag, Waltman & van Eck 2019) or Louvain maximising
  weighted modularity, with igraph, on vertices in sorted IRI order and a
  seeded random generator: the same input and seed give the same clusters.
  Clusters are numbered from 1 by size (largest first), then first member IRI.
- **Bridging issues**: weighted betweenness on distances ``1 / score``
  (normalised by ``(n-1)(n-2)/2``); the participation coefficient
  ``P_i = 1 - Σ_c (k_ic / k_i)²`` of the issue's link strength across
  clusters and its within-cluster strength z-score (Guimerà & Amaral 2005),
  which separate the roles: ``connector hub`` (z ≥ 2.5, P > 0.30),
  ``local hub`` (z ≥ 2.5, P ≤ 0.30), ``global bridge`` (z < 2.5, P > 0.62) and
  ``peripheral``; and Burt's constraint (low = a broker between otherwise
  unconnected neighbours).
- **Structural gaps**: for two clusters *a*, *b*, the co-occurrences observed
  between them, ``O_ab = Σ_{i∈a, j∈b} c_ij``, against the number expected if
  co-occurrences ignored clusters, ``E_ab = K_a K_b / 2M`` (``K_a``: sum over
  *a* of the issues' co-occurrence totals; ``2M``: the sum over all issues).
  A gap is a pair of clusters of at least ``min_size`` issues with
  ``O_ab / E_ab < 1``, the smallest ratio first; its candidate bridges are the
  experiences that already address both sides and the principles illustrated
  on both sides, each ranked by the smaller of its two counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph
import numpy as np

from atlas.analysis.centrality import normalised_betweenness, seeded_igraph
from atlas.analysis.cooccurrence import cooccurrence
from atlas.analysis.incidence import principle_incidence
from atlas.analysis.links import link_table
from atlas.model import Corpus

_NEUTRAL = {"association": 1.0, "npmi": 0.0, "jaccard": 0.0, "cosine": 0.0, "count": 0.0}
_HUB_Z = 2.5


@dataclass(frozen=True)
class Cluster:
    """A cluster of issues, numbered from 1 by size then first member."""

    number: int
    members: tuple[str, ...]


@dataclass(frozen=True)
class BridgingIssue:
    """How much an issue bridges the clusters of the issue graph."""

    issue: str
    cluster: int
    betweenness: float
    participation: float
    within_z: float
    constraint: float
    role: str


@dataclass(frozen=True)
class Gap:
    """Two clusters that meet less than expected, and what already touches both."""

    cluster_a: int
    cluster_b: int
    size_a: int
    size_b: int
    observed: float
    expected: float
    ratio: float
    n_experiences: int
    experiences: tuple[str, ...]
    principles: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class _IssueGraph:
    items: tuple[str, ...]
    graph: igraph.Graph
    weight: np.ndarray


def _issue_graph(
    corpus: Corpus, measure: str, min_support: int, level: int | str | None, fractional: bool
) -> _IssueGraph:
    table = link_table(corpus, measure=measure, min_support=min_support, level=level, fractional=fractional)
    keep = table.score > _NEUTRAL[measure]
    rows, cols, weight = table.rows[keep], table.cols[keep], table.score[keep]
    order = np.lexsort((cols, rows))
    edges = np.stack([rows[order], cols[order]], axis=1)
    graph = igraph.Graph(n=len(table.cooc.items), edges=edges.tolist(), directed=False)
    return _IssueGraph(table.cooc.items, graph, weight[order].astype(np.float64))


def _membership(ig: _IssueGraph, method: str, resolution: float, seed: int) -> list[int]:
    if method not in ("leiden", "louvain"):
        raise ValueError(f"unknown clustering method {method!r}; choose leiden or louvain")
    if ig.graph.vcount() == 0:
        return []
    with seeded_igraph(seed):
        if method == "leiden":
            found = ig.graph.community_leiden(
                objective_function="modularity", weights=ig.weight.tolist(), resolution=resolution, n_iterations=-1
            )
        else:
            found = ig.graph.community_multilevel(weights=ig.weight.tolist(), resolution=resolution)
    return list(found.membership)


def _numbered(items: tuple[str, ...], membership: list[int]) -> list[Cluster]:
    groups: dict[int, list[str]] = {}
    for item, label in zip(items, membership, strict=True):
        groups.setdefault(label, []).append(item)
    ordered = sorted((tuple(sorted(m)) for m in groups.values()), key=lambda m: (-len(m), m[0]))
    return [Cluster(number=n, members=m) for n, m in enumerate(ordered, start=1)]


def cluster_issues(
    corpus: Corpus,
    *,
    measure: str = "association",
    min_support: int = 1,
    level: int | str | None = None,
    fractional: bool = False,
    method: str = "leiden",
    resolution: float = 1.0,
    seed: int = 0,
) -> list[Cluster]:
    """Return clusters of issues, largest first.

    Parameters
    ----------
    corpus : Corpus
    measure, min_support, level, fractional
        Which links make the issue graph (see the module docstring).
    method : str
        ``leiden`` (default) or ``louvain``.
    resolution : float
        Modularity resolution: higher gives more, smaller clusters.
    seed : int
        Seed of the random generator.

    Returns
    -------
    list of Cluster
        Every issue in exactly one cluster; issues without links are singletons.

    Examples
    --------
    Two groups that never meet:

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("c", "d"), "e4": ("c", "d")})
    >>> [k.members for k in cluster_issues(c, measure="count")]
    [('a', 'b'), ('c', 'd')]
    """
    ig = _issue_graph(corpus, measure, min_support, level, fractional)
    return _numbered(ig.items, _membership(ig, method, resolution, seed))


def bridging_issues(
    corpus: Corpus,
    *,
    measure: str = "association",
    min_support: int = 1,
    level: int | str | None = None,
    fractional: bool = False,
    method: str = "leiden",
    resolution: float = 1.0,
    seed: int = 0,
    top: int | None = 20,
) -> list[BridgingIssue]:
    """Return the issues that bridge clusters, highest betweenness first.

    Parameters are those of :func:`cluster_issues`, plus ``top``.

    Returns
    -------
    list of BridgingIssue
        By betweenness, then participation (both descending), then IRI.

    Examples
    --------
    A chain ``x–a–b–c–y``: 4 of the 6 pairs of other issues pass through ``b``,
    3 through ``a`` and ``c``.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "x"), "e2": ("a", "b"), "e3": ("b", "c"), "e4": ("c", "y")})
    >>> sorted((b.issue, round(b.betweenness, 3)) for b in bridging_issues(c, measure="count"))
    [('a', 0.5), ('b', 0.667), ('c', 0.5), ('x', 0.0), ('y', 0.0)]
    """
    ig = _issue_graph(corpus, measure, min_support, level, fractional)
    n = len(ig.items)
    if n == 0:
        return []
    membership = _membership(ig, method, resolution, seed)
    clusters = _numbered(ig.items, membership)
    number = {m: k.number for k in clusters for m in k.members}
    labels = np.array([number[i] for i in ig.items])
    g = ig.graph
    between = normalised_betweenness(g, (1.0 / ig.weight).tolist())
    constraint = np.asarray(g.constraint(weights=ig.weight.tolist()), dtype=np.float64)

    edges = np.array(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    per_cluster = np.zeros((n, len(clusters) + 1))
    np.add.at(per_cluster, (edges[:, 0], labels[edges[:, 1]]), ig.weight)
    np.add.at(per_cluster, (edges[:, 1], labels[edges[:, 0]]), ig.weight)
    strength = per_cluster.sum(axis=1)
    participation = np.where(
        strength > 0, 1.0 - ((per_cluster / np.where(strength > 0, strength, 1.0)[:, None]) ** 2).sum(axis=1), 0.0
    )
    inside = per_cluster[np.arange(n), labels]
    within_z = np.zeros(n)
    for k in clusters:
        idx = np.array([ig.items.index(m) for m in k.members])
        spread = inside[idx].std()
        if spread > 0:
            within_z[idx] = (inside[idx] - inside[idx].mean()) / spread

    out = []
    for i, issue in enumerate(ig.items):
        hub = within_z[i] >= _HUB_Z
        if hub:
            role = "connector hub" if participation[i] > 0.30 else "local hub"
        else:
            role = "global bridge" if participation[i] > 0.62 else "peripheral"
        out.append(
            BridgingIssue(
                issue=issue,
                cluster=int(labels[i]),
                betweenness=float(between[i]),
                participation=float(participation[i]),
                within_z=float(within_z[i]),
                constraint=float(constraint[i]) if np.isfinite(constraint[i]) else float("nan"),
                role=role,
            )
        )
    out.sort(key=lambda b: (-b.betweenness, -b.participation, b.issue))
    return out if top is None else out[:top]


def structural_gaps(
    corpus: Corpus,
    *,
    measure: str = "association",
    min_support: int = 1,
    level: int | str | None = None,
    fractional: bool = False,
    method: str = "leiden",
    resolution: float = 1.0,
    seed: int = 0,
    min_size: int = 3,
    max_candidates: int = 10,
    top: int | None = 10,
) -> list[Gap]:
    """Return pairs of large clusters that meet less than expected, with candidate bridges.

    Parameters are those of :func:`cluster_issues`, plus:

    min_size : int
        Only clusters of at least this many issues.
    max_candidates : int
        How many experiences and principles to list per gap.
    top : int, optional
        How many gaps to return.

    Returns
    -------
    list of Gap
        Smallest ``observed / expected`` first, then cluster numbers.

    Examples
    --------
    Clusters {a, b} and {c, d} meet in one experience only.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("c", "d"), "e4": ("c", "d"), "e5": ("b", "c")},
    ...     experience_principles={"e1": ("p",), "e4": ("p",)})
    >>> [(g.cluster_a, g.cluster_b, g.experiences, g.principles)
    ...  for g in structural_gaps(c, measure="count", min_support=2, min_size=2)]
    [(1, 2, ('e5',), ('p',))]
    """
    clusters = [
        k
        for k in cluster_issues(
            corpus,
            measure=measure,
            min_support=min_support,
            level=level,
            fractional=fractional,
            method=method,
            resolution=resolution,
            seed=seed,
        )
        if len(k.members) >= min_size
    ]
    cooc = cooccurrence(corpus, level=level)
    position = {item: j for j, item in enumerate(cooc.items)}
    counts = cooc.counts.tocsr()
    strength = np.asarray(counts.sum(axis=1)).ravel()
    total = float(strength.sum())
    x = cooc.incidence.tocsc()
    p_items, p_matrix = principle_incidence(corpus)
    p_matrix = p_matrix.tocsc()
    cols = {k.number: np.array([position[m] for m in k.members]) for k in clusters}
    touch = {n: np.asarray(x[:, c].sum(axis=1)).ravel() for n, c in cols.items()}
    gaps = []
    for i, a in enumerate(clusters):
        for b in clusters[i + 1 :]:
            observed = float(counts[cols[a.number]][:, cols[b.number]].sum())
            expected = strength[cols[a.number]].sum() * strength[cols[b.number]].sum() / total if total else 0.0
            if expected <= 0 or observed >= expected:
                continue
            ta, tb = touch[a.number], touch[b.number]
            both = np.flatnonzero((ta > 0) & (tb > 0))
            ranked = sorted(both.tolist(), key=lambda e: (-min(ta[e], tb[e]), corpus.experiences[e]))
            pa = np.asarray(p_matrix.T @ (ta > 0).astype(np.float64)).ravel()
            pb = np.asarray(p_matrix.T @ (tb > 0).astype(np.float64)).ravel()
            principles = sorted(
                np.flatnonzero((pa > 0) & (pb > 0)).tolist(), key=lambda j: (-min(pa[j], pb[j]), p_items[j])
            )
            gaps.append(
                Gap(
                    cluster_a=a.number,
                    cluster_b=b.number,
                    size_a=len(a.members),
                    size_b=len(b.members),
                    observed=observed,
                    expected=float(expected),
                    ratio=observed / float(expected),
                    n_experiences=len(both),
                    experiences=tuple(corpus.experiences[e] for e in ranked[:max_candidates]),
                    principles=tuple(p_items[j] for j in principles[:max_candidates]),
                )
            )
    gaps.sort(key=lambda g: (g.ratio, g.cluster_a, g.cluster_b))
    return gaps if top is None else gaps[:top]
