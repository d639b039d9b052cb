"""Tests for ontology/: the OWL ontology, the SHACL shapes and the JSON-LD context agree.

The SHACL tests validate one small, complete atlas (every record class, written
by hand below) and then one mutation of it per rule: each mutation must break
exactly the rule named, and nothing else.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph
import pyshacl
import pytest
from rdflib import OWL, RDF, RDFS, SH, SKOS, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, PROV

from atlas.vocab import ATLAS, GEO, NS, PREFIXES, SCHEMA

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "atlas.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"
CONTEXT = ROOT / "ontology" / "context.jsonld"
MODEL_DOC = ROOT / "docs" / "model.md"

DCMITYPE = Namespace("http://purl.org/dc/dcmitype/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
# A plain Namespace: rdflib's XSD warns on every unknown attribute pytest probes for.
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


@pytest.fixture(scope="module")
def context() -> dict:
    return json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]


def atlas_terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, kind) if str(s).startswith(NS))


# ---- the ontology --------------------------------------------------------------------------------


def test_ontology_parses_alike_in_rdflib_and_pyoxigraph(ontology):
    store = pyoxigraph.Store()
    store.load(path=str(ONTOLOGY), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(ontology) > 0


def test_ontology_counts_terms_by_kind(ontology):
    counts = {kind.fragment: len(atlas_terms(ontology, kind)) for kind in TERM_TYPES}
    # 21 classes, 23 object and 19 datatype properties, 23 controlled values: the 86 terms of ATLAS.
    assert counts == {"Class": 21, "ObjectProperty": 23, "DatatypeProperty": 19, "NamedIndividual": 23}
    assert sum(counts.values()) == len(ATLAS.__annotations__)


def test_ontology_header(ontology):
    (onto,) = ontology.subjects(RDF.type, OWL.Ontology)
    assert onto == URIRef("https://w3id.org/relational-atlas/ns")
    assert ontology.value(onto, OWL.versionInfo) is not None
    assert {t.language for t in ontology.objects(onto, DCTERMS.title)} == {"en", "fr"}
    assert ontology.value(onto, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.mark.parametrize("predicate", [RDFS.label, SKOS.definition], ids=["label", "definition"])
def test_every_term_has_one_text_in_french_and_one_in_english(ontology, predicate):
    problems = []
    for kind in TERM_TYPES:
        for term in atlas_terms(ontology, kind):
            langs = sorted(str(o.language) for o in ontology.objects(term, predicate))
            if langs != ["en", "fr"]:
                problems.append(f"{term.fragment}: {langs}")
    assert problems == []


def test_every_property_has_a_domain_and_a_range(ontology):
    problems = []
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in atlas_terms(ontology, kind):
            for predicate in (RDFS.domain, RDFS.range):
                if len(list(ontology.objects(prop, predicate))) != 1:
                    problems.append(f"{prop.fragment} {predicate.fragment}")
    assert problems == []


def class_members(ontology: Graph, cls) -> set[URIRef]:
    """A named class, or the members of an ``owl:unionOf`` class expression."""
    union = ontology.value(cls, OWL.unionOf)
    return set(Collection(ontology, union)) if union is not None else {cls}


def test_object_properties_point_to_atlas_classes(ontology):
    classes = set(atlas_terms(ontology, OWL.Class))
    for prop in atlas_terms(ontology, OWL.ObjectProperty):
        for predicate in (RDFS.domain, RDFS.range):
            assert class_members(ontology, ontology.value(prop, predicate)) <= classes, prop


def test_datatype_properties_range_over_datatypes(ontology):
    allowed = {RDF.langString, XSD.string, XSD.gYear, XSD.integer, XSD.double}
    for prop in atlas_terms(ontology, OWL.DatatypeProperty):
        assert ontology.value(prop, RDFS.range) in allowed, prop


@pytest.mark.parametrize(
    ("term", "predicate", "reused"),
    [
        (ATLAS.Issue, RDFS.subClassOf, SKOS.Concept),
        (ATLAS.IssueFamily, RDFS.subClassOf, SKOS.Concept),
        (ATLAS.Principle, RDFS.subClassOf, SKOS.Concept),
        (ATLAS.Experience, RDFS.subClassOf, PROV.Activity),
        (ATLAS.LinkComputation, RDFS.subClassOf, PROV.Activity),
        (ATLAS.Actor, RDFS.subClassOf, FOAF.Agent),
        (ATLAS.Territory, RDFS.subClassOf, SCHEMA.Place),
        (ATLAS.Territory, RDFS.subClassOf, GEO.SpatialThing),
        (ATLAS.Collection, RDFS.subClassOf, DCMITYPE.Collection),
        (ATLAS.LearningCommunity, RDFS.subClassOf, FOAF.Group),
        (ATLAS.addresses, RDFS.subPropertyOf, DCTERMS.subject),
    ],
)
def test_the_ontology_reuses_standard_vocabularies(ontology, term, predicate, reused):
    assert (term, predicate, reused) in ontology


def enumeration(ontology: Graph, cls: URIRef) -> list[URIRef]:
    """The ``owl:oneOf`` list of a value class, in order."""
    (expr,) = ontology.objects(cls, OWL.equivalentClass)
    return list(Collection(ontology, ontology.value(expr, OWL.oneOf)))


VALUE_CLASSES = [ATLAS.ActorType, ATLAS.AdminLevel, ATLAS.CommunityType, ATLAS.LessonScope, ATLAS.TerritoryType]


@pytest.mark.parametrize("cls", VALUE_CLASSES, ids=lambda c: c.fragment)
def test_value_classes_enumerate_their_individuals(ontology, cls):
    individuals = set(ontology.subjects(RDF.type, cls))
    assert set(enumeration(ontology, cls)) == individuals
    assert all((i, RDF.type, OWL.NamedIndividual) in ontology for i in individuals)


def test_controlled_values_carry_the_keyword_of_the_source_format(ontology):
    # docs/sources.md: `type: peri-urban`, `type: local-authority`, `scope: structural`...
    notations = {str(ontology.value(i, SKOS.notation)) for i in atlas_terms(ontology, OWL.NamedIndividual)}
    assert {"peri-urban", "local-authority", "research-centre", "structural", "intercommunality"} <= notations
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", n) for n in notations)


# ---- the shapes ----------------------------------------------------------------------------------

RECORD_CLASSES = [
    "Atlas", "Experience", "Issue", "IssueFamily", "Principle", "Lesson", "Territory", "Milestone", "Actor",
    "Participation", "Collection", "LearningCommunity", "WorkArea", "LearningJourney", "SystemicLink",
    "LinkComputation",
]


def test_shapes_target_ontology_classes(ontology, shapes):
    targets = set(shapes.objects(None, SH.targetClass))
    assert targets
    assert sorted(t for t in targets if (t, RDF.type, OWL.Class) not in ontology) == []


def test_every_record_class_of_the_model_has_a_shape(shapes):
    in_doc = set(re.findall(r"a `atlas:([A-Z]\w*)`", MODEL_DOC.read_text(encoding="utf-8")))
    assert in_doc == set(RECORD_CLASSES)
    targets = {t.fragment for t in shapes.objects(None, SH.targetClass)}
    assert sorted(set(RECORD_CLASSES) - targets) == []


def test_every_shape_and_constraint_has_an_english_message(shapes):
    nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(shapes.subjects(SH.path, None))
    nodes |= set(shapes.objects(None, SH.sparql))
    missing = [n for n in nodes if not any(m.language == "en" for m in shapes.objects(n, SH.message))]
    assert missing == []


def shape_paths(shapes: Graph) -> set[URIRef]:
    """Every predicate a property shape constrains, forwards or inverse."""
    paths = set()
    for path in shapes.objects(None, SH.path):
        inverse = shapes.value(path, SH.inversePath)
        paths.add(inverse if inverse is not None else path)
    return paths


def test_shapes_name_only_declared_atlas_terms(ontology, shapes):
    used = {o for o in shapes.objects() if isinstance(o, URIRef) and str(o).startswith(NS)}
    assert sorted(t for t in used if (t, RDF.type, None) not in ontology) == []


def test_every_atlas_property_is_checked_by_a_shape(ontology, shapes):
    props = atlas_terms(ontology, OWL.ObjectProperty) + atlas_terms(ontology, OWL.DatatypeProperty)
    assert sorted(p.fragment for p in props if p not in shape_paths(shapes)) == []


def test_functional_properties_have_at_most_one_value_in_shapes(ontology, shapes):
    capped = {shapes.value(s, SH.path) for s in shapes.subjects(SH.maxCount, None)}
    functional = atlas_terms(ontology, OWL.FunctionalProperty)
    assert functional
    assert sorted(p.fragment for p in functional if p not in capped) == []


def test_shape_value_lists_match_the_ontology_enumerations(ontology, shapes):
    checked = 0
    for shape in shapes.subjects(SH["in"], None):
        path = shapes.value(shape, SH.path)
        values = list(Collection(shapes, shapes.value(shape, SH["in"])))
        assert values == enumeration(ontology, ontology.value(path, RDFS.range)), path
        checked += 1
    assert checked == 5  # territoryType, adminLevel, actorType, communityType, scope


# ---- SHACL validation on a tiny atlas ------------------------------------------------------------

BASE = "https://example.org/a/"

VALID = """
@base <https://example.org/a/> .
@prefix atlas: <https://w3id.org/relational-atlas/ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<> a atlas:Atlas ;
    dcterms:title "Atlas relationnel"@fr, "Relational atlas"@en ;
    dcterms:license <https://creativecommons.org/licenses/by-sa/4.0/> ;
    dcterms:language "fr", "en" ;
    dcterms:modified "2026-11-25"^^xsd:date .

