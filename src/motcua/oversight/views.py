"""The dashboard of center directors, unit leaders and province leaders (their landing page), the lists
of dossiers behind its numbers, the exports of every table and the periodic Excel report. Thin: parse the
scope and period, call the selectors, render."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from motcua.desk.views import problem_page
from motcua.dossiers.permissions import Actor, openable_codes
from motcua.errors import MotcuaError, Problem, ValidationFailed
from motcua.network import reference

from . import exports, portal_sync, selectors, tallies
from .scope import Period, Scope, children_of, may_oversee, parse_period, parse_scope, unit_tree

DASHBOARD_TABLES = (
    "units",
    "procedures",
    "sectors",
    "late",
    "unit_ranking",
    "person_ranking",
    "repeated_supplements",
    "due_soon",
    "adoption_units",
    "adoption_procedures",
    "adoption_sectors",
    "adoption_months",
    "flows",
    "channels",
    "volumes",
)


def overseer_page(view):
    @login_required
    @require_GET
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            actor = Actor.staff(request.user)
            scope = parse_scope(
                actor, *(request.GET.get(k, "")[:40] for k in ("unit", "sector", "procedure"))
            )
            period = parse_period(*(request.GET.get(k, "")[:40] for k in ("period", "from", "to")))
            tallies.catch_up()
            with reference.scope():  # reference data (units, rules) read once per page
                return view(request, scope, period, *args, **kwargs)
        except MotcuaError as error:
            return problem_page(request, error)

    return wrapper


@login_required
def landing(request: HttpRequest) -> HttpResponse:
    """Where a log-in lands: the dashboard for those who oversee, the work queue for the others."""
    if may_oversee(Actor.staff(request.user)):
        return redirect("oversight:dashboard")
    return redirect("desk:queue")


def _query(scope: Scope, period: Period, **extra) -> str:
    params = scope.params(**extra)
    if ".." in period.name:  # a range of days
        params.update({"from": period.first.isoformat(), "to": period.last.isoformat()})
    else:
        params["period"] = period.name
    return urlencode({k: v for k, v in params.items() if v})


def _breadcrumb(scope: Scope, period: Period) -> list[tuple[str, str]]:
    crumbs = [("Toàn tỉnh / Province", "?" + _query(Scope(), period))]
    if scope.unit is not None:
        chain, node = [], scope.unit
        tree = unit_tree()
        while node is not None:
            chain.append(node)
            node = tree.get(node.parent_id) if node.parent_id else None
        for node in reversed(chain):
            crumbs.append((node.name_vi, "?" + _query(Scope(unit=node, unit_ids=frozenset()), period)))
    if scope.sector is not None:
        crumbs.append((scope.sector.name_vi, "?" + _query(scope, period)))
    if scope.procedure is not None:
        crumbs.append((f"{scope.procedure.code} {scope.procedure.name_vi}", "?" + _query(scope, period)))
    return crumbs


def _links(actor: Actor, scope: Scope, period: Period, table: selectors.Table) -> None:
    """The drill-down link of each row: a unit, a sector, a procedure, a dossier (only one the viewer
    may open at the desk)."""
    dossier_rows = table.columns and table.columns[0].kind == "link"
    openable = openable_codes(actor, (row.get("code") for row in table.rows)) if dossier_rows else set()
    for row in table.rows:
        if "unit" in row and table.key == "units":
            row["link_href"] = "?" + _query(scope, period, unit=row["unit"])
        elif table.key == "procedures":
            row["link_href"] = "?" + _query(scope, period, procedure=row["procedure"])
        elif table.key == "sectors":
            row["link_href"] = "?" + _query(scope, period, sector=row["sector"])
        elif "code" in row and dossier_rows and row["code"] in openable:
            row["link_href"] = reverse("desk:dossier", args=[row["code"]])


@overseer_page
def dashboard(request: HttpRequest, scope: Scope, period: Period) -> HttpResponse:
    result = selectors.scoreboard(scope, period)
    score_table = selectors.scoreboard_table(result)
    for row in score_table.rows:
        if row["lists"]:
            numerator, denominator = row["lists"]
            row["numerator_href"] = (
                reverse("oversight:dossiers", args=[numerator]) + "?" + _query(scope, period)
            )
            row["denominator_href"] = (
                reverse("oversight:dossiers", args=[denominator]) + "?" + _query(scope, period)
            )
    tables = {key: selectors.build_table(key, scope, period) for key in DASHBOARD_TABLES}
    actor = Actor.staff(request.user)
    for table in tables.values():
        _links(actor, scope, period, table)
    hours = selectors.build_table("hours", scope, period)
    charts = {
        "groups": [
            {"vi": g.rule.label_vi, "en": g.rule.label_en, "points": float(g.points),
             "measured_max": float(g.measured_max), "max": float(g.max_points)}
            for g in result.board.groups
        ],
        "units": [{"name": r["name"], "rate": float(r["on_time_rate"]) if r["on_time_rate"] is not None else None,
                   "received": r["received"]} for r in tables["units"].rows],
        "months": [{"month": r["month"], "received": r["received"], "outside": r["outside"],
                    "share": float(r["outside_share"] or 0)} for r in tables["adoption_months"].rows],
        "channels": [{"vi": r["channel"], "en": r["channel_en"], "value": r["received"]}
                     for r in tables["channels"].rows],
        "hours": [[r["hour"], r["weekday"] - 1, r["intakes"]] for r in hours.rows],
    }  # fmt: skip
    context = {
        "scope": scope,
        "period": period,
        "result": result,
        "board": result.board,
        "score_table": score_table,
        "tables": tables,
        "charts": charts,
        "crumbs": _breadcrumb(scope, period),
        "query": _query(scope, period),
        "children": children_of(scope.unit.id if scope.unit else None),
        "lists": selectors.LISTS,
        "backlog": portal_sync.backlog(),
    }
    return render(request, "oversight/dashboard.html", context)


@overseer_page
def dossiers(request: HttpRequest, scope: Scope, period: Period, name: str) -> HttpResponse:
    if name not in selectors.LISTS:
        raise_unknown_list(name)
    table = selectors.dossier_table(scope, period, name)
    _links(Actor.staff(request.user), scope, period, table)
    context = {"scope": scope, "period": period, "table": table, "query": _query(scope, period), "name": name,
               "back": reverse("oversight:dashboard") + "?" + _query(scope, period)}  # fmt: skip
    return render(request, "oversight/dossiers.html", context)


def raise_unknown_list(name: str) -> None:
    known = ", ".join(selectors.LISTS)
    raise ValidationFailed(
        message_vi=f"Không có danh sách '{name[:40]}'. Các danh sách: {known}.",
        message_en=f"There is no list '{name[:40]}'. Lists: {known}.",
        problems=[Problem("list", "không có danh sách này", "no such list")],
        code="not_found",
        http_status=404,
    )


FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@overseer_page
def export(request: HttpRequest, scope: Scope, period: Period, key: str, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise ValidationFailed(
            message_vi=f"Định dạng '{fmt[:10]}' không được hỗ trợ: csv hoặc xlsx.",
            message_en=f"Format '{fmt[:10]}' is not supported: csv or xlsx.",
            problems=[Problem("format", "chỉ csv hoặc xlsx", "csv or xlsx only")],
        )
    table = selectors.build_table(key, scope, period)
    body = exports.as_csv(table) if fmt == "csv" else exports.as_xlsx([table], _heading(scope, period))
    return _download(body, fmt, f"motcua-{key}-{period.name.replace('..', '_')}.{fmt}")


def _heading(scope: Scope, period: Period) -> str:
    return f"{scope.label_vi} / {scope.label_en} · {period.first:%d/%m/%Y} – {period.last:%d/%m/%Y}"


def _download(body: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@overseer_page
def report(request: HttpRequest, scope: Scope, period: Period) -> HttpResponse:
    """The periodic report: received, resolved on time or late, and pending, per agency and sector,
    with the scoreboard, as one workbook."""
    tables = [
        *selectors.report_tables(scope, period),
        selectors.scoreboard_table(selectors.scoreboard(scope, period)),
    ]
    body = exports.as_xlsx(
        tables, "Báo cáo tình hình giải quyết TTHC / Dossier report · " + _heading(scope, period)
    )
    return _download(body, "xlsx", f"motcua-report-{period.name.replace('..', '_')}.xlsx")


def charts_json(charts: dict) -> str:
    return json.dumps(charts, ensure_ascii=False)
