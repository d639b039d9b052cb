"""Every named query of atlas/queries/ on a tiny hand-made atlas, against rows worked out by hand.

The atlas below follows docs/model.md: one named graph per source file, no
blank nodes. What matters for the expectations:

    families      ecosystems, economy
    issues        energy      < ecosystems
                  citizen-energy < energy, economy      (two parents)
                  heat        < energy
                  savings     < economy
                  food        < ecosystems
    principles    engagement "1"  ⊃  engagement-trust "1.1";  cooperation "2"
    territories   bretagne (rural region) ⊃ le-mene (rural); mouans (peri-urban); lyon (urban)
    experiences   wind    le-mene 2012  citizen-energy, savings  illustrates engagement-trust
                          actors citeol (role "project company") and coop
                          lesson 1: structural, supports engagement, concerns savings
                  heat    le-mene 2014  heat, citizen-energy     illustrates cooperation
                          actor coop; lesson 1: circumstantial, supports cooperation (French only)
                  canteen mouans  2012  food, savings            (French title only)
                  market  lyon    2015  food, savings
    links         citizen-energy–savings  pmi 0.8 (evidence wind); food–savings pmi 0.3 (canteen, market)
    community     peers: le-mene, mouans, citeol
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from atlas.errors import NotFoundError, QueryError
from atlas.query import get_query, list_queries, parse_params, run_query
from atlas.store import open_store
from atlas.vocab import NS

B = "https://example.org/t/"

MINI_ATLAS = """
@prefix atlas: <https://w3id.org/relational-atlas/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix b: <https://example.org/t/> .
@prefix i: <https://example.org/t/issue/> .
@prefix p: <https://example.org/t/principle/> .
@prefix t: <https://example.org/t/territory/> .
@prefix a: <https://example.org/t/actor/> .
@prefix e: <https://example.org/t/experience/> .
@prefix src: <https://example.org/t/source/> .

src:thesaurus.yaml {
  b:thesaurus\\/issues a skos:ConceptScheme .
  i:ecosystems a atlas:IssueFamily ; skos:prefLabel "Territorial ecosystems"@en, "Écosystèmes"@fr ;
      skos:topConceptOf b:thesaurus\\/issues .
  i:economy a atlas:IssueFamily ; skos:prefLabel "Economy"@en, "Économie"@fr ;
      skos:topConceptOf b:thesaurus\\/issues .
  i:energy a atlas:Issue ; skos:prefLabel "Energy"@en, "Énergie"@fr ; skos:broader i:ecosystems ;
      skos:inScheme b:thesaurus\\/issues .
  i:citizen-energy a atlas:Issue ; skos:prefLabel "Citizen energy"@en, "Énergie citoyenne"@fr ;
      skos:broader i:energy, i:economy ; skos:inScheme b:thesaurus\\/issues .
  i:heat a atlas:Issue ; skos:prefLabel "Heat networks"@en, "Réseaux de chaleur"@fr ; skos:broader i:energy ;
      skos:inScheme b:thesaurus\\/issues .
  i:savings a atlas:Issue ; skos:prefLabel "Local savings"@en, "Épargne locale"@fr ; skos:broader i:economy ;
      skos:inScheme b:thesaurus\\/issues .
  i:food a atlas:Issue ; skos:prefLabel "Food"@en, "Alimentation"@fr ; skos:broader i:ecosystems ;
      skos:inScheme b:thesaurus\\/issues .
}

src:principles.yaml {
  p:engagement a atlas:Principle ; skos:notation "1" ; skos:prefLabel "Conditions of engagement"@en .
  p:engagement-trust a atlas:Principle ; skos:notation "1.1" ; skos:prefLabel "Build trust"@en ;
      skos:broader p:engagement .
  p:cooperation a atlas:Principle ; skos:notation "2" ; skos:prefLabel "Coopérer"@fr .
}

src:territories.yaml {
  t:bretagne a atlas:Territory ; rdfs:label "Bretagne"@fr ; atlas:territoryType atlas:Rural ;
      atlas:adminLevel atlas:Region ; atlas:country "FR" .
  t:le-mene a atlas:Territory ; rdfs:label "Le Mené"@fr ; atlas:territoryType atlas:Rural ;
      atlas:adminLevel atlas:Municipality ; atlas:population 6500 ; atlas:country "FR" ;
      schema:containedInPlace t:bretagne .
  t:mouans a atlas:Territory ; rdfs:label "Mouans-Sartoux"@fr ; atlas:territoryType atlas:PeriUrban ;
      atlas:adminLevel atlas:Municipality ; atlas:population 10000 ; atlas:country "FR" .
  t:lyon a atlas:Territory ; rdfs:label "Lyon"@fr ; atlas:territoryType atlas:Urban ;
      atlas:adminLevel atlas:Municipality ; atlas:country "FR" .
}

