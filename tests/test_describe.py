"""Statistics, a record's statements with their source file, and text search."""

from atlas.describe import atlas_stats, describe_record, search_records
from tests.conftest import iri


def test_stats(mini_store, mini_corpus):
    s = atlas_stats(mini_store, mini_corpus)
    assert s["experiences"] == 3 and s["issues"] == 7 and s["issue families"] == 4 and s["lessons"] == 2
    assert s["issue assignments"] == 9 and s["related pairs"] == 1 and s["source files"] == 8
    assert s["triples"] == 186


def test_describe_record_names_the_file(mini_store):
    rows = describe_record(mini_store, iri("territory", "le-mene"))
    population = [r for r in rows if r.predicate.endswith("#population")]
    assert [(r.value, r.graph) for r in population] == [("6500", "https://example.org/mini/source/territories.yaml")]
    assert any(r.is_iri and r.value.endswith("/milestone/1") for r in rows)
    assert describe_record(mini_store, "https://example.org/nothing") == []


def test_search_ignores_accents_and_case_and_ranks_labels_first(mini_store, mini_corpus):
    hits = search_records(mini_store, mini_corpus, "BIODIVERSITE")
    assert [(h.kind, h.field) for h in hits] == [("issue", "prefLabel")]
    narrative = search_records(mini_store, mini_corpus, "147 local households")
    assert [h.iri for h in narrative] == [iri("experience", "le-mene-citizen-wind-farm")]
    assert narrative[0].field == "narrative" and "147 local" in narrative[0].excerpt
    assert search_records(mini_store, mini_corpus, "   ") == []
