"""Computed links as RDF: the statements of docs/model.md, deterministic IRIs, no blank nodes."""

from __future__ import annotations

import hashlib

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from atlas.analysis.links import Link, compute_links
from atlas.errors import ExportError
from atlas.model import corpus_from_records
from atlas.render.links_rdf import computation_iri, link_iri, links_to_rdf, parameters_json

BASE = "https://example.org/atlas/"
X, Y = f"{BASE}issue/housing", f"{BASE}issue/local-savings"
E1, E2 = f"{BASE}experience/e1", f"{BASE}experience/e2"
LINK = Link(X, Y, "association", 2.5, 2, 2.0, 0.03, 1.0, (E1, E2))
PARAMS = {"measure": "association", "min_support": 2, "level": None}


def digest(*parts):
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def test_statements_follow_the_model():
    link = f"{BASE}link/{digest('association', X, Y)}"
    params = '{"level":null,"measure":"association","min_support":2}'
    run = f"{BASE}computation/{digest(params, 'h1')}"
    expected = Graph().parse(
        data=f"""
        @prefix atlas: <https://w3id.org/relational-atlas/ns#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        <{link}> a atlas:SystemicLink ;
            atlas:linkSource <{X}> ; atlas:linkTarget <{Y}> ;
            atlas:measure "association" ;
            atlas:score "2.5"^^xsd:double ; atlas:pValue "0.03"^^xsd:double ; atlas:remoteness "1.0"^^xsd:double ;
            atlas:support 2 ;
            atlas:evidence <{E1}>, <{E2}> ;
            prov:wasGeneratedBy <{run}> .
        <{run}> a atlas:LinkComputation ;
            atlas:parameters '{params}' ;
            atlas:inputHash "h1" .
        """,
        format="turtle",
    )
    got = links_to_rdf([LINK], base=BASE, parameters=PARAMS, input_hash="h1")
    assert isomorphic(got, expected)
    assert not any(isinstance(term, BNode) for triple in got for term in triple)


def test_same_input_same_bytes_and_iris_ignore_key_order():
    one = links_to_rdf([LINK], base=BASE, parameters=PARAMS, input_hash="h1")
    two = links_to_rdf([LINK], base=BASE, parameters=dict(reversed(list(PARAMS.items()))), input_hash="h1")
    assert sorted(one.serialize(format="nt").splitlines()) == sorted(two.serialize(format="nt").splitlines())


def test_link_iri_depends_on_measure_and_pair_only():
    moved = Link(X, Y, "association", 9.0, 5, 5.0, 0.5, 0.2, (E1,))
    assert link_iri(BASE, moved) == link_iri(BASE, LINK)
    assert link_iri(BASE, Link(X, Y, "npmi", 2.5, 2, 2.0, 0.03, 1.0, ())) != link_iri(BASE, LINK)


def test_computation_iri_depends_on_parameters_and_input():
    assert computation_iri(BASE, PARAMS, "h1") != computation_iri(BASE, PARAMS, "h2")
    assert computation_iri(BASE, PARAMS, "h1") != computation_iri(BASE, dict(PARAMS, min_support=3), "h1")


def test_parameters_must_be_json():
    assert parameters_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    with pytest.raises(ExportError, match="cannot be written as JSON"):
        links_to_rdf([LINK], base=BASE, parameters={"when": object()}, input_hash="h1")
    with pytest.raises(ExportError, match="cannot be written as JSON"):
        parameters_json({"x": float("nan")})


def test_computed_links_round_trip_through_sparql():
    c = corpus_from_records({E1: (X, Y), E2: (X, Y), f"{BASE}experience/e3": (Y,)})
    links = compute_links(c, measure="count")
    g = links_to_rdf(links, base=BASE, parameters={"measure": "count"}, input_hash=c.content_hash)
    rows = list(g.query(
        "SELECT ?s ?t ?n WHERE { ?l a atlas:SystemicLink ; atlas:linkSource ?s ; atlas:linkTarget ?t ; "
        "atlas:support ?n }",
        initNs={"atlas": "https://w3id.org/relational-atlas/ns#"},
    ))
    assert [(str(s), str(t), int(n)) for s, t, n in rows] == [(X, Y, 2)]


def test_empty_list_gives_only_the_computation():
    g = links_to_rdf([], base=BASE, parameters={}, input_hash="h")
    assert len(g) == 3
