"""The figures a center director and a province leader look at: the Index 766 scoreboard, the
accountability lists and rankings, and the adoption of boundary-free filing. Counts come from the kept
aggregates (a pass of the follower first, so they are those of the moment); the lists of dossiers and
the rankings of steps and persons read the dossiers of the period. No side effects but the follower's
pass. Every figure is a Table (columns with Vietnamese and English headers), so that each one is shown,
exported as CSV and Excel, and served by the API alike."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import ExtractIsoWeekDay, TruncMonth
from django.utils import timezone

from motcua.catalog.models import Fee, OnlineLevel, Procedure, Sector
from motcua.dossiers import clock, memo
from motcua.dossiers.models import (
    Apology,
    Channel,
    Dossier,
    DossierStep,
    Status,
    StepState,
    SupplementRequest,
)
from motcua.network import reference
from motcua.worktime import StepTimes, deadlines

from . import scoring, tallies
from .models import COUNTERS, PROVINCE, DailyTally, HourTally, ProcedureMonthTally, ScopeTally
from .scope import Period, Scope, children_of, unit_tree

HOUR = Decimal(3600)
WORKING_DAY_HOURS = Decimal(8)
OPEN = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_PAYMENT)


# --- tables -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label_vi: str
    label_en: str
    kind: str = "text"  # text | int | pct | num | link


@dataclass
class Table:
    key: str
    title_vi: str
    title_en: str
    columns: list[Column]
    rows: list[dict[str, Any]] = field(default_factory=list)
    links: dict[str, Callable[[dict], dict[str, str] | None]] = field(default_factory=dict, repr=False)

    def as_dict(self) -> dict:
        return {
            "key": self.key,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "columns": [c.__dict__ for c in self.columns],
            "rows": [{c.key: plain(row.get(c.key)) for c in self.columns} for row in self.rows],
        }


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat()
    return value


def share(part: int | None, whole: int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole) * 100).quantize(Decimal("0.01"))


# --- the rules ---------------------------------------------------------------------------------------


def rules() -> scoring.Rules:
    config = getattr(settings, "MOTCUA", {}).get("INDEX766")
    return memo.remembered(("oversight_rules", repr(config)), lambda: scoring.rules_from(config))


# --- the counts of a scope and period ----------------------------------------------------------------


def counts(scope: Scope, period: Period, *, follow: bool = True) -> dict[str, int]:
    """The period's counts, and the stocks (pending, open and late) at its end."""
    return counts_and_sources(scope, period, follow=follow)[0]


def counts_and_sources(
    scope: Scope, period: Period, *, follow: bool = True
) -> tuple[dict[str, int], set[str]]:
    """counts(), and sources_seen(): for the province or a unit, one query over the per-scope rows (the
    scope's days up to the period's end, and the province's for the sources), by conditional
    aggregation; for a sector or procedure, the daily rows and a second query."""
    if follow:
        tallies.catch_up()
    if scope.scope_unit_id is None:
        rows = DailyTally.objects.filter(scope.tally_q(), day__lte=period.last)
        return rows.aggregate(**_sums(period, Q())), sources_seen()
    mine, province = Q(unit_id=scope.scope_unit_id, day__lte=period.last), Q(unit_id=PROVINCE)
    seen = {f"seen_{name}": Max(name, filter=province, default=0) for name in SOURCES}
    # the sources first: an aggregate may not name a field that an earlier one's alias hides
    found = ScopeTally.objects.filter(mine | province).aggregate(**seen, **_sums(period, mine))
    sources = {name for name in SOURCES if found.pop(f"seen_{name}")}
    return found, sources


def _sums(period: Period, rows: Q) -> dict:
    """The flows over the period's days, the stocks over every day up to its end (of the rows)."""
    in_period = rows & Q(day__gte=period.first)
    flows = {name: Sum(name, filter=in_period, default=0) for name in COUNTERS if name not in STOCKS}
    stocks = {name: Sum(name, filter=rows, default=0) if rows else Sum(name, default=0) for name in STOCKS}
    return {**flows, **stocks}


STOCKS = ("pending", "late_open")
SOURCES = ("paid_online", "rated")  # kinds of data a province may not have at all (sources_seen)

# Measures other modules supply (name -> function of scope and period giving a Measure, or None while
# their data does not exist): the national-portal sync, digitization, results... A component becomes
# measured as soon as its provider gives a Measure, with no change here.
PROVIDERS: dict[str, Callable[[Scope, Period], scoring.Measure | None]] = {}


def register_measure(name: str, provider: Callable[[Scope, Period], scoring.Measure | None]) -> None:
    PROVIDERS[name] = provider


# Providers of several measures from one reading (name -> Measure or None; None for all: no data).
GROUP_PROVIDERS: dict[
    tuple[str, ...], Callable[[Scope, Period], dict[str, scoring.Measure | None] | None]
] = {}


def register_measures(
    names: tuple[str, ...], provider: Callable[[Scope, Period], dict[str, scoring.Measure | None] | None]
) -> None:
    GROUP_PROVIDERS[names] = provider


def sources_seen() -> set[str]:
    """The kinds of data the province has at all (online payments, ratings): one look at the
    province's daily rows."""
    found = ScopeTally.objects.filter(unit_id=PROVINCE).aggregate(
        **{name: Max(name, default=0) for name in SOURCES}
    )
    return {name for name, value in found.items() if value}


