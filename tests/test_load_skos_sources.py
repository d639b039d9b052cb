"""Importing a SKOS thesaurus as an issue thesaurus: files, determinism, round trip through build and export."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

from atlas.build import build_atlas, load_atlas
from atlas.errors import DataError
from atlas.load.skos import parse_skos, read_skos
from atlas.load.skos_sources import generate_issue_sources, import_skos
from atlas.load.yamlfile import parse_yaml
from atlas.render.export import generate_rdf
from atlas.store import open_store
from tests.conftest import MINI_BASE, TESTS

SKOS_DIR = TESTS / "data" / "skos"
T = "https://thesaurus.example.org/territory/"
BASE = "https://example.org/imported/"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def records(yaml_bytes: bytes) -> dict[str, dict]:
    doc = parse_yaml(yaml_bytes.decode(), "t.yaml")
    return {r["id"]: r for kind in ("families", "issues") for r in (doc[kind] or [])}


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    into = tmp_path / "atlas"
    import_skos(SKOS_DIR / "territory.rdf", into)
    return into


def test_import_writes_families_issues_and_companion(imported: Path):
    assert sorted(p.relative_to(imported).as_posix() for p in imported.rglob("*") if p.is_file()) == [
        "atlas.yaml", "thesaurus/territory.ttl", "thesaurus/territory.yaml"]
    recs = records((imported / "thesaurus" / "territory.yaml").read_bytes())
    # families: the two concepts without broader, ordered by notation (1, 2)
    doc = parse_yaml((imported / "thesaurus" / "territory.yaml").read_text(), "t.yaml")
    assert [f["id"] for f in doc["families"]] == ["environment", "economy"]
    assert [f["colour"] for f in doc["families"]] == ["#e69f00", "#56b4e9"]
    assert [i["id"] for i in doc["issues"]] == ["energy", "energy-renovation-of-housing", "water", "housing",
                                                "local-savings"]  # notations 1.1, 1.1.1, 1.2, 2.1, 2.2
    reno = recs["energy-renovation-of-housing"]
    assert reno["broader"] == ["energy", "housing"]
    assert reno["label"] == {"de": "Energetische Gebäudesanierung", "en": "Energy renovation of housing",
                             "fr": "Rénovation énergétique des logements"}
    assert reno["alt"] == {"en": ["Thermal retrofit"], "fr": ["Isolation des logements"]}
    assert reno["exact_match"] == [T + "renovation"]
    assert recs["energy"]["broader"] == ["economy", "environment"]
    # related is written once, on the smaller slug: energy < water, energy-renovation… < local-savings
    assert recs["energy"]["related"] == ["water"] and "related" not in recs["water"]
    assert recs["energy-renovation-of-housing"]["related"] == ["local-savings"]
    config = parse_yaml((imported / "atlas.yaml").read_text(), "atlas.yaml")
    assert config["languages"] == ["de", "en", "fr"] and config["licence"] == CC_BY  # from the scheme


def test_imported_atlas_validates_with_zero_warnings(imported: Path):
    result = load_atlas(imported, shacl="on")
    assert result.problems == [] and result.warnings == []


def test_turtle_and_rdfxml_give_the_same_bytes_every_time():
    outputs = []
    for name in ("territory.ttl", "territory.rdf", "territory.ttl"):
        files, _, _ = generate_issue_sources(read_skos(SKOS_DIR / name), name="territory", languages=["en", "fr"],
                                             base=BASE, header="# h")
        outputs.append(files)
    assert outputs[0] == outputs[1] == outputs[2]


def test_round_trip_import_build_export(imported: Path):
    store = open_store(memory=True)
    build_atlas(imported, store)
    g = rdflib.Graph().parse(data=generate_rdf(store, "ttl"), format="turtle")
    base = parse_yaml((imported / "atlas.yaml").read_text(), "a.yaml")["base"]
    ours = {str(o): str(s) for s, o in g.subject_objects(SKOS.exactMatch)}  # original IRI -> our IRI
    source = rdflib.Graph().parse(SKOS_DIR / "territory.ttl")
    concepts = set(source.subjects(SKOS.prefLabel)) - {rdflib.URIRef(T + "scheme")}
    assert {str(c) for c in concepts} <= set(ours)
    for c in concepts:  # every label in every language
        for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.definition, SKOS.notation):
            assert set(source.objects(c, p)) == set(g.objects(rdflib.URIRef(ours[str(c)]), p)), (c, p)

    def edges(graph, mapping, p):
        return {(mapping(str(a)), mapping(str(b))) for a, b in graph.subject_objects(p)}

    expected = edges(source, lambda x: ours[x], SKOS.broader) | {(ours[str(b)], ours[str(a)]) for a, b in
                                                                 source.subject_objects(SKOS.narrower)}
    assert edges(g, lambda x: x, SKOS.broader) == expected
    related = {frozenset(e) for e in edges(g, lambda x: x, SKOS.related)}
    assert related == {frozenset(e) for e in edges(source, lambda x: ours[x], SKOS.related)}
    # the scheme, its top concepts and its licence are kept in the companion file
    scheme = rdflib.URIRef(f"{base}thesaurus/imported/territory")
    assert set(g.objects(scheme, SKOS.hasTopConcept)) == {rdflib.URIRef(ours[T + "environment"]),
                                                          rdflib.URIRef(ours[T + "economy"])}
    assert (scheme, rdflib.URIRef("http://purl.org/dc/terms/source"), rdflib.URIRef(T + "scheme")) in g


def test_reimport_rewrites_its_own_files_identically(imported: Path):
    before = {p: p.read_bytes() for p in imported.rglob("*") if p.is_file()}
    report = import_skos(SKOS_DIR / "territory.ttl", imported, name="territory")
    assert report.written == ("thesaurus/territory.yaml", "thesaurus/territory.ttl")  # atlas.yaml is kept
    after = {p: p.read_bytes() for p in imported.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    # only the header line differs (it names the file read)
    for p in after:
        assert after[p].split(b"\n", 1)[1] == before[p].split(b"\n", 1)[1]


def test_import_into_existing_atlas_avoids_its_slugs(mini_dir: Path):
    # the mini atlas declares fr and en and defines 'energy', 'economy' and 'local-savings'
    report = import_skos(SKOS_DIR / "territory.ttl", mini_dir, languages=["fr", "en"])
    recs = records((mini_dir / "thesaurus" / "territory.yaml").read_bytes())
    assert {"energy-2", "economy-2", "local-savings-2", "water"} <= set(recs)
    assert recs["energy-2"]["broader"] == ["economy-2", "environment"]
    assert "de" not in recs["water"]["label"]
    assert report.notes == ("texts in de were left out (not languages of the atlas)",)
    result = load_atlas(mini_dir, shacl="on")
    assert result.problems == [] and result.warnings == []


def test_undeclared_languages_are_an_error(mini_dir: Path):
    with pytest.raises(DataError, match=r"labels in de, which atlas.yaml does not declare \(fr, en\)"):
        import_skos(SKOS_DIR / "territory.ttl", mini_dir)
    with pytest.raises(DataError, match=r"--languages: languages \['de'\] are not in atlas.yaml"):
        import_skos(SKOS_DIR / "territory.ttl", mini_dir, languages=["de"])
    assert not (mini_dir / "thesaurus").exists()


def test_new_atlas_needs_a_licence(tmp_path: Path):
    data = b'@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<https://e.org/a> skos:prefLabel "A"@en .\n'
    (tmp_path / "t.ttl").write_bytes(data)
    with pytest.raises(DataError, match=r"a new atlas needs a licence"):
        import_skos(tmp_path / "t.ttl", tmp_path / "out")
    assert not (tmp_path / "out").exists()
    import_skos(tmp_path / "t.ttl", tmp_path / "out", licence=CC_BY, base="https://e.org/atlas/")
    assert 'base: "https://e.org/atlas/"' in (tmp_path / "out" / "atlas.yaml").read_text()


def test_refuses_to_overwrite_a_hand_written_file(mini_dir: Path):
    (mini_dir / "thesaurus").mkdir()
    (mini_dir / "thesaurus" / "territory.ttl").write_text("# mine\n")
    with pytest.raises(DataError, match=r"territory.ttl:1: exists and was not written by an import"):
        import_skos(SKOS_DIR / "territory.ttl", mini_dir, languages=["fr", "en"])
    assert not (mini_dir / "thesaurus" / "territory.yaml").exists()


AWKWARD = b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix e: <https://e.org/> .
e:top skos:prefLabel "Top"@en .
e:a skos:prefLabel "Loop"@en ; skos:broader e:b .
e:b skos:prefLabel "Loop"@en ; skos:broader e:a .
e:c skos:prefLabel "\xce\x9a\xce\xbb\xce\xaf\xce\xbc\xce\xb1"@en ; skos:notation "7.1" ; skos:broader e:top ;
    skos:related e:top .
e:d skos:prefLabel "Child"@en ; skos:broader e:c ; skos:related e:c, e:a .
e:u skos:notation "9" ; skos:broader e:top .
"""


