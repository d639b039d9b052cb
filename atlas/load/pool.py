"""Reading many experience files on every core.

Experiences are most of a large atlas and each is independent once every id
of the atlas is known. Worker processes first read the files, hash them and
find their ids by a quick scan (the ``id:`` line of the front matter, else the
file name); then they parse and check the files in chunks and send back
N-Quads, which the parent hands to the store's bulk loader.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pyoxigraph as ox

from atlas.load.config import AtlasConfig
from atlas.load.records import Index
from atlas.load.sources import SourceFile, read_source, write_quads
from atlas.vocab import SLUG_RE

#: Below this many experience files, one process is faster than starting workers.
PARALLEL_THRESHOLD = 2000
_ID_LINE = re.compile(rb"^id:[ \t]*['\"]?([^'\"\s#]+)", re.MULTILINE)

_config: AtlasConfig | None = None
_index: Index | None = None
_index_path: str | None = None
_data_dir: Path | None = None


def quick_slug(data: bytes, relpath: str) -> str | None:
    """Return the id an experience file declares (or its file name), if it is a valid slug.

    >>> quick_slug(b"---\\ntitle: x\\nid: my-exp\\n---\\n", "experiences/other.md")
    'my-exp'
    >>> quick_slug(b"---\\ntitle: x\\n---\\nid: not-this\\n", "experiences/the-file.md")
    'the-file'
    """
    end = data.find(b"\n---", 3)
    front = data[: end if end >= 0 else len(data)]
    m = _ID_LINE.search(front)
    slug = m.group(1).decode("utf-8", "replace") if m else Path(relpath).stem
    return slug if SLUG_RE.fullmatch(slug) else None


def _init(data_dir: str, config: AtlasConfig) -> None:
    global _config, _data_dir
    _data_dir, _config = Path(data_dir), config


def _use_index(path: str) -> None:
    """Load the atlas index a parse needs, once per worker (it is the same file for every chunk)."""
    global _index, _index_path
    if _index_path != path:
        with open(path, "rb") as fh:
            _index, _index_path = pickle.load(fh), path


def _scan(relpaths: list[str]) -> list[tuple[str, str, str | None]]:
    """Read experience files: ``(relpath, sha256, declared id)`` of each."""
    out = []
    root = str(_data_dir)
    for rel in relpaths:
        with open(f"{root}/{rel}", "rb") as fh:
            data = fh.read()
        out.append((rel, hashlib.sha256(data).hexdigest(), quick_slug(data, rel)))
    return out


def _work(index_path: str, relpaths: list[str]) -> list[tuple]:
    _use_index(index_path)
    out = []
    for rel in relpaths:
        src = read_source(_data_dir, rel, _config)
        if not src.problems:
            write_quads(src, _config, _index)
        nquads = ox.serialize(src.quads, format=ox.RdfFormat.N_QUADS) if src.quads else b""
        out.append((rel, src.sha256, src.defined, src.lines, src.problems, nquads, len(src.quads)))
    return out


class ExperiencePool:
    """Worker processes that read the experience files of one load, on every core.

    Started before anything else is read, so that the workers' start overlaps
    the parent's own reading. :meth:`scan` reads the files and finds their ids
    (which the index of the atlas needs); once the parent has built that
    index, :meth:`parse` parses and checks them. Use it as a context manager.
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

    def scan(self, relpaths: list[str]) -> Iterator[tuple[str, str, str | None]]:
        """Start reading ``relpaths`` at once; yield ``(relpath, sha256, quick id)`` of each, in order."""
        results = self._pool.map(_scan, self._chunks(relpaths, 2))
        return (item for chunk in results for item in chunk)

    def parse(self, relpaths: list[str], index: Index,
              on_parsed: Callable[[list[SourceFile]], None] | None = None) -> dict[str, SourceFile]:
        """Parse and check experience files; return their :class:`SourceFile` s.

        ``on_parsed`` is called with each chunk of parsed files, in order, as soon as
        it arrives: the caller can load it into a store while the workers parse the
        next chunks.
        """
        index_path = os.path.join(self._tmp.name, "index.pickle")
        with open(index_path, "wb") as fh:
            pickle.dump(index, fh, protocol=pickle.HIGHEST_PROTOCOL)
        out: dict[str, SourceFile] = {}
        for results in self._pool.map(partial(_work, index_path), self._chunks(relpaths, 8)):
            parsed = [SourceFile(rel, sha, defined=defined, lines=lines, problems=problems, nquads=nquads,
                                 nquads_count=count)
                      for rel, sha, defined, lines, problems, nquads, count in results]
            out.update((src.relpath, src) for src in parsed)
            if on_parsed is not None:
                on_parsed(parsed)
        return out
