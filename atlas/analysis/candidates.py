"""Candidate principles: combinations that recur across diverse contexts and that no principle names yet.

Three kinds of combination are counted over experiences:

``issue+actor-type``
    an experience addresses the issue and involves an actor of that type;
``issue+issue``
    an experience addresses both issues (neither broader than the other);
``issue+lesson``
    an experience addresses the first issue and draws a lesson concerning the
    second (the lesson's theme; it may be the same issue).

A combination is a candidate when its cases classify as structural
(:func:`atlas.analysis.classification.classify`: enough cases, territories and
context diversity) and no principle covers it: the *coverage* of a principle is
the share of the combination's cases that are cases of the principle, and the
best coverage must stay below ``max_coverage``. Candidates are ranked by

    score = diversity × log2(1 + territories) × (1 − coverage)

then by cases (descending) and by name. This is material for a thematic
workshop, not a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp

from atlas.analysis.cases import case_index, narrower_closure
from atlas.analysis.classification import structural_mask
from atlas.analysis.contexts import context_table
from atlas.analysis.incidence import record_rows
from atlas.analysis.lessontable import lesson_table
from atlas.analysis.memo import memoised
from atlas.analysis.recurrence import measure_entries
from atlas.analysis.sortedsets import sorted_unique
from atlas.errors import NotFoundError
from atlas.model import Corpus

KINDS = ("issue+actor-type", "issue+issue", "issue+lesson")


@dataclass(frozen=True)
class Candidate:
    """A recurring, diverse, unnamed combination and its evidence.

    Attributes
    ----------
    kind : str
        One of :data:`KINDS`.
    items : tuple of (str, str)
        The issue IRI and the actor type slug, second issue IRI, or lesson theme (issue IRI).
    score : float
        ``diversity × log2(1 + territories) × (1 − coverage)``.
    cases, territories, context_classes : int
    diversity : float
    coverage : float
        Share of the cases covered by the closest principle.
    closest_principle : str or None
    experiences : tuple of str
        The cases, sorted.
    territory_list : tuple of str
        Their territories, sorted.
    actors : tuple of str
        For ``issue+actor-type``: the actors of that type involved in the cases.
    lessons : tuple of str
        Lessons of the cases concerning the combination's issues.
    """

    kind: str
    items: tuple[str, str]
    score: float
    cases: int
    territories: int
    context_classes: int
    diversity: float
    coverage: float
    closest_principle: str | None
    experiences: tuple[str, ...]
    territory_list: tuple[str, ...]
    actors: tuple[str, ...] = ()
    lessons: tuple[str, ...] = ()


def _binary_rows(corpus: Corpus, mapping: Mapping[str, Iterable[str]], code: dict[str, int], width: int):
    """``experiences × width`` binary matrix: row ``r`` has ``code[x]`` for each ``x`` in ``mapping[e_r]``."""
    # map/chain keep the per-item work in C: this runs over every experience's actors.
    lists = list(map(mapping.get, corpus.experiences, repeat(())))
    lengths = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    flat = np.fromiter(
        map(code.get, chain.from_iterable(lists), repeat(-1)), dtype=np.int64, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(len(lists)), lengths)
    known = flat >= 0
    matrix = sp.csr_matrix((np.ones(int(known.sum())), (rows[known], flat[known])), shape=(len(lists), width))
    return _clean(matrix)


def _clean(matrix: sp.spmatrix) -> sp.csr_matrix:
    out = sp.csr_matrix(matrix, dtype=float, copy=True)
    out.sum_duplicates()
    out.eliminate_zeros()
    out.sort_indices()
    out.data[:] = 1.0
    return out


def _within_row_pairs(x: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Rows and codes ``a * width + b`` of every pair ``a < b`` of columns set in the same row."""
    width = x.shape[1]
    counts = np.diff(x.indptr)
    row_of = np.repeat(np.arange(x.shape[0]), counts)
    end = x.indptr[row_of + 1]
    pos = np.arange(len(x.indices))
    rows, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    for d in range(1, int(counts.max(initial=0))):
        p = pos[pos + d < end]
        rows.append(row_of[p])
        codes.append(x.indices[p].astype(np.int64) * width + x.indices[p + d])
    return np.concatenate(rows), np.concatenate(codes)


