"""Problem-level API: demand + sites + rule + travel model -> PlanResult."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .data import RULE_WORDS_VI, CandidateSites, CoverageRule, DemandPoints
from .errors import PlanningInputError, PlanningTooLarge
from .models import (
    CoreSolution,
    SiteGroup,
    hierarchical_core,
    lscp_core,
    mclp_core,
    pmedian_core,
)
from .result import PlanResult, UncoveredDemand, clean_number, weighted_share
from .solver import MipOutcome, SolveOptions
from .travel import HaversineTravel, RoadGraphTravel, TravelPairs, coverage_matrix


@dataclass
class PlanningProblem:
    demand: DemandPoints
    sites: CandidateSites
    rule: CoverageRule = field(default_factory=CoverageRule)
    travel: HaversineTravel | RoadGraphTravel = field(default_factory=HaversineTravel)
    weight_name: str | None = None
    _cache: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if len(self.demand) == 0:
            raise PlanningInputError("demand", "không có điểm dân cư nào", "no demand points")
        if len(self.sites) == 0:
            raise PlanningInputError("sites", "không có điểm phục vụ nào", "no sites")

    def check_p(self, p: int) -> None:
        """p between the fixed-open sites and the sites that may open, with the reason otherwise
        (for MCLP's "at most p" too: a p above what exists is a mistake worth saying)."""
        may_open = int((~self.sites.fixed_closed).sum())
        fixed = int(self.sites.fixed_open.sum())
        if p < 1:
            raise PlanningInputError("p", f"phải ≥ 1 (nhận {p})", f"must be ≥ 1 (got {p})")
        if p > may_open:
            raise PlanningInputError(
                "p",
                f"là {p} nhưng chỉ có {may_open} điểm có thể mở",
                f"is {p} but only {may_open} sites may open",
            )
        if p < fixed:
            raise PlanningInputError(
                "p",
                f"là {p} nhưng {fixed} điểm bắt buộc phải mở",
                f"is {p} but {fixed} sites must stay open",
            )

    def weight(self, name: str | None = None) -> np.ndarray:
        return self.demand.weight(name or self.weight_name)

    def coverage(self, rule: CoverageRule | None = None):
        rule = rule or self.rule
        if rule not in self._cache:
            started = time.perf_counter()
            pairs = self.travel.pairs_within(self.demand, self.sites, rule)
            matrix = coverage_matrix(pairs, rule, len(self.demand), len(self.sites))
            self._cache[rule] = matrix
            self._cache.setdefault("travel_s", 0.0)
            self._cache["travel_s"] += time.perf_counter() - started
        return self._cache[rule]

    @property
    def travel_seconds(self) -> float:
        return float(self._cache.get("travel_s", 0.0))

    def nearest(self, site_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Nearest site among ``site_mask`` per demand point: (site index or -1, km, minutes)."""
        chosen = np.flatnonzero(site_mask)
        n = len(self.demand)
        if chosen.size == 0:
            return np.full(n, -1), np.full(n, np.inf), np.full(n, np.inf)
        pairs = self.travel.nearest(self.demand, self.sites.subset(chosen), 1)
        order = np.argsort(pairs.demand_index, kind="stable")
        return chosen[pairs.site_index[order]], pairs.km[order], pairs.minutes[order]


# ---------------------------------------------------------------- public solvers


def solve_lscp(problem: PlanningProblem, *, minimize: str = "count", options: SolveOptions | None = None):
    """Fewest sites (minimize="count") or least opening cost ("cost") covering all coverable demand."""
    started = time.perf_counter()
    cost = _site_cost(problem.sites, minimize)
    cover = problem.coverage()
    core = lscp_core(
        cover,
        cost,
        fixed_open=problem.sites.fixed_open,
        fixed_closed=problem.sites.fixed_closed,
        options=options,
    )
    return plan_result(problem, "lscp", core, started, minimize=minimize)


def solve_mclp(
    problem: PlanningProblem,
    p: int,
    *,
    capacitated: bool = False,
    load_weight: str | None = None,
    groups: list[SiteGroup] | None = None,
    options: SolveOptions | None = None,
):
    """At most p open sites (fixed-open included) covering the most weight."""
    problem.check_p(p)
    started = time.perf_counter()
    core = mclp_core(
        problem.coverage(),
        problem.weight(),
        p,
        fixed_open=problem.sites.fixed_open,
        fixed_closed=problem.sites.fixed_closed,
        groups=groups,
        capacity=problem.sites.capacity if capacitated else None,
        load=problem.weight(load_weight) if capacitated else None,
        options=options,
    )
    return plan_result(problem, "mclp_capacitated" if capacitated else "mclp", core, started, p=p)


def solve_pmedian(
    problem: PlanningProblem,
    p: int,
    *,
    metric: str = "minutes",
    k_nearest: int | None = None,
    capacitated: bool = False,
    load_weight: str | None = None,
    options: SolveOptions | None = None,
    method: str = "auto",
    max_memory_mb: float = 2048.0,
):
    """p sites, least weighted travel (minutes or km) to the assigned site.

    ``method``: "exact" (a HiGHS MIP on every pair, for small instances), "lagrangian" (sparse nearest
    lists, a proven Lagrangian bound and fast interchange, for any size; see :mod:`.lagrange`), or "auto":
    exact up to ``EXACT_PAIRS_LIMIT`` demand-site pairs (and always when capacitated), else lagrangian.
    Instances that would need more than ``max_memory_mb`` are refused before anything large is built.

    ``k_nearest`` restricts each demand point to its k nearest sites; a demand point
    whose k nearest are all closed pays its (k+1)-th nearest cost. That model is a
    relaxation, so the answer is proven optimal when no demand point needs the
    fallback (status "optimal"); otherwise it is reported as "feasible" with the bound.
    """
    problem.check_p(p)
    if k_nearest is not None and k_nearest < 1:
        raise PlanningInputError(
            "k_nearest", f"phải ≥ 1 (nhận {k_nearest})", f"must be ≥ 1 (got {k_nearest})"
        )
    if method not in ("auto", "exact", "lagrangian"):
        raise PlanningInputError(
            "method", "chọn auto, exact hoặc lagrangian", "use auto, exact or lagrangian"
        )
    pairs_total = len(problem.demand) * len(problem.sites)
    if method == "auto":
        method = "exact" if capacitated or pairs_total <= EXACT_PAIRS_LIMIT else "lagrangian"
    if method == "lagrangian":
        if capacitated:
            raise PlanningInputError(
                "method",
                "phương pháp Lagrange chưa hỗ trợ giới hạn công suất",
                "lagrangian has no capacities",
            )
        return _pmedian_lagrangian(problem, p, metric, k_nearest, options or SolveOptions(), max_memory_mb)
    listed = (
        pairs_total if k_nearest is None else len(problem.demand) * min(k_nearest + 1, len(problem.sites))
    )
    needed_mb = listed * EXACT_BYTES_PER_PAIR / 2**20
    if needed_mb > max_memory_mb:
        raise PlanningTooLarge(
            "size",
            f"mô hình chính xác cần khoảng {needed_mb:,.0f} MB cho {listed:,} cặp, "
            f"vượt giới hạn {max_memory_mb:,.0f} MB; dùng phương pháp Lagrange",
            f"the exact model needs about {needed_mb:,.0f} MB for {listed:,} pairs, "
            f"above the {max_memory_mb:,.0f} MB limit; use the lagrangian method",
        )
    started = time.perf_counter()
    n_sites = len(problem.sites)
    subset_k = k_nearest if k_nearest is not None and k_nearest < n_sites else None
    pairs = _pmedian_pairs(problem, subset_k)
    cost = pairs.metric(metric)
    fallback: np.ndarray | None = None
    if subset_k is not None:
        fallback = _fallback_cost(problem, pairs, subset_k, metric)
        keep = _rank_within_demand(pairs) < subset_k
        pairs, cost = pairs.select(keep), cost[keep]
    weight = problem.weight()
    core = pmedian_core(
        pairs.demand_index,
        pairs.site_index,
        cost,
        weight,
        p,
        n_sites,
        fallback=fallback,
        fixed_open=problem.sites.fixed_open,
        fixed_closed=problem.sites.fixed_closed,
        capacity=problem.sites.capacity if capacitated else None,
        load=problem.weight(load_weight) if capacitated else None,
        options=options,
    )
    model = "pmedian_capacitated" if capacitated else "pmedian"
    result = plan_result(problem, model, core, started, p=p, metric=metric, k_nearest=k_nearest)
    if subset_k is not None and core.is_open is not None:
        _settle_fallback(problem, result, core, metric)
    return result


# Above this many demand-site pairs "auto" leaves the exact MIP for the Lagrangian method (at 1,000 x 200
# the MIP was still 1.8 % from its bound after 120 s; the Lagrangian method 0.2 % in 1 s); the MIP's
# memory per pair (HiGHS's copies included) was measured near 1.9 kB at 5,000 x 1,000 (9.5 GB).
EXACT_PAIRS_LIMIT = 20_000
EXACT_BYTES_PER_PAIR = 2000


def _pmedian_lagrangian(problem, p, metric, k_nearest, options: SolveOptions, max_memory_mb):
    from .lagrange import DEFAULT_NEIGHBOURS, NearestLists, check_size, solve

    started = time.perf_counter()
    usable = np.flatnonzero(~problem.sites.fixed_closed)
    sites = problem.sites.subset(usable)
    # enough neighbours that a demand point usually has several open sites listed (p of m open)
    k = min(k_nearest or max(DEFAULT_NEIGHBOURS, -(-5 * len(sites) // p)), len(sites))
    check_size(len(problem.demand), k + 1, max_memory_mb)
    weight = problem.weight()
    pairs = problem.travel.nearest(problem.demand, sites, min(k + 1, len(sites)))
    order = np.lexsort((pairs.metric(metric), pairs.demand_index))
    listed = min(k + 1, len(sites))
    site_table = pairs.site_index[order].reshape(len(problem.demand), listed)
    cost_table = (pairs.metric(metric)[order].reshape(len(problem.demand), listed)) * weight[:, None]
    beyond = cost_table[:, k] if listed > k else np.full(len(problem.demand), np.inf)
    lists = NearestLists(site_table[:, :k].copy(), cost_table[:, :k].copy(), beyond.copy(), len(sites))
    del pairs, order, site_table, cost_table

    def nearest_cost(is_open: np.ndarray, rows: np.ndarray) -> np.ndarray:
        chosen = np.flatnonzero(is_open)
        found = problem.travel.nearest(problem.demand.subset(rows), sites.subset(chosen), 1)
        position = np.argsort(found.demand_index, kind="stable")
        return found.metric(metric)[position] * weight[rows]

    build_seconds = time.perf_counter() - started
    outcome = solve(
        lists,
        p,
        nearest_cost=nearest_cost,
        fixed_open=sites.fixed_open,
        say=options.say,
    )
    is_open = np.zeros(len(problem.sites), bool)
    is_open[usable[outcome.is_open]] = True
    proven = outcome.gap <= 1e-7
    core = CoreSolution(
        is_open,
        MipOutcome(
            "optimal" if proven else "feasible",
            outcome.objective,
            outcome.bound,
            outcome.gap,
            None,
            time.perf_counter() - started - build_seconds,
            "lagrangian",
        ),
        outcome.objective,
        outcome.bound,
        {
            "build_s": build_seconds,
            "warm_start_s": 0.0,
            "solve_s": time.perf_counter() - started - build_seconds,
            **outcome.history,
        },
        {"neighbours": k, "lagrange_iterations": outcome.iterations, "swaps": outcome.swaps},
    )
    result = plan_result(problem, "pmedian", core, started, p=p, metric=metric, method="lagrangian")
    result.gap = outcome.gap
    return result


def solve_hierarchical(
    problem: PlanningProblem,
    tight_rule: CoverageRule | None = None,
    *,
    minimize: str = "count",
    options: SolveOptions | None = None,
):
    """First fewest sites under the main rule, then most weight within ``tight_rule``
    (default 15 minutes) with the site count (or cost) held at that optimum."""
    started = time.perf_counter()
    tight_rule = tight_rule or CoverageRule(max_minutes=15.0, max_km=None)
    first, second = hierarchical_core(
        problem.coverage(),
        problem.coverage(tight_rule),
        problem.weight(),
        _site_cost(problem.sites, minimize),
        fixed_open=problem.sites.fixed_open,
        fixed_closed=problem.sites.fixed_closed,
        options=options,
    )
    second.extra.setdefault("uncoverable_rows", first.extra["uncoverable_rows"])
    result = plan_result(problem, "hierarchical", second, started, tight_rule=tight_rule.describe())
    result.details["stage1"] = {
        "status": first.status,
        "objective": first.objective,
        "best_bound": first.bound,
        "timings": first.timings,
    }
    if first.status != "optimal":
        result.status = "feasible" if result.status == "optimal" else result.status
    return result


# ---------------------------------------------------------------- helpers


def _site_cost(sites: CandidateSites, minimize: str) -> np.ndarray:
    if minimize not in ("count", "cost"):
        raise PlanningInputError("minimize", "chọn 'count' hoặc 'cost'", "must be 'count' or 'cost'")
    return np.ones(len(sites)) if minimize == "count" else np.asarray(sites.cost, dtype=float)


def _pmedian_pairs(problem: PlanningProblem, k: int | None) -> TravelPairs:
    if k is None:
        return problem.travel.full(problem.demand, problem.sites)
    return problem.travel.nearest(problem.demand, problem.sites, k + 1)


def _rank_within_demand(pairs: TravelPairs) -> np.ndarray:
    """0 for each demand point's nearest listed site, 1 for the next..."""
    order = np.lexsort((pairs.minutes, pairs.demand_index))
    rank = np.empty(len(pairs), dtype=np.int64)
    starts = np.r_[0, np.flatnonzero(np.diff(pairs.demand_index[order])) + 1]
    position = np.arange(len(pairs)) - np.repeat(starts, np.diff(np.r_[starts, len(pairs)]))
    rank[order] = position
    return rank


def _fallback_cost(problem, pairs: TravelPairs, k: int, metric: str) -> np.ndarray:
    """Cost of the (k+1)-th nearest site: a lower bound on going beyond the k nearest."""
    rank = _rank_within_demand(pairs)
    fallback = np.full(len(problem.demand), np.inf)
    last = rank == k
    fallback[pairs.demand_index[last]] = pairs.metric(metric)[last]
    return fallback


def _settle_fallback(problem, result: PlanResult, core: CoreSolution, metric: str) -> None:
    used = core.extra.get("fallback_used", np.zeros(0))
    result.details["fallback_demand_points"] = int(len(used))
    if len(used) == 0:
        result.details["k_nearest_exact"] = True
        return
    _, km, minutes = problem.nearest(core.is_open)
    true_cost = float(problem.weight() @ (minutes if metric == "minutes" else km))
    result.objective = true_cost
    result.status = "feasible" if result.status == "optimal" else result.status
    if result.best_bound is not None:
        result.gap = (true_cost - result.best_bound) / max(abs(true_cost), 1e-9)
    result.details["k_nearest_exact"] = False


def plan_result(
    problem: PlanningProblem, model: str, core: CoreSolution, started: float, **details
) -> PlanResult:
    timings = {"travel_s": problem.travel_seconds, **core.timings}
    if core.is_open is None:
        timings["total_s"] = time.perf_counter() - started
        return PlanResult(
            model,
            core.status,
            None,
            core.bound,
            None,
            [],
            timings=timings,
            reductions=core.reductions,
            details=details,
        )
    demand_rows, uncovered, share = _describe_demand(problem, core.is_open, core.extra)
    timings["total_s"] = time.perf_counter() - started
    details.update(
        covered_weight_share=share,
        open_count=int(core.is_open.sum()),
        rule=problem.rule.describe(),
        rule_vi=problem.rule.describe(RULE_WORDS_VI),
        rule_terms=problem.rule.terms(),
        travel=problem.travel.describe(),
        warm_start_objective=core.extra.get("warm_start_objective"),
        highs_status=core.outcome.highs_status,
    )
    return PlanResult(
        model=model,
        status=core.status,
        objective=clean_number(core.objective),
        best_bound=clean_number(core.bound),
        gap=core.outcome.gap if core.outcome.gap is not None else _gap(core.objective, core.bound),
        open_sites=problem.sites.ids[core.is_open].tolist(),
        demand=demand_rows,
        uncovered=uncovered,
        timings=timings,
        reductions=core.reductions,
        details=details,
    )


def _gap(objective, bound) -> float | None:
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def _describe_demand(problem: PlanningProblem, is_open: np.ndarray, extra: dict):
    nearest, km, minutes = problem.nearest(is_open)
    if isinstance(problem.travel, HaversineTravel) and problem.rule not in problem._cache:
        # With straight-line travel a point's nearest site is nearest in km and in minutes alike, so
        # it meets the rule whenever any open site does: no coverage matrix needed (p-median at scale).
        covered = problem.rule.covers(km, minutes) & (nearest >= 0)
    else:
        covered = np.asarray((problem.coverage() @ is_open.astype(float)) > 0).ravel()
    weight = problem.weight()
    ids, site_ids = problem.demand.ids, problem.sites.ids
    rows = [
        {
            "id": ids[i],
            "weight": float(weight[i]),
            "nearest_open_site": site_ids[nearest[i]] if nearest[i] >= 0 else None,
            "km": float(km[i]),
            "minutes": float(minutes[i]),
            "covered": bool(covered[i]),
        }
        for i in range(len(ids))
    ]
    uncoverable = set(np.asarray(extra.get("uncoverable_rows", [])).tolist())
    # Nearest site of any kind, needed only for rows no allowed site covers.
    any_site = problem.nearest(~problem.sites.fixed_closed) if uncoverable else (nearest, km, minutes)
    uncovered = []
    for i in np.flatnonzero(~covered):
        source = any_site if i in uncoverable else (nearest, km, minutes)
        uncovered.append(
            describe_uncovered(problem, i, source[0][i], source[1][i], source[2][i], i in uncoverable)
        )
    return rows, uncovered, weighted_share(weight, covered)


def describe_uncovered(problem, row, site, km, minutes, no_candidate: bool) -> UncoveredDemand:
    rule, rule_vi = problem.rule.describe(), problem.rule.describe(RULE_WORDS_VI)
    name = problem.sites.names[site] if site >= 0 else None
    where_vi = f"gần nhất: {name} {km:.1f} km / {minutes:.0f} phút" if name else "không có điểm nào"
    where_en = f"nearest: {name} {km:.1f} km / {minutes:.0f} min" if name else "no site at all"
    if no_candidate:
        reason_vi = f"Không có điểm ứng viên nào trong phạm vi {rule_vi}; {where_vi}"
        reason_en = f"No candidate site within {rule}; {where_en}"
    else:
        reason_vi = f"Không có điểm đang mở trong phạm vi {rule_vi}; {where_vi}"
        reason_en = f"No open site within {rule}; {where_en}"
    return UncoveredDemand(
        str(problem.demand.ids[row]),
        float(problem.weight()[row]),
        reason_vi,
        reason_en,
        str(problem.sites.ids[site]) if site >= 0 else None,
        float(km) if site >= 0 else None,
        float(minutes) if site >= 0 else None,
    )
