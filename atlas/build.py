"""Building an atlas directory into a store: strict, incremental and atomic.

:func:`load_atlas` reads and checks every source (nothing is written);
:func:`build_atlas` then writes the files that changed since the last build
into the store, in one transaction. A build with any problem writes nothing.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from atlas.errors import DataError, Problem, ValidationError
from atlas.load.config import AtlasConfig
from atlas.load.pool import PARALLEL_THRESHOLD
from atlas.load.sources import (
    CONFIG_FILE,
    SourceFile,
    build_index,
    config_source,
    read_config_file,
    read_file,
    read_source,
    scan_sources,
    write_quads,
)
from atlas.vocab import graph_iri

MANIFEST_VERSION = 1
#: With ``shacl="auto"``, YAML and Markdown sources are also validated by SHACL when the
#: statements to check are at most this many. pySHACL validates about a thousand
#: statements a second here; past this size the strict field checks (which enforce the
#: same constraints) stand alone, and ``atlas validate --shacl on`` runs the full check.
SHACL_AUTO_LIMIT = 50_000


@dataclass
class LoadResult:
    """What a load found: the configuration, the sources read, and their problems."""

    config: AtlasConfig
    sources: dict[str, SourceFile]  # relpath -> parsed (only files that were read)
    unchanged: list[str] = field(default_factory=list)  # relpaths kept from the previous build
    removed: list[str] = field(default_factory=list)  # relpaths of the previous build now gone
    hashes: dict[str, str] = field(default_factory=dict)  # relpath -> sha256 of every current source
    # relpath -> (size, mtime_ns), for the files whose size or time differ from the last build
    stats: dict[str, tuple[int, int]] = field(default_factory=dict)
    records: dict[str, int] = field(default_factory=dict)  # records by kind, over the whole atlas
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    shape_violations: bool = False  # some problems come from the SHACL shapes
    shacl_checked: int = 0  # statements validated by SHACL
    shacl_skipped: int = 0  # statements left to the field checks alone

    @property
    def content_hash(self) -> str:
        """A hash of the configuration and every source file's content."""
        hashes = self.hashes
        lines = "".join(f"{rel}\0{hashes[rel]}\n" for rel in sorted(hashes))  # keys: 40x faster than items
        return hashlib.sha256(lines.encode()).hexdigest()


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    data_dir: str
    files: int
    parsed: int
    removed: int
    records: dict[str, int]
    quads: int
    content_hash: str
    changed: bool
    shacl_checked: int = 0
    shacl_skipped: int = 0


