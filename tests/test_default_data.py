"""Acceptance of the bundled atlas (``data/``): it validates cleanly and holds what the issue asks for."""

from __future__ import annotations

from collections import Counter

import pytest

from atlas.build import build_atlas
from atlas.graph import read_corpus
from atlas.resources import default_data_dir
from atlas.store import open_store

DATA = default_data_dir()
BASE = "https://w3id.org/relational-atlas/atlas/"
FOUNDING = ("loos-en-gohelle", "grande-synthe", "le-mene", "malaunay")
MISSION_ISSUES = ("energy-efficiency-of-housing-stock", "agri-food-system", "mobilisation-of-local-savings",
                  "education", "biodiversity")
PRINCIPLES = ("conditions-of-engagement", "act-in-cooperation", "act-systemically", "evaluate-value-created")
FAMILIES = ("society", "economy", "ecosystems", "equipment-and-networks", "cultural-and-intangible-capital",
            "organisation-of-space", "flows")


@pytest.fixture(scope="module")
def built():
    """The default atlas built once, with full SHACL validation: (load result, store, corpus)."""
    loaded = []
    store = open_store(memory=True)
    build_atlas(DATA, store, shacl="on", on_loaded=loaded.append)
    return loaded[0], store, read_corpus(store)


def slug(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_validates_with_zero_problems_and_zero_warnings(built):
    result, _, _ = built
    assert result.problems == [] and result.warnings == []
    assert result.shacl_skipped == 0  # every statement went through SHACL


def test_readme_exists():
    assert (DATA / "README.md").is_file()


def test_experiences_and_territories(built):
    _, _, corpus = built
    assert len(corpus.experiences) >= 60
    assert len(set(corpus.experience_territory.values())) >= 25
    per_territory = Counter(slug(t) for t in corpus.experience_territory.values())
    for territory in FOUNDING:
        assert per_territory[territory] >= 6, territory


def test_every_experience_is_complete(built):
    _, store, corpus = built
    sources: dict[str, list[str]] = {}
    for e, s in store.select("PREFIX atlas: <https://w3id.org/relational-atlas/ns#> "
                             "PREFIX dcterms: <http://purl.org/dc/terms/> "
                             "SELECT ?e ?s WHERE { ?e a atlas:Experience ; dcterms:source ?s }"):
        sources.setdefault(e, []).append(s)
    issues_per_row = corpus.incidence.sum(axis=1).A1
    for row, e in enumerate(corpus.experiences):
        assert e in corpus.experience_territory, e
        assert corpus.experience_years[e][0] is not None, e
        assert 3 <= issues_per_row[row] <= 8, (e, issues_per_row[row])
        assert any(s.startswith(("http://", "https://")) for s in sources.get(e, [])), e


def test_thesaurus_size_and_shape(built):
    _, _, corpus = built
    assert len(corpus.issues) >= 150
    assert {slug(f) for f in corpus.families} == set(FAMILIES)
    families = set(corpus.families)

    def reaches_family(issue: str) -> bool:
        seen, todo = set(), [issue]
        while todo:
            x = todo.pop()
            if x in families:
                return True
            if x not in seen:
                seen.add(x)
                todo.extend(corpus.broader.get(x, ()))
        return False

    assert [i for i in corpus.issues if not reaches_family(i)] == []
    related = {x for pair in corpus.related for x in pair}
    lattice = [i for i in corpus.issues if len(corpus.broader.get(i, ())) > 1 or i in related]
    assert len(lattice) >= 40


def test_named_issues_and_principles_exist(built):
    _, _, corpus = built
    for issue in MISSION_ISSUES:
        assert corpus.kinds.get(f"{BASE}issue/{issue}") == "issue", issue
    for principle in PRINCIPLES:
        iri = f"{BASE}principle/{principle}"
        assert corpus.kinds.get(iri) == "principle" and not corpus.principle_broader.get(iri), principle
    top = [p for p, k in corpus.kinds.items() if k == "principle" and not corpus.principle_broader.get(p)]
    assert len(top) == 4
