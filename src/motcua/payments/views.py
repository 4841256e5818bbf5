"""The fees report: collected and refunded per unit and day, on a page and as an Excel file. Thin: parse,
call the selector, render.

The gateway's return to the site (the signed callback) and the result page. Thin."""

from __future__ import annotations

import io
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from motcua.desk import text
from motcua.dossiers.permissions import Actor
from motcua.errors import MotcuaError
from motcua.network.models import Unit
from motcua.ratelimit import RateLimited, client_subject, hit
from motcua.tabular import write_xlsx

from . import selectors, services

MAX_DAYS = 366
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(value: str, default: date) -> date | None:
    if not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None


@login_required
@require_GET
def report(request: HttpRequest) -> HttpResponse:
    actor = Actor.staff(request.user)
    today = timezone.localdate()
    first = _day(request.GET.get("from", ""), today.replace(day=1))
    last = _day(request.GET.get("to", ""), today)
    unit_code = request.GET.get("unit", "").strip()[:16]
    context: dict = {"units": selectors.report_units(actor), "unit_code": unit_code, "rows": [], "errors": {}}
    if first is None:
        context["errors"]["from"] = _("Not a date (YYYY-MM-DD).")
    if last is None:
        context["errors"]["to"] = _("Not a date (YYYY-MM-DD).")
    if first and last and (last < first or (last - first).days >= MAX_DAYS):
        context["errors"]["to"] = _("Must be on or after the first day, within a year of it.")
    unit = Unit.objects.filter(code=unit_code).first() if unit_code else None
    if unit_code and unit is None:
        context["errors"]["unit"] = _("No such unit.")
    context.update(first=first or today, last=last or today)
    if context["errors"]:
        return render(request, "payments/report.html", context, status=400)
    try:
        rows = selectors.fees_per_unit_and_day(actor, first, last, unit)
    except MotcuaError as error:
        context["error"] = text.message(error)
        return render(request, "payments/report.html", context, status=error.http_status)
    if request.GET.get("format") == "xlsx":
        return _excel(rows, first, last)
    context["rows"] = rows
    context["totals"] = {
        "collected_count": sum(r.collected_count for r in rows),
        "collected_vnd": sum(r.collected_vnd for r in rows),
        "refunded_count": sum(r.refunded_count for r in rows),
        "refunded_vnd": sum(r.refunded_vnd for r in rows),
        "net_vnd": sum(r.net_vnd for r in rows),
    }
    return render(request, "payments/report.html", context)


def _excel(rows: list[selectors.FeeDay], first: date, last: date) -> HttpResponse:
    columns = [
        _("Day"),
        _("Unit code"),
        _("Unit"),
        _("Receipts"),
        _("Collected (VND)"),
        _("Refunds"),
        _("Refunded (VND)"),
        _("Net (VND)"),
    ]
    lines = [
        dict(
            zip(
                columns,
                [
                    r.day.isoformat(),
                    r.unit.code,
                    text.pick(r.unit.name_vi, r.unit.name_en),
                    r.collected_count,
                    r.collected_vnd,
                    r.refunded_count,
                    r.refunded_vnd,
                    r.net_vnd,
                ],
                strict=True,
            )
        )
        for r in rows
    ]
    buffer = io.BytesIO()
    write_xlsx(buffer, {_("Fees"): (columns, lines)})  # type: ignore[arg-type]  # openpyxl saves to a file object too
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="phi-le-phi-{first}-{last}.xlsx"'
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        hit("payment_ip", client_subject(request))
        recorded = services.record_callback(params=request.GET.dict())
    except RateLimited as error:
        return render(request, "payments/result.html", {"error": text.message(error)}, status=429)
    except MotcuaError as error:
        return render(
            request, "payments/result.html", {"error": text.message(error)}, status=error.http_status
        )
    return render(request, "payments/result.html", {"payment": recorded.payment, "already": recorded.already})
