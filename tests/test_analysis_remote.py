"""Thesaurus distance, remoteness, roll-up and remote links on a mini atlas.

Thesaurus (F, G, H families):

    F ── a ── c          G ── d ── e      H ── f
    └─── b ─────────────────────┘ (e is under d and b)

Undirected distances: a–b 2 (via F), a–c 1, b–c 3, a–e 3 (a–F–b–e), b–d 2
(b–e–d), c–e 4 (c–a–F–b–e), a–d 4, a–f inf. Families: a, b, c {F}; d {G};
e {F, G}; f {H}. The longest distance between two nodes of a common family is
4 (c–e), so remoteness inside a family is d / 5; across families it is 1.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.analysis.lattice import (
    ancestors,
    families_of,
    lattice_of,
    parse_level,
    remoteness,
    roll_up,
    thesaurus_distance,
)
from atlas.analysis.remote import remote_links
from atlas.errors import NotFoundError
from atlas.model import corpus_from_records

BROADER = {"a": ("F",), "b": ("F",), "c": ("a",), "d": ("G",), "e": ("d", "b"), "f": ("H",)}


def mini(records=None):
    records = records or {"x1": ("a", "b", "c", "d", "e", "f")}
    return corpus_from_records(records, families=("F", "G", "H"), broader=BROADER)


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("a", "b", 2), ("a", "c", 1), ("b", "c", 3), ("a", "e", 3), ("b", "d", 2), ("c", "e", 4), ("a", "d", 4),
     ("a", "a", 0)],
)
def test_thesaurus_distance(a, b, distance):
    assert thesaurus_distance(mini(), a, b) == distance
    assert thesaurus_distance(mini(), b, a) == distance


def test_disconnected_issues_are_infinitely_far():
    assert thesaurus_distance(mini(), "a", "f") == math.inf


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [("a", "c", 1 / 5), ("a", "b", 2 / 5), ("a", "e", 3 / 5), ("c", "e", 4 / 5),
     ("a", "d", 1.0), ("b", "d", 1.0), ("a", "f", 1.0), ("d", "e", 1 / 5), ("a", "a", 0.0)],
)
def test_remoteness(a, b, expected):
    # b–d are 2 apart through e, yet share no family: remote.
    assert remoteness(mini(), a, b) == pytest.approx(expected)


def test_depth_families_and_ancestors():
    lat = lattice_of(mini())
    depth = dict(zip(lat.nodes, lat.depth.tolist(), strict=True))
    assert depth == {"F": 0, "G": 0, "H": 0, "a": 1, "b": 1, "c": 2, "d": 1, "e": 2, "f": 1}
    assert families_of(mini(), "e") == ("F", "G")
    assert ancestors(mini(), "e") == ("F", "G", "b", "d")
    assert ancestors(mini(), "c") == ("F", "a")


def test_roll_up_follows_every_parent_at_the_level():
    assert roll_up(mini(), 1)["c"] == ("a",)
    assert roll_up(mini(), 1)["e"] == ("b", "d")
    assert roll_up(mini(), 2)["a"] == ("a",)  # shallower than the level: stays
    assert roll_up(mini(), "family")["e"] == ("F", "G")
    assert roll_up(mini(), None)["e"] == ("e",)


def test_parse_level():
    assert [parse_level(x) for x in (None, "issue", "family", 0, "0", 2, "3")] == [None, None, 0, 0, 0, 2, 3]
    for bad in ("-1", -1, "x", 1.5, True):
        with pytest.raises(ValueError, match="level must be"):
            parse_level(bad)


def test_unknown_issue_is_not_found():
    with pytest.raises(NotFoundError, match="'zz' is not an issue"):
        remoteness(mini(), "a", "zz")


def test_a_cycle_in_broader_does_not_hang():
    c = corpus_from_records({"x": ("p", "q")}, broader={"p": ("q",), "q": ("p",)})
    assert thesaurus_distance(c, "p", "q") == 1


# Remote links. Experiences:
#   x1 a d   x2 a d   x3 a d   x4 a b   x5 a b   x6 b   x7 d   x8 c e   x9 c e   x10 f
# N = 10; n: a 5, b 3, c 2, d 4, e 2, f 1. Links and supports: a–d 3, a–b 2, c–e 2.
# k: a 5, b 2, c 2, d 3, e 2; 2m = 14.
# association: a–d 14·3/(5·3) = 2.8; a–b 14·2/(5·2) = 2.8; c–e 14·2/(2·2) = 7.
# remoteness: a–d 1 (F / G), a–b 2/5, c–e 4/5.
# rank score × remoteness: c–e 7 · 0.8 = 5.6; a–d 2.8 · 1 = 2.8; a–b 2.8 · 0.4 = 1.12.
REMOTE = {
    "x1": ("a", "d"), "x2": ("a", "d"), "x3": ("a", "d"), "x4": ("a", "b"), "x5": ("a", "b"),
    "x6": ("b",), "x7": ("d",), "x8": ("c", "e"), "x9": ("c", "e"), "x10": ("f",),
}  # fmt: skip


def test_remote_links_rank_by_strength_times_remoteness():
    links = remote_links(mini(REMOTE), min_remoteness=0.0)
    assert [(k.source, k.target) for k in links] == [("c", "e"), ("a", "d"), ("a", "b")]
    assert [round(k.score, 6) for k in links] == [7.0, 2.8, 2.8]
    assert [k.remoteness for k in links] == pytest.approx([0.8, 1.0, 0.4])
    assert links[1].evidence == ("x1", "x2", "x3")


def test_remote_links_filters():
    assert [(k.source, k.target) for k in remote_links(mini(REMOTE))] == [("c", "e"), ("a", "d")]  # ≥ 0.5
    assert [(k.source, k.target) for k in remote_links(mini(REMOTE), min_remoteness=1.0)] == [("a", "d")]
    assert [(k.source, k.target) for k in remote_links(mini(REMOTE), min_support=3)] == [("a", "d")]
    assert len(remote_links(mini(REMOTE), min_remoteness=0.0, top=1)) == 1


def test_remote_links_at_family_level():
    # Families: x1–x3 {F, G}, x4 x5 {F}, x8 x9 {F, G} (c in F; e in F and G). F–G: 5.
    links = remote_links(mini(REMOTE), level="family", measure="count")
    assert [(k.source, k.target, k.support) for k in links] == [("F", "G", 5)]


@settings(max_examples=50, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefghij"), st.lists(st.sampled_from("abcdefghijFG"), max_size=3)
                       .map(tuple), max_size=10))
def test_remoteness_is_a_symmetric_score_in_the_unit_interval(broader):
    broader = {k: tuple(p for p in v if p != k) for k, v in broader.items()}
    c = corpus_from_records({"x": tuple("abcdefghij")}, families=("F", "G"), broader=broader)
    lat = lattice_of(c)
    r = lat.remoteness
    assert ((r >= 0) & (r <= 1)).all()
    assert (r == r.T).all()
    assert (r.diagonal() == 0).all()
    for i in range(len(lat.nodes)):
        for j in range(len(lat.nodes)):
            shared = set(lat.families[i]) & set(lat.families[j])
            assert (r[i, j] == 1.0) == (not shared and i != j)