def _cross_row_pairs(x: sp.csr_matrix, y: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Rows and codes ``a * y_width + b`` of every column ``a`` of ``x`` and ``b`` of ``y`` in one row."""
    nx, ny = np.diff(x.indptr), np.diff(y.indptr)
    per_row = nx * ny
    rows = np.repeat(np.arange(x.shape[0]), per_row)
    start = np.cumsum(per_row) - per_row
    t = np.arange(int(per_row.sum())) - np.repeat(start, per_row)
    width = ny[rows]
    a = x.indices[x.indptr[rows] + t // width].astype(np.int64)
    b = y.indices[y.indptr[rows] + t % width].astype(np.int64)
    return rows, a * y.shape[1] + b


def _frequent(rows: np.ndarray, codes: np.ndarray, space: int, min_cases: int):
    """Keep the codes of at least ``min_cases`` rows; return ``(codes kept, rows, compact columns)``."""
    counts = np.bincount(codes, minlength=space)
    frequent = counts >= min_cases
    new_col = np.cumsum(frequent) - 1
    mask = frequent[codes]
    return np.flatnonzero(frequent), rows[mask], new_col[codes[mask]]


def _best_principle(index, rows: np.ndarray, cols: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of ``m`` sets, the largest number of its rows that are cases of one principle, and which."""
    best, arg = np.zeros(m), np.full(m, -1, dtype=np.int64)
    if not len(index.principles) or not m:
        return best, arg
    members = sp.csr_matrix((np.ones(len(rows)), (cols, rows)), shape=(m, index.principle_cases.shape[0]))
    overlap = sp.csr_matrix(members @ sp.csr_matrix(index.principle_cases))  # sets × principles
    overlap.sum_duplicates()
    overlap.sort_indices()
    filled = np.flatnonzero(np.diff(overlap.indptr))
    if not len(filled):
        return best, arg
    best[filled] = np.maximum.reduceat(overlap.data, overlap.indptr[filled])
    row = np.repeat(np.arange(m), np.diff(overlap.indptr))
    at = np.flatnonzero(overlap.data == best[row])
    first = at[np.concatenate(([True], row[at][1:] != row[at][:-1]))]  # lowest principle index on ties
    arg[row[first]] = overlap.indices[first]
    return best, arg


def find_candidates(
    corpus: Corpus,
    *,
    kinds: Iterable[str] = KINDS,
    min_cases: int = 3,
    min_territories: int = 3,
    min_diversity: float = 0.5,
    max_coverage: float = 0.5,
    top: int | None = 20,
) -> list[Candidate]:
    """Return the best candidate principles of ``corpus`` with their evidence (see the module docstring).

    Parameters
    ----------
    corpus : Corpus
    kinds : iterable of str
        Which combinations to count, among :data:`KINDS`.
    min_cases, min_territories, min_diversity : int, int, float
        The structural thresholds of :func:`~atlas.analysis.classification.classify`.
    max_coverage : float
        A combination whose cases are covered this much by one principle is named already.
    top : int or None
        How many candidates at most.

    Returns
    -------
    list of Candidate
        At most ``top``, best first.

    Raises
    ------
    NotFoundError
        If a kind is unknown.

    Examples
    --------
    >>> from atlas.model import corpus_from_records, TerritoryInfo
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("a", "b"), "e4": ("a",)},
    ...     experience_territory={"e1": "t1", "e2": "t2", "e3": "t3", "e4": "t1"},
    ...     territories={"t1": TerritoryInfo("t1", type="rural"), "t2": TerritoryInfo("t2", type="urban"),
    ...                  "t3": TerritoryInfo("t3", type="peri-urban")})
    >>> [(x.kind, x.items, x.cases, round(x.score, 3)) for x in find_candidates(c)]
    [('issue+issue', ('a', 'b'), 3, 2.0)]
    """
    wanted = tuple(kinds)
    unknown = sorted(set(wanted) - set(KINDS))
    if unknown:
        raise NotFoundError(f"unknown candidate kind(s): {', '.join(unknown)}")
    table = context_table(corpus)
    index = case_index(corpus)
    issues = corpus.issues
    thresholds = {"min_cases": min_cases, "min_territories": min_territories, "min_diversity": min_diversity}
    entries = memoised(corpus, ("candidate entries", wanted, int(min_cases)),
                       lambda: _entries(corpus, wanted, min_cases))
    # score <= log2(1 + cases): measure the combinations by decreasing bound, and stop once the
    # bound falls below the score of the top-th candidate found (none below can enter the top).
    block_of = np.concatenate([np.full(len(e[2]), b, dtype=np.int64) for b, e in enumerate(entries)] or [[]])
    column_of = np.concatenate([np.arange(len(e[2])) for e in entries] or [[]]).astype(np.int64)
    cases = np.concatenate([e[5] for e in entries] or [[]])
    bound = np.log2(1 + cases)
    order = np.argsort(-bound, kind="stable")
    found: list[dict[str, np.ndarray]] = []  # per measured batch: the unnamed structural combinations
    done, chunk = 0, max(256, len(order) // 32)
    while done < len(order):
        if top is not None and sum(len(f["score"]) for f in found) >= top:
            scores = np.concatenate([f["score"] for f in found])
            if bound[order[done]] < -np.partition(-scores, top - 1)[top - 1]:
                break
        todo = order[done : done + chunk]
        done, chunk = done + len(todo), chunk * 2
        for b in sorted(set(block_of[todo].tolist())):
            columns = column_of[todo[block_of[todo] == b]]
            found.append(_score(table, index, entries[b], b, columns, thresholds, max_coverage))
    facts = {k: np.concatenate([f[k] for f in found]) for k in found[0]} if found else {}
    if not facts:
        return []
    # score, then cases (both descending), then kind and items
    ranked = np.lexsort((facts["code"], facts["block"], -facts["cases"], -facts["score"]))[:top]
    lessons = lesson_table(corpus)
    out = []
    for k in ranked.tolist():
        kind, seconds, _, rows, cols, _ = entries[int(facts["block"][k])]
        code, principle = int(facts["code"][k]), int(facts["principle"][k])
        out.append(
            Candidate(
                kind=kind,
                items=(issues[code // len(seconds)], seconds[code % len(seconds)]),
                score=float(facts["score"][k]),
                cases=int(facts["cases"][k]),
                territories=int(facts["territories"][k]),
                context_classes=int(facts["classes"][k]),
                diversity=float(facts["diversity"][k]),
                coverage=float(facts["coverage"][k]),
                closest_principle=None if principle < 0 else index.principles[principle],
                **_evidence(
                    corpus,
                    kind,
                    seconds[code % len(seconds)],
                    issues[code // len(seconds)],
                    np.sort(rows[cols == facts["column"][k]]),
                    table,
                    lessons,
                ),
            )
        )
    return out


def _entries(corpus: Corpus, wanted: tuple[str, ...], min_cases: int) -> list[tuple]:
    """Per kind of combination: ``(kind, second items, codes kept, rows, columns, cases per column)``.

    The entries (experience row, combination column) of the combinations with at
    least ``min_cases`` cases; they depend on the corpus only, so they are memoised.
    """
    x = _clean(corpus.incidence)
    issues = corpus.issues
    blocks = []  # (kind, second items, entry rows, entry codes)
    if "issue+actor-type" in wanted:
        types = tuple(sorted(set(corpus.actor_types.values())))
        type_col = {t: j for j, t in enumerate(types)}
        code = {a: type_col[t] for a, t in corpus.actor_types.items()}
        y = _binary_rows(corpus, corpus.experience_actors, code, len(types))
        blocks.append(("issue+actor-type", types, *_cross_row_pairs(x, y)))
    if "issue+issue" in wanted:
        blocks.append(("issue+issue", issues, *_within_row_pairs(x)))
    if "issue+lesson" in wanted:
        themes: dict[str, list[str]] = {}
        for lesson in corpus.lessons:
            themes.setdefault(lesson.experience, []).extend(lesson.issues)
        code = {i: j for j, i in enumerate(issues)}
        y = _binary_rows(corpus, themes, code, len(issues))
        blocks.append(("issue+lesson", issues, *_cross_row_pairs(x, y)))
    entries = []
    for kind, seconds, rows, codes in blocks:
        if kind == "issue+issue":  # an issue with one of its broader issues is no combination
            keep = ~np.isin(codes, _nested_pair_codes(corpus))
            rows, codes = rows[keep], codes[keep]
        kept, rows, cols = _frequent(rows, codes, len(issues) * len(seconds), min_cases)
        entries.append((kind, seconds, kept, rows, cols, np.bincount(cols, minlength=len(kept))))
    return entries


def _score(table, index, block, number, columns, thresholds, max_coverage) -> dict[str, np.ndarray]:
    """Measure ``columns`` of a block; return the facts of its unnamed structural combinations."""
    _, _, kept, rows, cols, _ = block
    columns = np.sort(columns)
    remap = np.full(len(kept), -1, dtype=np.int64)
    remap[columns] = np.arange(len(columns))
    inside = remap[cols] >= 0
    sub_rows, sub_cols = rows[inside], remap[cols[inside]]
    measures = measure_entries(table, sub_rows, sub_cols, len(columns))
    passing = np.flatnonzero(
        structural_mask(
            measures.cases, measures.territories, measures.classes, measures.diversity, **thresholds
        )
    )
    again = np.full(len(columns), -1, dtype=np.int64)
    again[passing] = np.arange(len(passing))
    inside = again[sub_cols] >= 0
    best, arg = _best_principle(index, sub_rows[inside], again[sub_cols[inside]], len(passing))
    coverage = best / np.maximum(measures.cases[passing], 1)
    unnamed = coverage < max_coverage
    j = passing[unnamed]
    return {
        "score": np.round(
            measures.diversity[j] * np.log2(1 + measures.territories[j]) * (1 - coverage[unnamed]), 12
        ),
        "cases": measures.cases[j],
        "territories": measures.territories[j],
        "classes": measures.classes[j],
        "diversity": measures.diversity[j],
        "coverage": coverage[unnamed],
        "principle": arg[unnamed],
        "block": np.full(len(j), number, dtype=np.int64),
        "code": kept[columns[j]],
        "column": columns[j],
    }


def _above(corpus: Corpus, issue: str) -> set[str]:
    seen, stack = set(), [issue]
    while stack:
        for parent in corpus.broader.get(stack.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def _nested_pair_codes(corpus: Corpus) -> np.ndarray:
    """Codes ``a * n + b`` (a < b) of the issue pairs where one is broader than the other."""
    col = {iri: j for j, iri in enumerate(corpus.issues)}
    n = len(corpus.issues)
    codes = []
    for issue in corpus.issues:
        for above in _above(corpus, issue):
            if above in col:
                a, b = sorted((col[issue], col[above]))
                codes.append(a * n + b)
    return np.array(sorted(set(codes)), dtype=np.int64)


def _evidence(corpus, kind, second, issue, members, table, lessons) -> dict:
    """The evidence fields of a candidate: experiences, territories, actors, lessons."""
    experiences = tuple(table.experiences[r] for r in members.tolist())
    located = table.territory_of[members]
    territories = {table.territories[t] for t in sorted_unique(located[located >= 0]).tolist()}
    actors = ()
    if kind == "issue+actor-type":
        items, by_row = record_rows(corpus, "actor")
        involved = sorted_unique(by_row.lines(members)[1]).tolist()
        actors = {items[a] for a in involved if corpus.actor_types.get(items[a]) == second}
    concerned = narrower_closure(corpus.broader, (second,) if kind == "issue+lesson" else (issue,))
    if kind == "issue+issue":
        concerned = narrower_closure(corpus.broader, (issue, second))
    return {
        "experiences": experiences,
        "territory_list": tuple(sorted(territories)),
        "actors": tuple(sorted(actors)),
        "lessons": lessons.concerning(members, concerned),
    }
