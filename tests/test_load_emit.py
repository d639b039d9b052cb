"""Writing generated source files: slugs, YAML scalars, guarded atomic writes."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.errors import DataError
from atlas.load.emit import (
    MARKER,
    first_comment,
    read_target,
    slugify,
    unique_slugs,
    write_sources,
    yaml_flow,
    yaml_string,
)
from atlas.load.yamlfile import parse_yaml
from atlas.vocab import SLUG_RE


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_yaml_string_reads_back_unchanged(text):
    # surrogates cannot be written as UTF-8 at all; everything else must survive the strict reader
    text = "".join(c for c in text if not 0xD800 <= ord(c) <= 0xDFFF)
    doc = parse_yaml(f"key: {yaml_string(text)}\n", "t.yaml")
    assert doc["key"] == text


@pytest.mark.parametrize("text", ["NO", "012", "null", "~", "", "- a", "a: b", "#x", "&a", "*a", "!!int 3",
                                  "\x85", "\u2028", "\ufeff", "tab\there", "é\nè"])
def test_yaml_string_keeps_tricky_values(text):
    assert parse_yaml(f"k: {yaml_string(text)}\n", "t.yaml")["k"] == text


def test_yaml_flow_nested_is_read_back():
    value = {"fr": ["Énergie", "NO"], "en": "yes"}
    doc = parse_yaml(f"k: {yaml_flow(value)}\n", "t.yaml")
    assert doc["k"] == {"en": "yes", "fr": ["Énergie", "NO"]}


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_slugify_gives_a_slug_or_nothing(text):
    slug = slugify(text)
    assert slug == "" or (SLUG_RE.fullmatch(slug) and len(slug) <= 60)


@pytest.mark.parametrize(("text", "slug"), [
    ("Cœur de ville", "coeur-de-ville"),
    ("Économie sociale et solidaire", "economie-sociale-et-solidaire"),
    ("  --Eau--  ", "eau"),
    ("Straße", "strasse"),
    ("Κλίμα", ""),
])
def test_slugify(text, slug):
    assert slugify(text) == slug


def test_slugify_cuts_at_a_word_boundary():
    assert slugify("word " * 30) == "-".join(["word"] * 12)  # 12 words = 59 characters <= 60


def test_unique_slugs_do_not_depend_on_input_order():
    pairs = [("x3", "a"), ("x1", "a"), ("x2", "a-2"), ("x4", "b")]
    # x1 < x3 get "a", then "a-2" is wished by x2, so x3 skips it: a-3
    assert unique_slugs(pairs) == {"x1": "a", "x2": "a-2", "x3": "a-3", "x4": "b"}
    assert unique_slugs(list(reversed(pairs))) == unique_slugs(pairs)


def test_first_comment_reads_front_matter():
    assert first_comment(b"---\n# Imported by x\n---\n") == "# Imported by x"
    assert first_comment(b"# top\nrest") == "# top"


def test_write_sources_refuses_hand_written_files(tmp_path: Path):
    (tmp_path / "thesaurus").mkdir()
    (tmp_path / "thesaurus" / "x.yaml").write_text("issues: []\n")
    with pytest.raises(DataError, match=r"x.yaml:1: exists and was not written by an import"):
        write_sources(tmp_path, {"thesaurus/new.yaml": b"# new\n", "thesaurus/x.yaml": f"{MARKER}\n".encode()})
    assert not (tmp_path / "thesaurus" / "new.yaml").exists()  # nothing written


def test_write_sources_overwrites_generated_files(tmp_path: Path):
    write_sources(tmp_path, {"a/b.yaml": f"{MARKER} one\n".encode()})
    write_sources(tmp_path, {"a/b.yaml": f"{MARKER} two\n".encode()})
    assert (tmp_path / "a" / "b.yaml").read_text() == f"{MARKER} two\n"
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.yaml"]  # no temporary file left


def test_read_target_lists_slugs_of_other_files(mini_dir: Path):
    (mini_dir / "thesaurus-import.yaml").write_text("# mine\nissues: []\n")
    target = read_target(mini_dir, "# mine")
    assert "biodiversity" in target.taken["issue"] and "economy" in target.taken["issue"]
    assert target.previous == ("thesaurus-import.yaml",)
    assert read_target(mini_dir / "nowhere", "# mine").config is None
