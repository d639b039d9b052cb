"""Small frozen dataclasses shared by the layers: the analysis corpus and results.

:class:`Corpus` is what ``atlas.graph`` extracts from a store and what every
function of ``atlas.analysis`` takes: plain tuples, mappings and one sparse
incidence matrix, so analysis never touches RDF.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import scipy.sparse as sp



@dataclass(frozen=True)
class TerritoryInfo:
    """Context of a territory, as the analysis needs it."""

    iri: str
    type: str | None = None  # "rural" | "peri-urban" | "urban"
    level: str | None = None  # "municipality" | "intercommunality" | ...
    population: int | None = None
    region: str | None = None
    country: str | None = None
    lat: float | None = None
    long: float | None = None
    parent: str | None = None


@dataclass(frozen=True)
class LessonInfo:
    """A lesson drawn from an experience."""

    iri: str
    experience: str
    scope: str | None  # "structural" | "circumstantial" | None
    principles: tuple[str, ...] = ()
    issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class CommunityInfo:
    """A learning community, work area or learning journey."""

    iri: str
    kind: str  # "community" | "workarea" | "journey"
    type: str | None = None  # "territorial" | "thematic" | "methodological"
    members: tuple[str, ...] = ()  # territories or actors
    themes: tuple[str, ...] = ()  # issues or principles
    visits: tuple[str, ...] = ()  # experiences (journeys)
    part_of: str | None = None  # parent community (work areas)


class LabelTable(Mapping[str, Mapping[str, str]]):
    """``{iri: {lang: label}}`` kept as columns: a tuple of IRIs and a tuple of labels per language.

    Reads like the nested dict it is built from, but a hundred thousand labels
    unpickle several times faster than as many small dicts.

    Examples
    --------
    >>> t = LabelTable({"a": {"en": "A", "fr": "À"}, "b": {"fr": "B"}})
    >>> t["b"], t.get("a"), len(t), t == {"a": {"en": "A", "fr": "À"}, "b": {"fr": "B"}}
    ({'fr': 'B'}, {'en': 'A', 'fr': 'À'}, 2, True)
    """

    def __init__(self, labels: Mapping[str, Mapping[str, str]]) -> None:
        self._iris = tuple(labels)
        langs = sorted({lang for by_lang in labels.values() for lang in by_lang})
        self._columns = {lang: tuple(labels[i].get(lang) for i in self._iris) for lang in langs}
        self._position: dict[str, int] | None = None

    def _positions(self) -> dict[str, int]:
        if self._position is None:
            self._position = {iri: n for n, iri in enumerate(self._iris)}
        return self._position

    def __getitem__(self, iri: str) -> dict[str, str]:
        n = self._positions()[iri]
        return {lang: column[n] for lang, column in self._columns.items() if column[n] is not None}

    def __iter__(self) -> Iterator[str]:
        return iter(self._iris)

    def __len__(self) -> int:
        return len(self._iris)

    def __contains__(self, iri: object) -> bool:
        return iri in self._positions()

    def __reduce__(self):
        return _label_table, (self._iris, self._columns)


def _label_table(iris: tuple[str, ...], columns: dict[str, tuple[str | None, ...]]) -> LabelTable:
    table = LabelTable.__new__(LabelTable)
    table._iris, table._columns, table._position = iris, columns, None
    return table


@dataclass(frozen=True, eq=False)
class Corpus:
    """The atlas as the analysis sees it.

    Every tuple is sorted, so that anything computed from a corpus is
    deterministic. IRIs are plain ``str``.

    Attributes
    ----------
    experiences : tuple of str
        Experience IRIs, sorted; row order of ``incidence``.
    issues : tuple of str
        Issue IRIs (descriptors, not families), sorted; column order of ``incidence``.
    incidence : scipy.sparse.csr_matrix
        ``len(experiences) × len(issues)``, 1.0 where an experience addresses an issue.
    families : tuple of str
        Issue family IRIs (the top of the thesaurus), sorted.
    broader : mapping of str to tuple of str
        Direct parents (issues or families) of every issue, sorted. Absent or empty
        for families and orphans.
    related : tuple of (str, str)
        ``skos:related`` pairs, each pair sorted, the tuple sorted.
    labels : mapping of str to mapping of str to str
        ``{iri: {lang: label}}`` for every record with a label.
    kinds : mapping of str to str
        ``{iri: kind}`` with kind in ``experience, issue, family, principle,
        territory, actor, collection, community, workarea, journey``.
    family_colours : mapping of str to str
        ``{family iri: "#rrggbb"}``.
    experience_territory : mapping of str to str
    experience_years : mapping of str to (int or None, int or None)
        Start and end year of each experience.
    experience_principles, experience_actors : mapping of str to tuple of str
    principle_broader : mapping of str to tuple of str
        Parent principle(s) of a sub-principle.
    territories : mapping of str to TerritoryInfo
    actor_types : mapping of str to str
        ``{actor iri: type}`` with type a slug such as ``local-authority``.
    lessons : tuple of LessonInfo
    communities : mapping of str to CommunityInfo
        Learning communities, work areas and journeys by IRI.
    content_hash : str
        A hash of the store content the corpus was extracted from (cache key,
        provenance).
    """

    experiences: tuple[str, ...]
    issues: tuple[str, ...]
    incidence: sp.csr_matrix
    families: tuple[str, ...] = ()
    broader: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    related: tuple[tuple[str, str], ...] = ()
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    family_colours: Mapping[str, str] = field(default_factory=dict)
    experience_territory: Mapping[str, str] = field(default_factory=dict)
    experience_years: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)
    experience_principles: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    experience_actors: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    principle_broader: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    territories: Mapping[str, TerritoryInfo] = field(default_factory=dict)
    actor_types: Mapping[str, str] = field(default_factory=dict)
    lessons: tuple[LessonInfo, ...] = ()
    communities: Mapping[str, CommunityInfo] = field(default_factory=dict)
    content_hash: str = ""

    @property
    def derived_cache(self) -> Any:
        """Where values derived from this corpus persist across processes, or ``None``.

        Set by :func:`atlas.graph.read_corpus` for a corpus read from a store on
        disk; :func:`atlas.analysis.memo.memoised` loads and saves through its
        ``load(key) -> (found, value)`` and ``save(key, value)``.
        """
        return self.__dict__.get("_derived_cache")

    def attach_derived_cache(self, cache: Any) -> None:
        """Persist the values derived from this corpus in ``cache`` (see :attr:`derived_cache`)."""
        object.__setattr__(self, "_derived_cache", cache)

    def label(self, iri: str, lang: str = "en") -> str:
        """Return the label of ``iri`` in ``lang``, else any label, else the IRI's last segment."""
        by_lang = self.labels.get(iri, {})
        if lang in by_lang:
            return by_lang[lang]
        for other in sorted(by_lang):
            return by_lang[other]
        return iri.rstrip("/").rsplit("/", 1)[-1]


