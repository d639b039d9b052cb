"""Learning journeys on a hand-built mini atlas.

territory   type   population         region            lat, long      distance from home
home        rural  5,000 (2k-10k)     Bretagne          48.0, -3.0     -
near        rural  4,000 (2k-10k)     Bretagne          48.1, -2.9     13.4 km
mid         rural  8,000 (2k-10k)     Pays de la Loire  47.2, -1.5     143.4 km
far         urban  300,000 (>200k)    Grand Est         48.58, 7.75    797.3 km

experience  territory  issues                 actors  principles
j0          home       heat                   -       -
j1          near       heat                   coop    P
j2          far        heat, savings          city    -
j3          mid        savings                -       -
j4          far        district-heat (< heat) -       -

Context similarity with home: near 3/3, mid 2/3 (type, population), far 0.
Gain = (requested issues newly covered) × (1 + context).
"""

from __future__ import annotations

import pytest

from atlas.analysis.journey import plan_journey
from atlas.errors import DataError, NotFoundError
from atlas.model import TerritoryInfo, corpus_from_records


def mini_atlas(home_coordinates=True):
    lat, long = (48.0, -3.0) if home_coordinates else (None, None)
    return corpus_from_records(
        {
            "j0": ("heat",),
            "j1": ("heat",),
            "j2": ("heat", "savings"),
            "j3": ("savings",),
            "j4": ("district-heat",),
        },
        kinds={
            "home": "territory",
            "heat": "issue",
            "savings": "issue",
            "district-heat": "issue",
            "coop": "actor",
            "city": "actor",
        },
        labels={
            "coop": {"en": "Energy cooperative"},
            "heat": {"en": "Heat"},
            "savings": {"en": "Local savings"},
            "P": {"en": "Act in cooperation"},
        },
        broader={"district-heat": ("heat",)},
        experience_territory={"j0": "home", "j1": "near", "j2": "far", "j3": "mid", "j4": "far"},
        experience_actors={"j1": ("coop",), "j2": ("city",)},
        experience_principles={"j1": ("P",)},
        territories={
            "home": TerritoryInfo(
                "home", type="rural", population=5_000, region="Bretagne", lat=lat, long=long
            ),
            "near": TerritoryInfo(
                "near", type="rural", population=4_000, region="Bretagne", lat=48.1, long=-2.9
            ),
            "mid": TerritoryInfo(
                "mid", type="rural", population=8_000, region="Pays de la Loire", lat=47.2, long=-1.5
            ),
            "far": TerritoryInfo(
                "far", type="urban", population=300_000, region="Grand Est", lat=48.58, long=7.75
            ),
        },
    )


@pytest.fixture
def corpus():
    return mini_atlas()


def test_journey_covers_the_issues_favouring_comparable_contexts(corpus):
    visits = plan_journey(corpus, "home", ["heat", "savings"])
    # Round 1 gains: j1 1 × (1 + 1) = 2; j2 2 × (1 + 0) = 2; j3 1 × (1 + 2/3) = 1.667; j4 1 × 1 = 1.
    #   j1 and j2 tie at 2: j2 addresses more of the issues.  Everything is covered: round 2.
    # Round 2: j1 2, j3 1.667, j4 1 -> j1 (heat); then savings is left: j3 1.667 -> j3.  Round 3: j4.
    assert [(v.experience, v.round, v.covers, v.gain) for v in visits] == [
        ("j2", 1, ("heat", "savings"), 2.0),
        ("j1", 2, ("heat",), 2.0),
        ("j3", 2, ("savings",), pytest.approx(5 / 3)),
        ("j4", 3, ("heat",), 1.0),
    ]
    assert [v.rank for v in visits] == [1, 2, 3, 4]
    j1 = visits[1]
    assert j1.territory == "near"
    assert j1.actors == ("coop",)
    assert j1.principles == ("P",)
    assert j1.shared_context == ("type=rural", "population=2k-10k", "region=Bretagne")
    assert j1.distance_km == 13.4
    assert j1.reasons == (
        "covers Heat (round 2)",
        "comparable context: type=rural, population=2k-10k, region=Bretagne",
        "13.4 km away",
        "carried by Energy cooperative",
        "illustrates Act in cooperation",
    )
    assert visits[3].addresses == ("heat",)  # through district-heat, narrower than heat


def test_top_bounds_the_list(corpus):
    assert [v.experience for v in plan_journey(corpus, "home", ["heat", "savings"], top=2)] == ["j2", "j1"]


def test_max_km_leaves_out_far_experiences(corpus):
    # j2 and j4 are 797 km away: round 1 takes j1 (gain 2) then j3 (1.667); nothing is left.
    visits = plan_journey(corpus, "home", ["heat", "savings"], max_km=200)
    assert [(v.experience, v.distance_km) for v in visits] == [("j1", 13.4), ("j3", 143.4)]
    assert plan_journey(corpus, "home", ["heat", "savings"], max_km=10) == []


def test_max_km_needs_home_coordinates():
    with pytest.raises(DataError, match="'home' has no coordinates"):
        plan_journey(mini_atlas(home_coordinates=False), "home", ["heat"], max_km=100)


def test_without_coordinates_distance_is_unknown():
    visits = plan_journey(mini_atlas(home_coordinates=False), "home", ["savings"])
    assert [(v.experience, v.distance_km) for v in visits] == [("j3", None), ("j2", None)]


def test_default_issues_are_the_territorys_own(corpus):
    # home addresses heat: round 1 j1 (2); round 2 j2 (1) and j4 (1) tie, j2 addresses as many, is as
    # (un)comparable and as far: it comes first by IRI.
    assert [v.experience for v in plan_journey(corpus, "home")] == ["j1", "j2", "j4"]


def test_own_experiences_are_never_visited(corpus):
    assert "j0" not in [v.experience for v in plan_journey(corpus, "home", ["heat"], top=10)]


def test_unknown_names_raise(corpus):
    with pytest.raises(NotFoundError, match="unknown territory"):
        plan_journey(corpus, "nowhere", ["heat"])
    with pytest.raises(NotFoundError, match="unknown family/issue 'hat'"):
        plan_journey(corpus, "home", ["hat"])


def test_journeys_are_deterministic():
    assert plan_journey(mini_atlas(), "home", ["heat", "savings"]) == plan_journey(
        mini_atlas(), "home", ["savings", "heat"]
    )
