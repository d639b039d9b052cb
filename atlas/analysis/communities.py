"""Learning communities: suggested thematic ones, and the existing ones.

:func:`suggest_communities` proposes thematic communities — groups of
territories that share an issue cluster:

1. issues are clustered on their co-occurrence graph (two issues are linked
   by the number of experiences addressing both) with the Leiden algorithm
   (modularity, igraph) and a fixed seed; clusters are numbered by size
   (largest first), then by their first issue IRI;
2. each territory is assigned its *dominant* cluster: the one holding most of
   its experiences' issue tags (the lowest-numbered on a tie); its *share* is
   the fraction of its tags in that cluster;
3. a cluster with at least ``min_members`` territories becomes a suggestion;
   its themes are its issues, most addressed first. The existing community
   whose territory members overlap most (Jaccard) is named beside it.

:func:`list_communities` describes the existing communities, work areas and
journeys of the corpus.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph
import numpy as np
import scipy.sparse as sp

from atlas.analysis.cases import case_index
from atlas.analysis.centrality import seeded_igraph
from atlas.analysis.contexts import context_table, sorted_unique
from atlas.analysis.peers import territory_matrices
from atlas.model import Corpus


def cluster_issues(corpus: Corpus, *, seed: int = 0, resolution: float = 1.0) -> tuple[tuple[str, ...], ...]:
    """Cluster the issues of ``corpus`` by co-occurrence (Leiden, modularity, fixed ``seed``).

    Returns the clusters as sorted tuples of issue IRIs, largest cluster first
    (then by first IRI). Issues that co-occur with none form clusters of one.

    Parameters
    ----------
    corpus : Corpus
    seed : int
        Seed of the Leiden algorithm.
    resolution : float
        Modularity resolution.

    Returns
    -------
    tuple of tuple of str

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("c", "d"), "e4": ("c", "d", "e")})
    >>> cluster_issues(c)
    (('c', 'd', 'e'), ('a', 'b'))
    """
    n = len(corpus.issues)
    if n == 0:
        return ()
    x = sp.csc_matrix(corpus.incidence, dtype=float, copy=True)
    x.data[:] = 1.0
    co = sp.triu(x.T @ x, k=1).tocoo()
    graph = igraph.Graph(n=n, edges=list(zip(co.row.tolist(), co.col.tolist(), strict=True)), directed=False)
    with seeded_igraph(seed):
        membership = graph.community_leiden(
            objective_function="modularity", weights=co.data.tolist(), resolution=resolution, n_iterations=-1
        ).membership
    groups: dict[int, list[str]] = {}
    for j, label in enumerate(membership):
        groups.setdefault(label, []).append(corpus.issues[j])
    return tuple(sorted((tuple(sorted(g)) for g in groups.values()), key=lambda g: (-len(g), g[0])))


@dataclass(frozen=True)
class SuggestedCommunity:
    """A suggested thematic community: territories sharing an issue cluster.

    Attributes
    ----------
    number : int
        The cluster's number (from 1, largest cluster first).
    themes : tuple of str
        The cluster's issues, most addressed first.
    members : tuple of (str, float)
        Territories whose dominant cluster it is, with their share, highest share first.
    experiences : int
        Number of the members' experiences addressing one of the themes.
    closest_existing : str or None
        The existing community sharing most territory members (Jaccard), if any.
    overlap : float
        That Jaccard index.
    """

    number: int
    themes: tuple[str, ...]
    members: tuple[tuple[str, float], ...]
    experiences: int
    closest_existing: str | None
    overlap: float


def suggest_communities(
    corpus: Corpus, *, seed: int = 0, resolution: float = 1.0, min_members: int = 2, min_issues: int = 2
) -> list[SuggestedCommunity]:
    """Suggest thematic learning communities (see the module docstring).

    Parameters
    ----------
    corpus : Corpus
    seed : int
        Seed of the Leiden algorithm.
    resolution : float
        Modularity resolution: higher gives more, smaller clusters.
    min_members, min_issues : int
        Least number of territories and of issues of a suggestion.

    Returns
    -------
    list of SuggestedCommunity
        By cluster number.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("c", "d"), "e4": ("c", "d")},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3", "e4": "t4"})
    >>> [(s.themes, s.members) for s in suggest_communities(c)]
    [(('a', 'b'), (('t1', 1.0), ('t2', 1.0))), (('c', 'd'), (('t3', 1.0), ('t4', 1.0)))]
    """
    clusters = cluster_issues(corpus, seed=seed, resolution=resolution)
    if not clusters:
        return []
    table = context_table(corpus)
    column = {iri: j for j, iri in enumerate(corpus.issues)}
    label = np.empty(len(corpus.issues), dtype=np.int64)
    for k, cluster in enumerate(clusters):
        label[[column[i] for i in cluster]] = k
    to_cluster = sp.csr_matrix(
        (np.ones(len(label)), (np.arange(len(label)), label)), shape=(len(label), len(clusters))
    )
    issues, _ = territory_matrices(corpus)
    weights = np.asarray((issues @ to_cluster).todense())
    totals = weights.sum(axis=1)
    dominant = weights.argmax(axis=1)
    share = np.divide(weights.max(axis=1), totals, out=np.zeros(len(totals)), where=totals > 0)
    frequency = np.asarray(sp.csc_matrix(corpus.incidence).getnnz(axis=0)).ravel()
    x = sp.csr_matrix(corpus.incidence)
    existing = {
        iri: {m for m in c.members if m in table.territories}
        for iri, c in sorted(corpus.communities.items())
        if c.kind == "community"
    }
    out = []
    for k, cluster in enumerate(clusters):
        members = np.flatnonzero((dominant == k) & (totals > 0))
        if len(cluster) < min_issues or len(members) < min_members:
            continue
        ranked = sorted(members.tolist(), key=lambda i: (-share[i], table.territories[i]))
        names = {table.territories[i] for i in ranked}
        rows = np.flatnonzero(np.isin(table.territory_of, members))
        cols = np.array([column[i] for i in cluster], dtype=np.int64)
        on_theme = int((x[rows][:, cols].getnnz(axis=1) > 0).sum()) if len(rows) else 0
        best, overlap = None, 0.0
        for iri, territories in existing.items():
            union = len(names | territories)
            score = len(names & territories) / union if union else 0.0
            if score > overlap:
                best, overlap = iri, score
        out.append(
            SuggestedCommunity(
                number=k + 1,
                themes=tuple(sorted(cluster, key=lambda i: (-frequency[column[i]], i))),
                members=tuple((table.territories[i], round(float(share[i]), 12)) for i in ranked),
                experiences=on_theme,
                closest_existing=best,
                overlap=round(overlap, 12),
            )
        )
    return out


@dataclass(frozen=True)
class CommunitySummary:
    """An existing community, work area or journey, with its material in the atlas.

    Attributes
    ----------
    iri, kind : str
    type : str or None
    territories, actors : tuple of str
        Its members, split by kind.
    themes : tuple of str
        Its issues and principles.
    visits : tuple of str
        Experiences visited (journeys).
    part_of : str or None
    experiences : tuple of str
        Experiences of its member territories that address one of its issue
        themes (or a narrower issue) or illustrate one of its principle themes.
    """

    iri: str
    kind: str
    type: str | None
    territories: tuple[str, ...]
    actors: tuple[str, ...]
    themes: tuple[str, ...]
    visits: tuple[str, ...]
    part_of: str | None
    experiences: tuple[str, ...]


def list_communities(
    corpus: Corpus, kinds: tuple[str, ...] = ("community", "workarea", "journey")
) -> list[CommunitySummary]:
    """Describe the existing communities, work areas and journeys of ``corpus``, by kind then IRI.

    Parameters
    ----------
    corpus : Corpus
    kinds : tuple of str
        Which records to list, in this order: ``community``, ``workarea``, ``journey``.

    Returns
    -------
    list of CommunitySummary

    Examples
    --------
    >>> from atlas.model import corpus_from_records, CommunityInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("b",)}, experience_territory={"e1": "t1", "e2": "t1"},
    ...     kinds={"t1": "territory", "x": "actor"},
    ...     communities={"c": CommunityInfo("c", "community", "thematic",
    ...                                     members=("t1", "x"), themes=("a",))})
    >>> s = list_communities(c)[0]
    >>> s.territories, s.actors, s.experiences
    (('t1',), ('x',), ('e1',))
    """
    index = case_index(corpus)
    table = context_table(corpus)
    position = {t: i for i, t in enumerate(table.territories)}
    order = {k: i for i, k in enumerate(kinds)}
    out = []
    for info in sorted(corpus.communities.values(), key=lambda c: (order.get(c.kind, len(order)), c.iri)):
        if info.kind not in order:
            continue
        territories = tuple(sorted(m for m in info.members if corpus.kinds.get(m) == "territory"))
        actors = tuple(sorted(m for m in info.members if corpus.kinds.get(m) != "territory"))
        # A theme is an issue, a family or a principle: each lookup ignores what it does not know.
        found = [index.issue_rows(info.themes), index.principle_rows(info.themes)]
        rows = sorted_unique(np.concatenate(found))
        member_index = [position[t] for t in territories if t in position]
        rows = rows[np.isin(table.territory_of[rows], member_index)]
        experiences = tuple(table.experiences[r] for r in rows.tolist())
        out.append(
            CommunitySummary(
                iri=info.iri,
                kind=info.kind,
                type=info.type,
                territories=territories,
                actors=actors,
                themes=tuple(sorted(info.themes)),
                visits=tuple(sorted(info.visits)),
                part_of=info.part_of,
                experiences=experiences,
            )
        )
    return out
