"""Deterministic node positions."""

from __future__ import annotations

import numpy as np

from atlas.render.layout import EDGE_LENGTH, layout_positions


def ring(n):
    nodes = [f"n{i:03d}" for i in range(n)]
    return nodes, [(nodes[i], nodes[(i + 1) % n]) for i in range(n)]


def test_same_input_same_positions_whatever_the_order():
    nodes, edges = ring(30)
    one = layout_positions(nodes, edges, seed=3)
    two = layout_positions(list(reversed(nodes)), [(b, a) for a, b in reversed(edges)], seed=3)
    assert one == two
    assert all(isinstance(x, int) and isinstance(y, int) for x, y in one.values())


def test_seed_changes_the_layout():
    nodes, edges = ring(30)
    assert layout_positions(nodes, edges, seed=1) != layout_positions(nodes, edges, seed=2)


def test_median_edge_is_about_the_edge_length():
    nodes, edges = ring(40)
    pos = layout_positions(nodes, edges)
    lengths = [np.hypot(pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]) for a, b in edges]
    assert abs(np.median(lengths) - EDGE_LENGTH) <= 2


def test_large_graphs_use_the_grid_and_stay_deterministic():
    nodes, edges = ring(1500)
    assert layout_positions(nodes, edges) == layout_positions(nodes, edges)


def test_small_cases():
    assert layout_positions([], []) == {}
    assert layout_positions(["a"], []) == {"a": (0, 0)}
    apart = layout_positions(["a", "b"], [("a", "a")])
    assert apart["a"] != apart["b"]


def test_isolated_nodes_stay_near_the_rest():
    # a ring of 60 (diameter about 60·110/π ≈ 2,100 px) and 5 isolated nodes: all within a few ring widths
    nodes, edges = ring(60)
    pos = layout_positions([*nodes, "z1", "z2", "z3", "z4", "z5"], edges)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    assert max(xs) - min(xs) < 5000 and max(ys) - min(ys) < 5000
    lengths = [np.hypot(pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]) for a, b in edges]
    assert abs(np.median(lengths) - EDGE_LENGTH) <= 2
    assert len(set(pos.values())) == len(pos)
