"""Links between issues from the experiences that address them.

Counting is one sparse product, ``Xᵀ X``, of the binary experiences × issues
matrix ``X`` (optionally rolled up the thesaurus, see
:mod:`atlas.analysis.lattice`). For a pair of issues *i*, *j*:

- ``N``: experiences that address at least one issue; ``n_i``: experiences
  addressing *i*; ``c_ij``: experiences addressing both (the link's *support*).
- ``w_ij``: the link's *weight*: ``c_ij`` under full counting; under fractional
  counting an experience addressing ``n`` issues adds ``1/(n-1)`` to each of its
  pairs, so that every issue of the experience receives a total weight of 1.
  This is VOSviewer's fractional counting of co-occurrence links
  (Perianes-Rodriguez, van Eck & Waltman 2016, *J. Informetrics* 10:1178).
  With a roll-up level, ``n`` counts the experience's issues at that level.
- ``k_i = Σ_j w_ij``: total link strength of *i*; ``2m = Σ_i k_i``.

Measures (``measure=``):

- ``count``: ``w_ij``.
- ``association`` (association strength, VOSviewer's convention; van Eck &
  Waltman 2009; Waltman, van Eck & Noyons 2010): ``2m · w_ij / (k_i · k_j)``,
  the observed link weight divided by the weight expected if links were
  formed independently of the issues' identities; 1 means "as expected".
- ``npmi`` (normalised pointwise mutual information, Bouma 2009):
  ``ln(c_ij N / (n_i n_j)) / -ln(c_ij / N)``, in ``[-1, 1]``; 1 when both
  issues occur in every experience together.
- ``jaccard``: ``c_ij / (n_i + n_j - c_ij)``, in ``[0, 1]``.
- ``cosine`` (Salton): ``c_ij / sqrt(n_i n_j)``, in ``[0, 1]``.

Fractional counting changes ``w`` and so ``count`` and ``association``;
``npmi``, ``jaccard``, ``cosine`` and the p-value are defined on sets of
experiences and always use whole counts.

The **p-value** is the hypergeometric upper tail ``P(X >= c_ij)`` (one-sided
Fisher test, :mod:`atlas.analysis.significance`).

The **parent discount** ``δ`` in ``[0, 1]`` lowers links that the thesaurus
already explains: when *i* and *j* share a direct parent or one is an ancestor
of the other, the score becomes ``score - δ·|score|`` (``score·(1-δ)`` for
positive scores); other links are unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from atlas.analysis.cooccurrence import MEASURES, Cooccurrence, cooccurrence, score_pairs
from atlas.analysis.lattice import lattice_of, node_positions, roll_up
from atlas.analysis.significance import cooccurrence_p_values
from atlas.analysis.sortedsets import sorted_intersection
from atlas.errors import NotFoundError
from atlas.model import Corpus

__all__ = [
    "MEASURES", "Cooccurrence", "Link", "LinkTable", "compute_links", "cooccurrence", "items_of", "link_between",
    "link_table", "links_from_table", "rank", "score_pairs",
]  # fmt: skip

@dataclass(frozen=True)
class Link:
    """A computed link between two issues, with its evidence.

    Attributes
    ----------
    source, target : str
        Issue IRIs, ``source < target``.
    measure : str
        One of :data:`MEASURES`.
    score : float
        The measure's value (after any parent discount).
    support : int
        Number of experiences addressing both issues.
    weight : float
        Fractional count of the pair (equal to ``support`` under full counting).
    p_value : float
        Probability of at least ``support`` shared experiences by chance.
    remoteness : float
        Distance of the two issues in the thesaurus, in ``[0, 1]``.
    evidence : tuple of str
        IRIs of the experiences addressing both, sorted.
    """

    source: str
    target: str
    measure: str
    score: float
    support: int
    weight: float
    p_value: float
    remoteness: float
    evidence: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class LinkTable:
    """Candidate links as parallel arrays, before they become :class:`Link` objects.

    ``rows``/``cols`` index ``cooc.items`` with ``rows < cols``. ``p_value`` is
    ``None`` until asked for (it costs more than every other column together).
    """

    cooc: Cooccurrence
    measure: str
    rows: np.ndarray
    cols: np.ndarray
    support: np.ndarray
    weight: np.ndarray
    score: np.ndarray
    p_value: np.ndarray | None


def items_of(corpus: Corpus, cooc: Cooccurrence, issue: str, level: int | str | None) -> list[int]:
    """Return the column positions in ``cooc`` that stand for ``issue`` at ``level``.

    An issue that is not an item at that level stands for its roll-up targets.

    Raises
    ------
    NotFoundError
        If the issue is neither an item nor in the thesaurus.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b")}, families=("F",), broader={"a": ("F",), "b": ("F",)})
    >>> items_of(c, cooccurrence(c, level="family"), "a", "family")
    [0]
    """
    position = {item: j for j, item in enumerate(cooc.items)}
    if issue in position:
        return [position[issue]]
    targets = roll_up(corpus, level).get(issue)
    found = sorted(position[t] for t in targets or () if t in position)
    if not found:
        raise NotFoundError(f"no experience addresses {issue!r} at this level")
    return found


def _upper_pairs(cooc: Cooccurrence) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    counts, weights = cooc.count_rows, cooc.weight_rows
    rows = counts.owners()
    upper = counts.indices > rows
    weight = weights.data[upper]  # same entries as counts (see Cooccurrence)
    return rows[upper], counts.indices[upper], np.rint(counts.data[upper]).astype(np.int64), weight


def link_table(
    corpus: Corpus,
    *,
    measure: str = "association",
    issue: str | None = None,
    fractional: bool = False,
    min_support: int = 1,
    level: int | str | None = None,
    parent_discount: float = 0.0,
    max_p_value: float | None = None,
) -> LinkTable:
    """Return every candidate link of ``corpus`` (or of one ``issue``) as arrays.

    Parameters are those of :func:`compute_links`. p-values are computed here
    only when ``max_p_value`` filters on them.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> t = link_table(corpus_from_records({"e1": ("a", "b"), "e2": ("b", "c")}), measure="count")
    >>> t.rows.tolist(), t.cols.tolist(), t.score.tolist()
    ([0, 1], [1, 2], [1.0, 1.0])
    """
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; choose one of {', '.join(MEASURES)}")
    if not 0.0 <= parent_discount <= 1.0:
        raise ValueError(f"parent_discount must be in [0, 1], not {parent_discount!r}")
    cooc = cooccurrence(corpus, level=level, fractional=fractional)
    if issue is None:
        rows, cols, support, weight = _upper_pairs(cooc)
    else:
        chosen = np.asarray(items_of(corpus, cooc, issue, level), dtype=np.int64)
        which, b, count = cooc.count_rows.lines(chosen)
        a = chosen[which]
        width = len(cooc.items)
        codes = np.minimum(a, b) * width + np.maximum(a, b)
        order = np.argsort(codes, kind="stable")
        first = order[np.concatenate(([True], codes[order][1:] != codes[order][:-1]))] if len(order) else order
        rows, cols = codes[first] // width, codes[first] % width
        support = np.rint(count[first]).astype(np.int64)
        weight = cooc.weight_rows.lines(chosen)[2][first]  # same entries as counts (see Cooccurrence)
    keep = support >= max(1, min_support)
    rows, cols, support, weight = rows[keep], cols[keep], support[keep], weight[keep]
    score = score_pairs(
        measure,
        support,
        weight,
        cooc.occurrences[rows],
        cooc.occurrences[cols],
        cooc.strength[rows],
        cooc.strength[cols],
        cooc.total,
        float(cooc.strength.sum()),
    )
    if parent_discount and rows.size:
        lat = lattice_of(corpus)
        where = node_positions(lat, cooc.items)
        near = lat.near[where[rows], where[cols]]
        score = np.where(near, score - parent_discount * np.abs(score), score)
    p_value = None
    if max_p_value is not None:
        p_value = cooccurrence_p_values(support, cooc.total, cooc.occurrences[rows], cooc.occurrences[cols])
        keep = p_value <= max_p_value
        rows, cols, support, weight, score, p_value = (
            rows[keep], cols[keep], support[keep], weight[keep], score[keep], p_value[keep]
        )
    return LinkTable(cooc, measure, rows, cols, support, weight, score, p_value)


def rank(table: LinkTable, key: np.ndarray, top: int | None = None) -> np.ndarray:
    """Return positions of ``table`` sorted by ``key`` descending, then source and target IRIs.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> t = link_table(corpus_from_records({"e1": ("a", "b"), "e2": ("b", "c"), "e3": ("b", "c")}),
    ...                measure="count")
    >>> rank(t, t.score).tolist()
    [1, 0]
    """
    order = np.lexsort((table.cols, table.rows, -key))
    return order if top is None else order[:top]


def links_from_table(corpus: Corpus, table: LinkTable, positions: Iterable[int]) -> list[Link]:
    """Turn the rows of ``table`` at ``positions`` into :class:`Link` objects, in that order.

    Adds what is too costly for every candidate: p-value, remoteness and evidence.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("b", "c")})
    >>> t = link_table(c, measure="count")
    >>> [(k.source, k.target, k.evidence) for k in links_from_table(c, t, [1])]
    [('b', 'c', ('e2',))]
    """
    positions = np.asarray(list(positions), dtype=np.int64)
    if not positions.size:
        return []
    cooc = table.cooc
    rows, cols, support = table.rows[positions], table.cols[positions], table.support[positions]
    if table.p_value is not None:
        p_value = table.p_value[positions]
    else:
        p_value = cooccurrence_p_values(support, cooc.total, cooc.occurrences[rows], cooc.occurrences[cols])
    lat = lattice_of(corpus)
    where = node_positions(lat, cooc.items)
    remote = lat.remoteness[where[rows], where[cols]]
    x = cooc.incidence_columns
    links = []
    for n, pos in enumerate(positions):
        i, j = int(rows[n]), int(cols[n])
        shared = sorted_intersection(x.indices[x.indptr[i] : x.indptr[i + 1]],
                                     x.indices[x.indptr[j] : x.indptr[j + 1]])
        links.append(
            Link(
                source=cooc.items[i],
                target=cooc.items[j],
                measure=table.measure,
                score=float(table.score[pos]),
                support=int(support[n]),
                weight=float(table.weight[pos]),
                p_value=float(p_value[n]),
                remoteness=float(remote[n]),
                evidence=tuple(corpus.experiences[e] for e in sorted(shared.tolist())),
            )
        )
    return links


def compute_links(
    corpus: Corpus,
    *,
    measure: str = "association",
    issue: str | None = None,
    fractional: bool = False,
    min_support: int = 1,
    level: int | str | None = None,
    parent_discount: float = 0.0,
    max_p_value: float | None = None,
    top: int | None = None,
) -> list[Link]:
    """Return the links between issues, strongest first, each with its evidence.

    Parameters
    ----------
    corpus : Corpus
    measure : str
        One of :data:`MEASURES` (default ``association``).
    issue : str, optional
        Only the links of this issue IRI (at a roll-up level, of the items it
        rolls up to).
    fractional : bool
        Fractional counting (``1/(n-1)`` per pair of an experience with ``n`` issues).
    min_support : int
        Keep links shared by at least this many experiences (at least 1).
    level : int or str, optional
        Thesaurus level: ``None`` (descriptors), ``"family"`` or a depth.
    parent_discount : float
        ``δ`` in ``[0, 1]``: links between siblings or ancestor and descendant
        score ``score - δ·|score|``.
    max_p_value : float, optional
        Drop links more likely than this by chance.
    top : int, optional
        Keep the first ``top`` links.

    Returns
    -------
    list of Link
        Sorted by score (descending), then source and target IRIs.

    Raises
    ------
    ValueError
        On an unknown measure or level, or a discount outside ``[0, 1]``.
    NotFoundError
        If ``issue`` is not addressed at this level.

    Examples
    --------
    Four experiences; ``a`` and ``b`` meet in two of them.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("a", "c"), "e4": ("c",)})
    >>> [(k.source, k.target, k.support, round(k.score, 3)) for k in compute_links(c, measure="jaccard")]
    [('a', 'b', 2, 0.667), ('a', 'c', 1, 0.25)]
    >>> compute_links(c, measure="count", issue="c")[0].evidence
    ('e3',)
    """
    table = link_table(
        corpus,
        measure=measure,
        issue=issue,
        fractional=fractional,
        min_support=min_support,
        level=level,
        parent_discount=parent_discount,
        max_p_value=max_p_value,
    )
    return links_from_table(corpus, table, rank(table, table.score, top))


def link_between(
    corpus: Corpus,
    source: str,
    target: str,
    *,
    measure: str = "association",
    fractional: bool = False,
    min_support: int = 1,
    level: int | str | None = None,
    parent_discount: float = 0.0,
) -> Link | None:
    """Return the link between two issues, or ``None`` if they share too few experiences.

    The same :class:`Link` as :func:`compute_links` gives for the pair (same
    options), without building the other links of ``source``. At a roll-up
    level both names must be items of that level.

    Raises
    ------
    NotFoundError
        If ``source`` is not addressed at this level.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("a", "c"), "e4": ("c",)})
    >>> k = link_between(c, "b", "a", measure="jaccard")
    >>> (k.source, k.target, k.support, round(k.score, 3), k.evidence)
    ('a', 'b', 2, 0.667, ('e1', 'e2'))
    >>> link_between(c, "b", "c") is None
    True
    """
    table = link_table(corpus, measure=measure, issue=source, fractional=fractional, min_support=min_support,
                       level=level, parent_discount=parent_discount)
    items = table.cooc.items
    pair = tuple(sorted((source, target)))
    found = [n for n in range(table.rows.size) if (items[table.rows[n]], items[table.cols[n]]) == pair]
    return links_from_table(corpus, table, found)[0] if found else None
