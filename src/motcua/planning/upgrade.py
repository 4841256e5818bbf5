"""Upgrade and close: which reception points close, which become branches in place, which new sites open,
over one or more phases, solved exactly with HiGHS under a lexicographic objective.

The decision (per phase t, from the network as it stands before the plan):

* every reception point is kept, closed, or upgraded to a branch in place (an upgrade is one change, not an
  open plus a close); exactly ``close`` close and exactly ``upgrade`` are upgraded in the phase;
* optional new sites (candidates) open as branches, at most ``new_sites`` in the phase;
* only sites with premises (``CandidateSites.premises``) may become branches, by upgrade or as new sites;
* one plan across phases: a site closed in a phase stays closed, an upgrade or a new branch stays; each
  phase has its own standard (coverage rule) and its own budget of changes.

Every demand point is assigned to open sites among its listed pairs (its ``NEAREST_PAIRS`` nearest sites and
every site within a phase's standard); a share may go beyond the list at the cost of the next nearest site,
counted as outside the standard (a relaxation: reported, and rare). With a :class:`Capacity`, each open site
takes at most the dossiers per hour its counters serve at the target mean wait (Erlang C, the staffing
page's rule in :func:`motcua.planning.staffing.capacity_per_hour`).

The objective, in this order (each level solved to proven optimality, then held while the next is solved):

1. the most people within the standard, summed over phases;
2. the least population-weighted travel time;
3. the most people within 15 minutes;
4. the fewest changes (closes and upgrades are fixed by the budgets, so: the fewest new sites).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from .data import RULE_WORDS_VI, CoverageRule
from .errors import PlanningInputError, check_finite_positive
from .planner import PlanningProblem, describe_uncovered
from .result import PlanResult, clean_number
from .solver import MipModel, SolveOptions, solve_mip
from .staffing import capacity_per_hour

NEAREST_PAIRS = 25
QUICK_MINUTES = 15.0
HOLD_TOLERANCE = 1e-9  # relative; see _solve_levels
LEVELS = ("coverage", "travel", "within_15_min", "changes")
FIXED_KINDS = ("center", "branch")


@dataclass(frozen=True)
class Phase:
    """One phase of the plan: how many reception points close and are upgraded, how many new sites may
    open, and the standard the phase is judged by (``None``: the problem's rule)."""

    close: int = 0
    upgrade: int = 0
    new_sites: int = 0
    rule: CoverageRule | None = None
    name: str = ""


@dataclass(frozen=True)
class Capacity:
    """Counters limit what a unit takes. Demand: the weight ``dossiers_weight`` (dossiers per year per
    demand point) over ``hours_per_year`` working hours; a unit with c counters serves the most dossiers per
    hour that keep the mean wait at or under ``max_mean_wait_minutes`` (Erlang C)."""

    dossiers_weight: str = "dossiers"
    hours_per_year: float = 2000.0
    service_minutes: float = 15.0
    max_mean_wait_minutes: float = 10.0
    branch_counters: int = 6

    def check(self) -> None:
        check_finite_positive("hours_per_year", self.hours_per_year)
        check_finite_positive("service_minutes", self.service_minutes)
        check_finite_positive("max_mean_wait_minutes", self.max_mean_wait_minutes)
        check_finite_positive("branch_counters", self.branch_counters)


@dataclass
class _Layout:
    """Column positions of one phase's variables."""

    keep: np.ndarray  # o: reception point still open at the end of the phase
    upgraded: np.ndarray  # g: reception point with premises upgraded by the end of the phase
    opened: np.ndarray  # n: new site opened by the end of the phase
    assign: np.ndarray  # z: share of a demand point served at a pair's site
    beyond: np.ndarray  # f: share served beyond the listed pairs


@dataclass
class _Sites:
    active: np.ndarray  # indices into problem.sites of every site in play
    fixed: np.ndarray  # positions (into active) of centers and branches: always open
    reception: np.ndarray  # positions of reception points
    upgradable: np.ndarray  # positions (into reception) of those with premises
    new: np.ndarray  # positions of new candidate sites with premises


@dataclass
class _Pairs:
    demand: np.ndarray
    site: np.ndarray  # position into active
    minutes: np.ndarray
    km: np.ndarray
    beyond_minutes: np.ndarray  # per demand point; inf when every active site is listed

    @property
    def has_beyond(self) -> bool:
        return bool(np.isfinite(self.beyond_minutes).any())


@dataclass
class UpgradePlan:
    """The answer: per-level outcomes, the changes by name, and per commune before and after."""

    status: str
    levels: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    phases: list[dict] = field(default_factory=list)
    communes: list[dict] = field(default_factory=list)
    open_sites: list[str] = field(default_factory=list)
    kinds_after: dict[str, str] = field(default_factory=dict)


def upgrade_and_close(
    problem: PlanningProblem,
    phases: list[Phase],
    *,
    capacity: Capacity | None = None,
    options: SolveOptions | None = None,
) -> PlanResult:
    """Solve the phased upgrade-and-close plan; see the module's docstring for the model."""
    options = options or SolveOptions()
    started = time.perf_counter()
    sites = _classify(problem)
    _check_phases(problem, phases, sites)
    rules = [phase.rule or problem.rule for phase in phases]
    pairs = _pairs(problem, sites, rules)
    weight = problem.weight()
    load, site_capacity = _capacities(problem, sites, pairs, capacity)
    model, layouts, objectives = _build(problem, sites, pairs, phases, rules, weight, load, site_capacity)
    build_seconds = time.perf_counter() - started
    levels, x = _solve_levels(model, objectives, phases, options)
    if x is not None and capacity is None:
        x = _upgrades_where_people_are(x, sites, pairs, layouts, phases, weight)
    status = _overall_status(levels)
    plan = (
        _describe(problem, sites, pairs, phases, rules, layouts, x, levels, status)
        if x is not None
        else UpgradePlan(status, levels)
    )
    result = PlanResult(
        model="upgrade_close",
        status=status,
        objective=clean_number(levels[0]["value"]) if levels else None,
        best_bound=clean_number(levels[0]["bound"]) if levels else None,
        gap=levels[0]["gap"] if levels else None,
        open_sites=plan.open_sites,
        timings={
            "travel_s": problem.travel_seconds,
            "build_s": build_seconds,
            "solve_s": float(sum(level["seconds"] for level in levels)),
            "total_s": time.perf_counter() - started,
        },
        details={
            "levels": plan.levels,
            "changes": plan.changes,
            "phases": plan.phases,
            "communes": plan.communes,
            "kinds_after": plan.kinds_after,
            "capacity": None if capacity is None else capacity.__dict__,
            "rule": problem.rule.describe(),
            "rule_vi": problem.rule.describe(RULE_WORDS_VI),
            "rule_terms": problem.rule.terms(),
            "pairs": int(pairs.demand.size),
            "covered_weight_share": plan.phases[-1]["share_within_standard"] if plan.phases else None,
        },
    )
    if x is None and status == "infeasible":
        result.details.update(_infeasible_reason(load, capacity))
    if plan.phases:
        final = plan.phases[-1]
        result.uncovered = final.pop("uncovered")
        for phase in plan.phases[:-1]:
            phase.pop("uncovered")
    return result


def _infeasible_reason(load, capacity: Capacity | None) -> dict[str, str]:
    if load is None or capacity is None:
        return {
            "reason_vi": "Không có phương án nào thỏa các ngân sách thay đổi.",
            "reason_en": "No plan meets these budgets of changes.",
        }
    per_hour = float(load.sum())
    wait = f"{capacity.max_mean_wait_minutes:g}"
    return {
        "reason_vi": f"Không có phương án nào: số quầy của các điểm còn mở không phục vụ được {per_hour:,.2f} "
        f"hồ sơ mỗi giờ với thời gian chờ trung bình ≤ {wait} phút; hãy đóng ít điểm hơn hoặc nâng cấp thêm.",
        "reason_en": f"No plan: the counters of the units left open cannot serve {per_hour:,.2f} dossiers per "
        f"hour at a mean wait of at most {wait} minutes; close fewer points or upgrade more.",
    }


# ---------------------------------------------------------------- inputs


def _classify(problem: PlanningProblem) -> _Sites:
    s = problem.sites
    fixed = np.isin(s.kind, FIXED_KINDS) & ~s.fixed_closed
    reception = s.kind == "reception_point"
    new = (s.kind == "candidate") & s.premises & ~s.fixed_closed
    active = np.flatnonzero(fixed | reception | new)
    kind = s.kind[active]
    reception_positions = np.flatnonzero(kind == "reception_point")
    return _Sites(
        active=active,
        fixed=np.flatnonzero(np.isin(kind, FIXED_KINDS)),
        reception=reception_positions,
        upgradable=np.flatnonzero(s.premises[active[reception_positions]]),
        new=np.flatnonzero(kind == "candidate"),
    )


def _check_phases(problem: PlanningProblem, phases: list[Phase], sites: _Sites) -> None:
    if not phases:
        raise PlanningInputError("phases", "cần ít nhất một giai đoạn", "at least one phase is needed")
    s = problem.sites
    reception = sites.active[sites.reception]
    may_close = int((~s.fixed_open[reception]).sum())
    for number, phase in enumerate(phases, start=1):
        for name, value in (
            ("close", phase.close),
            ("upgrade", phase.upgrade),
            ("new_sites", phase.new_sites),
        ):
            if value < 0:
                raise PlanningInputError(
                    f"phase {number} {name}", f"phải ≥ 0 (nhận {value})", f"must be ≥ 0 (got {value})"
                )
    closes = sum(p.close for p in phases)
    upgrades = sum(p.upgrade for p in phases)
    new_sites = sum(p.new_sites for p in phases)
    if closes > may_close:
        raise PlanningInputError(
            "close",
            f"các giai đoạn đóng tổng cộng {closes} điểm nhưng chỉ có {may_close} điểm tiếp nhận được phép đóng",
            f"the phases close {closes} in total but only {may_close} reception points may close",
        )
    if upgrades > sites.upgradable.size:
        raise PlanningInputError(
            "upgrade",
            f"các giai đoạn nâng cấp tổng cộng {upgrades} điểm nhưng chỉ {sites.upgradable.size} điểm "
            "tiếp nhận có trụ sở",
            f"the phases upgrade {upgrades} in total but only {sites.upgradable.size} reception points "
            "have premises",
        )
    if closes + upgrades > sites.reception.size:
        raise PlanningInputError(
            "upgrade",
            f"đóng {closes} và nâng cấp {upgrades} vượt quá {sites.reception.size} điểm tiếp nhận",
            f"closing {closes} and upgrading {upgrades} exceeds the {sites.reception.size} reception points",
        )
    if sites.fixed.size + sites.reception.size - closes + new_sites == 0:
        raise PlanningInputError("close", "kế hoạch đóng mọi điểm", "the plan closes every site")


def _pairs(problem: PlanningProblem, sites: _Sites, rules: list[CoverageRule]) -> _Pairs:
    """Each demand point's nearest sites and every site within any phase's standard (unique pairs)."""
    in_play = problem.sites.subset(sites.active)
    n_active = sites.active.size
    k = min(NEAREST_PAIRS, n_active)
    nearest = problem.travel.nearest(problem.demand, in_play, min(k + 1, n_active))
    order = np.lexsort((nearest.minutes, nearest.demand_index))
    rank = np.arange(order.size) - np.repeat(
        np.flatnonzero(np.r_[True, np.diff(nearest.demand_index[order]) != 0]),
        np.diff(np.r_[np.flatnonzero(np.r_[True, np.diff(nearest.demand_index[order]) != 0]), order.size]),
    )
    ranked = nearest.select(order)
    beyond = np.full(len(problem.demand), np.inf)
    if k < n_active:
        last = rank == k
        beyond[ranked.demand_index[last]] = ranked.minutes[last]
    parts = [ranked.select(rank < k)] + [
        problem.travel.pairs_within(problem.demand, in_play, r) for r in rules
    ]
    demand = np.concatenate([p.demand_index for p in parts])
    site = np.concatenate([p.site_index for p in parts])
    minutes = np.concatenate([p.minutes for p in parts])
    km = np.concatenate([p.km for p in parts])
    _, first = np.unique(demand * n_active + site, return_index=True)
    return _Pairs(demand[first], site[first], minutes[first], km[first], beyond)


def _capacities(problem, sites: _Sites, pairs: _Pairs, capacity: Capacity | None):
    """(load per demand point in dossiers per hour, (capacity now, capacity as a branch) per active site)."""
    if capacity is None:
        return None, None
    capacity.check()
    if capacity.dossiers_weight not in problem.demand.weights:
        raise PlanningInputError(
            "dossiers",
            f"cần số hồ sơ theo xã (trọng số {capacity.dossiers_weight!r}) để tính công suất",
            f"capacity needs dossiers per commune (weight {capacity.dossiers_weight!r})",
        )
    load = problem.demand.weight(capacity.dossiers_weight) / capacity.hours_per_year
    counters = problem.sites.counters[sites.active]
    kind = problem.sites.kind[sites.active]
    existing = kind != "candidate"
    missing = existing & ~(np.isfinite(counters) & (counters > 0))
    if missing.any():
        names = problem.sites.names[sites.active[missing]].tolist()
        raise PlanningInputError(
            "counters",
            f"{int(missing.sum())} điểm chưa có số quầy, ví dụ {names[:3]}",
            f"{int(missing.sum())} units have no counters, e.g. {names[:3]}",
        )

    def serves(c: float) -> float:
        return capacity_per_hour(int(c), capacity.service_minutes, capacity.max_mean_wait_minutes)

    branch = serves(capacity.branch_counters)
    now = np.array([serves(c) if e else 0.0 for c, e in zip(counters, existing, strict=True)])
    as_branch = np.where(existing, np.maximum(now, branch), branch)
    return load, (now, as_branch)


# ---------------------------------------------------------------- the MIP


class _Rows:
    """Sparse rows collected as triplets, with their bounds."""

    def __init__(self) -> None:
        self.r: list[np.ndarray] = []
        self.c: list[np.ndarray] = []
        self.v: list[np.ndarray] = []
        self.lower: list[float] = []
        self.upper: list[float] = []

    def add(self, columns, values, lower: float, upper: float) -> None:
        columns = np.asarray(columns, dtype=np.int64)
        self.r.append(np.full(columns.size, len(self.lower), dtype=np.int64))
        self.c.append(columns)
        self.v.append(np.broadcast_to(np.asarray(values, dtype=float), columns.shape).copy())
        self.lower.append(lower)
        self.upper.append(upper)

    def add_many(self, rows, columns, values, lower, upper) -> None:
        """Rows numbered 0..k-1 locally; lower/upper per row."""
        rows = np.asarray(rows, dtype=np.int64)
        lower = np.atleast_1d(np.asarray(lower, dtype=float))
        count = lower.size
        self.r.append(rows + len(self.lower))
        self.c.append(np.asarray(columns, dtype=np.int64))
        self.v.append(np.asarray(values, dtype=float))
        self.lower.extend(lower.tolist())
        self.upper.extend(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).tolist())

    def matrix(self, n_cols: int) -> sp.csc_matrix:
        return sp.csc_matrix(
            (np.concatenate(self.v), (np.concatenate(self.r), np.concatenate(self.c))),
            shape=(len(self.lower), n_cols),
        )


