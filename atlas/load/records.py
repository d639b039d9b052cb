"""Records of the YAML and Markdown sources, and their translation to RDF quads.

Loading is two passes: :func:`collect_records` finds every record of a file
(kind, slug, line), so that the whole atlas's ids are known; then
:func:`records_to_quads` checks each record's fields and references against that
index and produces its quads. Problems are collected, never raised one by one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from atlas.errors import Problem
from atlas.load.config import AtlasConfig
from atlas.load.fields import FieldReader
from atlas.load.yamlfile import YList, YMap
from atlas.vocab import ATLAS, GEO, KINDS, SCHEMA, SLUG_RE, iri_text


def _n(term: object) -> NamedNode:
    return NamedNode(str(term))


TYPE = _n(RDF.type)
LABEL = _n(RDFS.label)
PREF = _n(SKOS.prefLabel)
SOURCE = _n(DCTERMS.source)
TITLE = _n(DCTERMS.title)
DESCRIPTION = _n(DCTERMS.description)
HOMEPAGE = _n(FOAF.homepage)
LANGSTRING_KINDS = {"family", "issue", "principle"}
GYEAR = _n(XSD.gYear)
INTEGER = _n(XSD.integer)
DECIMAL = _n(XSD.decimal)
STRING = _n(XSD.string)
_PREDICATES: dict[object, NamedNode] = {}

#: YAML top-level keys and the record kind each holds.
YAML_KINDS = {
    "families": "family",
    "issues": "issue",
    "principles": "principle",
    "territories": "territory",
    "actors": "actor",
    "collections": "collection",
    "communities": "community",
    "work_areas": "workarea",
    "journeys": "journey",
}

TERRITORY_TYPES = {"rural": ATLAS.Rural, "peri-urban": ATLAS.PeriUrban, "urban": ATLAS.Urban}
ADMIN_LEVELS = {
    "neighbourhood": ATLAS.Neighbourhood,
    "municipality": ATLAS.Municipality,
    "intercommunality": ATLAS.Intercommunality,
    "department": ATLAS.Department,
    "region": ATLAS.Region,
    "country": ATLAS.Country,
}
ACTOR_TYPES = {
    "local-authority": ATLAS.LocalAuthority,
    "association": ATLAS.Association,
    "company": ATLAS.Company,
    "cooperative": ATLAS.Cooperative,
    "research-centre": ATLAS.ResearchCentre,
    "public-service": ATLAS.PublicService,
    "citizens-group": ATLAS.CitizensGroup,
    "network": ATLAS.Network,
    "foundation": ATLAS.Foundation,
}
COMMUNITY_TYPES = {
    "territorial": ATLAS.Territorial,
    "thematic": ATLAS.Thematic,
    "methodological": ATLAS.Methodological,
}
LESSON_SCOPES = {"structural": ATLAS.Structural, "circumstantial": ATLAS.Circumstantial}

FIELDS: dict[str, set[str]] = {
    "family": {"id", "label", "definition", "colour"},
    "issue": {"id", "label", "alt", "definition", "broader", "related", "exact_match", "close_match"},
    "principle": {"id", "notation", "label", "statement", "broader", "sources"},
    "territory": {
        "id", "label", "type", "level", "population", "population_year", "region", "country", "lat", "long",
        "parent", "homepage", "sources", "milestones",
    },
    "actor": {"id", "label", "type", "territory", "homepage", "sources"},
    "collection": {"id", "label", "homepage", "description"},
    "community": {"id", "label", "type", "members", "themes", "start", "end", "description", "sources"},
    "workarea": {"id", "label", "community", "members", "themes", "start", "end", "description", "sources"},
    "journey": {"id", "label", "organiser", "year", "visits", "members", "description", "sources"},
    "experience": {
        "id", "title", "territory", "start", "end", "actors", "issues", "principles", "collection", "summary",
        "lessons", "sources", "lang",
    },
}


@dataclass
class Record:
    """One record of a source file, before its fields are checked."""

    kind: str
    slug: str
    line: int
    data: YMap
    body: Mapping[str, str] = field(default_factory=dict)  # narrative by language (experiences)


class Index:
    """Every record id of the atlas: ``(kind, slug) → (path, line)``, with lookups by slug."""

    def __init__(self) -> None:
        self.where: dict[tuple[str, str], tuple[str, int]] = {}
        self.iris: dict[str, tuple[str, int]] = {}
        self.kind_of: dict[str, str] = {}  # minted IRI -> kind

    def add(self, kind: str, slug: str, path: str, line: int, base: str, problems: list[Problem]) -> None:
        iri = iri_text(base, kind, slug)
        if iri in self.iris:
            other_path, other_line = self.iris[iri]
            problems.append(Problem(path, line, f"{kind} '{slug}' mints the IRI <{iri}> already minted at "
                                                f"{other_path}:{other_line}"))
            return
        self.iris[iri] = (path, line)
        self.kind_of[iri] = kind
        self.where[(kind, slug)] = (path, line)

    def find(self, kinds: Iterable[str], slug: str) -> str | None:
        for kind in kinds:
            if (kind, slug) in self.where:
                return kind
        return None

    def suggest(self, kinds: Iterable[str], slug: str) -> str:
        known = sorted({s for (k, s) in self.where if k in set(kinds)})
        close = difflib.get_close_matches(slug, known, n=1, cutoff=0.75)
        return f" (did you mean '{close[0]}'?)" if close else ""


def collect_records(doc: object, path: str, problems: list[Problem]) -> list[Record]:
    """Return the records of a YAML record file (first pass)."""
    if not isinstance(doc, YMap):
        line = getattr(doc, "line", 1)
        problems.append(Problem(path, line, "a record file must be a mapping of kinds (issues:, territories:, …)"))
        return []
    records = []
    for key, items in doc.items():
        line = doc.line_of(key)
        if key not in YAML_KINDS:
            close = difflib.get_close_matches(key, sorted(YAML_KINDS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            problems.append(Problem(path, line, f"unknown record kind '{key}'{hint}"))
            continue
        if items is None:
            continue
        if not isinstance(items, YList):
            problems.append(Problem(path, line, f"'{key}' must be a list of records"))
            continue
        for item, item_line in zip(items, items.item_lines, strict=True):
            rec = record_of(YAML_KINDS[key], item, item_line, path, problems)
            if rec is not None:
                records.append(rec)
    return records


def record_of(kind: str, item: object, line: int, path: str, problems: list[Problem],
              default_slug: str | None = None) -> Record | None:
    """Check a record's id and return it (first pass)."""
    if not isinstance(item, YMap):
        problems.append(Problem(path, line, f"a {kind} must be a mapping with an 'id'"))
        return None
    slug = item.get("id", default_slug)
    if slug is None:
        problems.append(Problem(path, item.line, f"{kind} without an 'id'"))
        return None
    if not isinstance(slug, str) or not SLUG_RE.fullmatch(slug):
        problems.append(Problem(path, item.line_of("id"), f"malformed id {str(slug)!r}: use lower-case words "
                                                           "joined by '-' (e.g. le-mene)"))
        return None
    return Record(kind, str(slug), item.line, item)