def load_atlas(data_dir: str | Path, previous: dict | None = None, *, shacl: str = "auto",
               on_parsed: Callable[[list[SourceFile], float], None] | None = None) -> LoadResult:
    """Read and check an atlas directory.

    Parameters
    ----------
    data_dir : str or Path
        The atlas directory (with ``atlas.yaml``).
    previous : dict, optional
        The manifest of the last build: files whose size and modification time,
        or else content hash, did not change are not parsed again; their ids come
        from the manifest.
    shacl : {"auto", "on", "off"}
        Validate the new quads against the SHACL shapes: ``on`` always, ``off``
        never (the field checks still run), ``auto`` for RDF sources always and
        for the others when at most :data:`SHACL_AUTO_LIMIT` statements are new.
    on_parsed : callable, optional
        Called with each chunk of experience files parsed by worker processes
        (large atlases only), as it arrives, and the share of those files parsed
        so far (1.0 with the last chunk); the result still lists them all.

    Returns
    -------
    LoadResult
        With every problem found in ``problems`` (nothing raised).
    """
    data_dir = Path(data_dir)
    config = read_config_file(data_dir)
    all_prev = (previous or {}).get("files", {})
    prev_files = all_prev
    if (previous or {}).get("config") != config.to_json() or (previous or {}).get("version") != MANIFEST_VERSION:
        prev_files = {}
    # nothing to compare with: every file is read, and its size and time are taken then
    scanned = scan_sources(data_dir, stat=bool(prev_files))
    relpaths = [rel for rel, _, _ in scanned]
    result = LoadResult(config=config, sources={})
    config_data = (data_dir / CONFIG_FILE).read_bytes()
    result.hashes[CONFIG_FILE] = hashlib.sha256(config_data).hexdigest()
    to_read: list[str] = []
    for rel, size, mtime_ns in scanned:
        prev = prev_files.get(rel)
        if prev is not None and prev.get("size") == size and prev.get("mtime_ns") == mtime_ns:
            # same size and modification time as last build: unchanged without reading it (as git does)
            result.hashes[rel] = prev["sha256"]
            result.unchanged.append(rel)
        else:
            if size >= 0:
                result.stats[rel] = (size, mtime_ns)
            to_read.append(rel)
    with contextlib.ExitStack() as stack:
        pool = None
        if sum(1 for rel in to_read if rel.endswith(".md")) >= PARALLEL_THRESHOLD:
            from atlas.load.pool import ExperiencePool

            # many experiences: worker processes read them (started first, their start overlaps ours).
            # Files the last build knew are hashed first: a new time, same content, is not parsed again.
            pool = stack.enter_context(ExperiencePool(data_dir, config))
            scans = pool.scan([rel for rel in to_read if rel.endswith(".md") and rel in prev_files])
        experiences: list[str] = []  # changed .md files for the workers

        def unchanged(rel: str, sha: str) -> bool:
            """Record the hash of a file that was read; whether its content is the last build's."""
            result.hashes[rel] = sha
            same = rel in prev_files and prev_files[rel]["sha256"] == sha
            if same:
                result.unchanged.append(rel)
            return same

        for rel in to_read:
            if pool is not None and rel.endswith(".md"):
                if rel not in prev_files:
                    experiences.append(rel)
                continue
            data, result.stats[rel] = read_file(data_dir, rel)
            if not unchanged(rel, hashlib.sha256(data).hexdigest()):
                result.sources[rel] = read_source(data_dir, rel, config, data)
        if pool is not None:
            experiences += [rel for rel, sha in scans if not unchanged(rel, sha)]
        result.removed = sorted(set(all_prev) - set(relpaths) - {CONFIG_FILE})
        if CONFIG_FILE not in prev_files or prev_files[CONFIG_FILE]["sha256"] != result.hashes[CONFIG_FILE]:
            result.sources[CONFIG_FILE] = config_source(data_dir, config)
        else:
            result.unchanged.append(CONFIG_FILE)

        defined = [(rel, k, s, line) for rel in result.unchanged for k, s, line in prev_files[rel]["defined"]]
        defined += [(rel, k, s, line) for rel, src in result.sources.items() for k, s, line in src.defined]
        parsed: dict[str, SourceFile] = {}  # by the workers, quads written
        if experiences:
            # an experience refers to no other experience: the workers need every id but theirs
            parsed = pool.parse(sorted(experiences), build_index(config, defined, []), on_parsed=on_parsed)
            defined += [(rel, k, s, line) for rel, src in parsed.items() for k, s, line in src.defined]
            result.stats.update((rel, src.stat) for rel, src in parsed.items() if src.stat is not None)
        problems = [p for src in [*result.sources.values(), *parsed.values()] for p in src.problems]
        index = build_index(config, defined, problems)
        result.records = dict(sorted(Counter(kind for kind, _ in index.where).items()))
        for src in result.sources.values():
            if not src.problems:
                write_quads(src, config, index)
                problems.extend(src.problems)
        result.sources.update(parsed)
        result.hashes.update((rel, src.sha256) for rel, src in parsed.items())
    problems.extend(_dangling_references(data_dir, config, index, result, prev_files))
    if shacl not in ("auto", "on", "off"):
        raise ValueError(f"shacl must be auto, on or off, not {shacl!r}")
    if shacl != "off" and not problems:
        from atlas.load.validate import shacl_problems

        checked = list(result.sources.values())
        total = sum(src.quad_count for src in checked)
        if not shacl_checks_records(shacl, total):
            # contributor RDF has no field checks; atlas.yaml's statements come from its checked fields
            checked = [src for src in checked if src.is_rdf and src.relpath != CONFIG_FILE]
        result.shacl_checked = sum(src.quad_count for src in checked)
        result.shacl_skipped = total - result.shacl_checked
        if checked:
            violations, warnings = shacl_problems(checked, config, index)
            problems.extend(violations)
            result.shape_violations = bool(violations)
            result.warnings = warnings
    result.problems = sorted(set(problems))
    return result


