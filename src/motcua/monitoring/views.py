"""Pages for center managers: network planning runs (started here, solved by the worker) and staffing."""

from __future__ import annotations

import base64
import csv
import hashlib
import math
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, MotcuaError
from motcua.oversight import volumes
from motcua.planning.report import decision_tables, decision_workbook

from . import selectors
from .forms import PlanRunForm
from .models import PlanRun
from .planning_data import DEMAND_DAYS
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
    context = {
        "form": form,
        "runs": selectors.plan_runs()[:100],
        "dossier_period": volumes.days_before(timezone.now(), DEMAND_DAYS),
    }
    return render(request, "monitoring/plan_list.html", context)


@login_required
def plan_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    run = get_object_or_404(PlanRun.objects.defer("map_html"), pk=run_id)
    template = "monitoring/_plan_status.html" if request.htmx else "monitoring/plan_detail.html"
    done = run.state == PlanRun.State.DONE
    reports = [run.result.get("current"), run.result.get("scenario")] if done else []
    decision = selectors.plan_decision(run) if done else []
    context = {
        "run": run,
        "table": selectors.scenario_table(reports),
        "decision": decision,
        "dossier_period": selectors.dossier_period(run) if done else None,
        "counts": selectors.decision_counts(decision),
        "outcome": selectors.outcome_in_words(run.result.get("plan", {})) if done else "",
        "communes": (run.result.get("plan", {}).get("details") or {}).get("communes", []) if done else [],
        "share_after": selectors.percent((run.result.get("scenario") or {}).get("share_covered")),
        "share_before": selectors.percent((run.result.get("current") or {}).get("share_covered")),
        "rule": selectors.rule_in_words(run.result.get("plan", {})) if done else "",
        "uncovered": selectors.uncovered_in_words(run.result.get("scenario")) if done else [],
    }
    return render(request, template, context)


@login_required
def plan_export(request: HttpRequest, run_id: int, fmt: str) -> HttpResponse:
    """The decision of a finished run as CSV (every site's fate) or Excel (with the communes sheet)."""
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    if fmt not in ("csv", "xlsx"):
        raise Http404("csv or xlsx")
    run = get_object_or_404(PlanRun.objects.defer("map_html"), pk=run_id, state=PlanRun.State.DONE)
    details = (run.result.get("plan") or {}).get("details") or {}
    decisions = run.result.get("decision", [])
    filename = f"phuong-an-{run.pk}"
    if fmt == "xlsx":
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        decision_workbook(details, decisions).save(response)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        headers, rows = decision_tables(details, decisions)["sites"]
        response.write("\ufeff")  # Excel reads the diacritics
        writer = csv.writer(response)
        writer.writerow(headers)
        writer.writerows(rows)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@login_required
@xframe_options_sameorigin
def plan_map(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        _manager(request)
    except Forbidden as error:
        return _forbidden(request, error)
    run = get_object_or_404(PlanRun.objects.only("map_html"), pk=run_id)
    page = run.map_html or "<p>—</p>"
    response = HttpResponse(page, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = map_policy(page)
    return response


_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def map_policy(page: str) -> str:
    """The map is one self-contained page (Leaflet and the data inlined, planning/report.py): its own
    Content-Security-Policy allows exactly its inline scripts, by their SHA-256, and nothing from
    elsewhere; it may be framed by the site's own pages only. Styles stay inline (Leaflet's sheet and
    the legend's colours): they cannot run code."""
    hashes = [
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in _INLINE_SCRIPT.findall(page)
    ]
    scripts = " ".join(hashes) or "'none'"
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {scripts}",
            "style-src 'unsafe-inline'",
            "img-src 'self' data:",
            "frame-ancestors 'self'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


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
    now = timezone.now()
    rows = selectors.staffing_table(
        until=now, service_minutes=service_minutes, max_mean_wait_minutes=max_wait
    )
    groups = selectors.group_staffing_table(until=now, max_mean_wait_minutes=max_wait)
    context = {
        "rows": rows,
        "groups": groups,
        "service_minutes": service_minutes,
        "max_wait": max_wait,
        "period": volumes.days_before(now, selectors.STAFFING_WEEKS * 7),
    }
    return render(request, "monitoring/staffing.html", context)


def _bounded(value: str | None, default: float, low: float, high: float) -> float:
    try:
        number = float(value) if value else default
    except ValueError:
        return default
    if not math.isfinite(number):  # "nan" and "inf" parse as floats
        return default
    return min(max(number, low), high)
