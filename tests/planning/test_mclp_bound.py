"""MCLP's Lagrangian bound against brute force, and the large-model path against greedy-plus-swap."""

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning import heuristics as heur
from motcua.planning import models
from motcua.planning.lagrange import max_cover_bound


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(6, 14), st.integers(4, 8), st.integers(1, 3))
def test_bound_is_above_the_optimum_and_the_network_is_real(seed, n, m, budget):
    rng = np.random.default_rng(seed)
    cover = sp.csr_matrix((rng.random((n, m)) < 0.3).astype(float))
    weight = rng.integers(0, 50, n).astype(float)
    best = 0.0
    for chosen in itertools.combinations(range(m), budget):
        x = np.zeros(m)
        x[list(chosen)] = 1
        best = max(best, float(weight @ ((cover @ x) > 0)))
    found = max_cover_bound(cover, weight, budget)
    assert found.bound >= best - 1e-6
    assert found.covered <= best + 1e-6
    assert found.covered == float(weight @ ((cover @ found.is_open.astype(float)) > 0))
    assert found.is_open.sum() <= budget


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
    everything, nothing = np.ones(m, bool), np.zeros(m, bool)
    greedy = heur.greedy_max_cover(cover, weight, budget, nothing, everything)
    swapped = heur.swap_max_cover(cover, weight, greedy, nothing, everything, 5.0)
    assert covered >= float(weight @ ((cover @ swapped.astype(float)) > 0)) - 1e-6
    assert solution.bound is not None and solution.bound < weight.sum()  # a real bound, not the total
    assert solution.bound >= covered - 1e-6