def test_cycles_ancestors_and_unlabelled_concepts():
    t = parse_skos(AWKWARD, "turtle", "awkward.ttl")
    files, counts, notes = generate_issue_sources(t, name="awk", languages=["en"], base=BASE, header="# h")
    recs = records(files["thesaurus/awk.yaml"])
    # a and b are both "Loop": a (smaller IRI) is loop, b loop-2. The cycle is walked from the smallest
    # IRI, a -> b -> a, and broken at the edge that closes it, b -> a: b becomes a family
    assert recs["loop-2"]["colour"] == "#e69f00" and recs["loop"]["broader"] == ["loop-2"]
    # a label that folds to nothing falls back to the notation; no label at all: notation as label
    assert recs["7-1"]["label"] == {"en": "Κλίμα"} and recs["9"]["label"] == {"en": "9"}
    # related to a family (c-top) and to an ancestor (d-c) are left out; d-a is kept
    assert recs["child"]["related"] == ["loop"] and "related" not in recs["7-1"]
    assert notes == ["1 concepts have no label in en: their notation or IRI is their label",
                     "1 broader links closing a cycle were left out",
                     "2 related links were left out (to a family, or to an ancestor)"]
    assert counts == {"families": 2, "issues": 4, "broader": 4, "related": 1, "languages": 1}


def test_slugs_from_notations_with_prefix():
    t = read_skos(SKOS_DIR / "territory.ttl")
    files, _, _ = generate_issue_sources(t, name="t", languages=["en"], base=BASE, header="# h", slugs="notation",
                                         prefix="terr")
    assert list(records(files["thesaurus/t.yaml"])) == ["terr-1", "terr-2", "terr-1-1", "terr-1-1-1", "terr-1-2",
                                                        "terr-2-1", "terr-2-2"]
    with pytest.raises(DataError, match=r"'Bad Prefix' is not a slug"):
        generate_issue_sources(t, name="t", languages=["en"], base=BASE, header="# h", prefix="Bad Prefix")


def test_mini_base_is_used_for_the_companion_file(mini_dir: Path):
    import_skos(SKOS_DIR / "territory.ttl", mini_dir, languages=["en"])
    ttl = (mini_dir / "thesaurus" / "territory.ttl").read_text()
    assert f"<{MINI_BASE}issue/environment>" in ttl and "skos:notation" in ttl
