"""Compressed rows and columns agree with SciPy."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st

from atlas.analysis.compressed import Compressed

entries = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(1, 3)), max_size=25)


@given(entries, st.sampled_from(["row", "column"]))
def test_from_triplets_is_scipy(triplets, by):
    rows, cols, vals = ([t[k] for t in triplets] for k in range(3))
    ours = Compressed.from_triplets(rows, cols, vals, (5, 6), by=by)
    theirs = sp.coo_matrix((np.array(vals, dtype=float), (rows, cols)), shape=(5, 6))
    assert (ours.scipy().toarray() == theirs.toarray()).all()
    again = Compressed.of(theirs, by=by)
    assert again.indptr.tolist() == ours.indptr.tolist() and again.indices.tolist() == ours.indices.tolist()
    assert again.data.tolist() == ours.data.tolist()


def test_lines_gathers_rows_in_the_order_asked():
    m = Compressed.from_triplets([0, 0, 2, 3], [1, 4, 0, 2], [1, 2, 3, 4], (4, 5))
    which, indices, data = m.lines([3, 0, 1])
    assert which.tolist() == [0, 1, 1] and indices.tolist() == [2, 1, 4] and data.tolist() == [4, 1, 2]
    assert [a.tolist() for a in m.lines([])] == [[], [], []]
