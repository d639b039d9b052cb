"""Peer territories: the most similar ones, and the most complementary ones.

The peer-city benchmark made computable. A territory's *profile* is the set of
issues its experiences address and the set of principles they are cases of
(:mod:`atlas.analysis.cases`); its *context* is its type, population class and
region (:mod:`atlas.analysis.contexts`).

Similarity to another territory ``u`` is

    w_issues × Jaccard(issues) + w_principles × Jaccard(principles) + w_context × context

where *context* is the share of the three context dimensions on which they
match. Only territories sharing at least one issue or principle are peers.

Complementarity measures what ``u`` can teach: the territory's *gap* is the
issues it has no experience on but that neighbour its profile in the
thesaurus (they share a broader issue or family with one of its issues, are
``skos:related`` to one, or are directly broader or narrower than one); ``u``
scores the share of that gap it has experience on.

A territory is never its own peer, nor a peer of the territories containing it
or contained in it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from atlas.analysis.cases import case_index
from atlas.analysis.contexts import ContextTable, context_similarity, context_table, shared_context
from atlas.analysis.memo import memoised
from atlas.analysis.names import resolve_name
from atlas.model import Corpus

DEFAULT_WEIGHTS = {"issues": 0.5, "principles": 0.25, "context": 0.25}


def territory_matrices(corpus: Corpus) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """Return ``(issues, principles)``: per territory of the context table, its experiences' counts.

    Rows follow :attr:`~atlas.analysis.contexts.ContextTable.territories`;
    columns ``corpus.issues`` and :attr:`~atlas.analysis.cases.CaseIndex.principles`.
    A value is the number of the territory's experiences addressing the issue
    (or being a case of the principle). Memoised per corpus (read-only).

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    tuple of scipy.sparse.csr_matrix

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("a", "b")}, experience_territory={"e1": "t", "e2": "t"})
    >>> territory_matrices(c)[0].toarray().tolist()
    [[2.0, 1.0]]
    """

    def build():
        table = context_table(corpus)
        located = np.flatnonzero(table.territory_of >= 0)
        owner = sp.csr_matrix(
            (np.ones(len(located)), (table.territory_of[located], located)),
            shape=(len(table.territories), len(table.experiences)),
        )
        incidence = sp.csr_matrix(corpus.incidence, dtype=float, copy=True)
        incidence.data[:] = 1.0
        return sp.csr_matrix(owner @ incidence), sp.csr_matrix(owner @ case_index(corpus).principle_cases)

    return memoised(corpus, "territory_matrices", build)


def nested_territories(corpus: Corpus, home: str) -> set[str]:
    """Return ``home``, the territories containing it and those it contains (by ``parent``).

    Parameters
    ----------
    corpus : Corpus
    home : str
        A territory IRI.

    Returns
    -------
    set of str

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records({}, territories={"r": TerritoryInfo("r"), "m": TerritoryInfo("m", parent="r"),
    ...     "n": TerritoryInfo("n", parent="m"), "o": TerritoryInfo("o", parent="r")})
    >>> sorted(nested_territories(c, "m"))
    ['m', 'n', 'r']
    """
    related = {home}
    node = home
    while (info := corpus.territories.get(node)) is not None and info.parent and info.parent not in related:
        node = info.parent
        related.add(node)
    children: dict[str, list[str]] = {}
    for iri, info in corpus.territories.items():
        if info.parent:
            children.setdefault(info.parent, []).append(iri)
    stack = [home]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in related:
                related.add(child)
                stack.append(child)
    return related


def _jaccard(matrix: sp.csr_matrix, home: int) -> tuple[np.ndarray, np.ndarray]:
    """Jaccard similarity of every row's support with row ``home``'s, and the shared counts."""
    binary = matrix.copy()
    binary.data = (binary.data > 0).astype(float)
    shared = np.asarray((binary @ binary[home].T).todense()).ravel()
    sizes = np.diff(binary.indptr).astype(float)
    union = sizes + sizes[home] - shared
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, shared / union, 0.0), shared


@dataclass(frozen=True)
class Peer:
    """A territory similar to another, with the reasons.

    Attributes
    ----------
    territory : str
    score : float
        Weighted similarity (see the module docstring).
    issue_similarity, principle_similarity, context_similarity : float
    shared_issues, shared_principles : tuple of str
        IRIs, sorted.
    shared_context : tuple of str
        ``"type=rural"``-style descriptions of the context both share.
    """

    territory: str
    score: float
    issue_similarity: float
    principle_similarity: float
    context_similarity: float
    shared_issues: tuple[str, ...]
    shared_principles: tuple[str, ...]
    shared_context: tuple[str, ...]


def _home(corpus: Corpus, table: ContextTable, name: str) -> tuple[str, int]:
    iri = resolve_name(corpus, name, kinds=("territory",))
    return iri, table.territories.index(iri) if iri in table.territories else -1


def find_peers(
    corpus: Corpus, territory: str, *, top: int | None = 10, weights: dict | None = None
) -> list[Peer]:
    """Return the territories most similar to ``territory``, best first, with what they share.

    Ties are broken by the number of shared issues, then IRI.

    Parameters
    ----------
    corpus : Corpus
    territory : str
        Slug, IRI or label.
    top : int or None
        How many peers at most.
    weights : dict, optional
        ``{"issues": .5, "principles": .25, "context": .25}`` by default; missing keys keep their default.

    Returns
    -------
    list of Peer
        Best first.

    Raises
    ------
    NotFoundError
        If ``territory`` names no territory.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("a", "c")},
    ...     kinds={"t1": "territory", "t2": "territory", "t3": "territory"},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban"),
    ...                  "t3": TerritoryInfo("t3", type="rural")})
    >>> [(p.territory, p.score, p.shared_issues) for p in find_peers(c, "t1")]
    [('t2', 0.5, ('a', 'b')), ('t3', 0.25, ('a',))]
    """
    w = {**DEFAULT_WEIGHTS, **(weights or {})}
    table = context_table(corpus)
    iri, home = _home(corpus, table, territory)
    if home < 0:
        return []
    issues, principles = territory_matrices(corpus)
    j_issues, shared_i = _jaccard(issues, home)
    j_principles, shared_p = _jaccard(principles, home)
    ctx = context_similarity(table, home)
    score = np.round(w["issues"] * j_issues + w["principles"] * j_principles + w["context"] * ctx, 12)
    excluded = nested_territories(corpus, iri)
    order = sorted(
        (
            i
            for i in range(len(table.territories))
            if table.territories[i] not in excluded and (shared_i[i] > 0 or shared_p[i] > 0)
        ),
        key=lambda i: (-score[i], -shared_i[i], table.territories[i]),
    )
    names = case_index(corpus).principles
    mine_i, mine_p = set(issues[home].indices.tolist()), set(principles[home].indices.tolist())
    out = []
    for i in order[:top] if top is not None else order:
        out.append(
            Peer(
                territory=table.territories[i],
                score=float(score[i]),
                issue_similarity=float(j_issues[i]),
                principle_similarity=float(j_principles[i]),
                context_similarity=float(ctx[i]),
                shared_issues=tuple(
                    sorted(corpus.issues[j] for j in mine_i.intersection(issues[i].indices.tolist()))
                ),
                shared_principles=tuple(
                    sorted(names[j] for j in mine_p.intersection(principles[i].indices.tolist()))
                ),
                shared_context=shared_context(table, home, i),
            )
        )
    return out


def profile_gap(corpus: Corpus, issues: set[str]) -> dict[str, tuple[str, ...]]:
    """Return the issues next to ``issues`` in the thesaurus but not in it, each with its neighbours in it.

    Neighbours share a broader issue or family, are ``skos:related``, or are
    directly broader or narrower. With no issues, the gap is every issue.

    Parameters
    ----------
    corpus : Corpus
    issues : set of str
        The issues of a territory's profile.

    Returns
    -------
    dict of str to tuple of str
        ``{gap issue: its neighbours in issues}``, by gap issue IRI.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e": ("a", "b", "c", "d")}, broader={"a": ("F",), "b": ("F",), "c": ("G",)},
    ...                         related=(("a", "d"),))
    >>> profile_gap(c, {"a"})
    {'b': ('a',), 'd': ('a',)}
    """
    if not issues:
        return {i: () for i in corpus.issues}
    neighbours: dict[str, set[str]] = {}

    def link(a: str, b: str) -> None:
        neighbours.setdefault(a, set()).add(b)
        neighbours.setdefault(b, set()).add(a)

    by_parent: dict[str, list[str]] = {}
    for child, parents in corpus.broader.items():
        for parent in parents:
            by_parent.setdefault(parent, []).append(child)
            link(child, parent)
    for siblings in by_parent.values():
        mine = [s for s in siblings if s in issues]
        for s in siblings:
            for m in mine:
                if s != m:
                    link(s, m)
    for a, b in corpus.related:
        link(a, b)
    known = set(corpus.issues)
    gap: dict[str, set[str]] = {}
    for m in issues:
        for other in neighbours.get(m, ()):
            if other in known and other not in issues:
                gap.setdefault(other, set()).add(m)
    return {g: tuple(sorted(gap[g])) for g in sorted(gap)}


@dataclass(frozen=True)
class Complement:
    """A territory with experience where another has a gap, with the reasons.

    Attributes
    ----------
    territory : str
    score : float
        Share of the home territory's gap it covers.
    covered : tuple of (str, tuple of str)
        Each gap issue it covers, with the home territory's issues it neighbours.
    experiences : tuple of str
        Its experiences on those issues, sorted.
    context_similarity : float
    shared_context : tuple of str
    """

    territory: str
    score: float
    covered: tuple[tuple[str, tuple[str, ...]], ...]
    experiences: tuple[str, ...]
    context_similarity: float
    shared_context: tuple[str, ...]


def find_complements(corpus: Corpus, territory: str, *, top: int | None = 10) -> list[Complement]:
    """Return the territories that have experience on the gap of ``territory``, best first.

    Ranked by the share of the gap covered (see :func:`profile_gap`), then
    context similarity, then IRI.

    Parameters
    ----------
    corpus : Corpus
    territory : str
        Slug, IRI or label.
    top : int or None
        How many territories at most.

    Returns
    -------
    list of Complement
        Best first.

    Raises
    ------
    NotFoundError
        If ``territory`` names no territory.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("b",), "e3": ("b", "c"), "e4": ("z",)},
    ...     kinds={"t1": "territory", "t2": "territory", "t3": "territory", "t4": "territory"},
    ...     broader={"a": ("F",), "b": ("F",), "c": ("F",), "z": ("G",)},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3", "e4": "t4"})
    >>> [(x.territory, x.score) for x in find_complements(c, "t1")]   # gap of t1: b and c
    [('t3', 1.0), ('t2', 0.5)]
    """
    table = context_table(corpus)
    iri, home = _home(corpus, table, territory)
    if home < 0:
        return []
    issues, _ = territory_matrices(corpus)
    mine = {corpus.issues[j] for j in issues[home].indices.tolist()}
    gap = profile_gap(corpus, mine)
    if not gap:
        return []
    column = {iri: j for j, iri in enumerate(corpus.issues)}
    gap_cols = np.array([column[g] for g in gap], dtype=np.int64)
    on_gap = sp.csr_matrix(issues[:, gap_cols])
    on_gap.eliminate_zeros()
    covered = np.diff(on_gap.indptr)
    ctx = context_similarity(table, home)
    excluded = nested_territories(corpus, iri)
    order = sorted(
        (i for i in np.flatnonzero(covered).tolist() if table.territories[i] not in excluded),
        key=lambda i: (-covered[i], -ctx[i], table.territories[i]),
    )
    gap_items = list(gap.items())
    out = []
    for i in order[:top] if top is not None else order:
        cover = tuple(gap_items[j] for j in sorted(on_gap[i].indices.tolist()))
        wanted = {column[g] for g, _ in cover}
        rows = np.flatnonzero(table.territory_of == i)
        incidence = sp.csr_matrix(corpus.incidence[rows])
        experiences = tuple(
            table.experiences[r]
            for k, r in enumerate(rows.tolist())
            if wanted.intersection(incidence[k].indices.tolist())
        )
        out.append(
            Complement(
                territory=table.territories[i],
                score=round(float(covered[i]) / len(gap), 12),
                covered=cover,
                experiences=experiences,
                context_similarity=float(ctx[i]),
                shared_context=shared_context(table, home, i),
            )
        )
    return out
