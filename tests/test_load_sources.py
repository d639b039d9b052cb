"""Every error family of the loaders, with its exact message and file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.build import load_atlas
from atlas.errors import DataError
from atlas.load.sources import discover


def problems(data_dir: Path, shacl: str = "on") -> list[str]:
    return [str(p) for p in load_atlas(data_dir, shacl=shacl).problems]


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    (path.write_bytes if isinstance(text, bytes) else path.write_text)(text)


def test_mini_atlas_loads_cleanly():
    from tests.conftest import MINI

    result = load_atlas(MINI)
    assert result.problems == [] and result.warnings == []
    defined = sorted((k, s) for src in result.sources.values() for k, s, _ in src.defined)
    assert ("experience", "le-mene-citizen-wind-farm") in defined
    assert ("collection", "citego") in defined  # defined by the Turtle file
    assert len([d for d in defined if d[0] == "issue"]) == 7


def test_discover_ignores_readme_and_hidden(mini_dir):
    write(mini_dir / "README.md", "# about\n")
    write(mini_dir / ".git" / "x.yaml", "a: 1\n")
    write(mini_dir / "_drafts" / "y.md", "---\n")
    assert "README.md" not in discover(mini_dir)
    assert not [p for p in discover(mini_dir) if p.startswith((".", "_"))]


EXPERIENCE = """---
title: {en: A test experience}
territory: le-mene
start: 2012
issues: [energy]
sources: [https://www.mene.fr/le-mene-et-lenergie-tepos]
---
Body.
"""


@pytest.mark.parametrize(
    ("relpath", "content", "expected"),
    [
        # references
        ("experiences/x.md", EXPERIENCE.replace("[energy]", "[enrgy]"),
         "experiences/x.md:5: unknown issue 'enrgy' in 'issues' (did you mean 'energy'?)"),
        ("experiences/x.md", EXPERIENCE.replace("territory: le-mene", "territory: le-mne"),
         "experiences/x.md:3: unknown territory 'le-mne' in 'territory' (did you mean 'le-mene'?)"),
        # fields
        ("experiences/x.md", EXPERIENCE.replace("start: 2012", "start: 12"),
         "experiences/x.md:4: 'start' must be a year such as 2012, not '12'"),
        ("experiences/x.md", EXPERIENCE.replace("start: 2012", "start: 2012\nend: 2001"),
         "experiences/x.md:5: 'end' (2001) is before 'start' (2012)"),
        ("experiences/x.md", EXPERIENCE.replace("https://www.mene", "ftp://www.mene"),
         "experiences/x.md:6: 'sources' must be an http or https URL, not 'ftp://www.mene.fr/le-mene-et-lenergie-tepos'"),
        ("experiences/x.md", EXPERIENCE.replace("lenergie-tepos", "100%-tepos"),
         "experiences/x.md:6: 'sources' must be an http or https URL, "
         "not 'https://www.mene.fr/le-mene-et-100%-tepos' (invalid IRI percent encoding '%-t')"),
        ("experiences/x.md", EXPERIENCE.replace("[https://www.mene.fr/le-mene-et-lenergie-tepos]",
                                                '["https://www.mene.fr/\\n"]'),
         "experiences/x.md:6: 'sources' must be an http or https URL, not 'https://www.mene.fr/\\n'"),
        ("experiences/x.md", EXPERIENCE.replace("[https://www.mene.fr/le-mene-et-lenergie-tepos]",
                                                '["https://www.mene.fr/\\x01"]'),
         "experiences/x.md:6: 'sources' must be an http or https URL, not 'https://www.mene.fr/\\x01'"),
        ("experiences/x.md", EXPERIENCE.replace("sources: [https://www.mene.fr/le-mene-et-lenergie-tepos]\n", ""),
         "experiences/x.md:2: missing field 'sources' (at least one http(s) URL)"),
        ("experiences/x.md", EXPERIENCE.replace("start: 2012", "start: 2012\nisues: [energy]"),
         "experiences/x.md:5: unknown field 'isues' in experience 'x' (did you mean 'issues'?)"),
        ("experiences/x.md", EXPERIENCE.replace("{en: A test experience}", "{de: Ein Test}"),
         "experiences/x.md:2: language 'de' of 'title' is not declared in atlas.yaml (fr, en)"),
        ("experiences/x.md", EXPERIENCE.replace("{en: A test experience}", "{en: A test, with a comma}"),
         "experiences/x.md:2: language 'with a comma' of 'title' is not declared in atlas.yaml (fr, en) "
         "(a comma inside {…} starts a new entry: quote the text)"),
        ("t.yaml", "territories:\n  - id: t2\n    label: T\n    population: '012'\n",
         "t.yaml:4: 'population' must be a whole number without leading zeros, not '012'"),
        ("t.yaml", "territories:\n  - id: t2\n    label: T\n    lat: 123.5\n    long: 2\n",
         "t.yaml:4: 'lat' must lie between -90 and 90, not 123.5"),
        ("t.yaml", "territories:\n  - id: t2\n    label: T\n    type: suburban\n",
         "t.yaml:4: 'type' must be one of peri-urban, rural, urban, not 'suburban'"),
        ("t.yaml", "territories:\n  - id: T2\n    label: T\n",
         "t.yaml:2: malformed id 'T2': use lower-case words joined by '-' (e.g. le-mene)"),
        ("t.yaml", "teritories:\n  - id: t2\n",
         "t.yaml:1: unknown record kind 'teritories' (did you mean 'territories'?)"),
        ("t.yaml", "families:\n  - id: f2\n    label: F\n    colour: green\n",
         't.yaml:4: \'colour\' must be a colour such as "#2e7d32", not \'green\''),
        # identity
        ("t.yaml", "territories:\n  - id: le-mene\n    label: Again\n",
         "thesaurus.yaml:0"),  # placeholder replaced below
        # strict YAML
        ("t.yaml", "territories:\n  - id: t2\n    label: T\n    label: U\n",
         "t.yaml:4: duplicate key 'label' (first at line 3)"),
        ("t.yaml", "territories:\n  - &a {id: t2, label: T}\n",
         "t.yaml:2: anchors are not allowed (&a)"),
        # files
        ("t.yaml", b"", "t.yaml:1: empty file"),
        ("t.yaml", b"territories:\n  - id: t\xe92\n", "t.yaml:2: invalid UTF-8 (byte 22)"),
        ("notes.txt", "hello\n",
         "notes.txt:1: unsupported file type '.txt' (sources are .yaml, .md, .ttl, .trig, .nt or .jsonld)"),
        ("experiences/x.md", "title: x\n",
         "experiences/x.md:1: an experience must start with a '---' front matter line"),
        ("experiences/x.md", "---\ntitle: x\n", "experiences/x.md:1: unterminated front matter: no closing '---' line"),
        ("extra2.ttl", "territories:\n  - id: t2\n", "extra2.ttl:1: invalid Turtle"),
        ("extra2.jsonld", '{"@context": "https://example.org/ctx.jsonld", "@id": "https://example.org/x"}',
         "extra2.jsonld:1: remote JSON-LD context 'https://example.org/ctx.jsonld' is not allowed"),
    ],
)
def test_error_families(mini_dir, relpath, content, expected):
    if expected == "thesaurus.yaml:0":
        # records are indexed in path order: the second one named is the one reported
        expected = ("territories.yaml:2: territory 'le-mene' mints the IRI "
                    "<https://example.org/mini/territory/le-mene> already minted at t.yaml:2")
    write(mini_dir / relpath, content)
    found = problems(mini_dir)
    assert any(p.startswith(expected) for p in found), found


def test_all_problems_of_all_files_at_once(mini_dir):
    write(mini_dir / "a.yaml", "territories:\n  - id: a1\n    label: A\n    population: x\n")
    write(mini_dir / "experiences/b.md", EXPERIENCE.replace("[energy]", "[nope]"))
    found = problems(mini_dir)
    assert [p.split(":")[0] for p in found] == ["a.yaml", "experiences/b.md"]


def test_missing_config(tmp_path):
    with pytest.raises(DataError, match=r"atlas\.yaml:0: missing: an atlas directory needs atlas\.yaml"):
        load_atlas(tmp_path)


def test_bad_config(mini_dir):
    write(mini_dir / "atlas.yaml", "name: X\nbase: ftp://x/\nlanguages: []\n")
    with pytest.raises(DataError) as err:
        load_atlas(mini_dir)
    assert "atlas.yaml:2: 'base' must be an http(s) IRI ending with '/' or '#', not 'ftp://x/'" in str(err.value)


def test_a_base_that_is_no_iri_is_reported(mini_dir):
    write(mini_dir / "atlas.yaml", "name: X\nbase: https://x/100%/\nlanguages: [en]\n")
    with pytest.raises(DataError) as err:
        load_atlas(mini_dir)
    assert str(err.value) == ("atlas.yaml:2: 'base' must be an http(s) IRI ending with '/' or '#', "
                              "not 'https://x/100%/' (invalid IRI percent encoding '%/')")


def test_jsonld_with_the_atlas_context_is_accepted(mini_dir):
    write(mini_dir / "extra2.jsonld", """{"@context": "https://w3id.org/relational-atlas/context.jsonld",
      "@id": "https://example.org/mini/collection/fabrique", "@type": "atlas:Collection",
      "http://www.w3.org/2000/01/rdf-schema#label": {"@value": "Fabrique", "@language": "fr"}}""")
    result = load_atlas(mini_dir)
    assert result.problems == []
    assert ("collection", "fabrique", 2) in result.sources["extra2.jsonld"].defined


def test_shacl_report_is_mapped_to_file_and_line(mini_dir):
    # an RDF source escapes the field checks; the shapes still catch it, at the record's line
    write(mini_dir / "bad.ttl", """@prefix atlas: <https://w3id.org/relational-atlas/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://example.org/mini/territory/nowhere> a atlas:Territory ;
    atlas:population -3 .
""")
    found = problems(mini_dir)
    assert found and all(p.startswith("bad.ttl:4: shape: territory 'nowhere':") for p in found), found


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("more.nt", '<https://example.org/mini/collection/fabrique> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                    '<https://w3id.org/relational-atlas/ns#Collection> .\n'
                    '<https://example.org/mini/collection/fabrique> <http://www.w3.org/2000/01/rdf-schema#label> '
                    '"Fabrique"@fr .\n'),
        ("more.trig", "@prefix atlas: <https://w3id.org/relational-atlas/ns#> .\n"
                      "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                      "<https://example.org/other-graph> {\n"
                      "  <https://example.org/mini/collection/fabrique> a atlas:Collection ;\n"
                      "      rdfs:label \"Fabrique\"@fr .\n}\n"),
    ],
)
def test_ntriples_and_trig_sources(mini_dir, name, text):
    write(mini_dir / name, text)
    result = load_atlas(mini_dir, shacl="on")
    assert result.problems == []
    src = result.sources[name]
    assert src.defined == [("collection", "fabrique", 1 if name.endswith(".nt") else 4)]
    # every quad goes to the file's own graph, whatever graph a TriG file names
    assert {q.graph_name.value for q in src.quads} == {f"https://example.org/mini/source/{name}"}


def test_blank_nodes_are_skolemised_in_order(mini_dir):
    write(mini_dir / "b.ttl", "@prefix dcterms: <http://purl.org/dc/terms/> .\n<https://example.org/mini/collection/"
                              "citego> dcterms:creator [ dcterms:title \"x\" ] .\n")
    a = load_atlas(mini_dir).sources["b.ttl"].quads
    b = load_atlas(mini_dir).sources["b.ttl"].quads
    assert a == b
    assert {q.object.value for q in a if q.predicate.value.endswith("creator")} == {
        "https://example.org/mini/source/b.ttl/.well-known/genid/1"}


HOSTILE = 'Le "Mené" \\ back\\slash\nline two\r\nline three " . <https://evil.example/s> <https://evil.example/p> "x" .'


def test_contributor_text_stays_one_literal(mini_dir):
    # the second pass writes N-Quads itself: quotes, backslashes and line breaks must not end the literal
    write(mini_dir / "experiences" / "x.md", EXPERIENCE.replace("Body.\n", HOSTILE + "\n"))
    result = load_atlas(mini_dir)
    assert result.problems == []
    quads = result.sources["experiences/x.md"].quads
    narrative = [q.object for q in quads if q.predicate.value.endswith("#narrative")]
    assert [(n.value, n.language) for n in narrative] == [(HOSTILE.replace("\r\n", "\n"), "fr")]
    assert {q.subject.value for q in quads} == {"https://example.org/mini/experience/x"}
    assert len(quads) == result.sources["experiences/x.md"].quad_count == 7


@pytest.mark.parametrize("text", ['"', "\\", "\\n", "\n", "\r", "\t", "\u2028", "🌍", '\\"', "a\\\nb"])
def test_literal_round_trips_through_the_nquads_parser(text):
    import pyoxigraph as ox

    from atlas.load.records import literal

    line = f"<https://s.example/> <https://p.example/> {literal(text, 'en')} <https://g.example/> .\n"
    (quad,) = ox.parse(line.encode(), format=ox.RdfFormat.N_QUADS)
    assert quad.object == ox.Literal(text, language="en")
