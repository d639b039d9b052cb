"""Capitalisation: does a principle, an issue or a lesson recur across diverse contexts?

A learning community confronts actions of the same nature carried out in very
different contexts, to sort what came from circumstances from what is
structural. Here the cases of a subject (:mod:`atlas.analysis.cases`) are
counted by territory and context class, their diversity measured
(:mod:`atlas.analysis.contexts`), and the subject classified structural,
circumstantial or undecidable (:mod:`atlas.analysis.classification`), with
the evidence.

Lessons that contributors marked structural or circumstantial are checked
against the same classification by :func:`atlas.analysis.lessons.check_lessons`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from atlas.analysis.cases import (
    CaseIndex,
    case_index,
    find_lesson,
    narrower_closure,
    territories_within,
)
from atlas.analysis.classification import CIRCUMSTANTIAL, STRUCTURAL, UNDECIDABLE, check_thresholds, classify
from atlas.analysis.contexts import ContextTable, context_table, describe_rows
from atlas.analysis.memo import memoised
from atlas.analysis.names import resolve_name
from atlas.analysis.sortedsets import sorted_unique
from atlas.errors import NotFoundError
from atlas.model import Corpus, LessonInfo


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


def capitalise(
    corpus: Corpus, name: str, *, within: Iterable[str] | None = None, **thresholds
) -> CapitalisationReport:
    """Return the capitalisation report of the principle, issue, family or lesson named ``name``.

    ``name`` is a slug, IRI or label (see :func:`~atlas.analysis.names.resolve_name`),
    or a lesson IRI or its end (``le-mene-wind/lesson/1``). Keyword thresholds:
    ``min_cases`` (3), ``min_territories`` (3), ``min_diversity`` (0.5).
    ``within`` restricts the cases to the experiences of some territories: names of
    territories, or of communities standing for their territory members
    (:func:`~atlas.analysis.cases.territories_within`).

    Parameters
    ----------
    corpus : Corpus
    name : str
        What the user typed.
    within : iterable of str, optional
        Territory or community names the cases must lie in.
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    CapitalisationReport

    Raises
    ------
    NotFoundError
        If ``name`` designates none of these.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("i",), "e2": ("i",), "e3": ("i",)},
    ...     kinds={"p": "principle", "i": "issue", "t1": "territory", "t2": "territory"},
    ...     experience_principles={"e1": ("p",), "e2": ("p",), "e3": ("p",)},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban"),
    ...                  "t3": TerritoryInfo("t3", type="peri-urban")})
    >>> r = capitalise(c, "p")
    >>> r.classification, r.cases, r.territories, r.diversity
    ('structural', 3, ('t1', 't2', 't3'), 1.0)
    >>> capitalise(c, "p", min_cases=4).classification
    'undecidable'
    >>> capitalise(c, "p", within=["t1", "t2"]).cases
    2
    """
    thresholds = check_thresholds(thresholds)
    try:
        iri = resolve_name(corpus, name, kinds=("principle", "issue", "family"))
    except NotFoundError:
        lessons = {lesson.iri for lesson in corpus.lessons}
        if name in lessons or any(lesson.endswith("/" + name.strip("/")) for lesson in lessons):
            return capitalise_lesson(corpus, name, within=within, **thresholds)
        raise
    if corpus.kinds[iri] == "principle":
        return capitalise_principle(corpus, iri, within=within, **thresholds)
    return capitalise_issue(corpus, iri, within=within, **thresholds)


def capitalise_principle(
    corpus: Corpus, name: str, *, within: Iterable[str] | None = None, **thresholds
) -> CapitalisationReport:
    """Return the capitalisation report of a principle (its sub-principles and supporting lessons included).

    Parameters
    ----------
    corpus : Corpus
    name : str
        Slug, IRI or label of the principle.
    within : iterable of str, optional
        Territory or community names the cases must lie in.
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    CapitalisationReport

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
    thresholds = check_thresholds(thresholds)
    iri = resolve_name(corpus, name, kinds=("principle",))
    keep = _keep(corpus, within)
    return _principle_report(corpus, iri, case_index(corpus), context_table(corpus), thresholds, keep)


