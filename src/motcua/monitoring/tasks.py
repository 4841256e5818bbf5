"""Planning runs in a worker (django-tasks, database queue), never in a request."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from django.utils import timezone
from django_tasks import task

from motcua.planning import CoverageRule, SolveOptions
from motcua.planning.dispatch import Question, answer, current_network
from motcua.planning.report import site_decisions, write_html_map
from motcua.planning.scenario import evaluate_scenario
from motcua.planning.upgrade import Capacity

from .models import PlanRun
from .planning_data import (
    DOSSIER_WEIGHT,
    build_problem,
    district_labels,
    typical_branch_counters,
    working_hours_per_year,
)

PROGRESS_EVERY_SECONDS = 1.0
PROGRESS_KEEP_LINES = 40


class _Progress:
    """Keeps the last solver lines on the run, written at most once a second."""

    def __init__(self, run_id: int) -> None:
        self.run_id, self.lines, self.written_at = run_id, [], 0.0

    def __call__(self, message: str) -> None:
        self.lines = (self.lines + [line for line in message.splitlines() if line.strip()])[
            -PROGRESS_KEEP_LINES:
        ]
        if time.monotonic() - self.written_at >= PROGRESS_EVERY_SECONDS:
            self.flush()

    def flush(self) -> None:
        PlanRun.objects.filter(pk=self.run_id).update(progress="\n".join(self.lines))
        self.written_at = time.monotonic()


@task()
def run_plan(run_id: int) -> None:
    run = PlanRun.objects.get(pk=run_id)
    PlanRun.objects.filter(pk=run_id).update(state=PlanRun.State.RUNNING, started_at=timezone.now())
    progress = _Progress(run_id)
    try:
        result, report, baseline, facts, decision, map_html = _solve(run, progress)
    except Exception as error:  # the run records any failure; the worker goes on
        progress.flush()
        PlanRun.objects.filter(pk=run_id).update(
            state=PlanRun.State.FAILED, error=repr(error), finished_at=timezone.now()
        )
        raise
    progress.flush()
    PlanRun.objects.filter(pk=run_id).update(
        state=PlanRun.State.DONE,
        finished_at=timezone.now(),
        map_html=map_html,
        result={
            "plan": result.to_dict(),
            "scenario": report.to_dict(),
            "current": baseline.to_dict(),
            "facts": facts,
            "decision": decision,
        },
    )


def _solve(run: PlanRun, progress: _Progress):
    params = run.params
    rule = CoverageRule(
        max_minutes=params.get("max_minutes", 30),
        max_km=params.get("max_km", 5),
        combine=params.get("combine", "or"),
    )
    problem, facts = build_problem(weight=run.weight, rule=rule, until=run.created_at)
    question = Question(
        run.model,
        p=params.get("p"),
        remove=params.get("remove", 0),
        open_new=params.get("open_new", 0),
        new_sites=params.get("new_sites", 0),
        tight_minutes=params.get("tight_minutes", 15),
        capacity=_capacity(params, run),
    )
    options = SolveOptions(time_limit=float(params.get("time_limit", 60)), progress=progress)
    result, report = answer(problem, question, options, volume_weight=DOSSIER_WEIGHT)
    baseline = evaluate_scenario(
        problem, current_network(problem), name="current", volume_weight=DOSSIER_WEIGHT
    )
    decision = site_decisions(problem, result, facts.pop("site_communes"))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "map.html"
        write_html_map(path, problem, result, run.name, labels=district_labels(), decisions=decision)
        map_html = path.read_text(encoding="utf-8")
    return result, report, baseline, facts, decision, map_html


def _capacity(params: dict, run: PlanRun) -> Capacity | None:
    """Counters limit each unit: demand from the dossier history per commune, over the legal clock's
    working hours; the staffing page's service time and target wait."""
    if not params.get("capacity"):
        return None
    return Capacity(
        dossiers_weight=DOSSIER_WEIGHT,
        hours_per_year=working_hours_per_year(run.created_at),
        service_minutes=float(params.get("service_minutes", 15.0)),
        max_mean_wait_minutes=float(params.get("max_wait", 10.0)),
        branch_counters=typical_branch_counters(),
    )
