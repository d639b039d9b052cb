"""Tests for atlas.vocab: the closed ATLAS namespace matches ontology/atlas.ttl; IRI minting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import OWL, RDF, Graph, URIRef

from atlas.vocab import ATLAS, DEFAULT_BASE, KINDS, NS, PREFIXES, SLUG_RE, graph_iri, mint_iri

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "atlas.ttl"
TERMS = sorted(ATLAS.__annotations__)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


def atlas_terms_used_in(path: Path) -> list[tuple[int, str]]:
    """Return ``(line, name)`` for every ``ATLAS.name`` or ``ATLAS["name"]`` in a module.

    Follows ``from atlas.vocab import ATLAS as A`` aliases.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    aliases = {"ATLAS"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "atlas.vocab":
            aliases.update(a.asname for a in node.names if a.name == "ATLAS" and a.asname)
    used = []
    for node in ast.walk(tree):
        named = isinstance(getattr(node, "value", None), ast.Name) and node.value.id in aliases
        if named and isinstance(node, ast.Attribute) and not node.attr.startswith("_"):
            used.append((node.lineno, node.attr))
        elif named and isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
            used.append((node.lineno, str(node.slice.value)))
    return used


# ---- ATLAS and the ontology ----------------------------------------------------------------------


@pytest.mark.parametrize("name", TERMS)
def test_every_atlas_term_is_declared_in_the_ontology(ontology, name):
    assert (URIRef(NS + name), RDF.type, None) in ontology, f"atlas:{name} missing from {ONTOLOGY.name}"


def test_the_ontology_declares_no_term_unknown_to_atlas(ontology):
    subjects = {str(s)[len(NS):] for s in ontology.subjects() if str(s).startswith(NS)}
    assert sorted(subjects - set(TERMS)) == []


def test_atlas_terms_are_iris_in_the_namespace():
    assert ATLAS.Experience == URIRef("https://w3id.org/relational-atlas/ns#Experience")
    assert ATLAS.territoryType == URIRef(NS + "territoryType")


@pytest.mark.parametrize("misspelt", ["Experiense", "experience", "Territoire", "adressses"])
def test_a_misspelt_term_raises_attribute_error(misspelt):
    with pytest.raises(AttributeError, match=misspelt):
        getattr(ATLAS, misspelt)


def test_a_misspelt_term_raises_attribute_error_on_plain_access():
    with pytest.raises(AttributeError, match="Experiense"):
        ATLAS.Experiense  # noqa: B018


def test_every_term_used_in_the_library_is_declared():
    modules = sorted((ROOT / "atlas").rglob("*.py"))
    used = {(p.relative_to(ROOT).as_posix(), line, name) for p in modules for line, name in atlas_terms_used_in(p)}
    # The scan must see something: atlas/vocab.py itself names classes in KINDS.
    assert "Experience" in {name for _, _, name in used}, "the AST scan found no ATLAS term"
    unknown = sorted(f"{path}:{line}: ATLAS.{name}" for path, line, name in used if name not in TERMS)
    assert unknown == []


def test_the_scan_finds_attributes_subscripts_and_aliases(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from atlas.vocab import ATLAS as A\n"
        "x = ATLAS.Experience\n"
        "y = A.Issue\n"
        'z = ATLAS["Territori"]\n'
        "w = ATLAS._NS\n",
        encoding="utf-8",
    )
    assert atlas_terms_used_in(module) == [(2, "Experience"), (3, "Issue"), (4, "Territori")]


def test_kind_classes_are_ontology_classes(ontology):
    for kind, (_segment, cls) in KINDS.items():
        assert (cls, RDF.type, OWL.Class) in ontology, kind


def test_prefixes_are_sorted_and_name_the_atlas_namespace():
    assert list(PREFIXES) == sorted(PREFIXES)
    assert PREFIXES["atlas"] == NS


# ---- mint_iri and graph_iri ----------------------------------------------------------------------

A = "https://example.org/a/"


@pytest.mark.parametrize(
    ("kind", "slug", "expected"),
    [
        ("experience", "citizen-wind-farm", A + "experience/citizen-wind-farm"),
        ("family", "ecosystems", A + "issue/ecosystems"),
        ("issue", "local-savings", A + "issue/local-savings"),
        ("principle", "act-in-cooperation", A + "principle/act-in-cooperation"),
        ("territory", "le-mene", A + "territory/le-mene"),
        ("actor", "citeol", A + "actor/citeol"),
        ("collection", "citego", A + "collection/citego"),
        ("community", "villes-pairs", A + "community/villes-pairs"),
        ("workarea", "energy", A + "workarea/energy"),
        ("journey", "mene-2019", A + "journey/mene-2019"),
    ],
)
def test_mint_iri_puts_kind_segment_and_slug_under_base(kind, slug, expected):
    assert mint_iri(A, kind, slug) == URIRef(expected)


def test_mint_iri_covers_every_kind():
    # The table above lists the ten kinds; a new kind needs a line there.
    assert sorted(KINDS) == sorted(
        ["experience", "family", "issue", "principle", "territory", "actor", "collection", "community",
         "workarea", "journey"]
    )


def test_mint_iri_example_of_the_source_docs():
    # docs/sources.md: territory le-mene under the default base
    assert mint_iri(DEFAULT_BASE, "territory", "le-mene") == URIRef(
        "https://w3id.org/relational-atlas/atlas/territory/le-mene"
    )


def test_issue_and_family_with_one_slug_collide():
    # They share the issue/ segment, so the loader sees the clash as one IRI minted twice.
    assert mint_iri(A, "issue", "energy") == mint_iri(A, "family", "energy")


def test_mint_iri_under_a_hash_base():
    assert mint_iri("https://example.org/a#", "issue", "x") == URIRef("https://example.org/a#issue/x")


def test_mint_iri_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="unknown record kind 'place'"):
        mint_iri(A, "place", "le-mene")


@pytest.mark.parametrize(
    "slug",
    [
        "", "Le-Mene", "le_mene", "le--mene", "-le", "le-", "le mene", "le/mene", "mené",
        "le-mene\n",  # `$` alone would accept a final newline: mint_iri uses fullmatch
    ],
)
def test_mint_iri_rejects_a_malformed_slug(slug):
    with pytest.raises(ValueError, match="malformed slug"):
        mint_iri(A, "territory", slug)


@pytest.mark.parametrize("slug", ["a", "2016", "le-mene", "a1-b2-c3"])
def test_mint_iri_accepts_well_formed_slugs(slug):
    assert str(mint_iri(A, "territory", slug)).endswith("/territory/" + slug)


@settings(max_examples=50, deadline=None)
@given(slug=st.from_regex(SLUG_RE, fullmatch=True), kind=st.sampled_from(sorted(KINDS)))
def test_minted_iris_end_with_segment_and_slug(slug, kind):
    # The slug can be read back from the IRI, and nothing in it needs escaping in Turtle or SPARQL.
    iri = str(mint_iri(A, kind, slug))
    assert iri.startswith(A)
    assert iri.rsplit("/", 1)[1] == slug
    assert not any(c in iri for c in ' <>"{}|\\^`')


def test_graph_iri_names_the_source_file():
    assert graph_iri(A, "experiences/le-mene.md") == A + "source/experiences/le-mene.md"
