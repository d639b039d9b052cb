"""RDF source files: Turtle, TriG, N-Triples and JSON-LD (with the atlas context only)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from atlas.errors import DataError, Problem
from atlas.resources import context_path

#: File extensions of RDF sources and their formats.
RDF_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".jsonld": ox.RdfFormat.JSON_LD,
}
#: The IRI by which JSON-LD sources may reference the atlas context.
CONTEXT_IRI = "https://w3id.org/relational-atlas/context.jsonld"
_LINE = re.compile(r"line (\d+)")


def _inline_contexts(node: Any, path: str, context: Any, problems: list[Problem]) -> Any:
    """Replace references to the atlas context by its content; refuse any other remote context."""
    if isinstance(node, list):
        return [_inline_contexts(v, path, context, problems) for v in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            items = value if isinstance(value, list) else [value]
            resolved = []
            for item in items:
                if isinstance(item, str):
                    if item == CONTEXT_IRI:
                        resolved.append(context)
                    else:
                        problems.append(Problem(path, 1, f"remote JSON-LD context {item!r} is not allowed: "
                                                         f"use {CONTEXT_IRI} or an inline context"))
                elif isinstance(item, dict) or item is None:
                    resolved.append(_inline_contexts(item, path, context, problems) if item else item)
                else:
                    problems.append(Problem(path, 1, "a JSON-LD @context must be an object or the atlas context IRI"))
            out[key] = resolved if isinstance(value, list) else (resolved[0] if resolved else {})
        else:
            out[key] = _inline_contexts(value, path, context, problems)
    return out


def parse_rdf(data: bytes, suffix: str, path: str, graph: ox.NamedNode, base_iri: str) -> list[ox.Quad]:
    """Parse an RDF source and return its quads, all put in ``graph``.

    Raises
    ------
    DataError
        With the parser's line when the content is not valid in the format its
        extension names, or when a JSON-LD document uses a remote context.

    Examples
    --------
    >>> g = ox.NamedNode("https://example.org/g")
    >>> len(parse_rdf(b"<https://a.org/x> <https://a.org/p> 'v' .", ".ttl", "x.ttl", g, "https://a.org/"))
    1
    >>> parse_rdf(b"<https://a.org/x> <https://a.org/p> .", ".ttl", "x.ttl", g, "https://a.org/")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: x.ttl:1: invalid Turtle: ...
    """
    fmt = RDF_FORMATS[suffix]
    if fmt == ox.RdfFormat.JSON_LD:
        problems: list[Problem] = []
        try:
            doc = json.loads(data.decode("utf-8"))
        except ValueError as exc:
            raise DataError([Problem(path, getattr(exc, "lineno", 1), f"invalid JSON: {exc}")]) from None
        context = json.loads(Path(context_path()).read_text(encoding="utf-8"))["@context"]
        doc = _inline_contexts(doc, path, context, problems)
        if problems:
            raise DataError(problems)
        data = json.dumps(doc).encode("utf-8")
    try:
        quads = list(ox.parse(data, format=fmt, base_iri=base_iri))
    except SyntaxError as exc:
        m = _LINE.search(str(exc))
        line = int(m.group(1)) if m and fmt != ox.RdfFormat.JSON_LD else 1
        name = {".ttl": "Turtle", ".trig": "TriG", ".nt": "N-Triples", ".jsonld": "JSON-LD"}[suffix]
        raise DataError([Problem(path, line, f"invalid {name}: {exc}")]) from None
    return skolemise(quads, graph)


def skolemise(quads: list[ox.Quad], graph: ox.NamedNode) -> list[ox.Quad]:
    """Put ``quads`` in ``graph``, replacing blank nodes by IRIs numbered in order of appearance.

    The parser names blank nodes at random; numbering them by their first
    appearance in the file keeps stores and exports identical across runs.

    Examples
    --------
    >>> g = ox.NamedNode("https://example.org/source/x.ttl")
    >>> b = ox.BlankNode()
    >>> q = skolemise([ox.Quad(b, ox.NamedNode("https://e.org/p"), ox.Literal("v"))], g)
    >>> q[0].subject.value
    'https://example.org/source/x.ttl/.well-known/genid/1'
    """
    names: dict[ox.BlankNode, ox.NamedNode] = {}

    def fix(term: Any) -> Any:
        if isinstance(term, ox.BlankNode):
            if term not in names:
                names[term] = ox.NamedNode(f"{graph.value}/.well-known/genid/{len(names) + 1}")
            return names[term]
        return term

    return [ox.Quad(fix(q.subject), q.predicate, fix(q.object), graph) for q in quads]
