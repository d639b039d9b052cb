"""Where the atlas graph lives: an embedded Oxigraph store on disk (default),
in memory, or a remote SPARQL 1.1 store.

Every store keeps one named graph per source file; the default graph of
queries is the union of the named graphs.
"""

from __future__ import annotations

from pathlib import Path

from atlas.store.embedded import EmbeddedStore


def open_store(location: str | Path | None = None, *, memory: bool = False, endpoint: str | None = None,
               update_endpoint: str | None = None, graph_store: str | None = None,
               read_only: bool = True, create: bool = False):
    """Open a store.

    Parameters
    ----------
    location : str or Path, optional
        Directory of an embedded store.
    memory : bool
        An empty in-memory store (``location`` is ignored).
    endpoint : str, optional
        URL of a remote SPARQL 1.1 query endpoint (see :mod:`atlas.store.remote`).
    update_endpoint, graph_store : str, optional
        URLs of the remote store's SPARQL 1.1 Update endpoint and Graph Store
        Protocol endpoint, needed to build into it (one of them is enough).
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

        return RemoteStore(endpoint, update_url=update_endpoint, store_url=graph_store)
    if memory:
        return EmbeddedStore(None)
    return EmbeddedStore(Path(location or ".atlas/store"), read_only=read_only, create=create)


__all__ = ["EmbeddedStore", "open_store"]