def _procedures_in(scope: Scope) -> QuerySet[Procedure]:
    procedures = Procedure.objects.all()
    if scope.procedure is not None:
        return procedures.filter(pk=scope.procedure.pk)
    if scope.sector is not None:
        procedures = procedures.filter(sector_id=scope.sector.pk)
    if scope.scope_unit_id is not None and scope.unit_ids is not None:
        procedures = procedures.filter(
            Q(competent_agency_id__in=scope.unit_ids)
            | Q(pk__in=ProcedureMonthTally.objects.filter(unit_id=scope.scope_unit_id).values("procedure_id"))
        )
    elif scope.unit_ids is not None:
        procedures = procedures.filter(
            Q(competent_agency_id__in=scope.unit_ids)
            | Q(pk__in=DailyTally.objects.filter(scope.tally_q()).values("procedure_id"))
        )
    return procedures


def _procedures_with(scope: Scope, period: Period, counter: str) -> QuerySet:
    """Ids of the procedures with a non-zero counter in the scope and period."""
    if scope.scope_unit_id is not None:
        rows = ProcedureMonthTally.objects.filter(
            unit_id=scope.scope_unit_id, month__gte=period.first.replace(day=1), month__lte=period.last
        )
    else:
        rows = DailyTally.objects.filter(scope.tally_q(), day__gte=period.first, day__lte=period.last)
    return rows.filter(**{f"{counter}__gt": 0}).values("procedure_id").distinct()


def working_days(seconds: int) -> Decimal:
    return (Decimal(seconds) / HOUR / WORKING_DAY_HOURS).quantize(Decimal("0.01"))


def measures(
    scope: Scope, period: Period, figures: dict[str, int], seen: set[str] | None = None
) -> dict[str, scoring.Measure | None]:
    due = figures["finished"] + figures["late_open"]
    found: dict[str, scoring.Measure | None] = {
        "on_time": scoring.Measure(figures["on_time"], due),
        "average_time": scoring.Measure(
            working_days(figures["resolution_seconds"]),
            figures["finished"],
            value=working_days(figures["resolution_seconds"]) / figures["finished"]
            if figures["finished"]
            else None,
        ),
    }
    found["dossiers_online"] = scoring.Measure(figures["received_online"], figures["received"])
    procedures = _procedures_in(scope)
    online = ~Q(online_level=OnlineLevel.NONE)
    shares = procedures.aggregate(
        total=Count("pk"),
        online=Count("pk", filter=online),
        used=Count("pk", filter=online & Q(pk__in=_procedures_with(scope, period, "received_online"))),
    )
    found["procedures_online"] = scoring.Measure(shares["online"], shares["total"])
    found["online_services_used"] = scoring.Measure(shares["used"], shares["online"])
    seen = sources_seen() if seen is None else seen
    if "paid_online" in seen:
        fee_bearing = procedures.filter(
            Exists(Fee.objects.filter(version__procedure=OuterRef("pk"), amount_vnd__gt=0))
        )
        paid = fee_bearing.filter(pk__in=_procedures_with(scope, period, "paid_online")).count()
        found["procedures_paid_online"] = scoring.Measure(paid, fee_bearing.count())
        found["dossiers_paid_online"] = scoring.Measure(figures["paid_online"], figures["fee_bearing"])
    if "rated" in seen:
        late_share = Decimal(figures["finished_late"] + figures["late_open"]) / due if due else Decimal(0)
        rated = figures["rated"]
        dislikes = Decimal(rated - figures["satisfied"]) / rated if rated else Decimal(0)
        found["dossier_satisfaction"] = scoring.Measure(
            figures["satisfied"], rated, ratio=(1 - late_share - dislikes) if (due or rated) else None
        )
        if not (due or rated):
            found["dossier_satisfaction"] = scoring.Measure(0, 0)
    for name, provider in PROVIDERS.items():
        found[name] = provider(scope, period)
    for names, group in GROUP_PROVIDERS.items():
        given = group(scope, period) or {}
        found.update({name: given.get(name) for name in names})
    return found


@dataclass
class Board:
    scope: Scope
    period: Period
    figures: dict[str, int]
    board: scoring.Scoreboard


def scoreboard(scope: Scope, period: Period) -> Board:
    with reference.scope():  # the reference data's generation read once
        figures, seen = counts_and_sources(scope, period)
        return Board(scope, period, figures, scoring.score(rules(), measures(scope, period, figures, seen)))


# Which list of dossiers stands behind a component's numerator and denominator.
COMPONENT_LISTS = {
    "progress.on_time": ("on_time", "due"),
    "progress.average_time": ("finished", "finished"),
    "online.dossiers_online": ("online", "received"),
    "payment.dossiers_paid_online": ("paid_online", "fee_bearing"),
}


