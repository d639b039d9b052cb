"""The evidence graph: experiences, issues, families, principles, territories and actors.

One undirected weighted graph holds every relation an explanation may walk:

==============================  =============================  ==================
between                         relation (RDF)                 step predicate
==============================  =============================  ==================
experience – issue              ``atlas:addresses``            ``addresses``
experience – principle          ``atlas:illustrates``          ``illustrates``
experience – actor              ``atlas:involves``             ``involves``
experience – territory          ``atlas:territory``            ``located``
issue – issue or family         ``skos:broader``               ``broader``
issue – issue                   ``skos:related``               ``related``
principle – principle           ``skos:broader``               ``broader``
territory – territory           ``schema:containedInPlace``    ``partOf``
==============================  =============================  ==================

Edge ``u–v`` weighs ``ln(1 + deg u) + ln(1 + deg v)``: walking through a hub
(an issue addressed by thousands of experiences, a territory with hundreds)
costs more than walking through a specific record, so the cheapest paths are
the most specific evidence. Every path between the same two ends pays for the
ends once and for each intermediate node twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from atlas.analysis.compressed import Compressed
from atlas.analysis.incidence import actor_incidence, principle_incidence, territory_incidence
from atlas.analysis.memo import memoised
from atlas.model import Corpus

if TYPE_CHECKING:
    import scipy.sparse as sp

#: Kinds of nodes, in the order that settles an IRI claimed by two kinds.
NODE_KINDS: tuple[str, ...] = ("experience", "issue", "family", "principle", "territory", "actor")

#: Step predicates and how they read, by language.
PREDICATES: dict[str, dict[str, str]] = {
    "addresses": {"en": "addresses", "fr": "traite de"},
    "illustrates": {"en": "illustrates", "fr": "illustre"},
    "involves": {"en": "involves", "fr": "implique"},
    "located": {"en": "takes place in", "fr": "se déroule à"},
    "broader": {"en": "is narrower than", "fr": "est plus spécifique que"},
    "related": {"en": "is related to", "fr": "est associé à"},
    "partOf": {"en": "is part of", "fr": "fait partie de"},
}

#: How each kind of node reads, by language.
KIND_NAMES: dict[str, dict[str, str]] = {
    "experience": {"en": "experience", "fr": "expérience"},
    "issue": {"en": "issue", "fr": "enjeu"},
    "family": {"en": "issue family", "fr": "famille d'enjeux"},
    "principle": {"en": "principle", "fr": "principe"},
    "territory": {"en": "territory", "fr": "territoire"},
    "actor": {"en": "actor", "fr": "acteur"},
}


@dataclass(frozen=True, eq=False)
class EvidenceGraph:
    """The evidence graph of a corpus as a symmetric sparse matrix.

    Attributes
    ----------
    nodes : tuple of str
        Node IRIs, by kind then IRI (see :func:`node_kinds`).
    index : dict of str to int
    kinds : tuple of str
        Kind of each node (see :data:`NODE_KINDS`).
    edges : Compressed
        Symmetric, by row; entry ``(u, v)`` is the weight of edge ``u–v``
        (plain arrays: a saved graph loads without SciPy).
    degree : numpy.ndarray
    """

    nodes: tuple[str, ...]
    index: dict[str, int]
    kinds: tuple[str, ...]
    edges: Compressed
    degree: np.ndarray

    @cached_property
    def matrix(self) -> sp.csr_matrix:
        """``edges`` as a SciPy matrix."""
        return self.edges.scipy()

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "matrix"}


def node_kinds(corpus: Corpus) -> dict[str, str]:
    """Return the kind of every node of the evidence graph, from the corpus's structure.

    Nodes come by kind in the order of :data:`NODE_KINDS`, each kind sorted by
    IRI; an IRI claimed by two kinds keeps the first. ``corpus.kinds`` adds
    records that appear nowhere else.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)}, experience_territory={"e1": "t"}, families=("F",),
    ...                         broader={"a": ("F",)})
    >>> node_kinds(c)
    {'e1': 'experience', 'a': 'issue', 'F': 'family', 't': 'territory'}
    """
    extra: dict[str, set[str]] = {k: set() for k in NODE_KINDS}
    for iri, kind in corpus.kinds.items():
        if kind in extra:
            extra[kind].add(iri)
    families = set(corpus.families)
    issues = set(corpus.issues) | extra["issue"]
    for child, parents in corpus.broader.items():
        issues.add(child)
        issues.update(p for p in parents if p not in families)
    principles = set(principle_incidence(corpus)[0]) | extra["principle"]
    for child, parents in corpus.principle_broader.items():
        principles.add(child)
        principles.update(parents)
    territories = set(territory_incidence(corpus)[0]) | extra["territory"] | set(corpus.territories)
    territories.update(info.parent for info in corpus.territories.values() if info.parent)
    actors = set(actor_incidence(corpus)[0]) | extra["actor"] | set(corpus.actor_types)
    blocks = {
        # Experiences are already sorted: the largest block needs no sort.
        "experience": corpus.experiences if not extra["experience"] - set(corpus.experiences)
        else tuple(sorted(set(corpus.experiences) | extra["experience"])),
        "issue": sorted(issues - families),
        "family": sorted(families | extra["family"]),
        "principle": sorted(principles),
        "territory": sorted(territories),
        "actor": sorted(actors),
    }
    kinds: dict[str, str] = {}
    for kind in NODE_KINDS:
        for iri in blocks[kind]:
            kinds.setdefault(iri, kind)
    return kinds


def evidence_graph(corpus: Corpus) -> EvidenceGraph:
    """Return the :class:`EvidenceGraph` of ``corpus`` (built once per corpus).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> g = evidence_graph(corpus_from_records({"e1": ("a", "b")}))
    >>> g.nodes, g.degree.tolist()
    (('e1', 'a', 'b'), [2, 1, 1])
    >>> round(float(g.matrix[0, 1]), 4)  # ln(1 + 2) + ln(1 + 1)
    1.7918
    """
    return memoised(corpus, "evidence_graph", lambda: _build(corpus))


def _build(corpus: Corpus) -> EvidenceGraph:
    import scipy.sparse as sp  # building merges duplicate edges with sparse algebra

    kinds = node_kinds(corpus)
    nodes = tuple(kinds)
    index = {n: i for i, n in enumerate(nodes)}
    pos = index.__getitem__
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []

    exp_pos = np.array([index[e] for e in corpus.experiences], dtype=np.int64)
    for items, matrix in (
        (corpus.issues, corpus.incidence),
        principle_incidence(corpus),
        actor_incidence(corpus),
        territory_incidence(corpus),
    ):
        coo = matrix.tocoo()
        live = coo.data != 0
        item_pos = np.array([index[i] for i in items], dtype=np.int64)
        us.append(exp_pos[coo.row[live]])
        vs.append(item_pos[coo.col[live]])

    pairs: list[tuple[int, int]] = []
    for mapping in (corpus.broader, corpus.principle_broader):
        for child, parents in mapping.items():
            pairs.extend((pos(child), pos(p)) for p in parents if p != child)
    pairs.extend((pos(t), pos(info.parent)) for t, info in corpus.territories.items() if info.parent)
    pairs.extend((pos(x), pos(y)) for x, y in corpus.related if x in index and y in index)
    if pairs:
        arr = np.array(pairs, dtype=np.int64)
        us.append(arr[:, 0])
        vs.append(arr[:, 1])

    u, v = np.concatenate(us), np.concatenate(vs)
    size = len(nodes)
    # Sparse construction merges duplicate edges in C++, much faster than np.unique on pairs.
    upper = sp.csr_matrix((np.ones(u.size), (np.minimum(u, v), np.maximum(u, v))), shape=(size, size))
    upper.sum_duplicates()
    upper.setdiag(0)
    upper.eliminate_zeros()
    upper = upper.tocoo()
    edges = np.stack([upper.row.astype(np.int64), upper.col.astype(np.int64)], axis=1)
    degree = np.bincount(edges.ravel(), minlength=size).astype(np.int64)
    cost = np.log1p(degree)
    weight = cost[edges[:, 0]] + cost[edges[:, 1]]
    rows = np.concatenate([edges[:, 0], edges[:, 1]])
    cols = np.concatenate([edges[:, 1], edges[:, 0]])
    edges = Compressed.from_triplets(rows, cols, np.concatenate([weight, weight]), (size, size))
    return EvidenceGraph(nodes=nodes, index=index, kinds=tuple(kinds[n] for n in nodes), edges=edges, degree=degree)
