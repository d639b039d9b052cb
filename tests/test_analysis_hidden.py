"""Hidden (A–B–C) links on a mini atlas computed by hand.

Experiences (N = 8), principle P and actor Q on x1–x4:

    x1 A B    x2 A B    x3 B C    x4 B C    x5 D    x6 A D    x7 D E    x8 E

A and C never meet. Occurrences: A 3, B 4, C 2, D 3, E 2, P 4, Q 4.
Edges with at least 2 shared experiences (min_support = 2):
    A–B 2, A–P 2, A–Q 2   npmi = ln(2·8 / (3·4)) / -ln(2/8) = ln(4/3) / ln 4 = 0.20752
    B–C 2, C–P 2, C–Q 2   npmi = ln(2·8 / (4·2)) / ln 4     = ln 2 / ln 4   = 0.5
    B–P 4, B–Q 4          npmi = ln(4·8 / (4·4)) / -ln(4/8) = 1
    (A–D, D–E: 1 shared experience, below min_support.)
hidden(A, C) = Σ_B min(w_AB, w_BC) over B, P, Q = 3 × min(0.20752, 0.5) = 0.62256.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlas.analysis.hidden import hidden_links
from atlas.errors import NotFoundError
from atlas.model import corpus_from_records

W_AB = math.log(4 / 3) / math.log(4)
W_BC = 0.5

RECORDS = {
    "x1": ("A", "B"), "x2": ("A", "B"), "x3": ("B", "C"), "x4": ("B", "C"),
    "x5": ("D",), "x6": ("A", "D"), "x7": ("D", "E"), "x8": ("E",),
}  # fmt: skip
BRIDGED = {x: ("P",) for x in ("x1", "x2", "x3", "x4")}
ACTED = {x: ("Q",) for x in ("x1", "x2", "x3", "x4")}


def mini(records=RECORDS):
    return corpus_from_records(records, experience_principles=BRIDGED, experience_actors=ACTED)


def test_score_is_the_sum_of_the_weaker_sides_of_the_bridges():
    [link] = hidden_links(mini(), "A", max_p_value=1)
    assert (link.source, link.target, link.support) == ("A", "C", 0)
    assert link.score == pytest.approx(3 * W_AB)  # 0.62256
    assert link.n_bridges == 3
    # All three bridges tie at min(0.20752, 0.5): ordered by kind, then IRI.
    assert [(b.iri, b.kind) for b in link.bridges] == [("Q", "actor"), ("B", "issue"), ("P", "principle")]
    bridge = link.bridges[1]
    assert (bridge.source_weight, bridge.target_weight, bridge.score) == pytest.approx((W_AB, W_BC, W_AB))


def test_bridge_kinds_can_be_restricted():
    [link] = hidden_links(mini(), "A", max_p_value=1, bridge_kinds=["issue"])
    assert link.score == pytest.approx(W_AB)
    assert [b.iri for b in link.bridges] == ["B"]
    assert hidden_links(mini(), "A", max_p_value=1, bridge_kinds=[]) == []


def test_candidates_may_share_a_few_experiences_with_max_support():
    # With max_support = 2, B (2 shared experiences with A) is a candidate too:
    # its bridges are P and Q (min(0.20752, 1) each); C stays first.
    links = hidden_links(mini(), "A", max_p_value=1, max_support=2)
    assert [(h.target, h.support) for h in links] == [("C", 0), ("B", 2)]
    assert links[1].score == pytest.approx(2 * W_AB)


def test_the_whole_corpus_gives_each_pair_once():
    links = hidden_links(mini(), max_p_value=1)
    assert [(h.source, h.target) for h in links] == [("A", "C")]
    assert links[0].score == pytest.approx(3 * W_AB)


def test_weak_bridges_are_dropped_by_the_significance_filter():
    # Poisson tails: A–B mean 3·4/8 = 1.5, P(≥ 2) = 1 - e^-1.5 (1 + 1.5) = 0.4422;
    # B–C mean 1, P(≥ 2) = 1 - 2/e = 0.2642. At 0.45 every edge passes; at 0.4 A has no bridge.
    assert len(hidden_links(mini(), "A", max_p_value=0.45)) == 1
    assert hidden_links(mini(), "A", max_p_value=0.4) == []
    assert hidden_links(mini(), "A") == []  # default min(0.05, 10 / 8): 0.05, stricter than 0.2642


def test_min_support_applies_to_bridge_edges():
    assert hidden_links(mini(), "A", max_p_value=1, min_support=3) == []


def test_jaccard_weights():
    # Jaccard A–B = 2 / (3 + 4 - 2) = 0.4; B–C = 2 / (4 + 2 - 2) = 0.5; A–P, A–Q 0.4; C–P, C–Q 0.5.
    [link] = hidden_links(mini(), "A", measure="jaccard", max_p_value=1)
    assert link.score == pytest.approx(3 * 0.4)


def test_level_rolls_issues_up():
    # Families X1 (A, C) and X2 (B). At the family level A and C are one item, X1, and its
    # only never-met item, E, has no bridge: no hidden link.
    c = corpus_from_records(RECORDS, families=("X1", "X2"), broader={"A": ("X1",), "C": ("X1",), "B": ("X2",)},
                            experience_principles=BRIDGED)
    assert hidden_links(c, "A", max_p_value=1, level="family") == []
    assert hidden_links(c, "A", max_p_value=1, level=1)[0].target == "C"  # depth 1 is the descriptors here
    assert [h.target for h in hidden_links(c, "A", max_p_value=1)] == ["C"]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"measure": "association"}, ValueError, "unknown measure 'association' for hidden links"),
        ({"bridge_kinds": ["territory"]}, ValueError, "unknown bridge kind"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        hidden_links(mini(), "A", **kwargs)


def test_unknown_issue():
    with pytest.raises(NotFoundError, match="'Z'"):
        hidden_links(mini(), "Z")


corpora = st.dictionaries(
    st.sampled_from([f"x{n:02d}" for n in range(16)]),
    st.lists(st.sampled_from("ABCDEFG"), min_size=1, max_size=4, unique=True).map(tuple),
    min_size=2,
    max_size=16,
)


@settings(max_examples=50, deadline=None)
@given(corpora, st.randoms(use_true_random=False))
def test_hidden_links_are_symmetric_and_order_free(records, rnd):
    links = hidden_links(corpus_from_records(records), max_p_value=1, min_support=1, top=None)
    scores = {(h.source, h.target): h.score for h in links}
    for h in links:
        assert h.support == 0 and h.score > 0
        assert h.score == pytest.approx(sum(b.score for b in h.bridges)) or h.n_bridges > len(h.bridges)
        mirrored = hidden_links(corpus_from_records(records), h.target, max_p_value=1, min_support=1, top=None)
        assert {x.target: x.score for x in mirrored}[h.source] == pytest.approx(h.score)
    items = list(records.items())
    rnd.shuffle(items)
    shuffled = hidden_links(corpus_from_records(dict(items)), max_p_value=1, min_support=1, top=None)
    assert {(h.source, h.target): h.score for h in shuffled} == pytest.approx(scores)