<issue/ecosystems> a atlas:IssueFamily ;
    skos:prefLabel "Écosystèmes territoriaux"@fr, "Territorial ecosystems"@en ;
    skos:definition "Air, water, soil, climate, biodiversity."@en ;
    atlas:colour "#2e7d32" .

<issue/economy> a atlas:IssueFamily ;
    skos:prefLabel "Économie et territoire"@fr ;
    atlas:colour "#F9A825" .

<issue/biodiversity> a atlas:Issue ;
    skos:prefLabel "Biodiversité"@fr, "Biodiversity"@en ;
    skos:altLabel "nature"@en, "vivant"@fr, "faune et flore"@fr ;
    skos:broader <issue/ecosystems> ;
    skos:related <issue/local-savings> ;
    skos:exactMatch <http://www.wikidata.org/entity/Q47041> .

<issue/local-savings> a atlas:Issue ;
    skos:prefLabel "Épargne locale"@fr ;
    skos:broader <issue/economy> .

<issue/citizen-energy> a atlas:Issue ;
    skos:prefLabel "Énergie citoyenne"@fr ;
    skos:broader <issue/local-savings>, <issue/ecosystems> .

<principle/conditions-of-engagement> a atlas:Principle ;
    skos:prefLabel "Conditions de l'engagement"@fr ;
    skos:notation "1" ;
    atlas:statement "Créer les conditions de l'engagement."@fr ;
    dcterms:source <https://example.org/charter> .

