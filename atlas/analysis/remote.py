"""Remote links: issues far apart in the thesaurus yet strongly linked in practice.

This is the question the atlas exists for: which seemingly remote issues
(housing energy and local savings, agri-food and education) do experiences
keep bringing together? A link's *remoteness* is defined in
:mod:`atlas.analysis.lattice` (1 across families, ``d / (d_max + 1)`` inside
one). Remote links are ranked by ``score × remoteness``.
"""

from __future__ import annotations

import numpy as np

from atlas.analysis.lattice import lattice_of, node_positions, remoteness, thesaurus_distance
from atlas.analysis.links import Link, link_table, links_from_table, rank
from atlas.model import Corpus

__all__ = ["remote_links", "remoteness", "thesaurus_distance"]


def remote_links(
    corpus: Corpus,
    *,
    measure: str = "association",
    fractional: bool = False,
    min_support: int = 2,
    level: int | str | None = None,
    min_remoteness: float = 0.5,
    parent_discount: float = 0.0,
    max_p_value: float | None = None,
    top: int | None = 20,
) -> list[Link]:
    """Return links between remote issues, ranked by ``score × remoteness``.

    Parameters
    ----------
    corpus : Corpus
    measure : str
        A measure of :data:`atlas.analysis.links.MEASURES` (default ``association``).
    fractional : bool
        Fractional counting (see :mod:`atlas.analysis.links`).
    min_support : int
        Keep links shared by at least this many experiences (default 2: one
        experience is an anecdote, and association strength inflates rare pairs).
    level : int or str, optional
        Thesaurus level of the issues.
    min_remoteness : float
        Keep pairs at least this remote (default 0.5; 1.0 keeps only pairs of
        different families).
    parent_discount : float
        See :func:`atlas.analysis.links.compute_links`.
    max_p_value : float, optional
        Drop links more likely than this by chance.
    top : int, optional
        How many links to return (all if ``None``).

    Returns
    -------
    list of Link
        By ``score × remoteness`` descending, then source and target IRIs.

    Examples
    --------
    ``a`` (family F) and ``c`` (family G) meet in two experiences; ``a`` and its
    sibling ``b`` meet in one.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "c"), "e2": ("a", "c"), "e3": ("a", "b"), "e4": ("b",)},
    ...     families=("F", "G"), broader={"a": ("F",), "b": ("F",), "c": ("G",)})
    >>> [(k.source, k.target, k.remoteness, k.evidence) for k in remote_links(c, measure="count")]
    [('a', 'c', 1.0, ('e1', 'e2'))]
    """
    table = link_table(
        corpus,
        measure=measure,
        fractional=fractional,
        min_support=min_support,
        level=level,
        parent_discount=parent_discount,
        max_p_value=max_p_value,
    )
    lat = lattice_of(corpus)
    where = node_positions(lat, table.cooc.items)
    remote = lat.remoteness[where[table.rows], where[table.cols]] if table.rows.size else np.zeros(0)
    keep = np.flatnonzero(remote >= min_remoteness)
    key = np.full(table.score.shape, -np.inf)
    key[keep] = table.score[keep] * remote[keep]
    # Pairs that are not remote enough sort last (key -inf) and are cut off.
    order = rank(table, key)[: keep.size]
    if top is not None:
        order = order[:top]
    return links_from_table(corpus, table, order)
