"""``atlas serve``: a read-only SPARQL 1.1 Protocol endpoint, and the maps and
exports beside it.

Built on Starlette (ASGI) and run by Uvicorn. ``GET /sparql?query=…`` and
``POST /sparql`` (form-encoded, or ``application/sparql-query``) answer with
the format the client asks for (``Accept``, or ``?format=``). The same rules
as ``atlas sparql`` apply: updates are refused (403), as are ``SERVICE``,
``FROM`` and dataset parameters; every query runs in its own worker process,
stopped at the time limit (503), with a row cap (the ``X-Atlas-Truncated``
header says when rows were left out).

The server binds to 127.0.0.1 by default and answers only requests whose
``Host`` is the loopback name or the bound host (403 otherwise: a web page
cannot reach it by DNS rebinding). It sends no CORS headers unless origins
are given. Requests share no mutable state; a files directory is served
read-only under ``/files/``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import urllib.parse
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from atlas.errors import AtlasError, NotFoundError, QueryError, StoreError
from atlas.query import (
    DEFAULT_MAX_ROWS,
    DEFAULT_TIMEOUT,
    MEDIA_TYPES,
    QueryInfo,
    QueryRefusedError,
    QueryTimeoutError,
    check_query,
    run_query,
    serialize_result,
)

#: Hosts always accepted in the ``Host`` header.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
#: Longest query accepted, in bytes (a longer one gets 413).
MAX_QUERY_BYTES = 100_000

_SOLUTION_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/turtle": "ttl",
    "application/x-turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/n-triples": "nt",
    "text/plain": "nt",
    # Turtle is valid N3
    "text/n3": "ttl",
    "text/rdf+n3": "ttl",
    "application/n3": "ttl",
}
_FORMAT_ALIASES = {
    "json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv",
    "ttl": "ttl", "turtle": "ttl", "n3": "ttl",
    "jsonld": "jsonld", "json-ld": "jsonld",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt",
}


class HostCheckMiddleware:
    """Starlette's :class:`TrustedHostMiddleware`, answering 403 instead of 400 to a wrong ``Host``."""

    def __init__(self, app: ASGIApp, allowed_hosts: Sequence[str]):
        self.app = app
        self.allowed_hosts = list(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        passed = False

        async def inner(scope: Scope, receive: Receive, _send: Send) -> None:
            nonlocal passed
            passed = True
            await self.app(scope, receive, send)

        async def refuse(message: Message) -> None:
            if message["type"] == "http.response.start" and not passed:
                message = {**message, "status": 403}
            await send(message)

        checker = TrustedHostMiddleware(inner, allowed_hosts=self.allowed_hosts, www_redirect=False)
        await checker(scope, receive, refuse)


def _accept(header: str) -> list[str]:
    """Media ranges of an ``Accept`` header, best first (stable for equal quality)."""
    ranges = []
    for index, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                with contextlib.suppress(ValueError):
                    quality = float(f[2:])
        if quality > 0:
            ranges.append((-quality, index, fields[0].lower()))
    return [media for _, _, media in sorted(ranges)]


def negotiate(info: QueryInfo, accept: str | None, requested: Iterable[str] = ()) -> str | None:
    """Choose the result format from ``?format=`` values, else the ``Accept`` header.

    Returns ``None`` when nothing acceptable can be produced (406).

    Examples
    --------
    >>> negotiate(QueryInfo("SELECT"), "text/csv, application/sparql-results+json;q=0.5")
    'csv'
    >>> negotiate(QueryInfo("CONSTRUCT"), "application/json")
    'jsonld'
    >>> negotiate(QueryInfo("ASK"), None, ["xml"])
    'xml'
    >>> negotiate(QueryInfo("SELECT"), "image/png") is None
    True
    """
    types = _GRAPH_TYPES if info.is_graph else _SOLUTION_TYPES
    allowed = set(types.values())
    for value in requested:
        fmt = _FORMAT_ALIASES.get(value.lower()) or types.get(value.lower())
        if fmt in allowed:
            return fmt
    default = "ttl" if info.is_graph else "json"
    if not accept:
        return default
    for media in _accept(accept):
        if media == "*/*":
            return default
        if media.endswith("/*"):
            kind = media[:-1]
            match = [fmt for mt, fmt in types.items() if mt.startswith(kind)]
            if match:
                return default if default in match else match[0]
            continue
        if media in types:
            return types[media]
    return None


def _text(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """Read the request body, or return ``None`` if it is longer than ``limit``."""
    length = request.headers.get("content-length")
    if length is not None and length.isdigit() and int(length) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class _Endpoint:
    """The ``/sparql`` handler; holds only settings fixed when the app is made."""

    def __init__(self, store: Any, timeout: float, max_rows: int, max_query_bytes: int):
        self.store = store
        self.timeout = timeout
        self.max_rows = max_rows
        self.max_query_bytes = max_query_bytes

    async def handle(self, request: Request) -> Response:
        params: dict[str, list[str]] = {}
        for key, value in request.query_params.multi_items():
            params.setdefault(key, []).append(value)
        query: str | None = None
        if request.method == "POST":
            media = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await _read_body(request, self.max_query_bytes)
            if body is None:
                return _text(413, f"the query is longer than {self.max_query_bytes} bytes")
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return _text(400, "the request body is not UTF-8")
            if media == "application/x-www-form-urlencoded":
                for key, values in urllib.parse.parse_qs(text, keep_blank_values=True).items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                query = text
            elif media == "application/sparql-update":
                return _text(403, "updates are not allowed: this endpoint is read-only")
            else:
                return _text(415, "send application/sparql-query or an application/x-www-form-urlencoded form")
        if "update" in params:
            return _text(403, "updates are not allowed: this endpoint is read-only")
        if query is None:
            queries = params.get("query", [])
            if len(queries) != 1:
                return _text(400, "give exactly one 'query' parameter (SPARQL 1.1 Protocol)")
            query = queries[0]
        if len(query.encode("utf-8")) > self.max_query_bytes:
            return _text(413, f"the query is longer than {self.max_query_bytes} bytes")
        if "default-graph-uri" in params or "named-graph-uri" in params:
            return _text(403, "dataset parameters are not allowed: the default graph is the union of the atlas; "
                              "use GRAPH ?g { … } to look into one source file")
        try:
            info = await anyio.to_thread.run_sync(check_query, query)  # parsing a long query takes a while
        except QueryRefusedError as exc:
            return _text(403, str(exc))
        except QueryError as exc:
            return _text(400, str(exc))
        fmt = negotiate(info, request.headers.get("accept"), params.get("format", []))
        if fmt is None:
            offered = ", ".join(sorted(set(_GRAPH_TYPES if info.is_graph else _SOLUTION_TYPES)))
            return _text(406, f"cannot answer a {info.form} query in the requested format; offered: {offered}")
        run = functools.partial(run_query, self.store, query, timeout=self.timeout, max_rows=self.max_rows)
        try:
            result = await anyio.to_thread.run_sync(run, limiter=getattr(request.state, "limiter", None))
        except QueryTimeoutError as exc:
            return _text(503, str(exc))
        except QueryError as exc:
            return _text(400, str(exc))
        except StoreError as exc:
            return _text(500, str(exc))
        headers = {
            "Vary": "Accept",
            "Cache-Control": "no-store",
            "X-Atlas-Truncated": "true" if result.truncated else "false",
        }
        return Response(serialize_result(result, fmt), media_type=MEDIA_TYPES[fmt], headers=headers)


async def _index(request: Request) -> Response:
    lines = [
        "Relational Atlas: read-only SPARQL 1.1 endpoint.",
        "",
        "  GET  /sparql?query=…",
        "  POST /sparql  (application/sparql-query, or a form with query=…)",
        "",
        "Results: JSON, XML, CSV, TSV (SELECT, ASK); Turtle, JSON-LD, N-Triples (CONSTRUCT, DESCRIBE).",
    ]
    if request.app.state.files:
        lines.append("Maps and exports: /files/")
    return _text(200, "\n".join(lines))


def make_app(
    store_location: Any,
    *,
    files_dir: str | Path | None = None,
    allowed_hosts: Iterable[str] = LOOPBACK_HOSTS,
    cors_origins: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_query_bytes: int = MAX_QUERY_BYTES,
    workers: int | None = None,
) -> Starlette:
    """Return the ASGI application of the endpoint.

    Parameters
    ----------
    store_location : str, Path or store
        The directory of an embedded store (opened read-only by each query's
        worker), or a store object (an in-memory or remote store).
    files_dir : str or Path, optional
        A directory served read-only under ``/files/`` (maps, exports).
    allowed_hosts : iterable of str
        Accepted ``Host`` header names (without port).
    cors_origins : iterable of str
        Origins allowed to read answers from a browser (none by default).
    timeout, max_rows : float, int
        Limits of each query.
    max_query_bytes : int
        Longest query accepted.
    workers : int, optional
        Queries evaluated at the same time (default: the number of CPUs).

    Raises
    ------
    StoreError
        If there is no store at ``store_location``.
    NotFoundError
        If ``files_dir`` is not a directory.
    """
    if isinstance(store_location, (str, os.PathLike)):
        from atlas.store import open_store

        # Fail now rather than at the first query; each query opens its own reader.
        open_store(store_location, read_only=True).close()
        store: Any = Path(store_location)
    else:
        store = store_location
    routes = [
        Route("/", _index, methods=["GET"]),
        Route("/sparql", _Endpoint(store, timeout, max_rows, max_query_bytes).handle, methods=["GET", "POST"]),
    ]
    if files_dir is not None:
        files = Path(files_dir)
        if not files.is_dir():
            raise NotFoundError(f"no directory {files} to serve under /files/")
        routes.append(Mount("/files", app=StaticFiles(directory=files, html=False), name="files"))
    middleware = [Middleware(HostCheckMiddleware, allowed_hosts=sorted(set(allowed_hosts)))]
    origins = list(cors_origins)
    if origins:
        middleware.append(Middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST"],
                                     allow_headers=["Accept", "Content-Type"], expose_headers=["X-Atlas-Truncated"]))
    capacity = workers or os.cpu_count() or 2

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[dict]:
        yield {"limiter": anyio.CapacityLimiter(capacity)}

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.files = files_dir is not None
    return app


def serve(
    store_location: Any,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    files_dir: str | Path | None = None,
    allowed_hosts: Iterable[str] = (),
    cors_origins: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT,
    max_rows: int = DEFAULT_MAX_ROWS,
    log_level: str = "info",
) -> None:
    """Run the endpoint with Uvicorn until interrupted.

    The ``Host`` header may name the loopback, the bound host, or one of
    ``allowed_hosts``.

    Raises
    ------
    AtlasError
        If the store or files directory cannot be used.
    """
    import uvicorn

    hosts = {*LOOPBACK_HOSTS, host, *allowed_hosts}
    app = make_app(store_location, files_dir=files_dir, allowed_hosts=hosts, cors_origins=cors_origins,
                   timeout=timeout, max_rows=max_rows)
    try:
        uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False, server_header=False)
    except OSError as exc:  # pragma: no cover - the port is taken
        raise AtlasError(f"cannot serve on {host}:{port}: {exc}") from exc
