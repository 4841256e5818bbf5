"""Location models on matrices: LSCP, MCLP, p-median, hierarchical; built for HiGHS.

These functions know nothing about ids or coordinates: they take a coverage matrix
(demand x site, CSR) or assignment pairs and return which sites open. The
problem-level API in :mod:`motcua.planning.planner` wraps them.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from . import heuristics as heur
from . import maxcover
from .reduce import (
    ReductionLog,
    canonical,
    dominated_columns,
    dominated_rows,
    merge_identical_rows,
    sum_by_group,
)
from .solver import MipModel, MipOutcome, SolveOptions, solve_lp_duals, solve_mip, stack_rows

INF = np.inf


@dataclass
class SiteGroup:
    """Between ``at_least`` and ``at_most`` of these sites must be open (fixed ones included)."""

    sites: np.ndarray
    at_least: int = 0
    at_most: int | None = None


@dataclass
class CoreSolution:
    is_open: np.ndarray | None
    outcome: MipOutcome
    objective: float | None
    bound: float | None
    timings: dict[str, float] = field(default_factory=dict)
    reductions: dict[str, int | float | str] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @property
    def status(self) -> str:
        return self.outcome.status


def _flags(n: int, fixed_open, fixed_closed) -> tuple[np.ndarray, np.ndarray]:
    pre = np.zeros(n, bool) if fixed_open is None else np.asarray(fixed_open, bool).copy()
    closed = np.zeros(n, bool) if fixed_closed is None else np.asarray(fixed_closed, bool).copy()
    return pre, ~closed


def usable_cover(cover: sp.spmatrix, allowed: np.ndarray) -> sp.csr_matrix:
    """Coverage restricted to sites that may open."""
    return canonical(sp.csr_matrix(cover) @ sp.diags(allowed.astype(float)))


def _binary_bounds(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.zeros(n), np.ones(n)


# ---------------------------------------------------------------- LSCP


def lscp_core(cover, cost=None, *, fixed_open=None, fixed_closed=None, options=None) -> CoreSolution:
    """Least cost (or fewest) sites covering every coverable row.

    Rows no allowed site covers are reported in ``extra["uncoverable_rows"]``.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    n_rows, n_sites = cover.shape
    cost = np.ones(n_sites) if cost is None else np.asarray(cost, dtype=float)
    pre, allowed = _flags(n_sites, fixed_open, fixed_closed)
    usable = usable_cover(cover, allowed)
    coverable = np.diff(usable.indptr) > 0
    rows = np.flatnonzero(coverable & ((usable @ pre.astype(float)) == 0))
    columns = np.flatnonzero(allowed & ~pre)
    matrix, rows, columns, log = _reduce_for_cover(usable[rows][:, columns], rows, columns, cost, options)
    offset = float(cost[pre].sum())
    build_seconds = time.perf_counter() - started
    start, warm_seconds = _timed(lambda: _cover_start(matrix, cost[columns]), options.warm_start)
    options.say(f"LSCP: {matrix.shape[0]} rows x {columns.size} sites after reduction")
    if _use_row_generation(matrix, log, options):
        outcome, rounds = _cover_by_row_generation(matrix, cost[columns], offset, start, options)
        log.note("row_generation_rounds", rounds)
    else:
        outcome = _solve_cover(matrix, cost[columns], offset, start, options, log)
    is_open = _open_mask(n_sites, pre, columns, outcome.x)
    solution = CoreSolution(
        is_open,
        outcome,
        None if is_open is None else float(cost[is_open].sum()),  # exact, no solver round-off
        outcome.bound,
        {"build_s": build_seconds, "warm_start_s": warm_seconds, "solve_s": outcome.seconds},
        log.steps,
        {"uncoverable_rows": np.flatnonzero(~coverable)},
    )
    if start is not None:
        solution.extra["warm_start_objective"] = float(cost[columns][start].sum() + cost[pre].sum())
    return solution


def _cover_start(matrix, cost) -> np.ndarray:
    everything = np.ones(matrix.shape[1], bool)
    return heur.greedy_set_cover(matrix, cost, np.ones(matrix.shape[0], bool), ~everything, everything)


def _use_row_generation(matrix, log: ReductionLog, options) -> bool:
    """Row generation only for a large model the dominance steps could not shrink (measured:
    on reduced models one direct solve is faster than several rounds)."""
    reduced = options.reduce and log.steps.get("dominated_rows") != "skipped (too large)"
    return options.row_generation and not reduced and matrix.shape[0] > ROW_GENERATION_MIN_ROWS


