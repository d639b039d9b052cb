"""Context classes, normalised entropy and the vectorised measures."""

from __future__ import annotations

import math

import numpy as np
import pytest

from atlas.analysis.contexts import (
    build_context_table,
    context_similarity,
    decade,
    describe_rows,
    haversine_km,
    normalised_entropy,
    population_class,
    shared_context,
    sorted_unique,
)
from atlas.model import TerritoryInfo, corpus_from_records


@pytest.mark.parametrize(
    ("population", "expected"),
    [
        (None, None),
        (0, "<2k"),
        (1_999, "<2k"),
        (2_000, "2k-10k"),
        (9_999, "2k-10k"),
        (10_000, "10k-50k"),
        (50_000, "50k-200k"),
        (199_999, "50k-200k"),
        (200_000, ">200k"),
    ],
)
def test_population_classes_bounds(population, expected):
    assert population_class(population) == expected


def test_decade():
    assert (decade(1999), decade(2000), decade(None)) == ("1990s", "2000s", None)


@pytest.mark.parametrize(
    ("counts", "classes", "expected"),
    [
        ([3], 5, 0.0),  # one value: no diversity
        ([1, 1, 1], 3, 1.0),  # as spread as possible
        ([2, 1], 3, -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(3)),  # n = 3, K = 3
        ([1, 1], 5, 1.0),  # two cases can show at most two values: ln 2 / ln min(2, 5)
        ([5, 5], 2, 1.0),
        ([], 4, 0.0),
    ],
)
def test_normalised_entropy(counts, classes, expected):
    assert normalised_entropy(counts, classes) == pytest.approx(expected)


def corpus_with_contexts():
    territories = {
        "t1": TerritoryInfo("t1", type="rural", population=900, region="Bretagne"),
        "t2": TerritoryInfo("t2", type="rural", population=5_000, region="Bretagne"),
        "t3": TerritoryInfo("t3", type="urban", population=60_000, country="BE"),  # no region: country
    }
    return corpus_from_records(
        {"e1": ("a", "b"), "e2": ("a",), "e3": ("a", "b"), "e4": ("b",), "e5": ("c",)},
        experience_territory={"e1": "t1", "e2": "t2", "e3": "t3", "e4": "t3", "e5": "t-unknown"},
        experience_years={"e1": (2012, None), "e2": (None, 2004), "e3": (2019, 2020)},
        territories=territories,
    )


def test_context_table_codes_every_dimension():
    table = build_context_table(corpus_with_contexts())
    assert table.territories == ("t-unknown", "t1", "t2", "t3")
    assert table.context(0) == ("rural", "<2k", "Bretagne", "2010s")
    assert table.context(1) == ("rural", "2k-10k", "Bretagne", "2000s")  # end year when no start
    assert table.context(2) == ("urban", "50k-200k", "BE", "2010s")
    assert table.context(4) == (None, None, None, None)  # territory without description
    assert table.values == (
        ("rural", "urban"),
        ("2k-10k", "50k-200k", "<2k"),
        ("BE", "Bretagne"),
        ("2000s", "2010s"),
    )
    assert table.informative == (0, 1, 2, 3)


def test_describe_rows_distribution_and_classes():
    table = build_context_table(corpus_with_contexts())
    d = describe_rows(table, [0, 2, 3, 3])  # repeats are ignored
    assert d.cases == 3
    assert d.territories == ("t1", "t3")
    assert d.distribution["type"] == (("urban", 2), ("rural", 1))
    assert d.distribution["period"] == (("2010s", 2),)  # e4 has no year
    # most frequent first, then by values (unknown before known)
    assert d.context_classes == (
        (("rural", "<2k", "Bretagne", "2010s"), 1),
        (("urban", "50k-200k", "BE", None), 1),
        (("urban", "50k-200k", "BE", "2010s"), 1),
    )
    # type, population, region: {2, 1} over 3 cases and K = 2 or 3 classes; period: one value
    h21 = -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3))
    assert d.entropy == pytest.approx(
        {
            "type": h21 / math.log(2),
            "population": h21 / math.log(3),
            "region": h21 / math.log(2),
            "period": 0.0,
        }
    )


def test_context_similarity_and_shared_context():
    table = build_context_table(corpus_with_contexts())
    # home t1 (rural, <2k, Bretagne) against t-unknown, t1, t2 (rural, 2k-10k, Bretagne), t3 (urban, …, BE)
    assert context_similarity(table, 1).tolist() == [0.0, 1.0, 2 / 3, 0.0]
    assert shared_context(table, 1, 2) == ("type=rural", "region=Bretagne")


def test_haversine():
    assert haversine_km(48.0, -3.0, 48.0, -3.0) == pytest.approx(0.0)
    # one degree of latitude: 6371 × π / 180 = 111.19 km
    assert haversine_km(48.0, -3.0, 49.0, -3.0) == pytest.approx(6371 * math.pi / 180)
    assert haversine_km(0.0, 0.0, np.array([0.0, 0.0]), np.array([90.0, 180.0])).tolist() == pytest.approx(
        [6371 * math.pi / 2, 6371 * math.pi]
    )


def test_sorted_unique():
    assert sorted_unique(np.array([5, 1, 5, 3, 1])).tolist() == [1, 3, 5]
    assert sorted_unique([]).tolist() == []
