"""atlas.store.remote: the same atlas in a real Oxigraph server answers as the embedded store does.

Each server is ``oxigraph serve`` on a free loopback port (tests/oxigraph_server.py), started here and
stopped after.
"""

from __future__ import annotations

import dataclasses
import shutil

import numpy as np
import pyoxigraph as ox
import pytest
from conftest import MINI
from oxigraph_server import free_port, oxigraph_command, oxigraph_server
from test_queries import B, load_mini, mini_quads

from atlas.errors import QueryError, StoreError
from atlas.query import QueryRefusedError, QueryTimeoutError, get_query, list_queries, parse_params, run_query
from atlas.store import open_store
from atlas.store.remote import RemoteStore, bind_values

pytestmark = pytest.mark.skipif(oxigraph_command() is None, reason="the oxigraph command is not installed")

A = "https://example.org/a"


def remote(base: str, *, gsp: bool = True, **kwargs) -> RemoteStore:
    if gsp:
        return RemoteStore(f"{base}/query", store_url=f"{base}/store", **kwargs)
    return RemoteStore(f"{base}/query", update_url=f"{base}/update", **kwargs)


def load_graphs(store) -> None:
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in mini_quads():
        by_graph.setdefault(q.graph_name.value, []).append(q)
    for graph, quads in sorted(by_graph.items()):
        store.replace_graph(graph, quads)


@pytest.fixture(scope="module")
def embedded():
    store = open_store(memory=True)
    load_mini(store)
    return store


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        store = remote(base)
        load_graphs(store)
        yield base


# -----------------------------------------------------------------------------------------------
# Binding values into query text (the Protocol has no bindings)

X = {"x": ox.NamedNode(A)}


@pytest.mark.parametrize("query,expected", [
    ("SELECT ?x WHERE { ?x ?p ?o }", f"SELECT ?x WHERE {{ VALUES (?x) {{ (<{A}>) }} ?x ?p ?o }}"),
    ("ASK { ?x ?p ?o }", f"ASK {{ VALUES (?x) {{ (<{A}>) }} ?x ?p ?o }}"),
    # the first brace at parenthesis depth 0: not the EXISTS in the projection
    ("SELECT ?x (EXISTS { ?x ?p 1 } AS ?e) WHERE { ?x ?p ?o }",
     f"SELECT ?x (EXISTS {{ ?x ?p 1 }} AS ?e) WHERE {{ VALUES (?x) {{ (<{A}>) }} ?x ?p ?o }}"),
    # braces in comments, strings and IRIs do not count
    ('# { not here\nSELECT ?x WHERE { ?x ?p "}{" }',
     f'# {{ not here\nSELECT ?x WHERE {{ VALUES (?x) {{ (<{A}>) }} ?x ?p "}}{{" }}'),
    # a CONSTRUCT template is skipped
    ("CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }",
     f"CONSTRUCT {{ ?x ?p ?o }} WHERE {{ VALUES (?x) {{ (<{A}>) }} ?x ?p ?o }}"),
    # CONSTRUCT WHERE: the group is the template; a trailing VALUES clause instead
    ("CONSTRUCT WHERE { ?x ?p ?o }", f"CONSTRUCT WHERE {{ ?x ?p ?o }}\nVALUES (?x) {{ (<{A}>) }}"),
    ("DESCRIBE ?x", f"DESCRIBE ?x\nVALUES (?x) {{ (<{A}>) }}"),
    # a sub-select must stay alone in its group: wrapped
    ("SELECT ?x WHERE { SELECT ?x WHERE { ?x ?p ?o } }",
     f"SELECT ?x WHERE {{ VALUES (?x) {{ (<{A}>) }} {{ SELECT ?x WHERE {{ ?x ?p ?o }} }} }}"),
])
def test_bind_values(query, expected):
    assert bind_values(query, X) == expected


def test_bound_literals_are_escaped():
    hostile = ox.Literal('a" } ; DROP ALL ; #')
    text = bind_values("SELECT ?x WHERE { ?x ?p ?o }", {"x": hostile})
    assert 'VALUES (?x) { ("a\\" } ; DROP ALL ; #") }' in text


