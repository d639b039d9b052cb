"""Co-occurrence links on a mini atlas computed by hand, and their properties.

The mini atlas: three families F, G, H; issues a, b under F; c under a
(depth 2); d under G; e under d *and* b (polyhierarchy: families F and G);
f under H. Six experiences:

    x1: a b d     x2: a d     x3: a d f     x4: b c     x5: c e f     x6: f

N = 6. Occurrences n: a 3, b 2, c 2, d 3, e 1, f 3.
Shared experiences c_ij: a–d 3 (x1 x2 x3); a–b, a–f, b–d, b–c, c–e, c–f,
e–f, d–f 1 each; every other pair 0.
Total link strength k_i = Σ_j c_ij: a 5, b 3, c 3, d 5, e 2, f 4; 2m = 22.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import hypergeom

from atlas.analysis.links import MEASURES, compute_links, cooccurrence, score_pairs
from atlas.analysis.significance import cooccurrence_p_values
from atlas.errors import NotFoundError
from atlas.model import corpus_from_records

BROADER = {"a": ("F",), "b": ("F",), "c": ("a",), "d": ("G",), "e": ("d", "b"), "f": ("H",)}
RECORDS = {
    "x1": ("a", "b", "d"),
    "x2": ("a", "d"),
    "x3": ("a", "d", "f"),
    "x4": ("b", "c"),
    "x5": ("c", "e", "f"),
    "x6": ("f",),
}


def mini():
    return corpus_from_records(RECORDS, families=("F", "G", "H"), broader=BROADER)


def by_pair(links):
    return {(k.source, k.target): k for k in links}


def test_supports_and_evidence_are_the_shared_experiences():
    links = by_pair(compute_links(mini(), measure="count"))
    assert {p: k.support for p, k in links.items()} == {
        ("a", "b"): 1, ("a", "d"): 3, ("a", "f"): 1, ("b", "c"): 1, ("b", "d"): 1,
        ("c", "e"): 1, ("c", "f"): 1, ("d", "f"): 1, ("e", "f"): 1,
    }  # fmt: skip
    assert links[("a", "d")].evidence == ("x1", "x2", "x3")
    assert links[("c", "f")].evidence == ("x5",)
    assert all(k.weight == k.support == k.score for k in links.values())


def test_association_strength_is_observed_over_expected_links():
    links = by_pair(compute_links(mini(), measure="association"))
    # AS = 2m c_ij / (k_i k_j)
    assert links[("a", "d")].score == pytest.approx(22 * 3 / (5 * 5))  # 2.64
    assert links[("a", "b")].score == pytest.approx(22 * 1 / (5 * 3))  # 1.4667
    assert links[("c", "e")].score == pytest.approx(22 * 1 / (3 * 2))  # 3.6667
    assert links[("e", "f")].score == pytest.approx(22 * 1 / (2 * 4))  # 2.75


def test_fractional_counting_gives_each_pair_one_over_n_minus_one():
    # Shares 1/(n-1): x1 1/2, x2 1, x3 1/2, x4 1, x5 1/2, x6 (alone) 0.
    # w(a,d) = 1/2 + 1 + 1/2 = 2; w(b,c) = 1; the others 1/2.
    # k: a 3, b 2, c 2, d 3, e 1, f 2 (each issue gets 1 per experience with a partner); 2m = 13.
    links = by_pair(compute_links(mini(), measure="association", fractional=True))
    assert links[("a", "d")].weight == pytest.approx(2.0)
    assert links[("a", "d")].support == 3
    assert links[("a", "d")].score == pytest.approx(13 * 2 / (3 * 3))  # 2.8889
    assert links[("b", "c")].score == pytest.approx(13 * 1 / (2 * 2))  # 3.25
    counted = by_pair(compute_links(mini(), measure="count", fractional=True))
    assert counted[("c", "f")].score == pytest.approx(0.5)
    assert sum(k.weight for k in counted.values()) == pytest.approx(6.5)  # m = 13 / 2


def test_npmi_jaccard_cosine_by_hand():
    npmi = by_pair(compute_links(mini(), measure="npmi"))
    # a–d: ln(3·6/(3·3)) / -ln(3/6) = ln 2 / ln 2 = 1
    assert npmi[("a", "d")].score == pytest.approx(1.0)
    # a–b: ln(1·6/(3·2)) = ln 1 = 0
    assert npmi[("a", "b")].score == pytest.approx(0.0)
    # c–e: ln(6/(2·1)) / ln 6 = ln 3 / ln 6
    assert npmi[("c", "e")].score == pytest.approx(math.log(3) / math.log(6))
    jaccard = by_pair(compute_links(mini(), measure="jaccard"))
    assert jaccard[("a", "d")].score == pytest.approx(3 / (3 + 3 - 3))
    assert jaccard[("c", "f")].score == pytest.approx(1 / (2 + 3 - 1))
    cosine = by_pair(compute_links(mini(), measure="cosine"))
    assert cosine[("c", "f")].score == pytest.approx(1 / math.sqrt(2 * 3))


def test_fractional_counting_leaves_set_measures_alone():
    whole = by_pair(compute_links(mini(), measure="npmi"))
    fractional = by_pair(compute_links(mini(), measure="npmi", fractional=True))
    assert {p: k.score for p, k in whole.items()} == {p: k.score for p, k in fractional.items()}


def test_p_values_are_the_hypergeometric_upper_tail():
    links = by_pair(compute_links(mini(), measure="count"))
    # a–d: all 3 experiences of d among the 3 of a: C(3,3)·C(3,0)/C(6,3) = 1/20
    assert links[("a", "d")].p_value == pytest.approx(1 / 20)
    # a–b: 1 - P(none of b's 2 among a's 3) = 1 - C(3,2)/C(6,2) = 1 - 3/15
    assert links[("a", "b")].p_value == pytest.approx(0.8)


def test_min_support_and_max_p_value_filter():
    assert [(k.source, k.target) for k in compute_links(mini(), min_support=2)] == [("a", "d")]
    assert [(k.source, k.target) for k in compute_links(mini(), max_p_value=0.05)] == [("a", "d")]
    assert compute_links(mini(), max_p_value=0.01) == []


def test_links_are_sorted_by_score_then_iris_and_cut_at_top():
    links = compute_links(mini(), measure="count")
    assert [(k.source, k.target) for k in links[:3]] == [("a", "d"), ("a", "b"), ("a", "f")]
    assert len(compute_links(mini(), measure="count", top=2)) == 2


def test_links_of_one_issue():
    links = compute_links(mini(), measure="count", issue="f")
    assert [(k.source, k.target) for k in links] == [("a", "f"), ("c", "f"), ("d", "f"), ("e", "f")]


def test_remoteness_is_attached_to_each_link():
    links = by_pair(compute_links(mini(), measure="count"))
    # a (F) and d (G) share no family; a and b are siblings under F: 2 / (4 + 1),
    # 4 being the longest distance inside a family (c–a–F–b–e).
    assert links[("a", "d")].remoteness == 1.0
    assert links[("a", "b")].remoteness == pytest.approx(2 / 5)
    assert links[("c", "e")].remoteness == pytest.approx(4 / 5)


def test_parent_discount_lowers_links_the_thesaurus_explains():
    plain = by_pair(compute_links(mini()))
    discounted = by_pair(compute_links(mini(), parent_discount=0.5))
    # a and b share the parent F: 1.4667 · (1 - 0.5)
    assert discounted[("a", "b")].score == pytest.approx(plain[("a", "b")].score * 0.5)
    # c (under a) and e (under d and b) share no parent: unchanged
    assert discounted[("c", "e")].score == plain[("c", "e")].score
    negative = by_pair(compute_links(mini(), measure="npmi", parent_discount=0.5))
    assert all(k.score <= plain_k.score for k, plain_k in
               zip(negative.values(), by_pair(compute_links(mini(), measure="npmi")).values(), strict=True))


def test_level_one_rolls_descriptors_up_to_their_depth_one_ancestors():
    # c -> a; e -> b and d (both parents at depth 1). Experiences become
    # x1 {a b d}, x2 {a d}, x3 {a d f}, x4 {a b}, x5 {a b d f}, x6 {f}.
    links = by_pair(compute_links(mini(), measure="count", level=1))
    assert {p: k.support for p, k in links.items()} == {
        ("a", "b"): 3, ("a", "d"): 4, ("a", "f"): 2, ("b", "d"): 2, ("b", "f"): 1, ("d", "f"): 2,
    }
    assert links[("a", "b")].evidence == ("x1", "x4", "x5")


def test_family_level_rolls_up_to_every_family():
    # x1 {F G}, x2 {F G}, x3 {F G H}, x4 {F}, x5 {F G H} (e is in F and G), x6 {H}.
    links = by_pair(compute_links(mini(), measure="count", level="family"))
    assert {p: k.support for p, k in links.items()} == {("F", "G"): 4, ("F", "H"): 2, ("G", "H"): 2}
    assert links[("F", "H")].evidence == ("x3", "x5")
    assert links[("F", "H")].remoteness == 1.0
    # A descriptor asks for the links of its families.
    assert {(k.source, k.target) for k in compute_links(mini(), issue="e", level="family")} == {
        ("F", "G"), ("F", "H"), ("G", "H"),
    }


def test_occurrences_and_total():
    co = cooccurrence(mini())
    assert co.total == 6
    assert dict(zip(co.items, co.occurrences.tolist(), strict=True)) == {"a": 3, "b": 2, "c": 2, "d": 3, "e": 1, "f": 3}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"measure": "lift"}, ValueError, "unknown measure 'lift'"),
        ({"level": "kingdom"}, ValueError, "level must be"),
        ({"parent_discount": 1.5}, ValueError, "parent_discount"),
        ({"issue": "zz"}, NotFoundError, "no experience addresses 'zz'"),
    ],
)
def test_bad_parameters_raise(kwargs, error, match):
    with pytest.raises(error, match=match):
        compute_links(mini(), **kwargs)


# -- properties -------------------------------------------------------------------------------------

ISSUES = [f"i{n}" for n in range(7)]
corpora = st.dictionaries(
    st.sampled_from([f"x{n:02d}" for n in range(20)]),
    st.lists(st.sampled_from(ISSUES), min_size=1, max_size=5, unique=True).map(tuple),
    min_size=2,
    max_size=20,
)


@settings(max_examples=60, deadline=None)
@given(corpora, st.sampled_from(MEASURES), st.booleans())
def test_scores_are_bounded_and_links_well_formed(records, measure, fractional):
    links = compute_links(corpus_from_records(records), measure=measure, fractional=fractional)
    for k in links:
        assert k.source < k.target
        assert k.support == len(k.evidence) >= 1
        assert 0.0 <= k.p_value <= 1.0
        assert list(k.evidence) == sorted(k.evidence)
        assert all(k.source in records[e] and k.target in records[e] for e in k.evidence)
        if measure == "npmi":
            assert -1.0 <= k.score <= 1.0
        elif measure in ("jaccard", "cosine"):
            assert 0.0 <= k.score <= 1.0 + 1e-12
        else:
            assert k.score > 0


@settings(max_examples=60, deadline=None)
@given(corpora, st.sampled_from(MEASURES), st.randoms(use_true_random=False))
def test_links_do_not_depend_on_the_order_or_names_of_experiences(records, measure, rnd):
    items = list(records.items())
    rnd.shuffle(items)
    renamed = {f"y{n:02d}": tags[::-1] for n, (_, tags) in enumerate(items)}
    before = [(k.source, k.target, k.support, round(k.score, 9), round(k.p_value, 9))
              for k in compute_links(corpus_from_records(records), measure=measure)]
    after = [(k.source, k.target, k.support, round(k.score, 9), round(k.p_value, 9))
             for k in compute_links(corpus_from_records(renamed), measure=measure)]
    assert before == after


@settings(max_examples=100, deadline=None)
@given(
    st.integers(0, 60), st.integers(1, 2000), st.integers(0, 2000), st.integers(0, 2000), st.sampled_from(MEASURES)
)
def test_measures_are_symmetric(c, total, ni, nj, measure):
    ni, nj = min(ni, total), min(nj, total)
    c = min(c, ni, nj)
    args_ij = [np.array([x], dtype=float) for x in (c, c, ni, nj, ni + 1, nj + 2)]
    args_ji = [np.array([x], dtype=float) for x in (c, c, nj, ni, nj + 2, ni + 1)]
    assert score_pairs(measure, *args_ij, total, 40.0) == pytest.approx(score_pairs(measure, *args_ji, total, 40.0))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5000), st.data())
def test_p_values_match_scipy(total, data):
    big_k = data.draw(st.integers(0, total))
    n = data.draw(st.integers(0, total))
    k = data.draw(st.integers(0, min(big_k, n) + 1))
    ours = cooccurrence_p_values([k], total, [big_k], [n])[0]
    assert ours == pytest.approx(hypergeom.sf(k - 1, total, big_k, n), rel=1e-7, abs=1e-12)


def test_poisson_upper_tail_is_scipys_pdtrc():
    from scipy.special import pdtrc

    from atlas.analysis.significance import poisson_upper_tail

    rng = np.random.default_rng(3)
    k = rng.integers(1, 60, 2000)  # pdtrc(-1, m) is nan where P(X >= 0) = 1
    mean = rng.uniform(0.01, 40, 2000)
    ours, theirs = poisson_upper_tail(k, mean), pdtrc(k - 1, mean)
    assert np.allclose(ours, theirs, rtol=1e-9, atol=1e-300)
    assert poisson_upper_tail([0, 3, 0], [0.0, 0.0, 2.5]).tolist() == [1.0, 0.0, 1.0]