src:actors.yaml {
  a:citeol a atlas:Actor ; rdfs:label "Citéol"@fr ; atlas:actorType atlas:Company ; atlas:basedIn t:le-mene .
  a:coop a atlas:Actor ; rdfs:label "Énergie Coop"@fr ; atlas:actorType atlas:Cooperative .
}

src:experiences\\/wind.md {
  e:wind a atlas:Experience ; rdfs:label "Citizen wind farm"@en, "Parc éolien citoyen"@fr ;
      atlas:territory t:le-mene ; atlas:startYear "2012"^^xsd:gYear ;
      atlas:addresses i:citizen-energy, i:savings ; atlas:illustrates p:engagement-trust ;
      atlas:involves a:citeol, a:coop ; atlas:participation e:wind\\/participation\\/citeol ;
      atlas:hasLesson e:wind\\/lesson\\/1 ; dcterms:source <https://example.org/press/wind> .
  e:wind\\/participation\\/citeol a atlas:Participation ; atlas:actor a:citeol ;
      atlas:role "project company"@en, "société de projet"@fr .
  e:wind\\/lesson\\/1 a atlas:Lesson ; atlas:statement "Local savings follow trust."@en ;
      atlas:scope atlas:Structural ; atlas:supports p:engagement ; atlas:concerns i:savings .
}

src:experiences\\/heat.md {
  e:heat a atlas:Experience ; rdfs:label "Wood heat networks"@en, "Réseaux de chaleur bois"@fr ;
      atlas:territory t:le-mene ; atlas:startYear "2014"^^xsd:gYear ;
      atlas:addresses i:heat, i:citizen-energy ; atlas:illustrates p:cooperation ;
      atlas:involves a:coop ; atlas:hasLesson e:heat\\/lesson\\/1 .
  e:heat\\/lesson\\/1 a atlas:Lesson ; atlas:statement "La forêt locale suffit."@fr ;
      atlas:scope atlas:Circumstantial ; atlas:supports p:cooperation .
}

src:experiences\\/canteen.md {
  e:canteen a atlas:Experience ; rdfs:label "Cantine bio"@fr ;
      atlas:territory t:mouans ; atlas:startYear "2012"^^xsd:gYear ; atlas:addresses i:food, i:savings .
}

src:experiences\\/market.md {
  e:market a atlas:Experience ; rdfs:label "Farmers' market"@en ;
      atlas:territory t:lyon ; atlas:startYear "2015"^^xsd:gYear ; atlas:addresses i:food, i:savings .
}

src:links.ttl {
  b:link\\/1 a atlas:SystemicLink ; atlas:linkSource i:citizen-energy ; atlas:linkTarget i:savings ;
      atlas:measure "pmi" ; atlas:score "0.8"^^xsd:double ; atlas:support 1 ; atlas:remoteness "2.0"^^xsd:double ;
      atlas:pValue "0.1"^^xsd:double ; atlas:evidence e:wind ; prov:wasGeneratedBy b:computation .
  b:link\\/2 a atlas:SystemicLink ; atlas:linkSource i:food ; atlas:linkTarget i:savings ;
      atlas:measure "pmi" ; atlas:score "0.3"^^xsd:double ; atlas:support 2 ; atlas:remoteness "2.0"^^xsd:double ;
      atlas:pValue "0.2"^^xsd:double ; atlas:evidence e:canteen, e:market ; prov:wasGeneratedBy b:computation .
  b:computation a atlas:LinkComputation ; atlas:parameters "{}" ; atlas:inputHash "abc" .
}

