"""atlas.server: the read-only SPARQL endpoint, through a real SPARQL client and a real Uvicorn server."""

from __future__ import annotations

import http.client
import io
import json
import os
import subprocess
import sys
import urllib.error
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from oxigraph_server import free_port, wait_until_up
from rdflib import Graph
from rdflib.query import Result
from SPARQLWrapper import CSV, GET, JSON, POST, POSTDIRECTLY, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed
from test_queries import B, load_mini

from atlas.errors import NotFoundError, StoreError
from atlas.server import make_app
from atlas.store import open_store

ROOT = Path(__file__).resolve().parent.parent


def TestClient(app):  # noqa: N802 - stands for the class
    """Starlette's test client, without its warning about httpx (a test-only concern)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient as _TestClient
    return _TestClient(app)
PAIRS = "SELECT ?issue ?other (COUNT(?e) AS ?n) WHERE { ?e atlas:addresses ?issue, ?other " \
        "FILTER(STR(?issue) < STR(?other)) } GROUP BY ?issue ?other ORDER BY DESC(?n) ?issue ?other"
# from tests/test_queries.py: (food, savings) 2, (citizen-energy, heat) 1, (citizen-energy, savings) 1
PAIRS_ROWS = [("issue/food", "issue/savings", "2"), ("issue/citizen-energy", "issue/heat", "1"),
              ("issue/citizen-energy", "issue/savings", "1")]
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("served") / "store"
    store = open_store(path, read_only=False, create=True)
    load_mini(store)
    store.close()
    return path


@pytest.fixture(scope="module")
def files_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("files")
    (root / "secret.txt").write_text("not for the web")
    maps = root / "maps"
    maps.mkdir()
    (maps / "atlas.html").write_text("<html>map</html>")
    (maps / "escape.txt").symlink_to(root / "secret.txt")
    return maps


@pytest.fixture(scope="module")
def server(store_dir, files_dir):
    """``atlas.server.serve`` in its own process on a free loopback port; yields the base URL."""
    port = free_port()
    code = (f"from atlas.server import serve; serve({str(store_dir)!r}, port={port}, "
            f"files_dir={str(files_dir)!r}, log_level='warning')")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{base}/", process)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def client(base: str, query: str, fmt=JSON, method=GET) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{base}/sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    sparql.setMethod(method)
    return sparql


def short_rows(bindings: list[dict]) -> list[tuple]:
    return [tuple(b[v]["value"].removeprefix(B) for v in ("issue", "other", "n")) for b in bindings]


# -----------------------------------------------------------------------------------------------
# A real client on a real server


@pytest.mark.parametrize("method", [GET, POST, POSTDIRECTLY], ids=["GET", "POST form", "POST query"])
def test_select_with_sparqlwrapper(server, method):
    sparql = client(server, PAIRS)
    if method == POSTDIRECTLY:
        sparql.setMethod(POST)
        sparql.setRequestMethod(POSTDIRECTLY)
    else:
        sparql.setMethod(method)
    result = sparql.queryAndConvert()
    assert result["head"]["vars"] == ["issue", "other", "n"]
    assert short_rows(result["results"]["bindings"]) == PAIRS_ROWS


def test_xml_and_csv_with_sparqlwrapper(server):
    xml = client(server, PAIRS, XML).query().response.read()
    assert [tuple(str(v).removeprefix(B) for v in row) for row in Result.parse(io.BytesIO(xml), format="xml")] \
        == PAIRS_ROWS
    text = client(server, PAIRS, CSV).queryAndConvert()
    assert text.decode().splitlines()[0] == "issue,other,n"


def test_ask_and_construct_with_sparqlwrapper(server):
    assert client(server, "ASK { ?e atlas:addresses ?i }").queryAndConvert()["boolean"] is True
    graph = client(server, f"CONSTRUCT WHERE {{ <{B}issue/heat> skos:broader ?b }}", TURTLE).queryAndConvert()
    parsed = Graph().parse(data=graph, format="turtle")
    assert [(str(s), str(o)) for s, _, o in parsed] == [(B + "issue/heat", B + "issue/energy")]


def test_bad_query_is_400(server):
    with pytest.raises(QueryBadFormed):
        client(server, "SELECT ?x WHERE { ?x").query()


@pytest.mark.parametrize("text", ["INSERT DATA { <http://e.org/a> <http://e.org/b> <http://e.org/c> }",
                                  "DROP ALL", "LOAD <file:///etc/passwd>"])
def test_update_is_refused(server, text):
    # SPARQLWrapper sees an update and sends it as update=… (POST): 403
    with pytest.raises(urllib.error.HTTPError) as info:
        client(server, text, method=POST).query()
    assert info.value.code == 403
    # the same text sent as a query is refused too, before evaluation
    response = _raw(server, "GET", "/sparql?query=" + _quote(text))
    assert response[0] == 403 and b"updates are not allowed" in response[2]
    assert client(server, "ASK { ?s ?p ?o }").queryAndConvert()["boolean"] is True  # nothing was dropped


def test_service_is_refused(server):
    with pytest.raises(urllib.error.HTTPError) as info:
        client(server, "SELECT * WHERE { OPTIONAL { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }").query()
    assert info.value.code == 403


def _quote(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe="")


def _raw(base: str, method: str, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    """Send a request as written: no client-side normalisation of the path or the Host header."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.putrequest(method, path, skip_host=bool(headers and "Host" in headers))
    for key, value in (headers or {}).items():
        conn.putheader(key, value)
    conn.endheaders()
    response = conn.getresponse()
    result = response.status, dict(response.getheaders()), response.read()
    conn.close()
    return result


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
def test_wrong_host_is_403(server, host):
    status, _, body = _raw(server, "GET", "/sparql?query=" + _quote("ASK {}"), {"Host": host})
    assert status == 403 and b"Invalid host header" in body


