"""RDF exports are byte-identical across runs and round-trip to an isomorphic graph."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from atlas.build import build_atlas
from atlas.errors import ExportError
from atlas.render.export import RDF_EXPORTS, generate_rdf, write_rdf
from atlas.store import open_store
from tests.conftest import MINI

RDFLIB_FORMATS = {"ttl": "turtle", "trig": "trig", "nq": "nquads", "nt": "nt", "jsonld": "json-ld"}


@pytest.mark.parametrize("fmt", sorted(RDF_EXPORTS))
def test_exports_are_byte_identical_across_builds(fmt):
    outputs = set()
    for _ in range(2):
        store = open_store(memory=True)
        build_atlas(MINI, store, shacl="off")
        outputs.add(generate_rdf(store, fmt))
    assert len(outputs) == 1


@pytest.mark.parametrize("fmt", sorted(RDF_EXPORTS))
def test_exports_parse_back_to_the_same_graph(mini_store, fmt):
    expected = Graph()
    for q in mini_store.quads():
        expected.add(tuple(_rdflib(t) for t in (q.subject, q.predicate, q.object)))
    parsed = Dataset()
    parsed.parse(data=generate_rdf(mini_store, fmt), format=RDFLIB_FORMATS[fmt])
    union = Graph()
    for s, p, o, _g in parsed.quads((None, None, None, None)):
        union.add((s, p, o))
    assert isomorphic(union, expected)


def test_named_graphs_are_kept_in_trig(mini_store):
    parsed = Dataset()
    parsed.parse(data=generate_rdf(mini_store, "trig"), format="trig")
    names = sorted(str(g.identifier) for g in parsed.graphs() if len(g))
    assert names == mini_store.graphs()


def test_round_trip_export_then_reimport(tmp_path, mini_store):
    """Export to Turtle, load that file as the only source of a new atlas: the same triples."""
    atlas = tmp_path / "again"
    atlas.mkdir()
    shutil.copy(MINI / "atlas.yaml", atlas / "atlas.yaml")
    write_rdf(mini_store, "ttl", atlas / "export.ttl")
    again = open_store(memory=True)
    build_atlas(atlas, again, shacl="on")
    assert generate_rdf(again, "ttl") == generate_rdf(mini_store, "ttl")


def test_unknown_format(mini_store):
    with pytest.raises(ExportError, match="unknown RDF export format 'xml'"):
        generate_rdf(mini_store, "xml")


def test_write_is_atomic_and_leaves_no_temporary_file(tmp_path, mini_store):
    target = tmp_path / "a.trig"
    target.write_text("old")
    write_rdf(mini_store, "trig", target)
    assert target.read_bytes() == generate_rdf(mini_store, "trig")
    assert [p.name for p in tmp_path.iterdir()] == ["a.trig"]


def _rdflib(term):
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)  # RDF 1.1: the same literal, which rdflib writes without a datatype
    return Literal(term.value, datatype=URIRef(term.datatype.value))