def _build(problem, sites: _Sites, pairs: _Pairs, phases, rules, weight, load, site_capacity):
    n_r, n_u, n_n, n_p = sites.reception.size, sites.upgradable.size, sites.new.size, pairs.demand.size
    n_d = len(problem.demand)
    n_f = n_d if pairs.has_beyond else 0
    per_phase = n_r + n_u + n_n + n_p + n_f
    n_cols = per_phase * len(phases)
    layouts = []
    for t in range(len(phases)):
        base = t * per_phase
        starts = np.cumsum([base, n_r, n_u, n_n, n_p])
        layouts.append(
            _Layout(
                np.arange(starts[0], starts[0] + n_r),
                np.arange(starts[1], starts[1] + n_u),
                np.arange(starts[2], starts[2] + n_n),
                np.arange(starts[3], starts[3] + n_p),
                np.arange(starts[4], starts[4] + n_f),
            )
        )
    col_lower, col_upper = np.zeros(n_cols), np.ones(n_cols)
    integer = np.zeros(n_cols, bool)
    fixed_open = problem.sites.fixed_open[sites.active[sites.reception]]
    forced_closed = problem.sites.fixed_closed[sites.active[sites.reception]]
    # role of each active site: -1 fixed, else the column offset within a layout's keep/opened
    reception_slot = np.full(sites.active.size, -1)
    reception_slot[sites.reception] = np.arange(n_r)
    new_slot = np.full(sites.active.size, -1)
    new_slot[sites.new] = np.arange(n_n)
    rows = _Rows()
    closes_so_far = upgrades_so_far = 0
    for t, (phase, layout) in enumerate(zip(phases, layouts, strict=True)):
        integer[layout.keep] = integer[layout.upgraded] = integer[layout.opened] = True
        col_lower[layout.keep[fixed_open]] = 1.0
        col_upper[layout.keep[forced_closed]] = 0.0
        if n_f:
            col_upper[layout.beyond[~np.isfinite(pairs.beyond_minutes)]] = 0.0
        closes_so_far += phase.close
        upgrades_so_far += phase.upgrade
        # budgets: open reception points and upgrades at the end of the phase
        rows.add(layout.keep, 1.0, n_r - closes_so_far, n_r - closes_so_far)
        rows.add(layout.upgraded, 1.0, upgrades_so_far, upgrades_so_far)
        if t == 0:
            rows.add(layout.opened, 1.0, -np.inf, phase.new_sites)
        else:
            previous = layouts[t - 1]
            rows.add(
                np.r_[layout.opened, previous.opened],
                np.r_[np.ones(n_n), -np.ones(n_n)],
                -np.inf,
                phase.new_sites,
            )
            # one plan: nothing closed is reopened, upgrades and new branches stay
            local = np.arange(n_r)
            rows.add_many(
                np.r_[local, local],
                np.r_[layout.keep, previous.keep],
                np.r_[np.ones(n_r), -np.ones(n_r)],
                np.full(n_r, -np.inf),
                0.0,
            )
            local = np.arange(n_u)
            rows.add_many(
                np.r_[local, local],
                np.r_[previous.upgraded, layout.upgraded],
                np.r_[np.ones(n_u), -np.ones(n_u)],
                np.full(n_u, -np.inf),
                0.0,
            )
            local = np.arange(n_n)
            rows.add_many(
                np.r_[local, local],
                np.r_[previous.opened, layout.opened],
                np.r_[np.ones(n_n), -np.ones(n_n)],
                np.full(n_n, -np.inf),
                0.0,
            )
        # an upgraded reception point stays open
        local = np.arange(n_u)
        rows.add_many(
            np.r_[local, local],
            np.r_[layout.upgraded, layout.keep[sites.upgradable]],
            np.r_[np.ones(n_u), -np.ones(n_u)],
            np.full(n_u, -np.inf),
            0.0,
        )
        # every demand point fully served
        if n_f:
            rows.add_many(
                np.r_[pairs.demand, np.arange(n_d)],
                np.r_[layout.assign, layout.beyond],
                np.ones(n_p + n_d),
                np.ones(n_d),
                1.0,
            )
        else:
            rows.add_many(pairs.demand, layout.assign, np.ones(n_p), np.ones(n_d), 1.0)
        # served only where open
        for slot, columns in ((reception_slot, layout.keep), (new_slot, layout.opened)):
            linked = np.flatnonzero(slot[pairs.site] >= 0)
            local = np.arange(linked.size)
            rows.add_many(
                np.r_[local, local],
                np.r_[layout.assign[linked], columns[slot[pairs.site[linked]]]],
                np.r_[np.ones(linked.size), -np.ones(linked.size)],
                np.full(linked.size, -np.inf),
                0.0,
            )
        if load is not None:
            _capacity_rows(rows, sites, pairs, layout, load, site_capacity, reception_slot, new_slot)
    model = MipModel(
        cost=np.zeros(n_cols),
        matrix=rows.matrix(n_cols),
        row_lower=np.array(rows.lower),
        row_upper=np.array(rows.upper),
        col_lower=col_lower,
        col_upper=col_upper,
        integer=integer,
    )
    objectives = _objectives(n_cols, layouts, pairs, rules, weight, phases)
    return model, layouts, objectives


