"""atlas.query: safety checks, parameters, result formats, the time limit and the row cap."""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import socket
import threading
import time
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.query import Result

from atlas.errors import AtlasError, QueryError
from atlas.query import (
    QueryRefusedError,
    QueryResult,
    QueryTimeoutError,
    check_query,
    parse_params,
    parse_value,
    run_query,
    serialize_result,
    table_rows,
)
from atlas.query.worker import isolate_network, run_isolated
from atlas.store import open_store

E = "https://example.org/q/"
G = E + "source/data.ttl"
XSD = "http://www.w3.org/2001/XMLSchema#"
SPARQL_RESULTS = "{http://www.w3.org/2005/sparql-results#}"


def _quad(s: str, p: str, o) -> ox.Quad:
    return ox.Quad(ox.NamedNode(E + s), ox.NamedNode(E + p), o, ox.NamedNode(G))


def make_store(quads, tmp_path=None):
    """An embedded store (in memory, or on disk under tmp_path) holding ``quads`` in one named graph."""
    store = open_store(tmp_path / "store", read_only=False, create=True) if tmp_path else open_store(memory=True)
    with store.transaction() as w:
        w.replace_graph(G, quads)
    return store


# Three subjects; x has an IRI, a French label and an integer; y a plain string; z nothing but a type.
QUADS = [
    _quad("x", "link", ox.NamedNode(E + "y")),
    _quad("x", "label", ox.Literal('Le "Mené", à l\'ouest', language="fr")),
    _quad("x", "count", ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    _quad("y", "label", ox.Literal("plain, with comma")),
    _quad("z", "type", ox.NamedNode(E + "Thing")),
]
SELECT = f"""SELECT ?s ?label ?count WHERE {{
  ?s ?p ?o . FILTER(?p != <{E}link>)
  OPTIONAL {{ ?s <{E}label> ?label }} OPTIONAL {{ ?s <{E}count> ?count }} }}
ORDER BY ?s"""
# x matches ?p = label and ?p = count (2 rows), y matches ?p = label, z matches ?p = type.
EXPECTED = [
    (E + "x", 'Le "Mené", à l\'ouest', "3"),
    (E + "x", 'Le "Mené", à l\'ouest', "3"),
    (E + "y", "plain, with comma", None),
    (E + "z", None, None),
]


@pytest.fixture(scope="module")
def store():
    return make_store(QUADS)


@pytest.fixture(scope="module")
def select_result(store):
    return run_query(store, SELECT)


# -----------------------------------------------------------------------------------------------
# Refused before evaluation

REFUSED = {
    "SERVICE in OPTIONAL": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/sparql> { ?s ?q ?r } } }",
    "SERVICE in UNION": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "SERVICE in EXISTS": "ASK { FILTER EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "SERVICE in a sub-query": "SELECT ?s WHERE { { SELECT ?s WHERE { SERVICE ?endpoint { ?s ?p ?o } } } }",
    "SERVICE SILENT": "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "SERVICE in CONSTRUCT": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }",
    "SERVICE escaped": "SELECT * WHERE { \\u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "FROM": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "FROM a file": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "FROM NAMED": "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "FROM in DESCRIBE": "DESCRIBE ?s FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "INSERT DATA": "INSERT DATA { <http://e.org/a> <http://e.org/b> <http://e.org/c> }",
    "DELETE DATA": "DELETE DATA { <http://e.org/a> <http://e.org/b> <http://e.org/c> }",
    "DELETE WHERE": "DELETE WHERE { ?s ?p ?o }",
    "DELETE/INSERT": "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "LOAD": "LOAD <http://example.org/data.ttl>",
    "LOAD a file": "LOAD <file:///etc/passwd> INTO GRAPH <http://e.org/g>",
    "DROP": "DROP ALL",
    "CLEAR": "CLEAR GRAPH <http://e.org/g>",
    "CREATE": "CREATE GRAPH <http://e.org/g>",
    "COPY": "COPY DEFAULT TO <http://e.org/g>",
    "two updates": "PREFIX e: <http://e.org/> INSERT DATA { e:a e:b e:c } ; DROP SILENT DEFAULT",
}
MESSAGES = {"SERVICE": "SERVICE", "FROM": "FROM and FROM NAMED are not allowed"}


