"""Set operations on sorted integer arrays (row and column positions of sparse matrices).

NumPy 2.4's ``np.unique`` and ``np.intersect1d`` take a hashing path that is
tens of times slower than sorting on the small and large integer arrays the
analysis handles; these functions sort (or rely on sorted input) instead.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def sorted_unique(values: Sequence[int] | np.ndarray) -> np.ndarray:
    """Return the sorted distinct values of an integer array.

    Examples
    --------
    >>> sorted_unique([3, 1, 3, 2]).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(np.asarray(values, dtype=np.int64))
    if len(ordered) < 2:
        return ordered
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))]


def sorted_intersection(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Return the values found in both ``a`` and ``b``, two sorted arrays without repeats.

    Binary search of each value of the shorter array in the longer one:
    ``O(n log m)``, no hashing and no copy of the longer array.

    Examples
    --------
    >>> sorted_intersection(np.array([1, 3, 5, 7]), np.array([3, 4, 7])).tolist()
    [3, 7]
    >>> sorted_intersection(np.array([], dtype=int), np.array([1])).tolist()
    []
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not len(short) or not len(long):
        return np.zeros(0, dtype=np.result_type(a, b))
    at = np.minimum(np.searchsorted(long, short), len(long) - 1)
    return short[long[at] == short]