def _capacity_rows(rows: _Rows, sites, pairs, layout, load, site_capacity, reception_slot, new_slot) -> None:
    """sum_i load_i z_ij <= capacity now x keep_j + (as branch - now) x upgraded_j (new sites: as branch)."""
    now, as_branch = site_capacity
    n_active = sites.active.size
    upgrade_slot = np.full(n_active, -1)
    upgrade_slot[sites.reception[sites.upgradable]] = np.arange(sites.upgradable.size)
    r, c, v = [pairs.site], [layout.assign], [load[pairs.demand]]
    lower = np.full(n_active, -np.inf)
    upper = np.zeros(n_active)
    fixed = sites.fixed
    upper[fixed] = now[fixed]
    rec = sites.reception
    r += [rec]
    c += [layout.keep[reception_slot[rec]]]
    v += [-now[rec]]
    upg = np.flatnonzero(upgrade_slot >= 0)
    r += [upg]
    c += [layout.upgraded[upgrade_slot[upg]]]
    v += [-(as_branch[upg] - now[upg])]
    new = sites.new
    r += [new]
    c += [layout.opened[new_slot[new]]]
    v += [-as_branch[new]]
    rows.add_many(np.concatenate(r), np.concatenate(c), np.concatenate(v), lower, upper)


def _objectives(n_cols, layouts, pairs: _Pairs, rules, weight, phases) -> list[tuple[np.ndarray, bool]]:
    """(cost vector, maximise?) per level."""
    coverage, travel, quick, changes = (np.zeros(n_cols) for _ in range(4))
    pair_weight = weight[pairs.demand]
    for layout, rule in zip(layouts, rules, strict=True):
        covered = rule.covers(pairs.km, pairs.minutes)
        coverage[layout.assign] = pair_weight * covered
        travel[layout.assign] = pair_weight * pairs.minutes
        quick[layout.assign] = pair_weight * (pairs.minutes <= QUICK_MINUTES + 1e-9)
        if layout.beyond.size:
            travel[layout.beyond] = weight * np.where(
                np.isfinite(pairs.beyond_minutes), pairs.beyond_minutes, 0.0
            )
    changes[layouts[-1].opened] = 1.0
    return [(coverage, True), (travel, False), (quick, True), (changes, False)]


