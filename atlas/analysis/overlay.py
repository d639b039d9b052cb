"""The normative layer over the factual one: how much each principle is evidenced on each issue.

For an issue *i* and a principle *p*, the **evidence** ``c_ip`` is the number
of experiences that address *i* and are cases of *p* (they illustrate *p* or
a sub-principle, or draw a lesson supporting one; see
:mod:`atlas.analysis.cases`). Its **share** is ``c_ip / n_i``, with ``n_i``
the number of experiences addressing *i*: the part of the issue's practice
that evidences the principle, in ``[0, 1]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from atlas.analysis.cases import case_index
from atlas.analysis.memo import memoised
from atlas.model import Corpus


@dataclass(frozen=True, eq=False)
class PrincipleEvidence:
    """Evidence of every principle on every issue.

    Attributes
    ----------
    issues : tuple of str
        ``corpus.issues``; row order.
    principles : tuple of str
        Every principle (:func:`atlas.analysis.cases.principles_of`); column order.
    counts : scipy.sparse.csr_matrix
        ``c_ip``, issues × principles.
    occurrences : numpy.ndarray
        ``n_i`` for each issue.
    """

    issues: tuple[str, ...]
    principles: tuple[str, ...]
    counts: sp.csr_matrix
    occurrences: np.ndarray

    def share(self, issue: int, principle: int) -> float:
        """Return ``c_ip / n_i`` (0 for an issue no experience addresses)."""
        n = float(self.occurrences[issue])
        return float(self.counts[issue, principle]) / n if n else 0.0


def principle_evidence(corpus: Corpus) -> PrincipleEvidence:
    """Return how many experiences of each issue are cases of each principle (computed once per corpus).

    Examples
    --------
    Issue ``a`` is addressed by e1, e2, e3; e1 and e2 illustrate ``p``, e3 ``q``.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a",), "e3": ("a",)},
    ...                         experience_principles={"e1": ("p",), "e2": ("p",), "e3": ("q",)})
    >>> ev = principle_evidence(c)
    >>> ev.principles, ev.counts.toarray().tolist()
    (('p', 'q'), [[2.0, 1.0], [1.0, 0.0]])
    >>> round(ev.share(0, 0), 3)   # 2 of a's 3 experiences are cases of p
    0.667
    """

    def build() -> PrincipleEvidence:
        index = case_index(corpus)
        incidence = sp.csr_matrix(corpus.incidence, dtype=np.float64, copy=True)
        incidence.data[:] = 1.0
        cases = sp.csr_matrix(index.principle_cases, dtype=np.float64, copy=True)
        cases.data = (cases.data > 0).astype(np.float64)
        counts = sp.csr_matrix(incidence.T @ cases)
        counts.sort_indices()
        occurrences = np.asarray(incidence.sum(axis=0)).ravel()
        return PrincipleEvidence(corpus.issues, index.principles, counts, occurrences)

    return memoised(corpus, "principle_evidence", build)