def _dangling_references(data_dir: Path, config: AtlasConfig, index, result: LoadResult,
                         prev_files: dict) -> list[Problem]:
    """Problems of files that did not change but refer to records that are gone.

    Records can only disappear from files that changed or were removed; when
    some did, the unchanged files that mention their slugs are checked again in
    full, so that the problem is reported at its exact line.
    """
    before = {(k, s) for rel in [*result.sources, *result.removed] if rel in prev_files
              for k, s, _ in prev_files[rel]["defined"]}
    gone = sorted(before - set(index.where))
    if not gone:
        return []
    needles = [slug.encode() for _, slug in gone]
    problems: list[Problem] = []
    for rel in result.unchanged:
        if rel == CONFIG_FILE:
            continue
        data = read_file(data_dir, rel)[0]
        if any(n in data for n in needles):
            src = read_source(data_dir, rel, config, data)
            if not src.problems:
                write_quads(src, config, index)
            problems.extend(src.problems)
    return problems


def shacl_checks_records(shacl: str, statements: int) -> bool:
    """Whether a load with this ``shacl`` option and this many new statements checks record files with SHACL.

    >>> shacl_checks_records("auto", 12_000), shacl_checks_records("auto", 2_800_000)
    (True, False)
    """
    return shacl == "on" or (shacl == "auto" and statements <= SHACL_AUTO_LIMIT)


def manifest_of(result: LoadResult, previous: dict | None) -> dict:
    """Return the manifest describing the store content after applying ``result``."""
    prev_files = (previous or {}).get("files", {})
    files = {rel: prev_files[rel] for rel in result.unchanged}
    base, stats = result.config.base, result.stats
    for rel, src in result.sources.items():  # one dict per file, made once: 100k of them in a large build
        meta = {"sha256": src.sha256, "graph": graph_iri(base, rel), "defined": src.defined,
                "quads": src.quad_count}
        if rel in stats:
            meta["size"], meta["mtime_ns"] = stats[rel]
        files[rel] = meta
    for rel in result.unchanged:
        if rel in stats and (files[rel].get("size"), files[rel].get("mtime_ns")) != stats[rel]:
            size, mtime_ns = stats[rel]
            files[rel] = {**files[rel], "size": size, "mtime_ns": mtime_ns}
    return {
        "version": MANIFEST_VERSION,
        "config": result.config.to_json(),
        "files": {rel: files[rel] for rel in sorted(files)},  # sorting keys, not (key, value) tuples
        "content_hash": result.content_hash,
    }


def check(result: LoadResult) -> None:
    """Raise if the load found problems: :class:`ValidationError` for shape violations, else :class:`DataError`."""
    if result.problems:
        raise (ValidationError if result.shape_violations else DataError)(result.problems)


