"""Reads for center managers: planning runs, and counters needed per unit from the system's own history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import QuerySet
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext_lazy as _

from motcua.network.models import SERVICE_UNIT_KINDS, Unit, UnitKind
from motcua.oversight import volumes
from motcua.planning import counters_needed
from motcua.planning.data import CoverageRule, RuleWords
from motcua.tickets.selectors import QueueFigures, measured_queues

from .models import PlanRun


def plan_runs() -> QuerySet[PlanRun]:
    return PlanRun.objects.select_related("created_by").defer("map_html", "result")


@dataclass(frozen=True)
class StaffingRow:
    unit_code: str
    unit_name: str
    kind: str
    counters_now: int
    peak_arrivals_per_hour: float
    peak_slot: str  # e.g. "Thứ Hai 08:00"
    counters_needed: int
    mean_wait_minutes: float
    utilisation: float
    # where the figures come from: "tickets" (measured by the queue-ticket system) or "dossiers" (the
    # intakes and returns, with the typed service time)
    source: str = "dossiers"
    service_minutes: float = 0.0  # the service time the row's Erlang C used (measured or typed)
    measured_wait_minutes: float | None = None  # the queue's measured mean wait at that hour


@dataclass(frozen=True)
class GroupStaffingRow:
    """A service group of a unit with queue tickets: its hour needing most counters (Erlang C)."""

    unit_code: str
    group: str
    peak_slot: str
    arrivals_per_hour: float
    service_minutes: float
    measured_wait_minutes: float | None
    counters_needed: int


WEEKDAYS_VI = {
    1: "Thứ Hai",
    2: "Thứ Ba",
    3: "Thứ Tư",
    4: "Thứ Năm",
    5: "Thứ Sáu",
    6: "Thứ Bảy",
    7: "Chủ Nhật",
}


STAFFING_WEEKS = 8


def staffing_table(
    *,
    until: datetime,
    weeks: int = STAFFING_WEEKS,
    service_minutes: float = 15.0,
    max_mean_wait_minutes: float = 10.0,
) -> list[StaffingRow]:
    """Counters each service unit needs at its busiest hour of the week (Erlang C), beside what it has.
    A unit with queue tickets is sized from them: arrivals, service time and wait measured per hour of
    the week; the others from their intakes and returns with the typed service time."""
    visits = volumes.counter_visits_by_slot(volumes.days_before(until, weeks * 7))
    measured = measured_queues(until=until, weeks=weeks)
    rows = []
    for unit in Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).order_by("kind", "code"):
        if unit.id in measured:
            peak = _busiest_measured_hour(measured[unit.id].unit, max_mean_wait_minutes)
            (weekday, hour), slot, figures, minutes = peak
            rows.append(
                StaffingRow(
                    unit_code=unit.code,
                    unit_name=unit.name_vi,
                    kind=unit.kind,
                    counters_now=unit.counters,
                    peak_arrivals_per_hour=round(slot.arrivals_per_hour, 2),
                    peak_slot=f"{WEEKDAYS_VI[weekday]} {hour:02d}:00",
                    counters_needed=figures.counters,
                    mean_wait_minutes=round(figures.mean_wait_minutes, 2),
                    utilisation=round(figures.utilisation, 3),
                    source="tickets",
                    service_minutes=round(minutes, 2),
                    measured_wait_minutes=_rounded(slot.mean_wait_minutes),
                )
            )
            continue
        slots = visits.get(unit.id, {})
        (weekday, hour), count = max(slots.items(), key=lambda item: item[1], default=((1, 8), 0))
        rate = count / weeks
        figures = counters_needed(rate, service_minutes, max_mean_wait_minutes=max_mean_wait_minutes)
        rows.append(
            StaffingRow(
                unit_code=unit.code,
                unit_name=unit.name_vi,
                kind=unit.kind,
                counters_now=unit.counters,
                peak_arrivals_per_hour=round(rate, 2),
                peak_slot=f"{WEEKDAYS_VI[weekday]} {hour:02d}:00",
                counters_needed=figures.counters,
                mean_wait_minutes=round(figures.mean_wait_minutes, 2),
                utilisation=round(figures.utilisation, 3),
                service_minutes=service_minutes,
            )
        )
    return rows


def group_staffing_table(
    *, until: datetime, weeks: int = 8, max_mean_wait_minutes: float = 10.0
) -> list[GroupStaffingRow]:
    """Per service group of the units with queue tickets: the hour of the week needing most counters."""
    codes = dict(Unit.objects.values_list("id", "code"))
    rows = []
    for unit_id, queue in sorted(
        measured_queues(until=until, weeks=weeks).items(), key=lambda i: codes[i[0]]
    ):
        for group, group_figures in sorted(queue.groups.items()):
            (weekday, hour), slot, figures, minutes = _busiest_measured_hour(
                group_figures, max_mean_wait_minutes
            )
            rows.append(
                GroupStaffingRow(
                    unit_code=codes[unit_id],
                    group=group,
                    peak_slot=f"{WEEKDAYS_VI[weekday]} {hour:02d}:00",
                    arrivals_per_hour=round(slot.arrivals_per_hour, 2),
                    service_minutes=round(minutes, 2),
                    measured_wait_minutes=_rounded(slot.mean_wait_minutes),
                    counters_needed=figures.counters,
                )
            )
    return rows


MEASURED_FALLBACK_SERVICE_MINUTES = 15.0  # a queue with no ticket served yet: the page's usual default
MIN_SERVED_IN_HOUR = 20  # fewer services measured in an hour: its own mean is too noisy to size counters


def _busiest_measured_hour(queue: QueueFigures, max_mean_wait_minutes: float):
    """The hour of the week needing most counters (then the most arrivals), with its Erlang C figures;
    each hour uses the service time measured in it when it has MIN_SERVED_IN_HOUR services measured,
    else the queue's overall mean."""
    best = None
    for slot_key, slot in queue.slots.items():
        own = slot.mean_service_minutes if slot.served >= MIN_SERVED_IN_HOUR else None
        minutes = own or queue.mean_service_minutes or MEASURED_FALLBACK_SERVICE_MINUTES
        minutes = max(minutes, 0.1)  # a few seconds' service still occupies the counter
        figures = counters_needed(
            slot.arrivals_per_hour, minutes, max_mean_wait_minutes=max_mean_wait_minutes
        )
        rank = (figures.counters, slot.arrivals_per_hour * minutes)
        if best is None or rank > best[0]:
            best = (rank, (slot_key, slot, figures, minutes))
    return best[1]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _number(value, unit: str = "") -> str:
    return "—" if value is None else f"{value:.1f}{unit}"