def test_right_hosts(server):
    port = server.rsplit(":", 1)[1]
    for host in (f"localhost:{port}", f"127.0.0.1:{port}"):
        assert _raw(server, "GET", "/sparql?query=" + _quote("ASK {}"), {"Host": host})[0] == 200


def test_no_cors_by_default(server):
    _, headers, _ = _raw(server, "GET", "/sparql?query=" + _quote("ASK {}"), {"Origin": "https://evil.example"})
    assert not any(k.lower().startswith("access-control") for k in headers)


def test_files_are_served_read_only(server):
    status, _, body = _raw(server, "GET", "/files/atlas.html")
    assert status == 200 and body == b"<html>map</html>"
    assert _raw(server, "POST", "/files/atlas.html")[0] == 405


@pytest.mark.parametrize("path", ["/files/../secret.txt", "/files/%2e%2e/secret.txt", "/files/..%2fsecret.txt",
                                  "/files/escape.txt", "/files//etc/passwd", "/files/%2fetc%2fpasswd"])
def test_no_way_out_of_the_files_directory(server, path):
    status, _, body = _raw(server, "GET", path)
    assert status != 200 and b"not for the web" not in body and b"root:" not in body


def test_concurrent_requests(server):
    def ask(i: int) -> list:
        return short_rows(client(server, PAIRS).queryAndConvert()["results"]["bindings"])

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(ask, range(16))) == [PAIRS_ROWS] * 16


# -----------------------------------------------------------------------------------------------
# The application, in process


@pytest.fixture(scope="module")
def app_client(store_dir, files_dir):
    app = make_app(store_dir, files_dir=files_dir, allowed_hosts=["testserver"], timeout=1.0, max_rows=2)
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("accept,fmt,media", [
    ("application/sparql-results+xml", None, "application/sparql-results+xml"),
    ("text/csv;q=0.5, text/tab-separated-values", None, "text/tab-separated-values; charset=utf-8"),
    ("*/*", None, "application/sparql-results+json"),
    (None, None, "application/sparql-results+json"),
    ("text/csv", "xml", "application/sparql-results+xml"),  # ?format= wins
])
def test_content_negotiation(app_client, accept, fmt, media):
    params = {"query": "SELECT ?e WHERE { ?e a atlas:Experience }"} | ({"format": fmt} if fmt else {})
    response = app_client.get("/sparql", params=params, headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.headers["content-type"] == media
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept,media", [("application/ld+json", "application/ld+json"),
                                          ("application/n-triples", "application/n-triples"),
                                          (None, "text/turtle; charset=utf-8")])
def test_graph_negotiation(app_client, accept, media):
    response = app_client.get("/sparql", params={"query": f"DESCRIBE <{B}issue/heat>"},
                              headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.headers["content-type"] == media


def test_not_acceptable(app_client):
    response = app_client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert response.status_code == 406


def test_truncated_header(app_client):
    response = app_client.get("/sparql", params={"query": "SELECT ?e WHERE { ?e a atlas:Experience }"})
    assert response.headers["x-atlas-truncated"] == "true"  # 4 experiences, max_rows=2
    assert len(response.json()["results"]["bindings"]) == 2
    response = app_client.get("/sparql", params={"query": "SELECT ?f WHERE { ?f a atlas:IssueFamily }"})
    assert response.headers["x-atlas-truncated"] == "false"


def test_timeout_is_503_and_the_next_query_works(app_client):
    response = app_client.get("/sparql", params={"query": SLOW})
    assert response.status_code == 503 and "did not finish within 1 s" in response.text
    assert app_client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize("request_kwargs,status", [
    ({"params": {"query": "ASK {}", "default-graph-uri": B + "source/links.ttl"}}, 403),
    ({"params": {"query": "SELECT * FROM <http://e.org/g> WHERE { ?s ?p ?o }"}}, 403),
    ({"params": {}}, 400),
    ({"params": {"query": "SELECT"}}, 400),
    ({"params": [("query", "ASK {}"), ("query", "ASK {}")]}, 400),
])
def test_get_errors(app_client, request_kwargs, status):
    assert app_client.get("/sparql", **request_kwargs).status_code == status


def test_post_errors(app_client):
    update = app_client.post("/sparql", content="DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert update.status_code == 403
    assert app_client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    huge = "ASK {} #" + "x" * 200_000
    assert app_client.post("/sparql", content=huge,
                           headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert app_client.post("/sparql", data={"update": "DROP ALL"}).status_code == 403
    ok = app_client.post("/sparql", data={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": "application/json"})
    assert ok.status_code == 200 and json.loads(ok.text)["boolean"] is True


def test_cors_when_asked(store_dir):
    app = make_app(store_dir, allowed_hosts=["testserver"], cors_origins=["https://maps.example"])
    with TestClient(app) as c:
        response = c.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://maps.example"})
        assert response.headers["access-control-allow-origin"] == "https://maps.example"
        other = c.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_index_and_no_files(store_dir):
    with TestClient(make_app(store_dir, allowed_hosts=["testserver"])) as c:
        assert "GET  /sparql?query=" in c.get("/").text
        assert c.get("/files/atlas.html").status_code == 404


def test_make_app_checks_its_inputs(tmp_path, store_dir):
    with pytest.raises(StoreError, match="no atlas store"):
        make_app(tmp_path / "nothing")
    with pytest.raises(NotFoundError, match="no directory"):
        make_app(store_dir, files_dir=tmp_path / "nothing")
