"""Clusters, bridging issues and structural gaps on mini atlases computed by hand."""

from __future__ import annotations

import random

import pytest

from atlas.analysis.structure import bridging_issues, cluster_issues, structural_gaps
from atlas.model import corpus_from_records

# Two triangles {a b c} and {d e f}: each pair inside meets twice (x1 x2, x3 x4),
# and c meets d once (x5). Principle p on x1 (left) and x4 (right).
# Counts: ab ac bc de df ef 2, cd 1. Strength k: a 4, b 4, c 5, d 5, e 4, f 4; 2M = 26.
# Between the clusters: O = 1 (c–d); E = K_left · K_right / 2M = 13 · 13 / 26 = 6.5; ratio 2/13.
TWO = {
    "x1": ("a", "b", "c"), "x2": ("a", "b", "c"), "x3": ("d", "e", "f"), "x4": ("d", "e", "f"),
    "x5": ("c", "d"),
}  # fmt: skip


def two(records=TWO):
    return corpus_from_records(records, experience_principles={"x1": ("p",), "x4": ("p",)})


def test_clusters_are_numbered_by_size_then_first_member():
    clusters = cluster_issues(two(), measure="count")
    assert [(k.number, k.members) for k in clusters] == [(1, ("a", "b", "c")), (2, ("d", "e", "f"))]
    bigger = dict(TWO, x6=("d", "g"), x7=("d", "g"))  # g joins the right: it becomes cluster 1
    assert [k.members for k in cluster_issues(two(bigger), measure="count")] == [("d", "e", "f", "g"), ("a", "b", "c")]


def test_unlinked_issues_are_singletons():
    clusters = cluster_issues(two(dict(TWO, x6=("z",))), measure="count")
    assert clusters[-1].members == ("z",)


@pytest.mark.parametrize("method", ["leiden", "louvain"])
def test_clusters_are_deterministic_whatever_the_input_order(method):
    rnd = random.Random(7)
    issues = [f"i{n:02d}" for n in range(40)]
    records = {f"x{n:03d}": tuple(rnd.sample(issues[(n % 4) * 10 : (n % 4) * 10 + 10], 3) + rnd.sample(issues, 1))
               for n in range(200)}
    first = cluster_issues(corpus_from_records(records), method=method, seed=3)
    again = cluster_issues(corpus_from_records(records), method=method, seed=3)
    items = list(records.items())
    rnd.shuffle(items)
    shuffled = cluster_issues(corpus_from_records(dict(items)), method=method, seed=3)
    assert first == again == shuffled
    assert sorted(m for k in first for m in k.members) == issues
    # The four planted groups of ten are found.
    assert sorted(len(k.members) for k in first) == [10, 10, 10, 10]


def test_unknown_method():
    with pytest.raises(ValueError, match="unknown clustering method 'kmeans'"):
        cluster_issues(two(), method="kmeans")


def test_gap_between_the_two_triangles():
    [gap] = structural_gaps(two(), measure="count")
    assert (gap.cluster_a, gap.cluster_b, gap.size_a, gap.size_b) == (1, 2, 3, 3)
    assert gap.observed == 1
    assert gap.expected == pytest.approx(6.5)
    assert gap.ratio == pytest.approx(2 / 13)
    assert (gap.n_experiences, gap.experiences, gap.principles) == (1, ("x5",), ("p",))


def test_small_clusters_are_no_gap():
    assert structural_gaps(two(), measure="count", min_size=4) == []


def test_gaps_are_sorted_and_below_expectation():
    rnd = random.Random(3)
    issues = [f"i{n:02d}" for n in range(30)]
    records = {f"x{n:03d}": tuple(rnd.sample(issues[(n % 3) * 10 : (n % 3) * 10 + 10], 3) + rnd.sample(issues, 1))
               for n in range(150)}
    gaps = structural_gaps(corpus_from_records(records), min_size=2, top=None)
    assert gaps and all(g.observed < g.expected for g in gaps)
    assert [g.ratio for g in gaps] == sorted(g.ratio for g in gaps)


# A hub x meets three triangles {a1 a2 a3}, {b1 b2 b3}, {c1 c2 c3} through a1, b1, c1 once each;
# every pair inside a triangle meets twice.
HUB = {}
for g in "abc":
    HUB[f"{g}-1"] = (f"{g}1", f"{g}2", f"{g}3")
    HUB[f"{g}-2"] = (f"{g}1", f"{g}2", f"{g}3")
    HUB[f"{g}-x"] = (f"{g}1", "x")


def test_the_hub_is_the_best_bridge_and_a_global_one():
    bridges = bridging_issues(corpus_from_records(HUB), measure="count", top=None)
    top = bridges[0]
    assert top.issue == "x"
    # x has strength 1 towards each of three clusters (or two, if it joins one of them):
    # participation 1 - 3·(1/3)² = 2/3, above the 0.62 of Guimerà and Amaral.
    assert top.participation == pytest.approx(2 / 3)
    assert top.role == "global bridge"
    by_issue = {b.issue: b for b in bridges}
    # Burt's constraint: x's contacts are unconnected, a2's are tied to each other.
    assert by_issue["x"].constraint < by_issue["a2"].constraint
    assert by_issue["a2"].betweenness == 0.0
    assert by_issue["a2"].role == "peripheral"
    # Betweenness of x: pairs of other issues whose shortest paths pass through x, over (n-1)(n-2)/2.
    # The 9 triangle issues in 3 groups: 27 cross pairs, all through x; n = 10: 27 / 36 = 0.75.
    assert top.betweenness == pytest.approx(27 / 36)


def test_bridges_top():
    assert len(bridging_issues(corpus_from_records(HUB), measure="count", top=3)) == 3
