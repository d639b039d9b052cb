"""The embedded store: Oxigraph (RocksDB) on disk, or in memory.

On disk, a store directory holds generations::

    STORE/current -> gen-000007     the generation readers open
    STORE/gen-000007/               an Oxigraph database
    STORE/gen-000007.json           its manifest (source files, hashes, ids)
    STORE/lock                      held while a build writes

A write (:meth:`EmbeddedStore.transaction`) checkpoints the current
generation into a new one (RocksDB hard links: cheap), applies the changes
there, and only then swaps the ``current`` link with an atomic rename. A build
that fails or is killed leaves ``current`` untouched and usable.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import os
import queue
import shutil
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import orjson
import pyoxigraph as ox

from atlas.errors import QueryError, StoreError
from atlas.output import write_atomic
from atlas.store.base import ManifestMixin

_CURRENT = "current"
#: A write that adds this many quads or more compacts the new generation.
OPTIMIZE_AFTER = 50_000


def lexical(term: Any) -> str | None:
    """Return the lexical value of a pyoxigraph term (IRI, literal value or blank node id)."""
    return None if term is None else term.value


class _Pieces(io.RawIOBase):
    """N-Quads handed over piece by piece, read by a bulk load as they come (see :meth:`Writer.add_nquads`)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._view = memoryview(b"")

    def readable(self) -> bool:
        return True

    def put(self, piece: bytes | BaseException | None) -> None:
        """Hand over N-Quads; ``None`` ends the input, an exception makes the next read raise it."""
        self._queue.put(piece)

    def readinto(self, buffer: Any) -> int:
        while not self._view:
            piece = self._queue.get()  # waits, without the GIL, for the next piece
            if piece is None:
                self._queue.put(None)  # the end, for any later read too
                return 0
            if isinstance(piece, BaseException):
                raise piece
            self._view = memoryview(piece)
        n = min(len(buffer), len(self._view))
        buffer[:n] = self._view[:n]
        self._view = self._view[n:]
        return n


