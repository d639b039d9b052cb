"""Reading a SKOS thesaurus (RDF/XML, Turtle, N-Triples) into a plain model.

Real thesauri come as RDF/XML with thousands of concepts. XML can declare
entities that expand without bound or fetch files; such a document is refused
before any parser sees it: :func:`check_xml` looks for ``<!DOCTYPE`` and
``<!ENTITY`` in the raw text (outside comments and CDATA), then checks the
document is well-formed with expat (no DTD, no external entity: nothing is
fetched), which gives the line of a syntax error. pyoxigraph then parses the
RDF, fast, and never resolves anything either.

What is kept (:class:`Thesaurus`): concept schemes and their top concepts;
for each concept its preferred and alternative labels in every language
(SKOS-XL labels too), definitions, notations, ``broader`` links (``narrower``
read as ``broader`` the other way), ``related`` links (symmetric) and scheme
membership. Blank-node concepts are ignored: a concept needs an IRI to be
matched back to.
"""

from __future__ import annotations

import re
import xml.parsers.expat
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, SKOS

from atlas.errors import DataError, Problem

#: ``--format`` names and the pyoxigraph formats they select.
FORMATS = {"rdfxml": ox.RdfFormat.RDF_XML, "turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
#: File extensions and the format each implies.
EXTENSIONS = {".rdf": "rdfxml", ".xml": "rdfxml", ".owl": "rdfxml", ".skos": "rdfxml", ".ttl": "turtle",
              ".nt": "ntriples"}
SKOSXL = "http://www.w3.org/2008/05/skos-xl#"

_MARKUP = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<!(DOCTYPE|ENTITY)", re.DOTALL | re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"']")
_QUOTED = re.compile(r"[`'\"<]([^`'\"<>]{3,})[`'\">]")
_IRI_END = re.compile(r"https?://\S*[#/]([A-Za-z_][\w.-]*)")
_S = str(SKOS)
_P = {name: _S + name for name in (
    "prefLabel", "altLabel", "definition", "notation", "broader", "narrower", "related", "inScheme",
    "topConceptOf", "hasTopConcept", "Concept", "ConceptScheme",
)}
_TYPE = str(RDF.type)
_NOT_CONCEPTS = {_S + "Collection", _S + "OrderedCollection", "http://www.w3.org/2002/07/owl#Ontology"}
_LICENCE = {str(DCTERMS.license), "http://creativecommons.org/ns#license"}


@dataclass
class Concept:
    """One SKOS concept. Labels are by language tag (``""`` when the file gives none)."""

    iri: str
    pref: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=dict)
    definition: dict[str, list[str]] = field(default_factory=dict)
    notations: list[str] = field(default_factory=list)
    broader: set[str] = field(default_factory=set)
    related: set[str] = field(default_factory=set)
    schemes: set[str] = field(default_factory=set)


@dataclass
class Scheme:
    """One concept scheme: its labels and its top concepts."""

    iri: str
    labels: dict[str, str] = field(default_factory=dict)
    top: set[str] = field(default_factory=set)
    licences: list[str] = field(default_factory=list)  # dcterms:license / cc:license IRIs


@dataclass
class Thesaurus:
    """A SKOS thesaurus read from one file (``broader`` and ``related`` point inside it)."""

    source: str
    concepts: dict[str, Concept]
    schemes: dict[str, Scheme]
    notes: list[str] = field(default_factory=list)

    def languages(self) -> list[str]:
        """Language tags of preferred labels, most used first (ties by tag), without ``""``."""
        counts: dict[str, int] = defaultdict(int)
        for c in self.concepts.values():
            for lang in c.pref:
                if lang:
                    counts[lang] += 1
        return sorted(counts, key=lambda lang: (-counts[lang], lang))


