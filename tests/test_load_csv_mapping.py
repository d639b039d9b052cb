"""The mapping files of ``atlas import csv``: what they may say, and every problem with its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from atlas.errors import DataError
from atlas.load.csv_mapping import parse_mapping, read_mapping
from tests.conftest import ROOT

EXPERIENCES = """kind: experience
language: fr
columns:
  title: {fr: Titre, en: Title}
  territory: Territoire
  start: Début
  issues: Enjeux
  sources: Sources
separators: {sources: "\\n"}
values:
  territory: {Le Mené: le-mene}
defaults: {collection: citego}
tags:
  - {column: Thème, field: issues, separator: ",", values: {Éducation: education}}
"""


def test_a_full_experience_mapping():
    m = parse_mapping(EXPERIENCES, "m.yaml")
    assert m.kind == "experience" and m.language == "fr"
    assert m.columns["title"] == {"fr": "Titre", "en": "Title"} and m.columns["start"] == {"": "Début"}
    assert m.separator("sources") == "\n" and m.separator("issues") == ";"
    assert m.values == {"territory": {"Le Mené": "le-mene"}} and m.defaults == {"collection": "citego"}
    assert m.tags[0].column == "Thème" and m.tags[0].values == {"Éducation": "education"}
    # by field name (issues, sources, start, territory, title en/fr), then tag columns
    assert m.used_columns() == ["Enjeux", "Sources", "Début", "Territoire", "Title", "Titre", "Thème"]


@pytest.mark.parametrize(("text", "message"), [
    ("kind: issues\ncolumns: {label: Nom}\n", "m.yaml:1: 'kind' must be experience or issue, not 'issues'"),
    ("kind: issue\ncolumns: {label: Nom}\ncolums: {}\n", "m.yaml:3: unknown field 'colums' in a mapping "
                                                         "(did you mean 'columns'?)"),
    ("kind: issue\ncolumns:\n  label: Nom\n  titel: X\n", "m.yaml:4: unknown field 'titel' for an issue"),
    ("kind: issue\ncolumns: {definition: Def}\n", "m.yaml:2: an issue needs 'label': give its column"),
    ("kind: experience\ncolumns: {title: T, territory: X, start: S, issues: I}\n",
     "m.yaml:2: an experience needs 'sources'"),
    ("kind: issue\ncolumns: {label: Nom}\ndelimiter: ';;'\n", "m.yaml:3: 'delimiter' must be one character"),
    ("kind: issue\ncolumns: {label: Nom}\nseparators: {label: ','}\n",
     "m.yaml:3: 'label' is not a list field: it has no separator"),
    ("kind: issue\ncolumns: {label: {French: Nom}}\n", "m.yaml:2: columns of 'label' by language"),
    ("kind: issue\ncolumns: {label: Nom}\nvalues: {broader: {A: Not A Slug}}\n",
     "m.yaml:3: 'values' of 'broader' must map cell values to slugs"),
    ("kind: experience\ncolumns: {title: T, territory: X, start: S, issues: I, sources: U}\nhierarchy: {column: I}\n",
     "m.yaml:3: 'hierarchy' is for issue imports"),
    ("kind: issue\ncolumns: {label: Nom}\nroots: [Top Level]\n", "m.yaml:3: 'roots' must be 'family' or slugs"),
    ("kind: issue\ncolumns: {label: Nom}\nslug: {from: name}\n", "m.yaml:3: 'from' must be id, label or title"),
    ("kind: issue\ncolumns: {label: Nom}\ntags: [{column: T, field: issues}]\n",
     "m.yaml:3: a tag adds to one of broader, related, not 'issues'"),
    ("kind: issue\ncolumns: {label: Nom}\ntags: [{column: T, field: related, create: family}]\n",
     "m.yaml:3: 'create: family' is for issue imports with 'field: broader'"),
    ("kind: issue\ncolumns: {label: Nom}\noutput: ../outside.yaml\n", "m.yaml:3: 'output' must be a path inside"),
    ("kind: issue\ncolumns: {label: Nom}\natlas: {base: ftp://x/}\n", "m.yaml:3: 'base' must be an http(s) IRI"),
    ("kind: issue\ncolumns: {label: Nom}\nskip_if_empty: [nom]\n",
     "m.yaml:3: 'skip_if_empty' names an unknown field 'nom'"),
    ("kind: issue\ncolumns: &c {label: Nom}\n", "m.yaml:2: anchors are not allowed"),
    ("- kind\n", "m.yaml:1: a mapping file is a YAML mapping"),
])
def test_mapping_problems_name_their_line(text, message):
    with pytest.raises(DataError, match="^" + re.escape(message)):
        parse_mapping(text, "m.yaml")


def test_every_problem_is_reported_at_once():
    with pytest.raises(DataError) as info:
        parse_mapping("kind: issue\ncolumns: {lable: Nom}\ndelimiter: ';;'\n", "m.yaml")
    assert [p.line for p in info.value.problems] == [2, 2, 3]  # unknown field, missing label, delimiter


@pytest.mark.parametrize("name", ["ademe-cae-mapping.yaml", "ademe-eci-mapping.yaml", "ademe-te-mapping.yaml"])
def test_example_mappings_are_valid(name):
    m = read_mapping(ROOT / "docs" / "examples" / name)
    assert m.kind == "issue" and m.hierarchy is not None and m.atlas["languages"] == ("fr",)


def test_unreadable_mapping(tmp_path: Path):
    with pytest.raises(DataError, match=r"nope.yaml:0: cannot read"):
        read_mapping(tmp_path / "nope.yaml")
