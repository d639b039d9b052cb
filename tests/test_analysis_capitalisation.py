"""Capitalisation reports, classification and lesson checks on a hand-built mini atlas.

The mini atlas (IRIs shortened to x/<kind>/<slug>):

territory  type        population       region           experiences (start year: issues; principles)
rural-a    rural       1,200  (<2k)     Bretagne         e1 (2012: citizen-energy, savings; P1)
rural-b    rural       6,500  (2k-10k)  Bretagne         e2 (2015: citizen-energy; P)
peri       peri-urban  10,450 (10k-50k) PACA             e3 (2005: canteen; P, Q)
urban      urban       23,000 (10k-50k) Hauts-de-France  e4 (2011: canteen, savings; Q)
city       urban       250,000 (>200k)  Grand Est        e5 (2019: energy; lesson supporting P)
                                                         e6, e7, e8 (2020, 2021, 2021: canteen; R)

Thesaurus: F > energy > citizen-energy, F > savings, G > canteen. Principles: P > P1, Q, R.
The corpus has K = 3 types, 4 population classes, 4 regions, 3 decades (2000s, 2010s, 2020s);
a dimension's entropy is divided by ln(min(n, K)).
"""

from __future__ import annotations

import math

import pytest

from atlas.analysis.capitalisation import (
    capitalise,
    capitalise_issue,
    capitalise_lesson,
    capitalise_principle,
    capitalise_principles,
)
from atlas.analysis.classification import CIRCUMSTANTIAL, STRUCTURAL, UNDECIDABLE
from atlas.errors import NotFoundError
from atlas.model import CommunityInfo, LessonInfo, TerritoryInfo, corpus_from_records


def x(kind: str, slug: str) -> str:
    return f"x/{kind}/{slug}"


E = {n: x("experience", f"e{n}") for n in range(1, 9)}
T = {s: x("territory", s) for s in ("rural-a", "rural-b", "peri", "urban", "city")}
I = {s: x("issue", s) for s in ("F", "G", "energy", "citizen-energy", "savings", "canteen")}  # noqa: E741
P = {s: x("principle", s) for s in ("P", "P1", "Q", "R")}


def lesson(n: int, exp: int, scope, principles=(), issues=()) -> LessonInfo:
    return LessonInfo(f"{E[exp]}/lesson/{n}", E[exp], scope, principles=principles, issues=issues)


LESSONS = (
    lesson(1, 1, "structural", principles=(P["P"],)),  # cases of P: structural -> agrees
    lesson(1, 6, "structural", principles=(P["R"],)),  # cases of R all in `city` -> disagrees
    lesson(1, 4, "circumstantial", issues=(I["savings"],)),  # e1, e4: 2 cases -> undecidable
    lesson(1, 5, None, principles=(P["P"],)),  # not checked; makes e5 a case of P
    lesson(1, 3, "circumstantial", principles=(P["Q"],), issues=(I["canteen"],)),  # e3, e4 -> undecidable
    lesson(1, 7, "circumstantial", principles=(P["R"],)),  # agrees
)


def mini_atlas():
    def terr(slug, type_, population, region):
        return TerritoryInfo(T[slug], type=type_, population=population, region=region, country="FR")

    territories = {
        T["rural-a"]: terr("rural-a", "rural", 1_200, "Bretagne"),
        T["rural-b"]: terr("rural-b", "rural", 6_500, "Bretagne"),
        T["peri"]: terr("peri", "peri-urban", 10_450, "PACA"),
        T["urban"]: terr("urban", "urban", 23_000, "Hauts-de-France"),
        T["city"]: terr("city", "urban", 250_000, "Grand Est"),
    }
    kinds = {iri: "territory" for iri in T.values()} | {iri: "principle" for iri in P.values()}
    kinds |= {iri: "issue" for iri in I.values()} | {I["F"]: "family", I["G"]: "family"}
    kinds |= {iri: "experience" for iri in E.values()} | {"x/community/towns": "community"}
    return corpus_from_records(
        {
            E[1]: (I["citizen-energy"], I["savings"]),
            E[2]: (I["citizen-energy"],),
            E[3]: (I["canteen"],),
            E[4]: (I["canteen"], I["savings"]),
            E[5]: (I["energy"],),
            E[6]: (I["canteen"],),
            E[7]: (I["canteen"],),
            E[8]: (I["canteen"],),
        },
        kinds=kinds,
        labels={
            P["P"]: {
                "en": "Create the conditions of engagement",
                "fr": "Créer les conditions de l'engagement",
            }
        },
        broader={
            I["energy"]: (I["F"],),
            I["citizen-energy"]: (I["energy"],),
            I["savings"]: (I["F"],),
            I["canteen"]: (I["G"],),
        },
        families=(I["F"], I["G"]),
        principle_broader={P["P1"]: (P["P"],)},
        experience_principles={
            E[1]: (P["P1"],),
            E[2]: (P["P"],),
            E[3]: (P["P"], P["Q"]),
            E[4]: (P["Q"],),
            E[6]: (P["R"],),
            E[7]: (P["R"],),
            E[8]: (P["R"],),
        },
        experience_territory={
            E[1]: T["rural-a"],
            E[2]: T["rural-b"],
            E[3]: T["peri"],
            E[4]: T["urban"],
            E[5]: T["city"],
            E[6]: T["city"],
            E[7]: T["city"],
            E[8]: T["city"],
        },
        experience_years={
            E[1]: (2012, 2013),
            E[2]: (2015, None),
            E[3]: (2005, None),
            E[4]: (2011, None),
            E[5]: (2019, None),
            E[6]: (2020, None),
            E[7]: (2021, None),
            E[8]: (2021, None),
        },
        territories=territories,
        lessons=LESSONS,
        communities={
            "x/community/towns": CommunityInfo(
                "x/community/towns", "community", members=(T["peri"], T["urban"], "x/actor/someone")
            )
        },
    )


