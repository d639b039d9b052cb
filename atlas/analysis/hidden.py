"""Hidden links (A–B–C): issues that rarely meet but share many strong neighbours.

In the manner of literature-based discovery (Swanson's ABC model): an issue
*A* and a candidate *C* share few or no experiences, yet both are strongly
linked to the same bridges *B* — other issues, guiding principles, actors.

Bridge weights are set-based measures on experiences (see
:mod:`atlas.analysis.links`): for an issue or principle or actor *X* and an
issue *Y*, ``c_XY`` counts the experiences that involve both, and the weight
is ``w_XY = max(0, measure(c_XY, n_X, n_Y, N))`` — the positive part of NPMI
by default — when the pair is *significant*, and 0 otherwise: significant
means ``c_XY >= min_support`` and ``P(C >= c_XY) <= max_p_value`` where
``C`` follows a Poisson law of mean ``n_X n_Y / N`` (the expected number of
shared experiences under independence; this approximates the hypergeometric
tail of :mod:`atlas.analysis.significance`, slightly conservatively, at a
fraction of its cost). By default ``max_p_value = min(0.05, 10 / N)``: the
more experiences, the stronger a bridge must be (0.05 for an atlas of 200
experiences or fewer, 0.001 at 10,000, 0.0001 at 100,000). Without this filter, the many weak chance
associations of a large atlas add up and drown the few strong bridges (on
the planted benchmark, precision@10 falls from 1.0 to 0). The score of a
pair is

    ``hidden(A, C) = Σ_B min(w_AB, w_BC)``

over every bridge *B*: a bridge counts as much as its weaker side, so one
strong and one weak link add little, and many bridges add up. Bridges of a
pair are ranked by ``min(w_AB, w_BC)``, then kind and IRI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from atlas.analysis.compressed import Compressed
from atlas.analysis.cooccurrence import cooccurrence, score_pairs
from atlas.analysis.incidence import record_columns
from atlas.analysis.links import items_of
from atlas.analysis.memo import memoised
from atlas.analysis.significance import poisson_upper_tail
from atlas.model import Corpus

HIDDEN_MEASURES: tuple[str, ...] = ("npmi", "jaccard", "cosine")
BRIDGE_KINDS: tuple[str, ...] = ("issue", "principle", "actor")


@dataclass(frozen=True)
class Bridge:
    """One bridge *B* of a hidden link *A*–*C*.

    Attributes
    ----------
    iri : str
    kind : str
        ``issue``, ``principle`` or ``actor``.
    score : float
        ``min(source_weight, target_weight)``, its share of the link's score.
    source_weight, target_weight : float
        ``w_AB`` and ``w_BC``.
    """

    iri: str
    kind: str
    score: float
    source_weight: float
    target_weight: float


@dataclass(frozen=True)
class HiddenLink:
    """A candidate hidden link between two issues, with its bridges.

    Attributes
    ----------
    source, target : str
        *A* and *C*. For :func:`hidden_links` with an issue, *A* is that issue;
        over the whole corpus, ``source < target``.
    measure : str
    score : float
        ``Σ_B min(w_AB, w_BC)``.
    support : int
        Experiences addressing both *A* and *C* (few or none, by construction).
    n_bridges : int
        Number of bridges with a positive contribution.
    bridges : tuple of Bridge
        The best bridges, strongest first.
    """

    source: str
    target: str
    measure: str
    score: float
    support: int
    n_bridges: int
    bridges: tuple[Bridge, ...]


@dataclass(frozen=True, eq=False)
class _Bridges:
    names: tuple[str, ...]
    kinds: tuple[str, ...]
    columns: Compressed  # experiences × bridges, by column; experiences without issue left out
    rows: Compressed  # the same, by row
    occurrences: np.ndarray  # n_B
    issues: int  # how many bridges are issues (the first block, in item order)


def _bridge_incidence(corpus: Corpus, level: int | str | None, kinds: tuple[str, ...]) -> _Bridges:
    cooc = cooccurrence(corpus, level=level)
    x = cooc.incidence_columns
    has_issue = np.zeros(x.shape[0], dtype=bool)  # an experience without issue cannot bridge issues
    has_issue[x.indices] = True
    rows, cols, names, block_kinds = [], [], [], []
    for kind in kinds:
        items, m = (cooc.items, x) if kind == "issue" else record_columns(corpus, kind)
        rows.append(m.indices)
        cols.append(len(names) + m.owners())
        names.extend(items)
        block_kinds.extend([kind] * len(items))
    r = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    c = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    keep = has_issue[r]
    shape = (x.shape[0], len(names))
    by_column = Compressed.from_triplets(r[keep], c[keep], np.ones(int(keep.sum())), shape, by="column")
    return _Bridges(tuple(names), tuple(block_kinds), by_column, by_column.switched(),
                    np.diff(by_column.indptr).astype(np.float64), len(cooc.items) if "issue" in kinds else 0)


def _pair_counts(br: _Bridges, cooc, bridges: np.ndarray | None, items: np.ndarray | None):
    """``c_BY`` of the chosen bridges and items (``None``: all), as (bridge position, item position, count).

    Goes through the experiences of whichever side has fewer, then the other
    side's entries of those experiences; equal pairs are summed by compression.
    """
    b_sel = np.arange(len(br.names)) if bridges is None else np.asarray(bridges, dtype=np.int64)
    i_sel = np.arange(len(cooc.items)) if items is None else np.asarray(items, dtype=np.int64)
    x_cols, x_rows = cooc.incidence_columns, cooc.incidence_rows
    via_items = np.diff(x_cols.indptr)[i_sel].sum() <= np.diff(br.columns.indptr)[b_sel].sum()
    if via_items:
        which_i, experiences, _ = x_cols.lines(i_sel)
        which, b_glob, _ = br.rows.lines(experiences)
        local_b = np.full(len(br.names), -1, dtype=np.int64)
        local_b[b_sel] = np.arange(len(b_sel))
        pos_b, pos_i = local_b[b_glob], which_i[which]
    else:
        which_b, experiences, _ = br.columns.lines(b_sel)
        which, i_glob, _ = x_rows.lines(experiences)
        local_i = np.full(len(cooc.items), -1, dtype=np.int64)
        local_i[i_sel] = np.arange(len(i_sel))
        pos_b, pos_i = which_b[which], local_i[i_glob]
    keep = (pos_b >= 0) & (pos_i >= 0)
    counts = Compressed.from_triplets(pos_b[keep], pos_i[keep], np.ones(int(keep.sum())), (len(b_sel), len(i_sel)))
    return counts.owners(), counts.indices, counts.data


def _weigh(
    br: _Bridges,
    cooc,
    bridges: np.ndarray | None,
    items: np.ndarray | None,
    measure: str,
    min_support: int,
    max_p_value: float,
) -> Compressed:
    """Return the weights ``w_BY`` of the chosen bridges (rows) and items (columns); ``None`` means all."""
    rows, cols, c = _pair_counts(br, cooc, bridges, items)
    keep = c >= max(1, min_support)
    rows, cols, c = rows[keep], cols[keep], c[keep]
    b_of = rows if bridges is None else np.asarray(bridges)[rows]
    y_of = cols if items is None else np.asarray(items)[cols]
    mine = (b_of < br.issues) & (b_of == y_of)  # an issue is not its own bridge
    rows, cols, c, b_of, y_of = rows[~mine], cols[~mine], c[~mine], b_of[~mine], y_of[~mine]
    n_b, n_y = br.occurrences[b_of], cooc.occurrences[y_of]
    w = score_pairs(measure, c, c, n_b, n_y, c, c, cooc.total, 1.0)
    expected = n_b * n_y / max(cooc.total, 1)
    positive = (w > 0) & (poisson_upper_tail(c, expected) <= max_p_value)
    shape = (len(br.names) if bridges is None else len(bridges), len(cooc.items) if items is None else len(items))
    return Compressed.from_triplets(rows[positive], cols[positive], w[positive], shape)


def _scores(w_ab: np.ndarray, rows: Compressed, size: int) -> np.ndarray:
    """Return ``Σ_B min(w_aB, w_BC)`` for every item C, ``rows`` holding ``w_BC`` for the bridges of ``w_ab``."""
    return np.bincount(rows.indices, weights=np.minimum(rows.data, w_ab[rows.owners()]), minlength=size)


def _column(rows: Compressed, c: int) -> np.ndarray:
    """Column ``c`` of ``rows`` as a dense vector."""
    out = np.zeros(rows.shape[0])
    hit = rows.indices == c
    out[rows.owners()[hit]] = rows.data[hit]
    return out


def _bridges_of(br: _Bridges, bridges: np.ndarray, w_ab: np.ndarray, w_bc: np.ndarray, limit: int) -> tuple:
    share = np.minimum(w_ab, w_bc)
    found = np.flatnonzero(share > 0)
    ranked = sorted(found.tolist(), key=lambda k: (-share[k], br.kinds[bridges[k]], br.names[bridges[k]]))
    chosen = tuple(
        Bridge(
            iri=br.names[bridges[k]],
            kind=br.kinds[bridges[k]],
            score=float(share[k]),
            source_weight=float(w_ab[k]),
            target_weight=float(w_bc[k]),
        )
        for k in ranked[:limit]
    )
    return len(found), chosen


def hidden_links(
    corpus: Corpus,
    issue: str | None = None,
    *,
    measure: str = "npmi",
    min_support: int = 2,
    max_support: int = 0,
    max_p_value: float | None = None,
    level: int | str | None = None,
    bridge_kinds: Iterable[str] = BRIDGE_KINDS,
    max_bridges: int = 5,
    top: int | None = 20,
) -> list[HiddenLink]:
    """Return candidate hidden links of ``issue`` (or of the whole corpus), best first.

    Parameters
    ----------
    corpus : Corpus
    issue : str, optional
        The issue *A*. Without it, every pair ``A < C`` of the corpus is scored.
    measure : str
        Bridge weight: ``npmi`` (default), ``jaccard`` or ``cosine``.
    min_support : int
        A bridge edge needs at least this many shared experiences (default 2).
    max_support : int
        Candidates *C* share at most this many experiences with *A* (default 0).
    max_p_value : float, optional
        A bridge edge must be this unlikely by chance (default ``min(0.05, 10 / N)``;
        1 keeps all).
    level : int or str, optional
        Thesaurus level of the issues (see :mod:`atlas.analysis.lattice`).
    bridge_kinds : iterable of str
        Which records may bridge: ``issue``, ``principle``, ``actor``.
    max_bridges : int
        How many bridges to keep per link.
    top : int, optional
        How many links to return.

    Returns
    -------
    list of HiddenLink
        By score descending, then source and target IRIs.

    Raises
    ------
    ValueError
        On an unknown measure or bridge kind.
    NotFoundError
        If ``issue`` is not addressed at this level.

    Examples
    --------
    ``a`` and ``c`` never meet; both meet ``b`` twice and principle ``p`` twice.

    >>> from atlas.model import corpus_from_records
    >>> c = corpus_from_records(
    ...     {"e1": ("a", "b"), "e2": ("a", "b"), "e3": ("b", "c"), "e4": ("b", "c"), "e5": ("d",)},
    ...     experience_principles={"e1": ("p",), "e2": ("p",), "e3": ("p",), "e4": ("p",)})
    >>> [(h.source, h.target, h.support, [b.iri for b in h.bridges]) for h in hidden_links(c, "a", max_p_value=1)]
    [('a', 'c', 0, ['b', 'p'])]
    """
    if measure not in HIDDEN_MEASURES:
        raise ValueError(f"unknown measure {measure!r} for hidden links; choose one of {', '.join(HIDDEN_MEASURES)}")
    kinds = tuple(k for k in BRIDGE_KINDS if k in set(bridge_kinds))
    unknown = set(bridge_kinds) - set(BRIDGE_KINDS)
    if unknown:
        raise ValueError(f"unknown bridge kind(s) {', '.join(sorted(unknown))}")
    cooc = cooccurrence(corpus, level=level)
    if max_p_value is None:
        max_p_value = min(0.05, 10.0 / max(cooc.total, 1))
    br = memoised(corpus, ("bridges", str(level), kinds), lambda: _bridge_incidence(corpus, level, kinds))
    size = len(cooc.items)
    everything = None
    if issue is None:
        key = ("bridge_weights", str(level), measure, max(1, min_support), float(max_p_value), kinds)
        by_row = memoised(corpus, key, lambda: _weigh(br, cooc, None, None, measure, min_support, max_p_value))
        everything = memoised(corpus, (*key, "by column"), by_row.switched)
    counts = cooc.count_rows
    sources = items_of(corpus, cooc, issue, level) if issue is not None else range(size)
    found: list[tuple[float, int, int]] = []
    kept: dict[int, tuple[np.ndarray, np.ndarray, Compressed]] = {}
    for a in sources:
        if everything is not None:
            bridges, w_ab = everything.line(a)
            which, targets, weights = by_row.lines(bridges)
            rows = Compressed.from_triplets(which, targets, weights, (len(bridges), size))
        else:
            column = _weigh(br, cooc, None, np.array([a]), measure, min_support, max_p_value)
            bridges = column.owners()
            w_ab = column.data
            rows = _weigh(br, cooc, bridges, None, measure, min_support, max_p_value)
        scores = _scores(w_ab, rows, size)
        kept[a] = (bridges, w_ab, rows)
        direct = np.zeros(size)
        targets, shared = counts.line(a)
        direct[targets] = shared
        ok = (scores > 0) & (direct <= max_support)
        ok[a] = False
        if issue is None:
            ok[: a + 1] = False
        found.extend((float(scores[c]), a, int(c)) for c in np.flatnonzero(ok))
    found.sort(key=lambda t: (-t[0], cooc.items[t[1]], cooc.items[t[2]]))
    if top is not None:
        found = found[:top]
    out = []
    for score, a, c in found:
        bridges, w_ab, rows = kept[a]
        n_bridges, chosen = _bridges_of(br, bridges, w_ab, _column(rows, c), max_bridges)
        targets, shared = counts.line(a)
        at = int(np.searchsorted(targets, c))
        support = round(float(shared[at])) if at < len(targets) and targets[at] == c else 0
        out.append(
            HiddenLink(
                source=cooc.items[a],
                target=cooc.items[c],
                measure=measure,
                score=score,
                support=support,
                n_bridges=n_bridges,
                bridges=chosen,
            )
        )
    return out