def _keep(corpus: Corpus, within: Iterable[str] | None) -> np.ndarray | None:
    """Which experiences lie in the ``within`` territories (None: all)."""
    if within is None:
        return None
    table = context_table(corpus)
    territories = territories_within(corpus, within)
    chosen = np.array([t in territories for t in table.territories] + [False], dtype=bool)
    return chosen[table.territory_of]  # index -1 (no territory) reads the final False


def _restrict(rows: np.ndarray, keep: np.ndarray | None) -> np.ndarray:
    """The ``rows`` that ``keep`` (from :func:`_keep`) retains (all when None)."""
    return rows if keep is None else rows[keep[rows]]


def _principle_report(
    corpus: Corpus, iri: str, index: CaseIndex, table: ContextTable, thresholds: dict, keep: np.ndarray | None
) -> CapitalisationReport:
    rows = _restrict(index.principle_rows([iri]), keep)
    below = narrower_closure(corpus.principle_broader, [iri])
    lessons = _lessons_about(corpus, rows, principles=below)
    return _report(table, iri, "principle", rows, lessons, thresholds)


def capitalise_issue(
    corpus: Corpus, name: str, *, within: Iterable[str] | None = None, **thresholds
) -> CapitalisationReport:
    """Return the capitalisation report of an issue or family (narrower issues included).

    Parameters
    ----------
    corpus : Corpus
    name : str
        Slug, IRI or label of the issue or family.
    within : iterable of str, optional
        Territory or community names the cases must lie in.
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    CapitalisationReport

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
    thresholds = check_thresholds(thresholds)
    iri = resolve_name(corpus, name, kinds=("issue", "family"))
    table = context_table(corpus)
    rows = _restrict(case_index(corpus).issue_rows([iri]), _keep(corpus, within))
    below = narrower_closure(corpus.broader, [iri])
    lessons = _lessons_about(corpus, rows, issues=below)
    return _report(table, iri, corpus.kinds.get(iri, "issue"), rows, lessons, thresholds)


def capitalise_lesson(
    corpus: Corpus, name: str, *, within: Iterable[str] | None = None, **thresholds
) -> CapitalisationReport:
    """Return the capitalisation report of a lesson: the recurrence of its principles on its issues.

    Parameters
    ----------
    corpus : Corpus
    name : str
        The lesson's IRI or its end.
    within : iterable of str, optional
        Territory or community names the cases must lie in.
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    CapitalisationReport
        With ``declared`` set to the contributor's scope.

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
    thresholds = check_thresholds(thresholds)
    lesson = find_lesson(corpus, name)
    table = context_table(corpus)
    rows = _restrict(case_index(corpus).lesson_rows(lesson), _keep(corpus, within))
    principles = narrower_closure(corpus.principle_broader, lesson.principles)
    issues = narrower_closure(corpus.broader, lesson.issues)
    lessons = [lesson.iri, *_lessons_about(corpus, rows, principles=principles, issues=issues)]
    return _report(table, lesson.iri, "lesson", rows, lessons, thresholds, declared=lesson.scope)


def capitalise_principles(
    corpus: Corpus, *, within: Iterable[str] | None = None, **thresholds
) -> list[CapitalisationReport]:
    """Return the capitalisation report of every principle, most recurrent and diverse first.

    Sorted by classification (structural, circumstantial, undecidable), then
    number of territories, diversity and cases (descending), then IRI.

    Parameters
    ----------
    corpus : Corpus
    within : iterable of str, optional
        Territory or community names the cases must lie in.
    **thresholds
        ``min_cases``, ``min_territories``, ``min_diversity``.

    Returns
    -------
    list of CapitalisationReport

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("i",), "e2": ("i",)}, kinds={"p": "principle", "q": "principle"},
    ...     experience_principles={"e1": ("p", "q"), "e2": ("q",)},
    ...     experience_territory={"e1": "t1", "e2": "t2"})
    >>> [(r.subject, r.cases) for r in capitalise_principles(c)]
    [('q', 2), ('p', 1)]
    """
    thresholds = check_thresholds(thresholds)
    index = case_index(corpus)
    table = context_table(corpus)
    keep = _keep(corpus, within)
    reports = [_principle_report(corpus, p, index, table, thresholds, keep) for p in index.principles]
    order = {STRUCTURAL: 0, CIRCUMSTANTIAL: 1, UNDECIDABLE: 2}
    return sorted(
        reports,
        key=lambda r: (order[r.classification], -len(r.territories), -r.diversity, -r.cases, r.subject),
    )