def _solve_cover(matrix, cost, offset, start, options, log: ReductionLog) -> MipOutcome:
    """LP bound, local search towards it, then HiGHS on the sites that can still pay off.

    With integral costs a cover costing ceil(LP bound) is optimal: HiGHS's LP proves it.
    Otherwise sites whose LP reduced cost rules them out of any cover at least as good
    as the incumbent are removed and HiGHS solves the rest (exact).
    """
    started = time.perf_counter()
    bound = cover_lp_bound(matrix, cost, options)
    integral = bool(np.all(cost == np.round(cost)))
    target = -INF if bound is None else (np.ceil(bound[0] - 1e-6) if integral else bound[0])
    if start is not None:
        start = heur.local_search_cover(matrix, cost, start, _local_search_steps(options), target=target)
        log.note("local_search_objective", float(cost @ start + offset))
    if start is not None and bound is not None and cost @ start <= target + 1e-9:
        value = float(cost @ start + offset)
        seconds = time.perf_counter() - started
        return MipOutcome("optimal", value, value, 0.0, start.astype(float), seconds, "optimal (LP bound)")
    keep = _sites_worth_keeping(matrix, cost, start, bound, integral)
    log.note("sites_fixed_by_lp", int((~keep).sum()))
    remaining = replace(options, time_limit=_remaining(options, started), highs_options=_cover_highs(options))
    if start is not None and not keep.all() and (matrix @ keep.astype(float) == 0).any():
        value = float(cost @ start + offset)  # no cheaper cover exists: some row loses every site
        seconds = time.perf_counter() - started
        return MipOutcome("optimal", value, value, 0.0, start.astype(float), seconds, "optimal (LP bound)")
    warm = None if start is None or not keep[start].all() else start[keep].astype(float)
    outcome = _expand(solve_mip(_cover_model(matrix[:, keep], cost[keep], offset), remaining, warm), keep)
    outcome = _best_of(outcome, start, cost, offset)
    if bound is not None and outcome.bound is not None:
        outcome.bound = max(outcome.bound, float(target + offset))
    outcome.seconds = time.perf_counter() - started
    return outcome


# A quarter of a short time limit at the measured ~10,000 steps/s, as a count (not a deadline).
LOCAL_SEARCH_STEPS_PER_LIMIT_SECOND = 2_500


def _local_search_steps(options) -> int:
    if options.time_limit is None:
        return options.local_search_steps
    return min(options.local_search_steps, int(LOCAL_SEARCH_STEPS_PER_LIMIT_SECOND * options.time_limit))


def _cover_highs(options) -> dict:
    """Measured on the benchmark's reduced LSCP models: more heuristic effort finds the optimum sooner."""
    return {"mip_heuristic_effort": 0.3, **(options.highs_options or {})}


def _best_of(outcome: MipOutcome, start, cost, offset) -> MipOutcome:
    """Combine the restricted solve with the incumbent left outside it (sites fixed by LP)."""
    if start is None:
        return outcome
    incumbent = float(cost @ start + offset)
    if outcome.status == "infeasible" or (outcome.objective is not None and outcome.objective >= incumbent):
        proven = outcome.status in ("infeasible", "optimal")
        status = "optimal" if proven else outcome.status
        bound = incumbent if proven else min(incumbent, outcome.bound if outcome.bound is not None else -INF)
        gap = (incumbent - bound) / max(abs(incumbent), 1e-9)
        return MipOutcome(
            status, incumbent, bound, gap, start.astype(float), outcome.seconds, outcome.highs_status
        )
    if outcome.x is None:
        capped = None if outcome.bound is None else min(incumbent, outcome.bound)
        capped_gap = None if capped is None else (incumbent - capped) / max(abs(incumbent), 1e-9)
        return MipOutcome(
            outcome.status,
            incumbent,
            capped,
            capped_gap,
            start.astype(float),
            outcome.seconds,
            outcome.highs_status,
        )
    if outcome.bound is not None:
        outcome.bound = min(outcome.bound, incumbent)
    return outcome


def cover_lp_bound(matrix, cost, options) -> tuple[float, np.ndarray] | None:
    """(Lagrangian bound, reduced costs) from the LP relaxation's row duals, or None.

    For duals y >= 0 and d = cost - A'y, every cover x has cost @ x >= sum(y) + sum(min(d, 0))
    + max(d_j, 0) for each open j; the bound is recomputed here, so it holds whatever the
    LP solver's tolerances.
    """
    model = _cover_model(matrix, cost, 0.0)
    duals = solve_lp_duals(model, options)
    if duals is None:
        return None
    duals = np.maximum(duals, 0.0)
    reduced = cost - sp.csc_matrix(matrix).T @ duals
    return float(duals.sum() + np.minimum(reduced, 0.0).sum()), reduced


def _sites_worth_keeping(matrix, cost, start, bound, integral: bool) -> np.ndarray:
    """Sites that may open in a cover cheaper than the incumbent (integral costs: by at least 1)
    or, with other costs, no dearer; all when either is unknown."""
    if start is None or bound is None:
        return np.ones(matrix.shape[1], bool)
    lower, reduced = bound
    threshold = float(cost @ start) - (1.0 if integral else 0.0)
    keep = lower + np.maximum(reduced, 0.0) <= threshold + 1e-6 * max(1.0, abs(threshold))
    return keep if integral else keep | start


def _expand(outcome: MipOutcome, keep: np.ndarray) -> MipOutcome:
    if outcome.x is not None:
        x = np.zeros(keep.size)
        x[keep] = outcome.x[: int(keep.sum())]
        outcome.x = x
    return outcome


def _remaining(options, started) -> float | None:
    if options.time_limit is None:
        return None
    return max(options.time_limit - (time.perf_counter() - started), 0.01)


ROW_GENERATION_MIN_ROWS = 400
ROWS_ADDED_PER_ROUND = 300


