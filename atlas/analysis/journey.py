"""Learning journeys: experiences elsewhere to visit, and the people to talk with there.

For a home territory and a set of issues, :func:`plan_journey` picks a short
list of experiences by greedy weighted set cover:

- a candidate is an experience outside the home territory (and outside the
  territories containing it or contained in it) that addresses one of the
  issues or a narrower one;
- at each step the candidate with the largest *gain* is taken, where

      gain = (number of the issues it covers that no chosen visit covers yet) × (1 + context)

  and *context* is the share of type, population class and region its
  territory shares with home (so a comparable context counts up to double);
- ties go to the candidate covering more of the issues, then the more
  comparable, then the nearer, then the one illustrating more principles,
  then the IRI;
- once every issue is covered, a new round starts, so that a longer list
  offers a second visit per issue.

With ``max_km``, candidates farther than that from home (haversine distance
between coordinates) or whose territory has no coordinates are left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from atlas.analysis.cases import case_index
from atlas.analysis.contexts import (
    context_similarity,
    context_table,
    haversine_km,
    shared_context,
)
from atlas.analysis.names import resolve_name
from atlas.analysis.peers import nested_territories, territory_matrices
from atlas.analysis.sortedsets import sorted_unique
from atlas.errors import DataError
from atlas.model import Corpus


@dataclass(frozen=True)
class Visit:
    """One experience of a learning journey, with why it was chosen and who carried it.

    Attributes
    ----------
    rank : int
        From 1.
    experience, territory : str
    round : int
        1 while the issues are first being covered, 2 for the second pass, …
    covers : tuple of str
        The requested issues it covered when chosen (not yet covered in its round).
    addresses : tuple of str
        All the requested issues it addresses (itself or through a narrower issue).
    gain : float
    context_similarity : float
    shared_context : tuple of str
    distance_km : float or None
    actors : tuple of str
        The actors involved in the experience.
    principles : tuple of str
        The principles it illustrates.
    reasons : tuple of str
        The above, in words.
    """

    rank: int
    experience: str
    territory: str | None
    round: int
    covers: tuple[str, ...]
    addresses: tuple[str, ...]
    gain: float
    context_similarity: float
    shared_context: tuple[str, ...]
    distance_km: float | None
    actors: tuple[str, ...]
    principles: tuple[str, ...]
    reasons: tuple[str, ...]


def plan_journey(
    corpus: Corpus,
    territory: str,
    issues: Iterable[str] = (),
    *,
    top: int = 5,
    max_km: float | None = None,
) -> list[Visit]:
    """Return up to ``top`` experiences elsewhere for ``territory`` to visit on ``issues``, in order.

    Parameters
    ----------
    corpus : Corpus
    territory : str
        The home territory (slug, IRI or label).
    issues : iterable of str
        Issues or families to learn about (slugs, IRIs or labels); by default
        the issues the home territory's own experiences address.
    top : int
        How many visits at most.
    max_km : float, optional
        Leave out experiences farther than this from home, or with no coordinates.

    Returns
    -------
    list of Visit
        In the order chosen (``rank`` from 1).

    Raises
    ------
    NotFoundError
        If the territory or an issue is unknown.
    DataError
        If ``max_km`` is given and the home territory has no coordinates.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a",), "e3": ("b",)},
    ...     kinds={"a": "issue", "b": "issue", "home": "territory"},
    ...     experience_territory={"e1": "far", "e2": "near", "e3": "near"},
    ...     territories={"home": TerritoryInfo("home", type="rural"),
    ...                  "near": TerritoryInfo("near", type="rural"),
    ...                  "far": TerritoryInfo("far", type="urban")})
    >>> [(v.experience, v.covers, v.gain) for v in plan_journey(c, "home", ["a", "b"])]
    [('e1', ('a', 'b'), 2.0), ('e2', ('a',), 1.333333333333), ('e3', ('b',), 1.333333333333)]
    """
    table = context_table(corpus)
    home_iri = resolve_name(corpus, territory, kinds=("territory",))
    home = table.territories.index(home_iri) if home_iri in table.territories else -1
    targets = tuple(sorted({resolve_name(corpus, name, kinds=("issue", "family")) for name in issues}))
    if not targets and home >= 0:
        own, _ = territory_matrices(corpus)
        targets = tuple(corpus.issues[j] for j in sorted(own[home].indices.tolist()))
    if not targets:
        return []
    index = case_index(corpus)
    per_target = [index.issue_rows([t]) for t in targets]
    candidates = sorted_unique(np.concatenate(per_target))
    nested = nested_territories(corpus, home_iri)
    excluded = np.array([i for i, t in enumerate(table.territories) if t in nested], dtype=np.int64)
    candidates = candidates[~np.isin(table.territory_of[candidates], excluded)]
    where = table.territory_of[candidates]
    ctx = np.zeros(len(candidates))
    if home >= 0:
        located = where >= 0
        ctx[located] = context_similarity(table, home, where[located])
    distance = _distances(corpus, table, home_iri, where, max_km)
    if max_km is not None:
        keep = ~np.isnan(distance) & (distance <= max_km)
        candidates, where, ctx, distance = candidates[keep], where[keep], ctx[keep], distance[keep]
    cover = (
        np.stack([np.isin(candidates, rows) for rows in per_target], axis=1)
        if len(candidates)
        else np.zeros((0, len(targets)), dtype=bool)
    )
    n_principles = np.array(
        [len(corpus.experience_principles.get(table.experiences[r], ())) for r in candidates.tolist()],
        dtype=float,
    )
    return _greedy(corpus, table, home, targets, candidates, where, cover, ctx, distance, n_principles, top)


def _distances(corpus, table, home_iri, where, max_km) -> np.ndarray:
    home_info = corpus.territories.get(home_iri)
    has_home = home_info is not None and home_info.lat is not None and home_info.long is not None
    if max_km is not None and not has_home:
        raise DataError(f"territory {home_iri!r} has no coordinates: cannot bound the journey by distance")
    lat = np.full(len(table.territories), np.nan)
    lon = np.full(len(table.territories), np.nan)
    for i, t in enumerate(table.territories):
        info = corpus.territories.get(t)
        if info is not None and info.lat is not None and info.long is not None:
            lat[i], lon[i] = info.lat, info.long
    distance = np.full(len(where), np.nan)
    if has_home:
        located = where >= 0
        distance[located] = haversine_km(
            home_info.lat, home_info.long, lat[where[located]], lon[where[located]]
        )
    return distance


def _greedy(
    corpus, table, home, targets, candidates, where, cover, ctx, distance, n_principles, top
) -> list[Visit]:
    weight = 1.0 + ctx
    addresses = cover.sum(axis=1)
    far = np.where(np.isnan(distance), np.inf, distance)
    # Fixed tie-break order: fewer rows than a lexsort per step, same result.
    order = np.lexsort((np.arange(len(candidates)), -n_principles, far, -ctx, -addresses))
    rank_of = np.empty(len(candidates), dtype=np.int64)
    rank_of[order] = np.arange(len(candidates))
    available = np.ones(len(candidates), dtype=bool)
    uncovered = np.ones(len(targets), dtype=bool)
    visits: list[Visit] = []
    round_no = 1
    while len(visits) < top and available.any():
        if not uncovered.any():
            uncovered[:] = True
            round_no += 1
        gain = np.round(cover[:, uncovered].sum(axis=1) * weight, 12)
        gain[~available] = -1.0
        best = gain.max()
        if best <= 0:
            break
        tied = np.flatnonzero(gain == best)
        k = int(tied[np.argmin(rank_of[tied])])
        available[k] = False
        newly = cover[k] & uncovered
        uncovered &= ~cover[k]
        visits.append(
            _visit(
                corpus,
                table,
                home,
                targets,
                len(visits) + 1,
                round_no,
                candidates[k],
                where[k],
                newly,
                cover[k],
                float(best),
                float(ctx[k]),
                distance[k],
            )
        )
    return visits


def _visit(
    corpus, table, home, targets, rank, round_no, row, where, newly, cover, gain, ctx, distance
) -> Visit:
    experience = table.experiences[int(row)]
    territory = table.territories[int(where)] if where >= 0 else None
    covers = tuple(t for t, on in zip(targets, newly, strict=True) if on)
    addresses = tuple(t for t, on in zip(targets, cover, strict=True) if on)
    shared = shared_context(table, home, int(where)) if home >= 0 and where >= 0 else ()
    km = None if np.isnan(distance) else round(float(distance), 1)
    actors = tuple(sorted(corpus.experience_actors.get(experience, ())))
    principles = tuple(sorted(corpus.experience_principles.get(experience, ())))
    reasons = [
        f"covers {', '.join(corpus.label(t) for t in covers)}"
        + (f" (round {round_no})" if round_no > 1 else "")
    ]
    if len(addresses) > len(covers):
        reasons.append(f"also addresses {', '.join(corpus.label(t) for t in addresses if t not in covers)}")
    reasons.append(f"comparable context: {', '.join(shared)}" if shared else "different context")
    if km is not None:
        reasons.append(f"{km:g} km away")
    if actors:
        reasons.append(f"carried by {', '.join(corpus.label(a) for a in actors)}")
    if principles:
        reasons.append(f"illustrates {', '.join(corpus.label(p) for p in principles)}")
    return Visit(
        rank=rank,
        experience=experience,
        territory=territory,
        round=round_no,
        covers=covers,
        addresses=addresses,
        gain=gain,
        context_similarity=ctx,
        shared_context=shared,
        distance_km=km,
        actors=actors,
        principles=principles,
        reasons=tuple(reasons),
    )
