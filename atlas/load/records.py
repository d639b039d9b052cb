"""Records of the YAML and Markdown sources, and their translation to RDF quads.

Loading is two passes: :func:`collect_records` finds every record of a file
(kind, slug, line), so that the whole atlas's ids are known; then a
:class:`QuadWriter` checks each record's fields and references against that
index and writes its statements as N-Quads. Problems are collected, never raised
one by one.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from atlas.errors import Problem
from atlas.load.config import AtlasConfig
from atlas.load.fields import FieldReader
from atlas.load.yamlfile import YList, YMap
from atlas.vocab import ATLAS, GEO, KINDS, SCHEMA, SLUG_RE, iri_text

_TERMS: dict[object, str] = {}  # vocabulary IRIs as N-Quads terms: a few dozen in all


def _n(iri: object) -> str:
    """The N-Quads term of a vocabulary IRI (``<…>``), made once; a term is its own term."""
    term = _TERMS.get(iri)
    if term is None:
        term = _TERMS[iri] = _TERMS[f"<{iri}>"] = f"<{iri}>"
    return term


_ESCAPE = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(value: str, language: str | None = None, datatype: str | None = None) -> str:
    r"""The N-Quads term of a literal: ``value`` quoted, with what N-Quads must escape escaped.

    Only ``\``, ``"``, line feed and carriage return need escaping; every other
    character is written as it is, so no contributor text can end the term early.

    Examples
    --------
    >>> print(literal('Le "Mené"\n', "fr"))
    "Le \"Mené\"\n"@fr
    >>> print(literal("2012", datatype=GYEAR))
    "2012"^^<http://www.w3.org/2001/XMLSchema#gYear>
    """
    if "\\" in value or '"' in value or "\n" in value or "\r" in value:
        value = value.translate(_ESCAPE)
    if language is not None:
        return f'"{value}"@{language}'
    if datatype is not None and datatype != STRING:
        return f'"{value}"^^{datatype}'
    return f'"{value}"'


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
        self.minted: dict[tuple[str, str], str] = {}  # (kind, slug) -> IRI
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
        self.minted[(kind, slug)] = iri

    def lookup(self, kinds: Iterable[str], slug: str) -> str | None:
        """The IRI of the record ``slug`` of the first of ``kinds`` that has one, or None."""
        minted = self.minted
        for kind in kinds:
            iri = minted.get((kind, slug))
            if iri is not None:
                return iri
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
    """Second pass: turns records into the N-Quads of one named graph, checking fields and references.

    Statements are written as N-Quads text (one line per item of ``statements``,
    joined by ``nquads``), not as term objects: making and serialising the objects
    was a fifth of a worker's time. Every IRI written is minted from a checked slug, a
    vocabulary term, or a URL :func:`~atlas.load.fields.url_problem` accepted;
    every literal goes through :func:`literal`. Subjects are plain IRI strings.
    """

    def __init__(self, config: AtlasConfig, index: Index, path: str, graph: str):
        self.config = config
        self.index = index
        self.graph = f"<{graph}>"
        self.reader = FieldReader(path, config.languages)
        self.statements: list[bytes] = []
        self.lines: dict[str, int] = {}

    @property
    def nquads(self) -> bytes:
        """The statements written so far, as N-Quads."""
        return b"".join(self.statements)

    # -- primitives -------------------------------------------------------
    def iri(self, kind: str, slug: str) -> str:
        return iri_text(self.config.base, kind, slug)

    def add(self, s: str, p: object, o: str) -> None:
        """Write the statement ``<s> p o``; ``p`` is a vocabulary IRI, ``o`` an N-Quads term."""
        # encoded one by one: most are ASCII, whose UTF-8 is a copy; encoding the joined
        # text of a file with one accented letter took twice as long
        self.statements.append(f"<{s}> {_TERMS.get(p) or _n(p)} {o} {self.graph} .\n".encode())

    def link(self, s: str, p: object, o: str) -> None:
        """Write ``<s> p <o>``: a statement whose object is the IRI ``o``."""
        self.add(s, p, f"<{o}>")

    def text(self, s: str, p: object, values: Mapping[str, str] | None) -> None:
        for lang, value in sorted((values or {}).items()):
            self.add(s, p, literal(value, lang))

    def typed(self, s: str, p: object, value: str | None, datatype: str) -> None:
        if value is not None:
            self.add(s, p, literal(value, datatype=datatype))

    def refs_to(self, s: str, p: object, data: YMap, key: str, kinds: tuple[str, ...]) -> list[str]:
        out = []
        for slug, line in self.reader.slugs(data, key):
            node = self.ref(slug, line, key, kinds)
            if node is not None:
                out.append(node)
                if p is not None:
                    self.link(s, p, node)
        return out

    def ref(self, slug: str, line: int, key: str, kinds: tuple[str, ...]) -> str | None:
        iri = self.index.lookup(kinds, slug)
        if iri is None:
            what = " or ".join(kinds)
            self.reader.problem(line, f"unknown {what} '{slug}' in '{key}'{self.index.suggest(kinds, slug)}")
        return iri

    def list_field(self, data: YMap, key: str, message: str) -> YList | None:
        """Return the list at ``key``; None when it is absent, or not a list (reported with ``message``)."""
        value = data.get(key)
        if value is not None and not isinstance(value, YList):
            self.reader.problem(data.line_of(key), message)
            return None
        return value

    def sources(self, s: str, data: YMap, *, required: bool = False) -> None:
        for url, title in self.reader.urls(data, "sources", required=required):
            self.link(s, SOURCE, url)
            if title:
                self.add(url, TITLE, literal(title))

    # -- records ----------------------------------------------------------
    def write(self, rec: Record) -> None:
        self.reader.only(rec.data, FIELDS[rec.kind], f"{rec.kind} '{rec.slug}'")
        s = self.iri(rec.kind, rec.slug)
        self.lines[s] = rec.line
        self.add(s, TYPE, _n(KINDS[rec.kind][1]))
        getattr(self, f"_{rec.kind}")(s, rec)

    def _label(self, s: str, rec: Record, key: str = "label", predicate: object = LABEL) -> None:
        self.text(s, predicate, self.reader.text(rec.data, key, required=True))

    def _family(self, s: str, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        self.text(s, SKOS.definition, self.reader.text(d, "definition"))
        self.typed(s, ATLAS.colour, self.reader.colour(d, "colour"), STRING)
        self.link(s, SKOS.topConceptOf, self.scheme("issues"))
        self.link(s, SKOS.inScheme, self.scheme("issues"))

    def scheme(self, name: str) -> str:
        return f"{self.config.base}thesaurus/{name}"

    def _issue(self, s: str, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        for lang, values in sorted(self.reader.texts(d, "alt").items()):
            for v in values:
                self.add(s, SKOS.altLabel, literal(v, lang))
        self.text(s, SKOS.definition, self.reader.text(d, "definition"))
        if not self.refs_to(s, SKOS.broader, d, "broader", ("issue", "family")) and "broader" not in d:
            self.reader.problem(d.line, f"issue '{rec.slug}' needs at least one 'broader' (an issue or a family)")
        self.refs_to(s, SKOS.related, d, "related", ("issue",))
        for key, p in (("exact_match", SKOS.exactMatch), ("close_match", SKOS.closeMatch)):
            value = d.get(key)
            for item in (value if isinstance(value, YList) else [value] if value is not None else []):
                url = self.reader.url(item, key, d.line_of(key))
                if url:
                    self.link(s, p, url)
        self.link(s, SKOS.inScheme, self.scheme("issues"))

    def _principle(self, s: str, rec: Record) -> None:
        d = rec.data
        self._label(s, rec, predicate=PREF)
        self.text(s, ATLAS.statement, self.reader.text(d, "statement"))
        self.typed(s, SKOS.notation, self.reader.string(d, "notation"), STRING)
        self.refs_to(s, SKOS.broader, d, "broader", ("principle",))
        self.sources(s, d)
        self.link(s, SKOS.inScheme, self.scheme("principles"))

    def _territory(self, s: str, rec: Record) -> None:
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
            node = f"{s}/milestone/{n}"
            self.lines[node] = m.line
            self.link(s, ATLAS.milestone, node)
            self.add(node, TYPE, _n(ATLAS.Milestone))
            year = r.year(m, "year")
            if year is None and "year" not in m:
                r.problem(m.line, "a milestone needs a 'year'")
            self.typed(node, ATLAS.year, year, GYEAR)
            self.text(node, DESCRIPTION, r.text(m, "text", required=True))
            self.sources(node, m)

    def _homepage(self, s: str, d: YMap) -> None:
        if "homepage" in d:
            url = self.reader.url(d["homepage"], "homepage", d.line_of("homepage"))
            if url:
                self.link(s, HOMEPAGE, url)

    def _actor(self, s: str, rec: Record) -> None:
        d = rec.data
        self._label(s, rec)
        t = self.reader.choice(d, "type", ACTOR_TYPES, required=True)
        if t is not None:
            self.add(s, ATLAS.actorType, _n(t))
        self.refs_to(s, ATLAS.basedIn, d, "territory", ("territory",))
        self._homepage(s, d)
        self.sources(s, d)

    def _collection(self, s: str, rec: Record) -> None:
        self._label(s, rec)
        self._homepage(s, rec.data)
        self.text(s, DESCRIPTION, self.reader.text(rec.data, "description"))

    def _community(self, s: str, rec: Record) -> None:
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

    def _journey(self, s: str, rec: Record) -> None:
        d = rec.data
        self._label(s, rec)
        self.refs_to(s, ATLAS.organisedBy, d, "organiser", ("actor",))
        self.typed(s, ATLAS.year, self.reader.year(d, "year"), GYEAR)
        self.refs_to(s, ATLAS.visits, d, "visits", ("experience",))
        self.refs_to(s, ATLAS.member, d, "members", ("territory", "actor"))
        self.text(s, DESCRIPTION, self.reader.text(d, "description"))
        self.sources(s, d)

    def _period(self, s: str, d: YMap) -> None:
        start, end = self.reader.year(d, "start"), self.reader.year(d, "end")
        if start and end and int(end) < int(start):
            self.reader.problem(d.line_of("end"), f"'end' ({end}) is before 'start' ({start})")
        self.typed(s, ATLAS.startYear, start, GYEAR)
        self.typed(s, ATLAS.endYear, end, GYEAR)

    def _experience(self, s: str, rec: Record) -> None:
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

    def _participants(self, s: str, d: YMap) -> None:
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
            node = f"{s}/participation/{slug}"
            self.lines[node] = line
            self.link(s, ATLAS.involves, actor)
            self.link(s, ATLAS.participation, node)
            self.add(node, TYPE, _n(ATLAS.Participation))
            self.link(node, ATLAS.actor, actor)
            self.text(node, ATLAS.role, role)

    def _lessons(self, s: str, d: YMap) -> None:
        r = self.reader
        lessons = self.list_field(d, "lessons", "'lessons' must be a list of {text, scope}")
        if lessons is None:
            return
        for n, (item, line) in enumerate(zip(lessons, lessons.item_lines, strict=True), start=1):
            if not isinstance(item, YMap):
                r.problem(line, "a lesson must be a mapping {text, scope, principles, issues}")
                continue
            r.only(item, {"text", "scope", "principles", "issues"}, "a lesson")
            node = f"{s}/lesson/{n}"
            self.lines[node] = item.line
            self.link(s, ATLAS.hasLesson, node)
            self.add(node, TYPE, _n(ATLAS.Lesson))
            self.text(node, ATLAS.statement, r.text(item, "text", required=True))
            scope = r.choice(item, "scope", LESSON_SCOPES)
            if scope is not None:
                self.add(node, ATLAS.scope, _n(scope))
            self.refs_to(node, ATLAS.supports, item, "principles", ("principle",))
            self.refs_to(node, ATLAS.concerns, item, "issues", ("issue",))
