"""Importing spreadsheets: experiences and issues, bad rows with FILE:LINE: column, the ADEME referentials."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import SKOS

from atlas.build import build_atlas, load_atlas
from atlas.errors import DataError
from atlas.load.csv_import import import_csv, parse_csv
from atlas.load.markdown import parse_experience
from atlas.load.yamlfile import parse_yaml
from atlas.render.export import generate_rdf
from atlas.store import open_store
from tests.conftest import MINI_BASE, ROOT, SHARED

ADEME = SHARED / "data-external" / "territoires-en-transitions"
EXAMPLES = ROOT / "docs" / "examples"
needs_ademe = pytest.mark.skipif(not ADEME.is_dir(), reason="../shared/data-external is not present")

EXPERIENCE_MAPPING = """kind: experience
language: fr
columns:
  title: {fr: Titre, en: Title}
  territory: Territoire
  start: Début
  end: Fin
  issues: Enjeux
  actors: Acteurs
  sources: Sources
  narrative: {fr: Récit, en: Narrative}
separators: {sources: " "}
values:
  territory: {Mouans: mouans-sartoux}
defaults: {collection: citego}
tags:
  - {column: Thème, field: issues, separator: ",", values: {Éducation: education}}
"""
# line 1 header; record 1 lines 2-4 (a three-line narrative); record 2 line 5; record 3 line 6
GOOD = """Titre,Title,Territoire,Début,Fin,Enjeux,Thème,Acteurs,Sources,Récit,Narrative
Cantines bio,Organic canteens,Mouans,2008,2012,school-canteens; food-system,"Éducation, Biodiversité",\
commune-mouans-sartoux,https://www.mouans-sartoux.net/ https://e.org/b,"Première ligne,
deuxième ligne ""citée"",
troisième.",First line.
Parc éolien,Wind farm,Le Mené,2012-05-01,,citizen-renewable-energy,,citeol,https://www.mene.fr/,,
Cantine de Grande-Synthe,,Grande-Synthe,01/09/2011,,school-canteens,,,https://e.org/gs,,
"""


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_csv_counts_physical_lines():
    header, rows = parse_csv(GOOD, "x.csv")
    assert header[0] == "Titre" and [line for line, _ in rows] == [2, 5, 6]
    assert rows[0][1][9] == 'Première ligne,\ndeuxième ligne "citée",\ntroisième.'


def test_parse_csv_crlf_and_blank_lines():
    _, rows = parse_csv('a,b\r\n\r\n1,"x\r\ny"\r\n2,z\r\n', "x.csv")
    assert rows == [(3, ["1", "x\ny"]), (5, ["2", "z"])]


@pytest.mark.parametrize(("text", "message"), [
    ('a,b\n1,"open\n2,3\n', r"x.csv:3: malformed CSV: unexpected end of data"),
    ('a,b\n1,"x"y\n', r"x.csv:2: malformed CSV: ',' expected after '\"'"),
    ("a,a\n1,2\n", r"x.csv:1: column 'a' appears twice \(columns 1 and 2\)"),
    ('a,b\n1,"two\nlines",3\n4,5\n', r"x.csv:2: 3 cells where the header has 2"),
    ("\n\n", r"x.csv:1: no header row"),
])
def test_parse_csv_problems(text, message):
    with pytest.raises(DataError, match=message):
        parse_csv(text, "x.csv")


def test_import_experiences(mini_dir: Path, tmp_path: Path):
    report = import_csv(write(tmp_path, "cases.csv", GOOD), write(tmp_path, "m.yaml", EXPERIENCE_MAPPING), mini_dir)
    assert report.written == ("experiences/cantines-bio.md", "experiences/parc-eolien.md",
                              "experiences/cantine-de-grande-synthe.md")
    assert report.counts == {"rows": 3, "experiences": 3}
    front, body = parse_experience((mini_dir / "experiences" / "cantines-bio.md").read_text(), "x.md", ("fr", "en"))
    assert front["title"] == {"en": "Organic canteens", "fr": "Cantines bio"}
    assert front["territory"] == "mouans-sartoux" and (front["start"], front["end"]) == ("2008", "2012")
    # tags: Éducation by the table, Biodiversité slugified
    assert front["issues"] == ["school-canteens", "food-system", "education", "biodiversite"]
    assert front["sources"] == ["https://www.mouans-sartoux.net/", "https://e.org/b"]
    assert front["collection"] == "citego" and front["actors"] == ["commune-mouans-sartoux"]
    assert body == {"fr": 'Première ligne,\ndeuxième ligne "citée",\ntroisième.', "en": "First line."}
    eolien, _ = parse_experience((mini_dir / "experiences" / "parc-eolien.md").read_text(), "x.md", ("fr", "en"))
    assert eolien["territory"] == "le-mene" and eolien["start"] == "2012" and "end" not in eolien
    # the only problem left for build: the slugified tag 'biodiversite' is not an issue of the mini atlas
    problems = [str(p) for p in load_atlas(mini_dir, shacl="on").problems]
    assert problems == ["experiences/cantines-bio.md:8: unknown issue 'biodiversite' in 'issues' "
                        "(did you mean 'biodiversity'?)"]


def test_import_experiences_then_build(mini_dir: Path, tmp_path: Path):
    mapping = EXPERIENCE_MAPPING.replace("{Éducation: education}", "{Éducation: education, Biodiversité: biodiversity}")
    import_csv(write(tmp_path, "cases.csv", GOOD), write(tmp_path, "m.yaml", mapping), mini_dir)
    result = load_atlas(mini_dir, shacl="on")
    assert result.problems == [] and result.warnings == []
    # a second import rewrites the same files, byte for byte
    before = {p.name: p.read_bytes() for p in (mini_dir / "experiences").iterdir()}
    import_csv(tmp_path / "cases.csv", tmp_path / "m.yaml", mini_dir)
    assert {p.name: p.read_bytes() for p in (mini_dir / "experiences").iterdir()} == before


# line 1 header; record 1 lines 2-3; record 2 line 4; record 3 lines 5-6 (no French title, an English
# one: enough); record 4 line 7
BAD = """Titre,Title,Territoire,Début,Fin,Enjeux,Thème,Acteurs,Sources,Récit,Narrative
Bon,Good,Le Mené,2012,,energy,,,https://e.org/a,"multi
line",
Année,Year,Le Mené,20012,,energy,,,https://e.org/a,,
,Untitled,Le Mené,2015,2010,energy,,,"ftp://e.org/x
https://e.org/y",,
Rien,Nothing,,,,,,,,,
"""


def test_bad_rows_are_all_reported_with_line_and_column(mini_dir: Path, tmp_path: Path):
    with pytest.raises(DataError) as info:
        import_csv(write(tmp_path, "cases.csv", BAD), write(tmp_path, "m.yaml", EXPERIENCE_MAPPING), mini_dir)
    path = str(tmp_path / "cases.csv")
    assert str(info.value).splitlines() == [
        f"{path}:4: column 'Début': '20012' is not a year (2012, 2012-05-01 or 01/05/2012)",
        f"{path}:5: column 'Fin': ends (2010) before it starts (2015)",
        f"{path}:5: column 'Sources': 'ftp://e.org/x' is not an http(s) URL",
        f"{path}:7: column 'Début': empty, and an experience needs a start year",
        f"{path}:7: column 'Enjeux': empty, and an experience needs at least one issue",
        f"{path}:7: column 'Sources': empty, and an experience needs at least one http(s) source",
        f"{path}:7: column 'Territoire': empty, and an experience needs a territory",
    ]
    assert not [p for p in (mini_dir / "experiences").iterdir() if p.name.startswith(("bon", "annee"))]


def test_unknown_columns_and_languages(mini_dir: Path, tmp_path: Path):
    csv_path = write(tmp_path, "cases.csv", "Titre,Other\nx,y\n")
    with pytest.raises(DataError, match=r"cases.csv:1: column 'Début' named in .*m.yaml is not in the header "
                                        r"\(columns: 'Titre', 'Other'\)"):
        import_csv(csv_path, write(tmp_path, "m.yaml", EXPERIENCE_MAPPING), mini_dir)
    with pytest.raises(DataError, match=r"m2.yaml:1: languages de are not declared by the atlas \(fr, en\)"):
        import_csv(write(tmp_path, "c.csv", GOOD), write(tmp_path, "m2.yaml", EXPERIENCE_MAPPING.replace(
            "language: fr", "language: de")), mini_dir)


def test_refuses_to_overwrite_a_hand_written_experience(mini_dir: Path, tmp_path: Path):
    csv_path = write(tmp_path, "c.csv", "Titre,Title,Territoire,Début,Fin,Enjeux,Thème,Acteurs,Sources,Récit,"
                                        "Narrative\nx,y,Le Mené,2012,,energy,,,https://e.org/,,\n")
    mapping = write(tmp_path, "m.yaml", EXPERIENCE_MAPPING.replace("columns:", "slug: {from: title}\ncolumns:"))
    (mini_dir / "experiences" / "x.md").write_text("---\ntitle: mine\n---\n")
    # 'x' is taken by the hand-written file: the import uses x-2 rather than overwrite it
    assert import_csv(csv_path, mapping, mini_dir).written == ("experiences/x-2.md",)


ISSUE_MAPPING = """kind: issue
language: en
output: thesaurus/imported.yaml
columns:
  id: Code
  label: {en: Name, fr: Nom}
  alt: Synonyms
  definition: Definition
  broader: Also under
  related: See also
  exact_match: Link
