"""Query results and their serialisations: the W3C formats and a readable table.

SELECT and ASK results are written in the W3C SPARQL result formats (JSON,
XML, CSV, TSV) by pyoxigraph's serialisers; CONSTRUCT and DESCRIBE results
as Turtle, JSON-LD or N-Triples, sorted so that the same answer is always
the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from atlas.errors import QueryError
from atlas.vocab import PREFIXES

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: Formats of SELECT and ASK results (W3C SPARQL 1.1 result formats).
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}

#: Formats of CONSTRUCT and DESCRIBE results (RDF graphs).
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
}

#: Every ``--format`` value: a table for people, then the machine formats.
FORMATS: tuple[str, ...] = ("table", *SOLUTION_FORMATS, *GRAPH_FORMATS)

#: The media type (HTTP ``Content-Type``) of each machine format.
MEDIA_TYPES: dict[str, str] = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
}


@dataclass(frozen=True)
class QueryResult:
    """The answer to a query, capped at a number of rows.

    Attributes
    ----------
    form : str
        ``"SELECT"``, ``"ASK"``, ``"CONSTRUCT"`` or ``"DESCRIBE"``.
    variables : tuple of str
        Column names of a SELECT result.
    rows : tuple of tuples
        SELECT rows of pyoxigraph terms (``None`` where a variable is unbound).
    boolean : bool or None
        The answer of an ASK query.
    triples : tuple of pyoxigraph.Triple
        The graph of a CONSTRUCT or DESCRIBE query, sorted.
    truncated : bool
        Whether more rows (or triples) existed than the cap let through.
    """

    form: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Any, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()
    truncated: bool = False

    @property
    def is_graph(self) -> bool:
        """Whether the result is an RDF graph (CONSTRUCT or DESCRIBE)."""
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def __len__(self) -> int:
        return len(self.triples) if self.is_graph else len(self.rows) if self.boolean is None else 1


def _json_term(term: Any) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")},
        }
    raise TypeError(f"not an RDF term: {term!r}")  # pragma: no cover


def _solutions_json(result: QueryResult) -> bytes:
    if result.boolean is not None:
        return json.dumps({"head": {}, "boolean": result.boolean}).encode()
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _used_prefixes(triples: tuple[ox.Triple, ...], prefixes: Mapping[str, str]) -> dict[str, str]:
    iris = set()
    for t in triples:
        for term in (t.subject, t.predicate, t.object):
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal):
                iris.add(term.datatype.value)
    return {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}


def serialize_result(result: QueryResult, fmt: str) -> bytes:
    """Write a result in a W3C format.

    Parameters
    ----------
    result : QueryResult
    fmt : str
        ``json``, ``xml``, ``csv``, ``tsv`` for SELECT and ASK;
        ``ttl``, ``jsonld``, ``nt`` for CONSTRUCT and DESCRIBE.

    Returns
    -------
    bytes

    Raises
    ------
    QueryError
        If the format does not fit the query form.

    Examples
    --------
    >>> r = QueryResult("SELECT", ("n",), ((ox.Literal("2", datatype=ox.NamedNode(
    ...     "http://www.w3.org/2001/XMLSchema#integer")),),))
    >>> serialize_result(r, "csv")
    b'n\\r\\n2\\r\\n'
    >>> serialize_result(QueryResult("ASK", boolean=True), "json")
    b'{"head":{},"boolean":true}'
    """
    if result.is_graph:
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a {result.form} result is a graph: use --format {', '.join(GRAPH_FORMATS)} or table")
        return ox.serialize(
            result.triples, format=GRAPH_FORMATS[fmt], prefixes=_used_prefixes(result.triples, PREFIXES)
        )
    if fmt not in SOLUTION_FORMATS:
        raise QueryError(f"a {result.form} result is a table: use --format {', '.join(SOLUTION_FORMATS)} or table")
    solutions = ox.parse_query_results(_solutions_json(result), ox.QueryResultsFormat.JSON)
    return solutions.serialize(format=SOLUTION_FORMATS[fmt])


def compact_iri(iri: str, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """Shorten an IRI with the longest matching prefix, if the rest is a simple name.

    Examples
    --------
    >>> compact_iri("https://w3id.org/relational-atlas/ns#Experience")
    'atlas:Experience'
    >>> compact_iri("https://example.org/a/b")
    'https://example.org/a/b'
    """
    best = ""
    for prefix, ns in prefixes.items():
        if iri.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
            local = iri[len(ns):]
            if local and all(c.isalnum() or c in "_-." for c in local):
                best = prefix
    return f"{best}:{iri[len(prefixes[best]):]}" if best else iri


def readable(term: Any, base: str | None = None) -> str:
    """Return a term as people read it in a table.

    IRIs of the ontology and vocabularies get their prefix; IRIs under the
    atlas ``base`` are shown relative to it, as ``<issue/food>`` (which
    ``--param`` reads back). Literals show their value only (the W3C formats
    keep languages and datatypes).

    Examples
    --------
    >>> readable(ox.Literal("Le Mené", language="fr"))
    'Le Mené'
    >>> readable(ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader"))
    'skos:broader'
    >>> readable(ox.NamedNode("https://e.org/atlas/issue/food"), base="https://e.org/atlas/")
    '<issue/food>'
    >>> readable(None)
    ''
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        if base and term.value.startswith(base) and len(term.value) > len(base):
            return f"<{term.value[len(base):]}>"
        return compact_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.Triple):
        parts = (readable(term.subject, base), readable(term.predicate, base), readable(term.object, base))
        return f"<< {' '.join(parts)} >>"
    return str(term)


def table_rows(result: QueryResult, base: str | None = None) -> tuple[list[str], list[dict[str, str]]]:
    """Return the columns and rows of a result as readable strings (see :func:`readable`).

    A SELECT gives its variables; an ASK one ``result`` column; a graph
    ``subject``, ``predicate``, ``object``.

    Examples
    --------
    >>> table_rows(QueryResult("ASK", boolean=False))
    (['result'], [{'result': 'false'}])
    """
    if result.boolean is not None:
        return ["result"], [{"result": "true" if result.boolean else "false"}]
    if result.is_graph:
        columns = ["subject", "predicate", "object"]
        return columns, [
            {"subject": readable(t.subject, base), "predicate": readable(t.predicate, base),
             "object": readable(t.object, base)}
            for t in result.triples
        ]
    columns = list(result.variables)
    return columns, [{c: readable(v, base) for c, v in zip(columns, row, strict=True)} for row in result.rows]
