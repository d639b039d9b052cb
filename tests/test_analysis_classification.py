"""The structural / circumstantial / undecidable classification."""

from __future__ import annotations

import numpy as np
import pytest

from atlas.analysis.classification import (
    CIRCUMSTANTIAL,
    STRUCTURAL,
    UNDECIDABLE,
    check_thresholds,
    classify,
    structural_mask,
)


@pytest.mark.parametrize(
    ("measures", "expected"),
    [
        ((2, 2, 2, 1.0), (UNDECIDABLE, "2 cases: fewer than min_cases=3")),
        (
            (5, 1, 3, 0.9),
            (CIRCUMSTANTIAL, "5 cases in 1 territory and 3 context classes: all in one territory"),
        ),
        (
            (5, 3, 1, 0.0),
            (CIRCUMSTANTIAL, "5 cases in 3 territories and 1 context class: all in one context class"),
        ),
        (
            (5, 2, 2, 0.9),
            (
                UNDECIDABLE,
                "5 cases in 2 territories and 2 context classes: fewer territories than min_territories=3",
            ),
        ),
        (
            (5, 3, 3, 0.4),
            (
                CIRCUMSTANTIAL,
                "5 cases in 3 territories and 3 context classes, diversity 0.40 < min_diversity=0.5",
            ),
        ),
        (
            (3, 3, 3, 0.5),
            (
                STRUCTURAL,
                "3 cases in 3 territories and 3 context classes, diversity 0.50 >= min_diversity=0.5",
            ),
        ),
    ],
)
def test_classify_with_reasons(measures, expected):
    classification, reasons = classify(*measures)
    assert (classification, reasons) == (expected[0], (expected[1],))


def test_thresholds_are_checked():
    assert check_thresholds({}) == {"min_cases": 3, "min_territories": 3, "min_diversity": 0.5}
    with pytest.raises(TypeError, match="min_case"):
        check_thresholds({"min_case": 2})


def test_structural_mask_agrees_with_classify():
    grid = [
        (c, t, k, d) for c in range(0, 6) for t in range(0, 5) for k in range(0, 4) for d in (0.0, 0.5, 0.9)
    ]
    cases, territories, classes, diversity = (np.array(v) for v in zip(*grid, strict=True))
    mask = structural_mask(cases, territories, classes, diversity, min_cases=2, min_territories=1)
    expected = [classify(*g, min_cases=2, min_territories=1)[0] == STRUCTURAL for g in grid]
    assert mask.tolist() == expected
