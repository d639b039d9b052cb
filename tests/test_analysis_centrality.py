"""Node centrality on small graphs worked out by hand."""

from __future__ import annotations

import networkx as nx
import pytest

from atlas.analysis.centrality import CENTRALITIES, node_centrality


def path():
    # a – b – c – d
    return nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])


def test_degree_is_normalised_by_n_minus_one():
    # degrees 1, 2, 2, 1 over n - 1 = 3
    assert node_centrality(path(), "degree") == pytest.approx({"a": 1 / 3, "b": 2 / 3, "c": 2 / 3, "d": 1 / 3})


def test_betweenness_of_a_path():
    # pairs through b: a–c, a–d (2 of the 3 pairs not involving b) -> 2 / 3
    assert node_centrality(path(), "betweenness") == pytest.approx({"a": 0.0, "b": 2 / 3, "c": 2 / 3, "d": 0.0})


def test_pagerank_sums_to_one_and_agrees_with_networkx():
    g = nx.karate_club_graph()
    g = nx.relabel_nodes(g, {n: f"n{n:02d}" for n in g})
    ours = node_centrality(g)
    theirs = nx.pagerank(g, weight=None)
    assert sum(ours.values()) == pytest.approx(1.0)
    assert ours == pytest.approx(theirs, abs=1e-4)


def test_weighted_pagerank_follows_the_weights():
    # b is tied to a strongly and to c weakly: a outranks c
    g = nx.Graph()
    g.add_edge("a", "b", w=10.0)
    g.add_edge("b", "c", w=1.0)
    values = node_centrality(g, "pagerank", weight="w")
    assert values["a"] > values["c"]
    assert node_centrality(g, "pagerank")["a"] == pytest.approx(node_centrality(g, "pagerank")["c"])


def test_order_of_construction_does_not_matter():
    one = nx.Graph([("b", "c"), ("a", "b"), ("c", "d")])
    for measure in CENTRALITIES:
        assert node_centrality(one, measure) == node_centrality(path(), measure)
        assert list(node_centrality(one, measure)) == ["a", "b", "c", "d"]


def test_empty_and_tiny_graphs():
    assert node_centrality(nx.Graph()) == {}
    lone = nx.Graph()
    lone.add_node("a")
    assert node_centrality(lone, "degree") == {"a": 0.0}
    assert node_centrality(lone, "betweenness") == {"a": 0.0}


def test_unknown_measure():
    with pytest.raises(ValueError, match="unknown centrality 'fame'"):
        node_centrality(path(), "fame")