def scoreboard_table(result: Board) -> Table:
    table = Table(
        "scoreboard",
        "Chỉ số 766",
        "Index 766",
        [
            Column("group", "Nhóm", "Group"),
            Column("component", "Thành phần", "Component"),
            Column("numerator", "Tử số", "Numerator", "int"),
            Column("denominator", "Mẫu số", "Denominator", "int"),
            Column("ratio", "Tỷ lệ (%)", "Ratio (%)", "pct"),
            Column("threshold", "Ngưỡng (%)", "Threshold (%)", "pct"),
            Column("points", "Điểm", "Points", "num"),
            Column("max_points", "Điểm tối đa", "Maximum", "num"),
            Column("state", "Tình trạng", "State"),
            Column("legal_source", "Căn cứ", "Legal source"),
        ],
    )
    for group in result.board.groups:
        for part in group.components:
            rule = part.rule
            if not part.measured:
                state = "Không đo tại đây / not measured here"
            elif not rule.scored:
                state = "Tham khảo, không tính điểm / for information, not scored"
            elif part.not_applicable:
                state = "Không áp dụng (mẫu số 0) / N/A (zero denominator)"
            else:
                state = "Đã đo / measured"
            table.rows.append(
                {
                    "key": rule.key,
                    "group": f"{group.rule.label_vi} / {group.rule.label_en}",
                    "group_vi": group.rule.label_vi,
                    "group_en": group.rule.label_en,
                    "component": f"{rule.label_vi} / {rule.label_en}",
                    "component_vi": rule.label_vi,
                    "component_en": rule.label_en,
                    "numerator": part.numerator if part.measured else None,
                    "denominator": part.denominator if part.measured else None,
                    "ratio": (
                        part.value if part.value is not None else (part.ratio * 100).quantize(Decimal("0.01"))
                    )
                    if part.measured and (part.ratio is not None or part.value is not None)
                    else None,
                    "threshold": rule.threshold * 100 if rule.threshold is not None else None,
                    "points": part.points,
                    "max_points": rule.max_points,
                    "state": state,
                    "measured": part.measured,
                    "legal_source": rule.legal_source,
                    "lists": COMPONENT_LISTS.get(rule.key) if part.measured else None,
                }
            )
    return table


# --- drill-down: units and procedures -----------------------------------------------------------------


def _figures_by(scope: Scope, period: Period, field_name: str, extra_q: Q | None = None) -> dict:
    in_period = Q(day__gte=period.first)
    rows = (
        DailyTally.objects.filter(scope.tally_q(), extra_q or Q(), day__lte=period.last)
        .values(field_name)
        .annotate(
            received=Sum("received", filter=in_period, default=0),
            finished=Sum("finished", filter=in_period, default=0),
            on_time=Sum("on_time", filter=in_period, default=0),
            finished_late=Sum("finished_late", filter=in_period, default=0),
            pending=Sum("pending", default=0),
            late_open=Sum("late_open", default=0),
        )
    )
    return {row[field_name]: row for row in rows}


UNIT_COLUMNS = [
    Column("code", "Mã", "Code"),
    Column("name", "Đơn vị", "Unit", "link"),
    Column("received", "Tiếp nhận", "Received", "int"),
    Column("finished", "Đã giải quyết", "Resolved", "int"),
    Column("on_time", "Đúng hạn", "On time", "int"),
    Column("finished_late", "Trễ hạn", "Late", "int"),
    Column("pending", "Đang giải quyết (cuối kỳ)", "Pending (period end)", "int"),
    Column("late_open", "Đang trễ (cuối kỳ)", "Open and late (period end)", "int"),
    Column("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate (%)", "pct"),
]


def _rate(row: dict) -> Decimal | None:
    return share(row.get("on_time"), (row.get("finished") or 0) + (row.get("late_open") or 0))


def units_table(scope: Scope, period: Period) -> Table:
    """The units under the scope's unit (the top-level units for the province), each with the figures
    of the dossiers it or a unit under it received or is competent for: the next level of the
    drill-down, counted as the scoreboard counts a unit's scope."""
    nodes = children_of(scope.unit.id if scope.unit else None)
    if scope.unit is None and scope.unit_ids is not None:  # several overseen units
        nodes = sorted(
            (unit_tree()[u] for u in scope.unit_ids if unit_tree()[u].parent_id not in scope.unit_ids),
            key=lambda u: u.code,
        )
    tree = unit_tree()
    top: dict[int, int | None] = {}

    def top_of(unit_id: int) -> int | None:
        if unit_id not in top:
            node, chain = tree.get(unit_id), []
            wanted = {n.id for n in nodes}
            while node is not None and node.id not in wanted:
                chain.append(node.id)
                node = tree.get(node.parent_id) if node.parent_id else None
            top[unit_id] = node.id if node else None
        return top[unit_id]

    in_period = Q(day__gte=period.first)
    flows = ("received", "finished", "on_time", "finished_late")
    rows = (
        DailyTally.objects.filter(scope.tally_q(), day__lte=period.last)
        .values("competent_unit_id", "receiving_unit_id")
        .annotate(
            **{name: Sum(name, filter=in_period, default=0) for name in flows},
            pending=Sum("pending", default=0),
            late_open=Sum("late_open", default=0),
        )
    )
    totals: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        for node_id in {top_of(row["competent_unit_id"]), top_of(row["receiving_unit_id"])} - {None}:
            for name in (*flows, "pending", "late_open"):
                totals[node_id][name] += row[name]
    table = Table("units", "Theo đơn vị", "By unit", UNIT_COLUMNS)
    for node in nodes:
        figures = totals.get(node.id)
        if figures and any(figures.values()):
            table.rows.append(
                {"code": node.code, "name": node.name_vi, "name_en": node.name_en, "unit": node.code,
                 **figures, "on_time_rate": _rate(figures)}
            )  # fmt: skip
    return table


