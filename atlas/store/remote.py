"""A remote SPARQL 1.1 store: query through the Protocol, load through the
Graph Store Protocol (or SPARQL Update).

Only the two W3C protocols are used, so any conforming store works: Oxigraph
server, Apache Jena Fuseki, GraphDB, Virtuoso, QLever (for queries)...
See ``docs/sparql.md``.

The atlas keeps one named graph per source file and queries the union of
them as default graph. A SPARQL 1.1 store's default graph is whatever the
server makes it, so by default every query names its dataset (the Protocol's
``default-graph-uri`` and ``named-graph-uri`` parameters, one per graph);
pass ``union_default_graph=True`` when the server is configured to use the
union itself (``oxigraph serve --union-default-graph``, Fuseki's
``tdb2:unionDefaultGraph``), which saves a request per query.

The Protocol has no way to bind variables, so bound values are sent as a
``VALUES`` block written with the terms' N-Triples syntax and placed at the
start of the query's ``WHERE`` group: the engine then evaluates the rest of
the group with those values, as the embedded store does with its
substitutions.
"""

from __future__ import annotations

import contextlib
import re
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import pyoxigraph as ox

from atlas.errors import QueryError, StoreError
from atlas.store.base import ManifestMixin
from atlas.vocab import PREFIXES

_QUERY_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "application/n-triples;q=0.8, text/turtle;q=0.7"
)
_CHUNK = 20_000  # triples per SPARQL Update request when loading without the Graph Store Protocol


class EndpointTimeoutError(QueryError):
    """The endpoint did not answer a query in time."""


# -- binding values into query text ------------------------------------------------

_IRIREF = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n\r]|\\.)*"'
                     r"|'(?:[^'\\\n\r]|\\.)*'", re.DOTALL)
_WORD = re.compile(r"(?:[^\s{}()<>\"'#]|\\.)+")


