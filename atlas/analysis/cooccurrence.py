"""Counting co-occurrences of issues, and the link measures, as sparse matrix algebra.

See :mod:`atlas.analysis.links` for the definitions of ``N``, ``n_i``, ``c_ij``,
``w_ij``, ``k_i`` and of every measure.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from atlas.analysis.compressed import Compressed
from atlas.analysis.incidence import issue_incidence
from atlas.analysis.lattice import parse_level
from atlas.analysis.memo import memoised
from atlas.model import Corpus

if TYPE_CHECKING:
    import scipy.sparse as sp

MEASURES: tuple[str, ...] = ("association", "npmi", "jaccard", "cosine", "count")


@dataclass(frozen=True, eq=False)
class Cooccurrence:
    """Co-occurrence counts of the items of a corpus at one level.

    The matrices are kept as plain arrays (:class:`~atlas.analysis.compressed.Compressed`),
    so that loading a saved one does not import SciPy; ``incidence``, ``counts``
    and ``weights`` give them as SciPy matrices.

    Attributes
    ----------
    items : tuple of str
        Item IRIs (issues, or their ancestors at a roll-up level), sorted.
    total : int
        ``N``, experiences that address at least one item.
    occurrences : numpy.ndarray
        ``n_i`` for each item.
    strength : numpy.ndarray
        ``k_i``, row sums of ``weights``.
    incidence_columns, incidence_rows : Compressed
        The binary experiences × items matrix, by column and by row.
    count_rows, weight_rows : Compressed
        ``c_ij`` (whole counts) and ``w_ij`` (fractional or whole), by row, zero diagonal.
        They hold the same entries in the same order: a pair that co-occurs gets a
        positive weight (``1/(n-1)`` per experience of ``n >= 2`` items).
    """

    items: tuple[str, ...]
    total: int
    occurrences: np.ndarray
    strength: np.ndarray
    incidence_columns: Compressed
    incidence_rows: Compressed
    count_rows: Compressed
    weight_rows: Compressed

    @cached_property
    def incidence(self) -> sp.csc_matrix:
        """Binary experiences × items matrix (SciPy)."""
        return self.incidence_columns.scipy()

    @cached_property
    def counts(self) -> sp.csr_matrix:
        """``c_ij`` (SciPy)."""
        return self.count_rows.scipy()

    @cached_property
    def weights(self) -> sp.csr_matrix:
        """``w_ij`` (SciPy)."""
        return self.weight_rows.scipy()

    def __getstate__(self) -> dict:
        # the SciPy views are rebuilt on demand, never pickled
        return {k: v for k, v in self.__dict__.items() if k not in ("incidence", "counts", "weights")}


def cooccurrence(corpus: Corpus, *, level: int | str | None = None, fractional: bool = False) -> Cooccurrence:
    """Count co-occurrences of the items of ``corpus`` (computed once per corpus and options).

    Parameters
    ----------
    corpus : Corpus
    level : int or str, optional
        Roll-up level (see :func:`atlas.analysis.lattice.roll_up`).
    fractional : bool
        Weigh each pair of an experience with ``n`` items by ``1/(n-1)``.

    Returns
    -------
    Cooccurrence

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b", "c"), "e2": ("a", "b")})
    >>> co = cooccurrence(c, fractional=True)
    >>> co.counts.toarray().tolist()
    [[0.0, 2.0, 1.0], [2.0, 0.0, 1.0], [1.0, 1.0, 0.0]]
    >>> co.weights.toarray().tolist()   # e1 adds 1/2 to each pair, e2 adds 1 to a–b
    [[0.0, 1.5, 0.5], [1.5, 0.0, 0.5], [0.5, 0.5, 0.0]]
    """
    key = ("cooccurrence", parse_level(level), bool(fractional))
    return memoised(corpus, key, lambda: _build_cooccurrence(corpus, key[1], key[2]))


def _build_cooccurrence(corpus: Corpus, level: int | None, fractional: bool) -> Cooccurrence:
    import scipy.sparse as sp  # building needs sparse algebra; reading a saved one does not

    items, x = issue_incidence(corpus, level)
    xr = x.tocsr()
    per_experience = np.diff(xr.indptr)
    counts = (x.T @ x).tocsr()
    occurrences = counts.diagonal().astype(np.int64)
    counts.setdiag(0)
    counts.eliminate_zeros()
    if fractional:
        share = np.zeros(len(per_experience))
        many = per_experience > 1
        share[many] = 1.0 / (per_experience[many] - 1)
        weights = (x.T @ sp.diags(share) @ x).tocsr()
        weights.setdiag(0)
        weights.eliminate_zeros()
    else:
        weights = counts
    strength = np.asarray(weights.sum(axis=1)).ravel()
    count_rows, weight_rows = Compressed.of(counts), Compressed.of(weights)
    if not (np.array_equal(count_rows.indptr, weight_rows.indptr)
            and np.array_equal(count_rows.indices, weight_rows.indices)):  # pragma: no cover - see the docstring
        raise AssertionError("co-occurrence weights and counts hold different pairs")
    return Cooccurrence(
        items=items,
        total=int(np.count_nonzero(per_experience)),
        occurrences=occurrences,
        strength=strength,
        incidence_columns=Compressed.of(x, by="column"),
        incidence_rows=Compressed.of(x, by="row"),
        count_rows=count_rows,
        weight_rows=weight_rows,
    )


def score_pairs(
    measure: str,
    support: np.ndarray,
    weight: np.ndarray,
    occurrences_i: np.ndarray,
    occurrences_j: np.ndarray,
    strength_i: np.ndarray,
    strength_j: np.ndarray,
    total: float,
    total_strength: float,
) -> np.ndarray:
    """Return the ``measure`` of many pairs at once (see the module docstring for formulas).

    Parameters
    ----------
    measure : str
        One of :data:`MEASURES`.
    support, weight : numpy.ndarray
        ``c_ij`` and ``w_ij``.
    occurrences_i, occurrences_j : numpy.ndarray
        ``n_i`` and ``n_j``.
    strength_i, strength_j : numpy.ndarray
        ``k_i`` and ``k_j`` (only used by ``association``).
    total : float
        ``N``.
    total_strength : float
        ``2m`` (only used by ``association``).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        If ``measure`` is unknown.

    Examples
    --------
    Two issues in 2 and 3 of 4 experiences, sharing 2: Jaccard 2 / (2 + 3 - 2).

    >>> one = np.array([2.0])
    >>> score_pairs("jaccard", one, one, np.array([2.0]), np.array([3.0]), one, one, 4, 4).round(4).tolist()
    [0.6667]
    """
    c = np.asarray(support, dtype=np.float64)
    ni = np.asarray(occurrences_i, dtype=np.float64)
    nj = np.asarray(occurrences_j, dtype=np.float64)
    if measure == "count":
        return np.asarray(weight, dtype=np.float64).copy()
    if measure == "association":
        ki = np.asarray(strength_i, dtype=np.float64)
        kj = np.asarray(strength_j, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = total_strength * np.asarray(weight, dtype=np.float64) / (ki * kj)
        return np.where(ki * kj > 0, out, 0.0)
    if measure == "npmi":
        out = np.full(c.shape, -1.0)
        pos = c > 0
        whole = pos & (c >= total)
        part = pos & ~whole
        cp = c[part]
        out[part] = np.log(cp * total / (ni[part] * nj[part])) / -np.log(cp / total)
        out[whole] = 1.0
        return np.clip(out, -1.0, 1.0)
    if measure == "jaccard":
        union = ni + nj - c
        return np.divide(c, union, out=np.zeros_like(c), where=union > 0)
    if measure == "cosine":
        norm = np.sqrt(ni * nj)
        return np.clip(np.divide(c, norm, out=np.zeros_like(c), where=norm > 0), 0.0, 1.0)
    raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
