"""Reading SKOS thesauri safely: formats, normalisation, refused XML, errors with their line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from atlas.errors import DataError
from atlas.load.skos import check_xml, format_of, parse_skos, read_skos
from tests.conftest import TESTS

SKOS_DIR = TESTS / "data" / "skos"
T = "https://thesaurus.example.org/territory/"
RDF_HEAD = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:skos="http://www.w3.org/2004/02/skos/core#">\n')


def rdfxml(body: str, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    return (prolog + RDF_HEAD + body + "</rdf:RDF>\n").encode("utf-8")


@pytest.fixture(params=["territory.ttl", "territory.rdf"])
def thesaurus(request):
    return read_skos(SKOS_DIR / request.param)


def test_turtle_and_rdfxml_read_the_same():
    a, b = read_skos(SKOS_DIR / "territory.ttl"), read_skos(SKOS_DIR / "territory.rdf")
    assert a.concepts == b.concepts and a.schemes == b.schemes


def test_polyhierarchy_with_narrower_read_as_broader(thesaurus):
    c = thesaurus.concepts
    assert c[T + "energy"].broader == {T + "environment", T + "economy"}  # one broader, one narrower
    assert c[T + "renovation"].broader == {T + "energy", T + "housing"}
    assert c[T + "environment"].broader == set() and c[T + "economy"].broader == set()


def test_related_is_symmetric(thesaurus):
    c = thesaurus.concepts
    assert c[T + "water"].related == {T + "energy"} and c[T + "energy"].related == {T + "water"}
    assert c[T + "savings"].related == {T + "renovation"} and c[T + "renovation"].related == {T + "savings"}


def test_labels_definitions_notations_in_every_language(thesaurus):
    r = thesaurus.concepts[T + "renovation"]
    assert r.pref == {"de": "Energetische Gebäudesanierung", "en": "Energy renovation of housing",
                      "fr": "Rénovation énergétique des logements"}
    assert r.alt == {"en": ["Thermal retrofit"], "fr": ["Isolation des logements"]}
    assert r.definition["fr"] == ["Travaux qui réduisent l'énergie dont un logement a besoin."]
    assert r.notations == ["1.1.1"]
    # 7 concepts, each labelled in de, en, fr: ties ordered by tag
    assert thesaurus.languages() == ["de", "en", "fr"]


def test_scheme_top_concepts_both_directions(thesaurus):
    scheme = thesaurus.schemes[T + "scheme"]
    assert scheme.top == {T + "environment", T + "economy"}  # hasTopConcept and topConceptOf
    assert scheme.labels["fr"] == "Thésaurus du territoire"
    assert scheme.licences == ["https://creativecommons.org/licenses/by/4.0/"]
    assert T + "scheme" not in thesaurus.concepts


TWO_SCHEMES = b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix e: <https://e.org/> .
e:s1 skos:hasTopConcept e:a . e:s2 skos:hasTopConcept e:x .
e:a skos:prefLabel "A"@en . e:b skos:prefLabel "B"@en ; skos:broader e:a .
e:c skos:prefLabel "C"@en ; skos:broader e:b , e:x .
e:x skos:prefLabel "X"@en ; skos:inScheme e:s2 .
"""


def test_scheme_option_keeps_one_scheme_and_what_is_below_its_top_concepts():
    t = parse_skos(TWO_SCHEMES, "turtle", "two.ttl", scheme="https://e.org/s1")
    assert sorted(t.concepts) == ["https://e.org/a", "https://e.org/b", "https://e.org/c"]
    assert t.concepts["https://e.org/c"].broader == {"https://e.org/b"}  # the link to s2's x is left out
    assert t.notes == ["1 broader links to concepts outside the import were left out"]
    with pytest.raises(DataError, match=r"two.ttl:0: no concept scheme <https://e.org/nope> in the file"):
        parse_skos(TWO_SCHEMES, "turtle", "two.ttl", scheme="https://e.org/nope")


def test_duplicate_preferred_labels_and_untagged_labels():
    t = parse_skos(b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    <https://e.org/a> a skos:Concept ; skos:prefLabel "Zeta"@en, "Alpha"@en, "  Plain   label  " .""",
                   "turtle", "t.ttl")
    a = t.concepts["https://e.org/a"]
    assert a.pref == {"": "Plain label", "en": "Alpha"} and a.alt == {"en": ["Zeta"]}


def test_skos_xl_labels():
    t = parse_skos(b"""@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    @prefix xl: <http://www.w3.org/2008/05/skos-xl#> .
    <https://e.org/a> a skos:Concept ; xl:prefLabel [ xl:literalForm "Water"@en ] ;
        xl:altLabel <https://e.org/label/2> .
    <https://e.org/label/2> xl:literalForm "Aqua"@en .""", "turtle", "t.ttl")
    assert t.concepts["https://e.org/a"].pref == {"en": "Water"}
    assert t.concepts["https://e.org/a"].alt == {"en": ["Aqua"]}