def _cover_by_row_generation(matrix, cost, offset, start, options) -> tuple[MipOutcome, int]:
    """Exact LSCP by row generation: solve on a subset of rows, add rows left uncovered.

    The subset problem is a relaxation, so a subset optimum covering every row is a
    full optimum. Stops with the best full cover known when time runs out.
    """
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    n_rows = matrix.shape[0]
    sizes = np.diff(matrix.indptr)
    active = np.zeros(n_rows, bool)
    active[np.argsort(sizes, kind="stable")[:ROWS_ADDED_PER_ROUND]] = True
    best_cover = start if start is not None else _repair_cover(matrix, cost, np.zeros(matrix.shape[1], bool))
    rounds = 0
    while True:
        rounds += 1
        remaining = (
            None if options.time_limit is None else options.time_limit - (time.perf_counter() - started)
        )
        sub_options = replace(options, time_limit=remaining)
        outcome = solve_mip(_cover_model(matrix[active], cost, offset), sub_options, best_cover.astype(float))
        if outcome.x is None:
            return _with_full_cover(outcome, best_cover, cost, offset, started), rounds
        chosen = outcome.x > 0.5
        uncovered = (matrix @ chosen.astype(float)) == 0
        if not uncovered.any():
            outcome.seconds = time.perf_counter() - started
            return outcome, rounds
        repaired = _repair_cover(matrix, cost, chosen)
        if cost @ repaired < cost @ best_cover:
            best_cover = repaired
        if outcome.status != "optimal":
            return _with_full_cover(outcome, best_cover, cost, offset, started), rounds
        options.say(f"LSCP row generation round {rounds}: {int(uncovered.sum())} rows uncovered, adding them")
        missing = np.flatnonzero(uncovered)
        if missing.size > ROWS_ADDED_PER_ROUND:
            missing = rng.choice(missing, ROWS_ADDED_PER_ROUND, replace=False)
        active[missing] = True


def _repair_cover(matrix, cost, chosen) -> np.ndarray:
    everything = np.ones(matrix.shape[0], bool)
    return heur.greedy_set_cover(matrix, cost, everything, chosen, np.ones(matrix.shape[1], bool))


def _with_full_cover(outcome: MipOutcome, cover_x, cost, offset, started) -> MipOutcome:
    """Time ran out on a row subset: report the best full cover and the subset's bound."""
    objective = float(cost @ cover_x + offset)
    bound = outcome.bound
    gap = None if bound is None else (objective - bound) / max(abs(objective), 1e-9)
    status = "time_limit" if outcome.status in ("time_limit", "optimal") else outcome.status
    return MipOutcome(
        status,
        objective,
        bound,
        gap,
        cover_x.astype(float),
        time.perf_counter() - started,
        outcome.highs_status,
    )


def _reduce_for_cover(matrix, rows, columns, cost, options):
    log = ReductionLog()
    log.note("rows_in", int(rows.size))
    log.note("sites_in", int(columns.size))
    if options.reduce and rows.size:
        representatives, _ = merge_identical_rows(matrix)
        matrix, rows = canonical(matrix)[representatives], rows[representatives]
        log.note("rows_after_merge", int(rows.size))
        dropped_rows, dropped_sites = 0, 0
        for _ in range(MAX_REDUCTION_PASSES):
            matrix, rows, columns, changes = _dominance_pass(matrix, rows, columns, cost, log)
            dropped_rows, dropped_sites = dropped_rows + changes[0], dropped_sites + changes[1]
            if changes == (0, 0) or None in changes:
                break
        log.note("dominance_passes", _ + 1)
        log.steps.setdefault("dominated_rows", dropped_rows)
        log.steps.setdefault("dominated_sites", dropped_sites)
    log.note("rows_out", int(rows.size))
    log.note("sites_out", int(columns.size))
    return canonical(matrix), rows, columns, log


MAX_REDUCTION_PASSES = 8


def _dominance_pass(matrix, rows, columns, cost, log: ReductionLog):
    """One round of row then site dominance; changes = (rows dropped, sites dropped), None if skipped."""
    drop = dominated_rows(matrix)
    if drop is None:
        log.note("dominated_rows", "skipped (too large)")
        return matrix, rows, columns, (None, 0)
    matrix, rows = canonical(matrix[~drop]), rows[~drop]
    dropped_rows = int(drop.sum())
    drop = dominated_columns(matrix, cost[columns], np.zeros(columns.size, bool))
    if drop is None:
        log.note("dominated_sites", "skipped (too large)")
        return matrix, rows, columns, (dropped_rows, None)
    matrix, columns = canonical(matrix[:, ~drop]), columns[~drop]
    if drop.any():  # fewer sites can make rows identical
        representatives, _ = merge_identical_rows(matrix)
        dropped_rows += rows.size - representatives.size
        matrix, rows = matrix[representatives], rows[representatives]
    return matrix, rows, columns, (dropped_rows, int(drop.sum()))


def _cover_model(matrix: sp.csr_matrix, cost: np.ndarray, offset: float) -> MipModel:
    n_rows, n_cols = matrix.shape
    lower, upper = _binary_bounds(n_cols)
    return MipModel(
        cost,
        sp.csc_matrix(matrix),
        np.ones(n_rows),
        np.full(n_rows, INF),
        lower,
        upper,
        np.ones(n_cols, bool),
        offset=offset,
    )


def _timed(make, enabled: bool):
    if not enabled:
        return None, 0.0
    started = time.perf_counter()
    value = make()
    return value, time.perf_counter() - started


def _open_mask(n_sites, pre, columns, x) -> np.ndarray | None:
    if x is None:
        return None
    is_open = pre.copy()
    is_open[columns[np.asarray(x[: columns.size]) > 0.5]] = True
    return is_open


# ---------------------------------------------------------------- MCLP


