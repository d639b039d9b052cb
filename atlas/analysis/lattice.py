"""The issue thesaurus as a lattice: depth, ancestors, roll-up, distance, remoteness.

The thesaurus is polyhierarchical: an issue may have several parents
(``skos:broader``), issues or families. Families and parentless issues are the
*tops* of the lattice.

Definitions used throughout :mod:`atlas.analysis`:

- **depth** of a node: the length of the shortest ``broader`` path from it up to
  a top (tops have depth 0; an issue directly under a family has depth 1).
- **families** of a node: the tops among its ancestors-or-self. Through the
  polyhierarchy an issue may belong to several families.
- **roll-up** to level ``k >= 1``: a node of depth ``>= k`` becomes *all* its
  ancestors-or-self of depth exactly ``k`` (one always exists: the parent on a
  shortest path up has depth one less); a node shallower than ``k`` stays
  itself. Level ``"family"`` (or 0) rolls every node up to its families.
- **thesaurus distance**: the number of ``broader`` edges on the shortest
  undirected path between two nodes, families included as nodes (two issues
  directly under the same family are at distance 2); ``inf`` if no path.
- **remoteness** in ``[0, 1]``: 1 for two nodes that share no family; for two
  nodes of a common family, ``d / (d_max + 1)`` where ``d`` is their
  thesaurus distance and ``d_max`` the greatest distance between two nodes of a
  common family in this thesaurus. So remoteness is 0 for a node with itself,
  strictly below 1 inside a family and exactly 1 across families.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

import numpy as np

from atlas.analysis.memo import memoised
from atlas.errors import NotFoundError
from atlas.model import Corpus


@dataclass(frozen=True, eq=False)
class Lattice:
    """The thesaurus of a corpus, precomputed for fast look-ups.

    Attributes
    ----------
    nodes : tuple of str
        Issues, families and every ``broader`` target, sorted.
    index : dict of str to int
        Position of each node in ``nodes``.
    tops : tuple of str
        Families and parentless nodes, sorted.
    depth : numpy.ndarray
        Depth of each node (int).
    ancestors : tuple of frozenset of int
        Proper ancestors of each node (indices).
    families : tuple of tuple of str
        Families (tops among ancestors-or-self) of each node, sorted.
    distance : numpy.ndarray
        ``len(nodes) × len(nodes)`` thesaurus distances (float, ``inf`` if unreachable).
    remoteness : numpy.ndarray
        ``len(nodes) × len(nodes)`` remoteness in ``[0, 1]``.
    near : numpy.ndarray
        Boolean ``len(nodes) × len(nodes)``: the two nodes share a direct parent,
        or one is an ancestor of the other (used to discount links explained by
        the hierarchy).
    """

    nodes: tuple[str, ...]
    index: dict[str, int]
    tops: tuple[str, ...]
    depth: np.ndarray
    ancestors: tuple[frozenset[int], ...]
    families: tuple[tuple[str, ...], ...]
    distance: np.ndarray
    remoteness: np.ndarray
    near: np.ndarray


def parse_level(level: int | str | None) -> int | None:
    """Normalise a roll-up level: ``None`` for descriptors, 0 for families, else a depth.

    Examples
    --------
    >>> parse_level(None), parse_level("issue"), parse_level("family"), parse_level("2"), parse_level(1)
    (None, None, 0, 2, 1)
    >>> parse_level("kingdom")
    Traceback (most recent call last):
    ...
    ValueError: level must be 'issue', 'family' or a depth >= 0, not 'kingdom'
    """
    if level is None or level == "issue":
        return None
    if level == "family":
        return 0
    try:
        depth = int(level)
    except (TypeError, ValueError):
        depth = -1
    if depth < 0 or isinstance(level, (bool, float)):
        raise ValueError(f"level must be 'issue', 'family' or a depth >= 0, not {level!r}")
    return depth


def lattice_of(corpus: Corpus) -> Lattice:
    """Return the :class:`Lattice` of ``corpus`` (computed once per corpus).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b")}, families=("F",), broader={"a": ("F",), "b": ("a",)})
    >>> lat = lattice_of(c)
    >>> lat.nodes, lat.tops, lat.depth.tolist()
    (('F', 'a', 'b'), ('F',), [0, 1, 2])
    """
    return memoised(corpus, "lattice", lambda: _build_lattice(corpus))


def _build_lattice(corpus: Corpus) -> Lattice:
    import scipy.sparse as sp  # only when a lattice is built (a saved one needs no SciPy)
    from scipy.sparse.csgraph import shortest_path

    names = set(corpus.issues) | set(corpus.families)
    for child, parents in corpus.broader.items():
        names.add(child)
        names.update(parents)
    nodes = tuple(sorted(names))
    index = {n: i for i, n in enumerate(nodes)}
    size = len(nodes)
    families = set(corpus.families)
    parents: list[list[int]] = [[] for _ in nodes]
    for child, ps in corpus.broader.items():
        if child in families:
            continue  # families are tops even if a source gives them parents
        parents[index[child]] = sorted({index[p] for p in ps if p != child})
    children: list[list[int]] = [[] for _ in nodes]
    for c, ps in enumerate(parents):
        for p in ps:
            children[p].append(c)

    depth = np.full(size, -1, dtype=np.int64)
    tops = [i for i in range(size) if not parents[i] or nodes[i] in families]
    queue = deque(tops)
    for t in tops:
        depth[t] = 0
    while True:
        while queue:
            n = queue.popleft()
            for c in children[n]:
                if depth[c] < 0:
                    depth[c] = depth[n] + 1
                    queue.append(c)
        # A cycle of broader that never reaches a top: its first node becomes a top.
        left = np.flatnonzero(depth < 0)
        if not left.size:
            break
        tops.append(int(left[0]))
        depth[left[0]] = 0
        queue.append(int(left[0]))
    top_set = set(tops)

    def up(n: int) -> frozenset[int]:
        seen: set[int] = set()
        todo = list(parents[n])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(parents[m])
        seen.discard(n)
        return frozenset(seen)

    anc = tuple(up(n) for n in range(size))
    fams = tuple(
        tuple(sorted(nodes[a] for a in ({n} | anc[n]) if a in top_set)) for n in range(size)
    )

    rows = [c for c in range(size) for _ in parents[c]]
    cols = [p for c in range(size) for p in parents[c]]
    up_edges = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    distance = shortest_path(up_edges, method="D", directed=False, unweighted=True) if size else np.zeros((0, 0))

    top_pos = {t: j for j, t in enumerate(sorted(top_set))}
    member = np.zeros((size, len(top_pos)), dtype=np.float64)
    for n in range(size):
        for f in fams[n]:
            member[n, top_pos[index[f]]] = 1.0
    share = (member @ member.T) > 0
    inside = share & np.isfinite(distance)
    d_max = float(distance[inside].max()) if inside.any() else 0.0
    remote = np.where(inside, distance / (d_max + 1.0), 1.0)
    np.fill_diagonal(remote, 0.0)

    anc_rows = [n for n in range(size) for _ in anc[n]]
    anc_cols = [a for n in range(size) for a in anc[n]]
    ancestor_matrix = sp.csr_matrix((np.ones(len(anc_rows)), (anc_rows, anc_cols)), shape=(size, size))
    near_sparse = (up_edges @ up_edges.T) + ancestor_matrix + ancestor_matrix.T
    near = near_sparse.toarray() > 0
    np.fill_diagonal(near, False)

    return Lattice(
        nodes=nodes,
        index=index,
        tops=tuple(sorted(nodes[t] for t in top_set)),
        depth=depth,
        ancestors=anc,
        families=fams,
        distance=distance,
        remoteness=remote,
        near=near,
    )


def node_positions(lat: Lattice, items) -> np.ndarray:
    """Return the row of each of ``items`` (issue or family IRIs) in the lattice's matrices.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e": ("a", "b")}, families=("f",), broader={"a": ("f",), "b": ("f",)})
    >>> lat = lattice_of(c)
    >>> [lat.nodes[i] for i in node_positions(lat, ["b", "a"])]
    ['b', 'a']
    """
    return np.array([lat.index[i] for i in items], dtype=np.int64)


def _position(lat: Lattice, iri: str) -> int:
    try:
        return lat.index[iri]
    except KeyError:
        raise NotFoundError(f"{iri!r} is not an issue or family of the thesaurus") from None


def roll_up(corpus: Corpus, level: int | str | None) -> dict[str, tuple[str, ...]]:
    """Map every node of the thesaurus to the nodes it rolls up to at ``level``.

    Parameters
    ----------
    corpus : Corpus
    level : int or str or None
        ``None``/``"issue"``: every node maps to itself; ``"family"``/``0``: to its
        families; ``k >= 1``: to its ancestors-or-self of depth ``k`` (itself if
        shallower).

    Returns
    -------
    dict of str to tuple of str
        Sorted targets for every node.

    Examples
    --------
    Polyhierarchy: ``x`` sits under ``a`` (family ``F``) and ``b`` (family ``G``),
    so it rolls up to both.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("x",)}, families=("F", "G"),
    ...                         broader={"a": ("F",), "b": ("G",), "x": ("a", "b")})
    >>> roll_up(c, 1)["x"], roll_up(c, "family")["x"], roll_up(c, 2)["a"]
    (('a', 'b'), ('F', 'G'), ('a',))
    """
    depth_wanted = parse_level(level)
    lat = lattice_of(corpus)
    if depth_wanted is None:
        return {n: (n,) for n in lat.nodes}
    if depth_wanted == 0:
        return {n: lat.families[i] for i, n in enumerate(lat.nodes)}
    out = {}
    for i, n in enumerate(lat.nodes):
        if lat.depth[i] < depth_wanted:
            out[n] = (n,)
        else:
            out[n] = tuple(sorted(lat.nodes[a] for a in ({i} | lat.ancestors[i]) if lat.depth[a] == depth_wanted))
    return out


def ancestors(corpus: Corpus, iri: str) -> tuple[str, ...]:
    """Return the proper ancestors of an issue through ``broader``, sorted.

    Raises
    ------
    NotFoundError
        If ``iri`` is not in the thesaurus.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("b",)}, families=("F",), broader={"a": ("F",), "b": ("a",)})
    >>> ancestors(c, "b")
    ('F', 'a')
    """
    lat = lattice_of(corpus)
    return tuple(sorted(lat.nodes[a] for a in lat.ancestors[_position(lat, iri)]))


def families_of(corpus: Corpus, iri: str) -> tuple[str, ...]:
    """Return the families an issue belongs to (several through the polyhierarchy).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("x",)}, families=("F", "G"), broader={"x": ("F", "G")})
    >>> families_of(c, "x")
    ('F', 'G')
    """
    lat = lattice_of(corpus)
    return lat.families[_position(lat, iri)]


def thesaurus_distance(corpus: Corpus, a: str, b: str) -> float:
    """Return the length of the shortest undirected ``broader`` path between two issues.

    Families count as nodes, so two issues directly under one family are at
    distance 2. Returns ``math.inf`` when no path joins them.

    Raises
    ------
    NotFoundError
        If ``a`` or ``b`` is not in the thesaurus.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b", "c")}, families=("F", "G"),
    ...                         broader={"a": ("F",), "b": ("F",), "c": ("G",)})
    >>> thesaurus_distance(c, "a", "b"), thesaurus_distance(c, "a", "c")
    (2.0, inf)
    """
    lat = lattice_of(corpus)
    d = float(lat.distance[_position(lat, a), _position(lat, b)])
    return d if math.isfinite(d) else math.inf


def remoteness(corpus: Corpus, a: str, b: str) -> float:
    """Return how far apart two issues sit in the thesaurus, in ``[0, 1]``.

    1 when they share no family; otherwise ``d / (d_max + 1)`` (see the module
    docstring).

    Examples
    --------
    ``a`` and ``b`` are siblings under ``F`` (distance 2); the greatest distance
    inside a family is 2 (``a``–``b``), so their remoteness is 2 / 3. ``c`` is in
    another family.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b", "c")}, families=("F", "G"),
    ...                         broader={"a": ("F",), "b": ("F",), "c": ("G",)})
    >>> round(remoteness(c, "a", "b"), 4), remoteness(c, "a", "c"), remoteness(c, "a", "a")
    (0.6667, 1.0, 0.0)
    """
    lat = lattice_of(corpus)
    return float(lat.remoteness[_position(lat, a), _position(lat, b)])