KIND_LABELS = {
    **dict(UnitKind.choices),
    "candidate": _("New site"),
    "new_site": _("New site"),
    "closed": _("Closed"),
    "none": "—",
}
ACTION_LABELS = {
    "close": _("Close"),
    "upgrade": _("Upgrade to branch"),
    "open": _("Open"),
    "keep": _("Keep"),
}
KIND_ORDER = ["center", "branch", "reception_point", "candidate"]


def units_in_words(by_kind: dict[str, int]) -> str:
    """ "1 Center, 9 Branches..." in the page's language, never "branch: 9"."""
    ordered = sorted(by_kind.items(), key=lambda kv: KIND_ORDER.index(kv[0]) if kv[0] in KIND_ORDER else 9)
    return ", ".join(f"{count} {KIND_LABELS.get(kind, kind)}" for kind, count in ordered)


def _dossiers_per_counter(report: dict) -> str:
    value = report.get("dossiers_per_counter")
    return "—" if value is None else f"{value:,.0f}".replace(",", ".")


SCENARIO_FIGURES = [
    (_("Units open"), lambda r: str(len(r["open_sites"]))),
    (_("Units by kind"), lambda r: units_in_words(r["units_by_kind"])),
    (_("Share within the standard"), lambda r: percent(r["share_covered"])),
    (_("Within 15 minutes"), lambda r: percent(r["share_within_15_min"])),
    (_("Within 30 minutes"), lambda r: percent(r["share_within_30_min"])),
    (_("Within 5 km"), lambda r: percent(r["share_within_5_km"])),
    (_("Mean travel"), lambda r: _number(r["mean_minutes"], " min")),
    (_("Worst travel"), lambda r: _number(r["worst_minutes"], " min")),
    (_("Mean distance"), lambda r: _number(r["mean_km"], " km")),
    (_("Worst distance"), lambda r: _number(r["worst_km"], " km")),
    (_("Dossiers per counter (last 12 months)"), _dossiers_per_counter),
    (_("Demand points not covered"), lambda r: str(len(r.get("uncovered", [])))),
]