# ---------------------------------------------------------------- refused and malformed input

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
"""
XXE = '<?xml version="1.0"?>\n\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize(("prolog", "line", "what"), [
    (BILLION_LAUGHS, 2, "DOCTYPE"),
    (XXE, 3, "DOCTYPE"),
    ('<?xml version="1.0"?>\n<!doctype rdf:RDF>\n', 2, "DOCTYPE"),  # any case
    ('<?xml version="1.0"?>\n<!-- a comment -->\n<!ENTITY x "y">\n', 3, "ENTITY"),
])
def test_dtd_and_entity_declarations_are_refused(prolog, line, what):
    data = rdfxml('<skos:Concept rdf:about="https://e.org/a"/>\n', prolog=prolog)
    with pytest.raises(DataError, match=rf"^big.rdf:{line}: {what} declarations are refused"):
        parse_skos(data, "rdfxml", "big.rdf")


def test_declarations_inside_comments_and_cdata_are_text():
    data = rdfxml('<!-- <!DOCTYPE x> <!ENTITY y "z"> -->\n<skos:Concept rdf:about="https://e.org/a">\n'
                  '<skos:definition><![CDATA[ <!ENTITY e "not markup"> ]]></skos:definition>\n'
                  "</skos:Concept>\n")
    t = parse_skos(data, "rdfxml", "ok.rdf")
    assert t.concepts["https://e.org/a"].definition == {"": ['<!ENTITY e "not markup">']}


@pytest.mark.parametrize(("data", "message"), [
    ("\ufeff<a/>".encode("utf-16"), r"x.rdf:1: RDF/XML must be encoded in UTF-8"),
    (b'<?xml version="1.0" encoding="ISO-8859-1"?>\n<a/>', r"x.rdf:1: .*encoding 'ISO-8859-1': only UTF-8"),
    (b"<a>\n\n<b>caf\xe9</b></a>", r"x.rdf:3: invalid UTF-8"),
    (rdfxml('<skos:Concept rdf:about="https://e.org/a">\n<skos:prefLabel>x</skos:prefLabl>\n</skos:Concept>\n'),
     r"x.rdf:4: invalid XML: mismatched tag"),
    (rdfxml('<skos:Concept rdf:about="https://e.org/a"/>\n<skos:Concept rdf:about="https://e.org/b c"/>\n'),
     r"x.rdf:4: invalid rdfxml: .*'https://e.org/b c'"),
])
def test_bad_rdfxml_names_its_line(data, message):
    with pytest.raises(DataError, match=message):
        parse_skos(data, "rdfxml", "x.rdf")


def test_bad_turtle_names_its_line():
    with pytest.raises(DataError, match=r"^x.ttl:3: invalid turtle: "):
        parse_skos(b"@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n<https://e.org/a> skos:broader .\n",
                   "turtle", "x.ttl")


def test_no_concepts_is_an_error():
    with pytest.raises(DataError, match=r"x.nt:0: no SKOS concept found"):
        parse_skos(b"<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n", "ntriples", "x.nt")


def test_format_from_extension_or_option(tmp_path: Path):
    assert format_of("a.owl") == "rdfxml" and format_of("a.nt") == "ntriples" and format_of("a.x", "turtle")
    with pytest.raises(DataError, match=r"cannot tell the format from the extension '.csv'"):
        format_of("a.csv")
    with pytest.raises(DataError, match=r"unknown format 'n3'"):
        format_of("a.ttl", "n3")
    (tmp_path / "empty.ttl").write_text("  \n")
    with pytest.raises(DataError, match=r"empty.ttl:1: empty file"):
        read_skos(tmp_path / "empty.ttl")


def test_check_xml_accepts_plain_documents():
    check_xml(b'<?xml version="1.0" encoding="utf-8"?><a><b>caf\xc3\xa9</b></a>', "x.rdf")


# ---------------------------------------------------------------- a thesaurus of realistic size

def big_rdfxml(n: int) -> bytes:
    """``n`` concepts in ten families, each under its family and, for one in three, a second parent."""
    parts = []
    for i in range(n):
        parents = [f"c{i // 10}"] if i >= 10 else []
        if i >= 30 and i % 3 == 0:
            parents.append(f"c{i // 10 - 1}")
        broader = "".join(f'<skos:broader rdf:resource="https://big.example.org/c{p[1:]}"/>' for p in parents)
        parts.append(f'<skos:Concept rdf:about="https://big.example.org/c{i}">'
                     f'<skos:prefLabel xml:lang="en">Concept {i}</skos:prefLabel>'
                     f'<skos:prefLabel xml:lang="fr">Concept numéro {i}</skos:prefLabel>{broader}</skos:Concept>\n')
    return rdfxml("".join(parts))


def test_thousands_of_concepts_read_quickly():
    data = big_rdfxml(5000)
    start = time.perf_counter()
    t = parse_skos(data, "rdfxml", "big.rdf")
    elapsed = time.perf_counter() - start
    assert len(t.concepts) == 5000
    assert t.concepts["https://big.example.org/c999"].broader == {"https://big.example.org/c99",
                                                                  "https://big.example.org/c98"}
    assert elapsed < 5  # about 0.2 s here
