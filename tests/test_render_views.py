"""Map views on a tiny hand-made atlas whose nodes, edges, colours and sizes are worked out below.

Experiences and what they address (families: F = #112233 over a and b — b is
under a —, G = #445566 over c):

    e1: a, c   territory t1, principle p, actor x
    e2: a, c   territory t2, principle p
    e3: a, b   territory t1

Atlas graph: 10 nodes (3 experiences, 3 issues, p, t1, t2, x) and 12 edges
(6 addresses, 2 illustrates, 3 located, 1 involves; broader edges lead to
families, which the atlas view leaves out, except b–a).
"""

from __future__ import annotations

import math

import pytest

from atlas.errors import NotFoundError
from atlas.model import TerritoryInfo, corpus_from_records
from atlas.render.issue_views import REMOTE_COLOUR, SHARE_BINS, share_colour
from atlas.render.mapview import SIZE_MAX, SIZE_MIN, cluster_colour
from atlas.render.views import VIEWS, build_view

KINDS = {"e1": "experience", "e2": "experience", "e3": "experience", "a": "issue", "b": "issue", "c": "issue",
         "F": "family", "G": "family", "p": "principle", "t1": "territory", "t2": "territory", "x": "actor"}


def tiny(**extra):
    fields = dict(
        kinds=KINDS, families=("F", "G"), broader={"a": ("F",), "b": ("a",), "c": ("G",)},
        family_colours={"F": "#112233", "G": "#445566"},
        labels={"a": {"en": "Alpha", "fr": "Alpha é"}, "F": {"en": "Family F"}},
        experience_territory={"e1": "t1", "e2": "t2", "e3": "t1"},
        experience_principles={"e1": ("p",), "e2": ("p",)},
        experience_actors={"e1": ("x",)},
        experience_years={"e1": (2012, 2013)},
        territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="rural")},
    )
    fields.update(extra)
    return corpus_from_records({"e1": ("a", "c"), "e2": ("a", "c"), "e3": ("a", "b")}, **fields)


def by_id(view):
    return {n.id: n for n in view.nodes}


def test_atlas_view_has_every_record_and_relation():
    v = build_view(tiny(), "atlas")
    assert [n.id for n in v.nodes] == sorted(["e1", "e2", "e3", "a", "b", "c", "p", "t1", "t2", "x"])
    relations = sorted(e.relation for e in v.edges)
    assert relations == ["addresses"] * 6 + ["broader"] + ["illustrates"] * 2 + ["involves"] + ["located"] * 3
    assert all(e.source < e.target for e in v.edges)


def test_atlas_view_colours_issues_by_family_and_others_by_kind():
    nodes = by_id(build_view(tiny(), "atlas"))
    assert (nodes["a"].colour, nodes["b"].colour, nodes["c"].colour) == ("#112233", "#112233", "#445566")
    assert nodes["p"].shape == "diamond" and nodes["t1"].shape == "square" and nodes["x"].shape == "triangle"
    assert nodes["e1"].families == ("F", "G") and nodes["e3"].families == ("F",)


def test_atlas_view_sizes_by_centrality():
    # Centrality is taken in the whole atlas graph (12 nodes with the families F, G): degree / 11 with
    # e1 5 (a, c, p, t1, x), a 5 (e1, e2, e3, F, b), b 2 (e3, a) -> sizes 40, 40, 8 + 32·sqrt(2/5) = 28.2
    nodes = by_id(build_view(tiny(), "atlas", centrality="degree"))
    assert nodes["e1"].size == nodes["a"].size == SIZE_MAX
    assert nodes["b"].size == pytest.approx(8 + 32 * math.sqrt(2 / 5), abs=0.05)
    assert nodes["b"].centrality == pytest.approx(2 / 11)
    assert all(SIZE_MIN <= n.size <= SIZE_MAX for n in nodes.values())


def test_atlas_view_details_for_the_panel():
    nodes = by_id(build_view(tiny(), "atlas"))
    assert nodes["e1"].period == "2012–2013" and nodes["e1"].territory == "t1"
    assert ("type", "rural") in nodes["t1"].facts
    assert nodes["a"].labels == {"en": "Alpha", "fr": "Alpha é"} and nodes["b"].labels == {"": "b"}


def test_positions_are_integers_and_deterministic():
    one, two = build_view(tiny(), "atlas"), build_view(tiny(), "atlas")
    assert one.nodes == two.nodes and one.edges == two.edges
    assert all(isinstance(n.x, int) and isinstance(n.y, int) for n in one.nodes)
    assert len({(n.x, n.y) for n in one.nodes}) == len(one.nodes)


@pytest.mark.parametrize(("depth", "expected"), [
    (1, ["a", "b", "e3"]),                          # b: addressed by e3, broader a
    (2, ["F", "a", "b", "e1", "e2", "e3", "t1"]),   # a: e1, e2, F; e3: t1
])
def test_ego_view_takes_everything_within_depth(depth, expected):
    v = build_view(tiny(), "ego", focus="b", depth=depth)
    assert [n.id for n in v.nodes] == expected
    steps = {n.id: dict(n.facts)["steps"] for n in v.nodes}
    assert steps["b"] == 0 and steps["a"] == 1 and max(steps.values()) == depth
    assert by_id(v)["b"].mark == "focus"
    assert depth == 1 or by_id(v)["F"].shape == "hexagon"