def _solve_levels(model: MipModel, objectives, phases, options: SolveOptions):
    """Each level's optimum, then held (within a tolerance) while the next level is solved.

    A held level is a dense row whose bound lies a hair inside the previous optimum, and HiGHS (1.16, and
    the copy in scipy 1.17) mis-solves such models in two ways, both found by the brute-force property
    test on instances of 5 to 7 points: presolve declares a level infeasible although the previous
    level's answer satisfies every row (given that answer as a warm start it returns it as "optimal", at
    twice the least travel), or cuts off the optimum whatever the tolerance; and, with presolve off, a
    tolerance of 1e-7 of the value (HiGHS's own primal feasibility tolerance) can still end the search
    at the warm start. So the levels after the first are solved without presolve, and a level is held
    to within 1e-9 of its value: the previous answer stays feasible, the row is tight for HiGHS, and the
    next level cannot buy anything with the slack. Measured on random instances (1,000 points x 60
    sites, 3,000 x 150), the whole solve was no slower than with presolve on (19.1 s -> 13.2 s)."""
    held_options = replace(options, presolve="off")
    levels: list[dict] = []
    x = None
    held_rows: list[tuple[np.ndarray, float, float]] = []
    constant_changes = float(sum(p.close + p.upgrade for p in phases))
    for name, (cost, maximize) in zip(LEVELS, objectives, strict=True):
        extra = sp.csc_matrix(np.vstack([row for row, _, _ in held_rows])) if held_rows else None
        level_model = replace(
            model,
            cost=cost,
            maximize=maximize,
            matrix=model.matrix if extra is None else sp.vstack([model.matrix, extra], format="csc"),
            row_lower=np.r_[model.row_lower, [lo for _, lo, _ in held_rows]],
            row_upper=np.r_[model.row_upper, [hi for _, _, hi in held_rows]],
            offset=constant_changes if name == "changes" else 0.0,
        )
        options.say(f"upgrade-and-close level {len(levels) + 1} ({name})")
        outcome = solve_mip(level_model, held_options if held_rows else options, x)
        if outcome.x is None:
            levels.append(_level(name, outcome))
            return levels, None
        x = outcome.x
        value = float(cost @ x)
        levels.append(_level(name, outcome, value + level_model.offset))
        tolerance = HOLD_TOLERANCE * max(1.0, abs(value))
        held_rows.append(
            (cost, value - tolerance, np.inf) if maximize else (cost, -np.inf, value + tolerance)
        )
    return levels, x


