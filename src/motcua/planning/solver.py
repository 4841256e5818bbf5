"""Thin HiGHS driver: a MIP given as scipy.sparse matrices, passed column-wise to highspy."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import highspy
import numpy as np
import scipy.sparse as sp

from .heuristics import LOCAL_SEARCH_STEPS, SWAP_PAIR_VISITS

ProgressCallback = Callable[[str], None]

# HiGHS stops at mip_rel_gap 1e-4 by default and still says "optimal"; we want
# "optimal" to mean optimal, so the default here is much tighter.
DEFAULT_MIP_REL_GAP = 1e-7


@dataclass
class SolveOptions:
    """How to solve: limits, warm start, reductions and progress reporting."""

    time_limit: float | None = None
    mip_gap: float | None = None
    progress: ProgressCallback | None = None
    warm_start: bool = True
    reduce: bool = True
    threads: int | None = None
    # Heuristic limits are counts, never seconds (the same answer whatever the machine's load):
    # row-weighting local search steps (set covering), pairs visited by p-median swaps.
    local_search_steps: int = LOCAL_SEARCH_STEPS
    swap_pair_visits: int = SWAP_PAIR_VISITS
    presolve: str | None = None
    row_generation: bool = True
    highs_options: dict | None = None

    def say(self, message: str) -> None:
        if self.progress is not None:
            self.progress(message)


@dataclass
class MipModel:
    """min/max cost @ x  s.t.  row_lower <= matrix @ x <= row_upper, bounds, integrality."""

    cost: np.ndarray
    matrix: sp.spmatrix
    row_lower: np.ndarray
    row_upper: np.ndarray
    col_lower: np.ndarray
    col_upper: np.ndarray
    integer: np.ndarray
    maximize: bool = False
    offset: float = 0.0

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape


@dataclass
class MipOutcome:
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    x: np.ndarray | None
    seconds: float
    highs_status: str


def to_highs_lp(model: MipModel) -> highspy.HighsLp:
    matrix = sp.csc_matrix(model.matrix)
    matrix.sum_duplicates()
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.cost.size, matrix.shape[0]
    lp.col_cost_ = np.asarray(model.cost, dtype=float)
    lp.col_lower_ = np.asarray(model.col_lower, dtype=float)
    lp.col_upper_ = np.asarray(model.col_upper, dtype=float)
    lp.row_lower_ = np.asarray(model.row_lower, dtype=float)
    lp.row_upper_ = np.asarray(model.row_upper, dtype=float)
    lp.offset_ = float(model.offset)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr.astype(np.int32)
    lp.a_matrix_.index_ = matrix.indices.astype(np.int32)
    lp.a_matrix_.value_ = matrix.data.astype(float)
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = lp.num_col_, lp.num_row_
    if model.maximize:
        lp.sense_ = highspy.ObjSense.kMaximize
    integer, continuous = highspy.HighsVarType.kInteger, highspy.HighsVarType.kContinuous
    lp.integrality_ = [integer if flag else continuous for flag in np.asarray(model.integer, dtype=bool)]
    return lp


def _configure(highs: highspy.Highs, options: SolveOptions) -> None:
    highs.setOptionValue("log_to_console", False)
    highs.setOptionValue("output_flag", options.progress is not None)
    highs.setOptionValue("mip_rel_gap", DEFAULT_MIP_REL_GAP if options.mip_gap is None else options.mip_gap)
    if options.time_limit is not None:
        highs.setOptionValue("time_limit", float(max(options.time_limit, 0.01)))
    if options.presolve is not None:
        highs.setOptionValue("presolve", options.presolve)
    for name, value in (options.highs_options or {}).items():
        highs.setOptionValue(name, value)
    if options.threads is not None:
        highs.setOptionValue("threads", int(options.threads))


def _subscribe_progress(highs: highspy.Highs, options: SolveOptions) -> None:
    progress = options.progress
    if progress is None:
        return

    def forward(event) -> None:
        message = str(event.message).rstrip()
        if message:
            progress(message)

    highs.cbLogging.subscribe(forward)


_banner_shown = False


def new_highs() -> highspy.Highs:
    """A HiGHS instance; the copyright banner HiGHS prints on its first construction in a process
    goes to the null device, so that stdout carries only our summary (and nothing under --quiet)."""
    global _banner_shown
    if _banner_shown:
        return highspy.Highs()
    _banner_shown = True
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            return highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def solve_mip(model: MipModel, options: SolveOptions, start: np.ndarray | None = None) -> MipOutcome:
    """Solve with HiGHS; ``status`` is "optimal" only when HiGHS reports kOptimal.

    HiGHS 1.16 with presolve on and a warm start can answer wrongly: found by the presolve property test
    (tests/planning/test_presolve.py) on a 6 x 6 set cover with fractional costs, it returned the start
    as "optimal" with an objective (4.79) that was not the start's cost (6.63; the optimum is 6.44).
    Every answer is therefore checked against the model (objective recomputed, rows, bounds,
    integrality, and not worse than a feasible start, nor "infeasible" with one); an answer that fails
    the check is thrown away and the model solved again without presolve. One home for every model.
    """
    outcome = _solve_once(model, options, start)
    if options.presolve == "off" or trustworthy(model, outcome, start if options.warm_start else None):
        return outcome
    options.say("HiGHS's answer with presolve contradicts the model: solving again without presolve")
    again = _solve_once(model, replace(options, presolve="off"), start)
    again.seconds += outcome.seconds
    return again


def trustworthy(model: MipModel, outcome: MipOutcome, start: np.ndarray | None) -> bool:
    """Whether HiGHS's answer agrees with the model (see solve_mip)."""
    start_ok = start is not None and _feasible(model, np.asarray(start, dtype=float))
    if outcome.status == "infeasible":
        return not start_ok
    if outcome.x is None:
        return True
    value = float(model.cost @ outcome.x + model.offset)
    tolerance = 1e-6 * max(1.0, abs(value))
    if (
        outcome.objective is None
        or abs(value - outcome.objective) > tolerance
        or not _feasible(model, outcome.x)
    ):
        return False
    if outcome.status == "optimal" and start_ok:
        start_value = float(model.cost @ np.asarray(start, dtype=float) + model.offset)
        better_start = start_value > value + tolerance if model.maximize else start_value < value - tolerance
        return not better_start
    return True


