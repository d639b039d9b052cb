"""SHACL validation of loaded quads against ``ontology/shapes.ttl``, with each
report mapped back to the file and line of the offending record.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from atlas.errors import Problem
from atlas.load.config import AtlasConfig
from atlas.load.records import Index
from atlas.load.sources import SourceFile
from atlas.resources import ontology_path, shapes_path
from atlas.vocab import KINDS, short

_SHAPES: Graph | None = None
_ONTOLOGY: Graph | None = None


def shapes_graph() -> Graph:
    """Return the SHACL shapes graph (parsed once)."""
    global _SHAPES
    if _SHAPES is None:
        _SHAPES = Graph().parse(shapes_path(), format="turtle")
    return _SHAPES


def ontology_graph() -> Graph:
    """Return the ontology graph (parsed once)."""
    global _ONTOLOGY
    if _ONTOLOGY is None:
        _ONTOLOGY = Graph().parse(ontology_path(), format="turtle")
    return _ONTOLOGY


def _to_rdflib(term: ox.NamedNode | ox.Literal | ox.BlankNode):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    from rdflib import BNode

    return BNode(term.value)


def shacl_problems(sources: Iterable[SourceFile], config: AtlasConfig, index: Index,
                   ) -> tuple[list[Problem], list[Problem]]:
    """Validate the quads of ``sources`` and return ``(violations, warnings)`` as file:line problems.

    Records of files that are not being validated (unchanged in an incremental
    build) are represented by their type only, so that class constraints on
    references hold.
    """
    import pyshacl

    sources = list(sources)
    data = Graph()
    where: dict[str, tuple[str, int]] = {}
    quads_of = {src.relpath: src.quads for src in sources}  # record files keep N-Quads: parse them once
    for src in sources:
        for q in quads_of[src.relpath]:
            data.add((_to_rdflib(q.subject), _to_rdflib(q.predicate), _to_rdflib(q.object)))
        for iri, line in src.lines.items():
            where.setdefault(iri, (src.relpath, line))
    # referenced records of other files stand in by their type (for sh:class); only those
    # the validated quads point at, not the whole index
    referenced = {q.object.value for quads in quads_of.values() for q in quads if isinstance(q.object, ox.NamedNode)}
    for node in sorted(referenced):
        kind = index.kind_of.get(node)
        if kind is not None and node not in where:
            data.add((URIRef(node), RDF.type, URIRef(str(KINDS[kind][1]))))
    # only the nodes of the files being validated are focus nodes: the type-only stand-ins
    # of the other records would otherwise be validated too (slowly, and to no purpose)
    focus = sorted({q.subject.value for quads in quads_of.values() for q in quads})
    if not focus:
        return [], []
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=None, inference="none", allow_warnings=True,
        meta_shacl=False, advanced=True, focus_nodes=[URIRef(f) for f in focus],
    )
    violations, warnings = [], []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = str(report.value(result, SH.focusNode))
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        value = report.value(result, SH.value)
        located = where.get(focus) or _nearest(focus, where)
        if located is None:
            # a record of a file not being validated, present only by its type
            continue
        rel, line = located
        text = f"shape: {_record_name(focus, config)}: {message or 'does not conform'}"
        if message is None and path is not None and isinstance(path, URIRef):
            text += f" ({short(str(path))})"
        if value is not None:
            text += f" [value: {value}]"
        (warnings if severity == SH.Warning else violations).append(Problem(rel, line, text))
    return sorted(set(violations)), sorted(set(warnings))


def _nearest(focus: str, where: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    """The record a nested node (lesson, milestone, source URL) belongs to."""
    best = None
    for iri, loc in where.items():
        if focus.startswith(iri + "/") and (best is None or len(iri) > len(best[0])):
            best = (iri, loc)
    return best[1] if best else None


def _record_name(iri: str, config: AtlasConfig) -> str:
    if iri.startswith(config.base):
        parts = iri[len(config.base):].split("/")
        if len(parts) >= 2:
            return f"{parts[0]} '{parts[1]}'" + (f" {'/'.join(parts[2:])}" if len(parts) > 2 else "")
    return f"<{iri}>"