<principle/act-in-cooperation> a atlas:Principle ;
    skos:prefLabel "Agir en coopération"@fr ;
    skos:notation "1.1" ;
    skos:broader <principle/conditions-of-engagement> .

<territory/le-mene> a atlas:Territory ;
    rdfs:label "Le Mené"@fr ;
    atlas:territoryType atlas:Rural ;
    atlas:adminLevel atlas:Municipality ;
    atlas:population 6500 ;
    atlas:populationYear "2016"^^xsd:gYear ;
    atlas:region "Bretagne" ;
    atlas:country "FR" ;
    geo:lat 48.2667 ;
    geo:long -2.5333 ;
    schema:containedInPlace <territory/cotes-d-armor> ;
    foaf:homepage <https://example.org/mene> ;
    dcterms:source <https://example.org/mene/energie> ;
    atlas:milestone <territory/le-mene/milestone/1> .

<territory/le-mene/milestone/1> a atlas:Milestone ;
    atlas:year "2016"^^xsd:gYear ;
    dcterms:description "The seven communes merge into one."@en ;
    dcterms:source <https://example.org/mene/fusion> .

<territory/cotes-d-armor> a atlas:Territory ;
    rdfs:label "Côtes-d'Armor"@fr ;
    atlas:adminLevel atlas:Department .

<actor/citeol> a atlas:Actor ;
    rdfs:label "SAS Citéol"@fr ;
    atlas:actorType atlas:Company ;
    atlas:basedIn <territory/le-mene> ;
    foaf:homepage <http://example.org/citeol> .

<actor/cerdd> a atlas:Actor ;
    rdfs:label "Cerdd"@fr ;
    atlas:actorType atlas:Association .

<collection/citego> a atlas:Collection ;
    rdfs:label "Citego"@fr ;
    foaf:homepage <https://example.org/citego> ;
    dcterms:description "Cités, territoires, gouvernance."@fr .

<experience/wind-farm> a atlas:Experience ;
    rdfs:label "Parc éolien citoyen"@fr, "Citizen wind farm"@en ;
    atlas:territory <territory/le-mene> ;
    atlas:startYear "2012"^^xsd:gYear ;
    atlas:endYear "2013"^^xsd:gYear ;
    atlas:summary "Inhabitants own part of a wind farm."@en ;
    atlas:narrative "Le **récit**."@fr, "The **narrative**."@en ;
    atlas:addresses <issue/citizen-energy>, <issue/local-savings>, <issue/biodiversity> ;
    atlas:illustrates <principle/conditions-of-engagement> ;
    atlas:involves <actor/citeol> ;
    atlas:participation <experience/wind-farm/participation/citeol> ;
    atlas:hasLesson <experience/wind-farm/lesson/1> ;
    dcterms:isPartOf <collection/citego> ;
    dcterms:source <https://example.org/mene/eolien> .

