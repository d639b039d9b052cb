"""Classify a subject as structural, circumstantial or undecidable from how it recurs.

``undecidable``
    fewer than ``min_cases`` cases, or recurring in more than one but fewer
    than ``min_territories`` territories;
``circumstantial``
    enough cases, but all in one territory or one context class, or in
    contexts whose diversity is below ``min_diversity``;
``structural``
    at least ``min_cases`` cases in at least ``min_territories`` territories,
    with diversity at least ``min_diversity``.

Diversity is measured by :mod:`atlas.analysis.contexts`.
"""

from __future__ import annotations

import numpy as np

STRUCTURAL = "structural"
CIRCUMSTANTIAL = "circumstantial"
UNDECIDABLE = "undecidable"

DEFAULT_THRESHOLDS = {"min_cases": 3, "min_territories": 3, "min_diversity": 0.5}


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

    Parameters
    ----------
    cases, territories, classes : int
        Number of cases, of their distinct territories and of their distinct context classes.
    diversity : float
        Mean normalised entropy of their contexts (see :mod:`atlas.analysis.contexts`).
    min_cases, min_territories, min_diversity : int, int, float
        The thresholds (see the module docstring).

    Returns
    -------
    tuple of (str, tuple of str)
        ``structural``, ``circumstantial`` or ``undecidable``, and the reasons in words.

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

    Parameters
    ----------
    cases, territories, classes, diversity : array-like
        One value per subject.
    min_cases, min_territories, min_diversity : int, int, float
        The thresholds of :func:`classify`.

    Returns
    -------
    numpy.ndarray of bool

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


def check_thresholds(overrides: dict) -> dict:
    """Return the thresholds with their defaults, refusing unknown names.

    Examples
    --------
    >>> check_thresholds({"min_cases": 5})
    {'min_cases': 5, 'min_territories': 3, 'min_diversity': 0.5}
    >>> check_thresholds({"min_case": 5})
    Traceback (most recent call last):
    ...
    TypeError: unknown threshold(s): min_case
    """
    unknown = sorted(set(overrides) - set(DEFAULT_THRESHOLDS))
    if unknown:
        raise TypeError(f"unknown threshold(s): {', '.join(unknown)}")
    return {**DEFAULT_THRESHOLDS, **overrides}
