"""Candidate principles on a hand-built mini atlas.

territory  type        population        region
t1         rural       1,000   (<2k)     A
t2         peri-urban  5,000   (2k-10k)  B
t3         urban       30,000  (10k-50k) C
t4         urban       300,000 (>200k)   A

experience  territory  issues          actors (type)              principles  lessons concern
e1          t1         heat, savings   coop1 (cooperative)        -           governance
e2          t2         heat, savings   coop2 (cooperative)        -           governance
e3          t3         heat, savings   city3 (local-authority)    -           governance
e4          t4         heat            coop4 (cooperative)        P           -
e5          t1         governance      -                          P           -

No years: the informative dimensions are type (K=3), population (K=4), region (K=3).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from atlas.analysis.candidates import find_candidates
from atlas.errors import NotFoundError
from atlas.model import LessonInfo, TerritoryInfo, corpus_from_records


def mini_atlas(**overrides):
    fields = {
        "experience_territory": {"e1": "t1", "e2": "t2", "e3": "t3", "e4": "t4", "e5": "t1"},
        "territories": {
            "t1": TerritoryInfo("t1", type="rural", population=1_000, region="A"),
            "t2": TerritoryInfo("t2", type="peri-urban", population=5_000, region="B"),
            "t3": TerritoryInfo("t3", type="urban", population=30_000, region="C"),
            "t4": TerritoryInfo("t4", type="urban", population=300_000, region="A"),
        },
        "experience_actors": {"e1": ("coop1",), "e2": ("coop2",), "e3": ("city3",), "e4": ("coop4",)},
        "actor_types": {
            "coop1": "cooperative",
            "coop2": "cooperative",
            "coop4": "cooperative",
            "city3": "local-authority",
        },
        "experience_principles": {"e4": ("P",), "e5": ("P",)},
        "lessons": tuple(
            LessonInfo(f"{e}/lesson/1", e, None, issues=("governance",)) for e in ("e1", "e2", "e3")
        ),
    }
    fields.update(overrides)
    records = {
        "e1": ("heat", "savings"),
        "e2": ("heat", "savings"),
        "e3": ("heat", "savings"),
        "e4": ("heat",),
        "e5": ("governance",),
    }
    records.update(fields.pop("records", {}))
    return corpus_from_records(records, **fields)


# heat+cooperative: e1, e2, e4 in t1, t2, t4.  type and population all distinct: 1.0 each;
# region {A 2, B 1}: -(2/3 ln 2/3 + 1/3 ln 1/3) / ln 3 = 0.57938.  Diversity (1 + 1 + 0.57938) / 3 = 0.85979.
# Coverage by P: e4 only, 1/3.  Score = 0.85979 × log2(1 + 3) × (1 - 1/3) = 1.14639.
COOP_DIVERSITY = (2 + -(2 / 3 * math.log(2 / 3) + 1 / 3 * math.log(1 / 3)) / math.log(3)) / 3
COOP_SCORE = COOP_DIVERSITY * 2 * (2 / 3)


def test_candidates_ranked_with_scores():
    found = find_candidates(mini_atlas())
    # heat+savings (e1, e2, e3): every dimension distinct, diversity 1, 3 territories, no principle:
    # score = 1 × log2(4) × 1 = 2.  The two issue+lesson pairs (heat or savings with a lesson on
    # governance, same cases) tie at 2: the kind, then the issue, break the tie.
    assert [(c.kind, c.items) for c in found] == [
        ("issue+issue", ("heat", "savings")),
        ("issue+lesson", ("heat", "governance")),
        ("issue+lesson", ("savings", "governance")),
        ("issue+actor-type", ("heat", "cooperative")),
    ]
    assert [c.score for c in found[:3]] == [2.0, 2.0, 2.0]
    coop = found[3]
    assert coop.score == pytest.approx(COOP_SCORE)  # 1.14639
    assert coop.diversity == pytest.approx(COOP_DIVERSITY)
    assert (coop.cases, coop.territories, coop.context_classes) == (3, 3, 3)
    assert coop.coverage == pytest.approx(1 / 3)
    assert coop.closest_principle == "P"


def test_candidate_evidence():
    found = {c.items: c for c in find_candidates(mini_atlas())}
    coop = found[("heat", "cooperative")]
    assert coop.experiences == ("e1", "e2", "e4")
    assert coop.territory_list == ("t1", "t2", "t4")
    assert coop.actors == ("coop1", "coop2", "coop4")
    lesson = found[("heat", "governance")]
    assert lesson.lessons == ("e1/lesson/1", "e2/lesson/1", "e3/lesson/1")
    assert lesson.closest_principle is None and lesson.coverage == 0.0


def test_a_named_combination_is_not_a_candidate():
    # Q illustrated by e1 and e3 covers 2/3 of heat+savings (and of the lesson pairs): named already.
    # heat+cooperative (e1, e2, e4) is covered 1/3 by Q and 1/3 by P: still a candidate.
    corpus = mini_atlas(experience_principles={"e1": ("Q",), "e3": ("Q",), "e4": ("P",), "e5": ("P",)})
    (found,) = find_candidates(corpus)
    assert found.items == ("heat", "cooperative")
    assert found.closest_principle == "P"  # tie at 1/3: the first principle in IRI order


def test_max_coverage_option():
    # heat+cooperative is covered 1/3 by P: out when max_coverage is 0.3
    found = find_candidates(mini_atlas(), max_coverage=0.3)
    assert ("heat", "cooperative") not in [c.items for c in found]
    assert len(found) == 3


def test_structural_thresholds_apply():
    assert find_candidates(mini_atlas(), min_cases=4) == []
    assert find_candidates(mini_atlas(), min_territories=4) == []
    # heat+cooperative's diversity 0.86 < 0.9 <= 1.0
    assert [c.items for c in find_candidates(mini_atlas(), min_diversity=0.9)] == [
        ("heat", "savings"),
        ("heat", "governance"),
        ("savings", "governance"),
    ]


def test_kinds_and_top():
    assert [c.kind for c in find_candidates(mini_atlas(), kinds=["issue+actor-type"])] == ["issue+actor-type"]
    assert len(find_candidates(mini_atlas(), top=2)) == 2
    with pytest.raises(NotFoundError, match="unknown candidate kind"):
        find_candidates(mini_atlas(), kinds=["issue+weather"])


def test_an_issue_and_its_broader_issue_are_not_a_pair():
    corpus = mini_atlas(
        records={
            "e1": ("heat", "savings", "energy"),
            "e2": ("heat", "savings", "energy"),
            "e3": ("heat", "savings", "energy"),
        },
        broader={"heat": ("energy",)},
    )
    pairs = [c.items for c in find_candidates(corpus, kinds=["issue+issue"])]
    assert ("energy", "heat") not in pairs
    assert pairs == [("energy", "savings"), ("heat", "savings")]


def test_candidates_are_deterministic():
    assert find_candidates(mini_atlas()) == find_candidates(mini_atlas())


def test_empty_corpus():
    assert find_candidates(corpus_from_records({})) == []


def test_pruned_ranking_equals_the_full_ranking():
    # A random atlas with hundreds of combinations: the top found by bounded search must be the head
    # of the full ranking (top=None measures every combination).
    rng = np.random.default_rng(3)
    issues = [f"i{k:02d}" for k in range(30)]
    types = ("rural", "peri-urban", "urban")
    territories = {
        f"t{k:02d}": TerritoryInfo(
            f"t{k:02d}", type=types[k % 3], population=int(rng.integers(500, 400_000)), region=f"r{k % 5}"
        )
        for k in range(40)
    }
    records = {
        f"e{k:03d}": tuple(str(i) for i in rng.choice(issues, size=rng.integers(2, 6), replace=False))
        for k in range(600)
    }
    actors = {f"a{k}": ("cooperative", "company", "association", "local-authority")[k % 4] for k in range(20)}
    corpus = corpus_from_records(
        records,
        experience_territory={e: f"t{rng.integers(0, 40):02d}" for e in records},
        experience_years={e: (int(rng.integers(1990, 2025)), None) for e in records},
        territories=territories,
        experience_actors={e: (f"a{rng.integers(0, 20)}",) for e in records},
        actor_types=actors,
        experience_principles={e: (f"p{rng.integers(0, 4)}",) for e in records if rng.random() < 0.3},
        lessons=tuple(
            LessonInfo(f"{e}/lesson/1", e, None, issues=(records[e][0],)) for e in list(records)[::7]
        ),
    )
    full = find_candidates(corpus, top=None, min_diversity=0.3)
    assert len(full) > 256  # more than the first batch the search measures
    for top in (1, 7, 40):
        assert find_candidates(corpus, top=top, min_diversity=0.3) == full[:top]