def test_bound_queries_run_on_the_server(server, embedded):
    store = remote(server)
    for query in ("SELECT ?x ?o WHERE { ?x ?p ?o }", "SELECT ?x ?o WHERE { SELECT ?x ?o WHERE { ?x ?p ?o } }",
                  "CONSTRUCT { ?x ?p ?o } WHERE { ?x ?p ?o }", "CONSTRUCT WHERE { ?x ?p ?o }", "DESCRIBE ?x"):
        bindings = {"x": ox.NamedNode(B + "issue/savings")}
        there, here = run_query(store, query, bindings=bindings), run_query(embedded, query, bindings=bindings)
        assert here.rows or here.triples
        # no ORDER BY: the same rows, in any order (triples are sorted already)
        assert sorted(map(str, there.rows)) == sorted(map(str, here.rows)), query
        assert there.triples == here.triples and there.variables == here.variables, query


# -----------------------------------------------------------------------------------------------
# Round trip: the same answers


def test_graphs_round_trip(server, embedded):
    store = remote(server)
    assert store.graphs() == embedded.graphs()
    assert len(store) == len(embedded) == len(mini_quads())
    assert sorted(map(str, store.quads(B + "source/links.ttl"))) == sorted(
        map(str, embedded.quads(B + "source/links.ttl")))


PARAMS = {
    "community-members": [f"community=<{B}community/peers>"],
    "evidence-of-principle": [f"principle=<{B}principle/engagement>"],
    "experiences-by-actor": [f"actor=<{B}actor/coop>"],
    "experiences-by-issue": [f"issue=<{B}issue/energy>"],
    "experiences-per-family-per-year": [f"family=<{B}issue/economy>"],
    "issue-pairs": ["min=2"],
    "issues-of-territory": [f"territory=<{B}territory/bretagne>"],
    "lessons-by-scope": ["scope=atlas:Circumstantial"],
    "link-evidence": [f"a=<{B}issue/savings>", f"b=<{B}issue/food>"],
    "principles-tree": [f"principle=<{B}principle/engagement>"],
    "provenance": [f"record=<{B}issue/savings>"],
    "systemic-links": ["min=0.5"],
    "territories-by-type": ["type=atlas:Urban"],
    "territories-sharing-issue": [f"issue=<{B}issue/savings>"],
}


@pytest.mark.parametrize("name", [q.name for q in list_queries()])
def test_named_queries_same_answers(name, server, embedded):
    query = get_query(name)
    bindings = parse_params(PARAMS.get(name, []))
    expected = run_query(embedded, query.text, bindings=bindings)
    assert expected.rows, f"{name}: the fixture should give some rows"
    store = remote(server)
    assert run_query(store, query.text, bindings=bindings) == expected
    # unbound: every value; ORDER BY may leave ties (2 and 2.0 sort equal) in any order
    there, here = run_query(store, query.text), run_query(embedded, query.text)
    assert sorted(map(str, there.rows)) == sorted(map(str, here.rows))


def test_server_union_default_graph(tmp_path, embedded):
    # a server configured to query the union itself: the client sends no dataset
    with oxigraph_server(tmp_path / "db", union_default_graph=True) as base:
        store = remote(base, union_default_graph=True)
        load_graphs(store)
        for query in list_queries():
            bindings = parse_params(PARAMS.get(query.name, []))
            assert run_query(store, query.text, bindings=bindings) == run_query(
                embedded, query.text, bindings=bindings), query.name


def test_loading_through_sparql_update(tmp_path, embedded):
    with oxigraph_server(tmp_path / "db") as base:
        store = remote(base, gsp=False)
        load_graphs(store)
        store.replace_graph(B + "source/links.ttl", [])  # replace: the old content goes
        store.remove_graph(B + "source/communities.yaml")
        store.remove_graph(B + "source/never-there.yaml")  # nothing to remove: no error
        assert B + "source/communities.yaml" not in store.graphs()
        assert run_query(store, get_query("systemic-links").text).rows == ()
        assert run_query(store, get_query("issue-pairs").text) == run_query(embedded, get_query("issue-pairs").text)