<experience/wind-farm/participation/citeol> a atlas:Participation ;
    atlas:actor <actor/citeol> ;
    atlas:role "société de projet"@fr, "project company"@en .

<experience/wind-farm/lesson/1> a atlas:Lesson ;
    atlas:statement "Local savings keep the value in the territory."@en ;
    atlas:scope atlas:Structural ;
    atlas:supports <principle/act-in-cooperation> ;
    atlas:concerns <issue/local-savings> .

<community/villes-pairs> a atlas:LearningCommunity ;
    rdfs:label "Atelier Villes pairs"@fr, "Peer-cities workshop"@en ;
    atlas:communityType atlas:Territorial ;
    atlas:member <territory/le-mene>, <actor/cerdd> ;
    atlas:theme <principle/conditions-of-engagement>, <issue/biodiversity> ;
    atlas:startYear "2016"^^xsd:gYear ;
    atlas:endYear "2021"^^xsd:gYear ;
    dcterms:source <https://example.org/villes-pairs> .

<workarea/energy> a atlas:WorkArea ;
    rdfs:label "Chantier énergie"@fr ;
    dcterms:isPartOf <community/villes-pairs> ;
    atlas:member <territory/le-mene> ;
    atlas:theme <issue/citizen-energy> .

<journey/mene-2019> a atlas:LearningJourney ;
    rdfs:label "Voyage apprenant au Mené"@fr ;
    atlas:organisedBy <actor/cerdd> ;
    atlas:year "2019"^^xsd:gYear ;
    atlas:visits <experience/wind-farm> ;
    atlas:member <actor/citeol> .

<link/biodiversity--local-savings> a atlas:SystemicLink ;
    atlas:linkSource <issue/biodiversity> ;
    atlas:linkTarget <issue/local-savings> ;
    atlas:measure "lift" ;
    atlas:score 1.5e0 ;
    atlas:pValue 4.0e-2 ;
    atlas:remoteness 3.0e0 ;
    atlas:support 1 ;
    atlas:evidence <experience/wind-farm> ;
    prov:wasGeneratedBy <run/1> .

<run/1> a atlas:LinkComputation ;
    atlas:parameters '{"measure": "lift"}' ;
    atlas:inputHash "sha256:0f3a" .
