"""Where the atlas graph lives: an embedded Oxigraph store on disk (default),
in memory, or a remote SPARQL 1.1 store.

Every store keeps one named graph per source file; the default graph of
queries is the union of the named graphs.
"""

from __future__ import annotations

from pathlib import Path

from atlas.store.embedded import EmbeddedStore


def open_store(location: str | Path | None = None, *, memory: bool = False, endpoint: str | None = None,
               read_only: bool = True, create: bool = False):
    """Open a store.

    Parameters
    ----------
    location : str or Path, optional
        Directory of an embedded store.
    memory : bool
        An empty in-memory store (``location`` is ignored).
    endpoint : str, optional
        URL of a remote SPARQL 1.1 endpoint (see :mod:`atlas.store.remote`).
    read_only : bool
        Open an embedded store for reading only (several readers may share it).
    create : bool
        Create the embedded store if it does not exist yet.

    Raises
    ------
    StoreError
        If the store does not exist (and ``create`` is false) or cannot be opened.
    """
    if endpoint:
        from atlas.store.remote import RemoteStore

        return RemoteStore(endpoint)
    if memory:
        return EmbeddedStore(None)
    return EmbeddedStore(Path(location or ".atlas/store"), read_only=read_only, create=create)


__all__ = ["EmbeddedStore", "open_store"]
