"""Writes of the monitoring area: starting a planning run (center managers only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, Problem, ValidationFailed
from motcua.planning.dispatch import NEEDS_P

from .models import PlanRun
from .tasks import run_plan

MAX_TIME_LIMIT_SECONDS = 600


@dataclass
class PlanRequest:
    name: str
    model: str
    weight: str = PlanRun.Weight.POPULATION
    p: int | None = None
    remove: int = 0
    open_new: int = 0
    new_sites: int = 0
    capacity: bool = False
    max_minutes: float = 30.0
    max_km: float | None = 5.0
    combine: str = "or"
    tight_minutes: float = 15.0
    time_limit: float = 60.0


def start_plan_run(*, actor: Actor, request: PlanRequest) -> PlanRun:
    if not actor.manager:
        raise Forbidden(
            "Chỉ quản lý trung tâm được chạy quy hoạch.", "Only center managers may run planning."
        )
    _check(request)
    with transaction.atomic():
        run = PlanRun.objects.create(
            name=request.name.strip(),
            model=request.model,
            weight=request.weight,
            created_by=actor.user,
            created_at=timezone.now(),
            params={
                "p": request.p,
                "remove": request.remove,
                "open_new": request.open_new,
                "new_sites": request.new_sites,
                "capacity": bool(request.capacity),
                "max_minutes": request.max_minutes,
                "max_km": request.max_km,
                "combine": request.combine,
                "tight_minutes": request.tight_minutes,
                "time_limit": request.time_limit,
            },
        )
        transaction.on_commit(lambda: run_plan.enqueue(run.pk))
    return run


def _check(request: PlanRequest) -> None:
    problems = []

    def need(ok: bool, field: str, vi: str, en: str) -> None:
        if not ok:
            problems.append(Problem(field, vi, en))

    need(bool(request.name.strip()), "name", "cần đặt tên phương án", "the run needs a name")
    need(request.model in PlanRun.Model.values, "model", "mô hình không hợp lệ", "unknown model")
    need(request.weight in PlanRun.Weight.values, "weight", "trọng số không hợp lệ", "unknown weight")
    need(request.model not in NEEDS_P or (request.p or 0) >= 1, "p", "cần số điểm p ≥ 1", "p must be ≥ 1")
    need(request.remove >= 0, "remove", "phải ≥ 0", "must be ≥ 0")
    need(request.open_new >= 0, "open_new", "phải ≥ 0", "must be ≥ 0")
    need(request.new_sites >= 0, "new_sites", "phải ≥ 0", "must be ≥ 0")
    need(
        0 < request.max_minutes <= 240,
        "max_minutes",
        "phải trong (0, 240] phút",
        "must lie in (0, 240] minutes",
    )
    need(
        request.max_km is None or 0 < request.max_km <= 100,
        "max_km",
        "phải trong (0, 100] km",
        "must lie in (0, 100] km",
    )
    need(request.combine in ("or", "and"), "combine", "chọn 'or' hoặc 'and'", "use 'or' or 'and'")
    need(
        0 < request.time_limit <= MAX_TIME_LIMIT_SECONDS,
        "time_limit",
        f"phải trong (0, {MAX_TIME_LIMIT_SECONDS}] giây",
        f"must lie in (0, {MAX_TIME_LIMIT_SECONDS}] seconds",
    )
    if problems:
        raise ValidationFailed(
            message_vi="Yêu cầu quy hoạch chưa hợp lệ.",
            message_en="The planning request is invalid.",
            problems=problems,
        )