"""

PREAMBLE = "\n".join(line for line in VALID.splitlines() if line.startswith("@")) + "\n"


def iri(path: str) -> URIRef:
    return URIRef(BASE + path)


def validation_results(data: Graph, shapes: Graph, ontology: Graph | None = None) -> set[tuple[str, str]]:
    """Return the ``(severity, message)`` pairs of a SHACL validation, warnings included.

    No shaped class is a subclass of another, so mixing the ontology in changes no
    result; only the valid atlas is checked both ways (mixing costs half the time).
    """
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    results = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        severity = report.value(result, SH.resultSeverity).fragment
        results |= {(severity, str(m)) for m in report.objects(result, SH.resultMessage)}
    return results


@pytest.fixture(scope="module")
def valid() -> Graph:
    return Graph().parse(data=VALID, format="turtle")


def mutate(valid: Graph, drop: list[tuple[str, URIRef]], add: str) -> Graph:
    """The valid atlas, less every triple ``(record, predicate, *)`` in ``drop``, plus Turtle ``add``."""
    graph = Graph()
    graph += valid
    for path, predicate in drop:
        graph.remove((iri(path), predicate, None))
    graph.parse(data=PREAMBLE + add, format="turtle")
    return graph


@pytest.mark.parametrize("with_ontology", [True, False], ids=["with-ontology", "alone"])
def test_the_tiny_atlas_is_valid_without_a_warning(valid, shapes, ontology, with_ontology):
    assert validation_results(valid, shapes, ontology if with_ontology else None) == set()


EXP = "experience/wind-farm"
TER = "territory/le-mene"
LINK = "link/biodiversity--local-savings"

# (id, triples to drop, Turtle to add, the one message expected)
INVALID = [
    # experiences
    ("missing-territory", [(EXP, ATLAS.territory)], "",
     "an experience needs exactly one territory (atlas:territory)"),
    ("two-territories", [], "<experience/wind-farm> atlas:territory <territory/cotes-d-armor> .",
     "an experience needs exactly one territory (atlas:territory)"),
    ("untyped-territory", [(EXP, ATLAS.territory)], "<experience/wind-farm> atlas:territory <territory/x> .",
     "the territory of an experience (atlas:territory) must be a territory record (atlas:Territory)"),
    ("missing-title", [(EXP, RDFS.label)], "",
     "an experience needs a title (rdfs:label)"),
    ("label-without-language", [(EXP, RDFS.label)], '<experience/wind-farm> rdfs:label "Wind farm" .',
     "a label (rdfs:label) needs a language tag (fr, en...), at most one label per language"),
    ("two-labels-in-one-language", [], '<experience/wind-farm> rdfs:label "Another title"@en .',
     "a label (rdfs:label) needs a language tag (fr, en...), at most one label per language"),
    ("missing-issue", [(EXP, ATLAS.addresses)], "",
     "an experience needs at least one issue (atlas:addresses)"),
    ("addresses-a-family", [], "<experience/wind-farm> atlas:addresses <issue/ecosystems> .",
     "an experience addresses issues (atlas:Issue) only, not issue families or other records (atlas:addresses)"),
    ("missing-source", [(EXP, DCTERMS.source)], "",
     "an experience needs at least one source (dcterms:source)"),
    ("ftp-source", [], "<experience/wind-farm> dcterms:source <ftp://example.org/x> .",
     "a source (dcterms:source) must be an http:// or https:// URL, written as an IRI"),
    ("source-as-string", [], '<experience/wind-farm> dcterms:source "https://example.org/x" .',
     "a source (dcterms:source) must be an http:// or https:// URL, written as an IRI"),
    ("year-as-integer", [(EXP, ATLAS.startYear)], "<experience/wind-farm> atlas:startYear 2012 .",
     "there is at most one start year (atlas:startYear), an xsd:gYear such as 2012"),
    ("end-before-start", [(EXP, ATLAS.endYear)], '<experience/wind-farm> atlas:endYear "2010"^^xsd:gYear .',
     "the end year (atlas:endYear) cannot come before the start year (atlas:startYear)"),
    ("narrative-without-language", [(EXP, ATLAS.narrative)], '<experience/wind-farm> atlas:narrative "Text" .',
     "the narrative of an experience (atlas:narrative) needs a language tag (fr, en...), at most one per language"),
    ("blank-node-experience", [],
     '[] a atlas:Experience ; rdfs:label "x"@en ; atlas:territory <territory/le-mene> ; '
     'atlas:startYear "2020"^^xsd:gYear ; atlas:addresses <issue/biodiversity> ; '
     "dcterms:source <https://example.org/x> .",
     "an experience must be named by an IRI, not a blank node"),
    # participations and lessons
    ("participant-not-involved", [(EXP, ATLAS.involves)], "",
     "an actor with a participation in an experience (atlas:participation) must also be among its actors "
     "(atlas:involves)"),
    ("role-without-language", [], '<experience/wind-farm/participation/citeol> atlas:role "operator" .',
     "the role of an actor (atlas:role) needs a language tag (fr, en...), at most one per language"),
    ("lesson-scope-urban", [(EXP + "/lesson/1", ATLAS.scope)],
     "<experience/wind-farm/lesson/1> atlas:scope atlas:Urban .",
     "the scope of a lesson (atlas:scope) is at most one of atlas:Structural or atlas:Circumstantial"),
    ("lesson-without-statement", [(EXP + "/lesson/1", ATLAS.statement)], "",
     "a lesson needs a statement (atlas:statement)"),
    ("orphan-lesson", [(EXP, ATLAS.hasLesson)], "",
     "a lesson belongs to exactly one experience (atlas:hasLesson)"),
    # the thesaurus
    ("colour-name", [("issue/ecosystems", ATLAS.colour)], '<issue/ecosystems> atlas:colour "green" .',
     "the colour of an issue family (atlas:colour) must be a string written #rrggbb, such as #2e7d32"),
    ("colour-too-short", [("issue/ecosystems", ATLAS.colour)], '<issue/ecosystems> atlas:colour "#2e7d3" .',
     "the colour of an issue family (atlas:colour) must be a string written #rrggbb, such as #2e7d32"),
    ("missing-colour", [("issue/ecosystems", ATLAS.colour)], "",
     "an issue family needs exactly one colour (atlas:colour)"),
    ("family-with-broader", [], "<issue/economy> skos:broader <issue/ecosystems> .",
     "an issue family is the top of the thesaurus: it has no broader concept (skos:broader)"),
    ("issue-without-broader", [("issue/local-savings", SKOS.broader)], "",
     "an issue needs at least one broader issue or issue family (skos:broader)"),
    ("issue-under-a-principle", [], "<issue/local-savings> skos:broader <principle/act-in-cooperation> .",
     "the broader concepts of an issue (skos:broader) must be issues (atlas:Issue) or issue families "
     "(atlas:IssueFamily)"),
    ("related-and-broader", [], "<issue/citizen-energy> skos:related <issue/local-savings> .",
     "an issue cannot be both related to (skos:related) and narrower than (skos:broader) the same concept"),
    ("prefLabel-without-language", [], '<issue/local-savings> skos:prefLabel "Local savings" .',
     "a label (skos:prefLabel) needs a language tag (fr, en...), at most one label per language"),
    ("principle-under-an-issue", [], "<principle/act-in-cooperation> skos:broader <issue/biodiversity> .",
     "the parent of a guiding principle (skos:broader) must be a guiding principle (atlas:Principle)"),
    # territories
    ("negative-population", [(TER, ATLAS.population)], "<territory/le-mene> atlas:population -3 .",
     "a territory has at most one population (atlas:population), a whole number (xsd:integer) of 0 or more"),
    ("population-as-string", [(TER, ATLAS.population)], '<territory/le-mene> atlas:population "-3" .',
     "a territory has at most one population (atlas:population), a whole number (xsd:integer) of 0 or more"),
    ("latitude-123", [(TER, GEO.lat)], "<territory/le-mene> geo:lat 123.0 .",
     "a territory has at most one latitude (geo:lat), an xsd:decimal between -90 and 90"),
    ("longitude-200", [(TER, GEO.long)], "<territory/le-mene> geo:long 200.0 .",
     "a territory has at most one longitude (geo:long), an xsd:decimal between -180 and 180"),
    ("latitude-as-double", [(TER, GEO.lat)], "<territory/le-mene> geo:lat 4.82667e1 .",
     "a territory has at most one latitude (geo:lat), an xsd:decimal between -90 and 90"),
    ("latitude-without-longitude", [(TER, GEO.long)], "",
     "a territory needs both a latitude (geo:lat) and a longitude (geo:long), or neither"),
    ("lower-case-country", [(TER, ATLAS.country)], '<territory/le-mene> atlas:country "fr" .',
     "the country of a territory (atlas:country) is at most one ISO 3166-1 alpha-2 code in capitals, such as FR"),
    ("territory-type-structural", [(TER, ATLAS.territoryType)],
     "<territory/le-mene> atlas:territoryType atlas:Structural .",
     "the type of a territory (atlas:territoryType) is at most one of atlas:Rural, atlas:PeriUrban or atlas:Urban"),
    ("two-parents", [], "<territory/le-mene> schema:containedInPlace <territory/le-mene> .",
     "a territory has at most one parent territory (schema:containedInPlace), an atlas:Territory"),
    ("ftp-homepage", [(TER, FOAF.homepage)], "<territory/le-mene> foaf:homepage <ftp://example.org/> .",
     "a homepage (foaf:homepage) is at most one http:// or https:// URL, written as an IRI"),
    ("milestone-without-year", [(TER + "/milestone/1", ATLAS.year)], "",
     "a milestone needs exactly one year (atlas:year)"),
    # actors, communities, journeys
    ("actor-type-rural", [("actor/cerdd", ATLAS.actorType)], "<actor/cerdd> atlas:actorType atlas:Rural .",
     "the type of an actor (atlas:actorType) is at most one of atlas:LocalAuthority, atlas:Association, "
     "atlas:Company, atlas:Cooperative, atlas:ResearchCentre, atlas:PublicService, atlas:CitizensGroup, "
     "atlas:Network or atlas:Foundation"),
    ("member-is-an-issue", [], "<community/villes-pairs> atlas:member <issue/biodiversity> .",
     "a member (atlas:member) must be a territory (atlas:Territory) or an actor (atlas:Actor)"),
    ("theme-is-a-territory", [], "<workarea/energy> atlas:theme <territory/le-mene> .",
     "a theme (atlas:theme) must be an issue (atlas:Issue) or a guiding principle (atlas:Principle)"),
    ("community-ends-before-start", [("community/villes-pairs", ATLAS.endYear)],
     '<community/villes-pairs> atlas:endYear "2015"^^xsd:gYear .',
     "the end year (atlas:endYear) cannot come before the start year (atlas:startYear)"),
    ("work-area-without-community", [("workarea/energy", DCTERMS.isPartOf)], "",
     "a work area belongs to exactly one learning community (dcterms:isPartOf)"),
    ("work-area-in-a-collection", [("workarea/energy", DCTERMS.isPartOf)],
     "<workarea/energy> dcterms:isPartOf <collection/citego> .",
     "the community of a work area (dcterms:isPartOf) must be a learning community record "
     "(atlas:LearningCommunity)"),
    ("journey-visits-a-territory", [], "<journey/mene-2019> atlas:visits <territory/le-mene> .",
     "a learning journey visits experiences (atlas:Experience) only (atlas:visits)"),
    # computed links and the atlas
    ("link-in-wrong-order", [(LINK, ATLAS.linkSource), (LINK, ATLAS.linkTarget)],
     "<link/biodiversity--local-savings> atlas:linkSource <issue/local-savings> ; "
     "atlas:linkTarget <issue/biodiversity> .",
     "the source issue of a systemic link (atlas:linkSource) must sort before its target issue (atlas:linkTarget)"),
    ("p-value-above-one", [(LINK, ATLAS.pValue)], "<link/biodiversity--local-savings> atlas:pValue 1.5e0 .",
     "a systemic link has at most one p-value (atlas:pValue), an xsd:double between 0 and 1"),
    ("score-as-decimal", [(LINK, ATLAS.score)], "<link/biodiversity--local-savings> atlas:score 1.5 .",
     "a systemic link needs exactly one score (atlas:score), an xsd:double"),
    ("link-without-computation", [(LINK, PROV.wasGeneratedBy)], "",
     "a systemic link needs exactly one computation that generated it (prov:wasGeneratedBy), "
     "an atlas:LinkComputation"),
    ("computation-without-hash", [("run/1", ATLAS.inputHash)], "",
     "a link computation needs exactly one input hash (atlas:inputHash), a string"),
    ("atlas-licence-as-string", [("", DCTERMS.license)],
     '<> dcterms:license "https://creativecommons.org/licenses/by-sa/4.0/" .',
     "the licence of an atlas (dcterms:license) must be an http:// or https:// URL, written as an IRI"),
    ("atlas-language-name", [], '<> dcterms:language "French" .',
     "a language of an atlas (dcterms:language) must be a BCP 47 tag written as a string, such as fr or en-GB"),
]


@pytest.mark.parametrize(("drop", "add", "message"), [case[1:] for case in INVALID], ids=[c[0] for c in INVALID])
def test_each_broken_rule_gives_its_message(valid, shapes, drop, add, message):
    assert validation_results(mutate(valid, drop, add), shapes) == {("Violation", message)}


def test_an_experience_without_start_year_gives_a_warning(valid, shapes):
    results = validation_results(mutate(valid, [(EXP, ATLAS.startYear)], ""), shapes)
    assert results == {
        ("Warning", "an experience should have a start year (atlas:startYear), so that it can be placed in time")
    }


# ---- the JSON-LD context -------------------------------------------------------------------------


def test_context_declares_the_atlas_prefixes(context):
    assert {p: context[p] for p in PREFIXES} == PREFIXES


def expand_curie(context: dict, curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return context[prefix] + local


def context_iri(context: dict, term: str) -> str:
    value = context[term]
    return expand_curie(context, value if isinstance(value, str) else value["@id"])


def test_context_names_every_atlas_term_by_its_own_name(context):
    missing = [t for t in ATLAS.__annotations__ if t not in context or context_iri(context, t) != NS + t]
    assert missing == []


def test_context_types_follow_the_ontology_ranges(ontology, context):
    for prop in atlas_terms(ontology, OWL.ObjectProperty):
        rng = ontology.value(prop, RDFS.range)
        expected = "@vocab" if rng in VALUE_CLASSES else "@id"
        assert context[prop.fragment].get("@type") == expected, prop
    for prop in atlas_terms(ontology, OWL.DatatypeProperty):
        rng = ontology.value(prop, RDFS.range)
        entry = context[prop.fragment]
        if rng == RDF.langString:
            assert entry["@container"] == "@language", prop
        elif rng == XSD.string:
            assert entry == "atlas:" + prop.fragment, prop
        else:
            assert expand_curie(context, entry["@type"]) == str(rng), prop


@pytest.mark.parametrize(
    ("term", "iri"),
    [
        ("label", RDFS.label), ("prefLabel", SKOS.prefLabel), ("altLabel", SKOS.altLabel),
        ("definition", SKOS.definition), ("broader", SKOS.broader), ("related", SKOS.related),
        ("source", DCTERMS.source), ("homepage", FOAF.homepage), ("lat", GEO.lat), ("long", GEO.long),
        ("containedInPlace", SCHEMA.containedInPlace), ("isPartOf", DCTERMS.isPartOf),
        ("wasGeneratedBy", PROV.wasGeneratedBy), ("title", DCTERMS.title), ("license", DCTERMS.license),
    ],
)
def test_context_names_the_reused_terms(context, term, iri):
    assert context_iri(context, term) == str(iri)


# Values a contributor would write: a year as a number, a scope by its short name,
# labels as a language map, coordinates as strings (a JSON number cannot carry an
# xsd:decimal through every JSON-LD processor).
JSONLD_DOC = {
    "@graph": [
        {
            "id": BASE + "experience/wind-farm",
            "type": "Experience",
            "label": {"fr": "Parc éolien citoyen", "en": "Citizen wind farm"},
            "territory": BASE + "territory/le-mene",
            "startYear": 2012,
            "addresses": [BASE + "issue/local-savings"],
            "hasLesson": BASE + "experience/wind-farm/lesson/1",
            "source": "https://example.org/mene/eolien",
        },
        {
            "id": BASE + "experience/wind-farm/lesson/1",
            "type": "Lesson",
            "statement": {"en": "Local savings keep the value in the territory."},
            "scope": "Structural",
        },
        {
            "id": BASE + "territory/le-mene",
            "type": "Territory",
            "label": {"fr": "Le Mené"},
            "territoryType": "Rural",
            "adminLevel": "atlas:Municipality",
            "population": 6500,
            "country": "FR",
            "lat": "48.2667",
            "long": "-2.5333",
            "homepage": "https://example.org/mene",
        },
        {
            "id": BASE + "issue/local-savings",
            "type": "Issue",
            "prefLabel": {"fr": "Épargne locale"},
            "altLabel": {"fr": ["épargne de proximité", "finance locale"]},
            "broader": BASE + "issue/economy",
        },
    ]
}

JSONLD_EXPECTED = PREAMBLE + """
<experience/wind-farm> a atlas:Experience ;
    rdfs:label "Parc éolien citoyen"@fr, "Citizen wind farm"@en ;
    atlas:territory <territory/le-mene> ;
    atlas:startYear "2012"^^xsd:gYear ;
    atlas:addresses <issue/local-savings> ;
    atlas:hasLesson <experience/wind-farm/lesson/1> ;
    dcterms:source <https://example.org/mene/eolien> .