def test_build_into_the_server_gives_the_same_corpus_and_links(tmp_path):
    from atlas.analysis.links import compute_links
    from atlas.build import build_atlas
    from atlas.graph import extract_corpus

    local = open_store(memory=True)
    build_atlas(MINI, local)
    with oxigraph_server(tmp_path / "db") as base:
        store = remote(base)
        build_atlas(MINI, store)
        assert store.graphs() == local.graphs()
        here, there = extract_corpus(local), extract_corpus(store)
        for field in dataclasses.fields(here):
            a, b = getattr(here, field.name), getattr(there, field.name)
            if field.name == "incidence":
                assert a.shape == b.shape and np.array_equal(a.toarray(), b.toarray())
            else:
                assert a == b, field.name
        assert compute_links(here) == compute_links(there)

        # a source file removed since the last build: its graph goes, even from a fresh client
        data = tmp_path / "mini"
        shutil.copytree(MINI, data)
        removed = sorted((data / "experiences").glob("*.md"))[0]
        removed.unlink()
        fresh = remote(base)
        build_atlas(data, fresh)
        assert not any(g.endswith("/" + removed.name) for g in fresh.graphs())
        assert len(fresh.graphs()) == len(local.graphs()) - 1


# -----------------------------------------------------------------------------------------------
# Errors


def test_refused_before_anything_is_sent():
    nowhere = RemoteStore(f"http://127.0.0.1:{free_port()}/query")
    with pytest.raises(QueryRefusedError):
        run_query(nowhere, "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryRefusedError):
        run_query(nowhere, "DROP ALL")


def test_unreachable_endpoint():
    with pytest.raises(StoreError, match="cannot reach"):
        run_query(RemoteStore(f"http://127.0.0.1:{free_port()}/query"), "ASK {}")


def test_not_an_http_url():
    with pytest.raises(StoreError, match="not an http"):
        RemoteStore("file:///etc/passwd")


def test_read_only_remote_store(server):
    store = RemoteStore(f"{server}/query")
    with pytest.raises(StoreError, match="read-only"):
        store.replace_graph(B + "source/x.ttl", [])


def test_query_the_server_rejects(server):
    # valid for rdflib's parser, but this function is unknown to Oxigraph
    with pytest.raises(QueryError, match=r"could not answer the query \(HTTP 500\): The custom function"):
        run_query(remote(server), "SELECT (<http://example.org/f>(1) AS ?x) WHERE {}")


def test_timeout_on_a_remote_store(tmp_path):
    with oxigraph_server(tmp_path / "db") as base:
        store = remote(base)
        store.replace_graph(B + "source/big.ttl", [
            ox.Triple(ox.NamedNode(f"{B}s{i}"), ox.NamedNode(B + "p"), ox.Literal(str(i))) for i in range(2000)])
        with pytest.raises(QueryTimeoutError, match=r"did not answer within 0\.5 s"):
            run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }", timeout=0.5)
        assert run_query(store, "ASK { ?s ?p ?o }").boolean is True


def test_serialised_graphs_from_workers_load_the_same(tmp_path, embedded):
    # what a parallel build hands over: N-Quads bytes per file, through both writers
    graphs = {g: ox.serialize(list(embedded.quads(g)), format=ox.RdfFormat.N_QUADS) for g in embedded.graphs()}
    local = open_store(memory=True)
    with oxigraph_server(tmp_path / "db") as base:
        store = remote(base)
        for target in (local, store):
            with target.transaction() as w:
                for g, data in sorted(graphs.items()):
                    w.replace_graph_nquads(g, data)
        for query in ("issue-pairs", "experiences-by-issue"):
            text = get_query(query).text
            bindings = parse_params(PARAMS.get(query, []))
            expected = run_query(embedded, text, bindings=bindings)
            assert run_query(local, text, bindings=bindings) == expected
            assert run_query(store, text, bindings=bindings) == expected