def procedures_table(scope: Scope, period: Period) -> Table:
    by_procedure = _figures_by(scope, period, "procedure_id")
    names = dict(Procedure.objects.filter(pk__in=by_procedure).values_list("pk", "code"))
    labels = {
        p.pk: p for p in Procedure.objects.filter(pk__in=by_procedure).only("code", "name_vi", "name_en")
    }
    table = Table(
        "procedures",
        "Theo thủ tục",
        "By procedure",
        [Column("code", "Mã", "Code"), Column("name", "Thủ tục", "Procedure", "link"), *UNIT_COLUMNS[2:]],
    )
    for procedure_id, row in sorted(by_procedure.items(), key=lambda item: names.get(item[0], "")):
        procedure = labels[procedure_id]
        table.rows.append(
            {
                **row,
                "code": procedure.code,
                "name": procedure.name_vi,
                "name_en": procedure.name_en,
                "procedure": procedure.code,
                "on_time_rate": _rate(row),
            }
        )
    return table


def sectors_table(scope: Scope, period: Period) -> Table:
    by_sector = _figures_by(scope, period, "sector_id")
    sectors = {s.pk: s for s in Sector.objects.filter(pk__in=by_sector)}
    table = Table(
        "sectors",
        "Theo lĩnh vực",
        "By sector",
        [Column("code", "Mã", "Code"), Column("name", "Lĩnh vực", "Sector", "link"), *UNIT_COLUMNS[2:]],
    )
    for sector_id, row in sorted(by_sector.items(), key=lambda item: sectors[item[0]].code):
        sector = sectors[sector_id]
        table.rows.append(
            {**row, "code": sector.code, "name": sector.name_vi, "name_en": sector.name_en, "sector": sector.code,
             "on_time_rate": _rate(row)}
        )  # fmt: skip
    return table


# --- lists of dossiers ----------------------------------------------------------------------------------

LISTS = {
    "received": ("Hồ sơ tiếp nhận", "Dossiers received"),
    "online": ("Hồ sơ nộp trực tuyến", "Dossiers filed online"),
    "finished": ("Hồ sơ đã giải quyết", "Dossiers resolved"),
    "on_time": ("Hồ sơ giải quyết đúng hạn", "Dossiers resolved on time"),
    "late": ("Hồ sơ trễ hạn", "Late dossiers"),
    "due": ("Hồ sơ đến hạn (đã giải quyết hoặc đang trễ)", "Dossiers due (resolved, or open and late)"),
    "pending": ("Hồ sơ đang giải quyết", "Dossiers pending"),
    "fee_bearing": ("Hồ sơ có phí", "Fee-bearing dossiers"),
    "paid_online": ("Hồ sơ thanh toán trực tuyến", "Dossiers paid online"),
    "repeated_supplement": (
        "Hồ sơ bị yêu cầu bổ sung quá một lần",
        "Dossiers asked for a supplement more than once",
    ),
    "due_soon": ("Hồ sơ sắp đến hạn (trong ngày làm việc tới)", "Dossiers due within the next working day"),
    "outside": (
        "Hồ sơ tiếp nhận ngoài địa bàn cơ quan có thẩm quyền",
        "Dossiers received outside the competent area",
    ),
}


def dossier_list(scope: Scope, period: Period, name: str, now: datetime | None = None) -> QuerySet[Dossier]:
    """The dossiers behind a figure. Open-and-late is the dossiers' state now (for a past period, the
    aggregates hold the count at its end; the list shows those still late now among those due)."""
    now = now or timezone.now()
    dossiers = Dossier.objects.filter(scope.dossier_q())
    received = Q(received_at__gte=period.start, received_at__lt=period.end)
    finished = Q(finished_at__gte=period.start, finished_at__lt=period.end)
    open_late = Q(late=True, status__in=OPEN, received_at__lt=period.end)
    filters = {
        "received": received,
        "online": received & Q(channel=Channel.ONLINE),
        "finished": finished,
        "on_time": finished & Q(finished_on_time=True),
        "late": (finished & Q(finished_on_time=False)) | open_late,
        "due": finished | open_late,
        "pending": Q(status__in=OPEN, received_at__isnull=False, received_at__lt=period.end),
        "fee_bearing": received & Q(fee_total_vnd__gt=0),
        "paid_online": received & Q(paid_online=True),
        "repeated_supplement": Q(
            Exists(
                SupplementRequest.objects.filter(
                    dossier=OuterRef("pk"),
                    repeated=True,
                    requested_at__gte=period.start,
                    requested_at__lt=period.end,
                )
            )
        ),
        "due_soon": clock.due_soon_q(now),
        "outside": received & Q(pk__in=_outside_ids(scope, period)),
    }
    return dossiers.filter(filters[name]).select_related(
        "procedure", "receiving_unit", "competent_unit", "current_unit"
    )


def _outside_ids(scope: Scope, period: Period):
    pairs = set(
        DailyTally.objects.filter(scope.tally_q(), outside=True, day__gte=period.first, day__lte=period.last)
        .values_list("receiving_unit_id", "competent_unit_id")
        .distinct()
    )
    q = Q(pk__in=[])
    for receiving, competent in pairs:
        q |= Q(receiving_unit_id=receiving, competent_unit_id=competent)
    return Dossier.objects.filter(q).values("pk")


