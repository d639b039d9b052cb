"""Sorted-set helpers agree with NumPy's set routines."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from atlas.analysis.sortedsets import sorted_intersection, sorted_unique

ints = st.lists(st.integers(min_value=-50, max_value=50), max_size=40)


@given(ints)
def test_sorted_unique_is_np_unique(values):
    assert sorted_unique(values).tolist() == np.unique(np.array(values, dtype=np.int64)).tolist()


@given(ints, ints)
def test_sorted_intersection_is_intersect1d(a, b):
    x, y = np.unique(np.array(a, dtype=np.int64)), np.unique(np.array(b, dtype=np.int64))
    assert sorted_intersection(x, y).tolist() == np.intersect1d(x, y).tolist()
    assert sorted_intersection(y, x).tolist() == np.intersect1d(x, y).tolist()


def test_edges():
    assert sorted_intersection(np.array([5]), np.array([1, 2, 3])).tolist() == []
    assert sorted_intersection(np.array([0]), np.array([1, 2, 3])).tolist() == []
    assert sorted_unique([]).tolist() == []
