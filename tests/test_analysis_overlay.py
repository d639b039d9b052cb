"""Evidence of principles on issues.

    e1: a, b   illustrates p
    e2: a      illustrates p-sub (sub-principle of p)
    e3: a, c   draws a lesson supporting q
    e4: c      —

a: 3 experiences; cases of p: e1, e2 (through p-sub) -> 2 (share 2/3); of p-sub: e2 -> 1; of q: e3 -> 1.
b: 1 experience, e1 -> p 1 (share 1). c: e3, e4 -> q 1 (share 1/2).
"""

from __future__ import annotations

import pytest

from atlas.analysis.overlay import principle_evidence
from atlas.model import LessonInfo, corpus_from_records


def corpus():
    return corpus_from_records(
        {"e1": ("a", "b"), "e2": ("a",), "e3": ("a", "c"), "e4": ("c",)},
        experience_principles={"e1": ("p",), "e2": ("p-sub",)},
        principle_broader={"p-sub": ("p",)},
        lessons=(LessonInfo("e3/lesson/1", "e3", None, principles=("q",)),),
    )


def test_counts_and_shares():
    ev = principle_evidence(corpus())
    assert ev.issues == ("a", "b", "c") and ev.principles == ("p", "p-sub", "q")
    assert ev.counts.toarray().tolist() == [[2.0, 1.0, 1.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    assert ev.occurrences.tolist() == [3.0, 1.0, 2.0]
    assert ev.share(0, 0) == pytest.approx(2 / 3)
    assert ev.share(2, 2) == pytest.approx(1 / 2)
    assert ev.share(1, 2) == 0.0


def test_computed_once_per_corpus():
    c = corpus()
    assert principle_evidence(c) is principle_evidence(c)


def test_an_issue_without_experiences_has_share_zero():
    c = corpus_from_records({"e1": ("a",)}, issues=("z",), experience_principles={"e1": ("p",)})
    ev = principle_evidence(c)
    assert ev.share(ev.issues.index("z"), 0) == 0.0
