"""Explanations: shared evidence and the k best paths, on mini atlases computed by hand.

Mini atlas: e1 addresses a and b, e2 addresses b and c; both take place in t1
and illustrate p; e1 runs 2012–2013 and involves q. Degrees: e1 4 (a b t1 p)
— plus q: 5 —, e2 4, a 1, b 2, c 1, t1 2, p 2, q 1. An edge u–v costs
ln(1 + deg u) + ln(1 + deg v).
"""

from __future__ import annotations

import itertools
import math
import random

import networkx as nx
import pytest

from atlas.analysis.evidence import evidence_graph, node_kinds
from atlas.analysis.explain import _best_paths, describe_step, experiences_of, explain
from atlas.errors import NotFoundError
from atlas.model import TerritoryInfo, corpus_from_records

LN = math.log


def mini(order=1):
    records = {"e1": ("a", "b"), "e2": ("b", "c")}
    records = dict(list(records.items())[::order])
    return corpus_from_records(
        records,
        experience_territory={"e1": "t1", "e2": "t1"},
        experience_years={"e1": (2012, 2013), "e2": (2015, None)},
        experience_principles={"e1": ("p",), "e2": ("p",)},
        experience_actors={"e1": ("q",)},
        labels={"a": {"en": "Housing", "fr": "Logement"}, "e1": {"en": "Wind farm"}},
    )


def test_paths_between_two_issues_without_shared_experience():
    x = explain(mini(), "a", "c", k=5)
    assert x.shared_experiences == ()
    # Only e2 reaches c, only e1 reaches a; e1 and e2 meet through b, p or t1 (degree 2 each):
    # cost = (ln2 + ln6) + (ln6 + ln3) + (ln3 + ln5) + (ln5 + ln2) for each, ties ordered by IRIs.
    assert [p.nodes for p in x.paths] == [
        ("a", "e1", "b", "e2", "c"),
        ("a", "e1", "p", "e2", "c"),
        ("a", "e1", "t1", "e2", "c"),
    ]
    cost = 2 * LN(2) + 2 * LN(6) + 2 * LN(3) + 2 * LN(5)
    assert [p.cost for p in x.paths] == pytest.approx([cost] * 3)
    assert [(s.subject, s.predicate, s.object) for s in x.paths[1].steps] == [
        ("e1", "addresses", "a"), ("e1", "illustrates", "p"), ("e2", "illustrates", "p"), ("e2", "addresses", "c"),
    ]
    assert [s.predicate for s in x.paths[2].steps] == ["addresses", "located", "located", "addresses"]
    assert [(r.iri, r.source_count, r.target_count) for r in x.shared_principles] == [("p", 1, 1)]
    assert x.shared_actors == ()
    assert (x.source_kind, x.target_kind) == ("issue", "issue")


def test_shared_experience_comes_first():
    x = explain(mini(), "a", "b", k=2)
    [shared] = x.shared_experiences
    assert (shared.iri, shared.territory, shared.start_year, shared.end_year) == ("e1", "t1", 2012, 2013)
    assert [p.nodes for p in x.paths] == [("a", "e1", "b"), ("a", "e1", "p", "e2", "b")]
    # a–e1–b: (ln2 + ln6) + (ln6 + ln3)
    assert x.paths[0].cost == pytest.approx(LN(2) + 2 * LN(6) + LN(3))


def test_k_limits_paths_and_ties_are_broken_by_iri_whatever_the_input_order():
    one = explain(mini(), "a", "c", k=1)
    other = explain(mini(order=-1), "a", "c", k=1)
    assert [p.nodes for p in one.paths] == [p.nodes for p in other.paths] == [("a", "e1", "b", "e2", "c")]
    assert explain(mini(), "a", "c", k=5) == explain(mini(), "a", "c", k=5)


def test_experience_and_territory():
    x = explain(mini(), "e2", "t1")
    assert [e.iri for e in x.shared_experiences] == ["e2"]
    assert x.paths[0].nodes == ("e2", "t1")
    assert (x.paths[0].steps[0].subject, x.paths[0].steps[0].predicate) == ("e2", "located")
    assert (x.source_kind, x.target_kind) == ("experience", "territory")


def test_shared_actors_and_principles_count_each_side():
    x = explain(mini(), "q", "p")
    # experiences of q: e1; of p: e1, e2. Shared experience e1. Principles of e1: p — but p is an end.
    assert [e.iri for e in x.shared_experiences] == ["e1"]
    assert x.shared_principles == ()
    assert x.paths[0].nodes == ("q", "e1", "p")


def test_thesaurus_territory_and_principle_hierarchies_are_walked_and_named():
    c = corpus_from_records(
        {"e1": ("b",), "e2": ("c",)},
        families=("F",),
        broader={"a": ("F",), "b": ("a",)},
        related=(("b", "c"),),
        experience_territory={"e1": "t1"},
        territories={"t1": TerritoryInfo("t1", parent="t0"), "t0": TerritoryInfo("t0")},
        experience_principles={"e2": ("p1",)},
        principle_broader={"p1": ("p0",)},
    )
    kinds = node_kinds(c)
    assert (kinds["F"], kinds["a"], kinds["t0"], kinds["p0"]) == ("family", "issue", "territory", "principle")
    assert experiences_of(c, "F") == ("e1",)  # through b, under a, under F
    steps = [(s.subject, s.predicate, s.object) for s in explain(c, "F", "b").paths[0].steps]
    assert steps == [("a", "broader", "F"), ("b", "broader", "a")]
    steps = [(s.subject, s.predicate, s.object) for s in explain(c, "t0", "e1").paths[0].steps]
    assert steps == [("t1", "partOf", "t0"), ("e1", "located", "t1")]
    steps = [(s.subject, s.predicate, s.object) for s in explain(c, "b", "p0").paths[0].steps]
    assert steps == [("b", "related", "c"), ("e2", "addresses", "c"), ("e2", "illustrates", "p1"),
                     ("p1", "broader", "p0")]


