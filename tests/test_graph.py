"""The corpus extracted from a store, its on-disk cache, and the NetworkX projection."""

from __future__ import annotations

from atlas.build import build_atlas
from atlas.graph import atlas_graph, extract_corpus, read_corpus
from atlas.store import open_store
from tests.conftest import MINI, iri


def test_corpus_of_the_mini_atlas(mini_corpus):
    c = mini_corpus
    assert [e.rsplit("/", 1)[1] for e in c.experiences] == [
        "grande-synthe-organic-canteens", "le-mene-citizen-wind-farm", "mouans-sartoux-organic-canteens"]
    assert len(c.issues) == 7 and len(c.families) == 4
    # rows: experiences, columns: issues, both sorted
    row = c.experiences.index(iri("experience", "le-mene-citizen-wind-farm"))
    tagged = {c.issues[j].rsplit("/", 1)[1] for j in c.incidence[row].indices}
    assert tagged == {"citizen-renewable-energy", "local-savings", "energy"}
    assert c.broader[iri("issue", "school-canteens")] == (iri("issue", "education"), iri("issue", "food-system"))
    assert c.related == ((iri("issue", "biodiversity"), iri("issue", "food-system")),)
    assert c.labels[iri("issue", "biodiversity")] == {"en": "Biodiversity", "fr": "Biodiversité"}
    assert c.family_colours[iri("family", "economy")] == "#E69F00"
    assert c.experience_years[iri("experience", "le-mene-citizen-wind-farm")] == (2012, 2013)
    assert c.experience_years[iri("experience", "mouans-sartoux-organic-canteens")] == (1999, None)
    assert c.experience_principles[iri("experience", "le-mene-citizen-wind-farm")] == (
        iri("principle", "conditions-of-engagement"),)
    assert c.experience_actors[iri("experience", "le-mene-citizen-wind-farm")] == (iri("actor", "citeol"),)
    t = c.territories[iri("territory", "le-mene")]
    assert (t.type, t.level, t.population, t.region, t.country) == ("rural", "municipality", 6500, "Bretagne", "FR")
    assert c.actor_types[iri("actor", "citeol")] == "company"
    assert [(les.scope, les.principles) for les in c.lessons] == [
        ("structural", (iri("principle", "conditions-of-engagement"),)), ("circumstantial", ())]
    assert c.kinds[iri("collection", "citego")] == "collection"


def test_corpus_cache_is_keyed_by_content(tmp_path, mini_dir):
    store = open_store(tmp_path / "s", read_only=False, create=True)
    build_atlas(mini_dir, store)
    first = read_corpus(store)
    assert list(tmp_path.glob("s/corpus-*.pickle"))
    again = read_corpus(open_store(tmp_path / "s"))
    assert again.experiences == first.experiences and again.content_hash == first.content_hash
    (mini_dir / "experiences" / "grande-synthe-organic-canteens.md").unlink()
    build_atlas(mini_dir, store)
    changed = read_corpus(open_store(tmp_path / "s"))
    assert len(changed.experiences) == 2 and changed.content_hash != first.content_hash
    assert len(list(tmp_path.glob("s/corpus-*.pickle"))) == 1


def test_extract_is_deterministic():
    a, b = open_store(memory=True), open_store(memory=True)
    build_atlas(MINI, a)
    build_atlas(MINI, b)
    ca, cb = extract_corpus(a), extract_corpus(b)
    assert ca.experiences == cb.experiences and ca.labels == cb.labels and ca.lessons == cb.lessons
    assert (ca.incidence != cb.incidence).nnz == 0


def test_atlas_graph(mini_corpus):
    g = atlas_graph(mini_corpus)
    exp = iri("experience", "le-mene-citizen-wind-farm")
    relations = sorted((g.nodes[n]["kind"], d["relation"]) for n, d in g[exp].items())
    assert relations == [("actor", "involves"), ("issue", "addresses"), ("issue", "addresses"),
                         ("issue", "addresses"), ("principle", "illustrates"), ("territory", "located")]
    only = atlas_graph(mini_corpus, kinds=["issue", "family"])
    assert {d["kind"] for _, d in only.nodes(data=True)} == {"issue", "family"}
    assert only.number_of_edges() == 11  # 10 broader edges + 1 related


def test_cached_corpus_reads_large_fields_on_first_use(tmp_path, mini_dir):
    import pickle

    store = open_store(tmp_path / "s", read_only=False, create=True)
    build_atlas(mini_dir, store)
    fresh = read_corpus(store)  # extracts and writes the cache
    cached = read_corpus(open_store(tmp_path / "s"))
    assert "labels" not in vars(cached) and "lessons" not in vars(cached)
    assert cached.labels == fresh.labels and cached.lessons == fresh.lessons
    assert "labels" in vars(cached)
    for name in ("kinds", "territories", "experience_years", "experience_actors", "communities", "broader"):
        assert getattr(cached, name) == getattr(fresh, name), name
    plain = pickle.loads(pickle.dumps(cached))
    assert type(plain).__name__ == "Corpus" and plain.experience_territory == fresh.experience_territory


def test_derived_values_persist_beside_the_store(tmp_path, mini_dir):
    from atlas.analysis.cases import case_index
    from atlas.analysis.cooccurrence import cooccurrence
    from atlas.analysis.memo import memoised

    store = open_store(tmp_path / "s", read_only=False, create=True)
    build_atlas(mini_dir, store)
    first = read_corpus(store)
    counts = cooccurrence(first).counts.toarray()
    case_index(first)  # holds the corpus's hierarchy, not the corpus: persisted too
    memoised(first, "holds the corpus", lambda: {"corpus": first})  # never saved a second time
    derived = first.derived_cache.directory
    assert derived.parent == tmp_path / "s" and len(list(derived.glob("*.pickle"))) >= 3
    again = read_corpus(open_store(tmp_path / "s"))
    found, value = again.derived_cache.load(("cooccurrence", None, False))
    assert found and (value.counts.toarray() == counts).all()
    assert again.derived_cache.load("holds the corpus") == (False, None)
    assert memoised(again, ("cooccurrence", None, False), lambda: None) is not None  # loaded, not rebuilt
    (mini_dir / "experiences" / "grande-synthe-organic-canteens.md").unlink()
    build_atlas(mini_dir, store)
    changed = read_corpus(open_store(tmp_path / "s"))
    cooccurrence(changed)
    assert [p.name for p in (tmp_path / "s").glob("derived-*")] == [changed.derived_cache.directory.name]


def test_damaged_caches_are_computed_again(tmp_path, mini_dir):
    store = open_store(tmp_path / "s", read_only=False, create=True)
    build_atlas(mini_dir, store)
    fresh = read_corpus(store)
    from atlas.analysis.cooccurrence import cooccurrence

    cooccurrence(fresh)
    for cache in [*(tmp_path / "s").glob("corpus-*.pickle"), *(tmp_path / "s").glob("derived-*/*.pickle")]:
        cache.write_bytes(b"\x80\x05damaged")
    again = read_corpus(open_store(tmp_path / "s"))
    assert again.experiences == fresh.experiences and again.labels == fresh.labels
    assert (cooccurrence(again).counts != cooccurrence(fresh).counts).nnz == 0