DOSSIER_COLUMNS = [
    Column("code", "Mã hồ sơ", "Dossier code", "link"),
    Column("procedure", "Thủ tục", "Procedure"),
    Column("receiving_unit", "Nơi tiếp nhận", "Received at"),
    Column("competent_unit", "Cơ quan có thẩm quyền", "Competent agency"),
    Column("status", "Trạng thái", "Status"),
    Column("received_at", "Tiếp nhận lúc", "Received at (time)"),
    Column("due_at", "Hẹn trả", "Appointment"),
    Column("finished_at", "Có kết quả lúc", "Result ready at"),
]


def dossier_table(scope: Scope, period: Period, name: str, limit: int = 500) -> Table:
    vi, en = LISTS[name]
    table = Table(f"dossiers_{name}", vi, en, DOSSIER_COLUMNS)
    for dossier in dossier_list(scope, period, name).order_by("-received_at", "-id")[:limit]:
        table.rows.append(
            {
                "code": dossier.code,
                "procedure": f"{dossier.procedure.code} {dossier.procedure.name_vi}",
                "receiving_unit": dossier.receiving_unit.name_vi,
                "competent_unit": dossier.competent_unit.name_vi,
                "status": f"{dossier.status} {Status(dossier.status).label}",
                "received_at": dossier.received_at,
                "due_at": dossier.due_at,
                "finished_at": dossier.finished_at,
            }
        )
    return table


# --- accountability ------------------------------------------------------------------------------------


def _lost(start: datetime | None, end: datetime) -> Decimal:
    """Working hours from a due time to a moment (the work calendar's count)."""
    if start is None or end <= start:
        return Decimal(0)
    seconds = Decimal(memo.calendar().working_time_between(start, end).total_seconds())
    return (seconds / HOUR).quantize(Decimal("0.01"))


def late_dossiers_table(scope: Scope, period: Period, now: datetime | None = None, limit: int = 500) -> Table:
    """Each late dossier: the step, unit and person that made it late, the working time lost, and
    whether an apology (Form 04) was issued before the due time."""
    now = now or timezone.now()
    table = Table(
        "late",
        "Hồ sơ trễ hạn: ai, bước nào, mất bao lâu",
        "Late dossiers: who, which step, how much time",
        [
            Column("code", "Mã hồ sơ", "Dossier code", "link"),
            Column("procedure", "Thủ tục", "Procedure"),
            Column("late_unit", "Đơn vị gây trễ", "Unit that made it late"),
            Column("late_step", "Bước", "Step"),
            Column("person", "Người xử lý", "Person"),
            Column("hours_lost", "Giờ làm việc trễ", "Working hours lost", "num"),
            Column("apology", "Xin lỗi trước hạn (Mẫu 04)", "Apology before due (Form 04)"),
            Column("state", "Tình trạng", "State"),
        ],
    )
    dossiers = (
        dossier_list(scope, period, "late", now)
        .select_related("late_unit")
        .annotate(
            apologised=Exists(
                Apology.objects.filter(dossier=OuterRef("pk"), at__lte=OuterRef("legal_due_at"))
            )
        )
        .order_by("-legal_due_at", "-id")[:limit]
    )
    dossiers = list(dossiers)
    steps = {
        (s.dossier_id, s.order): s
        for s in DossierStep.objects.filter(dossier_id__in=[d.pk for d in dossiers]).select_related(
            "assignee", "unit"
        )
    }
    units = unit_tree()
    for dossier in dossiers:
        step = steps.get((dossier.pk, dossier.late_step_order)) if dossier.late_step_order else None
        if step is None:  # finished late without a mark by the watch: the last step done late
            late_steps = [s for (d, _), s in steps.items() if d == dossier.pk and s.late]
            step = late_steps[-1] if late_steps else None
        person = step.assignee if step and step.assignee_id else None
        unit_id = dossier.late_unit_id or (step.unit_id if step else None)
        end = dossier.finished_at or now
        table.rows.append(
            {
                "code": dossier.code,
                "procedure": dossier.procedure.code,
                "late_unit": units[unit_id].name_vi if unit_id in units else "",
                "late_step": f"{step.order}. {step.name_vi}" if step else "",
                "person": (person.get_full_name() or person.get_username()) if person else "",
                "hours_lost": _lost(dossier.legal_due_at, end),
                "apology": "có / yes" if dossier.apologised else "không / no",
                "state": "đã có kết quả / resolved" if dossier.finished_at else "đang trễ / open",
            }
        )
    return table


def _steps_in(scope: Scope, period: Period) -> QuerySet[DossierStep]:
    steps = DossierStep.objects.filter(
        completed_at__gte=period.start, completed_at__lt=period.end, state=StepState.DONE, is_return=False
    )
    if scope.unit_ids is not None:
        steps = steps.filter(unit_id__in=scope.unit_ids)
    if scope.sector is not None:
        steps = steps.filter(dossier__procedure__sector_id=scope.sector.pk)
    if scope.procedure is not None:
        steps = steps.filter(dossier__procedure_id=scope.procedure.pk)
    return steps