def mclp_core(
    cover,
    weight,
    p,
    *,
    fixed_open=None,
    fixed_closed=None,
    groups=None,
    capacity=None,
    load=None,
    options=None,
) -> CoreSolution:
    """At most p open sites (fixed ones included), most covered weight.

    With ``capacity`` (per site, NaN = unlimited) each row's ``load`` (default its weight)
    may be split among covering open sites and a site takes at most its capacity.
    """
    options = options or SolveOptions()
    n_rows, n_sites = cover.shape
    weight = np.asarray(weight, dtype=float)
    pre, allowed = _flags(n_sites, fixed_open, fixed_closed)
    if pre.sum() > p:
        raise ValueError(f"{int(pre.sum())} fixed-open sites exceed p = {p}")
    if capacity is not None:
        return _capacitated_mclp(cover, weight, p, pre, allowed, capacity, load, options)
    return _plain_mclp(cover, weight, p, pre, allowed, groups or [], options)


def _plain_mclp(cover, weight, p, pre, allowed, groups, options) -> CoreSolution:
    started = time.perf_counter()
    n_sites = cover.shape[1]
    usable = usable_cover(cover, allowed)
    already = (usable @ pre.astype(float)) > 0
    rows = np.flatnonzero((np.diff(usable.indptr) > 0) & ~already & (weight > 0))
    columns = np.flatnonzero(allowed & ~pre)
    matrix, row_weight, rows, columns, log = _reduce_for_max_cover(
        usable[rows][:, columns], weight[rows], rows, columns, options, allow_site_dominance=not groups
    )
    offset = float(weight[already].sum())
    budget = p - int(pre.sum())
    options.say(f"MCLP: {matrix.shape[0]} rows x {columns.size} sites after reduction, p = {p}")
    if not groups and matrix.nnz > MCLP_LAGRANGE_NNZ:
        build_seconds = time.perf_counter() - started
        outcome, start, warm_seconds = _mclp_by_relaxation(matrix, row_weight, budget, offset, options, log)
    else:
        model = _with_groups(_max_cover_model(matrix, row_weight, budget, offset), groups, columns, pre)
        build_seconds = time.perf_counter() - started
        start, warm_seconds = _timed(
            lambda: _mclp_start(matrix, row_weight, budget), options.warm_start and not groups
        )
        # HiGHS presolve spends most of the time on dense coverage without helping (measured).
        outcome = solve_mip(model, options if options.presolve else replace(options, presolve="off"), start)
    solution = CoreSolution(
        _open_mask(n_sites, pre, columns, outcome.x),
        outcome,
        outcome.objective,
        outcome.bound,
        {"build_s": build_seconds, "warm_start_s": warm_seconds, "solve_s": outcome.seconds},
        log.steps,
    )
    if start is not None:
        solution.extra["warm_start_objective"] = float(start[columns.size :] @ row_weight + offset)
    return solution


# Above this many coverage entries (after reduction) the Lagrangian relaxation (maxcover) gives the bound
# and the network: at 20,000 x 3,000 (9.4 million entries) HiGHS's root LP did not finish in 120 s.
MCLP_LAGRANGE_NNZ = 200_000
# An exact MIP on what the relaxation's site fixing leaves, only when that is this small (measured: at
# 20,000 x 3,000, 520 sites and 1.06 million entries were left and HiGHS found no bound in 150 s).
MCLP_EXACT_NNZ = 200_000


def _mclp_by_relaxation(matrix, row_weight, budget, offset, options, log: ReductionLog):
    """Greedy plus swaps, the Lagrangian bound with site fixing, then (when small) HiGHS on the rest.

    Every limit is a count of iterations or swaps: the answer does not depend on the machine's load
    (only the optional exact step, on a small reduced model, runs under the time limit)."""
    started = time.perf_counter()
    lists = maxcover.CoverageLists.of(matrix)
    start = None
    if options.warm_start:
        start, _ = maxcover.swap(lists, row_weight, maxcover.greedy(lists, row_weight, budget), budget=budget)
        log.note("greedy_swap_objective", lists.covered(row_weight, start) + offset)
    warm_seconds = time.perf_counter() - started
    relaxation = maxcover.relax(lists, row_weight, budget, start)
    log.note("lagrange_iterations", relaxation.iterations)
    log.note("sites_fixed_closed", int(relaxation.fixed_closed.sum()))
    log.note("sites_fixed_open", int(relaxation.fixed_open.sum()))
    options.say(
        f"MCLP Lagrangian: bound {relaxation.bound + offset:,.1f}, best {relaxation.covered + offset:,.1f} "
        f"after {relaxation.iterations} iterations and {relaxation.swaps} swaps; "
        f"{int(relaxation.fixed_closed.sum())} sites ruled out, {int(relaxation.fixed_open.sum())} required"
    )
    best_x = _max_cover_x(matrix, relaxation.is_open)
    value, bound = relaxation.covered + offset, relaxation.bound + offset
    proven = relaxation.bound - relaxation.covered <= _max_cover_margin(row_weight)
    proven = proven or bool((relaxation.fixed_closed & relaxation.fixed_open).any())
    if proven:
        outcome = MipOutcome("optimal", value, value, 0.0, best_x, 0.0, "optimal (Lagrangian bound)")
    else:
        gap = (bound - value) / max(abs(bound), 1e-9)
        outcome = MipOutcome("feasible", value, bound, gap, best_x, 0.0, "feasible (Lagrangian bound)")
        exact = _mclp_exact_on_rest(matrix, row_weight, budget, relaxation, options, started, log)
        if exact is not None:
            outcome = _with_exact_rest(outcome, exact, matrix, offset)
    outcome.seconds = time.perf_counter() - started
    return outcome, None if start is None else _max_cover_x(matrix, start), warm_seconds


