"""Counting co-occurrences of issues, and the link measures, as sparse matrix algebra.

See :mod:`atlas.analysis.links` for the definitions of ``N``, ``n_i``, ``c_ij``,
``w_ij``, ``k_i`` and of every measure.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from atlas.analysis.incidence import issue_incidence
from atlas.analysis.lattice import parse_level
from atlas.analysis.memo import memoised
from atlas.model import Corpus

MEASURES: tuple[str, ...] = ("association", "npmi", "jaccard", "cosine", "count")


@dataclass(frozen=True, eq=False)
class Cooccurrence:
    """Co-occurrence counts of the items of a corpus at one level.

    Attributes
    ----------
    items : tuple of str
        Item IRIs (issues, or their ancestors at a roll-up level), sorted.
    incidence : scipy.sparse.csc_matrix
        Binary experiences × items matrix.
    total : int
        ``N``, experiences that address at least one item.
    occurrences : numpy.ndarray
        ``n_i`` for each item.
    counts : scipy.sparse.csr_matrix
        ``c_ij`` (whole counts), zero diagonal.
    weights : scipy.sparse.csr_matrix
        ``w_ij`` (fractional or whole), zero diagonal.
    strength : numpy.ndarray
        ``k_i``, row sums of ``weights``.
    """

    items: tuple[str, ...]
    incidence: sp.csc_matrix
    total: int
    occurrences: np.ndarray
    counts: sp.csr_matrix
    weights: sp.csr_matrix
    strength: np.ndarray


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
    return Cooccurrence(
        items=items,
        incidence=x,
        total=int(np.count_nonzero(per_experience)),
        occurrences=occurrences,
        counts=counts,
        weights=weights,
        strength=strength,
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
