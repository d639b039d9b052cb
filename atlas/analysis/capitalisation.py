"""Capitalisation: does a principle, an issue or a lesson recur across diverse contexts?

A learning community confronts actions of the same nature carried out in very
different contexts, to sort what came from circumstances from what is
structural. Here the cases of a subject (:mod:`atlas.analysis.cases`) are
counted by territory and context class, their diversity measured
(:mod:`atlas.analysis.contexts`), and the subject classified:

``undecidable``
    fewer than ``min_cases`` cases, or recurring in more than one but fewer
    than ``min_territories`` territories;
``circumstantial``
    enough cases, but all in one territory or one context class, or in
    contexts whose diversity is below ``min_diversity``;
``structural``
    at least ``min_cases`` cases in at least ``min_territories`` territories,
    with diversity at least ``min_diversity``.

Lessons that contributors marked structural or circumstantial are checked
against this classification by :func:`check_lessons`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from atlas.analysis.cases import CaseIndex, case_index, find_lesson, narrower_closure, with_row
from atlas.analysis.contexts import ContextTable, context_table, describe_rows, measure_entries, sorted_unique
from atlas.analysis.memo import memoised
from atlas.analysis.names import resolve_name
from atlas.errors import NotFoundError
from atlas.model import Corpus, LessonInfo

STRUCTURAL = "structural"
CIRCUMSTANTIAL = "circumstantial"
UNDECIDABLE = "undecidable"

DEFAULT_THRESHOLDS = {"min_cases": 3, "min_territories": 3, "min_diversity": 0.5}


@dataclass(frozen=True)
class CapitalisationReport:
    """How a principle, issue or lesson recurs, and what that says of it.

    Attributes
    ----------
    subject : str
        The IRI of the principle, issue, family or lesson.
    kind : str
        ``principle``, ``issue``, ``family`` or ``lesson``.
    classification : str
        ``structural``, ``circumstantial`` or ``undecidable``.
    reasons : tuple of str
        Why, in words, with the numbers and thresholds.
    cases : int
        Number of experiences that are cases of the subject.
    experiences, territories : tuple of str
        The cases and their territories, sorted.
    lessons : tuple of str
        Lessons, among the cases, that support the principle or concern the issue.
    entropy : dict of str to float
        Normalised entropy per context dimension (type, population, region, period).
    diversity : float
        Mean entropy over the dimensions that vary in the corpus.
    distribution : dict of str to tuple of (str, int)
        Per dimension, each known value with its number of cases.
    context_classes : tuple of (tuple, int)
        Each distinct ``(type, population, region, period)`` with its number of cases.
    declared : str or None
        For a lesson, the scope its contributor gave.
    """

    subject: str
    kind: str
    classification: str
    reasons: tuple[str, ...]
    cases: int
    experiences: tuple[str, ...]
    territories: tuple[str, ...]
    lessons: tuple[str, ...]
    entropy: dict[str, float]
    diversity: float
    distribution: dict[str, tuple[tuple[str, int], ...]]
    context_classes: tuple[tuple[tuple[str | None, ...], int], ...]
    declared: str | None = None


def classify(
    cases: int,
    territories: int,
    classes: int,
    diversity: float,
    *,
    min_cases: int = 3,
    min_territories: int = 3,
    min_diversity: float = 0.5,
) -> tuple[str, tuple[str, ...]]:
    """Classify a subject from its recurrence; return ``(classification, reasons)``.

    Examples
    --------
    >>> classify(2, 2, 2, 1.0)
    ('undecidable', ('2 cases: fewer than min_cases=3',))
    >>> classify(4, 1, 2, 0.3)[0]
    'circumstantial'
    >>> classify(5, 4, 4, 0.7)
    ('structural', ('5 cases in 4 territories and 4 context classes, diversity 0.70 >= min_diversity=0.5',))
    """
    summary = (
        f"{_count(cases, 'case')} in {_count(territories, 'territory', 'territories')} "
        f"and {_count(classes, 'context class', 'context classes')}"
    )
    if cases < min_cases:
        return UNDECIDABLE, (f"{_count(cases, 'case')}: fewer than min_cases={min_cases}",)
    if territories <= 1:
        return CIRCUMSTANTIAL, (f"{summary}: all in one territory",)
    if classes <= 1:
        return CIRCUMSTANTIAL, (f"{summary}: all in one context class",)
    if territories < min_territories:
        return UNDECIDABLE, (f"{summary}: fewer territories than min_territories={min_territories}",)
    if diversity < min_diversity:
        return CIRCUMSTANTIAL, (f"{summary}, diversity {diversity:.2f} < min_diversity={min_diversity}",)
    return STRUCTURAL, (f"{summary}, diversity {diversity:.2f} >= min_diversity={min_diversity}",)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else many or one + 's'}"


def structural_mask(
    cases: np.ndarray,
    territories: np.ndarray,
    classes: np.ndarray,
    diversity: np.ndarray,
    *,
    min_cases: int = 3,
    min_territories: int = 3,
    min_diversity: float = 0.5,
) -> np.ndarray:
    """Return where :func:`classify` would answer ``structural``, for arrays of measures.

    Examples
    --------
    >>> structural_mask(np.array([5, 5]), np.array([4, 1]), np.array([4, 1]), np.array([0.7, 0.7])).tolist()
    [True, False]
    """
    return (
        (np.asarray(cases) >= min_cases)
        & (np.asarray(territories) >= max(2, min_territories))
        & (np.asarray(classes) >= 2)
        & (np.asarray(diversity) >= min_diversity)
    )


def _thresholds(overrides: dict) -> dict:
    unknown = sorted(set(overrides) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise TypeError(f"unknown threshold(s): {', '.join(unknown)}")
    return {**DEFAULT_THRESHOLDS, **overrides}


def _report(
    table: ContextTable,
    subject: str,
    kind: str,
    rows: np.ndarray,
    lessons: Iterable[str],
    thresholds: dict,
    declared: str | None = None,
) -> CapitalisationReport:
    described = describe_rows(table, rows)
    classification, reasons = classify(
        described.cases,
        len(described.territories),
        len(described.context_classes),
        described.diversity,
        **thresholds,
    )
    return CapitalisationReport(
        subject=subject,
        kind=kind,
        classification=classification,
        reasons=reasons,
        cases=described.cases,
        experiences=tuple(table.experiences[r] for r in sorted_unique(rows).tolist()),
        territories=described.territories,
        lessons=tuple(sorted(set(lessons))),
        entropy=described.entropy,
        diversity=described.diversity,
        distribution=described.distribution,
        context_classes=described.context_classes,
        declared=declared,
    )


def _lessons_about(corpus: Corpus, rows: np.ndarray, principles=frozenset(), issues=frozenset()) -> list[str]:
    """Lessons of the experiences at ``rows`` that support ``principles`` or concern ``issues``."""
    by_subject = memoised(corpus, "lessons_by_subject", lambda: _lessons_by_subject(corpus))
    index = case_index(corpus)
    chosen = np.zeros(len(corpus.experiences), dtype=bool)
    chosen[rows] = True
    found = {lesson for subject in principles | issues for lesson in by_subject.get(subject, ())}
    return [lesson.iri for lesson in found if (r := index.row(lesson.experience)) >= 0 and chosen[r]]


def _lessons_by_subject(corpus: Corpus) -> dict[str, list[LessonInfo]]:
    out: dict[str, list[LessonInfo]] = {}
    for lesson in corpus.lessons:
        for subject in {*lesson.principles, *lesson.issues}:
            out.setdefault(subject, []).append(lesson)
    return out


def capitalise(corpus: Corpus, name: str, **thresholds) -> CapitalisationReport:
    """Return the capitalisation report of the principle, issue, family or lesson named ``name``.

    ``name`` is a slug, IRI or label (see :func:`~atlas.analysis.names.resolve_name`),
    or a lesson IRI or its end (``le-mene-wind/lesson/1``). Keyword thresholds:
    ``min_cases`` (3), ``min_territories`` (3), ``min_diversity`` (0.5).

    Raises
    ------
    NotFoundError
        If ``name`` designates none of these.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("i",), "e2": ("i",), "e3": ("i",)},
    ...     kinds={"p": "principle", "i": "issue"},
    ...     experience_principles={"e1": ("p",), "e2": ("p",), "e3": ("p",)},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban"),
    ...                  "t3": TerritoryInfo("t3", type="peri-urban")})
    >>> r = capitalise(c, "p")
    >>> r.classification, r.cases, r.territories, r.diversity
    ('structural', 3, ('t1', 't2', 't3'), 1.0)
    >>> capitalise(c, "p", min_cases=4).classification
    'undecidable'
    """
    thresholds = _thresholds(thresholds)
    lessons = {lesson.iri for lesson in corpus.lessons}
    try:
        iri = resolve_name(corpus, name, kinds=("principle", "issue", "family"))
    except NotFoundError:
        if name in lessons or any(lesson.endswith("/" + name.strip("/")) for lesson in lessons):
            return capitalise_lesson(corpus, name, **thresholds)
        raise
    if corpus.kinds[iri] == "principle":
        return capitalise_principle(corpus, iri, **thresholds)
    return capitalise_issue(corpus, iri, **thresholds)


def capitalise_principle(corpus: Corpus, name: str, **thresholds) -> CapitalisationReport:
    """Return the capitalisation report of a principle (its sub-principles and supporting lessons included).

    Raises
    ------
    NotFoundError
        If ``name`` is not a principle.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("i",)}, kinds={"p": "principle"},
    ...                         experience_principles={"e1": ("p",)})
    >>> capitalise_principle(c, "p").reasons
    ('1 case: fewer than min_cases=3',)
    """
    thresholds = _thresholds(thresholds)
    iri = resolve_name(corpus, name, kinds=("principle",))
    return _principle_report(corpus, iri, case_index(corpus), context_table(corpus), thresholds)


def _principle_report(
    corpus: Corpus, iri: str, index: CaseIndex, table: ContextTable, thresholds: dict
) -> CapitalisationReport:
    rows = index.principle_rows([iri])
    below = narrower_closure(corpus.principle_broader, [iri])
    lessons = _lessons_about(corpus, rows, principles=below)
    return _report(table, iri, "principle", rows, lessons, thresholds)


def capitalise_issue(corpus: Corpus, name: str, **thresholds) -> CapitalisationReport:
    """Return the capitalisation report of an issue or family (narrower issues included).

    Raises
    ------
    NotFoundError
        If ``name`` is not an issue or family.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("i",), "e2": ("i",), "e3": ("i",)}, kinds={"i": "issue"},
    ...                         experience_territory={"e1": "t", "e2": "t", "e3": "t"})
    >>> capitalise_issue(c, "i").reasons
    ('3 cases in 1 territory and 1 context class: all in one territory',)
    """
    thresholds = _thresholds(thresholds)
    iri = resolve_name(corpus, name, kinds=("issue", "family"))
    table = context_table(corpus)
    rows = case_index(corpus).issue_rows([iri])
    below = narrower_closure(corpus.broader, [iri])
    lessons = _lessons_about(corpus, rows, issues=below)
    return _report(table, iri, corpus.kinds.get(iri, "issue"), rows, lessons, thresholds)


def capitalise_lesson(corpus: Corpus, name: str, **thresholds) -> CapitalisationReport:
    """Return the capitalisation report of a lesson: the recurrence of its principles on its issues.

    Raises
    ------
    NotFoundError
        If no lesson has that IRI or IRI ending.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, LessonInfo
    >>> lesson = LessonInfo("x/e1/lesson/1", "x/e1", "structural", issues=("i",))
    >>> c = corpus_from_records({"x/e1": ("i",), "x/e2": ("i",)}, lessons=(lesson,))
    >>> r = capitalise_lesson(c, "e1/lesson/1")
    >>> r.experiences, r.declared, r.classification
    (('x/e1', 'x/e2'), 'structural', 'undecidable')
    """
    thresholds = _thresholds(thresholds)
    lesson = find_lesson(corpus, name)
    table = context_table(corpus)
    rows = case_index(corpus).lesson_rows(lesson)
    principles = narrower_closure(corpus.principle_broader, lesson.principles)
    issues = narrower_closure(corpus.broader, lesson.issues)
    lessons = [lesson.iri, *_lessons_about(corpus, rows, principles=principles, issues=issues)]
    return _report(table, lesson.iri, "lesson", rows, lessons, thresholds, declared=lesson.scope)


def capitalise_principles(corpus: Corpus, **thresholds) -> list[CapitalisationReport]:
    """Return the capitalisation report of every principle, most recurrent and diverse first.

    Sorted by classification (structural, circumstantial, undecidable), then
    number of territories, diversity and cases (descending), then IRI.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("i",), "e2": ("i",)}, kinds={"p": "principle", "q": "principle"},
    ...     experience_principles={"e1": ("p", "q"), "e2": ("q",)},
    ...     experience_territory={"e1": "t1", "e2": "t2"})
    >>> [(r.subject, r.cases) for r in capitalise_principles(c)]
    [('q', 2), ('p', 1)]
    """
    thresholds = _thresholds(thresholds)
    index = case_index(corpus)
    table = context_table(corpus)
    reports = [_principle_report(corpus, p, index, table, thresholds) for p in index.principles]
    order = {STRUCTURAL: 0, CIRCUMSTANTIAL: 1, UNDECIDABLE: 2}
    return sorted(
        reports,
        key=lambda r: (order[r.classification], -len(r.territories), -r.diversity, -r.cases, r.subject),
    )


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
    thresholds = _thresholds(thresholds)
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
