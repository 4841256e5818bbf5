"""Pages for center managers: network planning runs (started here, solved by the worker) and staffing."""

from __future__ import annotations

import math
import re

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, MotcuaError

from . import selectors
from .forms import PlanRunForm
from .models import PlanRun
from .services import PlanRequest, start_plan_run


def _manager(request: HttpRequest) -> Actor:
    actor = Actor.staff(request.user)
    if not actor.manager:
        raise Forbidden("Trang này dành cho quản lý trung tâm.", "This page is for center managers.")
    return actor


def _forbidden(request: HttpRequest, error: MotcuaError) -> HttpResponse:
    return render(request, "monitoring/forbidden.html", {"error": error}, status=error.http_status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    try:
        actor = _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    form = PlanRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = start_plan_run(actor=actor, request=PlanRequest(**form.cleaned_data))
            return redirect("monitoring:plan", run_id=run.pk)
        except MotcuaError as error:
            for problem in error.problems:
                form.add_error(problem.field if problem.field in form.fields else None, problem.reason_vi)
    return render(request, "monitoring/plan_list.html", {"form": form, "runs": selectors.plan_runs()[:100]})


@login_required
def plan_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    run = get_object_or_404(PlanRun.objects.defer("map_html"), pk=run_id)
    template = "monitoring/_plan_status.html" if request.htmx else "monitoring/plan_detail.html"
    reports = (
        [run.result.get("current"), run.result.get("scenario")] if run.state == PlanRun.State.DONE else []
    )
    return render(request, template, {"run": run, "table": selectors.scenario_table(reports)})


@login_required
@xframe_options_sameorigin
def plan_map(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    run = get_object_or_404(PlanRun.objects.only("map_html"), pk=run_id)
    return HttpResponse(run.map_html or "<p>—</p>", content_type="text/html; charset=utf-8")


_RUN_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits (str.isdigit takes '²'), within a 64-bit id


@login_required
def plan_compare(request: HttpRequest) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    ids = [int(i) for i in request.GET.getlist("runs") if _RUN_ID.fullmatch(i)][:6]
    runs = list(PlanRun.objects.defer("map_html").filter(pk__in=ids, state=PlanRun.State.DONE))
    reports = [runs[0].result.get("current")] + [run.result.get("scenario") for run in runs] if runs else []
    return render(
        request, "monitoring/plan_compare.html", {"runs": runs, "table": selectors.scenario_table(reports)}
    )


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    service_minutes = _bounded(request.GET.get("service_minutes"), 15.0, 1, 120)
    max_wait = _bounded(request.GET.get("max_wait"), 10.0, 0.5, 120)
    rows = selectors.staffing_table(
        until=timezone.now(), service_minutes=service_minutes, max_mean_wait_minutes=max_wait
    )
    groups = selectors.group_staffing_table(until=timezone.now(), max_mean_wait_minutes=max_wait)
    return render(
        request,
        "monitoring/staffing.html",
        {"rows": rows, "groups": groups, "service_minutes": service_minutes, "max_wait": max_wait},
    )


def _bounded(value: str | None, default: float, low: float, high: float) -> float:
    try:
        number = float(value) if value else default
    except ValueError:
        return default
    if not math.isfinite(number):  # "nan" and "inf" parse as floats
        return default
    return min(max(number, low), high)
