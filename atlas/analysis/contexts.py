"""Contexts of experiences and how diverse a set of them is.

The context of an experience is that of its territory — type (rural,
peri-urban, urban), population class, region (or the country when no region is
given) — plus its period (the decade it started in). Capitalisation asks
whether something recurs across *diverse* contexts; this module measures it
for one set of experiences (:func:`describe_rows`), and
:mod:`atlas.analysis.recurrence` the same way for thousands of sets at once.

Diversity along one dimension is the Shannon entropy of the cases' values,
normalised by ``log(min(n, K))`` where ``n`` is the number of cases whose
value is known and ``K`` the number of values that dimension takes in the
whole corpus: 1.0 means the cases are spread as evenly as their number and
the corpus allow, 0.0 that they all share one value. The combined diversity
is the mean over the dimensions that vary in the corpus.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from atlas.analysis.memo import memoised
from atlas.analysis.sortedsets import sorted_unique
from atlas.model import Corpus, TerritoryInfo

DIMENSIONS = ("type", "population", "region", "period")
"""Context dimensions of an experience, in column order of :attr:`ContextTable.codes`."""

TERRITORY_DIMENSIONS = DIMENSIONS[:3]
"""The dimensions a territory has by itself (the period belongs to experiences)."""

POPULATION_BOUNDS = (2_000, 10_000, 50_000, 200_000)
POPULATION_CLASSES = ("<2k", "2k-10k", "10k-50k", "50k-200k", ">200k")


def population_class(population: int | None) -> str | None:
    """Return the population class of a territory (``None`` when unknown).

    Classes: ``<2k``, ``2k-10k``, ``10k-50k``, ``50k-200k``, ``>200k``; a bound
    belongs to the class above it.

    Examples
    --------
    >>> population_class(1240), population_class(2000), population_class(250_000)
    ('<2k', '2k-10k', '>200k')
    >>> population_class(None) is None
    True
    """
    if population is None:
        return None
    for bound, name in zip(POPULATION_BOUNDS, POPULATION_CLASSES, strict=False):
        if population < bound:
            return name
    return POPULATION_CLASSES[-1]


def decade(year: int | None) -> str | None:
    """Return the decade of ``year`` as ``"2010s"`` (``None`` when unknown).

    Examples
    --------
    >>> decade(2013), decade(None)
    ('2010s', None)
    """
    return None if year is None else f"{year // 10 * 10}s"


def territory_context(info: TerritoryInfo | None) -> tuple[str | None, str | None, str | None]:
    """Return ``(type, population class, region)`` of a territory; region falls back to country.

    Examples
    --------
    >>> territory_context(TerritoryInfo("t", type="rural", population=6500, country="FR"))
    ('rural', '2k-10k', 'FR')
    >>> territory_context(None)
    (None, None, None)
    """
    if info is None:
        return (None, None, None)
    return (info.type, population_class(info.population), info.region or info.country)


def normalised_entropy(counts: Sequence[int] | np.ndarray, classes: int) -> float:
    """Return the Shannon entropy of ``counts`` divided by ``log(min(n, classes))``.

    ``n`` is the sum of ``counts``; with fewer than two possible values the
    result is 0.0.

    Parameters
    ----------
    counts : sequence of int
        Number of cases per value.
    classes : int
        Number of values the dimension takes in the corpus.

    Returns
    -------
    float
        In [0, 1], rounded to 12 digits.

    Examples
    --------
    >>> round(normalised_entropy([2, 2], 3), 4)      # H = ln 2, n = 4, min(4, 3) = 3: ln 2 / ln 3
    0.6309
    >>> normalised_entropy([1, 1], 3)      # two cases, two values: as spread as possible
    1.0
    >>> normalised_entropy([5], 3)
    0.0
    """
    arr = np.asarray(counts, dtype=float)
    arr = arr[arr > 0]
    n = arr.sum()
    k = min(n, classes)
    if k < 2:
        return 0.0
    p = arr / n
    # Rounded so that this and the vectorised measure agree to the last digit shown.
    return round(float(min(1.0, max(0.0, -(p * np.log(p)).sum() / math.log(k)))), 12)


@dataclass(frozen=True, eq=False)
class ContextTable:
    """Integer codes of every experience's context, built once per corpus by :func:`build_context_table`.

    Attributes
    ----------
    experiences : tuple of str
        The corpus's experiences (row order).
    territories : tuple of str
        Every territory, sorted: those described and those experiences name.
    territory_of : numpy.ndarray
        Index into ``territories`` of each experience's territory, -1 if none.
    codes : numpy.ndarray
        ``n_experiences × 4`` codes into ``values`` per :data:`DIMENSIONS`, -1 if unknown.
    territory_codes : numpy.ndarray
        ``n_territories × 3`` codes of each territory's type, population class, region.
    values : tuple of tuple of str
        Sorted distinct values of each dimension in the corpus.
    classes : numpy.ndarray
        Context class (the 4-tuple of codes) of each experience, as an index into ``class_values``.
    class_values : tuple of tuple
        Each context class as ``(type, population, region, period)``, ``None`` for unknown.
    """

    experiences: tuple[str, ...]
    territories: tuple[str, ...]
    territory_of: np.ndarray
    codes: np.ndarray
    territory_codes: np.ndarray
    values: tuple[tuple[str, ...], ...]
    classes: np.ndarray
    class_values: tuple[tuple[str | None, ...], ...]

    @property
    def informative(self) -> tuple[int, ...]:
        """Indices of the dimensions that take at least two values in the corpus."""
        return tuple(d for d, vals in enumerate(self.values) if len(vals) >= 2)

    def context(self, row: int) -> tuple[str | None, ...]:
        """Return the ``(type, population, region, period)`` of experience ``row``."""
        return tuple(None if c < 0 else self.values[d][c] for d, c in enumerate(self.codes[row]))


def context_table(corpus: Corpus) -> ContextTable:
    """Return the :class:`ContextTable` of ``corpus``, built once per corpus object (read-only).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)})
    >>> context_table(c) is context_table(c)
    True
    """
    return memoised(corpus, "context_table", lambda: build_context_table(corpus))


def build_context_table(corpus: Corpus) -> ContextTable:
    """Code the context of every experience of ``corpus``.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    ContextTable

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("a",)},
    ...     experience_territory={"e1": "t1", "e2": "t2"},
    ...     experience_years={"e1": (2012, None)},
    ...     territories={"t1": TerritoryInfo("t1", type="rural", population=500, region="Bretagne"),
    ...                  "t2": TerritoryInfo("t2", type="urban")})
    >>> table = build_context_table(c)
    >>> table.context(0), table.context(1)
    (('rural', '<2k', 'Bretagne', '2010s'), ('urban', None, None, None))
    >>> table.informative          # only the type varies
    (0,)
    """
    territories = tuple(sorted(set(corpus.territories) | set(corpus.experience_territory.values())))
    t_index = {t: i for i, t in enumerate(territories)}
    t_context = [territory_context(corpus.territories.get(t)) for t in territories]
    periods = []
    for e in corpus.experiences:
        start, end = corpus.experience_years.get(e, (None, None))
        periods.append(decade(start if start is not None else end))
    values = (
        *(tuple(sorted({ctx[d] for ctx in t_context if ctx[d] is not None})) for d in range(3)),
        tuple(sorted({p for p in periods if p is not None})),
    )
    lookup = [{v: i for i, v in enumerate(vals)} for vals in values]
    territory_codes = np.array(
        [[lookup[d].get(ctx[d], -1) if ctx[d] is not None else -1 for d in range(3)] for ctx in t_context],
        dtype=np.int64,
    ).reshape(len(territories), 3)
    territory_of = np.fromiter(
        (t_index.get(corpus.experience_territory.get(e, ""), -1) for e in corpus.experiences),
        dtype=np.int64,
        count=len(corpus.experiences),
    )
    n = len(corpus.experiences)
    codes = np.full((n, 4), -1, dtype=np.int64)
    located = territory_of >= 0
    codes[located, :3] = territory_codes[territory_of[located]]
    codes[:, 3] = np.fromiter((lookup[3].get(p, -1) for p in periods), dtype=np.int64, count=n)
    # One integer per 4-tuple (mixed radix, unknown shifted to 0), then renumbered densely.
    radix = np.array([len(v) + 1 for v in values], dtype=np.int64)
    flat = np.zeros(n, dtype=np.int64)
    for d in range(4):
        flat = flat * radix[d] + (codes[:, d] + 1)
    uniq, classes = np.unique(flat, return_inverse=True)  # the sorting path of np.unique: fast
    class_values = []
    for key in uniq.tolist():
        digits = []
        for d in reversed(range(4)):
            key, digit = divmod(key, int(radix[d]))
            digits.append(None if digit == 0 else values[d][digit - 1])
        class_values.append(tuple(reversed(digits)))
    return ContextTable(
        experiences=corpus.experiences,
        territories=territories,
        territory_of=territory_of,
        codes=codes,
        territory_codes=territory_codes,
        values=values,
        classes=classes.astype(np.int64).reshape(n),
        class_values=tuple(class_values),
    )


def experience_contexts(corpus: Corpus, experiences: Sequence[str]) -> list[tuple[str | None, ...]]:
    """Return the ``(type, population, region, period)`` of each of ``experiences`` (all ``None`` if unknown).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)}, experience_territory={"e1": "t"},
    ...                         territories={"t": TerritoryInfo("t", type="urban")})
    >>> experience_contexts(c, ["e1", "e9"])
    [('urban', None, None, None), (None, None, None, None)]
    """
    table = context_table(corpus)
    out = []
    for e in experiences:
        row = bisect.bisect_left(table.experiences, e)
        found = row < len(table.experiences) and table.experiences[row] == e
        out.append(table.context(row) if found else (None,) * len(DIMENSIONS))
    return out


@dataclass(frozen=True)
class RowsDescription:
    """Recurrence and diversity of one set of experiences (see :func:`describe_rows`)."""

    cases: int
    territories: tuple[str, ...]
    entropy: dict[str, float]
    diversity: float
    distribution: dict[str, tuple[tuple[str, int], ...]]
    context_classes: tuple[tuple[tuple[str | None, ...], int], ...]


def describe_rows(table: ContextTable, rows: Sequence[int] | np.ndarray) -> RowsDescription:
    """Describe the experiences at ``rows``: territories, per-dimension entropy, classes.

    ``distribution`` gives, per dimension, the known values with their counts
    (most frequent first); ``context_classes`` the distinct context classes with
    their counts.

    Parameters
    ----------
    table : ContextTable
    rows : sequence of int
        Experience rows (repeats are ignored).

    Returns
    -------
    RowsDescription

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a",), "e2": ("a",), "e3": ("a",)},
    ...     experience_territory={"e1": "t1", "e2": "t1", "e3": "t2"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban")})
    >>> d = describe_rows(build_context_table(c), [0, 1, 2])
    >>> d.territories, d.distribution["type"]
    (('t1', 't2'), (('rural', 2), ('urban', 1)))
    >>> round(d.diversity, 4)     # H(2/3, 1/3) / ln 2 on the one dimension that varies
    0.9183
    """
    rows = sorted_unique(rows)
    terr = table.territory_of[rows]
    territories = tuple(table.territories[i] for i in sorted_unique(terr[terr >= 0]).tolist())
    entropy, distribution = {}, {}
    for d, name in enumerate(DIMENSIONS):
        col = table.codes[rows, d]
        counts = np.bincount(col[col >= 0], minlength=len(table.values[d]))
        entropy[name] = normalised_entropy(counts, len(table.values[d]))
        order = sorted((-int(k), table.values[d][v]) for v, k in enumerate(counts.tolist()) if k)
        distribution[name] = tuple((v, -k) for k, v in order)
    informative = table.informative
    diversity = (
        round(float(np.mean([entropy[DIMENSIONS[d]] for d in informative])), 12) if informative else 0.0
    )
    class_counts = np.bincount(table.classes[rows], minlength=len(table.class_values))
    # Class indices follow the order of their values (unknown first), as np.unique sorted the codes.
    present = np.flatnonzero(class_counts)
    classes = present[np.lexsort((present, -class_counts[present]))]
    return RowsDescription(
        cases=len(rows),
        territories=territories,
        entropy=entropy,
        diversity=diversity,
        distribution=distribution,
        context_classes=tuple((table.class_values[i], int(class_counts[i])) for i in classes.tolist()),
    )


def context_similarity(table: ContextTable, home: int, others: np.ndarray | None = None) -> np.ndarray:
    """Share of the territory dimensions (type, population class, region) on which territories match ``home``.

    ``home`` and ``others`` index ``table.territories`` (all territories when
    ``others`` is None). An unknown value never matches.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({}, territories={
    ...     "a": TerritoryInfo("a", type="rural", region="Bretagne"),
    ...     "b": TerritoryInfo("b", type="rural", region="Grand Est"),
    ...     "c": TerritoryInfo("c", type="rural", region="Bretagne")})
    >>> context_similarity(build_context_table(c), 0).tolist()   # a: 2 of 2 known + unknown population
    [0.6666666666666666, 0.3333333333333333, 0.6666666666666666]
    """
    codes = table.territory_codes if others is None else table.territory_codes[others]
    mine = table.territory_codes[home]
    same = (codes == mine) & (mine >= 0)
    return same.sum(axis=1) / len(TERRITORY_DIMENSIONS)


def shared_context(table: ContextTable, home: int, other: int) -> tuple[str, ...]:
    """Describe the territory dimensions ``other`` shares with ``home``, as ``"type=rural"`` strings.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({}, territories={
    ...     "a": TerritoryInfo("a", type="rural", population=900), "b": TerritoryInfo("b", type="rural")})
    >>> shared_context(build_context_table(c), 0, 1)
    ('type=rural',)
    """
    out = []
    for d, name in enumerate(TERRITORY_DIMENSIONS):
        code = table.territory_codes[home, d]
        if code >= 0 and table.territory_codes[other, d] == code:
            out.append(f"{name}={table.values[d][code]}")
    return tuple(out)


def haversine_km(lat1: float, lon1: float, lat2: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """Great-circle distance in km (Earth radius 6371 km); vectorised over the second point.

    Examples
    --------
    >>> round(float(haversine_km(48.8566, 2.3522, 45.7640, 4.8357)))   # Paris - Lyon
    391
    """
    p1, p2 = np.radians(lat1), np.radians(np.asarray(lat2, dtype=float))
    dphi = p2 - p1
    dlmb = np.radians(np.asarray(lon2, dtype=float) - lon1)
    a = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
