"""One entry point for every planning question, shared by the command line and the planning page."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from .data import CoverageRule
from .errors import PlanningInputError
from .planner import PlanningProblem, solve_hierarchical, solve_lscp, solve_mclp, solve_pmedian
from .result import PlanResult
from .scenario import ScenarioReport, evaluate_scenario
from .solver import SolveOptions
from .upgrade import Capacity, Phase, upgrade_and_close

# "remove_open" is the earlier name of "upgrade_close" (kept for saved runs and scripts).
MODELS = ("evaluate", "lscp", "hierarchical", "mclp", "pmedian", "upgrade_close", "remove_open")
NEEDS_P = ("mclp", "pmedian")


@dataclass(frozen=True)
class Question:
    model: str
    p: int | None = None
    remove: int = 0
    open_new: int = 0
    tight_minutes: float = 15.0
    k_nearest: int | None = None
    new_sites: int = 0
    max_memory_mb: float = 2048.0
    phases: tuple[Phase, ...] = field(default_factory=tuple)
    capacity: Capacity | None = None

    def plan_phases(self) -> list[Phase]:
        """The phases asked, or one phase from remove (close), open_new (upgrade) and new_sites."""
        if self.phases:
            return list(self.phases)
        return [Phase(close=self.remove, upgrade=self.open_new, new_sites=self.new_sites)]

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise PlanningInputError(
                "model",
                f"không có mô hình {self.model!r}; dùng {', '.join(MODELS)}",
                f"unknown model {self.model!r}; use one of {', '.join(MODELS)}",
            )
        if self.model in NEEDS_P and (self.p is None or self.p < 1):
            raise PlanningInputError(
                "p", f"mô hình {self.model} cần p ≥ 1", f"model {self.model} needs p ≥ 1"
            )
        if not (math.isfinite(self.tight_minutes) and self.tight_minutes > 0):
            raise PlanningInputError(
                "tight_minutes", "phải là số dương hữu hạn", "must be a finite positive number"
            )


def current_network(problem: PlanningProblem) -> np.ndarray:
    return problem.sites.kind != "candidate"


def answer(
    problem: PlanningProblem, question: Question, options: SolveOptions, *, volume_weight: str | None = None
) -> tuple[PlanResult, ScenarioReport]:
    """Solve (or evaluate) and describe the resulting network with the same scenario figures."""
    model = question.model
    if model == "evaluate":
        result = evaluated_result(problem, current_network(problem))
    elif model == "lscp":
        result = solve_lscp(problem, options=options)
    elif model == "mclp":
        assert question.p is not None, "Question.__post_init__ requires p for models in NEEDS_P"
        result = solve_mclp(problem, question.p, options=options)
    elif model == "pmedian":
        assert question.p is not None, "Question.__post_init__ requires p for models in NEEDS_P"
        result = solve_pmedian(
            problem,
            question.p,
            k_nearest=question.k_nearest,
            options=options,
            max_memory_mb=question.max_memory_mb,
        )
    elif model == "hierarchical":
        result = solve_hierarchical(problem, CoverageRule(question.tight_minutes, None), options=options)
    else:
        result = upgrade_and_close(
            problem, question.plan_phases(), capacity=question.capacity, options=options
        )
    report = evaluate_scenario(
        problem, np.isin(problem.sites.ids, result.open_sites), name=model, volume_weight=volume_weight
    )
    return result, report


def evaluated_result(problem: PlanningProblem, is_open: np.ndarray) -> PlanResult:
    from .models import CoreSolution
    from .planner import plan_result
    from .solver import MipOutcome

    outcome = MipOutcome("evaluated", None, None, None, None, 0.0, "not solved")
    return plan_result(problem, "evaluate", CoreSolution(is_open, outcome, None, None), time.perf_counter())
