"""Reading many experience files on every core.

Experiences are most of a large atlas and each is independent once every id
of the atlas is known. Their ids are found by a quick scan (the ``id:`` line of
the front matter, else the file name); then worker processes parse and check
the files in chunks and send back N-Quads, which the parent parses in bulk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
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


def _init(data_dir: Path, config: AtlasConfig, index: Index) -> None:
    global _config, _index, _data_dir
    _data_dir, _config, _index = data_dir, config, index


def _work(relpaths: list[str]) -> list[tuple]:
    out = []
    for rel in relpaths:
        src = read_source(_data_dir, rel, _config)
        if not src.problems:
            write_quads(src, _config, _index)
        nquads = ox.serialize(src.quads, format=ox.RdfFormat.N_QUADS) if src.quads else b""
        out.append((rel, src.sha256, src.defined, src.lines, src.problems, nquads, len(src.quads)))
    return out


def read_experiences(data_dir: Path, relpaths: list[str], config: AtlasConfig, index: Index,
                     workers: int | None = None,
                     on_parsed: Callable[[list[SourceFile]], None] | None = None) -> dict[str, SourceFile]:
    """Parse and check experience files in worker processes; return their :class:`SourceFile` s.

    ``on_parsed`` is called with each chunk of parsed files, in order, as soon as
    it arrives: the caller can load it into a store while the workers parse the
    next chunks.
    """
    workers = workers or max(1, min(os.cpu_count() or 1, 8))
    chunk = max(50, len(relpaths) // (workers * 8) + 1)
    chunks = [relpaths[i: i + chunk] for i in range(0, len(relpaths), chunk)]
    out: dict[str, SourceFile] = {}
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_init,
                             initargs=(data_dir, config, index)) as pool:
        for results in pool.map(_work, chunks):
            parsed = [SourceFile(rel, sha, defined=defined, lines=lines, problems=problems, nquads=nquads,
                                 nquads_count=count)
                      for rel, sha, defined, lines, problems, nquads, count in results]
            out.update((src.relpath, src) for src in parsed)
            if on_parsed is not None:
                on_parsed(parsed)
    return out