def _max_cover_x(matrix, is_open) -> np.ndarray:
    return np.concatenate([is_open, (matrix @ is_open.astype(float)) > 0]).astype(float)


def _max_cover_margin(row_weight) -> float:
    """A bound this close to the best value proves it (integral weights: less than 1 apart)."""
    integral = bool(np.all(row_weight == np.round(row_weight)))
    return (1.0 - 1e-6) if integral else 1e-9 * max(1.0, float(row_weight.sum()))


def _mclp_exact_on_rest(matrix, row_weight, budget, relaxation, options, started, log: ReductionLog):
    """HiGHS on the sites the bound left (required ones open); None when that is still too large.

    Returns (is_open over all sites or None, outcome) for networks better than the relaxation's."""
    keep = ~relaxation.fixed_closed
    required = relaxation.fixed_open
    covered = (matrix @ required.astype(float)) > 0
    columns = np.flatnonzero(keep & ~required)
    rest = canonical(matrix[~covered][:, columns])
    rest_weight = row_weight[~covered]
    alive = np.diff(rest.indptr) > 0
    rest, rest_weight = rest[alive], rest_weight[alive]
    rest, rest_weight, _, columns, rest_log = _reduce_for_max_cover(
        rest, rest_weight, np.arange(rest.shape[0]), columns, options, allow_site_dominance=True
    )
    log.note("exact_rest_rows", int(rest.shape[0]))
    log.note("exact_rest_sites", int(columns.size))
    log.note("exact_rest_nnz", int(rest.nnz))
    if rest.nnz > MCLP_EXACT_NNZ:
        return None
    offset = float(row_weight[covered].sum())
    model = _max_cover_model(rest, rest_weight, budget - int(required.sum()), offset)
    inside = relaxation.is_open[columns]
    warm = None
    if not (relaxation.is_open & ~keep).any() and (required <= relaxation.is_open).all():
        warm = np.concatenate([inside, (rest @ inside.astype(float)) > 0]).astype(float)
    remaining = replace(options, time_limit=_remaining(options, started))
    outcome = solve_mip(model, remaining if options.presolve else replace(remaining, presolve="off"), warm)
    is_open = None
    if outcome.x is not None:
        is_open = required.copy()
        is_open[columns[outcome.x[: columns.size] > 0.5]] = True
    return is_open, outcome


def _with_exact_rest(outcome: MipOutcome, exact, matrix, offset) -> MipOutcome:
    """The relaxation's answer, improved by the exact step on the rest; proven when that step is.

    Every network better than the relaxation's respects the fixings, so the rest's optimum (or
    bound) with the relaxation's value is the whole problem's."""
    is_open, rest = exact
    value, bound = float(outcome.objective or 0.0), float(outcome.bound or 0.0)
    if rest.objective is not None and is_open is not None and rest.objective + offset > value:
        value, outcome.x = rest.objective + offset, _max_cover_x(matrix, is_open)
    if rest.status in ("optimal", "infeasible"):
        bound = value
    elif rest.bound is not None:
        bound = min(bound, max(rest.bound + offset, value))
    outcome.objective, outcome.bound = value, bound
    outcome.gap = (bound - value) / max(abs(bound), 1e-9)
    if outcome.gap <= 1e-12:
        outcome.status, outcome.highs_status = (
            "optimal",
            f"optimal (Lagrangian fixing, then {rest.highs_status})",
        )
    return outcome


def _reduce_for_max_cover(matrix, row_weight, rows, columns, options, allow_site_dominance):
    log = ReductionLog()
    log.note("rows_in", int(rows.size))
    log.note("sites_in", int(columns.size))
    if options.reduce and rows.size:
        representatives, group = merge_identical_rows(matrix)
        row_weight = sum_by_group(row_weight, group, representatives.size)
        matrix, rows = canonical(matrix)[representatives], rows[representatives]
        log.note("rows_after_merge", int(rows.size))
        if allow_site_dominance:
            drop = dominated_columns(matrix, np.ones(columns.size), np.zeros(columns.size, bool))
            log.note("dominated_sites", "skipped (too large)" if drop is None else int(drop.sum()))
            if drop is not None:
                matrix, columns = matrix[:, ~drop], columns[~drop]
    log.note("rows_out", int(rows.size))
    log.note("sites_out", int(columns.size))
    return canonical(matrix), row_weight, rows, columns, log


def _max_cover_model(matrix, row_weight, site_budget, offset) -> MipModel:
    """Columns: sites x (binary) then rows y (continuous 0..1). Rows: y - A x <= 0, sum x <= budget."""
    n_rows, n_cols = matrix.shape
    linking = sp.hstack([-matrix, sp.identity(n_rows)], format="csr")
    budget = sp.hstack([sp.csr_matrix(np.ones((1, n_cols))), sp.csr_matrix((1, n_rows))], format="csr")
    return MipModel(
        cost=np.concatenate([np.zeros(n_cols), row_weight]),
        matrix=stack_rows(linking, budget),
        row_lower=np.full(n_rows + 1, -INF),
        row_upper=np.concatenate([np.zeros(n_rows), [float(site_budget)]]),
        col_lower=np.zeros(n_cols + n_rows),
        col_upper=np.ones(n_cols + n_rows),
        integer=np.concatenate([np.ones(n_cols, bool), np.zeros(n_rows, bool)]),
        maximize=True,
        offset=offset,
    )