def _feasible(model: MipModel, x: np.ndarray, tolerance: float = 1e-6) -> bool:
    if x.size != model.cost.size:
        return False
    integer = np.asarray(model.integer, dtype=bool)
    if np.any(np.abs(x[integer] - np.round(x[integer])) > tolerance):
        return False
    if np.any(x < model.col_lower - tolerance) or np.any(x > model.col_upper + tolerance):
        return False
    rows = model.matrix @ x
    slack = tolerance * np.maximum(1.0, np.abs(rows))
    return bool(np.all(rows >= model.row_lower - slack) and np.all(rows <= model.row_upper + slack))


def _solve_once(model: MipModel, options: SolveOptions, start: np.ndarray | None) -> MipOutcome:
    started = time.perf_counter()
    if model.cost.size == 0:
        return MipOutcome("optimal", model.offset, model.offset, 0.0, np.zeros(0), 0.0, "empty")
    highs = new_highs()
    _configure(highs, options)
    _subscribe_progress(highs, options)
    highs.passModel(to_highs_lp(model))
    if start is not None and options.warm_start:
        solution = highspy.HighsSolution()
        solution.col_value = np.asarray(start, dtype=float)
        highs.setSolution(solution)
    highs.run()
    outcome = _read_outcome(highs, model, time.perf_counter() - started)
    if options.progress is not None:
        highs.cbLogging.clear()
    return outcome


def _read_outcome(highs: highspy.Highs, model: MipModel, seconds: float) -> MipOutcome:
    model_status = highs.getModelStatus()
    info = highs.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.asarray(highs.getSolution().col_value, dtype=float) if has_solution else None
    objective = float(info.objective_function_value) if has_solution else None
    bound = _finite_or_none(info.mip_dual_bound)
    gap = _finite_or_none(info.mip_gap) if has_solution else None
    status = _status_name(model_status, has_solution)
    if status == "optimal":
        bound = objective if bound is None else bound
        gap = 0.0 if gap is None else gap
    return MipOutcome(status, objective, bound, gap, x, seconds, highs.modelStatusToString(model_status))


def _status_name(model_status, has_solution: bool) -> str:
    statuses = highspy.HighsModelStatus
    if model_status == statuses.kOptimal:
        return "optimal"
    if model_status == statuses.kInfeasible:
        return "infeasible"
    if model_status == statuses.kTimeLimit:
        return "time_limit"
    return "feasible" if has_solution else "no_solution"


def _finite_or_none(value) -> float | None:
    value = float(value)
    return value if np.isfinite(value) and abs(value) < 1e30 else None


def stack_rows(*blocks: sp.spmatrix) -> sp.csc_matrix:
    return sp.vstack([sp.csr_matrix(b) for b in blocks], format="csc")


def solve_lp_duals(model: MipModel, options: SolveOptions) -> np.ndarray | None:
    """Row duals of the LP relaxation (integrality dropped), or None unless HiGHS finds it optimal."""
    highs = new_highs()
    _configure(highs, options)
    lp = to_highs_lp(model)
    lp.integrality_ = []
    highs.passModel(lp)
    highs.run()
    if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    return np.asarray(highs.getSolution().row_dual, dtype=float)
