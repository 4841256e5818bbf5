"""HiGHS presolve and warm starts: every model gives the brute-force optimum with presolve on or off,
with or without a warm start (HiGHS 1.16 once answered a set cover wrongly with presolve on and a start:
solver.solve_mip checks every answer and solves again without presolve when it contradicts the model)."""

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning.models import lscp_core, mclp_core, pmedian_core
from motcua.planning.solver import MipModel, SolveOptions, solve_mip

VARIANTS = [
    SolveOptions(presolve=presolve, warm_start=warm) for presolve in ("on", "off") for warm in (True, False)
]


@st.composite
def instances(draw):
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n, m = draw(st.integers(6, 11)), draw(st.integers(4, 6))
    fractional = draw(st.booleans())
    return {
        "cover": (rng.random((n, m)) < draw(st.floats(0.15, 0.6))).astype(float),
        "cost": rng.integers(1, 6, m) + (rng.random(m) if fractional else 0.0),
        "weight": rng.integers(0, 20, n) + (rng.random(n) * 3 if fractional else 0.0),
        "travel": rng.random((n, m)) * 30,
        "capacity": rng.uniform(5, 40, m),
        "p": draw(st.integers(1, 3)),
    }


def masks(m):
    return [np.array(bits) for bits in itertools.product([False, True], repeat=m)]


@settings(max_examples=12, deadline=None)
@given(instances())
def test_lscp_and_mclp_same_optimum_with_presolve_on_or_off(case):
    cover, cost, weight, p = case["cover"], case["cost"], case["weight"], case["p"]
    coverable = cover.sum(axis=1) > 0
    all_masks = masks(cover.shape[1])
    fewest = min(cost @ x for x in all_masks if (((cover @ x) > 0) | ~coverable).all())
    most = max(weight @ ((cover @ x) > 0) for x in all_masks if x.sum() <= p)
    for options in VARIANTS:
        lscp = lscp_core(sp.csr_matrix(cover), cost, options=options)
        mclp = mclp_core(sp.csr_matrix(cover), weight, p, options=options)
        assert lscp.status == mclp.status == "optimal", options
        assert abs(lscp.objective - fewest) < 1e-6, options
        assert abs(mclp.objective - most) < 1e-6, options


@settings(max_examples=10, deadline=None)
@given(instances())
def test_pmedian_and_capacitated_models_same_optimum_with_presolve_on_or_off(case):
    travel, weight, p, capacity = case["travel"], case["weight"], case["p"], case["capacity"]
    demand_index, site_index = np.nonzero(np.ones_like(travel))
    pair_cost = travel[demand_index, site_index]
    best = min(weight @ travel[:, x].min(axis=1) for x in masks(travel.shape[1]) if x.sum() == p)
    answers = {"capacitated_mclp": set(), "capacitated_pmedian": set()}
    for options in VARIANTS:
        pmedian = pmedian_core(
            demand_index, site_index, pair_cost, weight, p, travel.shape[1], options=options
        )
        assert pmedian.status == "optimal" and abs(pmedian.objective - best) < 1e-6, options
        capacitated = mclp_core(sp.csr_matrix(case["cover"]), weight, p, capacity=capacity, options=options)
        answers["capacitated_mclp"].add((capacitated.status, round(capacitated.objective, 5)))
        limited = pmedian_core(
            demand_index,
            site_index,
            pair_cost,
            weight,
            p,
            travel.shape[1],
            capacity=capacity * 3,
            options=options,
        )
        objective = None if limited.objective is None else round(limited.objective, 5)
        answers["capacitated_pmedian"].add((limited.status, objective))
    for name, seen in answers.items():
        assert len(seen) == 1, (name, seen)  # one answer whatever presolve and warm start
        assert next(iter(seen))[0] in ("optimal", "infeasible"), (name, seen)


def test_presolve_with_a_warm_start_answer_is_checked():
    """The instance HiGHS 1.16 got wrong (presolve on, warm start): the optimum comes back anyway."""
    rng = np.random.default_rng(27)
    n, m = rng.integers(6, 13), rng.integers(4, 8)
    cover = (rng.random((n, m)) < rng.uniform(0.15, 0.6)).astype(float)
    cost = rng.integers(1, 6, m).astype(float) + rng.random(m)
    model = MipModel(
        cost, sp.csc_matrix(cover), np.ones(n), np.full(n, np.inf), np.zeros(m), np.ones(m), np.ones(m, bool)
    )
    start = np.array([0, 0, 0, 0, 1, 1], dtype=float)
    best = min(cost @ x for x in masks(m) if ((cover @ x) > 0).all())
    outcome = solve_mip(model, SolveOptions(presolve="on"), start)
    assert outcome.status == "optimal"
    assert abs(outcome.objective - best) < 1e-9
    assert abs(cost @ outcome.x - best) < 1e-9