class Writer:
    """Changes applied to a store inside :meth:`EmbeddedStore.transaction`.

    Removals happen at once; additions are queued and loaded in bulk, by large
    batches (one bulk load per file would write thousands of small RocksDB
    tables). Serialised batches load in background threads, one per core
    (Oxigraph's bulk loader releases the GIL): the caller goes on meanwhile,
    and :meth:`commit` waits for them all. A long series of additions can
    instead go to bulk loads that read them as they come, one per core (see
    :meth:`add_nquads`).
    """

    def __init__(self, store: ox.Store, manifest: dict):
        self._store = store
        self._pending: list[ox.Quad] = []
        self._pending_nquads: list[bytes] = []
        self._pending_lines = 0
        self._loaders: ThreadPoolExecutor | None = None
        self._loading: list[Future] = []
        self._streams: list[_Pieces] = []  # the open bulk loads' inputs, fed in turn
        self._streamer: ThreadPoolExecutor | None = None
        self._next = 0  # the stream the next addition goes to
        self._streamed = 0  # quads handed to the streams
        self.added = 0  # quads added in this transaction
        self.manifest = manifest

    def remove_graph(self, iri: str) -> None:
        """Remove a named graph and everything in it."""
        node = ox.NamedNode(iri)
        if self._store.contains_named_graph(node):
            self._store.remove_graph(node)

    #: Queued quads are loaded in bulk once this many are waiting (bounds memory).
    BATCH = 500_000

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads (loaded in bulk, in large batches, or by the open bulk loads)."""
        if self._streams:
            self._add_as_nquads(list(quads))
            return
        self._pending.extend(quads)
        if len(self._pending) >= self.BATCH:
            self.commit()

    def replace_graph(self, iri: str, quads: Iterable[ox.Quad]) -> None:
        """Replace the content of a named graph by ``quads`` (which must be in that graph)."""
        self.remove_graph(iri)
        self.add(quads)

    def replace_graph_nquads(self, iri: str, nquads: bytes, count: int | None = None, *, expected: int = 0) -> None:
        """Replace the content of a named graph by N-Quads (each in that graph), loaded without Python terms.

        Parsing 3 million quads into Python objects only to hand them back to
        Oxigraph cost 10 s of a 100k-experience build; the bytes go to its bulk
        loader as they are. ``count`` is the number of quads, if known;
        ``expected`` as in :meth:`add_nquads`.
        """
        self.remove_graph(iri)
        self.add_nquads(nquads, count, expected=expected)

    #: Quads Oxigraph's bulk loader encodes and sorts at a time, in one thread each
    #: (its ``DEFAULT_BULK_LOAD_BATCH_SIZE``).
    LOADER_BATCH = 1_000_000
    #: At most this many bulk loads stream at once (each holds a batch being filled).
    STREAMS = 4

    def add_nquads(self, nquads: bytes, count: int | None = None, *, expected: int = 0) -> None:
        """Add N-Quads to graphs that hold nothing yet (see :meth:`replace_graph_nquads`).

        ``expected`` is how many more quads the caller still expects to add in
        this transaction (an estimate). When that makes at least
        :data:`LOADER_BATCH` quads, the transaction opens one bulk load per core
        (at most :data:`STREAMS`), each reading N-Quads as they come, in a
        background thread; from then on every addition goes to them in turn,
        and each writes everything it read to RocksDB once, at the commit.
        Their full batches are encoded while the caller goes on, and their
        last, partial ones are of equal size and encoded side by side at the
        end: with one open load and the rest in separate loads, one load's
        last batch was left working alone, and every load written before the
        last one made RocksDB compact tables the final ``optimize`` rewrites
        anyway (in a 100k-experience build, 1 s and 2 CPU-seconds).
        """
        count = nquads.count(b"\n") if count is None else count
        if not self._streams and self._streamer is None and count + expected >= self.LOADER_BATCH:
            self._open_streams()
        if self._streams:
            self._streams[self._next % len(self._streams)].put(nquads)
            self._next += 1
            self._streamed += count
            self.added += count
            return
        self._pending_nquads.append(nquads)
        self._pending_lines += count
        if self._pending_lines >= self.BATCH:
            self._load_in_background(1)

    def _add_as_nquads(self, quads: list[ox.Quad]) -> None:
        """Add term objects with the N-Quads, to load them in the same bulk load."""
        self.add_nquads(ox.serialize(quads, format=ox.RdfFormat.N_QUADS), len(quads))

    def _open_streams(self) -> None:
        """Open the bulk loads that read additions as they come; what is queued goes to them first."""
        n = max(1, min(os.cpu_count() or 1, self.STREAMS))
        self._streams = [_Pieces() for _ in range(n)]
        self._streamer = ThreadPoolExecutor(n, thread_name_prefix="atlas-stream")
        for stream in self._streams:
            self._bulk_load(self._streamer, io.BufferedReader(stream, 1 << 20))
        queued, self._pending_nquads, self._pending_lines = self._pending_nquads, [], 0
        for nquads in queued:
            self.add_nquads(nquads)

    #: Queued quads are split into one load per core from this many on. Below, one
    #: load is as fast (a 1k-experience build: 1.0 s either way), and its tables are
    #: final: RocksDB does not rewrite them, and the store is half the size on disk.
    SPLIT = 100_000

    def load_queued(self) -> None:
        """Start loading what is queued now, in background loads, instead of at the commit."""
        if self._pending_nquads:
            self._load_in_background((os.cpu_count() or 1) if self._pending_lines >= self.SPLIT else 1)

    def _end_streams(self, reason: BaseException | None) -> None:
        """End the open bulk loads' input: normally (``None``), or by making them fail with ``reason``."""
        for stream in self._streams:
            stream.put(reason)
        self._streams = []

    def _load_in_background(self, parts: int) -> None:
        """Hand the queued N-Quads to the loader threads, in ``parts`` loads of whole files."""
        if self._loaders is None:
            self._loaders = ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="atlas-load")
        chunks, size = self._pending_nquads, -(-len(self._pending_nquads) // max(parts, 1))
        for start in range(0, len(chunks), size):
            self._bulk_load(self._loaders, b"".join(chunks[start:start + size]))
        self.added += self._pending_lines
        self._pending_nquads, self._pending_lines = [], 0

    def _bulk_load(self, threads: ThreadPoolExecutor, nquads: bytes | io.BufferedReader) -> None:
        """Bulk-load N-Quads in one of ``threads``; :meth:`commit` waits for it."""
        # lenient: these bytes were written from checked terms (QuadWriter, or Oxigraph's serialiser)
        self._loading.append(threads.submit(self._store.bulk_load, nquads, format=ox.RdfFormat.N_QUADS,
                                            lenient=True))

    def abandon(self) -> None:
        """Drop what is queued and wait for the background loads already running."""
        self._pending, self._pending_nquads, self._pending_lines = [], [], 0
        self._end_streams(OSError("the transaction was abandoned"))
        self._shutdown()
        self._loading = []

    def _shutdown(self) -> None:
        for pool in (self._loaders, self._streamer):
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self._loaders = self._streamer = None

    def commit(self) -> None:
        """Load the queued quads, and wait until every background load is done."""
        if self._pending:
            quads, self._pending = self._pending, []
            if self._pending_nquads:  # one load for all: each load is one more set of tables to compact
                self._add_as_nquads(quads)
            else:
                self._store.bulk_extend(quads)
                self.added += len(quads)
        self._end_streams(None)
        self.load_queued()
        try:
            for load in self._loading:
                load.result()
        finally:
            self._loading = []
            self._shutdown()


class EmbeddedStore(ManifestMixin):
    """An Oxigraph store on disk (``path``) or in memory (``path=None``).

    Parameters
    ----------
    path : Path or None
        The store directory, or ``None`` for memory.
    read_only : bool
        Open the current generation read-only (the default for queries).
    create : bool
        Create the directory if it is missing.

    Examples
    --------
    >>> s = EmbeddedStore(None)
    >>> with s.transaction() as w:
    ...     w.replace_graph("https://e.org/g", [ox.Quad(ox.NamedNode("https://e.org/a"),
    ...         ox.NamedNode("https://e.org/p"), ox.Literal("v"), ox.NamedNode("https://e.org/g"))])
    >>> s.select("SELECT ?o WHERE { ?s ?p ?o }")
    [('v',)]
    """

    def __init__(self, path: Path | None, *, read_only: bool = True, create: bool = False):
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._manifest: dict = {}
        self._gen: Path | None = None  # the generation to open on first use
        self._hash: str | None = None
        if self.path is None:
            self._store: ox.Store | None = ox.Store()
            return
        if not (self.path / _CURRENT).exists():
            if not create:
                raise StoreError(f"no atlas store at {self.path}: run 'atlas build' first (or set --store)")
            self.path.mkdir(parents=True, exist_ok=True)
            self._store = None
            return
        self._open_current()

    # -- opening ------------------------------------------------------------
    def _generation(self) -> Path:
        return (self.path / _CURRENT).resolve()

    def _open_current(self, manifest: dict | None = None) -> None:
        """Point at the current generation; the database and the manifest are opened when
        first needed, so that a command answered from the corpus cache opens neither."""
        self._gen = self._generation()
        self._store = None
        self._manifest = manifest if manifest is not None else None
        self._hash = manifest.get("content_hash", "") if manifest is not None else None

    def _database(self) -> ox.Store | None:
        if self._store is None and self._gen is not None:
            try:
                # the current generation is never written (writes go to a new one), so even a
                # writer opens it read-only, and readers and a writer can share the store
                self._store = ox.Store.read_only(str(self._gen))
            except OSError as exc:
                raise StoreError(f"cannot open the store at {self._gen}: {exc}") from exc
        return self._store

    @property
    def manifest(self) -> Mapping:
        """The manifest of the current content (source files, hashes, ids); empty for a new store."""
        if self._manifest is None:
            path = self._gen.with_suffix(".json")
            self._manifest = orjson.loads(path.read_bytes()) if path.exists() else {}
        return self._manifest

    @property
    def content_hash(self) -> str:
        """A hash of the store content, changed by every write (read without loading the manifest)."""
        if self._hash is None:
            path = self._gen.with_suffix(".hash") if self._gen is not None else None
            if path is not None and path.exists():
                self._hash = path.read_text(encoding="utf-8").strip()
            else:
                self._hash = str(self.manifest.get("content_hash", ""))
        return self._hash

    @property
    def staged(self) -> bool:
        """Whether a transaction's writes stay invisible until it ends (on disk: a new generation)."""
        return self.path is not None

    @property
    def cache_dir(self) -> Path | None:
        """A directory for caches derived from the current content (``None`` in memory)."""
        if self.path is None or not (self.path / _CURRENT).exists():
            return None
        return self.path

    def _require(self) -> ox.Store:
        if self._database() is None:
            raise StoreError(f"the store at {self.path} is empty: run 'atlas build' first")
        return self._store

    # -- reading --------------------------------------------------------------
    def query(self, query: str, *, bindings: Mapping[str, Any] | None = None, prefixes: bool = True) -> Any:
        """Run a SPARQL query with the atlas prefixes and the union default graph; return pyoxigraph's result."""
        from atlas.vocab import PREFIXES  # here: opening a store for its cached corpus needs no rdflib

        subs = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        try:
            return self._require().query(
                query,
                prefixes=dict(PREFIXES) if prefixes else None,
                use_default_graph_as_union=True,
                substitutions=subs or None,
            )
        except SyntaxError as exc:
            raise QueryError(f"invalid SPARQL: {exc}") from exc

    def select(self, query: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[str | None, ...]]:
        """Run a SELECT query and return its rows as tuples of lexical values.

        The engine writes the whole result as SPARQL TSV without holding the GIL,
        and parses it back: faster than walking the solutions from Python (5.0
        instead of 6.6 s for the 540k experience–issue pairs at 100k, on disk),
        and other threads run meanwhile (see :meth:`select_many`).
        """
        data = self.query(query, bindings=bindings).serialize(format=ox.QueryResultsFormat.TSV)
        return [tuple(lexical(term) for term in row)
                for row in ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)]

    def select_many(self, queries: Iterable[str]) -> list[list[tuple[str | None, ...]]]:
        """Run several SELECT queries at once, one per core; return their rows, in order.

        On disk each query mostly waits on RocksDB reads with the GIL released,
        so a corpus extraction's queries at 100k take half the time together.
        """
        queries = list(queries)
        if self.path is None or len(queries) < 2:
            return [self.select(q) for q in queries]
        self._require()  # opened once, before the threads share it
        with ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="atlas-select") as pool:
            return list(pool.map(self.select, queries))

    def graphs(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        if self._database() is None:
            return []
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def quads(self, graph: str | None = None) -> Iterator[ox.Quad]:
        """Iterate the quads of one named graph, or of all of them."""
        if self._database() is None:
            return iter(())
        g = ox.NamedNode(graph) if graph else None
        return self._store.quads_for_pattern(None, None, None, g)

    def __len__(self) -> int:
        return 0 if self._database() is None else len(self._store)

    # -- writing --------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Writer]:
        """Apply changes atomically: all of them become visible, or none.

        In memory, changes are applied in place (nothing else sees the store).
        On disk, see the module documentation.
        """
        if self.path is None:
            writer = Writer(self._store, dict(self._manifest))
            yield writer
            writer.commit()
            self._manifest = writer.manifest
            self._hash = str(writer.manifest.get("content_hash", ""))
            return
        if self.read_only:
            raise StoreError("the store was opened read-only")
        lock = open(self.path / "lock", "a+")  # noqa: SIM115 - held for the whole transaction
        try:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"the store at {self.path} is being written by another process") from None
            self._sweep()
            number = 1 + max([int(p.name[4:]) for p in self.path.glob("gen-*") if p.is_dir()] or [0])
            gen = self.path / f"gen-{number:06d}"
            if self._database() is not None:
                self._store.backup(str(gen))
            new = ox.Store(str(gen))
            writer = Writer(new, dict(self.manifest))
            try:
                yield writer
            except BaseException:
                writer.abandon()  # no loader thread may go on writing into a discarded generation
                raise
            writer.commit()
            new.flush()
            if writer.added >= OPTIMIZE_AFTER:
                # bulk loads leave many small tables; compacting them once makes every later
                # query faster (the co-occurrence query at 10k experiences: 2.7 s -> 1.6 s)
                new.optimize()
            del new, writer._store
            manifest_path = gen.with_suffix(".json")
            # compact, sorted JSON (orjson: 0.05 s where the json module takes 0.4 s at 100k files)
            write_atomic(manifest_path, orjson.dumps(writer.manifest, option=orjson.OPT_SORT_KEYS))
            write_atomic(gen.with_suffix(".hash"), str(writer.manifest.get("content_hash", "")).encode())
            link = self.path / f".{_CURRENT}.tmp"
            if link.is_symlink() or link.exists():
                link.unlink()
            link.symlink_to(gen.name)
            os.replace(link, self.path / _CURRENT)
            self._store = None
            self._open_current(manifest=writer.manifest)
            self._sweep()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()

    def _sweep(self) -> None:
        """Remove generations that are not current (left by earlier builds, or by a killed one)."""
        current = self._generation().name if (self.path / _CURRENT).exists() else None
        for p in self.path.glob("gen-*"):
            if p.name.split(".")[0] != current:
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)

    def close(self) -> None:
        """Release the store (its files stay)."""
        self._store = None
