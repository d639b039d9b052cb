"""Explain why two records are linked: shared evidence and the best paths between them.

For any two nodes of the evidence graph (issues, families, experiences,
principles, territories, actors; see :mod:`atlas.analysis.evidence`):

- the **experiences of a node**: itself for an experience; those addressing an
  issue, or any issue of a family; illustrating a principle; located in a
  territory; involving an actor;
- **shared experiences**: experiences of both, with territory and years;
- **shared principles and actors**: those illustrated by (involved in) at least
  one experience of each side, ranked by the smaller of the two counts;
- the **k best paths**: the cheapest simple paths in the weighted evidence
  graph, each step named by its relation.

Paths are exact, found fast on large atlases: one Dijkstra from each end gives
``d(a, v) + d(v, b)``, the cost of the cheapest path through ``v``; Yen's
algorithm (:func:`atlas.analysis.paths.simple_paths`) runs on the nodes with the
smallest such sums, and then on every node whose sum does not exceed the k-th
cost found, which holds every path at least as cheap. Paths of equal cost
(to 1e-9) are ordered by their sequence of IRIs; when more than ``k + 32``
paths tie, which of them are gathered is decided by node order (kind, then
IRI), deterministically.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice, pairwise

import numpy as np

from atlas.analysis.cooccurrence import cooccurrence
from atlas.analysis.evidence import KIND_NAMES, PREDICATES, EvidenceGraph, evidence_graph
from atlas.analysis.incidence import record_columns, record_rows
from atlas.analysis.lattice import lattice_of
from atlas.analysis.paths import SearchTooLarge, bounded_distances, shortest_distance, simple_paths
from atlas.analysis.sortedsets import sorted_intersection, sorted_unique
from atlas.errors import NotFoundError
from atlas.model import Corpus

# Relative tolerance under which two path costs count as equal.
_TIE = 1e-9
# How many tied paths beyond k are gathered before ordering ties by IRI.
_TIE_CAP = 32
# Edges the pure-Python searches may relax before one Dijkstra in C (SciPy) over the whole graph.
_SEARCH_BUDGET = 200_000
# First excess of the path cost bound over the distance (doubled until k paths fit).
_SLACK = 0.05


@dataclass(frozen=True)
class SharedExperience:
    """An experience of both nodes, with its context."""

    iri: str
    territory: str | None
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True)
class SharedRecord:
    """A principle or actor touched by experiences of both sides."""

    iri: str
    source_count: int
    target_count: int


@dataclass(frozen=True)
class Step:
    """One step of a path, stated in the direction of its RDF relation."""

    subject: str
    subject_kind: str
    predicate: str
    object: str
    object_kind: str


@dataclass(frozen=True)
class EvidencePath:
    """A path between two nodes: its nodes in order, its named steps, its cost."""

    nodes: tuple[str, ...]
    steps: tuple[Step, ...]
    cost: float


@dataclass(frozen=True)
class Explanation:
    """Everything that links ``source`` and ``target``."""

    source: str
    source_kind: str
    target: str
    target_kind: str
    shared_experiences: tuple[SharedExperience, ...]
    shared_principles: tuple[SharedRecord, ...]
    shared_actors: tuple[SharedRecord, ...]
    paths: tuple[EvidencePath, ...]


def experiences_of(corpus: Corpus, iri: str) -> tuple[str, ...]:
    """Return the experiences of a node (see the module docstring), sorted.

    Raises
    ------
    NotFoundError
        If ``iri`` is not a node of the evidence graph.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",), "e2": ("b",), "e3": ("c",)}, families=("F",),
    ...                         broader={"a": ("F",), "b": ("F",)})
    >>> experiences_of(c, "F"), experiences_of(c, "e3")
    (('e1', 'e2'), ('e3',))
    """
    return tuple(corpus.experiences[r] for r in _experience_rows(corpus, iri))


def _experience_rows(corpus: Corpus, iri: str) -> np.ndarray:
    graph = evidence_graph(corpus)
    kind = _kind(graph, iri)
    if kind == "experience":
        return np.array([corpus.experiences.index(iri)], dtype=np.int64)
    if kind in ("issue", "family"):
        wanted = {iri}
        if kind == "family":
            lat = lattice_of(corpus)
            here = lat.index[iri]
            wanted |= {lat.nodes[n] for n in range(len(lat.nodes)) if here in lat.ancestors[n]}
        cooc = cooccurrence(corpus)
        cols = [j for j, i in enumerate(cooc.items) if i in wanted]
        return sorted_unique(cooc.incidence_columns.lines(cols)[1]) if cols else np.zeros(0, np.int64)
    items, columns = record_columns(corpus, kind)
    if iri not in items:
        return np.zeros(0, np.int64)
    return columns.line(items.index(iri))[0].astype(np.int64)


def _kind(graph: EvidenceGraph, iri: str) -> str:
    try:
        return graph.kinds[graph.index[iri]]
    except KeyError:
        raise NotFoundError(f"{iri!r} is not an issue, experience, principle, territory or actor") from None


def _shared_records(corpus: Corpus, kind: str, rows_a: np.ndarray, rows_b: np.ndarray, skip: set[str]) -> tuple:
    items, by_row = record_rows(corpus, kind)
    count_a = np.bincount(by_row.lines(rows_a)[1], minlength=len(items))
    count_b = np.bincount(by_row.lines(rows_b)[1], minlength=len(items))
    both = [j for j in np.flatnonzero((count_a > 0) & (count_b > 0)).tolist() if items[j] not in skip]
    both.sort(key=lambda j: (-min(count_a[j], count_b[j]), items[j]))
    return tuple(SharedRecord(items[j], int(count_a[j]), int(count_b[j])) for j in both)


def _step(corpus: Corpus, graph: EvidenceGraph, u: int, v: int) -> Step:
    ku, kv = graph.kinds[u], graph.kinds[v]
    a, b = graph.nodes[u], graph.nodes[v]
    if kv == "experience" and ku != "experience":
        a, b, ku, kv = b, a, kv, ku
    if ku == "experience":
        predicate = {"issue": "addresses", "family": "addresses", "principle": "illustrates",
                     "actor": "involves", "territory": "located"}[kv]
        return Step(a, ku, predicate, b, kv)
    if ku == "territory":
        info = corpus.territories.get(a)
        if info is None or info.parent != b:
            a, b = b, a
        return Step(a, "territory", "partOf", b, "territory")
    parents = corpus.principle_broader if ku == "principle" else corpus.broader
    if b in parents.get(a, ()):
        return Step(a, ku, "broader", b, kv)
    if a in parents.get(b, ()):
        return Step(b, kv, "broader", a, ku)
    a, b, ku, kv = (a, b, ku, kv) if a < b else (b, a, kv, ku)
    return Step(a, ku, "related", b, kv)


def _yen(graph: EvidenceGraph, subset: np.ndarray, a: int, b: int, k: int) -> list[tuple[float, tuple[int, ...]]]:
    subset = np.sort(np.asarray(subset, dtype=np.int64))
    which, neighbours, weights = graph.edges.lines(subset)
    at = np.minimum(np.searchsorted(subset, neighbours), len(subset) - 1)
    inside = subset[at] == neighbours
    adjacency: dict[int, dict[int, float]] = {int(n): {} for n in subset.tolist()}
    for u, v, w in zip(subset[which[inside]].tolist(), neighbours[inside].tolist(), weights[inside].tolist(),
                       strict=True):
        if u != v:
            adjacency[u][v] = w
    found: list[tuple[float, tuple[int, ...]]] = []
    for cost, path in islice(simple_paths(adjacency, a, b), k + _TIE_CAP):
        if len(found) >= k and cost > found[k - 1][0] * (1 + _TIE) + _TIE:
            break
        found.append((cost, path))
    return found


def _paths_through(graph: EvidenceGraph, a: int, b: int, k: int, nodes: np.ndarray, through: np.ndarray,
                   limit: float) -> list[tuple[float, tuple[int, ...]]] | None:
    """The k cheapest paths, from ``through`` (``d(a, v) + d(v, b)`` of ``nodes``), exact up to ``limit``.

    Returns None when the answer needs nodes whose cost exceeds ``limit``.
    """
    # By cost through the node, the two ends first among equals (they lie on every path).
    not_end = (nodes != a) & (nodes != b)
    ranked = np.lexsort((nodes, not_end, through))
    order, order_cost = nodes[ranked], through[ranked]
    size = min(order.size, 64 + 16 * k)
    while True:
        found = _yen(graph, order[:size], a, b, k)
        if len(found) >= k or size == order.size:
            break
        size = min(order.size, size * 4)
    if len(found) >= k:
        bound = found[k - 1][0] * (1 + _TIE) + _TIE
        if bound > limit:
            return None
        within = order[order_cost <= bound]
        if within.size > size or not np.isin(within, order[:size]).all():
            found = _yen(graph, within, a, b, k)
    elif limit != math.inf:
        return None  # fewer than k paths inside the limit; there may be more beyond it
    found.sort(key=lambda t: (round(t[0], 9), tuple(graph.nodes[n] for n in t[1])))
    return found[:k]


def _pruned_paths(graph: EvidenceGraph, a: int, b: int, k: int) -> list[tuple[float, tuple[int, ...]]]:
    """:func:`_paths_through` on the nodes of cost at most ``C``, found by pruned Dijkstra searches.

    Every node with ``d(a, v) + d(v, b) <= C`` lies within ``C/2`` of one end. With
    ``h(v) = min(d(a, v), C/2)`` (exact inside the ball of radius ``C/2`` around
    ``a``, a consistent lower bound of ``d(a, v)``), the search from ``b`` that keeps
    ``d(b, v) + h(v) <= C`` gives the exact ``d(b, v)`` of all of them, and
    symmetrically from ``a``. ``C`` starts just above the distance from ``a`` to
    ``b`` (bidirectional Dijkstra), and its excess doubles until the k-th path fits.
    """
    e = graph.edges
    budget = [_SEARCH_BUDGET]

    def search(source: int, keep: Callable[[int, float], bool]) -> tuple[dict[int, float], bool]:
        return bounded_distances(e.indptr, e.indices, e.data, source, keep, budget)

    def within(radius: float) -> Callable[[int, float], bool]:
        return lambda v, d: d <= radius

    def towards(ball: dict[int, float], half: float, cost: float) -> Callable[[int, float], bool]:
        return lambda v, d: d + min(ball.get(v, half), half) <= cost

    distance = shortest_distance(e.indptr, e.indices, e.data, a, b, budget)
    if distance == math.inf:
        return []  # a and b lie in different components
    slack = _SLACK
    while True:
        cost = distance * (1 + slack) + _TIE
        half = cost / 2
        ball_a, _ = search(a, within(half))
        ball_b, _ = search(b, within(half))
        from_b, done_b = search(b, towards(ball_a, half, cost))
        from_a, done_a = search(a, towards(ball_b, half, cost))
        # Nothing pruned: every reachable node has its exact distances, and any cost is covered.
        limit = math.inf if done_a and done_b else cost
        nodes = np.array(sorted(v for v in from_a if v in from_b and from_a[v] + from_b[v] <= limit), dtype=np.int64)
        through = np.array([from_a[v] + from_b[v] for v in nodes.tolist()])
        found = _paths_through(graph, a, b, k, nodes, through, limit)
        if found is not None:
            return found
        slack *= 2


def _best_paths(graph: EvidenceGraph, a: int, b: int, k: int) -> list[tuple[float, tuple[int, ...]]]:
    if k < 1:
        return []
    try:
        return _pruned_paths(graph, a, b, k)
    except SearchTooLarge:  # a hub-heavy neighbourhood: one Dijkstra in C over the whole graph
        from scipy.sparse.csgraph import dijkstra

        dist = dijkstra(graph.matrix, directed=True, indices=[a, b])
        through = dist[0] + dist[1]
        reachable = np.flatnonzero(np.isfinite(through))
        if not np.isfinite(through[a]):
            return []
        return _paths_through(graph, a, b, k, reachable.astype(np.int64), through[reachable], math.inf)


def explain(corpus: Corpus, source: str, target: str, *, k: int = 5) -> Explanation:
    """Return the evidence that links two records.

    Parameters
    ----------
    corpus : Corpus
    source, target : str
        IRIs of two different nodes (issue, family, experience, principle,
        territory or actor).
    k : int
        How many paths to return (default 5).

    Returns
    -------
    Explanation
        Shared experiences (sorted by IRI), shared principles and actors, and
        the ``k`` cheapest paths, cheapest first.

    Raises
    ------
    NotFoundError
        If a node is not in the corpus.
    ValueError
        If ``source == target``.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("b", "c")},
    ...     experience_territory={"e1": "t", "e2": "t"}, experience_years={"e1": (2012, 2013)},
    ...     experience_principles={"e1": ("p",), "e2": ("p",)})
    >>> x = explain(c, "a", "b", k=2)
    >>> x.shared_experiences
    (SharedExperience(iri='e1', territory='t', start_year=2012, end_year=2013),)
    >>> [p.nodes for p in x.paths]
    [('a', 'e1', 'b'), ('a', 'e1', 'p', 'e2', 'b')]
    >>> [(s.subject, s.predicate, s.object) for s in x.paths[0].steps]
    [('e1', 'addresses', 'a'), ('e1', 'addresses', 'b')]
    """
    if source == target:
        raise ValueError("explain needs two different records")
    graph = evidence_graph(corpus)
    kind_a, kind_b = _kind(graph, source), _kind(graph, target)
    rows_a, rows_b = _experience_rows(corpus, source), _experience_rows(corpus, target)
    shared = sorted_intersection(rows_a, rows_b)
    shared_experiences = tuple(
        SharedExperience(
            iri=corpus.experiences[r],
            territory=corpus.experience_territory.get(corpus.experiences[r]) or None,
            start_year=corpus.experience_years.get(corpus.experiences[r], (None, None))[0],
            end_year=corpus.experience_years.get(corpus.experiences[r], (None, None))[1],
        )
        for r in shared.tolist()
    )
    skip = {source, target}
    principles = _shared_records(corpus, "principle", rows_a, rows_b, skip)
    actors = _shared_records(corpus, "actor", rows_a, rows_b, skip)
    a, b = graph.index[source], graph.index[target]
    paths = tuple(
        EvidencePath(
            nodes=tuple(graph.nodes[n] for n in nodes),
            steps=tuple(_step(corpus, graph, u, v) for u, v in pairwise(nodes)),
            cost=cost,
        )
        for cost, nodes in _best_paths(graph, a, b, k)
    )
    return Explanation(source, kind_a, target, kind_b, shared_experiences, principles, actors, paths)


def describe_step(corpus: Corpus, step: Step, lang: str = "en") -> str:
    """Return a step as a sentence with labels in ``lang``.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"x/e1": ("x/a",)}, labels={"x/a": {"en": "Biodiversity", "fr": "Biodiversité"}})
    >>> s = Step("x/e1", "experience", "addresses", "x/a", "issue")
    >>> describe_step(c, s)
    'experience «e1» addresses issue «Biodiversity»'
    >>> describe_step(c, s, "fr")
    'expérience «e1» traite de enjeu «Biodiversité»'
    """

    def name(kind: str) -> str:
        return KIND_NAMES.get(kind, {}).get(lang, kind)

    words = PREDICATES[step.predicate].get(lang, PREDICATES[step.predicate]["en"])
    return (
        f"{name(step.subject_kind)} «{corpus.label(step.subject, lang)}» {words} "
        f"{name(step.object_kind)} «{corpus.label(step.object, lang)}»"
    )
