"""Node positions for maps, computed once in Python so that the browser does not have to.

Fruchterman–Reingold with igraph (grid-accelerated above 1,000 nodes, so about
linear per iteration) from seeded starting positions, on the nodes in sorted
order, with igraph's random generator seeded for the call: the same nodes,
edges and seed give the same positions. Positions are scaled so that the
median edge is :data:`EDGE_LENGTH` pixels long and rounded to whole pixels.
Connected components are laid out one by one and set side by side.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

import igraph
import numpy as np

EDGE_LENGTH = 110.0


def _component_layout(graph: igraph.Graph, seed: int, iterations: int) -> np.ndarray:
    """Fruchterman–Reingold positions of a connected graph, centred, median edge ``EDGE_LENGTH``."""
    n = graph.vcount()
    if n == 1:
        return np.zeros((1, 2))
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n, 2)) * (0.5 * np.sqrt(n))
    coords = np.asarray(
        graph.layout_fruchterman_reingold(seed=start.tolist(), niter=iterations, grid=n > 1000).coords,
        dtype=np.float64,
    )
    coords -= coords.mean(axis=0)
    ends = np.asarray(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    lengths = np.linalg.norm(coords[ends[:, 0]] - coords[ends[:, 1]], axis=1)
    unit = float(np.median(lengths)) if len(lengths) else 0.0
    return coords * (EDGE_LENGTH / unit if unit > 0 else 1.0)


def _pack(blocks: list[np.ndarray]) -> list[np.ndarray]:
    """Place component layouts in rows (largest first), about as wide as the whole is tall."""
    sizes = [(b.max(axis=0) - b.min(axis=0)) + (EDGE_LENGTH if len(b) > 1 else EDGE_LENGTH / 2) for b in blocks]
    width = max(float(np.sqrt(sum(w * h for w, h in sizes)) * 1.2), max(w for w, _ in sizes))
    placed, x, y, row = [], 0.0, 0.0, 0.0
    for block, (w, h) in zip(blocks, sizes, strict=True):
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        placed.append(block - block.min(axis=0) + np.array([x, y]))
        x, row = x + w, max(row, h)
    return placed


def layout_positions(
    nodes: Sequence[str], edges: Iterable[tuple[str, str]], *, seed: int = 0, iterations: int = 300
) -> dict[str, tuple[int, int]]:
    """Return ``{node: (x, y)}`` in pixels for a graph, deterministically.

    Each connected component is laid out on its own, then the components are
    set in rows, largest first, so that isolated nodes neither fly off nor
    shrink the rest of the map to a dot.

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
    index = {v: i for i, v in enumerate(order)}
    pairs = sorted({(min(index[a], index[b]), max(index[a], index[b])) for a, b in edges if a != b})
    graph = igraph.Graph(n=n, edges=pairs, directed=False)
    components = sorted((sorted(c) for c in graph.connected_components()), key=lambda c: (-len(c), c[0]))
    # igraph draws from a process-wide generator: seed it for this call, then give it back.
    igraph.set_random_number_generator(random.Random(seed))
    try:
        blocks = [_component_layout(graph.induced_subgraph(c), seed, iterations) for c in components]
    finally:
        igraph.set_random_number_generator(random)
    coords = np.zeros((n, 2))
    for members, block in zip(components, _pack(blocks), strict=True):
        coords[members] = block
    coords -= (coords.max(axis=0) + coords.min(axis=0)) / 2
    pixels = np.rint(coords).astype(np.int64)
    return {v: (int(pixels[i, 0]), int(pixels[i, 1])) for i, v in enumerate(order)}