def _upgrades_where_people_are(x, sites: _Sites, pairs: _Pairs, layouts, phases, weight) -> np.ndarray:
    """Without capacity no level depends on which open points are upgraded (a branch and a reception point
    are equally near), so the solver's choice would be arbitrary. Choose instead the upgradable points that
    serve the most people at the end of the plan, the busiest first (phase 1 gets the first ``upgrade``).
    An upgraded point must stay open to the end, so only points open in the last phase qualify."""
    x = x.copy()
    last = layouts[-1]
    served = np.bincount(pairs.site, x[last.assign] * weight[pairs.demand], sites.active.size)
    open_at_end = x[last.keep][sites.upgradable] > 0.5
    eligible = np.flatnonzero(open_at_end)
    ranked = eligible[np.argsort(-served[sites.reception[sites.upgradable[eligible]]], kind="stable")]
    upgraded = np.zeros(sites.upgradable.size, bool)
    taken = 0
    for phase, layout in zip(phases, layouts, strict=True):
        upgraded[ranked[taken : taken + phase.upgrade]] = True
        taken += phase.upgrade
        x[layout.upgraded] = upgraded.astype(float)
    return x


def _level(name: str, outcome, value: float | None = None) -> dict:
    return {
        "level": name,
        "status": outcome.status,
        "value": value,
        "bound": outcome.bound,
        "gap": outcome.gap,
        "seconds": outcome.seconds,
    }