class _Writes:
    """The writes of one build: a single transaction of ``store``, opened on first use.

    On a store whose transactions are staged (on disk: a new generation, made
    current only at the end), chunks of experiences parsed by worker processes
    are loaded as they arrive, while the workers parse the next ones; a
    problem found later raises inside the transaction, which is then discarded.
    The store is told how many more quads to expect (from the quads per file
    so far), so that it can open bulk loads that read them as they come. Once
    SHACL is sure not to read the experiences (``shacl`` off, or ``auto`` past
    its limit), the parent drops their N-Quads and node lines as soon as they
    are handed over.
    """

    def __init__(self, store, stack: contextlib.ExitStack, data_dir: Path, previous: dict | None,
                 shacl: str) -> None:
        self.store, self.stack, self.shacl = store, stack, shacl
        self.streamed: set[str] = set()
        self._held: list[SourceFile] = []  # streamed files whose N-Quads SHACL may still read
        self._quads = 0  # in the chunks received so far
        self._known = (previous or {}).get("files", {})  # files whose graphs may exist already
        self._writer = None
        self._base = read_config_file(data_dir).base if getattr(store, "staged", False) else None

    @property
    def writer(self):
        if self._writer is None:
            self._writer = self.stack.enter_context(self.store.transaction())
        return self._writer

    @property
    def on_parsed(self) -> Callable[[list[SourceFile], float], None] | None:
        return self._stream if self._base is not None else None

    def _stream(self, sources: list[SourceFile], progress: float) -> None:
        loaded = [src for src in sources if src.nquads and not src.problems]
        rest = sum(src.quad_count for src in loaded)
        self._quads += rest
        later = int(self._quads * (1 - progress) / progress)  # the quads of the files still being parsed
        for src in loaded:
            rest -= src.quad_count
            expected = rest + later
            if src.relpath in self._known:
                self.writer.replace_graph_nquads(graph_iri(self._base, src.relpath), src.nquads, src.quad_count,
                                                 expected=expected)
            else:  # a new file: no graph to remove first
                self.writer.add_nquads(src.nquads, src.quad_count, expected=expected)
            self.streamed.add(src.relpath)
        self._held += loaded
        if not shacl_checks_records(self.shacl, self._quads):
            # they are in the store now: at 100k experiences, 700 MB the build no longer holds
            for src in self._held:
                src.release_statements()
            self._held = []
        if progress >= 1 and self._writer is not None:
            self._writer.load_queued()  # while the rest of the build goes on


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building.

    A large build keeps millions of acyclic objects (parsed sources, their
    N-Quads, the index), and every full collection walks them all: 2.1 s of
    the parent's time in a 100k build, holding the GIL. Reference counting
    still frees everything; the collector resumes when the build ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # what was made meanwhile joins the oldest generation: else the first collection
            # after this walks all of it as young objects (0.14 s at 100k, as the build ends)
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def build_atlas(data_dir: str | Path, store, *, shacl: str = "auto",
                on_loaded: Callable[[LoadResult], None] | None = None) -> BuildReport:
    """Load ``data_dir`` into ``store``: only what changed, atomically, or nothing if there is a problem.

    Raises
    ------
    DataError, ValidationError
        Listing every problem of every file; the store is left as it was.
    """
    previous = dict(store.manifest) if store.manifest else None
    with contextlib.ExitStack() as stack:
        stack.enter_context(_collector_paused())
        writes = _Writes(store, stack, Path(data_dir), previous, shacl)
        result = load_atlas(data_dir, previous, shacl=shacl, on_parsed=writes.on_parsed)
        check(result)
        if on_loaded is not None:
            on_loaded(result)
        manifest = manifest_of(result, previous)
        changed = bool(result.sources or result.removed) or previous is None
        if changed:
            w = writes.writer
            prev_files = (previous or {}).get("files", {})
            for rel in result.removed:
                w.remove_graph(prev_files[rel]["graph"])
            for rel, src in sorted(result.sources.items()):
                if rel in writes.streamed:
                    continue
                if src.nquads:  # a record file: its N-Quads as the second pass wrote them
                    w.replace_graph_nquads(graph_iri(result.config.base, rel), src.nquads, src.quad_count)
                else:
                    w.replace_graph(graph_iri(result.config.base, rel), src.quads)
            if previous and previous.get("config") != manifest["config"]:
                # a new base or languages: graphs of the old configuration must go
                for rel, meta in prev_files.items():
                    if meta["graph"] != graph_iri(result.config.base, rel):
                        w.remove_graph(meta["graph"])
            w.manifest = manifest
    return BuildReport(
        data_dir=str(data_dir),
        files=len(manifest["files"]),
        parsed=len(result.sources),
        removed=len(result.removed),
        records=result.records,
        quads=sum(meta.get("quads", 0) for meta in manifest["files"].values()),
        content_hash=manifest["content_hash"],
        changed=changed,
        shacl_checked=result.shacl_checked,
        shacl_skipped=result.shacl_skipped,
    )


__all__ = ["BuildReport", "LoadResult", "build_atlas", "check", "load_atlas"]