def test_ego_view_resolves_labels_and_refuses_unknown_names():
    assert by_id(build_view(tiny(), "ego", focus="ALPHA E"))["a"].mark == "focus"
    with pytest.raises(NotFoundError, match="unknown name 'zeta'"):
        build_view(tiny(), "ego", focus="zeta")


def test_links_view_edges_are_the_computed_links():
    # count: a–c shared by e1, e2 (2); a–b by e3 (1). c is in G, a in F: remote. b is under a: not remote.
    v = build_view(tiny(), "links", measure="count", min_support=1)
    edges = {(e.source, e.target): e for e in v.edges}
    assert sorted(edges) == [("a", "b"), ("a", "c")]
    assert edges["a", "c"].dashes and edges["a", "c"].colour == REMOTE_COLOUR
    assert edges["a", "c"].evidence == ("e1", "e2")
    assert not edges["a", "b"].dashes and edges["a", "b"].evidence == ("e3",)
    assert (edges["a", "b"].width, edges["a", "c"].width) == (1.0, 8.0)  # 1 + 7·(score - 1)/(2 - 1)
    assert dict(edges["a", "c"].facts)["support"] == 2
    assert [n.kind for n in v.nodes] == ["issue"] * 3


def test_links_view_colours_clusters_and_marks_bridges():
    # b–a–c is a path: every b–c path passes through a (betweenness 1), none through b or c
    nodes = by_id(build_view(tiny(), "links", measure="count", min_support=1))
    assert all(n.cluster is not None and n.colour == cluster_colour(n.cluster) for n in nodes.values())
    assert nodes["a"].mark == "bridge" and nodes["a"].shape == "diamond"
    assert nodes["b"].mark is None and nodes["c"].mark is None


def test_principles_view_colours_issues_by_share():
    # p's cases: e1, e2. a: 2 of 3 experiences (0.6667); c: 2 of 2 (1.0); b: 0 of 1
    v = build_view(tiny(), "principles")
    nodes = by_id(v)
    assert v.overlay.principles == ("p",) and v.overlay.selected == 0
    assert dict(v.overlay.shares)["a"] == ((0, 0.6667),) and dict(v.overlay.shares)["c"] == ((0, 1.0),)
    assert (nodes["a"].colour, nodes["b"].colour, nodes["c"].colour) == ("#3b528b", "#e0e0e0", "#440154")
    assert nodes["p"].mark == "focus"
    assert sorted((e.source, e.target, e.width) for e in v.edges) == [("a", "p", 4.33), ("c", "p", 6.0)]


def test_share_bins_cover_zero_to_one():
    assert share_colour(0.0) == SHARE_BINS[0][1] and share_colour(1.0) == SHARE_BINS[-1][1]
    assert share_colour(0.05) == "#fde725"


def test_principles_view_focus_must_be_a_principle():
    with pytest.raises(NotFoundError, match="unknown principle 'a'"):
        build_view(tiny(), "principles", focus="a")


def test_territory_view_has_experiences_issues_and_peers():
    # t1: e1, e3 -> a, b, c. t2 shares a, c and principle p with t1: a peer.
    v = build_view(tiny(), "territory", focus="t1")
    nodes = by_id(v)
    assert sorted(nodes) == ["a", "b", "c", "e1", "e3", "t1", "t2"]
    assert nodes["t1"].mark == "focus" and nodes["t2"].mark == "peer"
    relations = {(e.source, e.target): e.relation for e in v.edges}
    assert relations["t1", "t2"] == "peer" and relations["a", "t2"] == "shares" and relations["c", "t2"] == "shares"
    assert relations["e1", "t1"] == "located" and ("b", "t2") not in relations


def test_territory_view_needs_a_territory():
    with pytest.raises(NotFoundError, match="unknown territory"):
        build_view(tiny(), "territory", focus="a")


@pytest.mark.parametrize("view", ["ego", "territory"])
def test_views_with_a_focus_need_one(view):
    with pytest.raises(ValueError, match=f"the {view} view needs a focus"):
        build_view(tiny(), view)


def test_unknown_view_and_centrality():
    with pytest.raises(ValueError, match="unknown view 'moon'"):
        build_view(tiny(), "moon")
    with pytest.raises(ValueError, match="unknown centrality 'fame'"):
        build_view(tiny(), "atlas", centrality="fame")


def test_contributor_colours_that_are_not_hex_are_ignored():
    nodes = by_id(build_view(tiny(family_colours={"F": "url(https://evil.example/x)", "G": "#445566"}), "atlas"))
    assert nodes["a"].colour == "#9e9e9e" and nodes["c"].colour == "#445566"


def test_every_view_records_its_options_and_input_hash():
    corpus = tiny()
    for view in VIEWS:
        v = build_view(corpus, view, focus={"ego": "a", "territory": "t1"}.get(view), min_support=1)
        assert dict(v.options)["view"] == view
        assert len(v.input_hash) == 64
        assert {e for edge in v.edges for e in edge.evidence} <= set(v.labels)


def test_mini_atlas_views(mini_corpus):
    from tests.conftest import iri

    atlas = build_view(mini_corpus, "atlas")
    # mini: 3 experiences, 7 issues, 2 principles, 3 territories, 3 actors
    assert len(atlas.nodes) == 18
    ego = build_view(mini_corpus, "ego", focus="le-mene")
    assert {n.id for n in ego.nodes} == {iri("territory", "le-mene"), iri("experience", "le-mene-citizen-wind-farm")}
    territory = build_view(mini_corpus, "territory", focus="mouans-sartoux")
    assert iri("territory", "grande-synthe") in {n.id for n in territory.nodes if n.mark == "peer"}
