"""Sparse incidence matrices of a corpus: experiences × issues, principles, actors.

The matrices are derived once per :class:`~atlas.model.Corpus` object
(:func:`atlas.analysis.memo.memoised`), so that asking for the links of one
issue after another does not rebuild them. Every matrix is binary (1.0 where
the experience addresses the issue, illustrates the principle, involves the
actor) and its columns follow sorted IRIs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import numpy as np

from atlas.analysis.compressed import Compressed
from atlas.analysis.lattice import parse_level, roll_up
from atlas.analysis.memo import memoised
from atlas.model import Corpus

if TYPE_CHECKING:
    import scipy.sparse as sp


def issue_incidence(corpus: Corpus, level: int | str | None = None) -> tuple[tuple[str, ...], sp.csc_matrix]:
    """Return the items and the binary experiences × items matrix at a thesaurus ``level``.

    At the descriptor level (``level=None``) the items are ``corpus.issues``.
    At another level each issue is replaced by its ancestors at that level
    (see :func:`atlas.analysis.lattice.roll_up`): an experience addresses an
    ancestor when it addresses any of the issues that roll up to it.

    Parameters
    ----------
    corpus : Corpus
    level : int or str, optional
        ``None``/``"issue"`` (descriptors), ``"family"``/``0`` or a depth ``k >= 1``.

    Returns
    -------
    items : tuple of str
        Sorted IRIs of the columns.
    matrix : scipy.sparse.csc_matrix
        ``len(corpus.experiences) × len(items)``, values 1.0.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("b",)}, broader={"a": ("F",), "b": ("F",)},
    ...                         families=("F",))
    >>> items, m = issue_incidence(c, "family")
    >>> items, m.toarray().tolist()
    (('F',), [[1.0], [1.0]])
    """
    key = ("issue_incidence", parse_level(level))
    return memoised(corpus, key, lambda: _build_issue_incidence(corpus, key[1]))


def _build_issue_incidence(corpus: Corpus, level: int | None) -> tuple[tuple[str, ...], sp.csc_matrix]:
    import scipy.sparse as sp  # building needs sparse algebra

    base = corpus.incidence.tocsr(copy=True)
    base.sum_duplicates()
    base.data = np.ones_like(base.data, dtype=np.float64)
    base.eliminate_zeros()
    if level is None:
        matrix = base.tocsc()
        matrix.sort_indices()  # row lists of each column are searched as sorted sets
        return tuple(corpus.issues), matrix
    mapping = roll_up(corpus, level)
    items = tuple(sorted({t for i in corpus.issues for t in mapping.get(i, (i,))}))
    col = {t: j for j, t in enumerate(items)}
    rows, cols = [], []
    for r, issue in enumerate(corpus.issues):
        for t in mapping.get(issue, (issue,)):
            rows.append(r)
            cols.append(col[t])
    to_items = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(corpus.issues), len(items)))
    rolled = (base @ to_items).tocsc()
    rolled.data = np.ones_like(rolled.data)
    rolled.sort_indices()
    return items, rolled


def _columns_from_mapping(experiences: tuple[str, ...], mapping: Mapping[str, tuple[str, ...]]) -> tuple[
        tuple[str, ...], Compressed]:
    lists = [mapping.get(e, ()) for e in experiences]
    flat = [x for targets in lists for x in targets]
    items = tuple(sorted(set(flat)))
    col = {x: j for j, x in enumerate(items)}
    rows = np.repeat(np.arange(len(experiences), dtype=np.int64), [len(t) for t in lists])
    cols = np.fromiter((col[x] for x in flat), dtype=np.int64, count=len(flat))
    matrix = Compressed.from_triplets(rows, cols, np.ones(len(flat)), (len(experiences), len(items)), by="column")
    matrix.data[:] = 1.0  # an experience naming a record twice still counts once
    return items, matrix


def _located(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    return {e: (t,) for e, t in corpus.experience_territory.items() if t}


#: The record mappings of a corpus that give experiences × records matrices.
_MAPPINGS: dict[str, Callable[[Corpus], Mapping[str, tuple[str, ...]]]] = {
    "principle": lambda corpus: corpus.experience_principles,
    "actor": lambda corpus: corpus.experience_actors,
    "territory": _located,
}


def record_columns(corpus: Corpus, kind: str) -> tuple[tuple[str, ...], Compressed]:
    """Return the principles, actors or territories of ``corpus`` and which experiences have each.

    Plain arrays by column (no SciPy), built once per corpus and store content.

    Parameters
    ----------
    corpus : Corpus
    kind : str
        ``"principle"`` (experiences illustrating it), ``"actor"`` (involving it) or
        ``"territory"`` (located in it).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",)}, experience_principles={"e2": ("p", "p")})
    >>> items, m = record_columns(c, "principle")
    >>> items, m.line(0)[0].tolist()
    (('p',), [1])
    """
    return memoised(corpus, (kind, "columns"), lambda: _columns_from_mapping(corpus.experiences,
                                                                             _MAPPINGS[kind](corpus)))


def record_rows(corpus: Corpus, kind: str) -> tuple[tuple[str, ...], Compressed]:
    """Return what :func:`record_columns` returns, by row: the records of each experience.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",)}, experience_actors={"e2": ("x", "y")})
    >>> items, m = record_rows(c, "actor")
    >>> items, m.line(1)[0].tolist(), m.line(0)[0].tolist()
    (('x', 'y'), [0, 1], [])
    """
    def build() -> tuple[tuple[str, ...], Compressed]:
        items, columns = record_columns(corpus, kind)
        return items, columns.switched()

    return memoised(corpus, (kind, "rows"), build)


def _incidence(corpus: Corpus, kind: str) -> tuple[tuple[str, ...], sp.csc_matrix]:
    def build() -> tuple[tuple[str, ...], sp.csc_matrix]:
        items, columns = record_columns(corpus, kind)
        return items, columns.scipy()

    return memoised(corpus, f"{kind}_incidence", build)


def principle_incidence(corpus: Corpus) -> tuple[tuple[str, ...], sp.csc_matrix]:
    """Return the principles and the binary experiences × principles matrix.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",)}, experience_principles={"e2": ("p",)})
    >>> items, m = principle_incidence(c)
    >>> items, m.toarray().tolist()
    (('p',), [[0.0], [1.0]])
    """
    return _incidence(corpus, "principle")


def actor_incidence(corpus: Corpus) -> tuple[tuple[str, ...], sp.csc_matrix]:
    """Return the actors and the binary experiences × actors matrix.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)}, experience_actors={"e1": ("x", "y")})
    >>> items, m = actor_incidence(c)
    >>> items, m.toarray().tolist()
    (('x', 'y'), [[1.0, 1.0]])
    """
    return _incidence(corpus, "actor")


def territory_incidence(corpus: Corpus) -> tuple[tuple[str, ...], sp.csc_matrix]:
    """Return the territories and the binary experiences × territories matrix.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",)}, experience_territory={"e1": "t", "e2": "t"})
    >>> items, m = territory_incidence(c)
    >>> items, m.toarray().tolist()
    (('t',), [[1.0], [1.0]])
    """
    return _incidence(corpus, "territory")