def _overall_status(levels: list[dict]) -> str:
    statuses = [level["status"] for level in levels]
    if not statuses or statuses[-1] in ("infeasible", "no_solution"):
        return statuses[-1] if statuses else "no_solution"
    if all(s == "optimal" for s in statuses):
        return "optimal"
    return "time_limit" if "time_limit" in statuses else "feasible"


# ---------------------------------------------------------------- the answer


def _describe(
    problem, sites: _Sites, pairs: _Pairs, phases, rules, layouts, x, levels, status
) -> UpgradePlan:
    s = problem.sites
    ids, names, kinds = s.ids[sites.active], s.names[sites.active], s.kind[sites.active]
    changes: list[dict] = []
    keep_before = np.ones(sites.reception.size, bool)
    upgraded_before = np.zeros(sites.upgradable.size, bool)
    opened_before = np.zeros(sites.new.size, bool)
    summaries = []
    weight = problem.weight()
    for number, (phase, rule, layout) in enumerate(zip(phases, rules, layouts, strict=True), start=1):
        keep = x[layout.keep] > 0.5
        upgraded = x[layout.upgraded] > 0.5
        opened = x[layout.opened] > 0.5
        label = phase.name or f"{number}"
        for position in sites.reception[keep_before & ~keep]:
            changes.append(_change(label, "close", ids, names, kinds, position, "closed"))
        for position in sites.reception[sites.upgradable[upgraded & ~upgraded_before]]:
            changes.append(_change(label, "upgrade", ids, names, kinds, position, "branch"))
        for position in sites.new[opened & ~opened_before]:
            changes.append(_change(label, "open", ids, names, kinds, position, "branch"))
        keep_before, upgraded_before, opened_before = keep, upgraded, opened
        share = x[layout.assign]
        summaries.append(_phase_summary(problem, pairs, rule, layout, x, share, weight, label, sites, names))
    is_open = np.zeros(sites.active.size, bool)
    is_open[sites.fixed] = True
    is_open[sites.reception[keep_before]] = True
    is_open[sites.new[opened_before]] = True
    kinds_after = {str(ids[p]): str(kinds[p]) for p in np.flatnonzero(is_open)}
    for change in changes:
        if change["action"] in ("upgrade", "open"):
            kinds_after[change["site_id"]] = "branch"
    communes = _communes(problem, sites, pairs, rules[-1], layouts[-1], x, names)
    return UpgradePlan(
        status,
        levels,
        changes,
        summaries,
        communes,
        ids[is_open].tolist(),
        kinds_after,
    )


