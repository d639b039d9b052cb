"""Run one query in a worker process that can be killed at its deadline.

Evaluation happens in a separate process so that a time limit really stops
the work: at the deadline the process is killed, its memory returned, and
the next query starts a fresh one.

- An embedded store on disk is opened read-only in a child of a fork server
  (``multiprocessing`` ``forkserver`` context, with this module preloaded):
  the child is a clean single-threaded process, it starts in milliseconds,
  and it sees the current generation of the store.
- A store in memory (or any other store-like object) is inherited by a
  ``fork`` of the calling process: a copy-on-write snapshot, nothing is
  serialised.

A worker also leaves the network before evaluating (a new, empty network
namespace on Linux, when the kernel allows it): the query was already checked
to contain no ``SERVICE``, and this makes sure nothing it does can connect.
Its CPU time is capped a little above the deadline, so that even a worker
whose parent died cannot run on.
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from atlas.errors import AtlasError, QueryError, StoreError
from atlas.query.safety import QueryTimeoutError
from atlas.store.embedded import EmbeddedStore
from atlas.vocab import PREFIXES

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


@dataclass(frozen=True)
class Payload:
    """What a worker sends back: the terms, capped at ``max_rows``."""

    kind: str  # "solutions", "boolean" or "triples"
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False


def isolate_network() -> bool:
    """Move the calling process into a new network namespace without interfaces.

    Works on Linux for root, or for any user where unprivileged user
    namespaces are enabled. Must be called in a single-threaded process.
    Returns whether the process is now cut off from the network.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.unshare(_CLONE_NEWNET) == 0:
            return True
        uid, gid = os.getuid(), os.getgid()
        if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
            return False
        # Map our own ids into the new user namespace, so files keep their owner.
        for name, line in (("setgroups", "deny"), ("uid_map", f"{uid} {uid} 1"), ("gid_map", f"{gid} {gid} 1")):
            with contextlib.suppress(OSError), open(f"/proc/self/{name}", "w") as fh:
                fh.write(line)
        return True
    except (OSError, AttributeError):  # pragma: no cover - no libc, or no unshare
        return False


@contextlib.contextmanager
def _engine_errors() -> Any:
    """Translate what the engine raises while a query runs into atlas errors."""
    try:
        yield
    except AtlasError:
        raise
    except SyntaxError as exc:
        raise QueryError(f"invalid SPARQL: {exc}") from exc
    except (RuntimeError, ValueError, TypeError) as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    except OSError as exc:
        raise StoreError(f"the query could not be evaluated: {exc}") from exc


def _start(store: Any, text: str, bindings: dict[str, Any], **options: Any) -> Any:
    """Start evaluating ``text``: pyoxigraph's lazy result (solutions, triples or a boolean)."""
    if isinstance(store, ox.Store):
        return store.query(
            text,
            prefixes=dict(PREFIXES),
            use_default_graph_as_union=True,
            substitutions={ox.Variable(k): v for k, v in bindings.items()} or None,
        )
    return store.query(text, bindings=bindings or None, **options)


