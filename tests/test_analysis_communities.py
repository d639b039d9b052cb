"""Suggested thematic communities and existing communities on a hand-built mini atlas.

Two groups of issues, {a, b, c} and {x, y, z}, each linked inside by weight 2 (two experiences
per pair) and bridged once (e9: a with x):

territory  experiences (issues)
t1         e1 (a, b), e2 (b, c)
t2         e3 (a, c), e4 (a, b, c)
t3         e5 (x, y), e6 (y, z)
t4         e7 (x, z), e8 (x, y, z)
t5         e9 (a, x)
"""

from __future__ import annotations

import pytest

from atlas.analysis.communities import cluster_issues, list_communities, suggest_communities
from atlas.model import CommunityInfo, corpus_from_records

EXISTING = {
    "c-energy": CommunityInfo(
        "c-energy", "community", "thematic", members=("t1", "t2", "actor-1"), themes=("a", "P")
    ),
    "w-heat": CommunityInfo("w-heat", "workarea", members=("t3",), themes=("y",), part_of="c-energy"),
    "j-trip": CommunityInfo("j-trip", "journey", members=("t5",), visits=("e8", "e5")),
}


def mini_atlas():
    return corpus_from_records(
        {
            "e1": ("a", "b"),
            "e2": ("b", "c"),
            "e3": ("a", "c"),
            "e4": ("a", "b", "c"),
            "e5": ("x", "y"),
            "e6": ("y", "z"),
            "e7": ("x", "z"),
            "e8": ("x", "y", "z"),
            "e9": ("a", "x"),
        },
        experience_territory={
            "e1": "t1",
            "e2": "t1",
            "e3": "t2",
            "e4": "t2",
            "e5": "t3",
            "e6": "t3",
            "e7": "t4",
            "e8": "t4",
            "e9": "t5",
        },
        experience_principles={"e6": ("P",)},
        kinds={f"t{i}": "territory" for i in range(1, 6)} | {"actor-1": "actor", "P": "principle"},
        communities=EXISTING,
    )


@pytest.fixture
def corpus():
    return mini_atlas()


def test_issues_cluster_by_cooccurrence(corpus):
    # same size: ordered by first IRI
    assert cluster_issues(corpus) == (("a", "b", "c"), ("x", "y", "z"))


def test_suggested_communities(corpus):
    first, second = suggest_communities(corpus)
    # t5 has one tag in each cluster: the tie goes to cluster 1; its share is 1/2.
    assert first.members == (("t1", 1.0), ("t2", 1.0), ("t5", 0.5))
    # a is addressed by e1, e3, e4, e9 (4); b and c by 3 each
    assert first.themes == ("a", "b", "c")
    assert first.experiences == 5  # e1-e4 and e9
    # closest existing community: c-energy, {t1, t2} against {t1, t2, t5}: Jaccard 2/3
    assert (first.closest_existing, first.overlap) == ("c-energy", pytest.approx(2 / 3))
    assert (second.number, second.themes, second.members) == (2, ("x", "y", "z"), (("t3", 1.0), ("t4", 1.0)))
    assert (second.experiences, second.closest_existing, second.overlap) == (4, None, 0.0)


def test_min_members_filters_suggestions(corpus):
    assert [s.number for s in suggest_communities(corpus, min_members=3)] == [1]


def test_suggestions_are_deterministic_for_a_seed():
    runs = [suggest_communities(mini_atlas(), seed=s) for s in (0, 0, 1)]
    assert runs[0] == runs[1]
    assert runs[0] == runs[2]  # the structure is clear enough for any seed to find it


def test_existing_communities_listed_by_kind(corpus):
    listed = list_communities(corpus)
    assert [(c.iri, c.kind) for c in listed] == [
        ("c-energy", "community"),
        ("w-heat", "workarea"),
        ("j-trip", "journey"),
    ]
    energy = listed[0]
    assert (energy.territories, energy.actors, energy.themes) == (("t1", "t2"), ("actor-1",), ("P", "a"))
    # experiences of t1 and t2 that address a (e1, e3, e4) or illustrate P (none there)
    assert energy.experiences == ("e1", "e3", "e4")
    assert listed[1].part_of == "c-energy"
    assert listed[1].experiences == ("e5", "e6")  # t3's experiences on y
    assert listed[2].visits == ("e5", "e8")
    assert [c.iri for c in list_communities(corpus, kinds=("journey",))] == ["j-trip"]


def test_empty_corpus():
    empty = corpus_from_records({})
    assert suggest_communities(empty) == []
    assert list_communities(empty) == []