def _with_groups(model: MipModel, groups, columns, pre) -> MipModel:
    if not groups:
        return model
    n_cols = model.cost.size
    position = {site: i for i, site in enumerate(columns.tolist())}
    rows, lower, upper = [], [], []
    for group in groups:
        members = [position[s] for s in np.asarray(group.sites).tolist() if s in position]
        row = sp.csr_matrix((np.ones(len(members)), ([0] * len(members), members)), shape=(1, n_cols))
        already = int(pre[np.asarray(group.sites, dtype=np.int64)].sum())
        rows.append(row)
        lower.append(group.at_least - already)
        upper.append(INF if group.at_most is None else group.at_most - already)
    model.matrix = stack_rows(model.matrix, *rows)
    model.row_lower = np.concatenate([model.row_lower, lower])
    model.row_upper = np.concatenate([model.row_upper, upper])
    return model


def _mclp_start(matrix, row_weight, site_budget) -> np.ndarray:
    """Greedy then best-improvement swaps (limits in swaps, not seconds)."""
    lists = maxcover.CoverageLists.of(matrix)
    greedy = maxcover.greedy(lists, row_weight, site_budget)
    is_open, _ = maxcover.swap(lists, row_weight, greedy, budget=site_budget)
    return _max_cover_x(matrix, is_open)


def _capacitated_mclp(cover, weight, p, pre, allowed, capacity, load, options) -> CoreSolution:
    """Columns: x sites, y rows, z pairs. sum_j z_ij = y_i; sum_i load_i z_ij <= cap_j x_j."""
    started = time.perf_counter()
    n_sites = cover.shape[1]
    load = weight if load is None else np.asarray(load, dtype=float)
    usable = usable_cover(cover, allowed)
    rows = np.flatnonzero((np.diff(usable.indptr) > 0) & (weight > 0))
    matrix = usable[rows]
    row_weight, row_load = weight[rows], load[rows]
    if options.reduce and rows.size:
        representatives, group = merge_identical_rows(matrix)
        row_weight = sum_by_group(row_weight, group, representatives.size)
        row_load = sum_by_group(row_load, group, representatives.size)
        matrix, rows = canonical(matrix)[representatives], rows[representatives]
    model = _capacitated_cover_model(matrix, row_weight, row_load, p, pre, allowed, capacity)
    build_seconds = time.perf_counter() - started
    options.say(f"capacitated MCLP: {rows.size} rows x {n_sites} sites, {matrix.nnz} pairs, p = {p}")
    outcome = solve_mip(model, options)
    is_open = None if outcome.x is None else outcome.x[:n_sites] > 0.5
    shares = None
    if outcome.x is not None:
        coo = matrix.tocoo()
        shares = (rows[coo.row], coo.col, outcome.x[n_sites + rows.size :])
    return CoreSolution(
        is_open,
        outcome,
        outcome.objective,
        outcome.bound,
        {"build_s": build_seconds, "warm_start_s": 0.0, "solve_s": outcome.seconds},
        {"rows_out": int(rows.size)},
        {"assignment_shares": shares},
    )


def _capacitated_cover_model(matrix, row_weight, row_load, p, pre, allowed, capacity) -> MipModel:
    n_rows, n_sites = matrix.shape
    coo = matrix.tocoo()
    n_pairs = coo.nnz
    capacity = np.asarray(capacity, dtype=float)
    capacity = np.where(np.isfinite(capacity), capacity, row_load.sum() + 1.0)
    pair_columns = n_sites + n_rows + np.arange(n_pairs)
    # sum_j z_ij - y_i = 0
    assign = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_pairs), -np.ones(n_rows)]),
            (
                np.concatenate([coo.row, np.arange(n_rows)]),
                np.concatenate([pair_columns, n_sites + np.arange(n_rows)]),
            ),
        ),
        shape=(n_rows, n_sites + n_rows + n_pairs),
    )
    # sum_i load_i z_ij - cap_j x_j <= 0
    cap = sp.csr_matrix(
        (
            np.concatenate([row_load[coo.row], -capacity]),
            (
                np.concatenate([coo.col, np.arange(n_sites)]),
                np.concatenate([pair_columns, np.arange(n_sites)]),
            ),
        ),
        shape=(n_sites, n_sites + n_rows + n_pairs),
    )
    budget = sp.csr_matrix(
        (np.ones(n_sites), (np.zeros(n_sites), np.arange(n_sites))), shape=(1, assign.shape[1])
    )
    n_cols = assign.shape[1]
    col_lower = np.zeros(n_cols)
    col_lower[:n_sites] = pre.astype(float)
    col_upper = np.ones(n_cols)
    col_upper[:n_sites] = allowed.astype(float)
    return MipModel(
        cost=np.concatenate([np.zeros(n_sites), row_weight, np.zeros(n_pairs)]),
        matrix=stack_rows(assign, cap, budget),
        row_lower=np.concatenate([np.zeros(n_rows), np.full(n_sites, -INF), [-INF]]),
        row_upper=np.concatenate([np.zeros(n_rows), np.zeros(n_sites), [float(p)]]),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=np.concatenate([np.ones(n_sites, bool), np.zeros(n_rows + n_pairs, bool)]),
        maximize=True,
    )


# ---------------------------------------------------------------- p-median


