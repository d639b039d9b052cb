"""Sparse matrices as plain NumPy arrays: compressed rows (CSR) or columns (CSC).

Values the analysis memoises and saves beside the store (see
:mod:`atlas.analysis.memo`) keep their sparse matrices in this form, so that a
command loading them does not import SciPy (0.13 s of a 0.3 s budget) unless
it does sparse algebra. :meth:`Compressed.scipy` gives the SciPy matrix when
needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class Compressed:
    """A sparse matrix in compressed form, with sorted indices and no duplicates.

    Attributes
    ----------
    indptr, indices, data : numpy.ndarray
        As in SciPy's ``csr_matrix`` (``by="row"``) or ``csc_matrix`` (``by="column"``).
    shape : tuple of int
    by : str
        ``"row"`` or ``"column"``: what ``indptr`` runs over.

    Examples
    --------
    >>> m = Compressed.from_triplets([0, 1, 1], [2, 0, 2], [1.0, 2.0, 3.0], (2, 3))
    >>> m.indptr.tolist(), m.indices.tolist(), m.data.tolist()
    ([0, 1, 3], [2, 0, 2], [1.0, 2.0, 3.0])
    >>> m.line(1)[0].tolist(), m.scipy().toarray().tolist()
    ([0, 2], [[0.0, 0.0, 1.0], [2.0, 0.0, 3.0]])
    """

    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    shape: tuple[int, int]
    by: str = "row"

    @classmethod
    def of(cls, matrix: Any, by: str = "row") -> Compressed:
        """Copy a SciPy sparse matrix (any format) into compressed ``by`` rows or columns."""
        m = matrix.tocsr() if by == "row" else matrix.tocsc()
        m = m.copy()
        m.sum_duplicates()
        m.sort_indices()
        return cls(m.indptr.astype(np.int64), m.indices.astype(np.int64), np.asarray(m.data, dtype=np.float64),
                   (int(m.shape[0]), int(m.shape[1])), by)

    @classmethod
    def from_triplets(cls, rows: Any, cols: Any, values: Any, shape: tuple[int, int], by: str = "row") -> Compressed:
        """Build from coordinates (duplicates are summed), without SciPy."""
        rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
        values = np.asarray(values, dtype=np.float64)
        major, minor = (rows, cols) if by == "row" else (cols, rows)
        size, width = (shape[0], shape[1]) if by == "row" else (shape[1], shape[0])
        codes = major * max(width, 1) + minor
        order = np.argsort(codes, kind="stable")
        codes, values = codes[order], values[order]
        first = np.concatenate(([True], codes[1:] != codes[:-1])) if len(codes) else np.zeros(0, bool)
        starts = np.flatnonzero(first)
        summed = np.add.reduceat(values, starts) if len(starts) else np.zeros(0)
        codes = codes[starts]
        major, minor = codes // max(width, 1), codes % max(width, 1)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(major, minlength=size)))).astype(np.int64)
        return cls(indptr, minor.astype(np.int64), summed.astype(np.float64), (int(shape[0]), int(shape[1])), by)

    def line(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Return ``(indices, data)`` of row (or column) ``k``: views, sorted by index."""
        span = slice(int(self.indptr[k]), int(self.indptr[k + 1]))
        return self.indices[span], self.data[span]

    def lines(self, ks: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Return ``(which, indices, data)`` of every entry of the rows (columns) ``ks``, in that order.

        ``which`` gives, for each entry, its position in ``ks``.
        """
        ks = np.asarray(ks, dtype=np.int64)
        starts, ends = self.indptr[ks], self.indptr[ks + 1]
        lengths = ends - starts
        which = np.repeat(np.arange(len(ks)), lengths)
        offsets = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        at = np.repeat(starts, lengths) + offsets
        return which, self.indices[at], self.data[at]

    def owners(self) -> np.ndarray:
        """Return the row (``by="row"``) or column (``by="column"``) of every stored entry.

        >>> Compressed.from_triplets([0, 2, 2], [1, 0, 1], [1, 1, 1], (3, 2)).owners().tolist()
        [0, 2, 2]
        """
        return np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int64), np.diff(self.indptr))

    def switched(self) -> Compressed:
        """Return the same matrix compressed the other way (by column if by row, and back).

        >>> m = Compressed.from_triplets([0, 1, 1], [2, 0, 2], [1.0, 2.0, 3.0], (2, 3))
        >>> s = m.switched()
        >>> s.by, s.indptr.tolist(), s.indices.tolist(), s.data.tolist()
        ('column', [0, 1, 1, 3], [1, 0, 1], [2.0, 1.0, 3.0])
        """
        other = "column" if self.by == "row" else "row"
        if self.by == "row":
            return Compressed.from_triplets(self.owners(), self.indices, self.data, self.shape, by=other)
        return Compressed.from_triplets(self.indices, self.owners(), self.data, self.shape, by=other)

    def scipy(self) -> Any:
        """Return the SciPy ``csr_matrix`` (``by="row"``) or ``csc_matrix`` (``by="column"``)."""
        import scipy.sparse as sp

        kind = sp.csr_matrix if self.by == "row" else sp.csc_matrix
        return kind((self.data, self.indices, self.indptr), shape=self.shape)