class QuadWriter:
    """Second pass: turns records into quads of one named graph, checking fields and references."""

    def __init__(self, config: AtlasConfig, index: Index, path: str, graph: NamedNode):
        self.config = config
        self.index = index
        self.graph = graph
        self.reader = FieldReader(path, config.languages)
        self.quads: list[Quad] = []
        self.lines: dict[str, int] = {}

    # -- primitives -------------------------------------------------------
    def iri(self, kind: str, slug: str) -> NamedNode:
        return NamedNode(iri_text(self.config.base, kind, slug))

    def add(self, s: NamedNode, p: object, o: object) -> None:
        if not isinstance(p, NamedNode):
            node = _PREDICATES.get(p)
            if node is None:  # predicates come from the vocabularies: a few dozen in all
                node = _PREDICATES[p] = _n(p)
            p = node
        self.quads.append(Quad(s, p, o, self.graph))

    def text(self, s: NamedNode, p: object, values: Mapping[str, str] | None) -> None:
        for lang, value in sorted((values or {}).items()):
            self.add(s, p, Literal(value, language=lang))

    def typed(self, s: NamedNode, p: object, value: str | None, datatype: NamedNode) -> None:
        if value is not None:
            self.add(s, p, Literal(value, datatype=datatype))

    def refs_to(self, s: NamedNode, p: object, data: YMap, key: str, kinds: tuple[str, ...]) -> list[NamedNode]:
        out = []
        for slug, line in self.reader.slugs(data, key):
            node = self.ref(slug, line, key, kinds)
            if node is not None:
                out.append(node)
                if p is not None:
                    self.add(s, p, node)
        return out

    def ref(self, slug: str, line: int, key: str, kinds: tuple[str, ...]) -> NamedNode | None:
        kind = self.index.find(kinds, slug)
        if kind is None:
            what = " or ".join(kinds)
            self.reader.problem(line, f"unknown {what} '{slug}' in '{key}'{self.index.suggest(kinds, slug)}")
            return None
        return self.iri(kind, slug)

    def list_field(self, data: YMap, key: str, message: str) -> YList | None:
        """Return the list at ``key``; None when it is absent, or not a list (reported with ``message``)."""
        value = data.get(key)
        if value is not None and not isinstance(value, YList):
            self.reader.problem(data.line_of(key), message)
            return None
        return value

    def sources(self, s: NamedNode, data: YMap, *, required: bool = False) -> None:
        for url, title in self.reader.urls(data, "sources", required=required):
            self.add(s, SOURCE, NamedNode(url))
            if title:
                self.add(NamedNode(url), TITLE, Literal(title))

    # -- records ----------------------------------------------------------
    def write(self, rec: Record) -> None:
        self.reader.only(rec.data, FIELDS[rec.kind], f"{rec.kind} '{rec.slug}'")
        s = self.iri(rec.kind, rec.slug)
        self.lines[s.value] = rec.line
        self.add(s, TYPE, _n(KINDS[rec.kind][1]))
        getattr(self, f"_{rec.kind}")(s, rec)

    def _label(self, s: NamedNode, rec: Record, key: str = "label", predicate: object = LABEL) -> None:
        self.text(s, predicate, self.reader.text(rec.data, key, required=True))

    def _family(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        self.text(s, SKOS.definition, self.reader.text(d, "definition"))
        self.typed(s, ATLAS.colour, self.reader.colour(d, "colour"), STRING)
        self.add(s, SKOS.topConceptOf, self.scheme("issues"))
        self.add(s, SKOS.inScheme, self.scheme("issues"))

    def scheme(self, name: str) -> NamedNode:
        return NamedNode(f"{self.config.base}thesaurus/{name}")

    def _issue(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        for lang, values in sorted(self.reader.texts(d, "alt").items()):
            for v in values:
                self.add(s, SKOS.altLabel, Literal(v, language=lang))
        self.text(s, SKOS.definition, self.reader.text(d, "definition"))
        if not self.refs_to(s, SKOS.broader, d, "broader", ("issue", "family")) and "broader" not in d:
            self.reader.problem(d.line, f"issue '{rec.slug}' needs at least one 'broader' (an issue or a family)")
        self.refs_to(s, SKOS.related, d, "related", ("issue",))
        for key, p in (("exact_match", SKOS.exactMatch), ("close_match", SKOS.closeMatch)):
            value = d.get(key)
            for item in (value if isinstance(value, YList) else [value] if value is not None else []):
                url = self.reader.url(item, key, d.line_of(key))
                if url:
                    self.add(s, p, NamedNode(url))
        self.add(s, SKOS.inScheme, self.scheme("issues"))

    def _principle(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        self.text(s, ATLAS.statement, self.reader.text(d, "statement"))
        self.typed(s, SKOS.notation, self.reader.string(d, "notation"), STRING)
        self.refs_to(s, SKOS.broader, d, "broader", ("principle",))
        self.sources(s, d)
        self.add(s, SKOS.inScheme, self.scheme("principles"))

    def _territory(self, s: NamedNode, rec: Record) -> None:
        d, r = rec.data, self.reader
        self._label(s, rec)
        t = r.choice(d, "type", TERRITORY_TYPES)
        if t is not None:
            self.add(s, ATLAS.territoryType, _n(t))
        lvl = r.choice(d, "level", ADMIN_LEVELS)
        if lvl is not None:
            self.add(s, ATLAS.adminLevel, _n(lvl))
        self.typed(s, ATLAS.population, r.integer(d, "population"), INTEGER)
        self.typed(s, ATLAS.populationYear, r.year(d, "population_year"), GYEAR)
        self.typed(s, ATLAS.region, r.string(d, "region"), STRING)
        self.typed(s, ATLAS.country, r.country(d, "country"), STRING)
        lat, long = r.decimal(d, "lat", -90, 90), r.decimal(d, "long", -180, 180)
        if (lat is None) != (long is None) and ("lat" in d) != ("long" in d):
            r.problem(d.line, "give both 'lat' and 'long', or neither")
        self.typed(s, GEO.lat, lat, DECIMAL)
        self.typed(s, GEO.long, long, DECIMAL)
        self.refs_to(s, SCHEMA.containedInPlace, d, "parent", ("territory",))
        self._homepage(s, d)
        self.sources(s, d)
        milestones = self.list_field(d, "milestones", "'milestones' must be a list")
        for n, m in enumerate(milestones or [], start=1):
            if not isinstance(m, YMap):
                r.problem(milestones.item_lines[n - 1], "a milestone must be a mapping (year, text, sources)")
                continue
            r.only(m, {"year", "text", "sources"}, "a milestone")
            node = NamedNode(f"{s.value}/milestone/{n}")
            self.lines[node.value] = m.line
            self.add(s, ATLAS.milestone, node)
            self.add(node, TYPE, _n(ATLAS.Milestone))
            year = r.year(m, "year")
            if year is None and "year" not in m:
                r.problem(m.line, "a milestone needs a 'year'")
            self.typed(node, ATLAS.year, year, GYEAR)
            self.text(node, DESCRIPTION, r.text(m, "text", required=True))
            self.sources(node, m)

    def _homepage(self, s: NamedNode, d: YMap) -> None:
        if "homepage" in d:
            url = self.reader.url(d["homepage"], "homepage", d.line_of("homepage"))
            if url:
                self.add(s, HOMEPAGE, NamedNode(url))

    def _actor(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec)
        t = self.reader.choice(d, "type", ACTOR_TYPES, required=True)
        if t is not None:
            self.add(s, ATLAS.actorType, _n(t))
        self.refs_to(s, ATLAS.basedIn, d, "territory", ("territory",))
        self._homepage(s, d)
        self.sources(s, d)

    def _collection(self, s: NamedNode, rec: Record) -> None:
        self._label(s, rec)
        self._homepage(s, rec.data)
        self.text(s, DESCRIPTION, self.reader.text(rec.data, "description"))

    def _community(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec)
        if rec.kind == "community":
            t = self.reader.choice(d, "type", COMMUNITY_TYPES, required=True)
            if t is not None:
                self.add(s, ATLAS.communityType, _n(t))
        else:
            if "community" not in d:
                self.reader.problem(d.line, "missing field 'community' (the learning community of this work area)")
            self.refs_to(s, DCTERMS.isPartOf, d, "community", ("community",))
        self.refs_to(s, ATLAS.member, d, "members", ("territory", "actor"))
        self.refs_to(s, ATLAS.theme, d, "themes", ("issue", "family", "principle"))
        self._period(s, d)
        self.text(s, DESCRIPTION, self.reader.text(d, "description"))
        self.sources(s, d)

    _workarea = _community

    def _journey(self, s: NamedNode, rec: Record) -> None:
        d = rec.data
        self._label(s, rec)
        self.refs_to(s, ATLAS.organisedBy, d, "organiser", ("actor",))
        self.typed(s, ATLAS.year, self.reader.year(d, "year"), GYEAR)
        self.refs_to(s, ATLAS.visits, d, "visits", ("experience",))
        self.refs_to(s, ATLAS.member, d, "members", ("territory", "actor"))
        self.text(s, DESCRIPTION, self.reader.text(d, "description"))
        self.sources(s, d)

    def _period(self, s: NamedNode, d: YMap) -> None:
        start, end = self.reader.year(d, "start"), self.reader.year(d, "end")
        if start and end and int(end) < int(start):
            self.reader.problem(d.line_of("end"), f"'end' ({end}) is before 'start' ({start})")
        self.typed(s, ATLAS.startYear, start, GYEAR)
        self.typed(s, ATLAS.endYear, end, GYEAR)

    def _experience(self, s: NamedNode, rec: Record) -> None:
        d, r = rec.data, self.reader
        self._label(s, rec, key="title")
        territory = self.refs_to(s, ATLAS.territory, d, "territory", ("territory",))
        if "territory" not in d:
            r.problem(d.line, "missing field 'territory'")
        elif len(territory) > 1:
            r.problem(d.line_of("territory"), "an experience has exactly one 'territory'")
        if "start" not in d:
            r.problem(d.line, "missing field 'start' (the year the experience began)")
        self._period(s, d)
        if not self.refs_to(s, ATLAS.addresses, d, "issues", ("issue",)) and "issues" not in d:
            r.problem(d.line, "missing field 'issues' (at least one issue it addresses)")
        self.refs_to(s, ATLAS.illustrates, d, "principles", ("principle",))
        self.refs_to(s, DCTERMS.isPartOf, d, "collection", ("collection",))
        self.text(s, ATLAS.summary, r.text(d, "summary"))
        self.text(s, ATLAS.narrative, rec.body)
        self._participants(s, d)
        self._lessons(s, d)
        self.sources(s, d, required=True)

    def _participants(self, s: NamedNode, d: YMap) -> None:
        r = self.reader
        actors = self.list_field(d, "actors", "'actors' must be a list of {id, role}")
        if actors is None:
            return
        seen: set[str] = set()
        for item, line in zip(actors, actors.item_lines, strict=True):
            if isinstance(item, str):
                slug, role = str(item), None
            elif isinstance(item, YMap):
                r.only(item, {"id", "role"}, "an actor of an experience")
                slug = r.string(item, "id", required=True)
                role = r.text(item, "role")
            else:
                r.problem(line, "an actor must be an id or {id, role}")
                continue
            if slug is None:
                continue
            actor = self.ref(slug, line, "actors", ("actor",))
            if actor is None:
                continue
            if slug in seen:
                r.problem(line, f"actor '{slug}' is listed twice")
                continue
            seen.add(slug)
            node = NamedNode(f"{s.value}/participation/{slug}")
            self.lines[node.value] = line
            self.add(s, ATLAS.involves, actor)
            self.add(s, ATLAS.participation, node)
            self.add(node, TYPE, _n(ATLAS.Participation))
            self.add(node, ATLAS.actor, actor)
            self.text(node, ATLAS.role, role)

    def _lessons(self, s: NamedNode, d: YMap) -> None:
        r = self.reader
        lessons = self.list_field(d, "lessons", "'lessons' must be a list of {text, scope}")
        if lessons is None:
            return
        for n, (item, line) in enumerate(zip(lessons, lessons.item_lines, strict=True), start=1):
            if not isinstance(item, YMap):
                r.problem(line, "a lesson must be a mapping {text, scope, principles, issues}")
                continue
            r.only(item, {"text", "scope", "principles", "issues"}, "a lesson")
            node = NamedNode(f"{s.value}/lesson/{n}")
            self.lines[node.value] = item.line
            self.add(s, ATLAS.hasLesson, node)
            self.add(node, TYPE, _n(ATLAS.Lesson))
            self.text(node, ATLAS.statement, r.text(item, "text", required=True))
            scope = r.choice(item, "scope", LESSON_SCOPES)
            if scope is not None:
                self.add(node, ATLAS.scope, _n(scope))
            self.refs_to(node, ATLAS.supports, item, "principles", ("principle",))
            self.refs_to(node, ATLAS.concerns, item, "issues", ("issue",))
