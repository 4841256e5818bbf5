"""Reductions are exact: same optimum with and without them, and they do remove things."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning.models import lscp_core, mclp_core
from motcua.planning.reduce import dominated_columns, dominated_rows, merge_identical_rows
from motcua.planning.solver import SolveOptions


def test_identical_rows_merge():
    cover = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 0]], dtype=float))
    representatives, group = merge_identical_rows(cover)
    assert representatives.tolist() == [0, 2]
    assert group.tolist() == [0, 0, 1]


def test_superset_row_is_dominated():
    cover = sp.csr_matrix(np.array([[1, 1, 0], [1, 0, 0], [0, 1, 1]], dtype=float))
    assert dominated_rows(cover).tolist() == [True, False, False]


def test_subset_site_with_higher_cost_is_dominated():
    cover = sp.csr_matrix(np.array([[1, 1], [0, 1]], dtype=float))
    assert dominated_columns(cover, np.array([1.0, 1.0]), np.zeros(2, bool)).tolist() == [True, False]
    assert dominated_columns(cover, np.array([1.0, 2.0]), np.zeros(2, bool)).tolist() == [False, False]
    assert dominated_columns(cover, np.array([1.0, 1.0]), np.array([True, False])).tolist() == [False, False]


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(15, 40), st.integers(5, 12))
def test_reductions_keep_optimum(seed, n, m):
    rng = np.random.default_rng(seed)
    cover = sp.csr_matrix((rng.random((n, m)) < 0.3).astype(float))
    cost = rng.integers(1, 4, m).astype(float)
    weight = rng.integers(1, 9, n).astype(float)
    plain = SolveOptions(reduce=False, warm_start=False, row_generation=False)
    reduced = SolveOptions(reduce=True, warm_start=True)
    assert (
        lscp_core(cover, cost, options=plain).objective == lscp_core(cover, cost, options=reduced).objective
    )
    assert (
        abs(
            mclp_core(cover, weight, 3, options=plain).objective
            - mclp_core(cover, weight, 3, options=reduced).objective
        )
        < 1e-6
    )


def test_row_generation_matches_full_model():
    rng = np.random.default_rng(3)
    cover = sp.csr_matrix((rng.random((900, 60)) < 0.08).astype(float))
    full = lscp_core(cover, options=SolveOptions(row_generation=False, reduce=False))
    generated = lscp_core(cover, options=SolveOptions(row_generation=True, reduce=False))
    assert generated.status == full.status == "optimal"
    assert generated.objective == full.objective
    assert generated.reductions["row_generation_rounds"] >= 1
