"""Exact models against brute force on small random instances."""

import itertools

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.planning.models import hierarchical_core, lscp_core, mclp_core, pmedian_core


@st.composite
def instances(draw):
    n = draw(st.integers(8, 12))
    m = draw(st.integers(5, 7))
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    cover = (rng.random((n, m)) < draw(st.floats(0.15, 0.6))).astype(float)
    fixed_open = np.zeros(m, bool)
    fixed_closed = np.zeros(m, bool)
    if draw(st.booleans()):
        fixed_open[0] = True
    if draw(st.booleans()):
        fixed_closed[m - 1] = True
    return {
        "cover": cover,
        "cost": rng.integers(1, 6, m).astype(float),
        "weight": rng.integers(0, 20, n).astype(float),
        "travel": rng.random((n, m)) * 30,
        "fixed_open": fixed_open,
        "fixed_closed": fixed_closed,
        "p": int(draw(st.integers(1, 3))) + int(fixed_open.sum()),
    }


def feasible_masks(case, exactly=None, at_most=None):
    m = case["cover"].shape[1]
    for bits in itertools.product([False, True], repeat=m):
        x = np.array(bits)
        if (x & case["fixed_closed"]).any() or (case["fixed_open"] & ~x).any():
            continue
        if exactly is not None and x.sum() != exactly:
            continue
        if at_most is not None and x.sum() > at_most:
            continue
        yield x


def flags(case):
    return {"fixed_open": case["fixed_open"], "fixed_closed": case["fixed_closed"]}


@settings(max_examples=40, deadline=None)
@given(instances())
def test_lscp_matches_brute_force(case):
    cover = case["cover"]
    coverable = cover[:, ~case["fixed_closed"]].sum(axis=1) > 0
    best = min(case["cost"] @ x for x in feasible_masks(case) if (((cover @ x) > 0) | ~coverable).all())
    solution = lscp_core(sp.csr_matrix(cover), case["cost"], **flags(case))
    assert solution.status == "optimal"
    assert abs(solution.objective - best) < 1e-6
    assert set(solution.extra["uncoverable_rows"].tolist()) == set(np.flatnonzero(~coverable).tolist())


@settings(max_examples=40, deadline=None)
@given(instances())
def test_mclp_matches_brute_force(case):
    cover, weight = case["cover"], case["weight"]
    best = max(weight @ ((cover @ x) > 0) for x in feasible_masks(case, at_most=case["p"]))
    solution = mclp_core(sp.csr_matrix(cover), weight, case["p"], **flags(case))
    assert solution.status == "optimal"
    assert abs(solution.objective - best) < 1e-6
    assert solution.is_open.sum() <= case["p"]
    assert abs(weight @ ((cover @ solution.is_open) > 0) - best) < 1e-6


@settings(max_examples=40, deadline=None)
@given(instances())
def test_pmedian_matches_brute_force(case):
    travel, weight = case["travel"], case["weight"]
    best = min(weight @ travel[:, x].min(axis=1) for x in feasible_masks(case, exactly=case["p"]))
    demand_index, site_index = np.nonzero(np.ones_like(travel))
    solution = pmedian_core(
        demand_index,
        site_index,
        travel[demand_index, site_index],
        weight,
        case["p"],
        travel.shape[1],
        **flags(case),
    )
    assert solution.status == "optimal"
    assert abs(solution.objective - best) < 1e-6


@settings(max_examples=25, deadline=None)
@given(instances())
def test_capacitated_mclp_respects_capacity(case):
    cover, weight = case["cover"], case["weight"]
    capacity = np.full(cover.shape[1], 15.0)
    unlimited = mclp_core(sp.csr_matrix(cover), weight, case["p"], **flags(case))
    limited = mclp_core(sp.csr_matrix(cover), weight, case["p"], capacity=capacity, **flags(case))
    assert limited.status == "optimal"
    assert limited.objective <= unlimited.objective + 1e-6
    assert limited.objective <= capacity[limited.is_open].sum() + 1e-6


@settings(max_examples=25, deadline=None)
@given(instances())
def test_hierarchical_keeps_lscp_count_and_maximises_tight_cover(case):
    cover, weight = case["cover"], case["weight"]
    tight = cover * (case["travel"] < 15)
    coverable = cover[:, ~case["fixed_closed"]].sum(axis=1) > 0
    covers_all = [x for x in feasible_masks(case) if (((cover @ x) > 0) | ~coverable).all()]
    fewest = min(x.sum() for x in covers_all)
    best_tight = max(weight @ ((tight @ x) > 0) for x in covers_all if x.sum() == fewest)
    first, second = hierarchical_core(sp.csr_matrix(cover), sp.csr_matrix(tight), weight, **flags(case))
    assert first.objective == fewest
    assert second.is_open.sum() == fewest
    assert abs(second.objective - best_tight) < 1e-6
