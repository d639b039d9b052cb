"""Yen's k cheapest loopless paths, against NetworkX on random graphs."""

from __future__ import annotations

from itertools import islice, pairwise

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.analysis.paths import path_cost, simple_paths

edges = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(1, 4)), min_size=1, max_size=20)


def _graphs(edge_list):
    adjacency: dict[int, dict[int, float]] = {n: {} for n in range(8)}
    g = nx.Graph()
    g.add_nodes_from(range(8))
    for u, v, w in edge_list:
        if u != v:
            adjacency[u][v] = adjacency[v][u] = float(w)
            g.add_edge(u, v, weight=float(w))
    return adjacency, g


@settings(max_examples=200, deadline=None)
@given(edges)
def test_same_costs_as_networkx_and_every_path_simple(edge_list):
    adjacency, g = _graphs(edge_list)
    ours = list(islice(simple_paths(adjacency, 0, 7), 12))
    try:
        theirs = [path_cost(adjacency, tuple(p)) for p in islice(nx.shortest_simple_paths(g, 0, 7, "weight"), 12)]
    except nx.NetworkXNoPath:
        theirs = []
    assert [c for c, _ in ours] == theirs
    assert len({p for _, p in ours}) == len(ours)
    for cost, path in ours:
        assert path[0] == 0 and path[-1] == 7 and len(set(path)) == len(path)
        assert all(v in adjacency[u] for u, v in pairwise(path)) and cost == path_cost(adjacency, path)


def test_ties_come_by_node_sequence_and_no_path_gives_nothing():
    square = {0: {1: 1.0, 2: 1.0}, 1: {0: 1.0, 3: 1.0}, 2: {0: 1.0, 3: 1.0}, 3: {1: 1.0, 2: 1.0}}
    assert list(simple_paths(square, 0, 3)) == [(2.0, (0, 1, 3)), (2.0, (0, 2, 3))]
    assert list(simple_paths({0: {}, 1: {}}, 0, 1)) == []
