"""Aligning an atlas's issues to a SKOS thesaurus: scores, matches, the file build loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas.build import build_atlas, load_atlas
from atlas.errors import DataError
from atlas.load.skos_align import align_labels, align_skos, label_score, read_atlas_labels
from atlas.store import open_store
from tests.conftest import MINI, MINI_BASE, TESTS

SKOS_DIR = TESTS / "data" / "skos"
T = "https://thesaurus.example.org/territory/"


@pytest.mark.parametrize(("a", "b", "score"), [
    ("Énergie", "energie", 1.0),
    ("Rénovation énergétique des logements", "Rénovation énergétique", 0.8),  # 2*2/(3+2)
    ("Local savings", "Savings, local", 1.0),
    ("Pesticides", "Pesticide use", 2 * 1 / 3),  # pesticide = pesticide (final s dropped)
    ("Organic farming", "Organic agriculture", 0.5),  # 2*1/4
    ("Water", "Energy", 0.0),
    ("of the", "Water", 0.0),  # stop words only: no content word
])
def test_label_score(a, b, score):
    assert label_score(a, b) == pytest.approx(score)


def test_spelt_alike_words_count_as_one():
    # organisation / organization: 2*11/(12+12) = 0.92 >= 0.85
    assert label_score("Urban organisation", "Urban organization") == 1.0
    # energie / energy: 2*5/(7+6) = 0.77 < 0.85, so only "renewable" is shared: 2*1/4
    assert label_score("Renewable energies", "Renewable energy") == 0.5


def test_exact_matches_win_and_need_the_same_language():
    ours = {"o:water": {"en": ["Water"], "fr": ["Eau"]}, "o:eau-fr-only": {"fr": ["Transport"]}}
    theirs = {"t:1": {"en": ["WATER"]}, "t:2": {"fr": ["Eau"]}, "t:3": {"en": ["Water quality"]},
              "t:4": {"en": ["Transport"]}, "t:5": {"": ["transport"]}}
    got = [(m.ours, m.relation, m.theirs) for m in align_labels(ours, theirs)]
    # t:4 is English, o:eau-fr-only French: no match; t:5 has no language: matches any
    assert got == [("o:eau-fr-only", "exactMatch", "t:5"), ("o:water", "exactMatch", "t:1"),
                   ("o:water", "exactMatch", "t:2")]


def test_close_matches_keep_the_best_above_the_threshold():
    ours = {"o:reno": {"en": ["Energy renovation of housing"]}}
    theirs = {"t:a": {"en": ["Energy renovation"]}, "t:b": {"en": ["Housing energy renovation works"]},
              "t:c": {"en": ["Energy"]}}
    # a: 2*2/(3+2) = 0.8; b: 2*3/(3+4) = 0.857; c: 2*1/(3+1) = 0.5
    matches = align_labels(ours, theirs)
    assert [(m.theirs, m.score) for m in matches] == [("t:b", 0.8571)]
    assert align_labels(ours, theirs, threshold=0.9) == []


def test_read_atlas_labels_gives_preferred_then_alternative_labels(mini_dir: Path):
    labels = read_atlas_labels(mini_dir)
    assert labels[MINI_BASE + "issue/biodiversity"] == {"en": ["Biodiversity"], "fr": ["Biodiversité"]}
    assert MINI_BASE + "issue/economy" in labels  # families too
    assert all("/issue/" in iri for iri in labels)


def test_read_atlas_labels_refuses_a_broken_atlas(mini_dir: Path):
    (mini_dir / "bad.yaml").write_text("issues:\n  - id: x\n    label: X\n    broader: [nowhere]\n")
    with pytest.raises(DataError, match=r"bad.yaml:4: unknown issue or family 'nowhere'"):
        read_atlas_labels(mini_dir)


def test_align_writes_a_turtle_file_that_build_loads(mini_dir: Path):
    report = align_skos(SKOS_DIR / "territory.rdf", mini_dir)
    assert report.written == ("thesaurus/territory-alignment.ttl",)
    text = (mini_dir / "thesaurus" / "territory-alignment.ttl").read_text()
    # mini labels: Énergie/Energy, Épargne locale/Local savings, Biodiversité… vs the thesaurus
    assert f"<{MINI_BASE}issue/energy> skos:exactMatch <{T}energy> ." in text
    assert f"<{MINI_BASE}issue/local-savings> skos:exactMatch <{T}savings> ." in text
    # "Economy and territory" vs "Economy": 2*1/(2+1) = 0.67 < 0.75: no match
    assert "issue/economy> skos:" not in text
    assert report.counts["exact"] == 2
    result = load_atlas(mini_dir, shacl="on")
    assert result.problems == [] and result.warnings == []
    store = open_store(memory=True)
    build_atlas(mini_dir, store)
    rows = store.select("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                        "SELECT ?a ?b WHERE { ?a skos:exactMatch ?b } ORDER BY ?a")
    assert rows == [(MINI_BASE + "issue/energy", T + "energy"), (MINI_BASE + "issue/local-savings", T + "savings")]


def test_align_again_gives_the_same_file(mini_dir: Path):
    align_skos(SKOS_DIR / "territory.ttl", mini_dir)
    first = (mini_dir / "thesaurus" / "territory-alignment.ttl").read_bytes()
    align_skos(SKOS_DIR / "territory.ttl", mini_dir)
    assert (mini_dir / "thesaurus" / "territory-alignment.ttl").read_bytes() == first


def test_align_refuses_a_bad_threshold():
    with pytest.raises(DataError, match=r"--threshold:0: must lie in \(0, 1\]"):
        align_skos(SKOS_DIR / "territory.ttl", MINI, threshold=1.5)
