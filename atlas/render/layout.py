"""Node positions for maps, computed once in Python so that the browser does not have to.

Fruchterman–Reingold with igraph (grid-accelerated above 1,000 nodes, so about
linear per iteration) from seeded starting positions, on the nodes in sorted
order, with igraph's random generator seeded for the call: the same nodes,
edges and seed give the same positions. Positions are scaled so that the
median edge is :data:`EDGE_LENGTH` pixels long and rounded to whole pixels.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

import igraph
import numpy as np

EDGE_LENGTH = 110.0


def layout_positions(
    nodes: Sequence[str], edges: Iterable[tuple[str, str]], *, seed: int = 0, iterations: int = 300
) -> dict[str, tuple[int, int]]:
    """Return ``{node: (x, y)}`` in pixels for a graph, deterministically.

    Parameters
    ----------
    nodes : sequence of str
    edges : iterable of (str, str)
        Pairs of nodes; loops and duplicates are ignored.
    seed : int
        Seed of the starting positions and of igraph's generator.
    iterations : int
        Fruchterman–Reingold iterations.

    Returns
    -------
    dict of str to (int, int)
        The y axis points down, as on a screen.

    Examples
    --------
    >>> pos = layout_positions(["a", "b", "c"], [("a", "b"), ("b", "c")])
    >>> sorted(pos) == ["a", "b", "c"] and pos == layout_positions(["c", "b", "a"], [("b", "c"), ("a", "b")])
    True
    >>> layout_positions([], [])
    {}
    """
    order = sorted(set(nodes))
    n = len(order)
    if n == 0:
        return {}
    if n == 1:
        return {order[0]: (0, 0)}
    index = {v: i for i, v in enumerate(order)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in edges if a != b})
    graph = igraph.Graph(n=n, edges=pairs, directed=False)
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2)) * (0.5 * np.sqrt(n))
    # igraph draws from a process-wide generator: seed it for this call, then give it back.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        coords = np.asarray(
            graph.layout_fruchterman_reingold(seed=start.tolist(), niter=iterations, grid=n > 1000).coords,
            dtype=np.float64,
        )
    finally:
        igraph.set_random_number_generator(random)
    coords -= coords.mean(axis=0)
    if pairs:
        ends = np.asarray(pairs, dtype=np.int64)
        lengths = np.linalg.norm(coords[ends[:, 0]] - coords[ends[:, 1]], axis=1)
        unit = float(np.median(lengths))
    else:
        unit = float(np.ptp(coords, axis=0).max()) / max(np.sqrt(n), 1.0)
    scale = EDGE_LENGTH / unit if unit > 0 else EDGE_LENGTH
    pixels = np.rint(coords * scale).astype(np.int64)
    return {v: (int(pixels[i, 0]), int(pixels[i, 1])) for i, v in enumerate(order)}