def pmedian_core(
    demand_index,
    site_index,
    pair_cost,
    weight,
    p,
    n_sites,
    *,
    fallback=None,
    fixed_open=None,
    fixed_closed=None,
    capacity=None,
    load=None,
    options=None,
) -> CoreSolution:
    """p sites, least weighted cost; demand i goes to one of its listed pairs.

    ``fallback`` (per demand) is the cost charged when none of its listed sites is
    open: with pairs = k nearest sites and fallback = the (k+1)-th nearest cost this is a
    relaxation of the full problem, exact whenever no fallback is used.
    """
    options = options or SolveOptions()
    started = time.perf_counter()
    weight = np.asarray(weight, dtype=float)
    n_demand = weight.size
    pre, allowed = _flags(n_sites, fixed_open, fixed_closed)
    keep = allowed[site_index]
    demand_index, site_index, pair_cost = demand_index[keep], site_index[keep], np.asarray(pair_cost)[keep]
    fallback_cost = np.full(n_demand, INF) if fallback is None else np.asarray(fallback, dtype=float)
    model = _pmedian_model(demand_index, site_index, pair_cost, weight, p, n_sites, fallback, pre, allowed)
    if capacity is not None:
        model = _with_pmedian_capacity(
            model, demand_index, site_index, weight if load is None else load, capacity
        )
    build_seconds = time.perf_counter() - started
    start, warm_seconds = _timed(
        lambda: _pmedian_start(
            demand_index, site_index, pair_cost, weight, fallback, fallback_cost, p, pre, allowed, options
        ),
        options.warm_start and capacity is None,
    )
    options.say(f"p-median: {n_demand} demand x {n_sites} sites, {demand_index.size} pairs, p = {p}")
    outcome = solve_mip(model, options, start)
    is_open = None if outcome.x is None else outcome.x[:n_sites] > 0.5
    extra: dict[str, object] = {}
    if outcome.x is not None:
        z = outcome.x[n_sites : n_sites + demand_index.size]
        extra["assignment_shares"] = (demand_index, site_index, z)
        if fallback is not None:
            extra["fallback_used"] = np.flatnonzero(outcome.x[n_sites + demand_index.size :] > 1e-6)
    return CoreSolution(
        is_open,
        outcome,
        outcome.objective,
        outcome.bound,
        {"build_s": build_seconds, "warm_start_s": warm_seconds, "solve_s": outcome.seconds},
        {},
        extra,
    )


def _pmedian_model(
    demand_index, site_index, pair_cost, weight, p, n_sites, fallback, pre, allowed
) -> MipModel:
    n_demand, n_pairs = weight.size, demand_index.size
    n_fallback = n_demand if fallback is not None else 0
    n_cols = n_sites + n_pairs + n_fallback
    pair_columns = n_sites + np.arange(n_pairs)
    fallback_columns = n_sites + n_pairs + np.arange(n_fallback)
    assign = sp.csr_matrix(
        (
            np.ones(n_pairs + n_fallback),
            (
                np.concatenate([demand_index, np.arange(n_fallback)]),
                np.concatenate([pair_columns, fallback_columns]),
            ),
        ),
        shape=(n_demand, n_cols),
    )
    link = sp.csr_matrix(
        (
            np.concatenate([np.ones(n_pairs), -np.ones(n_pairs)]),
            (np.tile(np.arange(n_pairs), 2), np.concatenate([pair_columns, site_index])),
        ),
        shape=(n_pairs, n_cols),
    )
    count = sp.csr_matrix((np.ones(n_sites), (np.zeros(n_sites), np.arange(n_sites))), shape=(1, n_cols))
    col_lower, col_upper = np.zeros(n_cols), np.ones(n_cols)
    col_lower[:n_sites], col_upper[:n_sites] = pre.astype(float), allowed.astype(float)
    cost = np.concatenate([np.zeros(n_sites), weight[demand_index] * pair_cost])
    if n_fallback:
        cost = np.concatenate([cost, weight * np.asarray(fallback, dtype=float)])
    return MipModel(
        cost=cost,
        matrix=stack_rows(assign, link, count),
        row_lower=np.concatenate([np.ones(n_demand), np.full(n_pairs, -INF), [float(p)]]),
        row_upper=np.concatenate([np.ones(n_demand), np.zeros(n_pairs), [float(p)]]),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=np.concatenate([np.ones(n_sites, bool), np.zeros(n_pairs + n_fallback, bool)]),
    )


def _with_pmedian_capacity(model, demand_index, site_index, load, capacity) -> MipModel:
    n_sites, n_pairs = len(capacity), demand_index.size
    capacity = np.asarray(capacity, dtype=float)
    capacity = np.where(np.isfinite(capacity), capacity, float(np.sum(load)) + 1.0)
    n_cols = model.cost.size
    cap = sp.csr_matrix(
        (
            np.concatenate([np.asarray(load, dtype=float)[demand_index], -capacity]),
            (
                np.concatenate([site_index, np.arange(n_sites)]),
                np.concatenate([n_sites + np.arange(n_pairs), np.arange(n_sites)]),
            ),
        ),
        shape=(n_sites, n_cols),
    )
    model.matrix = stack_rows(model.matrix, cap)
    model.row_lower = np.concatenate([model.row_lower, np.full(n_sites, -INF)])
    model.row_upper = np.concatenate([model.row_upper, np.zeros(n_sites)])
    return model


