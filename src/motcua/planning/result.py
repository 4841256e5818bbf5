"""Result of a planning run, JSON-serialisable through ``to_dict``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np


@dataclass
class UncoveredDemand:
    demand_id: str
    weight: float
    reason_vi: str
    reason_en: str
    nearest_site: str | None
    km: float | None
    minutes: float | None


@dataclass
class PlanResult:
    """``status`` is "optimal" only when HiGHS proved it (kOptimal); else time_limit/feasible/infeasible."""

    model: str
    status: str
    objective: float | None
    best_bound: float | None
    gap: float | None
    open_sites: list[str]
    demand: list[dict] = field(default_factory=list)
    uncovered: list[UncoveredDemand] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    reductions: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return to_jsonable(asdict(self))

    @property
    def covered_weight_share(self) -> float | None:
        return self.details.get("covered_weight_share")


def weighted_share(weight: np.ndarray, mask: np.ndarray) -> float:
    """Share of the weight in ``mask``; with no weight at all (population zero), the share of points.

    The one rule for "share covered": the summary, the tables and the map all call it.
    """
    weight, mask = np.asarray(weight, dtype=float), np.asarray(mask, dtype=bool)
    total = float(weight.sum())
    if total > 0:
        return float(weight[mask].sum() / total)
    return float(mask.mean()) if mask.size else 1.0


def clean_number(value: float | None) -> float | None:
    """No "-0" (a maximisation's negated zero) and no NaN/infinity in what we print or store."""
    if value is None or not np.isfinite(value):
        return None
    return float(value) + 0.0


def to_jsonable(value):
    """Turn NumPy scalars/arrays (nested in dicts/lists) into plain Python values."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (np.floating, float)):
        number = float(value)
        return number if np.isfinite(number) else None
    return value
