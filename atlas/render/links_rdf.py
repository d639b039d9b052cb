"""Computed links as RDF, so that SPARQL can query them (``docs/model.md``, "computed link").

Each :class:`~atlas.analysis.links.Link` becomes an ``atlas:SystemicLink``
whose IRI is ``BASE link/`` followed by the first 16 hex digits of the SHA-256
of ``measure``, ``source`` and ``target`` (joined by a newline); the run that
produced it is an ``atlas:LinkComputation`` (a ``prov:Activity``) whose IRI
hashes its parameters and input hash the same way. Nothing else enters an
IRI: no timestamp, no blank node, so the same links, parameters and input give
the same graph, byte for byte once serialised sorted.

The link's fractional ``weight`` has no term in the ontology and is not written.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, XSD

from atlas.analysis.links import Link
from atlas.errors import ExportError
from atlas.vocab import ATLAS, PREFIXES


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def parameters_json(parameters: Mapping[str, Any]) -> str:
    """Return ``parameters`` as compact JSON with sorted keys.

    Raises
    ------
    ExportError
        If a value cannot be written as JSON.

    Examples
    --------
    >>> parameters_json({"top": 20, "measure": "npmi", "level": None})
    '{"level":null,"measure":"npmi","top":20}'
    """
    try:
        return json.dumps(dict(parameters), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"link parameters cannot be written as JSON: {exc}") from exc


def link_iri(base: str, link: Link) -> URIRef:
    """Return the IRI of a computed link, from its measure, source and target.

    Examples
    --------
    >>> k = Link("https://e.org/a/issue/x", "https://e.org/a/issue/y", "npmi", 0.5, 2, 2.0, 0.01, 1.0, ())
    >>> link_iri("https://e.org/a/", k)
    rdflib.term.URIRef('https://e.org/a/link/481c1eecf9e4a19b')
    """
    return URIRef(f"{base}link/{_digest(link.measure, link.source, link.target)}")


def computation_iri(base: str, parameters: Mapping[str, Any], input_hash: str) -> URIRef:
    """Return the IRI of a link computation, from its parameters and input hash.

    Examples
    --------
    >>> computation_iri("https://e.org/a/", {"measure": "npmi"}, "abc")
    rdflib.term.URIRef('https://e.org/a/computation/5861ffba4b95131f')
    """
    return URIRef(f"{base}computation/{_digest(parameters_json(parameters), input_hash)}")


def links_graph_iri(base: str, parameters: Mapping[str, Any], input_hash: str) -> URIRef:
    """Return the IRI of the named graph that holds one computation's links.

    One graph per computation: writing the same computation again replaces it,
    and different parameters never overwrite each other.

    Examples
    --------
    >>> links_graph_iri("https://e.org/a/", {"measure": "npmi"}, "abc")
    rdflib.term.URIRef('https://e.org/a/computed/links/5861ffba4b95131f')
    """
    return URIRef(f"{base}computed/links/{_digest(parameters_json(parameters), input_hash)}")


def graph_to_quads(graph: Graph, graph_iri: str) -> list[ox.Quad]:
    """Return the triples of an rdflib graph as pyoxigraph quads in ``graph_iri``, sorted.

    Only IRIs and literals are expected (:func:`links_to_rdf` mints no blank node).

    Examples
    --------
    >>> g = Graph()
    >>> _ = g.add((URIRef("https://e.org/s"), URIRef("https://e.org/p"), Literal(2)))
    >>> [str(q) for q in graph_to_quads(g, "https://e.org/g")]
    ['<https://e.org/s> <https://e.org/p> "2"^^<http://www.w3.org/2001/XMLSchema#integer> <https://e.org/g>']
    """

    def term(t):
        if isinstance(t, URIRef):
            return ox.NamedNode(str(t))
        if isinstance(t, Literal):
            if t.language:
                return ox.Literal(str(t), language=t.language)
            if t.datatype is not None:
                return ox.Literal(str(t), datatype=ox.NamedNode(str(t.datatype)))
            return ox.Literal(str(t))
        raise ExportError(f"cannot store the RDF term {t!r}")

    name = ox.NamedNode(graph_iri)
    quads = [ox.Quad(term(s), term(p), term(o), name) for s, p, o in graph]
    return sorted(quads, key=str)


def _double(value: float) -> Literal:
    return Literal(float(value), datatype=XSD.double)


def links_to_rdf(links: Iterable[Link], *, base: str, parameters: Mapping[str, Any], input_hash: str) -> Graph:
    """Return the RDF statements of computed links and of the computation that produced them.

    Parameters
    ----------
    links : iterable of Link
    base : str
        The atlas base IRI (ending with ``/`` or ``#``).
    parameters : mapping
        The computation's parameters (measure, level, min_support…), written as
        JSON with sorted keys.
    input_hash : str
        The corpus ``content_hash`` the links were computed from.

    Returns
    -------
    rdflib.Graph
        Pure: nothing is stored; the caller replaces a named graph with it.

    Raises
    ------
    ExportError
        If ``parameters`` cannot be written as JSON.

    Examples
    --------
    >>> k = Link("https://e.org/a/issue/x", "https://e.org/a/issue/y", "npmi", 0.5, 2, 2.0, 0.01, 1.0,
    ...          ("https://e.org/a/experience/e1", "https://e.org/a/experience/e2"))
    >>> g = links_to_rdf([k], base="https://e.org/a/", parameters={"measure": "npmi"}, input_hash="abc")
    >>> len(g)   # 3 for the computation, 11 for the link (two evidence experiences)
    14
    >>> sorted(str(o) for o in g.objects(link_iri("https://e.org/a/", k), ATLAS.evidence))
    ['https://e.org/a/experience/e1', 'https://e.org/a/experience/e2']
    """
    graph = Graph()
    for prefix in ("atlas", "prov", "xsd"):
        graph.bind(prefix, PREFIXES[prefix])
    activity = computation_iri(base, parameters, input_hash)
    graph.add((activity, RDF.type, ATLAS.LinkComputation))
    graph.add((activity, ATLAS.parameters, Literal(parameters_json(parameters))))
    graph.add((activity, ATLAS.inputHash, Literal(input_hash)))
    for link in links:
        node = link_iri(base, link)
        source, target = sorted((link.source, link.target))
        graph.add((node, RDF.type, ATLAS.SystemicLink))
        graph.add((node, ATLAS.linkSource, URIRef(source)))
        graph.add((node, ATLAS.linkTarget, URIRef(target)))
        graph.add((node, ATLAS.measure, Literal(link.measure)))
        for predicate, value in ((ATLAS.score, link.score), (ATLAS.pValue, link.p_value),
                                 (ATLAS.remoteness, link.remoteness)):
            if value is not None and not math.isnan(value):
                graph.add((node, predicate, _double(value)))
        graph.add((node, ATLAS.support, Literal(int(link.support), datatype=XSD.integer)))
        for experience in link.evidence:
            graph.add((node, ATLAS.evidence, URIRef(experience)))
        graph.add((node, PROV.wasGeneratedBy, activity))
    return graph