def _pmedian_start(
    demand_index, site_index, pair_cost, weight, fallback, fallback_cost, p, pre, allowed, options
):
    big = np.where(np.isfinite(fallback_cost), fallback_cost, pair_cost.max(initial=0.0) * 10 + 1e6)
    is_open = heur.greedy_pmedian(demand_index, site_index, pair_cost, weight, big, p, pre, allowed)
    is_open = heur.swap_pmedian(
        demand_index, site_index, pair_cost, weight, big, is_open, pre, allowed, options.swap_pair_visits
    )
    best = heur.best_open_cost(demand_index, site_index, pair_cost, big, is_open)
    order = np.lexsort((pair_cost, demand_index))
    chosen = np.zeros(demand_index.size)
    taken = np.zeros(weight.size, bool)
    for pair in order[is_open[site_index[order]]]:
        if not taken[demand_index[pair]] and pair_cost[pair] <= best[demand_index[pair]]:
            chosen[pair], taken[demand_index[pair]] = 1.0, True
    if fallback is None and not taken.all():
        return None
    parts = [is_open.astype(float), chosen] + ([(~taken).astype(float)] if fallback is not None else [])
    return np.concatenate(parts)


# ---------------------------------------------------------------- hierarchical


def hierarchical_core(
    cover_main, cover_tight, weight, cost=None, *, fixed_open=None, fixed_closed=None, options=None
) -> tuple[CoreSolution, CoreSolution]:
    """Stage 1: LSCP under the main standard. Stage 2: same site count/cost, most weight
    within the tight standard (main standard still met)."""
    options = options or SolveOptions()
    n_sites = cover_main.shape[1]
    cost = np.ones(n_sites) if cost is None else np.asarray(cost, dtype=float)
    first = lscp_core(cover_main, cost, fixed_open=fixed_open, fixed_closed=fixed_closed, options=options)
    if first.is_open is None:
        return first, first
    started = time.perf_counter()
    pre, allowed = _flags(n_sites, fixed_open, fixed_closed)
    main = usable_cover(cover_main, allowed)
    tight = usable_cover(cover_tight, allowed)
    budget = float(cost[first.is_open].sum())
    main_rows = np.flatnonzero((np.diff(main.indptr) > 0) & ((main @ pre.astype(float)) == 0))
    tight_done = (tight @ pre.astype(float)) > 0
    tight_rows = np.flatnonzero((np.diff(tight.indptr) > 0) & ~tight_done & (np.asarray(weight) > 0))
    columns = np.flatnonzero(allowed & ~pre)
    main_m, tight_m, tight_w, columns, log = _reduce_hierarchical(
        main[main_rows][:, columns],
        tight[tight_rows][:, columns],
        np.asarray(weight, float)[tight_rows],
        columns,
        cost,
        options,
    )
    model = _hierarchical_model(main_m, tight_m, tight_w, cost[columns], budget - float(cost[pre].sum()))
    model.offset = float(np.asarray(weight, float)[tight_done].sum())
    start = np.concatenate([first.is_open[columns], (tight_m @ first.is_open[columns].astype(float)) > 0])
    build_seconds = time.perf_counter() - started
    options.say(f"hierarchical stage 2: {tight_m.shape[0]} rows x {columns.size} sites, budget {budget:g}")
    outcome = solve_mip(model, options, start.astype(float))
    second = CoreSolution(
        _open_mask(n_sites, pre, columns, outcome.x),
        outcome,
        outcome.objective,
        outcome.bound,
        {"build_s": build_seconds, "warm_start_s": 0.0, "solve_s": outcome.seconds},
        log.steps,
        {"site_budget": budget, "uncoverable_rows": first.extra["uncoverable_rows"]},
    )
    return first, second


def _reduce_hierarchical(main_m, tight_m, tight_w, columns, cost, options):
    log = ReductionLog()
    if options.reduce:
        if main_m.shape[0]:
            representatives, _ = merge_identical_rows(main_m)
            main_m = canonical(main_m)[representatives]
            drop = dominated_rows(main_m)
            if drop is not None:
                main_m = main_m[~drop]
        if tight_m.shape[0]:
            representatives, group = merge_identical_rows(tight_m)
            tight_w = sum_by_group(tight_w, group, representatives.size)
            tight_m = canonical(tight_m)[representatives]
        both = sp.vstack([main_m, tight_m], format="csr")
        drop = dominated_columns(both, cost[columns], np.zeros(columns.size, bool))
        log.note("dominated_sites", "skipped (too large)" if drop is None else int(drop.sum()))
        if drop is not None:
            main_m, tight_m, columns = main_m[:, ~drop], tight_m[:, ~drop], columns[~drop]
    log.note("main_rows", int(main_m.shape[0]))
    log.note("tight_rows", int(tight_m.shape[0]))
    return canonical(main_m), canonical(tight_m), tight_w, columns, log


def _hierarchical_model(main_m, tight_m, tight_w, cost, budget) -> MipModel:
    n_main, n_cols = main_m.shape
    n_tight = tight_m.shape[0]
    cover_rows = sp.hstack([main_m, sp.csr_matrix((n_main, n_tight))], format="csr")
    linking = sp.hstack([-tight_m, sp.identity(n_tight)], format="csr")
    budget_row = sp.hstack([sp.csr_matrix(cost.reshape(1, -1)), sp.csr_matrix((1, n_tight))], format="csr")
    return MipModel(
        cost=np.concatenate([np.zeros(n_cols), tight_w]),
        matrix=stack_rows(cover_rows, linking, budget_row),
        row_lower=np.concatenate([np.ones(n_main), np.full(n_tight + 1, -INF)]),
        row_upper=np.concatenate([np.full(n_main, INF), np.zeros(n_tight), [budget + 1e-6]]),
        col_lower=np.zeros(n_cols + n_tight),
        col_upper=np.ones(n_cols + n_tight),
        integer=np.concatenate([np.ones(n_cols, bool), np.zeros(n_tight, bool)]),
        maximize=True,
    )
