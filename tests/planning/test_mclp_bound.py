"""MCLP at scale (maxcover): the Lagrangian bound and its site fixing against brute force, the swaps,
and the large-model path against greedy-plus-swap."""

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning import maxcover, models


def brute_force(cover, weight, budget, forced=None, banned=None):
    best = 0.0
    m = cover.shape[1]
    for chosen in itertools.combinations(range(m), budget):
        x = np.zeros(m, bool)
        x[list(chosen)] = True
        if forced is not None and not x[forced]:
            continue
        if banned is not None and x[banned]:
            continue
        best = max(best, float(weight @ ((cover @ x.astype(float)) > 0)))
    return best


def random_case(seed, n, m):
    rng = np.random.default_rng(seed)
    cover = sp.csr_matrix((rng.random((n, m)) < 0.3).astype(float))
    return cover, rng.integers(0, 50, n).astype(float)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(6, 14), st.integers(4, 8), st.integers(1, 3))
def test_bound_is_above_the_optimum_and_the_network_is_real(seed, n, m, budget):
    cover, weight = random_case(seed, n, m)
    best = brute_force(cover, weight, budget)
    lists = maxcover.CoverageLists.of(cover)
    found = maxcover.relax(lists, weight, budget, max_iterations=60)
    assert found.bound >= best - 1e-6
    assert found.covered <= best + 1e-6
    assert found.covered == float(weight @ ((cover @ found.is_open.astype(float)) > 0))
    assert found.is_open.sum() <= budget


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(6, 14), st.integers(5, 8), st.integers(1, 3))
def test_fixed_sites_never_cut_off_a_better_network(seed, n, m, budget):
    """A site ruled out only opens in networks no better than the relaxation's best; a required one
    is open in every better network (integral weights: better means by at least 1)."""
    cover, weight = random_case(seed, n, m)
    found = maxcover.relax(maxcover.CoverageLists.of(cover), weight, budget, max_iterations=60)
    for site in np.flatnonzero(found.fixed_closed):
        assert brute_force(cover, weight, budget, forced=site) <= found.covered + 1e-6
    for site in np.flatnonzero(found.fixed_open):
        assert brute_force(cover, weight, budget, banned=site) <= found.covered + 1e-6


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000), st.integers(6, 14), st.integers(4, 8), st.integers(1, 3))
def test_swaps_never_lose_cover_and_end_in_a_local_optimum(seed, n, m, budget):
    cover, weight = random_case(seed, n, m)
    lists = maxcover.CoverageLists.of(cover)
    greedy = maxcover.greedy(lists, weight, budget)
    swapped, _ = maxcover.swap(lists, weight, greedy, budget=budget)
    value = lists.covered(weight, swapped)
    assert value >= lists.covered(weight, greedy) - 1e-9
    assert swapped.sum() <= budget
    for site_out in np.flatnonzero(swapped):  # no single swap improves
        for site_in in np.flatnonzero(~swapped):
            trial = swapped.copy()
            trial[site_out], trial[site_in] = False, True
            assert lists.covered(weight, trial) <= value + 1e-9


def test_large_mclp_is_at_least_greedy_plus_swap_with_a_real_bound(monkeypatch):
    rng = np.random.default_rng(5)
    n, m, budget = 3000, 300, 12
    centres = rng.random((m, 2)) * 50
    points = rng.random((n, 2)) * 50
    distance = np.linalg.norm(points[:, None, :] - centres[None, :, :], axis=2)
    cover = sp.csr_matrix((distance < 4.0).astype(float))
    weight = rng.integers(1, 100, n).astype(float)
    monkeypatch.setattr(models, "MCLP_LAGRANGE_NNZ", 1000)  # take the large-model path at test size
    solution = models.mclp_core(cover, weight, budget, options=models.SolveOptions(time_limit=20))
    covered = float(weight @ ((cover @ solution.is_open.astype(float)) > 0))
    lists = maxcover.CoverageLists.of(cover)
    swapped, _ = maxcover.swap(lists, weight, maxcover.greedy(lists, weight, budget), budget=budget)
    assert covered >= lists.covered(weight, swapped) - 1e-6
    assert solution.bound is not None and solution.bound < weight.sum()  # a real bound, not the total
    assert solution.bound >= covered - 1e-6
    assert solution.objective == covered


def test_large_mclp_gives_the_same_answer_whatever_the_time_limit(monkeypatch):
    """Limits are iterations and swaps: a generous and a tight time limit give one network."""
    rng = np.random.default_rng(11)
    n, m, budget = 2000, 200, 8
    centres = rng.random((m, 2)) * 40
    points = rng.random((n, 2)) * 40
    cover = sp.csr_matrix((np.linalg.norm(points[:, None] - centres[None], axis=2) < 5.0).astype(float))
    weight = rng.integers(1, 100, n).astype(float)
    monkeypatch.setattr(models, "MCLP_LAGRANGE_NNZ", 1000)
    monkeypatch.setattr(models, "MCLP_EXACT_NNZ", 0)  # no time-limited exact step
    answers = [
        models.mclp_core(cover, weight, budget, options=models.SolveOptions(time_limit=limit))
        for limit in (0.01, 60.0)
    ]
    assert np.array_equal(answers[0].is_open, answers[1].is_open)
    assert answers[0].bound == answers[1].bound


def test_exact_step_on_the_reduced_model_proves_the_optimum(monkeypatch):
    rng = np.random.default_rng(3)
    n, m, budget = 400, 40, 4
    centres = rng.random((m, 2)) * 30
    points = rng.random((n, 2)) * 30
    cover = sp.csr_matrix((np.linalg.norm(points[:, None] - centres[None], axis=2) < 5.0).astype(float))
    weight = rng.integers(1, 100, n).astype(float)
    monkeypatch.setattr(models, "MCLP_LAGRANGE_NNZ", 10)
    relaxed = models.mclp_core(cover, weight, budget)
    monkeypatch.setattr(models, "MCLP_LAGRANGE_NNZ", 10**9)
    direct = models.mclp_core(cover, weight, budget)
    assert direct.status == "optimal"
    assert relaxed.status == "optimal"
    assert relaxed.objective == direct.objective
