"""Which experiences are cases of a principle, an issue or a lesson.

- An experience is a case of a **principle** when it illustrates the principle
  or one of its sub-principles, or draws a lesson that supports one of them.
- An experience is a case of an **issue** (or issue family) when it addresses
  the issue or one of its narrower issues.
- The cases of a **lesson** are the experiences that are cases of one of its
  principles *and* of one of its issues (only the facets the lesson names),
  plus the lesson's own experience.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from atlas.analysis.memo import memoised
from atlas.analysis.names import fold, resolve_name
from atlas.analysis.sortedsets import sorted_unique
from atlas.errors import NotFoundError
from atlas.model import Corpus, LessonInfo


def narrower_closure(broader: Mapping[str, tuple[str, ...]], roots: Iterable[str]) -> frozenset[str]:
    """Return ``roots`` and everything below them in a ``{child: parents}`` hierarchy.

    Cycles are tolerated.

    Examples
    --------
    >>> sorted(narrower_closure({"b": ("a",), "c": ("b",), "d": ("x",)}, ["a"]))
    ['a', 'b', 'c']
    """
    children: dict[str, list[str]] = {}
    for child, parents in broader.items():
        for parent in parents:
            children.setdefault(parent, []).append(child)
    seen = set(roots)
    stack = sorted(seen)
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return frozenset(seen)


def principles_of(corpus: Corpus) -> tuple[str, ...]:
    """Return every principle of ``corpus``, sorted: declared ones and any that experiences or lessons use.

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> principles_of(corpus_from_records({"e": ("i",)}, experience_principles={"e": ("p2",)},
    ...                                   kinds={"p1": "principle"}))
    ('p1', 'p2')
    """
    found = {iri for iri, kind in corpus.kinds.items() if kind == "principle"}
    found.update(p for ps in corpus.experience_principles.values() for p in ps)
    found.update(p for lesson in corpus.lessons for p in lesson.principles)
    for child, parents in corpus.principle_broader.items():
        found.add(child)
        found.update(parents)
    return tuple(sorted(found))


def principle_matrix(corpus: Corpus) -> tuple[tuple[str, ...], sp.csc_matrix]:
    """Return ``(principles, matrix)``: which experiences are cases of which principle.

    ``matrix`` is ``len(corpus.experiences) × len(principles)``, 1.0 where the
    experience illustrates the principle or a sub-principle, or draws a lesson
    supporting one of them.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    principles : tuple of str
    matrix : scipy.sparse.csc_matrix

    Examples
    --------
    >>> from atlas.model import corpus_from_records, LessonInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("i",), "e2": ("i",), "e3": ("i",)},
    ...     experience_principles={"e1": ("p-sub",)},
    ...     principle_broader={"p-sub": ("p",)},
    ...     lessons=(LessonInfo("e3/lesson/1", "e3", None, principles=("p",)),))
    >>> ps, m = principle_matrix(c)
    >>> ps, m.toarray().tolist()     # e1 counts for p through its sub-principle; e3 through its lesson
    (('p', 'p-sub'), [[1.0, 1.0], [0.0, 0.0], [1.0, 0.0]])
    """
    principles = principles_of(corpus)
    col = {p: j for j, p in enumerate(principles)}
    rows, cols = [], []
    for r, e in enumerate(corpus.experiences):
        for p in corpus.experience_principles.get(e, ()):
            rows.append(r)
            cols.append(col[p])
    row = {e: r for r, e in enumerate(corpus.experiences)} if corpus.lessons else {}
    for lesson in corpus.lessons:
        if lesson.experience in row:
            rows.extend(row[lesson.experience] for _ in lesson.principles)
            cols.extend(col[p] for p in lesson.principles)
    shape = (len(corpus.experiences), len(principles))
    direct = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
    # Being a case of a sub-principle makes a case of every principle above it.
    up_rows, up_cols = [], []
    for p in principles:
        for a in _ancestors(corpus.principle_broader, p):
            up_rows.append(col[p])
            up_cols.append(col[a])
    up = sp.csr_matrix((np.ones(len(up_rows)), (up_rows, up_cols)), shape=(len(principles), len(principles)))
    matrix = sp.csc_matrix(direct @ up)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return principles, matrix


def _ancestors(broader: Mapping[str, tuple[str, ...]], start: str) -> set[str]:
    seen, stack = {start}, [start]
    while stack:
        for parent in broader.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


@dataclass(frozen=True, eq=False)
class CaseIndex:
    """Find the cases of issues, principles and lessons quickly; build it once with :func:`build_case_index`.

    Attributes
    ----------
    broader : mapping of str to tuple of str
        The corpus's issue hierarchy (``Corpus.broader``).
    principles : tuple of str
        Every principle (:func:`principles_of`), column order of ``principle_cases``.
    principle_cases : scipy.sparse.csc_matrix
        ``experiences × principles`` (:func:`principle_matrix`).
    issue_cases : scipy.sparse.csc_matrix
        The corpus incidence matrix, by column.
    """

    broader: Mapping[str, tuple[str, ...]]
    principles: tuple[str, ...]
    principle_cases: sp.csc_matrix
    issue_cases: sp.csc_matrix
    _row: dict[str, int] = field(default_factory=dict)
    _principle_col: dict[str, int] = field(default_factory=dict)
    _issue_col: dict[str, int] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict)

    def row(self, experience: str) -> int:
        """Return the row of ``experience`` (-1 if unknown)."""
        return self._row.get(experience, -1)

    def issue_columns(self, issues: Iterable[str]) -> np.ndarray:
        """Return the incidence columns of ``issues`` and of every issue narrower than them."""
        key = ("issue-columns", frozenset(issues))
        if key not in self._memo:
            wanted = narrower_closure(self.broader, key[1])
            self._memo[key] = np.array(
                sorted(self._issue_col[i] for i in wanted if i in self._issue_col), dtype=np.int64
            )
        return self._memo[key]

    def issue_rows(self, issues: Iterable[str]) -> np.ndarray:
        """Return the sorted rows of the experiences that address any of ``issues`` or a narrower issue."""
        return _union_of_columns(self.issue_cases, self.issue_columns(issues))

    def principle_rows(self, principles: Iterable[str]) -> np.ndarray:
        """Return the sorted rows of the experiences that are cases of any of ``principles``."""
        cols = np.array(
            sorted(self._principle_col[p] for p in set(principles) if p in self._principle_col),
            dtype=np.int64,
        )
        return _union_of_columns(self.principle_cases, cols)

    def facet_rows(self, principles: Iterable[str] = (), issues: Iterable[str] = ()) -> np.ndarray:
        """Return the sorted rows of the cases of any of ``principles`` that address any of ``issues``.

        An empty facet does not restrict; both empty give no rows.
        """
        principles, issues = tuple(principles), tuple(issues)
        if not issues:
            return self.principle_rows(principles)
        rows = self.issue_rows(issues)
        if principles:
            mask = self._principle_mask()
            keep = np.zeros(len(rows), dtype=bool)
            for p in sorted(set(principles)):
                if p in self._principle_col:
                    keep |= mask[self._principle_col[p]][rows]
            rows = rows[keep]
        return rows

    def lesson_rows(self, lesson: LessonInfo) -> np.ndarray:
        """Return the sorted rows of the cases of ``lesson`` (see the module docstring)."""
        return with_row(self.facet_rows(lesson.principles, lesson.issues), self.row(lesson.experience))

    def _principle_mask(self) -> np.ndarray:
        # principles × experiences booleans, one contiguous row per principle
        if "principle-mask" not in self._memo:
            self._memo["principle-mask"] = np.ascontiguousarray(self.principle_cases.T.toarray() > 0)
        return self._memo["principle-mask"]


def with_row(rows: np.ndarray, row: int) -> np.ndarray:
    """Return the sorted ``rows`` with ``row`` added (unchanged if present or negative).

    Examples
    --------
    >>> with_row(np.array([1, 5]), 3).tolist(), with_row(np.array([1, 5]), 5).tolist()
    ([1, 3, 5], [1, 5])
    """
    at = int(np.searchsorted(rows, row))
    if row < 0 or (at < len(rows) and rows[at] == row):
        return rows
    return np.insert(rows, at, row).astype(np.int64)


def _union_of_columns(matrix: sp.csc_matrix, columns: np.ndarray) -> np.ndarray:
    if len(columns) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(columns) == 1:
        j = int(columns[0])
        return matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]].astype(np.int64)
    parts = [matrix.indices[matrix.indptr[j] : matrix.indptr[j + 1]] for j in columns.tolist()]
    return sorted_unique(np.concatenate(parts))


def case_index(corpus: Corpus) -> CaseIndex:
    """Return the :class:`CaseIndex` of ``corpus``, built once per corpus object (read-only).

    Examples
    --------
    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)})
    >>> case_index(c) is case_index(c)
    True
    """
    return memoised(corpus, "case_index", lambda: build_case_index(corpus))


def build_case_index(corpus: Corpus) -> CaseIndex:
    """Index the cases of every issue, principle and lesson of ``corpus``.

    Parameters
    ----------
    corpus : Corpus

    Returns
    -------
    CaseIndex

    Examples
    --------
    >>> from atlas.model import corpus_from_records, LessonInfo
    >>> lesson = LessonInfo("e1/lesson/1", "e1", "structural", principles=("p",), issues=("i",))
    >>> c = corpus_from_records(
    ...     {"e1": ("j",), "e2": ("i-sub",), "e3": ("i",), "e4": ("j",)},
    ...     broader={"i-sub": ("i",)},
    ...     experience_principles={"e2": ("p",), "e4": ("p",)}, lessons=(lesson,))
    >>> index = build_case_index(c)
    >>> index.issue_rows(["i"]).tolist(), index.principle_rows(["p"]).tolist()
    ([1, 2], [0, 1, 3])
    >>> index.lesson_rows(lesson).tolist()   # e2 has p and (through i-sub) i; e1 is the lesson's own
    [0, 1]
    """
    principles, cases = principle_matrix(corpus)
    incidence = sp.csc_matrix(corpus.incidence, copy=True)
    incidence.eliminate_zeros()
    incidence.sort_indices()
    cases.sum_duplicates()
    cases.sort_indices()
    return CaseIndex(
        broader=corpus.broader,
        principles=principles,
        principle_cases=cases,
        issue_cases=incidence,
        _row={e: i for i, e in enumerate(corpus.experiences)},
        _principle_col={p: j for j, p in enumerate(principles)},
        _issue_col={i: j for j, i in enumerate(corpus.issues)},
    )


def territories_within(corpus: Corpus, names: Iterable[str]) -> frozenset[str]:
    """Return the territories that ``names`` designate, with the territories they contain.

    A name is a territory, or a community, work area or journey standing for
    its territory members (slug, IRI or label).

    Parameters
    ----------
    corpus : Corpus
    names : iterable of str

    Returns
    -------
    frozenset of str

    Raises
    ------
    NotFoundError
        If a name designates none of these.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, CommunityInfo, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {}, kinds={"t1": "territory", "t2": "territory", "t3": "territory", "c": "community"},
    ...     territories={"t3": TerritoryInfo("t3", parent="t2")},
    ...     communities={"c": CommunityInfo("c", "community", members=("t2", "some-actor"))})
    >>> sorted(territories_within(c, ["c", "t1"]))
    ['t1', 't2', 't3']
    """
    found: set[str] = set()
    for name in names:
        iri = resolve_name(corpus, name, kinds=("territory", "community", "workarea", "journey"))
        if corpus.kinds.get(iri) == "territory":
            found.add(iri)
        else:
            info = corpus.communities.get(iri)
            found.update(m for m in (info.members if info else ()) if corpus.kinds.get(m) == "territory")
    parents = {t: (info.parent,) for t, info in corpus.territories.items() if info.parent}
    return narrower_closure(parents, found)


def find_lesson(corpus: Corpus, name: str) -> LessonInfo:
    """Return the lesson named by its IRI or by the end of it (``le-mene-wind/lesson/1``).

    Parameters
    ----------
    corpus : Corpus
    name : str

    Returns
    -------
    LessonInfo

    Raises
    ------
    NotFoundError
        If no lesson, or several, match.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, LessonInfo
    >>> c = corpus_from_records({"x/e1": ("i",)}, lessons=(LessonInfo("x/e1/lesson/1", "x/e1", None),))
    >>> find_lesson(c, "e1/lesson/1").iri
    'x/e1/lesson/1'
    >>> find_lesson(c, "e1/lesson/2")
    Traceback (most recent call last):
    ...
    atlas.errors.NotFoundError: unknown lesson 'e1/lesson/2'
    """
    by_iri = {lesson.iri: lesson for lesson in corpus.lessons}
    if name in by_iri:
        return by_iri[name]
    key = fold(name.strip("/"))
    hits = [
        lesson for iri, lesson in sorted(by_iri.items()) if fold(iri).endswith("/" + key) or fold(iri) == key
    ]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise NotFoundError(f"lesson {name!r} is ambiguous: {', '.join(h.iri for h in hits[:5])}")
    raise NotFoundError(f"unknown lesson {name!r}")
