"""RDF exports of the store: Turtle, TriG, N-Quads and JSON-LD, byte-identical
for the same content (quads are sorted before serialisation)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from atlas.errors import ExportError
from atlas.output import write_atomic
from atlas.vocab import PREFIXES

#: Export formats, their pyoxigraph format, and whether named graphs are kept.
RDF_EXPORTS = {
    "ttl": (ox.RdfFormat.TURTLE, False),
    "trig": (ox.RdfFormat.TRIG, True),
    "nq": (ox.RdfFormat.N_QUADS, True),
    "nt": (ox.RdfFormat.N_TRIPLES, False),
    "jsonld": (ox.RdfFormat.JSON_LD, True),
}


def _key(term) -> tuple[int, str, str, str]:
    if isinstance(term, ox.NamedNode):
        return (0, term.value, "", "")
    if isinstance(term, ox.BlankNode):
        return (1, term.value, "", "")
    if isinstance(term, ox.Literal):
        return (2, term.value, term.language or "", term.datatype.value)
    return (3, str(term), "", "")


def generate_rdf(store, fmt: str, *, base: str | None = None) -> bytes:
    """Serialise the whole store in ``fmt`` (one of :data:`RDF_EXPORTS`), deterministically.

    Formats without named graphs (Turtle, N-Triples) get the union of the
    graphs, without duplicates.

    Examples
    --------
    >>> from atlas.store import open_store
    >>> s = open_store(memory=True)
    >>> g, p = ox.NamedNode("https://e.org/g"), ox.NamedNode("https://e.org/p")
    >>> with s.transaction() as w:
    ...     w.replace_graph(g.value, [ox.Quad(ox.NamedNode("https://e.org/b"), p, ox.Literal("2"), g),
    ...                               ox.Quad(ox.NamedNode("https://e.org/a"), p, ox.Literal("1"), g)])
    >>> print(generate_rdf(s, "nt").decode(), end="")
    <https://e.org/a> <https://e.org/p> "1" .
    <https://e.org/b> <https://e.org/p> "2" .
    """
    if fmt not in RDF_EXPORTS:
        raise ExportError(f"unknown RDF export format {fmt!r} (use {', '.join(sorted(RDF_EXPORTS))})")
    rdf_format, with_graphs = RDF_EXPORTS[fmt]
    quads = list(store.quads())
    if with_graphs:
        items = sorted(quads, key=lambda q: (_key(q.graph_name), _key(q.subject), _key(q.predicate), _key(q.object)))
    else:
        triples = {q.triple for q in quads}
        items = sorted(triples, key=lambda t: (_key(t.subject), _key(t.predicate), _key(t.object)))
    prefixes = dict(PREFIXES)
    if base:
        prefixes["atlasdata"] = base
    if rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD):
        return ox.serialize(items, format=rdf_format)
    return ox.serialize(items, format=rdf_format, prefixes=prefixes)


def write_rdf(store, fmt: str, path: str | Path, *, base: str | None = None) -> int:
    """Write :func:`generate_rdf` to ``path`` atomically; return the number of bytes."""
    data = generate_rdf(store, fmt, base=base)
    try:
        write_atomic(Path(path), data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return len(data)
