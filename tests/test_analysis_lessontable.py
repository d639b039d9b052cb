"""The lesson table answers what the LessonInfo objects answer."""

from __future__ import annotations

import numpy as np

from atlas.analysis.lessontable import build_lesson_table
from atlas.model import LessonInfo, corpus_from_records


def test_lessons_by_experience_and_concern():
    lessons = (
        LessonInfo("e1/lesson/1", "e1", "structural", issues=("a", "b")),
        LessonInfo("e1/lesson/2", "e1", None, issues=("c",)),
        LessonInfo("e3/lesson/1", "e3", None, issues=("a",)),
        LessonInfo("gone/lesson/1", "gone", None, issues=("a",)),  # its experience is not in the corpus
    )
    c = corpus_from_records({"e1": ("a",), "e2": ("a",), "e3": ("b",)}, lessons=lessons)
    t = build_lesson_table(c)
    assert t.concerns == ("a", "b", "c")
    assert t.drawn.toarray().tolist() == [[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 1, 0]]
    # e1 and e3 drew lessons on a: e1/lesson/1 and e3/lesson/1; on c only e1/lesson/2.
    assert t.concerning(np.array([0, 1, 2]), {"a"}) == ("e1/lesson/1", "e3/lesson/1")
    assert t.concerning(np.array([0]), {"c", "zzz"}) == ("e1/lesson/2",)
    assert t.concerning(np.array([1]), {"a", "b", "c"}) == ()
    assert t.concerning(np.array([], dtype=np.int64), {"a"}) == ()