@pytest.fixture
def corpus():
    return mini_atlas()


def ln(v: float) -> float:
    return math.log(v)


def test_principle_recurring_in_diverse_contexts_is_structural(corpus):
    report = capitalise_principle(corpus, "P")
    # Cases of P: e1 (through sub-principle P1), e2, e3, e5 (through its lesson supporting P).
    assert report.experiences == (E[1], E[2], E[3], E[5])
    assert report.territories == (T["city"], T["peri"], T["rural-a"], T["rural-b"])
    assert report.lessons == (f"{E[1]}/lesson/1", f"{E[5]}/lesson/1")
    assert report.distribution["type"] == (("rural", 2), ("peri-urban", 1), ("urban", 1))
    # type {2,1,1}: H = -(.5 ln .5 + 2 × .25 ln .25) = 1.03972, / ln 3 = 0.94640
    # population <2k, 2k-10k, 10k-50k, >200k: H = ln 4, / ln 4 = 1
    # region {Bretagne 2, PACA 1, Grand Est 1}: 1.03972 / ln 4 = 0.75
    # period {2010s 3, 2000s 1}: H = -(.75 ln .75 + .25 ln .25) = 0.56233, / ln 3 = 0.51185
    h211 = -(0.5 * ln(0.5) + 2 * 0.25 * ln(0.25))
    expected = {
        "type": h211 / ln(3),
        "population": 1.0,
        "region": h211 / ln(4),
        "period": -(0.75 * ln(0.75) + 0.25 * ln(0.25)) / ln(3),
    }
    assert report.entropy == pytest.approx(expected)
    assert report.diversity == pytest.approx(sum(expected.values()) / 4)  # 0.80206
    assert len(report.context_classes) == 4
    assert report.classification == STRUCTURAL
    assert report.reasons == (
        "4 cases in 4 territories and 4 context classes, diversity 0.80 >= min_diversity=0.5",
    )


def test_principle_of_one_territory_is_circumstantial(corpus):
    report = capitalise(corpus, "R")
    assert (report.cases, report.territories) == (3, (T["city"],))
    assert report.classification == CIRCUMSTANTIAL
    assert report.reasons == ("3 cases in 1 territory and 1 context class: all in one territory",)


@pytest.mark.parametrize(("name", "cases"), [("Q", 2), ("P1", 1)])
def test_too_few_cases_is_undecidable(corpus, name, cases):
    report = capitalise(corpus, name)
    assert report.cases == cases
    assert report.classification == UNDECIDABLE
    assert report.reasons == (f"{cases} case{'s' if cases > 1 else ''}: fewer than min_cases=3",)


def test_issue_report_counts_narrower_issues(corpus):
    report = capitalise(corpus, "energy")
    assert report.kind == "issue"
    # energy itself (e5) and its narrower citizen-energy (e1, e2)
    assert report.experiences == (E[1], E[2], E[5])
    # type {2,1}: ln-entropy 0.63651 / ln 3 = 0.57938; population 3 distinct: ln 3 / ln 3 = 1
    # region {2,1}: 0.57938; period: all 2010s: 0.  Mean = 2.15876 / 4 = 0.53969
    h21 = -(2 / 3 * ln(2 / 3) + 1 / 3 * ln(1 / 3))
    assert report.diversity == pytest.approx((h21 / ln(3) + 1 + h21 / ln(3) + 0) / 4)
    assert report.classification == STRUCTURAL


