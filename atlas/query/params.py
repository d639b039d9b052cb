"""Query parameters given as ``name=value`` text, turned into RDF terms.

The terms are bound to the query's variables by the engine (pyoxigraph's
``substitutions``), never pasted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pyoxigraph as ox

from atlas.errors import QueryError
from atlas.vocab import PREFIXES

_XSD = "http://www.w3.org/2001/XMLSchema#"
_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_PREFIXED = re.compile(r"^([A-Za-z][A-Za-z0-9_.-]*):([A-Za-z0-9_][A-Za-z0-9_.:%-]*)?$")
_LANG_STRING = re.compile(r'^"(.*)"@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$', re.DOTALL)

Term = ox.NamedNode | ox.Literal


def parse_value(text: str, prefixes: Mapping[str, str] = PREFIXES, base: str | None = None) -> Term:
    """Return the RDF term a parameter value stands for.

    ``<…>`` is an IRI (relative to ``base`` if it has no scheme: ``<issue/food>``),
    ``prefix:name`` with a known prefix is an IRI, an integer or a decimal
    number is typed so, ``"text"@lang`` is a language-tagged string, and
    anything else is a plain string.

    Parameters
    ----------
    text : str
        The value as typed.
    prefixes : mapping, optional
        Known prefixes (default: the atlas prefixes).
    base : str, optional
        The atlas base IRI, against which relative IRIs are resolved.

    Returns
    -------
    pyoxigraph.NamedNode or pyoxigraph.Literal

    Raises
    ------
    QueryError
        If ``<…>`` does not hold a valid absolute IRI.

    Examples
    --------
    >>> parse_value("atlas:Structural")
    <NamedNode value=https://w3id.org/relational-atlas/ns#Structural>
    >>> parse_value("<https://example.org/a>")
    <NamedNode value=https://example.org/a>
    >>> parse_value("<issue/food>", base="https://example.org/atlas/")
    <NamedNode value=https://example.org/atlas/issue/food>
    >>> parse_value("3").datatype.value
    'http://www.w3.org/2001/XMLSchema#integer'
    >>> parse_value("0.5").datatype.value
    'http://www.w3.org/2001/XMLSchema#decimal'
    >>> parse_value('"Le Mené"@fr')
    <Literal value=Le Mené language=fr>
    >>> parse_value("le-mene")
    <Literal value=le-mene datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
    """
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
        if ":" not in iri:
            if base is None:
                raise QueryError(f"parameter value {text} is not an absolute IRI")
            iri = base + iri
        try:
            return ox.NamedNode(iri)
        except ValueError as exc:
            raise QueryError(f"parameter value {text} is not a valid IRI: {exc}") from exc
    match = _PREFIXED.match(text)
    if match and match.group(1) in prefixes:
        try:
            return ox.NamedNode(prefixes[match.group(1)] + (match.group(2) or ""))
        except ValueError as exc:  # pragma: no cover - the pattern only lets IRI characters through
            raise QueryError(f"parameter value {text} is not a valid IRI: {exc}") from exc
    if _INTEGER.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "integer"))
    if _DECIMAL.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "decimal"))
    match = _LANG_STRING.match(text)
    if match:
        return ox.Literal(match.group(1), language=match.group(2).lower())
    return ox.Literal(text)


def parse_params(
    items: Iterable[str], prefixes: Mapping[str, str] = PREFIXES, base: str | None = None
) -> dict[str, Term]:
    """Parse ``name=value`` items (``--param`` options) into variable bindings.

    The name may be written with or without its ``?``. A name given twice
    is an error. Values are read by :func:`parse_value`.

    Examples
    --------
    >>> parse_params(["?issue=atlas:Issue", "min=2"])
    {'issue': <NamedNode value=https://w3id.org/relational-atlas/ns#Issue>, \
'min': <Literal value=2 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>}
    """
    bindings: dict[str, Term] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _VARNAME.match(name):
            raise QueryError(f"parameter {item!r} should read name=value (for example issue=<https://…>)")
        if name in bindings:
            raise QueryError(f"parameter ?{name} is given twice")
        bindings[name] = parse_value(value.strip(), prefixes, base)
    return bindings
