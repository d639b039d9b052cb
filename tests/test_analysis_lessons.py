"""Lessons marked structural or circumstantial, checked against the data.

The mini atlas is the one of tests/test_analysis_capitalisation.py (see its docstring).
"""

from __future__ import annotations

import pytest

from atlas.analysis.capitalisation import capitalise
from atlas.analysis.classification import CIRCUMSTANTIAL, STRUCTURAL, UNDECIDABLE
from atlas.analysis.lessons import check_lessons
from atlas.model import LessonInfo, corpus_from_records
from tests.test_analysis_capitalisation import E, mini_atlas


@pytest.fixture
def corpus():
    return mini_atlas()


def test_check_lessons_reports_disagreements_first(corpus):
    checks = check_lessons(corpus)
    assert [(c.lesson, c.declared, c.computed, c.status) for c in checks] == [
        (f"{E[6]}/lesson/1", "structural", CIRCUMSTANTIAL, "disagrees"),
        (f"{E[3]}/lesson/1", "circumstantial", UNDECIDABLE, "undecidable"),  # Q ∩ canteen: e3, e4
        (f"{E[4]}/lesson/1", "circumstantial", UNDECIDABLE, "undecidable"),  # savings: e1, e4
        (f"{E[1]}/lesson/1", "structural", STRUCTURAL, "agrees"),
        (f"{E[7]}/lesson/1", "circumstantial", CIRCUMSTANTIAL, "agrees"),
    ]
    by_lesson = {c.lesson: c for c in checks}
    assert by_lesson[f"{E[1]}/lesson/1"].diversity == pytest.approx(capitalise(corpus, "P").diversity)
    assert by_lesson[f"{E[3]}/lesson/1"].cases == 2


def test_check_lessons_counts_the_lessons_own_experience():
    # The lesson concerns `b`, which its own experience does not address: its cases are e2, e3 and e1.
    lesson_ = LessonInfo("e1/lesson/1", "e1", "structural", issues=("b",))
    c = corpus_from_records(
        {"e1": ("a",), "e2": ("b",), "e3": ("b",)},
        lessons=(lesson_,),
        experience_territory={"e1": "t1", "e2": "t2", "e3": "t3"},
    )
    (check,) = check_lessons(c)
    assert (check.cases, check.territories) == (3, 3)


def test_checks_are_deterministic():
    assert check_lessons(mini_atlas()) == check_lessons(mini_atlas())


def test_no_marked_lesson():
    assert check_lessons(corpus_from_records({"e1": ("a",)})) == []
