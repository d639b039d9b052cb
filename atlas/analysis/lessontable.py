"""Lessons as arrays: which experience drew each lesson, and which issues it concerns.

Reading 100,000 :class:`~atlas.model.LessonInfo` objects costs a command
about 0.3 s; this table holds what the candidate evidence needs from them in a
few arrays, memoised (and saved beside the store) per corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from atlas.analysis.memo import memoised
from atlas.analysis.sortedsets import sorted_unique
from atlas.model import Corpus


@dataclass(frozen=True, eq=False)
class LessonTable:
    """The lessons of a corpus, by experience.

    Attributes
    ----------
    iris : tuple of str
        Lesson IRIs, in ``corpus.lessons`` order.
    drawn : scipy.sparse.csr_matrix
        ``experiences × lessons``: 1 where the experience drew the lesson.
    concerns : tuple of str
        Every IRI a lesson concerns, sorted.
    concerning_matrix : scipy.sparse.csr_matrix
        ``lessons × concerns``: 1 where the lesson concerns the issue.
    """

    iris: tuple[str, ...]
    drawn: sp.csr_matrix
    concerns: tuple[str, ...]
    concerning_matrix: sp.csr_matrix

    def concerning(self, rows: np.ndarray, issues: Iterable[str]) -> tuple[str, ...]:
        """Return the sorted IRIs of the lessons drawn by experience ``rows`` that concern any of ``issues``.

        Examples
        --------
        >>> from atlas.model import LessonInfo, corpus_from_records
        >>> c = corpus_from_records({"e1": ("a",), "e2": ("a",)}, lessons=(
        ...     LessonInfo("e1/lesson/1", "e1", None, issues=("a",)),
        ...     LessonInfo("e2/lesson/1", "e2", None, issues=("b",))))
        >>> lesson_table(c).concerning(np.array([0, 1]), {"a"})
        ('e1/lesson/1',)
        """
        chosen = set(issues)
        wanted = np.array([j for j, iri in enumerate(self.concerns) if iri in chosen], dtype=np.int64)
        if not len(rows) or not len(wanted):
            return ()
        lessons = sorted_unique(self.drawn[np.asarray(rows)].indices)
        hit = np.asarray(self.concerning_matrix[lessons][:, wanted].sum(axis=1)).ravel() > 0
        return tuple(sorted(self.iris[n] for n in lessons[hit].tolist()))


def lesson_table(corpus: Corpus) -> LessonTable:
    """Return the :class:`LessonTable` of ``corpus`` (built once per corpus and store content)."""
    return memoised(corpus, "lesson_table", lambda: build_lesson_table(corpus))


def build_lesson_table(corpus: Corpus) -> LessonTable:
    """Index the lessons of ``corpus`` (see :class:`LessonTable`); lessons of unknown experiences are kept unlinked.

    Examples
    --------
    >>> from atlas.model import LessonInfo, corpus_from_records
    >>> c = corpus_from_records({"e1": ("a",)}, lessons=(LessonInfo("e1/lesson/1", "e1", None, issues=("a", "b")),))
    >>> t = build_lesson_table(c)
    >>> t.iris, t.drawn.toarray().tolist(), t.concerns, t.concerning_matrix.toarray().tolist()
    (('e1/lesson/1',), [[1.0]], ('a', 'b'), [[1.0, 1.0]])
    """
    lessons = corpus.lessons
    row = {e: r for r, e in enumerate(corpus.experiences)}
    drawn_rows = np.array([row.get(lesson.experience, -1) for lesson in lessons], dtype=np.int64)
    linked = np.flatnonzero(drawn_rows >= 0)
    drawn = sp.csr_matrix((np.ones(len(linked)), (drawn_rows[linked], linked)),
                          shape=(len(corpus.experiences), len(lessons)))
    concerns = tuple(sorted({i for lesson in lessons for i in lesson.issues}))
    col = {i: j for j, i in enumerate(concerns)}
    lesson_of = np.repeat(np.arange(len(lessons)), [len(set(lesson.issues)) for lesson in lessons])
    cols = np.array([col[i] for lesson in lessons for i in sorted(set(lesson.issues))], dtype=np.int64)
    matrix = sp.csr_matrix((np.ones(len(cols)), (lesson_of, cols)), shape=(len(lessons), len(concerns)))
    for m in (drawn, matrix):
        m.sum_duplicates()
        m.sort_indices()
    return LessonTable(tuple(lesson.iri for lesson in lessons), drawn, concerns, matrix)
