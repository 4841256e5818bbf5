"""Scenario evaluation: what a given set of open sites reaches, and side-by-side comparison."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np

from .data import CoverageRule
from .planner import PlanningProblem, describe_uncovered
from .result import PlanResult, UncoveredDemand, to_jsonable, weighted_share
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
    total = float(weight.sum())
    covered = np.asarray((problem.coverage() @ is_open.astype(float)) > 0).ravel()
    nearest, _, _ = problem.nearest(is_open)
    uncovered = [
        describe_uncovered(problem, i, nearest[i], km[i], minutes[i], False) for i in np.flatnonzero(~covered)
    ]
    return ScenarioReport(
        name=name,
        open_sites=problem.sites.ids[is_open].tolist(),
        units_by_kind=dict(Counter(problem.sites.kind[is_open].tolist())),
        share_covered=weighted_share(weight, covered),
        share_within_15_min=weighted_share(weight, minutes <= 15.0 + 1e-9),
        share_within_30_min=weighted_share(weight, minutes <= 30.0 + 1e-9),
        share_within_5_km=weighted_share(weight, km <= 5.0 + 1e-9),
        mean_minutes=_mean(weight, minutes, total),
        worst_minutes=float(minutes.max(initial=0.0)),
        mean_km=_mean(weight, km, total),
        worst_km=float(km.max(initial=0.0)),
        dossiers_per_counter=_dossiers_per_counter(problem, is_open, volume_weight),
        uncovered=uncovered,
    )


def _is_mask(values, problem) -> bool:
    arr = np.asarray(values)
    return arr.dtype == bool and arr.shape == (len(problem.sites),)


def _mean(weight: np.ndarray, values: np.ndarray, total: float) -> float:
    """Weighted mean; with no weight at all, the plain mean over points."""
    return float(weight @ values / total) if total > 0 else float(values.mean())


def _dossiers_per_counter(problem, is_open, volume_weight) -> float | None:
    if volume_weight is None or volume_weight not in problem.demand.weights:
        return None
    counters = np.nansum(problem.sites.counters[is_open])
    if counters <= 0:
        return None
    return float(problem.demand.weights[volume_weight].sum() / counters)


def compare_scenarios(reports: list[ScenarioReport]) -> list[dict]:
    """One row per measure, one column per scenario (for printing or CSV)."""
    return [
        {"measure": key, "label": label, "unit": unit, **{r.name: value(r) for r in reports}}
        for key, label, unit, value in MEASURES
    ]


# (key, label, unit, getter): the unit says how a value prints, never its size.
MEASURES = [
    ("units", "Số điểm / Units", "count", lambda r: len(r.open_sites)),
    ("share_covered", "Tỷ lệ đạt chuẩn / Share within standard", "share", lambda r: r.share_covered),
    ("share_within_15_min", "≤ 15 phút / ≤ 15 min", "share", lambda r: r.share_within_15_min),
    ("share_within_30_min", "≤ 30 phút / ≤ 30 min", "share", lambda r: r.share_within_30_min),
    ("share_within_5_km", "≤ 5 km", "share", lambda r: r.share_within_5_km),
    ("mean_minutes", "Thời gian TB / Mean minutes", "minutes", lambda r: r.mean_minutes),
    ("worst_minutes", "Xa nhất (phút) / Worst minutes", "minutes", lambda r: r.worst_minutes),
    ("mean_km", "Quãng đường TB / Mean km", "km", lambda r: r.mean_km),
    ("worst_km", "Xa nhất (km) / Worst km", "km", lambda r: r.worst_km),
]


def format_comparison(reports: list[ScenarioReport]) -> str:
    rows = compare_scenarios(reports)
    names = [r.name for r in reports]
    lines = ["{:<42}".format("") + "".join(f"{n[:18]:>20}" for n in names)]
    for row in rows:
        cells = "".join(f"{format_value(row[n], row['unit']):>20}" for n in names)
        lines.append(f"{row['label'][:42]:<42}{cells}")
    return "\n".join(lines)


def format_value(value, unit: str) -> str:
    """A measure as printed: shares as percents, minutes and km with one decimal, counts as integers."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return "—"
    if unit == "share":
        return f"{float(value) + 0.0:.1%}"
    if unit == "count":
        return f"{int(value)}"
    return f"{float(value) + 0.0:.1f}"


def remove_and_open(
    problem: PlanningProblem, remove: int, open_new: int, *, options: SolveOptions | None = None
) -> PlanResult:
    """Close ``remove`` reception points and upgrade ``open_new`` of them to branches in place: the
    one-phase :func:`motcua.planning.upgrade.upgrade_and_close` (kept under its earlier name)."""
    from .upgrade import Phase, upgrade_and_close

    return upgrade_and_close(problem, [Phase(close=remove, upgrade=open_new)], options=options)


def tight_rule(minutes: float = 15.0) -> CoverageRule:
    return CoverageRule(max_minutes=minutes, max_km=None)
