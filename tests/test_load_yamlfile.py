"""Strict YAML: values kept as written, lines remembered, dangerous constructs refused."""

import pytest

from atlas.errors import DataError
from atlas.load.yamlfile import YList, YMap, parse_yaml


def test_values_are_kept_as_written():
    doc = parse_yaml("a: NO\nb: 012\nc: yes\nd: 1.50\ne: ~\nf:\ng: '~'\n", "x.yaml")
    assert doc == {"a": "NO", "b": "012", "c": "yes", "d": "1.50", "e": None, "f": None, "g": "~"}


def test_lines_of_keys_and_items():
    doc = parse_yaml("first: 1\nlist:\n  - a\n  - b: 2\n", "x.yaml")
    assert isinstance(doc, YMap) and isinstance(doc["list"], YList)
    assert doc.line_of("first") == 1 and doc.line_of("list") == 2
    assert doc["list"].item_lines == [3, 4]
    assert doc["list"][1].line_of("b") == 4


def test_first_line_offsets_front_matter():
    doc = parse_yaml("a: 1\nb: 2\n", "e.md", first_line=2)
    assert doc.line_of("b") == 3


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", "x.yaml:3: duplicate key 'a' (first at line 1)"),
        ("a: &x 1\n", "x.yaml:1: anchors are not allowed (&x)"),
        ("a: [1]\nb: *x\n", "x.yaml:2: aliases are not allowed (*x)"),
        ("a: !!python/object/apply:os.system [ls]\n", "x.yaml:1: explicit tags are not allowed"),
        ("a: !!int 3\n", "x.yaml:1: explicit tags are not allowed (tag:yaml.org,2002:int)"),
        ("a: [1, 2\n", "x.yaml:2: invalid YAML"),
        ("a: 1\n---\nb: 2\n", "x.yaml:2: only one YAML document is allowed per file"),
    ],
)
def test_refused(text, message):
    with pytest.raises(DataError) as err:
        parse_yaml(text, "x.yaml")
    assert str(err.value).startswith(message)


def test_every_problem_is_reported():
    with pytest.raises(DataError) as err:
        parse_yaml("a: &x 1\nb: 1\nb: 2\n", "x.yaml")
    assert [p.line for p in err.value.problems] == [1, 3]


def test_alias_after_anchor_both_reported():
    with pytest.raises(DataError) as err:
        parse_yaml("a: &x 1\nb: *x\n", "x.yaml")
    assert str(err.value) == "x.yaml:1: anchors are not allowed (&x)\nx.yaml:2: aliases are not allowed (*x)"