def rankings(scope: Scope, period: Period) -> tuple[Table, Table]:
    """Units and persons by the on-time rate of the steps they completed in the period, and by the
    working time those steps ran past their own deadline (worktime's overrun)."""
    calendar = memo.calendar()
    by_unit: dict[int, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    by_person: dict[int, list] = defaultdict(lambda: [0, 0, Decimal(0)])
    names: dict[int, str] = {}
    for step in _steps_in(scope, period).select_related("assignee"):
        times = StepTimes(step.order, step.due_at, step.started_at, step.completed_at, step.late)
        late = step.late or (step.due_at is not None and step.completed_at > step.due_at)
        lost = (
            Decimal(deadlines.overrun(calendar, times, step.completed_at).total_seconds()) / HOUR
            if late
            else 0
        )
        targets = [by_unit[step.unit_id]]
        if step.assignee_id:
            targets.append(by_person[step.assignee_id])
            names[step.assignee_id] = step.assignee.get_full_name() or step.assignee.get_username()
        for target in targets:
            target[0] += 1
            target[1] += int(not late)
            target[2] += Decimal(lost)
    columns = [
        Column("done", "Bước đã xử lý", "Steps done", "int"),
        Column("on_time", "Đúng hạn", "On time", "int"),
        Column("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate (%)", "pct"),
        Column("hours_lost", "Giờ làm việc trễ", "Working hours lost", "num"),
    ]
    units = unit_tree()

    def rows(found: dict, label: Callable[[int], str]) -> list[dict]:
        out = [
            {"name": label(key), "done": done, "on_time": on_time, "on_time_rate": share(on_time, done),
             "hours_lost": lost.quantize(Decimal("0.01"))}
            for key, (done, on_time, lost) in found.items()
        ]  # fmt: skip
        return sorted(out, key=lambda r: (r["on_time_rate"] or 0, -r["hours_lost"]))

    unit_table = Table(
        "unit_ranking",
        "Xếp hạng đơn vị (thấp nhất trước)",
        "Units ranked (lowest first)",
        [Column("name", "Đơn vị", "Unit"), *columns],
        rows(by_unit, lambda u: units[u].name_vi if u in units else str(u)),
    )
    person_table = Table(
        "person_ranking",
        "Xếp hạng cán bộ (thấp nhất trước)",
        "Persons ranked (lowest first)",
        [Column("name", "Cán bộ", "Person"), *columns],
        rows(by_person, lambda p: names[p]),
    )
    return unit_table, person_table


def repeated_supplements_table(scope: Scope, period: Period) -> Table:
    table = Table(
        "repeated_supplements",
        "Yêu cầu bổ sung quá một lần bởi cùng cơ quan",
        "More than one supplement request from the same agency",
        [
            Column("code", "Mã hồ sơ", "Dossier code", "link"),
            Column("procedure", "Thủ tục", "Procedure"),
            Column("unit", "Cơ quan yêu cầu", "Requesting agency"),
            Column("requests", "Số lần", "Requests", "int"),
        ],
    )
    dossiers = dossier_list(scope, period, "repeated_supplement")
    requests = (
        SupplementRequest.objects.filter(dossier__in=dossiers, at_intake=False)
        .values("dossier__code", "dossier__procedure__code", "unit_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("dossier__code")
    )
    units = unit_tree()
    for row in requests[:500]:
        table.rows.append(
            {
                "code": row["dossier__code"],
                "procedure": row["dossier__procedure__code"],
                "unit": units[row["unit_id"]].name_vi if row["unit_id"] in units else "",
                "requests": row["n"],
            }
        )
    return table


def due_soon_table(scope: Scope, now: datetime | None = None) -> Table:
    now = now or timezone.now()
    rows = (
        Dossier.objects.filter(scope.dossier_q(), clock.due_soon_q(now))
        .values("current_unit_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    units = unit_tree()
    return Table(
        "due_soon",
        "Sắp đến hạn trong ngày làm việc tới, theo đơn vị",
        "Due within the next working day, per unit",
        [Column("code", "Mã", "Code"), Column("name", "Đơn vị đang giữ", "Unit holding it"),
         Column("count", "Số hồ sơ", "Dossiers", "int")],
        [{"code": units[r["current_unit_id"]].code, "name": units[r["current_unit_id"]].name_vi,
          "count": r["n"]} for r in rows],
    )  # fmt: skip


# --- boundary-free adoption ----------------------------------------------------------------------------

ADOPTION_COLUMNS = [
    Column("received", "Tiếp nhận", "Received", "int"),
    Column("outside", "Ngoài địa bàn", "Outside the area", "int"),
    Column("outside_share", "Tỷ lệ ngoài địa bàn (%)", "Share outside (%)", "pct"),
]


ADOPTION_SUMS = {
    "received_n": Sum("received", default=0),
    "outside_n": Sum("received", filter=Q(outside=True), default=0),
}


def _renamed(row: dict) -> dict:
    row = dict(row)
    row["received"], row["outside"] = row.pop("received_n"), row.pop("outside_n")
    return row


def _adoption_rows(scope: Scope, period: Period, field_name: str) -> list[dict]:
    in_period = Q(day__gte=period.first, day__lte=period.last)
    rows = DailyTally.objects.filter(scope.tally_q(), in_period).values(field_name).annotate(**ADOPTION_SUMS)
    return [_renamed(row) for row in rows.order_by(field_name)]


def adoption_tables(scope: Scope, period: Period) -> list[Table]:
    units = unit_tree()
    tables = []
    by_unit = Table("adoption_units", "Phi địa giới theo nơi tiếp nhận", "Boundary-free by receiving unit",
                    [Column("name", "Đơn vị", "Unit"), *ADOPTION_COLUMNS])  # fmt: skip
    for row in _adoption_rows(scope, period, "receiving_unit_id"):
        if row["received"]:
            by_unit.rows.append({"name": units[row["receiving_unit_id"]].name_vi, **row,
                                 "outside_share": share(row["outside"], row["received"])})  # fmt: skip
    tables.append(by_unit)
    procedures = {p.pk: p for p in Procedure.objects.only("code", "name_vi")}
    by_procedure = Table("adoption_procedures", "Phi địa giới theo thủ tục", "Boundary-free by procedure",
                         [Column("name", "Thủ tục", "Procedure"), *ADOPTION_COLUMNS])  # fmt: skip
    for row in _adoption_rows(scope, period, "procedure_id"):
        if row["received"]:
            procedure = procedures[row["procedure_id"]]
            by_procedure.rows.append({"name": f"{procedure.code} {procedure.name_vi}", **row,
                                      "outside_share": share(row["outside"], row["received"])})  # fmt: skip
    tables.append(by_procedure)
    sectors = {s.pk: s for s in Sector.objects.all()}
    by_sector = Table("adoption_sectors", "Phi địa giới theo lĩnh vực", "Boundary-free by sector",
                      [Column("name", "Lĩnh vực", "Sector"), *ADOPTION_COLUMNS])  # fmt: skip
    for row in _adoption_rows(scope, period, "sector_id"):
        if row["received"]:
            by_sector.rows.append({"name": sectors[row["sector_id"]].name_vi, **row,
                                   "outside_share": share(row["outside"], row["received"])})  # fmt: skip
    tables.append(by_sector)
    trend = Table("adoption_months", "Xu hướng theo tháng", "Trend by month",
                  [Column("month", "Tháng", "Month"), *ADOPTION_COLUMNS])  # fmt: skip
    monthly = (
        DailyTally.objects.filter(scope.tally_q(), day__gte=period.first, day__lte=period.last)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(**ADOPTION_SUMS)
        .order_by("month")
    )
    for row in map(_renamed, monthly):
        trend.rows.append({"month": f"{row['month']:%Y-%m}", "received": row["received"], "outside": row["outside"],
                           "outside_share": share(row["outside"], row["received"])})  # fmt: skip
    tables.append(trend)
    return tables


def flow_table(scope: Scope, period: Period) -> Table:
    """Which units receive for which agencies (and so for which areas)."""
    units = unit_tree()
    rows = (
        DailyTally.objects.filter(scope.tally_q(), day__gte=period.first, day__lte=period.last)
        .values("receiving_unit_id", "competent_unit_id")
        .annotate(**ADOPTION_SUMS)
        .order_by("-received_n")
    )
    table = Table(
        "flows",
        "Luồng hồ sơ: nơi tiếp nhận → cơ quan có thẩm quyền",
        "Flows: receiving unit → competent agency",
        [Column("receiving", "Nơi tiếp nhận", "Receiving unit"), Column("competent", "Cơ quan có thẩm quyền",
         "Competent agency"), Column("received", "Hồ sơ", "Dossiers", "int"),
         Column("outside", "Ngoài địa bàn", "Outside the area", "int")],
    )  # fmt: skip
    for row in map(_renamed, rows):
        if row["received"]:
            table.rows.append({"receiving": units[row["receiving_unit_id"]].name_vi,
                               "competent": units[row["competent_unit_id"]].name_vi,
                               "received": row["received"], "outside": row["outside"]})  # fmt: skip
    return table


CHANNELS = {
    (Channel.IN_PERSON, False): ("Trực tiếp", "In person"),
    (Channel.ONLINE, False): ("Trực tuyến", "Online"),
    (Channel.ONLINE, True): ("Trực tuyến có hỗ trợ", "Assisted online"),
    (Channel.POST, False): ("Bưu chính công ích", "Public postal service"),
    (Channel.POST, True): ("Bưu chính công ích", "Public postal service"),
    (Channel.IN_PERSON, True): ("Trực tiếp", "In person"),
}


def channels_table(scope: Scope, period: Period) -> Table:
    rows = (
        DailyTally.objects.filter(scope.tally_q(), day__gte=period.first, day__lte=period.last)
        .values("channel", "assisted")
        .annotate(received=Sum("received", default=0))
    )
    merged: dict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        merged[CHANNELS[(row["channel"], row["assisted"])]] += row["received"]
    total = sum(merged.values())
    table = Table("channels", "Kênh nộp hồ sơ", "Channels",
                  [Column("channel", "Kênh", "Channel"), Column("channel_en", "Channel (en)", "Channel (en)"),
                   Column("received", "Hồ sơ", "Dossiers", "int"), Column("share", "Tỷ lệ (%)", "Share (%)", "pct")])  # fmt: skip
    for (vi, en), count in merged.items():
        table.rows.append({"channel": vi, "channel_en": en, "received": count, "share": share(count, total)})
    return table


def hours_table(scope: Scope, period: Period) -> Table:
    """Intakes per hour of the week (Monday = 1), a siting and staffing criterion."""
    hours = HourTally.objects.filter(day__gte=period.first, day__lte=period.last)
    if scope.unit_ids is not None:
        hours = hours.filter(receiving_unit_id__in=scope.unit_ids)
    rows = (
        hours.annotate(weekday=ExtractIsoWeekDay("day"))
        .values("weekday", "hour")
        .annotate(intakes=Sum("intakes"))
        .order_by("weekday", "hour")
    )
    return Table("hours", "Lượt tiếp nhận theo giờ trong tuần", "Intakes per hour of the week",
                 [Column("weekday", "Thứ (1 = thứ Hai)", "Weekday (1 = Monday)", "int"),
                  Column("hour", "Giờ", "Hour", "int"), Column("intakes", "Lượt", "Intakes", "int")],
                 [dict(r) for r in rows])  # fmt: skip


def volumes_table(scope: Scope, period: Period) -> Table:
    hours = HourTally.objects.filter(day__gte=period.first, day__lte=period.last)
    if scope.unit_ids is not None:
        hours = hours.filter(receiving_unit_id__in=scope.unit_ids)
    units = unit_tree()
    rows = hours.values("receiving_unit_id").annotate(intakes=Sum("intakes")).order_by("-intakes")
    return Table("volumes", "Lượt tiếp nhận theo đơn vị", "Intakes per unit",
                 [Column("code", "Mã", "Code"), Column("name", "Đơn vị", "Unit"), Column("intakes", "Lượt", "Intakes", "int")],
                 [{"code": units[r["receiving_unit_id"]].code, "name": units[r["receiving_unit_id"]].name_vi,
                   "intakes": r["intakes"]} for r in rows])  # fmt: skip


# --- the periodic report ---------------------------------------------------------------------------------


def report_tables(scope: Scope, period: Period) -> list[Table]:
    """The province's report for a period: received, resolved on time or late, and pending, per unit
    and per sector."""
    tables = []
    competent = _figures_by(scope, period, "competent_unit_id")
    units = unit_tree()
    columns = [
        Column("received", "Tiếp nhận", "Received", "int"),
        Column("finished", "Đã giải quyết", "Resolved", "int"),
        Column("on_time", "Đúng hạn", "On time", "int"),
        Column("finished_late", "Trễ hạn", "Late", "int"),
        Column("pending", "Đang giải quyết", "Pending", "int"),
        Column("late_open", "Trong đó quá hạn", "Of which overdue", "int"),
        Column("on_time_rate", "Tỷ lệ đúng hạn (%)", "On-time rate (%)", "pct"),
    ]
    by_unit = Table("report_units", "Theo cơ quan giải quyết", "By resolving agency",
                    [Column("code", "Mã", "Code"), Column("name", "Cơ quan", "Agency"), *columns])  # fmt: skip
    for unit_id, row in sorted(competent.items(), key=lambda item: units[item[0]].code):
        by_unit.rows.append({**row, "code": units[unit_id].code, "name": units[unit_id].name_vi,
                             "on_time_rate": _rate(row)})  # fmt: skip
    tables.append(by_unit)
    by_sector = sectors_table(scope, period)
    by_sector.key, by_sector.title_vi, by_sector.title_en = "report_sectors", "Theo lĩnh vực", "By sector"
    tables.append(by_sector)
    return tables


# --- every table by its key (pages, exports and the API share this) ---------------------------------------

TABLE_KEYS = (
    "scoreboard",
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
    "hours",
    "volumes",
    "report_units",
    "report_sectors",
)


def build_table(key: str, scope: Scope, period: Period) -> Table:
    """The table of that key (TABLE_KEYS, or dossiers_<list> for a list of LISTS)."""
    if key.startswith("dossiers_") and key[len("dossiers_") :] in LISTS:
        return dossier_table(scope, period, key[len("dossiers_") :])
    builders: dict[str, Callable[[], Table]] = {
        "scoreboard": lambda: scoreboard_table(scoreboard(scope, period)),
        "units": lambda: units_table(scope, period),
        "procedures": lambda: procedures_table(scope, period),
        "sectors": lambda: sectors_table(scope, period),
        "late": lambda: late_dossiers_table(scope, period),
        "unit_ranking": lambda: rankings(scope, period)[0],
        "person_ranking": lambda: rankings(scope, period)[1],
        "repeated_supplements": lambda: repeated_supplements_table(scope, period),
        "due_soon": lambda: due_soon_table(scope),
        "adoption_units": lambda: adoption_tables(scope, period)[0],
        "adoption_procedures": lambda: adoption_tables(scope, period)[1],
        "adoption_sectors": lambda: adoption_tables(scope, period)[2],
        "adoption_months": lambda: adoption_tables(scope, period)[3],
        "flows": lambda: flow_table(scope, period),
        "channels": lambda: channels_table(scope, period),
        "hours": lambda: hours_table(scope, period),
        "volumes": lambda: volumes_table(scope, period),
        "report_units": lambda: report_tables(scope, period)[0],
        "report_sectors": lambda: report_tables(scope, period)[1],
    }
    if key not in builders:
        from motcua.errors import Problem, ValidationFailed

        known = ", ".join([*TABLE_KEYS, *(f"dossiers_{name}" for name in LISTS)])
        raise ValidationFailed(
            message_vi=f"Không có bảng '{key[:40]}'. Các bảng: {known}.",
            message_en=f"There is no table '{key[:40]}'. Tables: {known}.",
            problems=[Problem("table", "không có bảng này", "no such table", "table")],
            http_status=404,
            code="not_found",
        )
    return builders[key]()
