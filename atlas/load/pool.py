"""Reading many experience files on every core.

Experiences are most of a large atlas, and each is independent once the ids
it may refer to are known: those of every other kind of record (experiences
refer to no other experience). Worker processes parse and check the files in
chunks and send back N-Quads, which the parent hands to the store's bulk
loader; the ids they define are indexed, and checked for clashes, afterwards.
Files the last build knew whose time changed are hashed by the workers first,
so that those whose content did not change are not parsed again.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from pathlib import Path

from atlas.load.config import AtlasConfig
from atlas.load.records import Index
from atlas.load.sources import SourceFile, read_file, read_source, write_quads

#: Below this many experience files, one process is faster than starting workers.
PARALLEL_THRESHOLD = 2000

_config: AtlasConfig | None = None
_index: Index | None = None
_index_path: str | None = None
_data_dir: Path | None = None


def _init(data_dir: str, config: AtlasConfig) -> None:
    global _config, _data_dir
    _data_dir, _config = Path(data_dir), config


def _use_index(path: str) -> None:
    """Load the atlas index a parse needs, once per worker (it is the same file for every chunk)."""
    global _index, _index_path
    if _index_path != path:
        with open(path, "rb") as fh:
            _index, _index_path = pickle.load(fh), path


def _scan(relpaths: list[str]) -> list[tuple[str, str]]:
    """Hash experience files: ``(relpath, sha256)`` of each."""
    return [(rel, hashlib.sha256(read_file(_data_dir, rel)[0]).hexdigest()) for rel in relpaths]


def _work(index_path: str, relpaths: list[str]) -> list[tuple]:
    _use_index(index_path)
    gc.disable()  # as in the parent's build: many acyclic objects, freed by reference counting
    try:
        out = []
        for rel in relpaths:
            src = read_source(_data_dir, rel, _config)
            if not src.problems:
                write_quads(src, _config, _index)
            # experiences are Markdown record files: their statements are N-Quads already
            out.append((rel, src.sha256, src.defined, src.lines, src.problems, src.nquads, src.nquads_count,
                        src.stat))
        return out
    finally:
        gc.enable()


class ExperiencePool:
    """Worker processes that read the experience files of one load, on every core.

    Started before anything else is read, so that the workers' start overlaps
    the parent's own reading. :meth:`scan` hashes files (to tell which really
    changed); once the parent has indexed the ids of the other records,
    :meth:`parse` parses and checks them. Use it as a context manager.
    """

    def __init__(self, data_dir: Path, config: AtlasConfig, workers: int | None = None) -> None:
        self.workers = workers or max(1, min(os.cpu_count() or 1, 8))
        self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"), initializer=_init,
                                         initargs=(str(data_dir), config))
        self._tmp = tempfile.TemporaryDirectory(prefix="atlas-pool-")

    def __enter__(self) -> ExperiencePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._tmp.cleanup()

    def _chunks(self, relpaths: list[str], per_worker: int) -> list[list[str]]:
        size = max(50, len(relpaths) // (self.workers * per_worker) + 1)
        return [relpaths[i: i + size] for i in range(0, len(relpaths), size)]

    def scan(self, relpaths: list[str]) -> Iterator[tuple[str, str]]:
        """Start hashing ``relpaths`` at once; yield ``(relpath, sha256)`` of each, in order."""
        results = self._pool.map(_scan, self._chunks(relpaths, 2))
        return (item for chunk in results for item in chunk)

    def parse(self, relpaths: list[str], index: Index,
              on_parsed: Callable[[list[SourceFile], float], None] | None = None) -> dict[str, SourceFile]:
        """Parse and check experience files; return their :class:`SourceFile` s.

        ``index`` must hold every id the files may refer to (experiences refer to
        no other experience). ``on_parsed`` is called with each chunk of parsed
        files, in order, as soon as it arrives, and the share of the files parsed
        so far (1.0 with the last chunk): the caller can load it into a store
        while the workers parse the next chunks.
        """
        index_path = os.path.join(self._tmp.name, "index.pickle")
        with open(index_path, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        out: dict[str, SourceFile] = {}
        for results in self._pool.map(partial(_work, index_path), self._chunks(relpaths, 8)):
            parsed = [SourceFile(rel, sha, defined=defined, lines=lines, problems=problems, nquads=nquads,
                                 nquads_count=count, stat=stat)
                      for rel, sha, defined, lines, problems, nquads, count, stat in results]
            out.update((src.relpath, src) for src in parsed)
            if on_parsed is not None:
                on_parsed(parsed, len(out) / len(relpaths))
        return out
