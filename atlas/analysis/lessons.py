"""Lessons that contributors marked structural or circumstantial, confronted with the data.

A lesson's cases are those of its principles on its issues
(:mod:`atlas.analysis.cases`); they are classified like any subject
(:mod:`atlas.analysis.classification`) and the result compared with the scope
the contributor gave.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from atlas.analysis.cases import case_index, with_row
from atlas.analysis.classification import UNDECIDABLE, check_thresholds, classify
from atlas.analysis.contexts import context_table
from atlas.analysis.recurrence import measure_entries
from atlas.model import Corpus, LessonInfo


@dataclass(frozen=True)
class LessonCheck:
    """A contributor's scope for a lesson confronted with the data.

    ``status`` is ``agrees``, ``disagrees`` (the data decide the other way) or
    ``undecidable`` (too few cases to tell).
    """

    lesson: str
    experience: str
    declared: str
    computed: str
    status: str
    cases: int
    territories: int
    context_classes: int
    diversity: float
    reasons: tuple[str, ...]


def check_lessons(corpus: Corpus, **thresholds) -> list[LessonCheck]:
    """Check every lesson marked structural or circumstantial against its recurrence in the data.

    Disagreements come first, then undecidable checks, then agreements; by
    lesson IRI within each.

    Parameters
    ----------
    corpus : Corpus
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    list of LessonCheck

    Examples
    --------
    >>> from atlas.model import corpus_from_records, LessonInfo
    >>> lesson = LessonInfo("e1/lesson/1", "e1", "structural", issues=("i",))
    >>> c = corpus_from_records({"e1": ("i",), "e2": ("i",), "e3": ("i",)}, lessons=(lesson,),
    ...                         experience_territory={"e1": "t", "e2": "t", "e3": "t"})
    >>> check = check_lessons(c)[0]
    >>> check.declared, check.computed, check.status
    ('structural', 'circumstantial', 'disagrees')
    """
    thresholds = check_thresholds(thresholds)
    marked: list[LessonInfo] = sorted((x for x in corpus.lessons if x.scope), key=lambda x: x.iri)
    if not marked:
        return []
    index = case_index(corpus)
    table = context_table(corpus)
    # One set of cases per distinct (principles, issues) facet, measured all at once;
    # a lesson whose own experience is not among its facet's cases gets its own set.
    facet_col: dict[tuple, int] = {}
    own_col: dict[tuple, int] = {}
    sets: list[np.ndarray] = []
    column_of = []
    for lesson in marked:
        key = (frozenset(lesson.principles), frozenset(lesson.issues))
        if key not in facet_col:
            facet_col[key] = len(sets)
            sets.append(index.facet_rows(lesson.principles, lesson.issues))
        rows = sets[facet_col[key]]
        extended = with_row(rows, index.row(lesson.experience))
        if len(extended) == len(rows):
            column_of.append(facet_col[key])
            continue
        key = (*key, lesson.experience)
        if key not in own_col:
            own_col[key] = len(sets)
            sets.append(extended)
        column_of.append(own_col[key])
    lengths = np.array([len(x) for x in sets], dtype=np.int64)
    measures = measure_entries(
        table, np.concatenate(sets), np.repeat(np.arange(len(sets)), lengths), len(sets)
    )
    checks = []
    for lesson, j in zip(marked, column_of, strict=True):
        computed, reasons = classify(
            int(measures.cases[j]),
            int(measures.territories[j]),
            int(measures.classes[j]),
            float(measures.diversity[j]),
            **thresholds,
        )
        status = (
            "undecidable"
            if computed == UNDECIDABLE
            else "agrees"
            if computed == lesson.scope
            else "disagrees"
        )
        checks.append(
            LessonCheck(
                lesson=lesson.iri,
                experience=lesson.experience,
                declared=lesson.scope,
                computed=computed,
                status=status,
                cases=int(measures.cases[j]),
                territories=int(measures.territories[j]),
                context_classes=int(measures.classes[j]),
                diversity=float(measures.diversity[j]),
                reasons=reasons,
            )
        )
    order = {"disagrees": 0, "undecidable": 1, "agrees": 2}
    return sorted(checks, key=lambda c: (order[c.status], c.lesson))
