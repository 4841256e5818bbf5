"""Scenario evaluation: what a given set of open sites reaches, and side-by-side comparison."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from .data import CoverageRule
from .models import SiteGroup
from .planner import PlanningProblem, describe_uncovered, solve_mclp
from .result import PlanResult, UncoveredDemand, to_jsonable
from .solver import SolveOptions


@dataclass
class ScenarioReport:
    name: str
    open_sites: list[str]
    units_by_kind: dict[str, int]
    share_covered: float
    share_within_15_min: float
    share_within_30_min: float
    share_within_5_km: float
    mean_minutes: float
    worst_minutes: float
    mean_km: float
    worst_km: float
    dossiers_per_counter: float | None = None
    uncovered: list[UncoveredDemand] = field(default_factory=list)

    def to_dict(self) -> dict:
        return to_jsonable(asdict(self))


def open_mask_from_ids(problem: PlanningProblem, site_ids) -> np.ndarray:
    mask = np.zeros(len(problem.sites), bool)
    mask[problem.sites.index_of(list(site_ids))] = True
    return mask


def evaluate_scenario(
    problem: PlanningProblem, open_sites, *, name: str = "", volume_weight: str | None = None
) -> ScenarioReport:
    """Coverage and travel of a network; ``open_sites`` is a list of ids or a boolean mask."""
    is_open = (
        np.asarray(open_sites) if _is_mask(open_sites, problem) else open_mask_from_ids(problem, open_sites)
    )
    _, km, minutes = problem.nearest(is_open)
    weight = problem.weight()
    total = max(float(weight.sum()), 1e-12)
    covered = np.asarray((problem.coverage() @ is_open.astype(float)) > 0).ravel()
    nearest, _, _ = problem.nearest(is_open)
    uncovered = [
        describe_uncovered(problem, i, nearest[i], km[i], minutes[i], False) for i in np.flatnonzero(~covered)
    ]
    return ScenarioReport(
        name=name,
        open_sites=problem.sites.ids[is_open].tolist(),
        units_by_kind=dict(Counter(problem.sites.kind[is_open].tolist())),
        share_covered=float(weight[covered].sum() / total),
        share_within_15_min=_share(weight, minutes <= 15.0 + 1e-9),
        share_within_30_min=_share(weight, minutes <= 30.0 + 1e-9),
        share_within_5_km=_share(weight, km <= 5.0 + 1e-9),
        mean_minutes=float(weight @ minutes / total),
        worst_minutes=float(minutes.max(initial=0.0)),
        mean_km=float(weight @ km / total),
        worst_km=float(km.max(initial=0.0)),
        dossiers_per_counter=_dossiers_per_counter(problem, is_open, volume_weight),
        uncovered=uncovered,
    )


def _is_mask(values, problem) -> bool:
    arr = np.asarray(values)
    return arr.dtype == bool and arr.shape == (len(problem.sites),)


def _share(weight: np.ndarray, mask: np.ndarray) -> float:
    total = float(weight.sum())
    return float(weight[mask].sum() / total) if total > 0 else 1.0


def _dossiers_per_counter(problem, is_open, volume_weight) -> float | None:
    if volume_weight is None or volume_weight not in problem.demand.weights:
        return None
    counters = np.nansum(problem.sites.counters[is_open])
    if counters <= 0:
        return None
    return float(problem.demand.weights[volume_weight].sum() / counters)


def compare_scenarios(reports: list[ScenarioReport]) -> list[dict]:
    """One row per measure, one column per scenario (for printing or CSV)."""
    measures = [
        ("units", "Số điểm / Units", lambda r: len(r.open_sites)),
        ("share_covered", "Tỷ lệ đạt chuẩn / Share within standard", lambda r: r.share_covered),
        ("share_within_15_min", "≤ 15 phút / ≤ 15 min", lambda r: r.share_within_15_min),
        ("share_within_30_min", "≤ 30 phút / ≤ 30 min", lambda r: r.share_within_30_min),
        ("share_within_5_km", "≤ 5 km", lambda r: r.share_within_5_km),
        ("mean_minutes", "Thời gian TB / Mean minutes", lambda r: r.mean_minutes),
        ("worst_minutes", "Xa nhất (phút) / Worst minutes", lambda r: r.worst_minutes),
        ("mean_km", "Quãng đường TB / Mean km", lambda r: r.mean_km),
        ("worst_km", "Xa nhất (km) / Worst km", lambda r: r.worst_km),
    ]
    return [
        {"measure": key, "label": label, **{r.name: value(r) for r in reports}}
        for key, label, value in measures
    ]


def format_comparison(reports: list[ScenarioReport]) -> str:
    rows = compare_scenarios(reports)
    names = [r.name for r in reports]
    lines = ["{:<42}".format("") + "".join(f"{n[:18]:>20}" for n in names)]
    for row in rows:
        cells = "".join(f"{_fmt(row[n]):>20}" for n in names)
        lines.append(f"{row['label'][:42]:<42}{cells}")
    return "\n".join(lines)


def _fmt(value) -> str:
    if isinstance(value, float) and value <= 1.0 + 1e-12 and value >= 0:
        return f"{value:.1%}"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def remove_and_open(
    problem: PlanningProblem, remove: int, open_new: int, *, options: SolveOptions | None = None
) -> PlanResult:
    """Close ``remove`` reception points and open ``open_new`` candidate sites, most weight covered.

    Centers and branches stay open; an MCLP with fixed sites and group counts.
    """
    sites = problem.sites
    reception = np.flatnonzero(sites.kind == "reception_point")
    candidates = np.flatnonzero((sites.kind == "candidate") & ~sites.fixed_closed)
    if remove > reception.size or open_new > candidates.size:
        raise ValueError("not enough reception points to remove or candidates to open")
    keep_open = np.isin(sites.kind, ["center", "branch"]) | sites.fixed_open
    fixed_problem = PlanningProblem(
        problem.demand,
        sites.with_flags(fixed_open=keep_open),
        problem.rule,
        problem.travel,
        problem.weight_name,
        problem._cache,
    )
    kept = reception.size - remove
    groups = [SiteGroup(reception, kept, kept), SiteGroup(candidates, open_new, open_new)]
    p = int(keep_open.sum()) + kept + open_new
    result = solve_mclp(fixed_problem, p, groups=groups, options=options)
    result.model = "remove_open"
    result.details.update(remove=remove, open_new=open_new)
    opened = set(result.open_sites)
    result.details["closed_reception_points"] = [s for s in sites.ids[reception].tolist() if s not in opened]
    result.details["opened_candidates"] = [s for s in sites.ids[candidates].tolist() if s in opened]
    return result


def tight_rule(minutes: float = 15.0) -> CoverageRule:
    return CoverageRule(max_minutes=minutes, max_km=None)