def _tokens(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, token) for braces, parentheses and words, skipping comments, strings and IRIs."""
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif c in "\"'":
            m = _STRING.match(text, i)
            if not m:
                raise QueryError("cannot bind parameters: unterminated string in the query")
            i = m.end()
        elif c == "<":
            m = _IRIREF.match(text, i)
            yield i, (m.group(0) if m else "<")
            i = m.end() if m else i + 1
        elif c in "{}()>":
            yield i, c
            i += 1
        else:
            m = _WORD.match(text, i)
            yield i, m.group(0)
            i = m.end()


def _term_text(term: Any) -> str:
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)  # N-Triples syntax, escaped by pyoxigraph
    if hasattr(term, "n3"):  # an rdflib term
        return term.n3()
    raise QueryError(f"cannot bind {term!r}: give an IRI or a literal")


def bind_values(query: str, bindings: Mapping[str, Any]) -> str:
    """Return ``query`` with ``bindings`` as a ``VALUES`` block opening its WHERE group.

    Examples
    --------
    >>> bind_values("SELECT ?x ?y WHERE { ?x ?p ?y }", {"x": ox.NamedNode("https://e.org/a")})
    'SELECT ?x ?y WHERE { VALUES (?x) { (<https://e.org/a>) } ?x ?p ?y }'
    >>> bind_values("DESCRIBE ?x", {"x": ox.NamedNode("https://e.org/a")})
    'DESCRIBE ?x\\nVALUES (?x) { (<https://e.org/a>) }'
    """
    if not bindings:
        return query
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_term_text(term) for term in bindings.values())
    block = f"VALUES ({names}) {{ ({values}) }}"
    tokens = list(_tokens(query))
    form_at = next((k for k, (_, t) in enumerate(tokens) if t.upper() in ("SELECT", "ASK", "CONSTRUCT",
                                                                          "DESCRIBE")), None)
    if form_at is None:
        raise QueryError("cannot bind parameters: not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    k = form_at + 1
    if tokens[form_at][1].upper() == "CONSTRUCT":
        if k < len(tokens) and tokens[k][1] == "{":  # skip the template
            depth = 0
            for k in range(k, len(tokens)):  # noqa: B020 - k resumes after the template
                depth += {"{": 1, "}": -1}.get(tokens[k][1], 0)
                if depth == 0:
                    break
            k += 1
        else:  # CONSTRUCT WHERE { triples }: the group is also the template, nothing may go in it
            return f"{query}\n{block}"
    parens = 0
    for k in range(k, len(tokens)):  # noqa: B020
        token = tokens[k][1]
        parens += {"(": 1, ")": -1}.get(token, 0)
        if token == "{" and parens == 0:
            break
    else:  # DESCRIBE without WHERE: a trailing VALUES clause
        return f"{query}\n{block}"
    start = tokens[k][0]
    after = tokens[k + 1][1].upper() if k + 1 < len(tokens) else ""
    if after == "SELECT":  # WHERE { SELECT … }: a sub-select must stay alone in its group
        depth, close = 0, None
        for offset, token in tokens[k:]:
            depth += {"{": 1, "}": -1}.get(token, 0)
            if depth == 0:
                close = offset
                break
        if close is None:
            raise QueryError("cannot bind parameters: unbalanced braces in the query")
        return f"{query[: start + 1]} {block} {{{query[start + 1 : close]}}} {query[close:]}"
    return f"{query[: start + 1]} {block}{query[start + 1 :]}"


def _prologue() -> str:
    return "".join(f"PREFIX {prefix}: <{ns}>\n" for prefix, ns in PREFIXES.items())


# -- the store -----------------------------------------------------------------------


class RemoteStore(ManifestMixin):
    """A SPARQL 1.1 store reached over HTTP.

    Parameters
    ----------
    endpoint_url : str
        The SPARQL 1.1 Protocol query endpoint (Oxigraph: ``http://host:7878/query``).
    update_url : str, optional
        The SPARQL 1.1 Update endpoint (Oxigraph: ``/update``), used to load
        when there is no ``store_url``.
    store_url : str, optional
        The Graph Store Protocol endpoint (Oxigraph: ``/store``), used to
        load one named graph per request.
    union_default_graph : bool
        Whether the server already answers queries on the union of its named
        graphs; if not, each query names its dataset explicitly.
    timeout : float
        Seconds to wait for an answer (queries may pass their own).

    Without ``update_url`` nor ``store_url`` the store is read-only.
    """

    path = None  # not on this machine

    def __init__(
        self,
        endpoint_url: str,
        *,
        update_url: str | None = None,
        store_url: str | None = None,
        union_default_graph: bool = False,
        timeout: float = 60.0,
    ):
        for url in (endpoint_url, update_url, store_url):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"not an http(s) URL: {url!r}")
        self.endpoint_url = endpoint_url
        self.update_url = update_url
        self.store_url = store_url
        self.union_default_graph = union_default_graph
        self.timeout = timeout
        self._manifest: dict = {}
        self._opener = urllib.request.build_opener()

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint_url!r})"

    # -- HTTP -----------------------------------------------------------------------
    def _send(
        self, method: str, url: str, body: bytes | None, headers: Mapping[str, str], timeout: float | None
    ) -> tuple[str, bytes]:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))
        limit = self.timeout if timeout is None else timeout
        try:
            with self._opener.open(request, timeout=limit) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:1000]
            if url == self.endpoint_url and (exc.code == 400 or exc.code >= 500):
                raise QueryError(f"the endpoint could not answer the query (HTTP {exc.code}): {detail}") from None
            raise StoreError(f"{method} {url} failed: HTTP {exc.code} {exc.reason}: {detail}") from None
        except TimeoutError as exc:
            raise EndpointTimeoutError(f"{url} did not answer within {limit:g} s") from exc
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, (TimeoutError, socket.timeout)):
                raise EndpointTimeoutError(f"{url} did not answer within {limit:g} s") from exc
            raise StoreError(f"cannot reach {url}: {exc.reason}") from exc

    def _post_query(self, text: str, dataset: list[str] | None, timeout: float | None) -> tuple[str, bytes]:
        fields = [("query", text)]
        for graph in dataset or ():
            fields += [("default-graph-uri", graph), ("named-graph-uri", graph)]
        body = urllib.parse.urlencode(fields).encode("ascii")
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": _QUERY_ACCEPT}
        return self._send("POST", self.endpoint_url, body, headers, timeout)

    def _update(self, text: str) -> None:
        if self.update_url is None:
            raise StoreError(f"{self.endpoint_url} is read-only here: give an update or graph store URL to load")
        self._send("POST", self.update_url, text.encode("utf-8"),
                   {"Content-Type": "application/sparql-update"}, None)

    # -- reading --------------------------------------------------------------------
    def query(
        self,
        query: str,
        *,
        bindings: Mapping[str, Any] | None = None,
        prefixes: bool = True,
        timeout: float | None = None,
    ) -> Any:
        """Run a query on the endpoint, with the atlas prefixes and the union default graph.

        Returns pyoxigraph's ``QuerySolutions`` or ``QueryBoolean``, or a list
        of ``Triple`` for CONSTRUCT and DESCRIBE.
        """
        text = bind_values(query, bindings or {})
        if prefixes:
            text = _prologue() + text
        dataset = None if self.union_default_graph else self.graphs(timeout=timeout)
        content_type, body = self._post_query(text, dataset, timeout)
        media = content_type.split(";")[0].strip().lower()
        try:
            if media in ("application/sparql-results+json", "application/json"):
                return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if media in ("application/sparql-results+xml", "application/xml"):
                return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
            rdf_format = ox.RdfFormat.from_media_type(media)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(f"the endpoint sent unreadable results: {exc}") from exc
        if rdf_format is None:
            raise StoreError(f"the endpoint answered in an unexpected format: {content_type!r}")
        try:
            return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(body, rdf_format)]
        except SyntaxError as exc:
            raise StoreError(f"the endpoint sent unreadable triples: {exc}") from exc

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[str | None, ...]]:
        """Run a SELECT query and return its rows as tuples of lexical values."""
        result = self.query(query, bindings=bindings)
        names = [v.value for v in result.variables]
        return [tuple(None if s[n] is None else s[n].value for n in names) for s in result]

    def graphs(self, *, timeout: float | None = None) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        _, body = self._post_query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }", None, timeout)
        try:
            rows = ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            raise StoreError(f"the endpoint sent unreadable results: {exc}") from exc
        return sorted(r["g"].value for r in rows if isinstance(r["g"], ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate the quads of one named graph, or of all of them."""
        bindings = {"g": ox.NamedNode(graph)} if graph else None
        result = self.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }", bindings=bindings)
        return iter([ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in result])

    def __len__(self) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(rows[0][0]) if rows else 0

    @property
    def cache_dir(self) -> None:
        """None: no local cache for a remote store."""
        return None

    # -- writing --------------------------------------------------------------------
    def replace_graph(self, graph_iri: str, quads_or_triples: Iterable[ox.Quad | ox.Triple]) -> None:
        """Replace a named graph by the given statements (their own graph names are ignored)."""
        graph = ox.NamedNode(graph_iri)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads_or_triples]
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if self.store_url is not None:
            url = self._graph_url(graph_iri)
            self._send("PUT", url, data, {"Content-Type": "application/n-triples"}, None)
            return
        lines = data.decode("utf-8").splitlines()
        first = lines[:_CHUNK]
        self._update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(first) + "\n} }")
        for start in range(_CHUNK, len(lines), _CHUNK):
            chunk = "\n".join(lines[start : start + _CHUNK])
            self._update(f"INSERT DATA {{ GRAPH {graph} {{\n{chunk}\n}} }}")

    def remove_graph(self, iri: str) -> None:
        """Remove a named graph (nothing happens if it does not exist)."""
        graph = ox.NamedNode(iri)
        if self.store_url is not None:
            try:
                self._send("DELETE", self._graph_url(iri), None, {}, None)
            except StoreError as exc:
                if "HTTP 404" not in str(exc):
                    raise
            return
        self._update(f"DROP SILENT GRAPH {graph}")

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise StoreError("the atlas keeps statements in named graphs only")
            by_graph.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for iri, triples in sorted(by_graph.items()):
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            if self.store_url is not None:
                self._send("POST", self._graph_url(iri), data, {"Content-Type": "application/n-triples"}, None)
            else:
                self._update(f"INSERT DATA {{ GRAPH {ox.NamedNode(iri)} {{\n{data.decode('utf-8')}\n}} }}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[RemoteWriter]:
        """Group changes, as :meth:`EmbeddedStore.transaction` does.

        Each request is applied when made: the protocols have no transaction
        spanning requests, so a build that fails may leave some graphs replaced.
        """
        writer = RemoteWriter(self, dict(self._manifest))
        yield writer
        self._manifest = writer.manifest
        self._remove_stale_graphs(writer.manifest)

    def _remove_stale_graphs(self, manifest: Mapping) -> None:
        """Remove source graphs of the atlas that the new manifest no longer lists.

        A remote store starts with no manifest, so a build cannot know which
        files were removed since the last one: the graphs under the atlas's
        ``source/`` namespace that the manifest does not name are removed.
        Graphs outside that namespace (other data on the same server) are kept.
        """
        files = manifest.get("files", {}) if manifest else {}
        wanted = {meta["graph"] for meta in files.values() if "graph" in meta}
        roots = {meta["graph"][: -len(rel)] for rel, meta in files.items()
                 if meta.get("graph", "").endswith(rel)}
        if not wanted or len(roots) != 1:
            return
        root = roots.pop()
        for graph in self.graphs():
            if graph.startswith(root) and graph not in wanted:
                self.remove_graph(graph)

    def _graph_url(self, iri: str) -> str:
        sep = "&" if "?" in self.store_url else "?"
        return f"{self.store_url}{sep}{urllib.parse.urlencode({'graph': iri})}"

    def close(self) -> None:
        """Nothing to release: each request opens its own connection."""


class RemoteWriter:
    """Changes made inside :meth:`RemoteStore.transaction` (same methods as the embedded writer)."""

    def __init__(self, store: RemoteStore, manifest: dict):
        self._store = store
        self.manifest = manifest

    def replace_graph(self, iri: str, quads: Iterable[ox.Quad | ox.Triple]) -> None:
        """Replace the content of a named graph."""
        self._store.replace_graph(iri, quads)

    def replace_graph_nquads(self, iri: str, nquads: bytes, count: int | None = None) -> None:
        """Replace the content of a named graph by N-Quads (``count``, their number, is not needed here)."""
        self._store.replace_graph(iri, ox.parse(nquads, format=ox.RdfFormat.N_QUADS))

    def remove_graph(self, iri: str) -> None:
        """Remove a named graph."""
        self._store.remove_graph(iri)

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to their named graphs."""
        self._store.add(quads)