def test_describe_step_in_both_languages():
    step = explain(mini(), "a", "b").paths[0].steps[0]
    assert describe_step(mini(), step) == "experience «Wind farm» addresses issue «Housing»"
    assert describe_step(mini(), step, "fr") == "expérience «Wind farm» traite de enjeu «Logement»"


def test_unknown_records_and_same_record():
    with pytest.raises(NotFoundError, match="'zz' is not an issue, experience"):
        explain(mini(), "a", "zz")
    with pytest.raises(ValueError, match="two different records"):
        explain(mini(), "a", "a")


def test_unreachable_records_have_no_path():
    c = corpus_from_records({"e1": ("a",), "e2": ("b",)})
    x = explain(c, "a", "b")
    assert x.paths == () and x.shared_experiences == ()


@pytest.mark.parametrize("seed", range(6))
def test_pruned_search_finds_the_same_costs_as_yen_on_the_whole_graph(seed):
    # Big enough that the first candidate set (64 + 16k nodes) misses part of the graph.
    rnd = random.Random(seed)
    issues = [f"i{n}" for n in range(15)]
    records = {f"e{n:03d}": tuple(rnd.sample(issues, rnd.randint(1, 4))) for n in range(300)}
    c = corpus_from_records(
        records,
        experience_territory={e: f"t{rnd.randrange(10)}" for e in records},
        experience_principles={e: (f"p{rnd.randrange(6)}",) for e in records if rnd.random() < 0.5},
    )
    graph = evidence_graph(c)
    a, b = graph.index["i0"], graph.index[f"t{seed}"]
    k = 4
    found = _best_paths(graph, a, b, k)
    full = nx.Graph()
    coo = graph.matrix.tocoo()
    full.add_weighted_edges_from((int(u), int(v), float(w)) for u, v, w in zip(coo.row, coo.col, coo.data,
                                                                                strict=True) if u < v)
    costs = []
    for path in nx.shortest_simple_paths(full, a, b, weight="weight"):
        costs.append(sum(full[u][v]["weight"] for u, v in itertools.pairwise(path)))
        if len(costs) == k:
            break
    assert [cost for cost, _ in found] == pytest.approx(costs)


@pytest.mark.parametrize("order", [1, -1])
def test_many_tied_paths_beyond_the_first_candidate_set(order):
    # 200 experiences address exactly i0 and i1: 200 paths of cost 2 (ln 201 + ln 3) each.
    records = dict(list({f"e{n:03d}": ("i0", "i1") for n in range(200)}.items())[::order])
    x = explain(corpus_from_records(records), "i0", "i1", k=4)
    assert [p.nodes[1] for p in x.paths] == ["e000", "e001", "e002", "e003"]
    assert [p.cost for p in x.paths] == pytest.approx([2 * (LN(201) + LN(3))] * 4)
    assert len(x.shared_experiences) == 200


@pytest.mark.parametrize("seed", range(4))
def test_pruned_python_searches_and_the_whole_graph_dijkstra_agree(seed, monkeypatch):
    import atlas.analysis.explain as explain_module

    rnd = random.Random(100 + seed)
    issues = [f"i{n}" for n in range(12)]
    records = {f"e{n:03d}": tuple(rnd.sample(issues, rnd.randint(1, 4))) for n in range(120)}
    c = corpus_from_records(records, experience_territory={e: f"t{rnd.randrange(8)}" for e in records},
                            experience_actors={e: (f"a{rnd.randrange(20)}",) for e in records})
    graph = evidence_graph(c)
    pairs = [(graph.index[x], graph.index[y]) for x, y in [("i0", "i5"), ("t1", "a3"), ("e007", "i11"), ("a0", "a1")]]
    pruned = [_best_paths(graph, a, b, 5) for a, b in pairs]
    monkeypatch.setattr(explain_module, "_SEARCH_BUDGET", 0)  # every search gives up at once: SciPy's Dijkstra
    whole = [_best_paths(graph, a, b, 5) for a, b in pairs]
    assert pruned == whole and all(len(p) == 5 for p in pruned)


def test_fewer_paths_than_asked_in_a_small_component_are_all_found(monkeypatch):
    # a chain i0 – e0 – i1 – e1 – i2 plus a detour: the searches see the whole component unpruned
    c = corpus_from_records({"e0": ("i0", "i1"), "e1": ("i1", "i2"), "e2": ("i0", "i3"), "e3": ("i3", "i2")})
    graph = evidence_graph(c)
    a, b = graph.index["i0"], graph.index["i2"]
    pruned = _best_paths(graph, a, b, 10)
    import atlas.analysis.explain as explain_module

    monkeypatch.setattr(explain_module, "_SEARCH_BUDGET", 0)
    assert pruned == _best_paths(graph, a, b, 10) and len(pruned) == 2