def scenario_table(reports: list[dict]) -> list[tuple[str, list[str]]]:
    """Rows of (figure, value per scenario) for side-by-side display."""
    return [
        (label, [figure(report) if report else "—" for report in reports])
        for label, figure in SCENARIO_FIGURES
    ]


@dataclass(frozen=True)
class DecisionRow:
    action: str
    action_label: str
    name: str
    code: str
    commune: str
    kind_before: str
    kind_after: str


def dossier_period(run: PlanRun) -> tuple[date, date] | None:
    """The days a finished run's dossier volumes come from (runs made before it was recorded: None)."""
    found = (run.result.get("facts") or {}).get("dossier_period")
    if not found:
        return None
    return date.fromisoformat(found["first"]), date.fromisoformat(found["last"])


def plan_decision(run: PlanRun) -> list[DecisionRow]:
    """Every site's fate in a finished run, in the page's language: close, upgrade, open, keep."""
    return [
        DecisionRow(
            action=d["action"],
            action_label=str(ACTION_LABELS.get(d["action"], d["action"])),
            name=d["name"],
            code=d["site_id"],
            commune=d["commune"],
            kind_before=str(KIND_LABELS.get(d["kind_before"], d["kind_before"])),
            kind_after=str(KIND_LABELS.get(d["kind_after"], d["kind_after"])),
        )
        for d in run.result.get("decision", [])
    ]


def decision_counts(rows: list[DecisionRow]) -> dict[str, int]:
    counts = dict.fromkeys(ACTION_LABELS, 0)
    for row in rows:
        counts[row.action] += 1
    return counts


def outcome_in_words(plan: dict) -> str:
    """How sure the answer is, in plain words (never "objective 2426561,0")."""
    status, gap = plan.get("status"), plan.get("gap")
    if status == "optimal":
        return str(_("This is the best answer to the question (proven by the solver)."))
    if status == "evaluated":
        return str(_("Today's network, measured as it stands."))
    if status in ("time_limit", "feasible") and plan.get("open_sites"):
        if gap is None:
            return str(_("A good answer found within the time limit; not proven to be the best."))
        return str(
            _("A good answer found within the time limit: at most %(gap)s from the best possible.")
            % {"gap": f"{100 * gap:.2f}%"}
        )
    reason = in_page_language(plan.get("details") or {}, "reason")
    text = str(_("No answer meets these conditions."))
    return f"{text} {reason}" if reason else text


def in_page_language(record: dict, name: str) -> str | None:
    """``record[name_vi]`` on a Vietnamese page, ``record[name_en]`` otherwise (the planning module
    gives both)."""
    vietnamese = (get_language() or "vi").startswith("vi")
    return record.get(f"{name}_vi" if vietnamese else f"{name}_en") or record.get(f"{name}_vi")


def rule_in_words(plan: dict) -> str:
    """The coverage rule in the page's language ("30 phút hoặc 5 km"); the rule's terms are stored with
    the plan, the words come through gettext. Plans stored before the terms were: their English text."""
    details = plan.get("details") or {}
    terms = details.get("rule_terms")
    if not terms:
        return details.get("rule", "")
    words = RuleWords(
        minutes=pgettext("coverage rule", "min"),
        km=pgettext("coverage rule", "km"),
        either=pgettext("coverage rule", "or"),
        both=pgettext("coverage rule", "and"),
    )
    return CoverageRule.from_terms(terms).describe(words)


def uncovered_in_words(scenario: dict | None, shown: int = 50) -> list[dict]:
    """Demand left outside the standard, each with its reason in the page's language."""
    return [
        {"name": u.get("name") or u.get("demand_id"), "reason": in_page_language(u, "reason")}
        for u in (scenario or {}).get("uncovered", [])[:shown]
    ]