class Untouchable:
    """A store that fails the test if anything reaches it."""

    def __getattr__(self, name):
        raise AssertionError(f"the store was used ({name}) for a query that should have been refused")


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_before_evaluation(name):
    text = REFUSED[name]
    expected = next((m for k, m in MESSAGES.items() if k in name), "updates are not allowed")
    with pytest.raises(QueryRefusedError, match=expected):
        check_query(text)
    with pytest.raises(QueryRefusedError, match=expected):
        run_query(Untouchable(), text)


def test_syntax_errors_say_where():
    with pytest.raises(QueryError, match=r"invalid SPARQL: .*line 2, column 1") as info:
        check_query("SELECT ?s WHERE {\n?s ?p }")
    assert not isinstance(info.value, QueryRefusedError)
    with pytest.raises(QueryError, match="the query is empty"):
        check_query("  # nothing\n")


def test_long_groups_must_be_split():
    patterns = [f"?s{i} <{E}p> ?o{i} ." for i in range(300)]
    with pytest.raises(QueryError, match="split long groups"):
        check_query("SELECT * WHERE { " + " ".join(patterns) + " }")
    groups = " ".join("{ " + " ".join(patterns[k : k + 30]) + " }" for k in range(0, 300, 30))
    assert check_query(f"SELECT * WHERE {{ {groups} }}").form == "SELECT"


def test_allowed_forms():
    assert check_query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").projection == ("n",)
    assert check_query("SELECT * WHERE { ?s ?p ?o }").projection is None
    assert [check_query(q).form for q in ("ASK {}", "CONSTRUCT WHERE { ?s ?p ?o }", "DESCRIBE <http://e.org/a>")] \
        == ["ASK", "CONSTRUCT", "DESCRIBE"]