hierarchy: {column: Code, separator: "."}
slug: {from: label, prefix: imp}
separators: {alt: "|"}
tags:
  - {column: Theme, field: broader, prefix: theme, create: family}
"""
ISSUES = """Code,Name,Nom,Synonyms,Definition,Also under,See also,Theme,Link
A,Water,Eau,,,,,,
A.1,Drinking water,Eau potable,Tap water|Potable water,"Water fit
to drink.",,A.2,Health,https://e.org/water
A.2,Waste water,Eaux usées,,,biodiversity,,,
B,Energy,Énergie,,,,,,
B.1,Water heating,Chauffe-eau,,,A,,Health,
"""


def test_import_issues_with_hierarchy_tags_and_links(mini_dir: Path, tmp_path: Path):
    report = import_csv(write(tmp_path, "issues.csv", ISSUES), write(tmp_path, "m.yaml", ISSUE_MAPPING), mini_dir)
    assert report.counts == {"rows": 5, "families": 3, "issues": 3}
    doc = parse_yaml((mini_dir / "thesaurus" / "imported.yaml").read_text(), "x.yaml")
    assert [f["id"] for f in doc["families"]] == ["imp-water", "imp-energy", "theme-health"]
    issues = {i["id"]: i for i in doc["issues"]}
    drinking = issues["imp-drinking-water"]
    assert drinking["broader"] == ["imp-water", "theme-health"]  # hierarchy, then the tag
    assert drinking["alt"] == {"en": ["Tap water", "Potable water"]}
    assert drinking["definition"] == {"en": "Water fit\nto drink."}
    assert drinking["related"] == ["imp-waste-water"] and drinking["exact_match"] == ["https://e.org/water"]
    assert drinking["label"] == {"en": "Drinking water", "fr": "Eau potable"}
    assert issues["imp-waste-water"]["broader"] == ["imp-water", "biodiversity"]  # an issue of the atlas
    assert issues["imp-water-heating"]["broader"] == ["imp-energy", "imp-water", "theme-health"]
    result = load_atlas(mini_dir, shacl="on")
    assert result.problems == [] and result.warnings == []


def test_import_issues_round_trip_through_build_and_export(mini_dir: Path, tmp_path: Path):
    import_csv(write(tmp_path, "issues.csv", ISSUES), write(tmp_path, "m.yaml", ISSUE_MAPPING), mini_dir)
    store = open_store(memory=True)
    build_atlas(mini_dir, store)
    g = rdflib.Graph().parse(data=generate_rdf(store, "ttl"), format="turtle")

    def iri(slug: str) -> rdflib.URIRef:
        return rdflib.URIRef(f"{MINI_BASE}issue/{slug}")

    for row in csv.DictReader(io.StringIO(ISSUES)):  # every row, its labels in both languages
        slug = "imp-" + row["Name"].lower().replace(" ", "-")
        assert set(g.objects(iri(slug), SKOS.prefLabel)) == {rdflib.Literal(row["Name"], lang="en"),
                                                              rdflib.Literal(row["Nom"], lang="fr")}
    assert set(g.objects(iri("imp-water-heating"), SKOS.broader)) == {iri("imp-energy"), iri("imp-water"),
                                                                      iri("theme-health")}
    assert (iri("imp-drinking-water"), SKOS.related, iri("imp-waste-water")) in g
    assert (iri("imp-drinking-water"), SKOS.definition, rdflib.Literal("Water fit\nto drink.", lang="en")) in g


BAD_ISSUES = """Code,Name,Nom,Synonyms,Definition,Also under,See also,Theme,Link
A,Water,Eau,,,,,,
A,Again,Encore,,,,,,
C.1,Orphan,Orphelin,,,,,,
A.3,"",,,,,A,,not a url
"""


def test_bad_issue_rows(mini_dir: Path, tmp_path: Path):
    with pytest.raises(DataError) as info:
        import_csv(write(tmp_path, "i.csv", BAD_ISSUES), write(tmp_path, "m.yaml", ISSUE_MAPPING), mini_dir)
    assert [f"{p.line}: {p.message}" for p in info.value.problems] == [
        "3: column 'Code': id 'A' is repeated (first at line 2)",
        "4: column 'Code': no row has the parent 'C' of 'C.1'",
        "5: column 'Link': 'not a url' is not an http(s) URL",
        "5: column 'Name': empty, and an issue needs a label",
        "5: column 'See also': related 'imp-water' is a family or a broader issue",
    ]


def test_new_atlas_from_the_mapping(tmp_path: Path):
    mapping = ISSUE_MAPPING + "atlas: {name: Imported, licence: 'https://e.org/licence', languages: [en, fr]}\n"
    report = import_csv(write(tmp_path, "issues.csv", ISSUES.replace(",A.2,Health", ",,Health").replace(
        ",biodiversity,", ",,")), write(tmp_path, "m.yaml", mapping), tmp_path / "new")
    assert report.written[0] == "atlas.yaml"
    result = load_atlas(tmp_path / "new", shacl="on")
    assert result.problems == [] and result.warnings == []
    with pytest.raises(DataError, match=r"other/atlas.yaml:0: no atlas.yaml here: create it, or give licence in "):
        import_csv(tmp_path / "issues.csv", write(tmp_path, "m2.yaml", ISSUE_MAPPING), tmp_path / "other")


# ---------------------------------------------------------------- the real ADEME referentials

def physical_line(path: Path, marker: str) -> int:
    """The line of the file where ``marker`` (the start of a record) is, counted independently of csv."""
    text = path.read_text(encoding="utf-8")
    return text[: text.index(marker)].count("\n") + 2  # marker starts with the newline ending the line before


@needs_ademe
def test_ademe_climate_air_energy(tmp_path: Path):
    source = ADEME / "referentiel-cae-structure.csv"
    report = import_csv(source, EXAMPLES / "ademe-cae-mapping.yaml", tmp_path)
    # 1,470 rows: 6 without a dot (families), 1,464 below them
    assert report.counts == {"rows": 1470, "families": 6, "issues": 1464}
    doc = parse_yaml((tmp_path / "thesaurus" / "ademe-cae.yaml").read_text(), "x.yaml")
    issues = {i["id"]: i for i in doc["issues"]}
    rows = {r["identifiant"]: r for r in csv.DictReader(source.open(encoding="utf-8", newline=""))}
    assert issues["cae-1-1-1"]["definition"]["fr"] == rows["1.1.1"]["description"].strip()  # multi-line Markdown
    assert "\n\n" in issues["cae-1-1-1"]["definition"]["fr"]
    assert issues["cae-6-5-3-5-4"]["broader"] == ["cae-6-5-3-5"]
    result = load_atlas(tmp_path, shacl="off")  # the field checks; SHACL over 9,000 statements is left out
    assert result.problems == []


@needs_ademe
def test_ademe_te_bad_rows_name_their_physical_lines(tmp_path: Path):
    source = ADEME / "referentiel-te-structure.csv"
    mapping = (EXAMPLES / "ademe-te-mapping.yaml").read_text(encoding="utf-8").replace("skip_if_empty: [label]", "")
    with pytest.raises(DataError) as info:
        import_csv(source, write(tmp_path, "te.yaml", mapping), tmp_path / "out")
    # the two rows without a name, after hundreds of multi-line cells: record numbers are not lines
    lines = [physical_line(source, "\n,2.2.5alter,"), physical_line(source, "\n,2.2.6alter,")]
    assert [(p.line, p.message) for p in info.value.problems] == [
        (lines[0], "column 'Nom': empty, and an issue needs a label"),
        (lines[1], "column 'Nom': empty, and an issue needs a label"),
    ]
    assert lines == [1374, 1404]
    assert not (tmp_path / "out").exists()


@needs_ademe
def test_ademe_te_lattice_of_axes_and_themes(tmp_path: Path):
    report = import_csv(ADEME / "referentiel-te-structure.csv", EXAMPLES / "ademe-te-mapping.yaml", tmp_path)
    # 6 axes + 9 planning themes; 663 rows - 6 axes - 2 skipped = 655 issues
    assert report.counts == {"rows": 663, "families": 15, "issues": 655}
    assert report.notes == ("2 rows skipped (empty label): lines 1374, 1404",)
    doc = parse_yaml((tmp_path / "thesaurus" / "ademe-te.yaml").read_text(), "x.yaml")
    two_parents = [i for i in doc["issues"] if len(i["broader"]) > 1]
    assert len(two_parents) == 125  # the 125 rows with a thematiqueSGPE
    diagnosis = next(i for i in doc["issues"] if i["id"] == "te-1-1-1")
    assert diagnosis["broader"] == ["te-1-1", "theme-mieux-planifier"]
    assert load_atlas(tmp_path, shacl="off").problems == []