<experience/wind-farm/lesson/1> a atlas:Lesson ;
    atlas:statement "Local savings keep the value in the territory."@en ;
    atlas:scope atlas:Structural .

<territory/le-mene> a atlas:Territory ;
    rdfs:label "Le Mené"@fr ;
    atlas:territoryType atlas:Rural ;
    atlas:adminLevel atlas:Municipality ;
    atlas:population 6500 ;
    atlas:country "FR" ;
    geo:lat 48.2667 ;
    geo:long -2.5333 ;
    foaf:homepage <https://example.org/mene> .

<issue/local-savings> a atlas:Issue ;
    skos:prefLabel "Épargne locale"@fr ;
    skos:altLabel "épargne de proximité"@fr, "finance locale"@fr ;
    skos:broader <issue/economy> .
"""


def jsonld_text(context: dict) -> str:
    # The context is inlined from the local file: nothing is fetched.
    return json.dumps({"@context": context, **JSONLD_DOC}, ensure_ascii=False)


def test_context_expands_a_document_to_the_expected_triples_in_rdflib(context):
    got = Graph().parse(data=jsonld_text(context), format="json-ld")
    expected = Graph().parse(data=JSONLD_EXPECTED, format="turtle")
    assert isomorphic(got, expected), sorted(set(got) ^ set(expected))


def test_context_expands_a_document_to_the_expected_triples_in_pyoxigraph(context):
    quads = pyoxigraph.parse(jsonld_text(context).encode("utf-8"), format=pyoxigraph.RdfFormat.JSON_LD)
    ntriples = pyoxigraph.serialize([q.triple for q in quads], format=pyoxigraph.RdfFormat.N_TRIPLES)
    got = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    expected = Graph().parse(data=JSONLD_EXPECTED, format="turtle")
    assert isomorphic(got, expected), sorted(set(got) ^ set(expected))


def test_a_jsonld_record_passes_the_shapes_once_its_references_are_typed(context, shapes, ontology):
    # The issue's broader family and its label are what the JSON-LD leaves out.
    graph = Graph().parse(data=jsonld_text(context), format="json-ld")
    graph.add((iri("issue/economy"), RDF.type, ATLAS.IssueFamily))
    graph.add((iri("issue/economy"), SKOS.prefLabel, Literal("Économie", lang="fr")))
    graph.add((iri("issue/economy"), ATLAS.colour, Literal("#f9a825")))
    assert validation_results(graph, shapes, ontology) == set()