src:communities.yaml {
  b:community\\/peers a atlas:LearningCommunity ; rdfs:label "Peers"@en ;
      atlas:communityType atlas:Territorial ; atlas:member t:le-mene, t:mouans, a:citeol ;
      atlas:theme p:engagement .
}
"""


def mini_quads() -> list[ox.Quad]:
    """The quads of the tiny atlas, in its named graphs."""
    return list(ox.parse(MINI_ATLAS, format=ox.RdfFormat.TRIG))


def load_mini(store) -> None:
    """Write the tiny atlas into an embedded store, one named graph per 'file'."""
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in mini_quads():
        by_graph.setdefault(q.graph_name.value, []).append(q)
    with store.transaction() as w:
        for graph, quads in sorted(by_graph.items()):
            w.replace_graph(graph, quads)


def short(value: str | None) -> str | None:
    """Shorten IRIs of the tiny atlas and of the ontology, to keep expectations readable."""
    if value is None:
        return None
    if value.startswith(B):
        return value[len(B):]
    if value.startswith(NS):
        return "atlas:" + value[len(NS):]
    return value


def rows_of(result) -> list[tuple]:
    """Rows of a SELECT result as tuples of shortened lexical values."""
    return [tuple(short(None if t is None else t.value) for t in row) for row in result.rows]


@pytest.fixture(scope="module")
def store():
    s = open_store(memory=True)
    load_mini(s)
    return s


def run_named(store, name: str, *params: str) -> list[tuple]:
    query = get_query(name)
    bindings = parse_params(params)
    query.check_params(bindings)
    return rows_of(run_query(store, query.text, bindings=bindings))


# ---------------------------------------------------------------------------------------------
# The library and its headers


def test_at_least_twelve_named_queries_with_headers():
    queries = list_queries()
    assert len(queries) >= 12
    for q in queries:
        assert q.title and q.description, q.name
        for name, text in q.params:
            assert text, f"{q.name}: parameter ?{name} is not described"


def test_every_parameter_is_projected():
    # pyoxigraph binds only projected variables; a remote store needs them in the WHERE group
    from atlas.query import check_query

    for q in list_queries():
        info = check_query(q.text)
        assert info.form == "SELECT"
        for name in q.param_names:
            assert info.projection is None or name in info.projection, (q.name, name)


def test_unknown_query_suggests_close_names():
    with pytest.raises(NotFoundError, match="did you mean 'issue-pairs'"):
        get_query("issue-pair")


def test_unknown_parameter_is_refused():
    with pytest.raises(QueryError, match=r"has no parameter \?territory \(it takes \?issue\)"):
        get_query("experiences-by-issue").check_params({"territory": ox.NamedNode(B + "territory/lyon")})


# ---------------------------------------------------------------------------------------------
# Each query, by hand


def test_experiences_by_issue(store):
    # issues under energy: energy, citizen-energy, heat -> heat (2 rows), wind (1 row)
    assert run_named(store, "experiences-by-issue", f"issue=<{B}issue/energy>") == [
        ("issue/energy", "experience/heat", "Wood heat networks", "issue/citizen-energy", "territory/le-mene", "2014"),
        ("issue/energy", "experience/heat", "Wood heat networks", "issue/heat", "territory/le-mene", "2014"),
        ("issue/energy", "experience/wind", "Citizen wind farm", "issue/citizen-energy", "territory/le-mene", "2012"),
    ]


def test_experiences_by_issue_falls_back_to_french_labels(store):
    # food: canteen (French title only) and market
    rows = run_named(store, "experiences-by-issue", f"issue=<{B}issue/food>")
    assert [(r[1], r[2]) for r in rows] == [("experience/canteen", "Cantine bio"),
                                             ("experience/market", "Farmers' market")]


def test_issues_of_territory_include_contained_places(store):
    # bretagne contains le-mene: wind (citizen-energy, savings) + heat (heat, citizen-energy)
    assert run_named(store, "issues-of-territory", f"territory=<{B}territory/bretagne>") == [
        ("territory/bretagne", "issue/citizen-energy", "Citizen energy", "2"),
        ("territory/bretagne", "issue/heat", "Heat networks", "1"),
        ("territory/bretagne", "issue/savings", "Local savings", "1"),
    ]


def test_evidence_of_principle(store):
    # engagement: wind illustrates the sub-principle engagement-trust; wind's lesson supports engagement
    assert run_named(store, "evidence-of-principle", f"principle=<{B}principle/engagement>") == [
        ("principle/engagement", "experience/wind", "illustrates", "principle/engagement-trust", None, None),
        ("principle/engagement", "experience/wind", "lesson", "principle/engagement", "experience/wind/lesson/1",
         "Local savings follow trust."),
    ]
    # cooperation: the lesson statement exists in French only
    assert run_named(store, "evidence-of-principle", f"principle=<{B}principle/cooperation>")[1][-1] == (
        "La forêt locale suffit."
    )


def test_territories_sharing_issue(store):
    # savings: wind (le-mene), canteen (mouans), market (lyon); pairs in IRI order le-mene < lyon < mouans
    assert run_named(store, "territories-sharing-issue", f"issue=<{B}issue/savings>") == [
        ("issue/savings", "territory/le-mene", "territory/lyon", "1", "1"),
        ("issue/savings", "territory/le-mene", "territory/mouans", "1", "1"),
        ("issue/savings", "territory/lyon", "territory/mouans", "1", "1"),
    ]
    # citizen-energy: wind and heat are both in le-mene: no pair of distinct territories
    assert run_named(store, "territories-sharing-issue", f"issue=<{B}issue/citizen-energy>") == []


def test_experiences_per_family_per_year(store):
    # ecosystems ⊃ energy ⊃ {citizen-energy, heat}, food: wind 2012, canteen 2012, heat 2014, market 2015
    assert run_named(store, "experiences-per-family-per-year", f"family=<{B}issue/ecosystems>") == [
        ("issue/ecosystems", "2012", "2"),
        ("issue/ecosystems", "2014", "1"),
        ("issue/ecosystems", "2015", "1"),
    ]
    # both families, three years each
    assert len(run_named(store, "experiences-per-family-per-year")) == 6


def test_systemic_links_above_a_score(store):
    assert run_named(store, "systemic-links", "min=0.5") == [
        ("0.5", "issue/citizen-energy", "issue/savings", "pmi", "0.8", "1", "2", "0.1", "link/1"),
    ]
    # without a threshold, both links, strongest first
    assert [r[-1] for r in run_named(store, "systemic-links")] == ["link/1", "link/2"]


def test_link_evidence_in_either_order(store):
    expected = [("issue/savings", "issue/food", "link/2", "pmi", "0.3", "experience/canteen", "Cantine bio"),
                ("issue/savings", "issue/food", "link/2", "pmi", "0.3", "experience/market", "Farmers' market")]
    assert run_named(store, "link-evidence", f"a=<{B}issue/savings>", f"b=<{B}issue/food>") == expected


def test_provenance_of_a_record(store):
    # savings is described in the thesaurus (a, 2 labels, broader, inScheme = 5 statements) and mentioned by
    # canteen (1), market (1), wind (addresses + a lesson's concerns = 2) and links (2 link targets)
    assert run_named(store, "provenance", f"record=<{B}issue/savings>") == [
        ("issue/savings", "source/thesaurus.yaml", "describes", "5"),
        ("issue/savings", "source/experiences/canteen.md", "mentions", "1"),
        ("issue/savings", "source/experiences/market.md", "mentions", "1"),
        ("issue/savings", "source/experiences/wind.md", "mentions", "2"),
        ("issue/savings", "source/links.ttl", "mentions", "2"),
    ]


def test_experiences_by_actor(store):
    assert run_named(store, "experiences-by-actor", f"actor=<{B}actor/citeol>") == [
        ("actor/citeol", "experience/wind", "Citizen wind farm", "project company"),
    ]
    assert run_named(store, "experiences-by-actor", f"actor=<{B}actor/coop>") == [
        ("actor/coop", "experience/heat", "Wood heat networks", None),
        ("actor/coop", "experience/wind", "Citizen wind farm", None),
    ]


def test_principles_tree(store):
    assert run_named(store, "principles-tree") == [
        ("principle/engagement", "1", "Conditions of engagement", "principle/engagement-trust", "1.1", "Build trust"),
        ("principle/cooperation", "2", "Coopérer", None, None, None),
    ]


def test_lessons_by_scope(store):
    assert run_named(store, "lessons-by-scope", "scope=atlas:Structural") == [
        ("atlas:Structural", "experience/wind", "experience/wind/lesson/1", "Local savings follow trust."),
    ]
    # both scopes: Circumstantial sorts before Structural
    assert [r[0] for r in run_named(store, "lessons-by-scope")] == ["atlas:Circumstantial", "atlas:Structural"]


def test_issues_with_several_parents(store):
    assert run_named(store, "issues-with-several-parents") == [
        ("issue/citizen-energy", "Citizen energy", "2", "issue/economy"),
        ("issue/citizen-energy", "Citizen energy", "2", "issue/energy"),
    ]


def test_issue_pairs(store):
    # wind: (citizen-energy, savings); heat: (citizen-energy, heat); canteen and market: (food, savings) twice
    assert run_named(store, "issue-pairs") == [
        (None, "issue/food", "issue/savings", "2"),
        (None, "issue/citizen-energy", "issue/heat", "1"),
        (None, "issue/citizen-energy", "issue/savings", "1"),
    ]
    assert run_named(store, "issue-pairs", "min=2") == [("2", "issue/food", "issue/savings", "2")]


def test_territories_by_type(store):
    assert run_named(store, "territories-by-type", "type=atlas:Rural") == [
        ("atlas:Rural", "territory/bretagne", "Bretagne", "atlas:Region", None, "FR"),
        ("atlas:Rural", "territory/le-mene", "Le Mené", "atlas:Municipality", "6500", "FR"),
    ]


def test_community_members(store):
    # Actor sorts before Territory
    assert run_named(store, "community-members", f"community=<{B}community/peers>") == [
        ("community/peers", "actor/citeol", "atlas:Actor", "Citéol"),
        ("community/peers", "territory/le-mene", "atlas:Territory", "Le Mené"),
        ("community/peers", "territory/mouans", "atlas:Territory", "Mouans-Sartoux"),
    ]


def test_every_named_query_runs_without_parameters(store):
    for q in list_queries():
        result = run_query(store, q.text)
        assert not result.truncated, q.name


# ---------------------------------------------------------------------------------------------
# Through the command line (wiring, exit codes, messages, files)


@pytest.fixture
def built(tmp_path):
    """The tiny atlas in an embedded store on disk, where the ``cli`` fixture looks for it."""
    store = open_store(tmp_path / "store", read_only=False, create=True)
    load_mini(store)
    store.close()
    return tmp_path / "store"


def test_cli_queries_lists_and_shows(cli):
    listing = cli("queries")
    assert listing.exit_code == 0
    assert all(q.name in listing.output for q in list_queries())
    shown = cli("queries", "issue-pairs")
    assert shown.exit_code == 0 and "--param min=" in shown.output and "GROUP BY" in shown.output
    as_json = cli("queries", "--format", "json")
    import json

    assert {q["name"] for q in json.loads(as_json.output)} == {q.name for q in list_queries()}


def test_cli_named_query_with_params(cli, built):
    result = cli("sparql", "issue-pairs", "--param", "min=2", "--format", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines() == ["min,issue,other,experiences",
                                          f"2,{B}issue/food,{B}issue/savings,2"]


def test_cli_table_truncated_and_output_file(cli, built, tmp_path):
    result = cli("sparql", "SELECT ?e WHERE { ?e a atlas:Experience } ORDER BY ?e", "--max-rows", "2")
    assert result.exit_code == 0
    assert "truncated: only the first 2 rows" in result.output  # CliRunner mixes stderr in
    out = tmp_path / "exp.json"
    assert cli("sparql", "ASK { ?e a atlas:Experience }", "--format", "json", "-o", str(out)).exit_code == 0
    assert out.read_bytes() == b'{"head":{},"boolean":true}'


def test_cli_query_file(cli, built, tmp_path):
    query = tmp_path / "q.rq"
    query.write_text("DESCRIBE ?t", encoding="utf-8")
    result = cli("sparql", "-f", str(query), "--param", f"t=<{B}territory/lyon>", "--format", "nt")
    assert result.exit_code == 0
    assert f'<{B}territory/lyon> <http://www.w3.org/2000/01/rdf-schema#label> "Lyon"@fr .' in result.output


@pytest.mark.parametrize("args,message", [
    (["DROP ALL"], "Error: updates are not allowed (DROP)"),
    (["nope"], "Error: no named query 'nope'"),
    (["experiences-by-issue", "--param", "x=1"], "has no parameter ?x"),
    (["SELECT ?x WHERE { ?x ?p ?o }", "--format", "ttl"], "is a table"),
])
def test_cli_errors(cli, built, args, message):
    result = cli("sparql", *args)
    assert result.exit_code == 1 and message in result.output


def test_cli_usage_error(cli, built, tmp_path):
    assert cli("sparql").exit_code == 2


def test_every_named_query_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parent.parent / "docs" / "sparql.md").read_text(encoding="utf-8")
    for q in list_queries():
        assert f"| `{q.name}` |" in doc, q.name
