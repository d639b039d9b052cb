"""Recurrence and diversity of many sets at once: the same numbers as describe_rows, one set at a time."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from atlas.analysis.contexts import build_context_table, describe_rows
from atlas.analysis.recurrence import measure_columns, measure_entries
from atlas.model import TerritoryInfo, corpus_from_records


def test_vectorised_measures_agree_with_describe_rows():
    rng = np.random.default_rng(7)
    types, regions = ("rural", "peri-urban", "urban"), ("A", "B", "C", "D")
    territories = {
        f"t{i}": TerritoryInfo(
            f"t{i}",
            type=types[i % 3],
            population=int(rng.integers(100, 300_000)),
            region=regions[i % 4] if i % 5 else None,
        )
        for i in range(12)
    }
    experiences = {
        f"e{i:02d}": tuple(f"i{j}" for j in rng.choice(8, size=3, replace=False)) for i in range(60)
    }
    corpus = corpus_from_records(
        experiences,
        experience_territory={e: f"t{rng.integers(0, 13)}" for e in experiences},  # t12 is undescribed
        experience_years={
            e: (int(rng.integers(1995, 2025)), None) for e in experiences if rng.random() < 0.8
        },
        territories=territories,
    )
    table = build_context_table(corpus)
    measures = measure_columns(table, corpus.incidence)
    matrix = sp.csc_matrix(corpus.incidence)
    for j in range(matrix.shape[1]):
        d = describe_rows(table, matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]])
        assert measures.cases[j] == d.cases
        assert measures.territories[j] == len(d.territories)
        assert measures.classes[j] == len(d.context_classes)
        assert measures.diversity[j] == d.diversity  # rounded to 12 digits: equal, not just close
        assert measures.entropy[:, j].tolist() == list(d.entropy.values())


def test_measure_entries_by_hand():
    # two sets: {e1, e2} in t1 (rural) and t2 (urban); {e2} alone
    c = corpus_from_records(
        {"e1": ("a",), "e2": ("a",)},
        experience_territory={"e1": "t1", "e2": "t2"},
        territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban")},
    )
    m = measure_entries(build_context_table(c), np.array([0, 1, 1]), np.array([0, 0, 1]), 2)
    assert (m.cases.tolist(), m.territories.tolist(), m.classes.tolist()) == ([2, 1], [2, 1], [2, 1])
    assert m.diversity.tolist() == [1.0, 0.0]  # ln 2 / ln min(2, 2); one case: no diversity