def format_of(path: str | Path, fmt: str | None = None) -> str:
    """Return the format name of a thesaurus file: ``fmt`` if given, else from the extension.

    Raises
    ------
    DataError
        If ``fmt`` is unknown, or no format is given and the extension says none.

    Examples
    --------
    >>> format_of("gemet.rdf"), format_of("x.txt", "turtle")
    ('rdfxml', 'turtle')
    """
    if fmt is not None:
        if fmt not in FORMATS:
            raise DataError([Problem(str(path), 0, f"unknown format {fmt!r} (use {', '.join(FORMATS)})")])
        return fmt
    suffix = Path(path).suffix.lower()
    if suffix not in EXTENSIONS:
        raise DataError([Problem(str(path), 0, f"cannot tell the format from the extension {suffix or '(none)'!r}:"
                                               f" use {', '.join(sorted(EXTENSIONS))} or --format")])
    return EXTENSIONS[suffix]


def _line(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def check_xml(data: bytes, path: str) -> None:
    """Refuse an XML document that declares a DTD or entities, is not UTF-8, or is not well-formed.

    Parameters
    ----------
    data : bytes
        The raw file.
    path : str
        Shown in error messages.

    Raises
    ------
    DataError
        ``path:line: …`` naming the first DOCTYPE or ENTITY declaration, the
        first invalid byte, or expat's syntax error.

    Examples
    --------
    >>> check_xml(b"<!-- <!DOCTYPE x> is only a comment --><a/>", "t.rdf")
    >>> check_xml(b'<?xml version="1.0"?>\\n<!DOCTYPE a [<!ENTITY x "y">]><a/>', "t.rdf")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: t.rdf:2: DOCTYPE declarations are refused (they can define entities that expand \
without bound or read files): remove it
    """
    if data.startswith((b"\xfe\xff", b"\xff\xfe", b"\x00", b"\x4c\x6f\xa7\x94")) or data[1:2] == b"\x00":
        raise DataError([Problem(path, 1, "RDF/XML must be encoded in UTF-8")])
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataError([Problem(path, _line(data, exc.start), f"invalid UTF-8 (byte {exc.start})")]) from None
    m = _DECLARED_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf"))
    if m and m.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii"):
        raise DataError([Problem(path, 1, f"the XML declaration names the encoding {m.group(1).decode()!r}: "
                                          "only UTF-8 is read")])
    for m in _MARKUP.finditer(data):
        if m.group(1):
            what = m.group(1).decode().upper()
            why = "they can define entities that expand without bound or read files"
            raise DataError([Problem(path, _line(data, m.start()), f"{what} declarations are refused ({why}): "
                                                                   "remove it")])
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.ExternalEntityRefHandler = lambda *args: 0  # never fetch
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError as exc:
        message = xml.parsers.expat.ErrorString(exc.code)
        raise DataError([Problem(path, exc.lineno, f"invalid XML: {message} (column {exc.offset + 1})")]) from None


def _error_line(text: str, message: str) -> int:
    """Find in ``text`` the line of what a parser message names: a quoted fragment, or a qualified name.

    >>> _error_line("<a>\\n<rdf:li>x</rdf:li>", "Invalid property element http://www.w3.org/1999/02/22-rdf-syntax-ns#li")
    2
    """
    needles = [m.group(1) for m in _QUOTED.finditer(message)]
    needles += [":" + m.group(1) for m in _IRI_END.finditer(message)]
    for needle in needles:
        pos = text.find(needle)
        if pos >= 0:
            return text.count("\n", 0, pos) + 1
    return 1


def parse_triples(data: bytes, fmt: str, path: str) -> list[ox.Triple]:
    """Parse a thesaurus file safely and return its triples.

    Raises
    ------
    DataError
        ``path:line: …`` for a DTD or entity declaration, bad encoding, or a syntax error.

    Examples
    --------
    >>> len(parse_triples(b"<https://e.org/a> <https://e.org/p> 'v' .", "turtle", "t.ttl"))
    1
    >>> parse_triples(b"\\n<https://e.org/a> <https://e.org/p> .", "turtle", "t.ttl")
    Traceback (most recent call last):
    ...
    atlas.errors.DataError: t.ttl:2: invalid turtle: ...
    """
    if fmt == "rdfxml":
        check_xml(data, path)
    # A base IRI that names no place on any network: relative IRIs resolve against it, nothing is fetched.
    base = "urn:x-atlas-import:/"
    try:
        return [q.triple for q in ox.parse(data, format=FORMATS[fmt], base_iri=base)]
    except SyntaxError as exc:
        message = str(exc.args[0]) if exc.args else str(exc)
        line = exc.lineno or _error_line(data.decode("utf-8", errors="replace"), message)
        raise DataError([Problem(path, line, f"invalid {fmt}: {message}")]) from None


def parse_skos(data: bytes, fmt: str, path: str, *, scheme: str | None = None) -> Thesaurus:
    """Read a SKOS thesaurus from the bytes of a file.

    Parameters
    ----------
    data : bytes
        The file content.
    fmt : {"rdfxml", "turtle", "ntriples"}
    path : str
        Shown in messages; its name is the thesaurus's ``source``.
    scheme : str, optional
        Keep only the concepts of this concept scheme (members, top concepts and
        everything below them).

    Returns
    -------
    Thesaurus

    Raises
    ------
    DataError
        On unsafe or invalid input, an unknown ``scheme``, or a file without concepts.

    Examples
    --------
    >>> ttl = b'''@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <https://e.org/b> a skos:Concept ; skos:prefLabel "Water"@en, "Eau"@fr .
    ... <https://e.org/a> skos:prefLabel "Drinking water"@en ; skos:broader <https://e.org/b> .'''
    >>> t = parse_skos(ttl, "turtle", "t.ttl")
    >>> sorted(t.concepts), t.concepts["https://e.org/a"].broader, t.languages()
    (['https://e.org/a', 'https://e.org/b'], {'https://e.org/b'}, ['en', 'fr'])
    """
    triples = parse_triples(data, fmt, path)
    typed_concepts: set[str] = set()
    scheme_iris: set[str] = set()
    literals: dict[str, dict[str, list[ox.Literal]]] = defaultdict(lambda: defaultdict(list))
    xl_labels: dict[str, list[tuple[str, object]]] = defaultdict(list)
    xl_forms: dict[object, list[ox.Literal]] = defaultdict(list)
    broader: set[tuple[str, str]] = set()
    related: set[tuple[str, str]] = set()
    in_scheme: set[tuple[str, str]] = set()
    top: set[tuple[str, str]] = set()  # (scheme, concept)
    licences: dict[str, set[str]] = defaultdict(set)
    labelled: set[str] = set()  # subjects of skos:prefLabel: concepts unless typed otherwise
    other_types: set[str] = set()
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if p == SKOSXL + "literalForm" and isinstance(o, ox.Literal):
            xl_forms[s].append(o)
            continue
        if not isinstance(s, ox.NamedNode):
            continue
        iri = s.value
        if p == _P["prefLabel"]:
            labelled.add(iri)
        if p == _TYPE and o.value == _P["Concept"]:
            typed_concepts.add(iri)
        elif p == _TYPE and o.value in _NOT_CONCEPTS:
            other_types.add(iri)
        elif p == _TYPE and o.value == _P["ConceptScheme"]:
            scheme_iris.add(iri)
        elif p in (_P["prefLabel"], _P["altLabel"], _P["definition"], _P["notation"]):
            if isinstance(o, ox.Literal):
                literals[iri][p].append(o)
        elif p in (SKOSXL + "prefLabel", SKOSXL + "altLabel"):
            xl_labels[iri].append((_S + p[len(SKOSXL):], o))
        elif isinstance(o, ox.NamedNode):
            if p in _LICENCE:
                licences[iri].add(o.value)
            elif p == _P["broader"]:
                broader.add((iri, o.value))
            elif p == _P["narrower"]:
                broader.add((o.value, iri))
            elif p == _P["related"]:
                related.add((iri, o.value))
            elif p == _P["inScheme"]:
                in_scheme.add((iri, o.value))
            elif p == _P["topConceptOf"]:
                top.add((o.value, iri))
                in_scheme.add((iri, o.value))
            elif p == _P["hasTopConcept"]:
                top.add((iri, o.value))
                in_scheme.add((o.value, iri))
    for iri, pairs in xl_labels.items():
        for predicate, label in pairs:
            literals[iri][predicate].extend(xl_forms.get(label, []))
    scheme_iris |= {sc for sc, _ in top}
    concept_iris = (typed_concepts | {a for pair in broader | related for a in pair} | {c for _, c in top}
                    | {c for c, _ in in_scheme} | (labelled - other_types)) - scheme_iris
    scheme_iris |= {sc for _, sc in in_scheme if sc not in concept_iris}
    notes: list[str] = []
    if scheme is not None:
        if scheme not in scheme_iris:
            known = ", ".join(sorted(scheme_iris)[:5]) or "none"
            raise DataError([Problem(path, 0, f"no concept scheme <{scheme}> in the file (schemes: {known})")])
        concept_iris = _members(scheme, concept_iris, in_scheme, top, broader)
        scheme_iris = {scheme}
    if not concept_iris:
        raise DataError([Problem(path, 0, "no SKOS concept found (skos:Concept, skos:broader, skos:inScheme…)")])
    concepts = {iri: _concept(iri, literals.get(iri, {})) for iri in sorted(concept_iris)}
    outside = 0
    for a, b in sorted(broader):
        if a in concepts and a != b:
            if b in concepts:
                concepts[a].broader.add(b)
            else:
                outside += 1
    for a, b in sorted(related):
        if a in concepts and b in concepts and a != b:
            concepts[a].related.add(b)
            concepts[b].related.add(a)
    for c, sc in in_scheme:
        if c in concepts and sc in scheme_iris:
            concepts[c].schemes.add(sc)
    if outside:
        notes.append(f"{outside} broader links to concepts outside the import were left out")
    schemes = {}
    for sc in sorted(scheme_iris):
        labels = {lang: values[0] for lang, values in _by_lang(literals.get(sc, {}).get(_P["prefLabel"], [])).items()}
        schemes[sc] = Scheme(sc, labels, {c for s2, c in top if s2 == sc and c in concepts},
                             sorted(licences.get(sc, ())))
    return Thesaurus(Path(path).name, concepts, schemes, notes)


def _members(scheme: str, concepts: set[str], in_scheme: set, top: set, broader: set) -> set[str]:
    """The concepts of ``scheme``: its members, its top concepts, and everything below them."""
    members = {c for c, sc in in_scheme if sc == scheme and c in concepts}
    children: dict[str, set[str]] = defaultdict(set)
    for a, b in broader:
        children[b].add(a)
    todo = sorted({c for sc, c in top if sc == scheme})
    seen: set[str] = set()
    while todo:
        c = todo.pop()
        if c not in seen:
            seen.add(c)
            todo.extend(sorted(children[c] - seen))
    return (members | seen) & concepts


def _by_lang(values: list[ox.Literal], *, label: bool = True) -> dict[str, list[str]]:
    """Literals by language, stripped (labels on one line), without empties and repeats, sorted."""
    out: dict[str, set[str]] = defaultdict(set)
    for lit in values:
        text = " ".join(lit.value.split()) if label else lit.value.strip()
        if text:
            out[lit.language or ""].add(text)
    return {lang: sorted(v) for lang, v in sorted(out.items())}


def _concept(iri: str, literals: dict[str, list[ox.Literal]]) -> Concept:
    c = Concept(iri)
    for lang, values in _by_lang(literals.get(_P["prefLabel"], [])).items():
        # more than one preferred label in a language breaks SKOS; keep the first, the others as alternatives
        c.pref[lang] = values[0]
        if len(values) > 1:
            c.alt.setdefault(lang, []).extend(values[1:])
    for lang, values in _by_lang(literals.get(_P["altLabel"], [])).items():
        c.alt[lang] = sorted(set(c.alt.get(lang, [])) | {v for v in values if v != c.pref.get(lang)})
    c.definition = _by_lang(literals.get(_P["definition"], []), label=False)
    c.notations = sorted({lit.value.strip() for lit in literals.get(_P["notation"], []) if lit.value.strip()})
    return c


def read_skos(path: str | Path, fmt: str | None = None, *, scheme: str | None = None) -> Thesaurus:
    """Read a SKOS thesaurus file (see :func:`parse_skos`); the format comes from the extension or ``fmt``."""
    fmt = format_of(path, fmt)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise DataError([Problem(str(path), 0, f"cannot read: {exc.strerror or exc}")]) from None
    if not data.strip():
        raise DataError([Problem(str(path), 1, "empty file")])
    return parse_skos(data, fmt, str(path), scheme=scheme)
