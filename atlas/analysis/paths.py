"""The cheapest loopless paths between two nodes of a small weighted graph (Yen's algorithm).

Yen (1971), *Management Science* 17:712: the k-th cheapest path deviates from
one of the k-1 found so far at a *spur* node; for each, the cheapest path from
the spur that avoids the earlier paths' next edges and the root's nodes is a
candidate. Dijkstra here breaks ties by node number, and candidates of equal
cost come out by their node sequence, so the enumeration is deterministic.

Written for :mod:`atlas.analysis.explain`, which runs it on a few hundred
nodes at most; it spares the command line importing NetworkX (0.1 s).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator, Mapping
from itertools import pairwise

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
