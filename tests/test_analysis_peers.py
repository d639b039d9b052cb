"""Peer territories (similar and complementary) on a hand-built mini atlas.

territory  type   population       region     issues (through its experiences)              principles
home       rural  5,000  (2k-10k)  Bretagne   energy, savings, mobility                     P
a          rural  6,000  (2k-10k)  Bretagne   energy, savings                               P
b          urban  100,000 (50k-200k) Grand Est energy, savings, mobility, cycling, heat,     -
                                              local-currency
c          rural  1,000  (<2k)     Bretagne   canteen, heat                                 -
e          urban  (unknown)        Grand Est  cycling                                       -
bzh        region, parent of home             heat                                          -

Thesaurus: F1 > energy, savings, heat; F2 > mobility, cycling; F3 > canteen; F4 > local-currency;
savings is skos:related to local-currency.
"""

from __future__ import annotations

import pytest

from atlas.analysis.peers import find_complements, find_peers, nested_territories, profile_gap
from atlas.errors import NotFoundError
from atlas.model import TerritoryInfo, corpus_from_records

ISSUES = {
    "home": ("energy", "savings", "mobility"),
    "a": ("energy", "savings"),
    "b": ("energy", "savings", "mobility", "cycling", "heat", "local-currency"),
    "c": ("canteen", "heat"),
    "e": ("cycling",),
    "bzh": ("heat",),
}


def mini_atlas():
    records, where, principles = {}, {}, {}
    for territory, issues in ISSUES.items():
        for issue in issues:  # one experience per (territory, issue)
            exp = f"{territory}-{issue}"
            records[exp] = (issue,)
            where[exp] = territory
            if territory in ("home", "a") and issue == "energy":
                principles[exp] = ("P",)
    return corpus_from_records(
        records,
        kinds={t: "territory" for t in ISSUES},
        labels={"home": {"fr": "Chez nous"}},
        broader={
            "energy": ("F1",),
            "savings": ("F1",),
            "heat": ("F1",),
            "mobility": ("F2",),
            "cycling": ("F2",),
            "canteen": ("F3",),
            "local-currency": ("F4",),
        },
        related=(("local-currency", "savings"),),
        experience_territory=where,
        experience_principles=principles,
        territories={
            "home": TerritoryInfo("home", type="rural", population=5_000, region="Bretagne", parent="bzh"),
            "a": TerritoryInfo("a", type="rural", population=6_000, region="Bretagne"),
            "b": TerritoryInfo("b", type="urban", population=100_000, region="Grand Est"),
            "c": TerritoryInfo("c", type="rural", population=1_000, region="Bretagne"),
            "e": TerritoryInfo("e", type="urban", region="Grand Est"),
            "bzh": TerritoryInfo("bzh", level="region", region="Bretagne"),
        },
    )


@pytest.fixture
def corpus():
    return mini_atlas()


def test_similar_peers_ranked_with_reasons(corpus):
    peers = find_peers(corpus, "home")
    # a: issues 2/3 (Jaccard), principles 1/1, context 3/3: 0.5 × 2/3 + 0.25 + 0.25 = 0.83333
    # b: issues 3/6, principles 0/1, context 0/3: 0.5 × 0.5 = 0.25
    # c and e share no issue or principle; bzh contains home.
    assert [(p.territory, p.score) for p in peers] == [("a", pytest.approx(5 / 6)), ("b", 0.25)]
    a = peers[0]
    assert (a.issue_similarity, a.principle_similarity, a.context_similarity) == pytest.approx(
        (2 / 3, 1.0, 1.0)
    )
    assert a.shared_issues == ("energy", "savings")
    assert a.shared_principles == ("P",)
    assert a.shared_context == ("type=rural", "population=2k-10k", "region=Bretagne")
    assert peers[1].shared_issues == ("energy", "mobility", "savings")
    assert peers[1].shared_context == ()


def test_weights_change_the_ranking(corpus):
    # issues only: b (3/6 = 0.5) still below a (2/3)
    assert [p.territory for p in find_peers(corpus, "home", weights={"principles": 0, "context": 0})] == [
        "a",
        "b",
    ]
    # context only: a 1.0, b 0.0
    ranked = find_peers(corpus, "home", weights={"issues": 0, "principles": 0, "context": 1})
    assert [(p.territory, p.score) for p in ranked] == [("a", 1.0), ("b", 0.0)]


def test_top_limits_peers(corpus):
    assert [p.territory for p in find_peers(corpus, "home", top=1)] == ["a"]


def test_profile_gap_uses_siblings_and_related(corpus):
    assert profile_gap(corpus, set(ISSUES["home"])) == {
        "cycling": ("mobility",),  # sibling under F2
        "heat": ("energy", "savings"),  # sibling under F1
        "local-currency": ("savings",),  # skos:related
    }


def test_complementary_territories(corpus):
    found = find_complements(corpus, "home")
    # gap = cycling, heat, local-currency.  b covers 3/3; c covers heat (1/3, context: rural, Bretagne 2/3);
    # e covers cycling (1/3, context 0).  bzh covers heat but contains home.
    assert [(x.territory, x.score) for x in found] == [
        ("b", 1.0),
        ("c", pytest.approx(1 / 3)),
        ("e", pytest.approx(1 / 3)),
    ]
    assert found[0].covered == (
        ("cycling", ("mobility",)),
        ("heat", ("energy", "savings")),
        ("local-currency", ("savings",)),
    )
    assert found[0].experiences == ("b-cycling", "b-heat", "b-local-currency")
    assert found[1].shared_context == ("type=rural", "region=Bretagne")
    assert found[1].context_similarity == pytest.approx(2 / 3)


def test_nested_territories_are_never_peers(corpus):
    assert nested_territories(corpus, "home") == {"home", "bzh"}
    assert nested_territories(corpus, "bzh") == {"home", "bzh"}
    # bzh has experience on heat, in home's gap, but contains home; for c it is a peer like any other
    assert "bzh" not in [x.territory for x in find_complements(corpus, "home")]
    assert "bzh" in [p.territory for p in find_peers(corpus, "c")]


def test_territory_found_by_label(corpus):
    assert find_peers(corpus, "chez nous") == find_peers(corpus, "home")


def test_unknown_territory_raises(corpus):
    with pytest.raises(NotFoundError, match="unknown territory 'hom'"):
        find_peers(corpus, "hom")
    with pytest.raises(NotFoundError, match="unknown territory"):
        find_complements(corpus, "nowhere")


def test_peers_are_deterministic():
    assert find_peers(mini_atlas(), "home") == find_peers(mini_atlas(), "home")
    assert find_complements(mini_atlas(), "home") == find_complements(mini_atlas(), "home")