def test_family_report(corpus):
    report = capitalise_issue(corpus, "F")
    assert report.kind == "family"
    assert report.experiences == (E[1], E[2], E[4], E[5])
    assert report.lessons == (f"{E[4]}/lesson/1",)  # the lesson concerning savings


@pytest.mark.parametrize(
    ("thresholds", "expected"),
    [
        # canteen: e3, e4, e6, e7, e8 in peri, urban, city.
        # type {urban 4, peri 1} 0.50040/ln 3 = 0.45549;
        # population {>200k 3, 10k-50k 2} 0.67301/ln 4 = 0.48548;
        # region {3,1,1} 0.95028/ln 4 = 0.68548; period {2020s 3, 2000s 1, 2010s 1} 0.95028/ln 3 = 0.86498.
        # Diversity = 0.62286.
        ({}, STRUCTURAL),
        ({"min_diversity": 0.7}, CIRCUMSTANTIAL),  # 0.62 < 0.7
        ({"min_territories": 4}, UNDECIDABLE),  # 3 territories < 4
        ({"min_cases": 6}, UNDECIDABLE),  # 5 cases < 6
    ],
)
def test_thresholds_are_options(corpus, thresholds, expected):
    report = capitalise(corpus, "canteen", **thresholds)
    assert report.diversity == pytest.approx(0.62286, abs=1e-5)
    assert report.classification == expected


def test_unknown_threshold_is_refused(corpus):
    with pytest.raises(TypeError, match="min_case"):
        capitalise(corpus, "P", min_case=2)


def test_lesson_report(corpus):
    report = capitalise_lesson(corpus, "e6/lesson/1")
    assert report.kind == "lesson"
    assert report.declared == "structural"
    assert report.experiences == (E[6], E[7], E[8])
    assert report.lessons == (f"{E[6]}/lesson/1", f"{E[7]}/lesson/1")
    assert report.classification == CIRCUMSTANTIAL


def test_capitalise_dispatches_on_lessons_and_labels(corpus):
    assert capitalise(corpus, "e1/lesson/1").kind == "lesson"
    assert capitalise(corpus, "create the conditions of ENGAGEMENT").subject == P["P"]
    assert capitalise(corpus, "Créer les conditions de l'engagement").subject == P["P"]


def test_capitalise_principles_ranks_structural_first(corpus):
    reports = capitalise_principles(corpus)
    # structural P; circumstantial R; undecidable Q (2 territories) before P1 (1 territory)
    assert [(r.subject, r.classification) for r in reports] == [
        (P["P"], STRUCTURAL),
        (P["R"], CIRCUMSTANTIAL),
        (P["Q"], UNDECIDABLE),
        (P["P1"], UNDECIDABLE),
    ]


@pytest.mark.parametrize("name", ["nothing", "e9/lesson/1"])
def test_unknown_names_raise(corpus, name):
    with pytest.raises(NotFoundError, match="unknown"):
        capitalise(corpus, name)


def test_principle_report_refuses_an_issue(corpus):
    with pytest.raises(NotFoundError, match="unknown principle 'canteen'"):
        capitalise_principle(corpus, "canteen")


def test_reports_are_deterministic():
    first = [capitalise(mini_atlas(), n) for n in ("P", "canteen", "e1/lesson/1")]
    second = [capitalise(mini_atlas(), n) for n in ("P", "canteen", "e1/lesson/1")]
    assert first == second


def test_within_restricts_the_cases(corpus):
    # P within the two rural territories: e1, e2 only
    report = capitalise(corpus, "P", within=["rural-a", "rural-b"])
    assert (report.experiences, report.classification) == ((E[1], E[2]), UNDECIDABLE)
    # canteen within the `towns` community (peri, urban): e3, e4; within city: e6, e7, e8
    assert capitalise(corpus, "canteen", within=["towns"]).experiences == (E[3], E[4])
    city = capitalise(corpus, "canteen", within=["city"])
    assert (city.cases, city.classification) == (3, CIRCUMSTANTIAL)
    # in city: R (e6-e8, circumstantial), then P (e5 through its lesson), Q and P1 (none)
    assert [r.cases for r in capitalise_principles(corpus, within=["city"])] == [3, 1, 0, 0]
    with pytest.raises(NotFoundError, match="unknown"):
        capitalise(corpus, "P", within=["atlantis"])