@pytest.fixture
def listener():
    """A TCP listener on a free loopback port that records any connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[bytes] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    hits.append(conn.recv(4096))
                except OSError:
                    hits.append(b"")

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def test_refused_service_makes_no_connection(store, listener):
    port, hits = listener
    with pytest.raises(QueryRefusedError):
        run_query(store, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
    time.sleep(0.3)
    assert hits == []


def _can_isolate(queue):
    queue.put(isolate_network())


def test_worker_cannot_connect_even_if_a_service_slipped_through(store, listener):
    # Bypass check_query on purpose: the worker process itself has no network.
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    probe = context.Process(target=_can_isolate, args=(queue,))
    probe.start()
    probe.join()
    if not queue.get(timeout=5):
        pytest.skip("this kernel does not let a process leave the network (no network namespaces)")
    port, hits = listener
    with pytest.raises(AtlasError, match=r"unreachable|failed"):
        run_isolated(store, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                     {}, timeout=5, max_rows=10)
    time.sleep(0.3)
    assert hits == []


# -----------------------------------------------------------------------------------------------
# Parameters


def test_parse_values():
    assert parse_value("<https://e.org/a>") == ox.NamedNode("https://e.org/a")
    assert parse_value("skos:broader") == ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader")
    assert parse_value("-12") == ox.Literal("-12", datatype=ox.NamedNode(XSD + "integer"))
    assert parse_value("3.25") == ox.Literal("3.25", datatype=ox.NamedNode(XSD + "decimal"))
    assert parse_value('"Énergie"@fr') == ox.Literal("Énergie", language="fr")
    assert parse_value("unknown:prefix") == ox.Literal("unknown:prefix")
    assert parse_value("1e5") == ox.Literal("1e5")  # only integers and decimals are typed


@pytest.mark.parametrize("item,message", [
    ("noequals", "should read name=value"),
    ("1bad=2", "should read name=value"),
    ("iri=<not an iri>", "not an absolute IRI|not a valid IRI"),
    ("iri=<https://e.org/a> } ; DROP ALL ; #>", "not a valid IRI"),
])
def test_bad_params(item, message):
    with pytest.raises(QueryError, match=message):
        parse_params([item])


def test_param_given_twice():
    with pytest.raises(QueryError, match=r"\?x is given twice"):
        parse_params(["x=1", "?x=2"])


def test_params_are_bound_not_pasted(store):
    query = f"SELECT ?s ?label WHERE {{ ?s <{E}label> ?label }}"
    result = run_query(store, query, bindings=parse_params(["label=plain, with comma"]))
    assert [(r[0].value, r[1].value) for r in result.rows] == [(E + "y", "plain, with comma")]
    # text that would break out of a string literal if it were pasted is just a value that matches nothing
    hostile = parse_params(['label=x" } } ; DROP ALL ; SELECT * { "'])
    assert run_query(store, query, bindings=hostile).rows == ()
    assert len(run_query(store, "SELECT * WHERE { ?s ?p ?o }").rows) == len(QUADS)


def test_bound_iri_parameter(store):
    result = run_query(store, "SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"s": ox.NamedNode(E + "z")})
    assert [(r[0].value, r[1].value) for r in result.rows] == [(E + "z", E + "Thing")]


def test_parameter_must_be_projected(store):
    with pytest.raises(QueryError, match=r"parameter \?s must be in the SELECT clause"):
        run_query(store, "SELECT ?o WHERE { ?s ?p ?o }", bindings={"s": ox.NamedNode(E + "z")})


# -----------------------------------------------------------------------------------------------
# Formats, parsed back with independent parsers


def test_select_rows(select_result):
    got = [tuple(None if t is None else t.value for t in row) for row in select_result.rows]
    assert got == EXPECTED
    assert select_result.variables == ("s", "label", "count") and not select_result.truncated


def test_csv_parsed_by_csv_module(select_result):
    text = serialize_result(select_result, "csv").decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["s", "label", "count"]
    assert [tuple(r) for r in rows[1:]] == [tuple("" if v is None else v for v in row) for row in EXPECTED]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_result_formats_parsed_by_rdflib(select_result, fmt):
    parsed = Result.parse(io.BytesIO(serialize_result(select_result, fmt)), format=fmt)
    assert [str(v) for v in parsed.vars] == ["s", "label", "count"]
    rows = [tuple(row) for row in parsed]
    assert [tuple(None if v is None else str(v) for v in row) for row in rows] == EXPECTED
    if fmt != "csv":  # CSV keeps no types; the others keep IRIs, languages and datatypes
        assert rows[0][0] == URIRef(E + "x")
        assert rows[0][1] == Literal('Le "Mené", à l\'ouest', lang="fr")
        assert rows[0][2] == Literal("3", datatype=URIRef(XSD + "integer"))


def test_json_parsed_by_json_module(select_result):
    doc = json.loads(serialize_result(select_result, "json"))
    assert doc["head"]["vars"] == ["s", "label", "count"]
    first = doc["results"]["bindings"][0]
    assert first["s"] == {"type": "uri", "value": E + "x"}
    assert first["label"] == {"type": "literal", "value": 'Le "Mené", à l\'ouest', "xml:lang": "fr"}
    assert first["count"]["datatype"] == XSD + "integer"
    assert doc["results"]["bindings"][3] == {"s": {"type": "uri", "value": E + "z"}}  # unbound: absent


def test_xml_parsed_by_elementtree(select_result):
    root = ET.fromstring(serialize_result(select_result, "xml"))
    assert [v.get("name") for v in root.iter(SPARQL_RESULTS + "variable")] == ["s", "label", "count"]
    results = list(root.iter(SPARQL_RESULTS + "result"))
    assert len(results) == 4
    literal = results[0].find(f"{SPARQL_RESULTS}binding[@name='label']/{SPARQL_RESULTS}literal")
    assert literal.text == 'Le "Mené", à l\'ouest'
    assert literal.get("{http://www.w3.org/XML/1998/namespace}lang") == "fr"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_ask_formats(store, fmt):
    for text, expected in ((f"ASK {{ <{E}x> ?p ?o }}", True), (f"ASK {{ <{E}nothing> ?p ?o }}", False)):
        result = run_query(store, text)
        assert result.boolean is expected
        assert Result.parse(io.BytesIO(serialize_result(result, fmt)), format=fmt).askAnswer is expected


CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(?s = <{E}x>) }}"


def _expected_graph() -> Graph:
    g = Graph()
    for q in QUADS[:3]:
        o = q.object
        obj = URIRef(o.value) if isinstance(o, ox.NamedNode) else Literal(
            o.value, lang=o.language, datatype=None if o.language else URIRef(o.datatype.value))
        g.add((URIRef(q.subject.value), URIRef(q.predicate.value), obj))
    return g


@pytest.mark.parametrize("fmt,rdflib_format", [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")])
def test_graph_formats_parsed_by_rdflib(store, fmt, rdflib_format):
    result = run_query(store, CONSTRUCT)
    assert result.form == "CONSTRUCT" and len(result.triples) == 3
    data = serialize_result(result, fmt)
    assert isomorphic(Graph().parse(data=data, format=rdflib_format), _expected_graph())
    assert serialize_result(run_query(store, CONSTRUCT), fmt) == data  # the same answer is the same bytes


def test_describe(store):
    result = run_query(store, f"DESCRIBE <{E}z>")
    assert result.form == "DESCRIBE"
    assert serialize_result(result, "nt") == f"<{E}z> <{E}type> <{E}Thing> .\n".encode()


def test_format_must_fit_the_form(select_result, store):
    with pytest.raises(QueryError, match="is a table"):
        serialize_result(select_result, "ttl")
    with pytest.raises(QueryError, match="is a graph"):
        serialize_result(run_query(store, CONSTRUCT), "csv")


def test_table_rows_are_readable(select_result):
    columns, rows = table_rows(select_result)
    assert columns == ["s", "label", "count"]
    assert rows[0] == {"s": E + "x", "label": 'Le "Mené", à l\'ouest', "count": "3"}
    assert table_rows(select_result, base=E)[1][0]["s"] == "<x>"
    assert rows[3] == {"s": E + "z", "label": "", "count": ""}
    assert table_rows(QueryResult("CONSTRUCT", triples=(ox.Triple(
        ox.NamedNode(E + "a"), ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader"),
        ox.NamedNode("https://w3id.org/relational-atlas/ns#Issue")),)))[1] == [
        {"subject": E + "a", "predicate": "skos:broader", "object": "atlas:Issue"}]


# -----------------------------------------------------------------------------------------------
# Stores: in memory, on disk, a directory, a raw pyoxigraph store


def test_same_answers_from_every_kind_of_store(tmp_path, select_result):
    disk = make_store(QUADS, tmp_path)
    raw = ox.Store()
    raw.extend(QUADS)
    for store in (disk, tmp_path / "store", str(tmp_path / "store"), raw):
        assert run_query(store, SELECT).rows == select_result.rows


def test_named_graphs_and_union_default_graph(store):
    result = run_query(store, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert [(r[0].value, r[1].value) for r in result.rows] == [(G, "5")]
    assert run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value == "5"


def test_engine_errors_are_query_errors(store):
    with pytest.raises(QueryError, match=r"invalid SPARQL|failed"):
        run_query(store, "SELECT ?s WHERE { ?s undeclared:p ?o }")


# -----------------------------------------------------------------------------------------------
# Time limit and row cap

# 3,000 triples: a three-way cartesian product is 3000**3 = 2.7e10 rows to count, hours of work.
BIG = [_quad(f"s{i}", "p", ox.Literal(str(i))) for i in range(3000)]
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


@pytest.mark.parametrize("on_disk", [False, True], ids=["memory", "disk"])
def test_timeout_stops_the_work_and_the_next_query_works(tmp_path, on_disk):
    store = make_store(BIG, tmp_path if on_disk else None)
    run_query(store, "ASK { ?s ?p ?o }")  # warm up: start the fork server outside the measured time
    start = time.monotonic()
    with pytest.raises(QueryTimeoutError, match="did not finish within 1 s"):
        run_query(store, PATHOLOGICAL, timeout=1.0)
    elapsed = time.monotonic() - start
    assert elapsed < 2.0, elapsed
    assert multiprocessing.active_children() == []  # the worker is gone, not left running
    assert run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value == "3000"


def test_row_cap(tmp_path):
    store = make_store(BIG[:25])
    capped = run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", max_rows=10)
    assert len(capped.rows) == 10 and capped.truncated
    full = run_query(store, "SELECT ?s WHERE { ?s ?p ?o }", max_rows=25)
    assert len(full.rows) == 25 and not full.truncated
    graph = run_query(store, "CONSTRUCT WHERE { ?s ?p ?o }", max_rows=7)
    assert len(graph.triples) == 7 and graph.truncated
    assert run_query(store, "ASK { ?s ?p ?o }", max_rows=0).boolean is True


def test_row_cap_stops_a_huge_result_early():
    # 3000^3 = 2.7e10 rows: only the cap's worth is ever produced, well before the deadline
    store = make_store(BIG)
    capped = run_query(store, "SELECT ?a ?b ?c WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }", max_rows=5, timeout=30)
    assert len(capped.rows) == 5 and capped.truncated
    triples = run_query(store, "CONSTRUCT { ?a ?p ?b } WHERE { ?a ?p ?x . ?b ?q ?y . ?c ?r ?z }", max_rows=5,
                        timeout=30)
    assert len(triples.triples) == 5 and triples.truncated


def test_bad_limits(store):
    with pytest.raises(QueryError, match="timeout must be a positive"):
        run_query(store, "ASK {}", timeout=0)
    with pytest.raises(QueryError, match="row cap"):
        run_query(store, "ASK {}", max_rows=-1)


def test_worker_payload_round_trip():
    from atlas.query.worker import Payload, _payload, _serialised, evaluate

    mem = ox.Store()
    a, p = ox.NamedNode(E + "a"), ox.NamedNode(E + "p")
    objects = [ox.BlankNode("b1"), ox.Literal("x\ny\t\"z", language="fr"),
               ox.Literal("02", datatype=ox.NamedNode(XSD + "integer")), ox.Literal("plain")]
    mem.extend(ox.Quad(a, p, o) for o in objects)
    query = ("SELECT ?s ?o ?none (<<(?s ?p ?o)>> AS ?t) WHERE { ?s ?p ?o OPTIONAL { ?s <urn:x> ?none } } "
             "ORDER BY STR(?o)")
    whole = _payload(_serialised(mem, query, {}, 10))
    assert whole == evaluate(mem, query, {}, 10)  # what the engine gives, term for term
    expected = whole.rows
    assert len(expected) == 4 and expected[0][1] == ox.BlankNode("b1") and expected[0][2] is None
    assert _payload(_serialised(mem, query, {}, 2)) == Payload("solutions", ("s", "o", "none", "t"),
                                                               expected[:2], truncated=True)
    assert _payload(_serialised(mem, query, {}, 4)).truncated is False
    assert _payload(_serialised(mem, query, {}, 0)).rows == ()
    construct = _payload(_serialised(mem, "CONSTRUCT WHERE { ?s ?p ?o }", {}, 3))
    assert construct.truncated and len(construct.triples) == 3
    assert set(construct.triples) <= set(evaluate(mem, "CONSTRUCT WHERE { ?s ?p ?o }", {}, 10).triples)
    assert _payload(_serialised(mem, "ASK { ?s ?p ?o }", {}, 0)) == Payload("boolean", boolean=True)
    assert _payload(_serialised(mem, "SELECT * WHERE {}", {}, 5)).rows == ((),)


def _spin_under_cpu_limit():
    from atlas.query.worker import _limit_cpu

    _limit_cpu(0.5)  # ceil(0.5) + 2 = 3 s of CPU at most
    while True:
        pass


def test_a_worker_cannot_outlive_its_deadline_by_far():
    # even with nobody left to kill it, the kernel stops a worker past its CPU allowance
    import signal

    process = multiprocessing.get_context("fork").Process(target=_spin_under_cpu_limit)
    start = time.monotonic()
    process.start()
    process.join(120)  # CPU seconds, not wall seconds: a loaded machine stretches the wall time
    assert process.exitcode == -signal.SIGXCPU
    assert time.monotonic() - start < 120
