"""SPARQL on the atlas: checked, parameterised, time-limited and capped.

>>> from atlas.store import open_store
>>> import pyoxigraph as ox
>>> store = open_store(memory=True)
>>> with store.transaction() as w:
...     w.replace_graph("https://e.org/source/a.ttl", [ox.Quad(ox.NamedNode("https://e.org/x"),
...         ox.NamedNode("https://w3id.org/relational-atlas/ns#startYear"), ox.Literal("2012"),
...         ox.NamedNode("https://e.org/source/a.ttl"))])
>>> result = run_query(store, "SELECT ?e ?y WHERE { ?e atlas:startYear ?y }")
>>> table_rows(result)
(['e', 'y'], [{'e': 'https://e.org/x', 'y': '2012'}])
>>> serialize_result(result, "csv").splitlines()
[b'e,y', b'https://e.org/x,2012']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pyoxigraph as ox

from atlas.errors import QueryError
from atlas.query.named import NamedQuery, get_query, list_queries, parse_header
from atlas.query.params import parse_params, parse_value
from atlas.query.results import (
    FORMATS,
    GRAPH_FORMATS,
    MEDIA_TYPES,
    SOLUTION_FORMATS,
    QueryResult,
    compact_iri,
    readable,
    serialize_result,
    table_rows,
)
from atlas.query.safety import QueryInfo, QueryRefusedError, QueryTimeoutError, check_query
from atlas.query.worker import Payload, evaluate, run_isolated

#: Seconds a query may run before it is stopped.
DEFAULT_TIMEOUT = 5.0
#: Rows (or triples) a result keeps at most; beyond, it is marked truncated.
DEFAULT_MAX_ROWS = 10_000

_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check_bindings(info: QueryInfo, bindings: Mapping[str, Any]) -> None:
    for name, value in bindings.items():
        if not _VARNAME.match(name):
            raise QueryError(f"?{name} is not a SPARQL variable name")
        if not isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode, ox.Triple)):
            raise QueryError(f"the value of ?{name} must be an RDF term, not {type(value).__name__}")
        if info.projection is not None and name not in info.projection:
            raise QueryError(
                f"parameter ?{name} must be in the SELECT clause of the query (a bound variable shows its value)"
            )


def _is_remote(store: Any) -> bool:
    from atlas.store.remote import RemoteStore

    return isinstance(store, RemoteStore)


def run_query(
    store: Any,
    text: str,
    *,
    bindings: Mapping[str, Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Check and run a query with the atlas prefixes predeclared.

    The query is refused before evaluation if it is not read-only and local
    (see :func:`check_query`). It runs in a worker process killed at the
    deadline (embedded stores), or with the same limit on the HTTP exchange
    (remote stores, whose server keeps its own limit). The default graph is
    the union of the named graphs (one per source file).

    Parameters
    ----------
    store : store-like, str or Path
        An :class:`~atlas.store.EmbeddedStore` (on disk or in memory), a
        :class:`~atlas.store.remote.RemoteStore`, a :class:`pyoxigraph.Store`,
        or the directory of an embedded store.
    text : str
        The query.
    bindings : mapping of str to pyoxigraph term, optional
        Values of variables (see :func:`parse_params`), bound by the engine,
        never pasted into the text. In a SELECT query each must be projected.
    timeout : float
        Seconds before the query is stopped.
    max_rows : int
        Rows (SELECT) or triples (CONSTRUCT, DESCRIBE) kept at most.

    Returns
    -------
    QueryResult
        With ``truncated`` set if rows were left out. Triples are sorted.

    Raises
    ------
    QueryRefusedError
        For updates, ``SERVICE``, ``FROM`` / ``FROM NAMED``.
    QueryTimeoutError
        If the query did not finish in time.
    QueryError
        If the query is invalid or fails.
    StoreError
        If the store cannot be read or reached.
    """
    if timeout <= 0:
        raise QueryError("the timeout must be a positive number of seconds")
    if max_rows < 0:
        raise QueryError("the row cap must be zero or more")
    info = check_query(text)
    bindings = dict(bindings or {})
    _check_bindings(info, bindings)
    if _is_remote(store):
        from atlas.store.remote import EndpointTimeoutError

        try:
            payload = evaluate(store, text, bindings, max_rows, timeout=timeout)
        except EndpointTimeoutError as exc:
            raise QueryTimeoutError(str(exc)) from exc
    else:
        payload = run_isolated(store, text, bindings, timeout=timeout, max_rows=max_rows)
    if payload.kind == "boolean":
        return QueryResult(info.form, boolean=payload.boolean)
    if payload.kind == "triples":
        triples = tuple(sorted(payload.triples, key=str))
        return QueryResult(info.form, triples=triples, truncated=payload.truncated)
    return QueryResult(info.form, payload.variables, payload.rows, truncated=payload.truncated)


__all__ = [
    "DEFAULT_MAX_ROWS",
    "DEFAULT_TIMEOUT",
    "FORMATS",
    "GRAPH_FORMATS",
    "MEDIA_TYPES",
    "SOLUTION_FORMATS",
    "NamedQuery",
    "Payload",
    "QueryInfo",
    "QueryRefusedError",
    "QueryResult",
    "QueryTimeoutError",
    "check_query",
    "compact_iri",
    "get_query",
    "list_queries",
    "parse_header",
    "parse_params",
    "parse_value",
    "readable",
    "run_query",
    "serialize_result",
    "table_rows",
]
