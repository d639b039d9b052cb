"""The cheapest loopless paths between two nodes of a small weighted graph (Yen's algorithm).

Yen (1971), *Management Science* 17:712: the k-th cheapest path deviates from
one of the k-1 found so far at a *spur* node; for each, the cheapest path from
the spur that avoids the earlier paths' next edges and the root's nodes is a
candidate. Dijkstra here breaks ties by node number, and candidates of equal
cost come out by their node sequence, so the enumeration is deterministic.

Written for :mod:`atlas.analysis.explain`, which runs it on a few hundred
nodes at most; it spares the command line importing NetworkX (0.1 s).
:func:`bounded_distances` is the pruned Dijkstra that finds those nodes on
small atlases without importing SciPy.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterator, Mapping
from itertools import pairwise

import numpy as np

Adjacency = Mapping[int, Mapping[int, float]]


def _cheapest(adjacency: Adjacency, source: int, target: int, banned_nodes: set[int],
              banned_edges: set[tuple[int, int]]) -> tuple[int, ...] | None:
    best = {source: 0.0}
    previous: dict[int, int] = {}
    heap = [(0.0, source)]
    done: set[int] = set()
    while heap:
        cost, u = heapq.heappop(heap)
        if u in done:
            continue
        if u == target:
            path = [u]
            while path[-1] != source:
                path.append(previous[path[-1]])
            return tuple(reversed(path))
        done.add(u)
        for v, weight in adjacency[u].items():
            if v in banned_nodes or v in done or (u, v) in banned_edges:
                continue
            total = cost + weight
            if total < best.get(v, math.inf) or (total == best[v] and u < previous[v]):
                best[v], previous[v] = total, u
                heapq.heappush(heap, (total, v))
    return None


def path_cost(adjacency: Adjacency, path: tuple[int, ...]) -> float:
    """Return the sum of the weights along ``path``."""
    return float(sum(adjacency[u][v] for u, v in pairwise(path)))


def simple_paths(adjacency: Adjacency, source: int, target: int) -> Iterator[tuple[float, tuple[int, ...]]]:
    """Yield ``(cost, path)`` for the loopless paths from ``source`` to ``target``, cheapest first.

    Parameters
    ----------
    adjacency : mapping of int to mapping of int to float
        ``{u: {v: weight}}``, symmetric for an undirected graph; weights ``>= 0``.
    source, target : int
        Two different nodes of ``adjacency``.

    Examples
    --------
    A square 0–1–3–2–0 with a chord 1–2: 0–1–3 costs 2; 0–1–2–3 and 0–2–3
    both cost 3 and come by node sequence; 0–2–1–3 costs 4.

    >>> g = {0: {1: 1, 2: 2}, 1: {0: 1, 3: 1, 2: 1}, 2: {0: 2, 3: 1, 1: 1}, 3: {1: 1, 2: 1}}
    >>> list(simple_paths(g, 0, 3))
    [(2.0, (0, 1, 3)), (3.0, (0, 1, 2, 3)), (3.0, (0, 2, 3)), (4.0, (0, 2, 1, 3))]
    """
    first = _cheapest(adjacency, source, target, set(), set())
    if first is None:
        return
    found = [first]
    seen = {first}
    candidates: list[tuple[float, tuple[int, ...]]] = []
    yield path_cost(adjacency, first), first
    while True:
        last = found[-1]
        for i in range(len(last) - 1):
            root = last[: i + 1]
            banned_edges = set()
            for path in found:
                if path[: i + 1] == root and len(path) > i + 1:
                    banned_edges.add((path[i], path[i + 1]))
            spur = _cheapest(adjacency, last[i], target, set(root[:-1]), banned_edges)
            if spur is not None:
                path = root[:-1] + spur
                if path not in seen:
                    seen.add(path)
                    heapq.heappush(candidates, (path_cost(adjacency, path), path))
        if not candidates:
            return
        cost, path = heapq.heappop(candidates)
        found.append(path)
        yield cost, path


class SearchTooLarge(Exception):  # noqa: N818 - a signal, not an error: the caller switches to a C search
    """A bounded search relaxed more edges than its budget allows."""


def _edges(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, u: int,
           budget: list[int]) -> zip:
    """The ``(neighbour, weight)`` pairs of ``u``, charged to ``budget`` (see :func:`bounded_distances`)."""
    lo, hi = int(indptr[u]), int(indptr[u + 1])
    budget[0] -= hi - lo
    if budget[0] < 0:
        raise SearchTooLarge
    return zip(indices[lo:hi].tolist(), weights[lo:hi].tolist(), strict=True)


def bounded_distances(
    indptr: np.ndarray,
    indices: np.ndarray,
    weights: np.ndarray,
    source: int,
    keep: Callable[[int, float], bool],
    budget: list[int],
) -> tuple[dict[int, float], bool]:
    """Dijkstra from ``source`` over a graph in compressed rows, expanding only the nodes ``keep`` accepts.

    Parameters
    ----------
    indptr, indices, weights : numpy.ndarray
        The graph (symmetric for an undirected one), weights ``>= 0``.
    source : int
    keep : callable
        ``keep(node, distance)``: whether a node reached at its final distance is
        settled and expanded. It must be monotone along shortest paths (once
        false, false for every node beyond), as a distance radius or an A*
        bound with a consistent heuristic are; then every node it keeps gets its
        exact distance.
    budget : list of int
        ``[edges]`` left to relax, decreased in place.

    Returns
    -------
    distances : dict of int to float
        Exact distance of every settled node.
    complete : bool
        True when nothing was left out (the whole component was settled).

    Raises
    ------
    SearchTooLarge
        When the budget runs out.

    Examples
    --------
    A path 0–1–2–3 with weights 1, 2, 3; within distance 3 of node 0:

    >>> indptr, indices = np.array([0, 1, 3, 5, 6]), np.array([1, 0, 2, 1, 3, 2])
    >>> weights = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
    >>> bounded_distances(indptr, indices, weights, 0, lambda v, d: d <= 3, [100])
    ({0: 0.0, 1: 1.0, 2: 3.0}, False)
    """
    best = {source: 0.0}
    settled: dict[int, float] = {}
    heap = [(0.0, source)]
    complete = True
    while heap:
        d, u = heapq.heappop(heap)
        if u in settled or d > best[u]:
            continue
        if not keep(u, d):
            complete = False
            continue
        settled[u] = d
        for v, w in _edges(indptr, indices, weights, u, budget):
            total = d + w
            if total < best.get(v, math.inf):
                best[v] = total
                heapq.heappush(heap, (total, v))
    return settled, complete


def shortest_distance(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray, source: int, target: int,
                      budget: list[int]) -> float:
    """Return the distance from ``source`` to ``target`` (``inf`` if unreachable), by bidirectional Dijkstra.

    Both searches grow in turn and stop once their two smallest tentative
    distances add up to the best meeting found, so each explores about half
    the distance: cheap even next to hubs. ``budget`` as in :func:`bounded_distances`.

    Examples
    --------
    >>> indptr, indices = np.array([0, 1, 3, 5, 6]), np.array([1, 0, 2, 1, 3, 2])
    >>> weights = np.array([1.0, 1.0, 2.0, 2.0, 3.0, 3.0])
    >>> shortest_distance(indptr, indices, weights, 0, 3, [100]), shortest_distance(indptr, indices, weights, 2, 2, [9])
    (6.0, 0.0)
    """
    if source == target:
        return 0.0
    best_of: tuple[dict[int, float], dict[int, float]] = ({source: 0.0}, {target: 0.0})
    settled: tuple[set[int], set[int]] = (set(), set())
    heaps: tuple[list, list] = ([(0.0, source)], [(0.0, target)])
    best = math.inf
    while heaps[0] and heaps[1]:
        if heaps[0][0][0] + heaps[1][0][0] >= best:
            break
        side = 0 if heaps[0][0][0] <= heaps[1][0][0] else 1
        d, u = heapq.heappop(heaps[side])
        if u in settled[side] or d > best_of[side][u]:
            continue
        settled[side].add(u)
        mine, other = best_of[side], best_of[1 - side]
        for v, w in _edges(indptr, indices, weights, u, budget):
            total = d + w
            if total < mine.get(v, math.inf):
                mine[v] = total
                heapq.heappush(heaps[side], (total, v))
            if v in other:
                best = min(best, total + other[v])
    return best