def corpus_from_records(
    experiences: Mapping[str, tuple[str, ...]],
    **fields,
) -> Corpus:
    """Build a :class:`Corpus` from ``{experience: issues}`` and optional fields.

    Sorts experiences and issues and fills the incidence matrix; every other
    :class:`Corpus` field may be passed by keyword. Meant for tests, benchmarks
    and the store extractor alike.

    Examples
    --------
    >>> c = corpus_from_records({"e2": ("b", "a"), "e1": ("a",)})
    >>> c.experiences, c.issues
    (('e1', 'e2'), ('a', 'b'))
    >>> c.incidence.toarray().tolist()
    [[1.0, 0.0], [1.0, 1.0]]
    """
    import scipy.sparse as sp  # here: reading a cached corpus must not import SciPy

    exps = tuple(sorted(experiences))
    issues = tuple(sorted({i for tags in experiences.values() for i in tags} | set(fields.pop("issues", ()))))
    col = {iri: j for j, iri in enumerate(issues)}
    rows, cols = [], []
    for r, e in enumerate(exps):
        for i in sorted(set(experiences[e])):
            rows.append(r)
            cols.append(col[i])
    data = [1.0] * len(rows)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(exps), len(issues)))
    return Corpus(experiences=exps, issues=issues, incidence=matrix, **fields)