def _change(phase: str, action: str, ids, names, kinds, position, after: str) -> dict:
    return {
        "phase": phase,
        "action": action,
        "site_id": str(ids[position]),
        "name": str(names[position]),
        "kind_before": "none" if kinds[position] == "candidate" else str(kinds[position]),
        "kind_after": after,
    }


def _served(pairs: _Pairs, layout, x, weight, n_demand):
    """Per demand point: weighted minutes, share within the rule's pairs, main site (largest share)."""
    share = x[layout.assign]
    beyond = x[layout.beyond] if layout.beyond.size else np.zeros(n_demand)
    minutes = np.bincount(pairs.demand, share * pairs.minutes, n_demand)
    minutes += beyond * np.where(np.isfinite(pairs.beyond_minutes), pairs.beyond_minutes, 0.0)
    order = np.lexsort((-share, pairs.demand))
    first = np.r_[True, np.diff(pairs.demand[order]) != 0]
    main = np.full(n_demand, -1)
    main[pairs.demand[order][first]] = pairs.site[order][first]
    return share, minutes, main


def _phase_summary(problem, pairs, rule, layout, x, share, weight, label, sites, names) -> dict:
    n = len(problem.demand)
    _, minutes, _ = _served(pairs, layout, x, weight, n)
    covered_share = np.bincount(pairs.demand, share * rule.covers(pairs.km, pairs.minutes), n)
    quick_share = np.bincount(pairs.demand, share * (pairs.minutes <= QUICK_MINUTES + 1e-9), n)
    total = float(weight.sum())
    uncovered = []
    nearest, km, near_minutes = problem.nearest(
        np.isin(np.arange(len(problem.sites)), _open_now(sites, layout, x))
    )
    for i in np.flatnonzero((covered_share < 1 - 1e-6) & (weight > 0)):
        uncovered.append(describe_uncovered(problem, i, nearest[i], km[i], near_minutes[i], False))
    return {
        "phase": label,
        "rule": rule.describe(),
        "rule_vi": rule.describe(RULE_WORDS_VI),
        "share_within_standard": _weighted(weight, covered_share, total),
        "share_within_15_min": _weighted(weight, quick_share, total),
        "mean_minutes": float(weight @ minutes / total) if total > 0 else float(minutes.mean()),
        "people_outside_standard": max(round(float(weight @ (1 - covered_share)), 6), 0.0) + 0.0,
        "uncovered": uncovered,
    }


