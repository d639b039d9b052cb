"""How central each record is in a graph of the atlas, for sizing the nodes of a map.

Three measures, computed with igraph on the vertices in sorted order (so the
result does not depend on the order the graph was built in):

- ``pagerank``: PageRank with damping 0.85 (Brin & Page 1998); sums to 1.
- ``degree``: number of neighbours divided by ``n - 1``, in ``[0, 1]``.
- ``betweenness``: share of shortest paths between other vertices that pass
  through the vertex, normalised by ``(n-1)(n-2)/2``; costs ``O(n·m)``, so
  slow above a few thousand vertices.

An edge attribute can weigh PageRank and betweenness (betweenness reads it
as a strength: distances are ``1 / weight``).
"""

from __future__ import annotations

import contextlib
import random
from collections.abc import Iterator

import igraph
import networkx as nx
import numpy as np

CENTRALITIES: tuple[str, ...] = ("pagerank", "degree", "betweenness")


def node_centrality(graph: nx.Graph, measure: str = "pagerank", *, weight: str | None = None) -> dict[str, float]:
    """Return the centrality of every node of ``graph``, keyed by node, in sorted node order.

    Parameters
    ----------
    graph : networkx.Graph
        Undirected; nodes must be sortable (IRIs).
    measure : str
        One of :data:`CENTRALITIES`.
    weight : str, optional
        Edge attribute holding a positive strength (missing means 1).

    Returns
    -------
    dict of str to float

    Raises
    ------
    ValueError
        If ``measure`` is unknown.

    Examples
    --------
    A star: the centre ``c`` has all three neighbours, each leaf one of three.

    >>> g = nx.Graph([("c", "a"), ("c", "b"), ("c", "d")])
    >>> node_centrality(g, "degree")
    {'a': 0.3333333333333333, 'b': 0.3333333333333333, 'c': 1.0, 'd': 0.3333333333333333}
    >>> node_centrality(g, "betweenness")["c"]   # the 3 pairs of leaves all pass through c
    1.0
    >>> round(sum(node_centrality(g).values()), 6)
    1.0
    """
    if measure not in CENTRALITIES:
        raise ValueError(f"unknown centrality {measure!r}; choose one of {', '.join(CENTRALITIES)}")
    nodes = sorted(graph.nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    pairs = sorted(
        (min(index[u], index[v]), max(index[u], index[v]), float(d.get(weight, 1.0)) if weight else 1.0)
        for u, v, d in graph.edges(data=True)
        if u != v
    )
    g = igraph.Graph(n=n, edges=[(a, b) for a, b, _ in pairs], directed=False)
    strengths = [w for _, _, w in pairs]
    if measure == "pagerank":
        values = np.asarray(g.pagerank(weights=strengths if weight else None, directed=False), dtype=np.float64)
    elif measure == "degree":
        degree = np.asarray(g.degree(), dtype=np.float64)
        values = degree / (n - 1) if n > 1 else np.zeros(n)
    else:
        values = normalised_betweenness(g, [1.0 / w for w in strengths] if weight else None)
    return {v: float(values[i]) for i, v in enumerate(nodes)}


def normalised_betweenness(graph: igraph.Graph, distances: list[float] | None = None) -> np.ndarray:
    """Betweenness of every vertex of an undirected graph, divided by (n−1)(n−2)/2 (so in [0, 1]).

    Examples
    --------
    >>> normalised_betweenness(igraph.Graph(n=3, edges=[(0, 1), (1, 2)])).tolist()
    [0.0, 1.0, 0.0]
    """
    n = graph.vcount()
    if n <= 2:
        return np.zeros(n)
    values = np.asarray(graph.betweenness(directed=False, weights=distances), dtype=np.float64)
    return values * 2.0 / ((n - 1) * (n - 2))


@contextlib.contextmanager
def seeded_igraph(seed: int) -> Iterator[None]:
    """Give igraph, which draws from a process-wide generator, a seeded one for a block only.

    Examples
    --------
    >>> g = igraph.Graph.Famous("Zachary")
    >>> runs = []
    >>> for _ in range(2):
    ...     with seeded_igraph(1):
    ...         runs.append(g.community_leiden(objective_function="modularity").membership)
    >>> runs[0] == runs[1]
    True
    """
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)
