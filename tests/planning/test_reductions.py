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


def _brute_dominated_rows(dense: np.ndarray) -> np.ndarray:
    inside = (dense[:, None, :] <= dense[None, :, :]).all(axis=2)  # inside[k, i]: row k within row i
    np.fill_diagonal(inside, False)
    first_of_equal = np.triu(inside & inside.T)  # identical rows: drop the later one
    strict = inside & ~inside.T
    return ((strict | first_of_equal) & dense.any(axis=1)[:, None]).any(axis=0)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 30), st.integers(1, 140))
def test_bitset_dominance_matches_brute_force(seed, n, m):
    rng = np.random.default_rng(seed)
    dense = rng.random((n, m)) < rng.uniform(0.05, 0.6)
    dense[rng.integers(0, n, n // 3)] = dense[0]  # some identical rows
    assert (
        dominated_rows(sp.csr_matrix(dense.astype(float))).tolist() == _brute_dominated_rows(dense).tolist()
    )
    cost = rng.integers(1, 3, m).astype(float)
    protected = rng.random(m) < 0.1
    columns = dense.T
    expected = []
    for j in range(m):
        inside = (columns[j] <= columns).all(axis=1) & (np.arange(m) != j) & (cost <= cost[j])
        strictly = (columns.sum(axis=1) > columns[j].sum()) | (cost < cost[j]) | (np.arange(m) < j)
        expected.append(not protected[j] and (not columns[j].any() or bool((inside & strictly).any())))
    got = dominated_columns(sp.csr_matrix(dense.astype(float)), cost, protected)
    assert got.tolist() == expected


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 40), st.integers(1, 20))
def test_merge_identical_rows_groups_exactly_equal_rows(seed, n, m):
    rng = np.random.default_rng(seed)
    dense = rng.random((n, m)) < 0.3
    dense[rng.integers(0, n, n // 2)] = dense[rng.integers(0, n, n // 2)]
    representatives, group = merge_identical_rows(sp.csr_matrix(dense.astype(float)))
    assert representatives.tolist() == sorted(representatives.tolist())
    for row in range(n):
        assert (dense[representatives[group[row]]] == dense[row]).all()
    assert len({dense[r].tobytes() for r in range(n)}) == representatives.size


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(450, 700), st.integers(8, 12))
def test_lp_fixing_and_local_search_keep_lscp_optimum(seed, n, m):
    """Large enough to reach the LP bound / fixing path; brute force over all site subsets."""
    import itertools

    rng = np.random.default_rng(seed)
    dense = rng.random((n, m)) < 0.35
    dense[:, 0] |= ~dense.any(axis=1)
    cost = rng.integers(1, 4, m).astype(float)
    best = min(
        cost @ np.array(bits)
        for bits in itertools.product([False, True], repeat=m)
        if (dense[:, np.array(bits, bool)].any(axis=1)).all()
    )
    solution = lscp_core(sp.csr_matrix(dense.astype(float)), cost)
    assert solution.status == "optimal"
    assert solution.objective == best
    assert dense[:, solution.is_open].any(axis=1).all()


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6))
def test_local_search_returns_a_cover_no_worse_than_its_start(seed):
    from motcua.planning.heuristics import greedy_set_cover, local_search_cover

    rng = np.random.default_rng(seed)
    dense = rng.random((60, 25)) < 0.15
    dense[:, 0] |= ~dense.any(axis=1)
    cover, cost = sp.csr_matrix(dense.astype(float)), rng.integers(1, 4, 25).astype(float)
    everything = np.ones(25, bool)
    start = greedy_set_cover(cover, cost, np.ones(60, bool), ~everything, everything)
    found = local_search_cover(cover, cost, start, max_steps=500)
    assert dense[:, found].any(axis=1).all()
    assert cost @ found <= cost @ start