def _open_now(sites: _Sites, layout, x) -> np.ndarray:
    positions = np.r_[
        sites.fixed, sites.reception[x[layout.keep] > 0.5], sites.new[x[layout.opened] > 0.5]
    ].astype(np.int64)
    return sites.active[positions]


def _weighted(weight, shares, total) -> float:
    """Weighted mean of shares, clipped to [0, 1] (the solver's round-off is not a figure)."""
    value = float(weight @ shares / total) if total > 0 else float(np.mean(shares))
    return _clip_share(value)


def _clip_share(value: float) -> float:
    return float(min(max(round(value, 9), 0.0), 1.0))


def _communes(problem, sites: _Sites, pairs: _Pairs, rule, layout, x, names) -> list[dict]:
    """Before (today's network, nearest unit) and after (the plan's last phase) per commune."""
    n = len(problem.demand)
    weight = problem.weight()
    existing = np.zeros(len(problem.sites), bool)
    existing[sites.active[np.r_[sites.fixed, sites.reception].astype(np.int64)]] = True
    before_site, before_km, before_minutes = problem.nearest(existing)
    before_covered = rule.covers(before_km, before_minutes)
    share, after_minutes, main = _served(pairs, layout, x, weight, n)
    after_covered = np.bincount(pairs.demand, share * rule.covers(pairs.km, pairs.minutes), n)
    keys = np.array([str(i).split("#", 1)[0] for i in problem.demand.ids.tolist()], dtype=object)
    labels = problem.demand.names if problem.demand.names is not None else keys
    rows = []
    for key in dict.fromkeys(keys.tolist()):
        members = np.flatnonzero(keys == key)
        w = weight[members]
        total = float(w.sum())

        def mean(values, w=w, total=total):
            return float(w @ values / total) if total > 0 else float(np.mean(values))

        heaviest = members[int(np.argmax(w))] if total > 0 else members[0]
        rows.append(
            {
                "commune": str(key),
                "name": str(labels[members[0]] or key),
                "people": total,
                "minutes_before": mean(before_minutes[members]),
                "minutes_after": mean(after_minutes[members]),
                "within_standard_before": mean(before_covered[members].astype(float)),
                "within_standard_after": _clip_share(mean(after_covered[members])),
                "unit_before": str(problem.sites.names[before_site[heaviest]])
                if before_site[heaviest] >= 0
                else "",
                "unit_after": str(names[main[heaviest]]) if main[heaviest] >= 0 else "",
            }
        )
    return rows