def evaluate(store: Any, text: str, bindings: dict[str, Any], max_rows: int, **options: Any) -> Payload:
    """Run ``text`` on a store-like object and collect at most ``max_rows`` results.

    ``store`` is a :class:`pyoxigraph.Store` (queried with the atlas prefixes
    and the union default graph) or an object with
    ``.query(text, bindings=…, **options)`` such as :class:`EmbeddedStore`.
    """
    with _engine_errors():
        result = _start(store, text, bindings, **options)
        if isinstance(result, ox.QueryBoolean):
            return Payload("boolean", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            names = tuple(v.value for v in result.variables)
            rows = []
            for solution in result:
                if len(rows) == max_rows:
                    return Payload("solutions", names, tuple(rows), truncated=True)
                rows.append(tuple(solution[n] for n in names))
            return Payload("solutions", names, tuple(rows))
        triples = []
        for triple in result:
            if len(triples) == max_rows:
                return Payload("triples", triples=tuple(triples), truncated=True)
            triples.append(triple)
        return Payload("triples", triples=tuple(triples))


class _FullError(Exception):
    """Raised into the engine's serialiser to stop it: enough lines were written."""


class _Lines:
    """A write-only file keeping at most ``limit`` lines; one more stops the writer (:class:`_FullError`)."""

    def __init__(self, limit: int) -> None:
        self.limit, self.lines, self.parts = limit, 0, []

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.parts.append(data)
        self.lines += data.count(b"\n")
        if self.lines > self.limit:
            raise _FullError
        return len(data)

    def flush(self) -> None:
        """Nothing to flush: lines are kept in memory."""

    def kept(self) -> tuple[bytes, bool]:
        """The first ``limit`` lines, and whether more were written."""
        data = b"".join(self.parts)
        if self.lines <= self.limit:
            return data, False
        end = -1
        for _ in range(self.limit):
            end = data.index(b"\n", end + 1)
        return data[: end + 1], True


def _serialised(store: Any, text: str, bindings: dict[str, Any], max_rows: int) -> tuple:
    """Evaluate ``text`` and serialise at most ``max_rows`` results with the engine itself.

    Solutions travel as SPARQL TSV and triples as N-Triples: one result per
    line (both escape line breaks), written and later parsed in Rust. At 10k
    experiences, the 46,680 rows of the issue-pairs query took 0.6 s to turn
    into Python terms, pickle and rebuild; as TSV they take 0.15 s. The
    serialiser is stopped at the first line past the cap, so a huge result
    is never produced whole.
    """
    with _engine_errors():
        result = _start(store, text, bindings)
        if isinstance(result, ox.QueryBoolean):
            return ("boolean", bool(result))
        solutions = isinstance(result, ox.QuerySolutions)
        out = _Lines(max_rows + 1 if solutions else max_rows)  # TSV starts with a line of variables
        with contextlib.suppress(_FullError):
            if solutions:
                result.serialize(out, format=ox.QueryResultsFormat.TSV)
            else:
                result.serialize(out, format=ox.RdfFormat.N_TRIPLES)
        data, truncated = out.kept()
        return ("solutions" if solutions else "triples", data, truncated)


def _payload(message: tuple) -> Payload:
    """Rebuild the :class:`Payload` of a :func:`_serialised` message."""
    if message[0] == "boolean":
        return Payload("boolean", boolean=message[1])
    kind, data, truncated = message
    if kind == "triples":
        triples = tuple(q.triple for q in ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
        return Payload("triples", triples=triples, truncated=truncated)
    solutions = ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    names = tuple(v.value for v in solutions.variables)
    return Payload("solutions", names, tuple(tuple(row) for row in solutions), truncated=truncated)


def _limit_cpu(seconds: float) -> None:
    """Let the kernel stop this process if it outlives its deadline by far (say, its parent died)."""
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        limit = math.ceil(seconds) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (limit, limit + 1))


def _child(
    conn: Any, store: Any, location: str | None, text: str, bindings: dict, max_rows: int, timeout: float
) -> None:
    """Body of a worker process: limit, open, isolate, evaluate, send one message."""
    _limit_cpu(timeout)
    try:
        if location is not None:
            store = EmbeddedStore(Path(location), read_only=True)
        isolate_network()
        message: tuple = ("ok", _serialised(store, text, bindings, max_rows))
    except AtlasError as exc:
        message = ("error", type(exc).__name__, str(exc))
    except BaseException as exc:
        message = ("error", "QueryError", f"the query worker failed: {type(exc).__name__}: {exc}")
    try:
        conn.send(message)
    finally:
        conn.close()


_forkserver: Any = None


def _forkserver_context() -> Any:
    """Return the fork-server context, with this module preloaded in the server."""
    global _forkserver
    if _forkserver is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
        else:  # pragma: no cover - platforms without fork (Windows)
            context = multiprocessing.get_context("spawn")
        _forkserver = context
    return _forkserver


_ERRORS = {"StoreError": StoreError, "QueryError": QueryError}


def run_isolated(store: Any, text: str, bindings: dict[str, Any], *, timeout: float, max_rows: int) -> Payload:
    """Evaluate a query in a worker process; kill it if it outlives ``timeout`` seconds.

    ``store`` is a path to an embedded store directory, an on-disk
    :class:`EmbeddedStore` (both opened read-only in a fork-server child), or
    a store in memory (inherited by a forked child).

    Raises
    ------
    QueryTimeoutError
        If the worker had not answered at the deadline (it is killed).
    QueryError, StoreError
        What the worker raised.
    """
    location: str | None = None
    if isinstance(store, (str, os.PathLike)):
        location = os.fspath(store)
    elif isinstance(store, EmbeddedStore) and store.path is not None:
        location = str(store.path)
    if location is not None:
        context = _forkserver_context()
        if context.get_start_method() == "forkserver":
            from multiprocessing import forkserver

            forkserver.ensure_running()  # start it before the clock runs
        args = (None, location, text, bindings, max_rows, timeout)
    else:
        if "fork" not in multiprocessing.get_all_start_methods():  # pragma: no cover
            raise StoreError("a store in memory can only be queried with a time limit where fork() exists")
        context = multiprocessing.get_context("fork")
        args = (store, None, text, bindings, max_rows, timeout)
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, *args), daemon=True)
    start = time.monotonic()
    process.start()
    sender.close()
    try:
        if not receiver.poll(max(0.0, timeout - (time.monotonic() - start))):
            raise QueryTimeoutError(
                f"the query did not finish within {timeout:g} s and was stopped "
                "(simplify it, add LIMIT, or raise --timeout)"
            )
        try:
            message = receiver.recv()
        except EOFError:
            process.join(1)
            if process.exitcode == -getattr(signal, "SIGXCPU", -1):
                raise QueryTimeoutError(f"the query used up its CPU time ({timeout:g} s) and was stopped") from None
            raise QueryError(f"the query worker died (exit code {process.exitcode})") from None
    finally:
        receiver.close()
        if process.is_alive():
            process.kill()
        process.join(5)
        with contextlib.suppress(ValueError):
            process.close()
    if message[0] == "ok":
        return _payload(message[1])
    raise _ERRORS.get(message[1], QueryError)(message[2])
