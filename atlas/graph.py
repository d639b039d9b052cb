"""From the store to what analysis works on: the :class:`~atlas.model.Corpus`
(targeted SPARQL extractions, cached on disk by store content) and NetworkX
projections of it.

The whole RDF graph is never converted node for node: literals would become
nodes and it costs minutes at 100k experiences. Each projection extracts only
the edges it needs.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atlas.model import CommunityInfo, Corpus, LabelTable, LessonInfo, TerritoryInfo, corpus_from_records

if TYPE_CHECKING:
    import networkx as nx

CACHE_VERSION = 3
#: Fields unpickled when the cache is read; the others wait until first used.
_EAGER = frozenset({"experiences", "issues", "families", "broader", "related", "family_colours",
                    "principle_broader", "communities", "content_hash"})


def _keywords() -> tuple[dict[str, str], ...]:
    """IRI -> keyword of the controlled values (territory types, levels, actor types…).

    Imported here, not at module level: reading a cached corpus needs no loader.
    """
    from atlas.load.records import ACTOR_TYPES, ADMIN_LEVELS, COMMUNITY_TYPES, LESSON_SCOPES, TERRITORY_TYPES

    return tuple({str(v): k for k, v in m.items()}
                 for m in (TERRITORY_TYPES, ADMIN_LEVELS, ACTOR_TYPES, COMMUNITY_TYPES, LESSON_SCOPES))


def _class_kinds() -> dict[str, str]:
    """Class IRI -> record kind (imported late: reading a cached corpus needs no RDF library)."""
    from atlas.vocab import KINDS

    return {str(cls): kind for kind, (_, cls) in KINDS.items()}


_Q_KINDS = "SELECT DISTINCT ?x ?c WHERE {{ ?x a ?c . VALUES ?c {{ {classes} }} }}"
_Q_ADDRESSES = "SELECT DISTINCT ?e ?i WHERE { ?e a atlas:Experience ; atlas:addresses ?i }"
_Q_BROADER = "SELECT DISTINCT ?x ?b WHERE { ?x skos:broader ?b }"
_Q_RELATED = "SELECT DISTINCT ?a ?b WHERE { ?a skos:related ?b }"
_Q_LABELS = """SELECT DISTINCT ?x ?l (LANG(?l) AS ?lang) WHERE {
  { ?x rdfs:label ?l } UNION { ?x skos:prefLabel ?l } }"""
_Q_COLOURS = "SELECT DISTINCT ?f ?c WHERE { ?f a atlas:IssueFamily ; atlas:colour ?c }"
_Q_EXPERIENCES = """SELECT ?e ?t ?s ?end WHERE { ?e a atlas:Experience .
  OPTIONAL { ?e atlas:territory ?t } OPTIONAL { ?e atlas:startYear ?s } OPTIONAL { ?e atlas:endYear ?end } }"""
_Q_ILLUSTRATES = "SELECT DISTINCT ?e ?p WHERE { ?e a atlas:Experience ; atlas:illustrates ?p }"
_Q_INVOLVES = "SELECT DISTINCT ?e ?a WHERE { ?e a atlas:Experience ; atlas:involves ?a }"
_Q_TERRITORIES = """SELECT ?t ?type ?level ?pop ?region ?country ?lat ?long ?parent WHERE { ?t a atlas:Territory .
  OPTIONAL { ?t atlas:territoryType ?type } OPTIONAL { ?t atlas:adminLevel ?level }
  OPTIONAL { ?t atlas:population ?pop } OPTIONAL { ?t atlas:region ?region }
  OPTIONAL { ?t atlas:country ?country } OPTIONAL { ?t geo:lat ?lat } OPTIONAL { ?t geo:long ?long }
  OPTIONAL { ?t schema:containedInPlace ?parent } }"""
_Q_ACTOR_TYPES = "SELECT ?a ?type WHERE { ?a a atlas:Actor ; atlas:actorType ?type }"
_Q_LESSONS = """SELECT ?l ?e ?scope WHERE { ?e atlas:hasLesson ?l . OPTIONAL { ?l atlas:scope ?scope } }"""
_Q_LESSON_LINKS = """SELECT ?l ?p ?x WHERE { ?l a atlas:Lesson ; ?p ?x .
  VALUES ?p { atlas:supports atlas:concerns } }"""
_Q_COMMUNITY = """SELECT ?c ?p ?x WHERE { ?c ?p ?x .
  VALUES ?p { atlas:communityType atlas:member atlas:theme atlas:visits dcterms:isPartOf }
  FILTER EXISTS { ?c a ?k . VALUES ?k { atlas:LearningCommunity atlas:WorkArea atlas:LearningJourney } } }"""


def _year(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _number(text: str | None, cast=float):
    try:
        return cast(text) if text is not None else None
    except ValueError:
        return None


def extract_corpus(store) -> Corpus:
    """Extract the :class:`Corpus` of a store with a handful of SPARQL queries (no cache)."""
    types, levels, actor_kinds, community_types, scopes = _keywords()
    class_kind = _class_kinds()
    queries = {  # the slowest first: on disk they run on every core at once (``select_many``)
        "addresses": _Q_ADDRESSES, "experiences": _Q_EXPERIENCES, "involves": _Q_INVOLVES, "labels": _Q_LABELS,
        "lessons": _Q_LESSONS, "illustrates": _Q_ILLUSTRATES,
        "kinds": _Q_KINDS.format(classes=" ".join(f"<{c}>" for c in sorted(class_kind))),
        "territories": _Q_TERRITORIES, "broader": _Q_BROADER, "related": _Q_RELATED,
        "lesson_links": _Q_LESSON_LINKS, "community": _Q_COMMUNITY, "colours": _Q_COLOURS,
        "actor_types": _Q_ACTOR_TYPES,
    }
    select_many = getattr(store, "select_many", None)
    found = select_many(queries.values()) if select_many else [store.select(q) for q in queries.values()]
    rows = dict(zip(queries, found, strict=True))
    kinds: dict[str, str] = {}
    for x, c in rows["kinds"]:
        kinds.setdefault(x, class_kind[c])
    experiences = {e: [] for e, k in kinds.items() if k == "experience"}
    for e, i in rows["addresses"]:
        if kinds.get(i) == "issue":
            experiences.setdefault(e, []).append(i)
    broader: dict[str, list[str]] = defaultdict(list)
    principle_broader: dict[str, list[str]] = defaultdict(list)
    for x, b in rows["broader"]:
        if kinds.get(x) == "issue":
            broader[x].append(b)
        elif kinds.get(x) == "principle":
            principle_broader[x].append(b)
    related = sorted({tuple(sorted((a, b))) for a, b in rows["related"] if a != b})
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for x, label, lang in sorted(rows["labels"], key=lambda r: (r[0], r[2] or "", r[1])):
        labels[x].setdefault(lang or "", label)
    territory, years = {}, {}
    for e, t, s, end in rows["experiences"]:
        if t is not None:
            territory[e] = t
        years[e] = (_year(s), _year(end))
    principles: dict[str, list[str]] = defaultdict(list)
    for e, p in rows["illustrates"]:
        principles[e].append(p)
    actors: dict[str, list[str]] = defaultdict(list)
    for e, a in rows["involves"]:
        actors[e].append(a)
    territories = {}
    for t, typ, level, pop, region, country, lat, long, parent in rows["territories"]:
        territories[t] = TerritoryInfo(
            iri=t, type=types.get(typ or ""), level=levels.get(level or ""), population=_number(pop, int),
            region=region, country=country, lat=_number(lat), long=_number(long), parent=parent,
        )
    lesson_rows = rows["lessons"]
    lesson_links: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lesson, p, x in rows["lesson_links"]:
        lesson_links[(lesson, p.rsplit("#", 1)[-1])].append(x)
    lessons = tuple(sorted(
        (LessonInfo(iri=lesson, experience=e, scope=scopes.get(scope or ""),
                    principles=tuple(sorted(set(lesson_links[(lesson, "supports")]))),
                    issues=tuple(sorted(set(lesson_links[(lesson, "concerns")]))))
         for lesson, e, scope in lesson_rows),
        key=lambda les: les.iri,
    ))
    community_fields: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for c, p, x in rows["community"]:
        community_fields[c][p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]].append(x)
    communities = {}
    for c, f in sorted(community_fields.items()):
        communities[c] = CommunityInfo(
            iri=c, kind=kinds.get(c, "community"), type=community_types.get(next(iter(f["communityType"]), "")),
            members=tuple(sorted(set(f["member"]))), themes=tuple(sorted(set(f["theme"]))),
            visits=tuple(sorted(set(f["visits"]))), part_of=next(iter(sorted(f["isPartOf"])), None),
        )
    for c, k in kinds.items():
        if k in ("community", "workarea", "journey") and c not in communities:
            communities[c] = CommunityInfo(iri=c, kind=k)

    def sorted_map(m: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        return {k: tuple(sorted(set(v))) for k, v in sorted(m.items())}

    return corpus_from_records(
        {e: tuple(v) for e, v in experiences.items()},
        issues=tuple(i for i, k in kinds.items() if k == "issue"),
        families=tuple(sorted(i for i, k in kinds.items() if k == "family")),
        broader=sorted_map(broader),
        related=tuple(related),
        labels=LabelTable({k: dict(sorted(v.items())) for k, v in sorted(labels.items())}),
        kinds=dict(sorted(kinds.items())),
        family_colours=dict(sorted(rows["colours"])),
        experience_territory=dict(sorted(territory.items())),
        experience_years=dict(sorted(years.items())),
        experience_principles=sorted_map(principles),
        experience_actors=sorted_map(actors),
        principle_broader=sorted_map(principle_broader),
        territories=dict(sorted(territories.items())),
        actor_types={a: actor_kinds[t] for a, t in sorted(rows["actor_types"]) if t in actor_kinds},
        lessons=lessons,
        communities=communities,
        content_hash=getattr(store, "content_hash", ""),
    )


#: What unpickling a damaged cache file raises.
_UNREADABLE = (pickle.UnpicklingError, EOFError, AttributeError, ImportError, IndexError, KeyError, TypeError,
               ValueError)


class _Deferred:
    """A corpus field kept pickled until first read (a non-data descriptor: once read, the
    value sits in the instance's ``__dict__`` and the descriptor is no longer consulted)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        blob = obj.__dict__["_pickled"].get(self.name)
        if blob is None:  # read meanwhile by another thread
            return obj.__dict__[self.name]
        value = pickle.loads(blob)  # written by us, beside the store, for this exact content
        obj.__dict__[self.name] = value
        obj.__dict__["_pickled"].pop(self.name, None)
        return value


class _CachedCorpus(Corpus):
    """A :class:`Corpus` read from the cache whose large fields are unpickled on first use.

    At 100k experiences the labels, lessons and per-experience mappings take
    most of the 0.7 s a whole unpickle costs, and most commands use a few of
    them. It pickles (and compares, copies) as a plain :class:`Corpus`.
    """

    def __reduce__(self):
        return Corpus, tuple(getattr(self, f.name) for f in dataclasses.fields(Corpus))


for _field in dataclasses.fields(Corpus):
    if _field.name not in _EAGER:
        _deferred = _Deferred()
        setattr(_CachedCorpus, _field.name, _deferred)
        _deferred.__set_name__(_CachedCorpus, _field.name)


def _dump_corpus(corpus: Corpus) -> bytes:
    fields = {f.name: pickle.dumps(getattr(corpus, f.name), protocol=pickle.HIGHEST_PROTOCOL)
              for f in dataclasses.fields(Corpus)}
    return pickle.dumps(fields, protocol=pickle.HIGHEST_PROTOCOL)


def _load_corpus(data: bytes) -> Corpus:
    fields = pickle.loads(data)  # a dict of bytes: cheap
    corpus = object.__new__(_CachedCorpus)
    state = corpus.__dict__
    for name in _EAGER:
        state[name] = pickle.loads(fields.pop(name))
    state["_pickled"] = fields
    return corpus


def _code_fingerprint() -> str:
    """A hash of the modules that compute derived values: a change of code is a change of key."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted([root / "model.py", root / "graph.py", *(root / "analysis").glob("*.py")]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class DerivedCache:
    """Values derived from one store content, pickled in a directory beside the store.

    One file per memo key (see :func:`atlas.analysis.memo.memoised`). The
    directory's name holds the content hash and a fingerprint of the analysis
    code, so a value is only ever read back for the content and the code that
    computed it. Saving is best effort: a read-only or full disk only makes the
    next command slower.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _path(self, key: Any) -> Path:
        return self.directory / (hashlib.sha256(repr(key).encode()).hexdigest()[:32] + ".pickle")

    def load(self, key: Any) -> tuple[bool, Any]:
        """Return ``(True, value)`` if ``key`` was saved, else ``(False, None)``."""
        try:
            return True, pickle.loads(self._path(key).read_bytes())  # written by us, for this content and code
        except (OSError, *_UNREADABLE):
            return False, None  # absent, or damaged on disk: computed again

    def save(self, key: Any, value: Any) -> None:
        """Save ``value`` under ``key``.

        Skipped when it cannot be written, and for values that hold the corpus
        itself (an index over it): those are rebuilt per process rather than
        saving the corpus a second time.
        """
        from atlas.output import write_atomic

        buffer = io.BytesIO()
        try:
            _NoCorpusPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(value)
        except (_HoldsCorpusError, pickle.PicklingError, TypeError, AttributeError):
            return
        data = buffer.getvalue()
        try:
            if not self.directory.exists():  # first value for this content and code: drop the others
                for old in self.directory.parent.glob("derived-*"):
                    shutil.rmtree(old, ignore_errors=True)
                self.directory.mkdir(exist_ok=True)
            write_atomic(self._path(key), data)
        except OSError:
            pass


class _HoldsCorpusError(Exception):
    """Raised while pickling a derived value that refers to the corpus."""


class _NoCorpusPickler(pickle.Pickler):
    def persistent_id(self, obj: Any) -> None:
        if isinstance(obj, Corpus):
            raise _HoldsCorpusError
        return None


def _derived_cache(cache_dir: Path, digest: str) -> DerivedCache:
    return DerivedCache(cache_dir / f"derived-{digest[:32]}-{_code_fingerprint()}")


def read_corpus(store) -> Corpus:
    """Return the :class:`Corpus` of ``store``, from a cache keyed by the store content when possible.

    The cache file lives beside the store (``corpus-VERSION-HASH.pickle``); it
    is written by the first read after a build and is only ever read back for
    the same content hash, so it can never be stale. Each field is pickled on
    its own, and the large ones are only unpickled when first used. The corpus
    comes with a :class:`DerivedCache` beside it, so that matrices and graphs
    the analysis derives from it are computed once per content, not per command.
    """
    cache_dir = getattr(store, "cache_dir", None)
    digest = getattr(store, "content_hash", "")
    if cache_dir is None or not digest:
        return extract_corpus(store)
    path = cache_dir / f"corpus-{CACHE_VERSION}-{digest[:32]}.pickle"
    derived = _derived_cache(cache_dir, digest)
    try:
        corpus = _load_corpus(path.read_bytes())
    except (OSError, *_UNREADABLE):
        pass  # absent, or damaged on disk: extracted again below
    else:
        corpus.attach_derived_cache(derived)
        return corpus
    corpus = extract_corpus(store)
    from atlas.output import write_atomic

    try:
        for old in cache_dir.glob("corpus-*.pickle"):
            old.unlink(missing_ok=True)
        for old in cache_dir.glob("derived-*"):
            if old != derived.directory:
                shutil.rmtree(old, ignore_errors=True)
        write_atomic(path, _dump_corpus(corpus))
    except OSError:
        pass  # a read-only store location still answers, only slower
    corpus.attach_derived_cache(derived)
    return corpus


def atlas_graph(corpus: Corpus, *, kinds: Iterable[str] | None = None) -> nx.Graph:
    """Project the corpus to an undirected graph of records and their relations.

    Nodes are IRIs with attributes ``kind`` and ``label`` (English, else any);
    edges carry ``relation``: ``addresses`` (experience–issue), ``illustrates``
    (experience–principle), ``located`` (experience–territory), ``involves``
    (experience–actor), ``broader`` (issue–parent), ``related`` (issue–issue).

    Parameters
    ----------
    corpus : Corpus
    kinds : iterable of str, optional
        Keep only nodes of these kinds (default: all).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e": ("i",)}, kinds={"e": "experience", "i": "issue"},
    ...                         experience_territory={"e": "t"})
    >>> g = atlas_graph(c)
    >>> sorted(g.edges(data="relation"))
    [('e', 'i', 'addresses'), ('e', 't', 'located')]
    """
    import networkx as nx  # only the projections need it; the CLI's hot paths do not

    keep = set(kinds) if kinds is not None else None
    g = nx.Graph()

    def node(iri: str, kind: str) -> bool:
        if keep is not None and kind not in keep:
            return False
        if iri not in g:
            g.add_node(iri, kind=kind, label=corpus.label(iri))
        return True

    for iri in sorted(corpus.kinds):
        node(iri, corpus.kinds[iri])
    rows, cols = corpus.incidence.nonzero()
    for r, c in sorted(zip(rows.tolist(), cols.tolist(), strict=True)):
        e, i = corpus.experiences[r], corpus.issues[c]
        if node(e, "experience") and node(i, "issue"):
            g.add_edge(e, i, relation="addresses")
    edges = [
        (corpus.experience_principles, "principle", "illustrates"),
        (corpus.experience_actors, "actor", "involves"),
    ]
    for mapping, kind, relation in edges:
        for e, targets in sorted(mapping.items()):
            for t in targets:
                if node(e, "experience") and node(t, corpus.kinds.get(t, kind)):
                    g.add_edge(e, t, relation=relation)
    for e, t in sorted(corpus.experience_territory.items()):
        if node(e, "experience") and node(t, corpus.kinds.get(t, "territory")):
            g.add_edge(e, t, relation="located")
    for i, parents in sorted(corpus.broader.items()):
        for p in parents:
            if node(i, "issue") and node(p, corpus.kinds.get(p, "issue")):
                g.add_edge(i, p, relation="broader")
    for a, b in corpus.related:
        if node(a, "issue") and node(b, "issue"):
            g.add_edge(a, b, relation="related")
    return g
