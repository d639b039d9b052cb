"""Recurrence and diversity of many sets of experiences at once.

The same numbers as :func:`atlas.analysis.contexts.describe_rows` gives for one
set of experiences, for thousands of sets (the combinations of
:mod:`atlas.analysis.candidates`, the lessons of :mod:`atlas.analysis.lessons`)
with a few sorts and counts over their ``(experience, set)`` entries.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from atlas.analysis.contexts import ContextTable
from atlas.analysis.sortedsets import sorted_unique


@dataclass(frozen=True, eq=False)
class ColumnMeasures:
    """Recurrence of every column of a sparse ``experiences × items`` matrix (see :func:`measure_columns`)."""

    cases: np.ndarray
    territories: np.ndarray
    classes: np.ndarray
    entropy: np.ndarray  # 4 × n_columns
    diversity: np.ndarray


def _distinct_per_column(cols: np.ndarray, groups: np.ndarray, width: int, m: int) -> np.ndarray:
    """Number of distinct ``groups`` (in ``0..width-1``; negative: none) among the entries of each column."""
    ok = groups >= 0
    keys = sorted_unique(cols[ok] * width + groups[ok])
    return np.bincount(keys // width, minlength=m)


def _entropy_per_column(cols: np.ndarray, codes: np.ndarray, width: int, m: int) -> np.ndarray:
    ok = codes >= 0
    keys = cols[ok] * width + codes[ok]
    if m * width <= 20_000_000:
        counts = np.bincount(keys, minlength=m * width)
        known = counts.reshape(m, width).sum(axis=1).astype(float)
        cells = np.flatnonzero(counts)
        col = cells // width
        p = counts[cells] / known[col]
        h = np.bincount(col, weights=-p * np.log(p), minlength=m)
    else:  # too many cells for a dense table: count the (column, value) runs of the sorted keys
        ordered = np.sort(keys)
        starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        runs = np.diff(np.append(starts, len(ordered))).astype(float)
        col = ordered[starts] // width
        known = np.bincount(col, weights=runs, minlength=m)
        p = runs / known[col]
        h = np.bincount(col, weights=-p * np.log(p), minlength=m)
    k = np.minimum(known, width)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.round(np.where(k >= 2, np.clip(h / np.log(np.maximum(k, 2)), 0.0, 1.0), 0.0), 12)


def measure_entries(table: ContextTable, rows: np.ndarray, cols: np.ndarray, m: int) -> ColumnMeasures:
    """Measure recurrence and diversity of ``m`` sets of experiences given as ``(row, set)`` entries.

    Each ``(rows[k], cols[k])`` pair says experience ``rows[k]`` belongs to set
    ``cols[k]``; pairs must not repeat. Gives the same numbers as
    :func:`describe_rows` on each set, for all sets at once.

    Parameters
    ----------
    table : ContextTable
    rows, cols : numpy.ndarray of int
        Experience row and set of each entry.
    m : int
        Number of sets.

    Returns
    -------
    ColumnMeasures
        Arrays of length ``m`` (``entropy`` is ``4 × m``).

    Examples
    --------
    >>> from atlas.analysis.contexts import build_context_table
    >>> from atlas.model import TerritoryInfo, corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("a",), "e3": ("a",)},
    ...     experience_territory={"e1": "t1", "e2": "t1", "e3": "t2"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban")})
    >>> m = measure_entries(build_context_table(c), np.array([0, 1, 2, 0]), np.array([0, 0, 0, 1]), 2)
    >>> m.cases.tolist(), m.territories.tolist(), [round(x, 4) for x in m.diversity.tolist()]
    ([3, 1], [2, 1], [0.9183, 0.0])
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    cases = np.bincount(cols, minlength=m)
    territories = _distinct_per_column(cols, table.territory_of[rows], len(table.territories), m)
    classes = _distinct_per_column(cols, table.classes[rows], len(table.class_values), m)
    entropy = np.zeros((4, m))
    for d in table.informative:
        entropy[d] = _entropy_per_column(cols, table.codes[rows, d], len(table.values[d]), m)
    informative = list(table.informative)
    diversity = np.round(entropy[informative].mean(axis=0), 12) if informative else np.zeros(m)
    return ColumnMeasures(
        cases=cases, territories=territories, classes=classes, entropy=entropy, diversity=diversity
    )


def measure_columns(table: ContextTable, matrix: sp.spmatrix) -> ColumnMeasures:
    """Measure, for each column of a binary ``experiences × items`` matrix, recurrence and diversity.

    See :func:`measure_entries`; non-zero entries are the members.

    Examples
    --------
    >>> from atlas.analysis.contexts import build_context_table
    >>> from atlas.model import TerritoryInfo, corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a",), "e3": ("a",)},
    ...     experience_territory={"e1": "t1", "e2": "t1", "e3": "t2"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban")})
    >>> m = measure_columns(build_context_table(c), c.incidence)
    >>> m.cases.tolist(), m.territories.tolist(), [round(x, 4) for x in m.diversity.tolist()]
    ([3, 1], [2, 1], [0.9183, 0.0])
    """
    coo = sp.csc_matrix(matrix, dtype=float, copy=True)
    coo.sum_duplicates()
    coo.eliminate_zeros()
    coo = coo.tocoo()
    return measure_entries(table, coo.row, coo.col, matrix.shape[1])
