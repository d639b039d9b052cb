"""Which experiences are cases of a principle, an issue or a lesson."""

from __future__ import annotations

import pytest

from atlas.analysis.cases import (
    build_case_index,
    case_index,
    find_lesson,
    narrower_closure,
    principle_matrix,
    principles_of,
)
from atlas.errors import NotFoundError
from atlas.model import LessonInfo, corpus_from_records

# Principles: p > p-sub > p-sub-sub, q.  Issues: F > a > a1, F > b.
LESSONS = (
    LessonInfo("x/e3/lesson/1", "x/e3", "structural", principles=("q",)),
    LessonInfo("x/e4/lesson/1", "x/e4", None, principles=("p",), issues=("a",)),
    LessonInfo("y/e4/lesson/1", "y/e4", None),
)


@pytest.fixture
def corpus():
    return corpus_from_records(
        {"x/e1": ("a1",), "x/e2": ("b",), "x/e3": ("a",), "x/e4": ("b",), "y/e4": ("b",)},
        broader={"a": ("F",), "a1": ("a",), "b": ("F",)},
        kinds={"p": "principle"},
        principle_broader={"p-sub": ("p",), "p-sub-sub": ("p-sub",)},
        experience_principles={"x/e1": ("p-sub-sub",), "x/e2": ("p",), "x/e3": ("p-sub",)},
        lessons=LESSONS,
    )


def test_narrower_closure_tolerates_cycles():
    assert narrower_closure({"a": ("b",), "b": ("a",), "c": ("a",)}, ["a"]) == {"a", "b", "c"}


def test_principles_include_undeclared_ones(corpus):
    assert principles_of(corpus) == ("p", "p-sub", "p-sub-sub", "q")


def test_principle_matrix_climbs_the_hierarchy(corpus):
    _, matrix = principle_matrix(corpus)
    # rows x/e1 … y/e4; x/e1 illustrates p-sub-sub, hence p-sub and p; x/e3's lesson supports q
    assert matrix.toarray().tolist() == [
        [1, 1, 1, 0],
        [1, 0, 0, 0],
        [1, 1, 0, 1],
        [1, 0, 0, 0],
        [0, 0, 0, 0],
    ]


def test_case_index_rows(corpus):
    index = build_case_index(corpus)
    assert index.issue_rows(["F"]).tolist() == [0, 1, 2, 3, 4]
    assert index.issue_rows(["a"]).tolist() == [0, 2]
    assert index.principle_rows(["p-sub"]).tolist() == [0, 2]
    assert index.principle_rows(["unknown"]).tolist() == []
    # cases of p that address a: x/e1 (a1 < a), x/e3; plus the lesson's own x/e4
    assert index.facet_rows(["p"], ["a"]).tolist() == [0, 2]
    assert index.lesson_rows(LESSONS[1]).tolist() == [0, 2, 3]
    assert index.lesson_rows(LESSONS[2]).tolist() == [4]  # no facet: only its own experience


def test_case_index_is_memoised(corpus):
    assert case_index(corpus) is case_index(corpus)


def test_find_lesson(corpus):
    assert find_lesson(corpus, "x/e3/lesson/1") is LESSONS[0]
    assert find_lesson(corpus, "e3/lesson/1") is LESSONS[0]
    with pytest.raises(NotFoundError, match="ambiguous"):
        find_lesson(corpus, "e4/lesson/1")
    with pytest.raises(NotFoundError, match="unknown lesson 'e5/lesson/1'"):
        find_lesson(corpus, "e5/lesson/1")
