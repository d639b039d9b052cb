"""RDF namespaces of Relational Atlas, its prefixes, and IRI minting.

Python code names ontology terms only through :data:`ATLAS` (a closed
namespace: a misspelt term raises ``AttributeError``) and rdflib's namespaces.
``tests/test_vocab.py`` checks that every term declared here exists in
``ontology/atlas.ttl``.
"""

from __future__ import annotations

import re

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD, DefinedNamespace

NS = "https://w3id.org/relational-atlas/ns#"
DEFAULT_BASE = "https://w3id.org/relational-atlas/atlas/"


class ATLAS(DefinedNamespace):
    """The Relational Atlas ontology (``ontology/atlas.ttl``)."""

    _NS = Namespace(NS)
    _fail = True

    # Classes
    Atlas: URIRef
    Experience: URIRef
    Issue: URIRef
    IssueFamily: URIRef
    Principle: URIRef
    Lesson: URIRef
    LessonScope: URIRef
    Territory: URIRef
    TerritoryType: URIRef
    AdminLevel: URIRef
    Milestone: URIRef
    Actor: URIRef
    ActorType: URIRef
    Participation: URIRef
    Collection: URIRef
    LearningCommunity: URIRef
    CommunityType: URIRef
    WorkArea: URIRef
    LearningJourney: URIRef
    SystemicLink: URIRef
    LinkComputation: URIRef

    # Experience
    territory: URIRef
    startYear: URIRef
    endYear: URIRef
    summary: URIRef
    narrative: URIRef
    addresses: URIRef
    illustrates: URIRef
    hasLesson: URIRef
    participation: URIRef
    involves: URIRef
    actor: URIRef
    role: URIRef

    # Lesson and principle
    statement: URIRef
    scope: URIRef
    supports: URIRef
    concerns: URIRef
    Structural: URIRef
    Circumstantial: URIRef

    # Issue family
    colour: URIRef

    # Territory
    territoryType: URIRef
    adminLevel: URIRef
    population: URIRef
    populationYear: URIRef
    region: URIRef
    country: URIRef
    milestone: URIRef
    year: URIRef
    Rural: URIRef
    PeriUrban: URIRef
    Urban: URIRef
    Neighbourhood: URIRef
    Municipality: URIRef
    Intercommunality: URIRef
    Department: URIRef
    Region: URIRef
    Country: URIRef

    # Actor
    actorType: URIRef
    basedIn: URIRef
    LocalAuthority: URIRef
    Association: URIRef
    Company: URIRef
    Cooperative: URIRef
    ResearchCentre: URIRef
    PublicService: URIRef
    CitizensGroup: URIRef
    Network: URIRef
    Foundation: URIRef

    # Communities, work areas, journeys
    communityType: URIRef
    member: URIRef
    theme: URIRef
    Territorial: URIRef
    Thematic: URIRef
    Methodological: URIRef
    visits: URIRef
    organisedBy: URIRef

    # Computed systemic links
    linkSource: URIRef
    linkTarget: URIRef
    measure: URIRef
    score: URIRef
    support: URIRef
    pValue: URIRef
    remoteness: URIRef
    evidence: URIRef
    parameters: URIRef
    inputHash: URIRef


# Every declared term as a plain class attribute: read five times faster than through
# DefinedNamespace.__getattr__ (the loaders read them hundreds of thousands of times in a
# large build); an undeclared name still raises AttributeError.
for _term in ATLAS.__annotations__:
    setattr(ATLAS, _term, ATLAS._NS[_term])
del _term


GEO = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")

#: Prefixes predeclared in SPARQL queries and used in Turtle exports, sorted.
PREFIXES: dict[str, str] = {
    "atlas": NS,
    "dcmitype": str(DCMITYPE),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "geo": str(GEO),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "skos": str(SKOS),
    "xsd": str(XSD),
}

#: Record kinds, the IRI path segment each mints under, and its class.
KINDS: dict[str, tuple[str, URIRef]] = {
    "experience": ("experience", ATLAS.Experience),
    "family": ("issue", ATLAS.IssueFamily),
    "issue": ("issue", ATLAS.Issue),
    "principle": ("principle", ATLAS.Principle),
    "territory": ("territory", ATLAS.Territory),
    "actor": ("actor", ATLAS.Actor),
    "collection": ("collection", ATLAS.Collection),
    "community": ("community", ATLAS.LearningCommunity),
    "workarea": ("workarea", ATLAS.WorkArea),
    "journey": ("journey", ATLAS.LearningJourney),
}

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def mint_iri(base: str, kind: str, slug: str) -> URIRef:
    """Return the IRI of a record from its kind and slug, under ``base``.

    Issues and issue families share the ``issue/`` segment, so a family and an
    issue can never carry the same slug without the collision being caught.

    Parameters
    ----------
    base : str
        The atlas base IRI, ending with ``/`` or ``#``.
    kind : str
        One of :data:`KINDS`.
    slug : str
        A lower-case slug (``[a-z0-9]`` words joined by ``-``).

    Returns
    -------
    rdflib.URIRef

    Raises
    ------
    ValueError
        If the kind is unknown or the slug is malformed.

    Examples
    --------
    >>> mint_iri("https://example.org/a/", "issue", "biodiversity")
    rdflib.term.URIRef('https://example.org/a/issue/biodiversity')
    >>> mint_iri("https://example.org/a/", "family", "ecosystems")
    rdflib.term.URIRef('https://example.org/a/issue/ecosystems')
    """
    return URIRef(iri_text(base, kind, slug))


def iri_text(base: str, kind: str, slug: str) -> str:
    """Return the IRI :func:`mint_iri` mints, as a plain string (indexing 100k ids spares the URIRefs).

    Examples
    --------
    >>> iri_text("https://example.org/a/", "territory", "le-mene")
    'https://example.org/a/territory/le-mene'
    """
    if kind not in KINDS:
        raise ValueError(f"unknown record kind {kind!r}")
    if not SLUG_RE.fullmatch(slug):
        raise ValueError(f"malformed slug {slug!r}")
    return f"{base}{KINDS[kind][0]}/{slug}"


def graph_iri(base: str, relpath: str) -> str:
    """Return the IRI of the named graph that holds one source file (a plain string: 100k per build).

    Examples
    --------
    >>> graph_iri("https://example.org/a/", "experiences/x.md")
    'https://example.org/a/source/experiences/x.md'
    """
    return f"{base}source/{relpath}"


def short(iri: str) -> str:
    """Return ``iri`` as a prefixed name when a known prefix fits, else ``<iri>``.

    >>> short("http://www.w3.org/2004/02/skos/core#broader")
    'skos:broader'
    >>> short("https://example.org/x")
    '<https://example.org/x>'
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"
