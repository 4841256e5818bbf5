"""What a figure covers: a period (a month, a quarter, a year or any range of days) and a scope (the
province, a unit with its subordinate units, a sector, a procedure, or a unit and a sector or procedure),
read from a request's parameters with a clear error per bad field; and who may look at which scope: a
center manager (or an administrator) at the whole province, a leader or manager of a unit at that unit
and the units under it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from motcua.catalog.models import Procedure, Sector
from motcua.dossiers import memo
from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, Problem, ValidationFailed
from motcua.network.models import Role, Unit

OVERSEERS = frozenset({Role.LEADER, Role.MANAGER})
MAX_DAYS = 366 * 10
YEAR = re.compile(r"^(\d{4})$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    name: str  # "2026-03", "2026-Q1", "2026", "2026-03-01..2026-03-15"

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The moment after the period (exclusive)."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def months(self) -> list[date]:
        months, current = [], self.first.replace(day=1)
        while current <= self.last:
            months.append(current)
            current = (current + timedelta(days=32)).replace(day=1)
        return months


def _bad(field: str, vi: str, en: str) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"Tham số {field} không hợp lệ: {vi}",
        message_en=f"Parameter {field} is invalid: {en}",
        problems=[Problem(field, vi, en, field)],
    )


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_period(period: str = "", first: str = "", last: str = "", today: date | None = None) -> Period:
    """`period` = YYYY, YYYY-Qn or YYYY-MM; or `from` and `to` (YYYY-MM-DD, inclusive). Default: the
    current month."""
    today = today or timezone.localdate()
    period, first, last = (period or "").strip(), (first or "").strip(), (last or "").strip()
    if first or last:
        if not (first and last):
            field = "to" if first else "from"
            raise _bad(field, "cần cả ngày bắt đầu và ngày kết thúc", "both from and to are needed")
        days = []
        for field, text in (("from", first), ("to", last)):
            try:
                days.append(date.fromisoformat(text))
            except ValueError:
                raise _bad(
                    field,
                    f"'{text[:20]}' không phải ngày YYYY-MM-DD",
                    f"'{text[:20]}' is not a YYYY-MM-DD date",
                ) from None
        if days[1] < days[0]:
            raise _bad("to", "ngày kết thúc trước ngày bắt đầu", "the end is before the start")
        if (days[1] - days[0]).days > MAX_DAYS:
            raise _bad("to", "khoảng thời gian quá 10 năm", "the range exceeds 10 years")
        return Period(days[0], days[1], f"{days[0]}..{days[1]}")
    if not period:
        return Period(today.replace(day=1), _month_end(today.year, today.month), f"{today:%Y-%m}")
    if match := YEAR.match(period):
        year = int(match[1])
        if 2000 <= year <= 2100:
            return Period(date(year, 1, 1), date(year, 12, 31), period)
    elif match := QUARTER.match(period):
        year, quarter = int(match[1]), int(match[2])
        if 2000 <= year <= 2100:
            return Period(date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter), f"{year}-Q{quarter}")
    elif match := MONTH.match(period):
        year, month = int(match[1]), int(match[2])
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return Period(date(year, month, 1), _month_end(year, month), period)
    raise _bad(
        "period",
        f"'{period[:20]}' không phải năm (2026), quý (2026-Q1) hay tháng (2026-03)",
        f"'{period[:20]}' is not a year (2026), a quarter (2026-Q1) or a month (2026-03)",
    )


@dataclass(frozen=True)
class UnitNode:
    id: int
    code: str
    name_vi: str
    name_en: str
    parent_id: int | None
    kind: str


def unit_tree() -> dict[int, UnitNode]:
    return memo.remembered(
        ("oversight_unit_tree",),
        lambda: {
            u["id"]: UnitNode(**u)
            for u in Unit.objects.values("id", "code", "name_vi", "name_en", "parent_id", "kind")
        },
    )


def children_of(unit_id: int | None) -> list[UnitNode]:
    return sorted((u for u in unit_tree().values() if u.parent_id == unit_id), key=lambda u: u.code)


def subtree(unit_ids) -> frozenset[int]:
    """The units and every unit under them."""
    tree = unit_tree()
    below: dict[int | None, list[int]] = {}
    for node in tree.values():
        below.setdefault(node.parent_id, []).append(node.id)
    found, stack = set(), list(unit_ids)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(below.get(current, []))
    return frozenset(found)


@dataclass(frozen=True)
class Scope:
    unit: UnitNode | None = None  # None: the province (or all the actor's units)
    unit_ids: frozenset[int] | None = None  # None: every unit
    sector: Sector | None = None
    procedure: Procedure | None = None

    @property
    def label_vi(self) -> str:
        parts = [self.unit.name_vi if self.unit else "Toàn tỉnh"]
        if self.sector:
            parts.append(f"lĩnh vực {self.sector.name_vi}")
        if self.procedure:
            parts.append(f"thủ tục {self.procedure.code}")
        return " · ".join(parts)

    @property
    def label_en(self) -> str:
        parts = [self.unit.name_en or self.unit.name_vi if self.unit else "Whole province"]
        if self.sector:
            parts.append(f"sector {self.sector.name_en or self.sector.name_vi}")
        if self.procedure:
            parts.append(f"procedure {self.procedure.code}")
        return " · ".join(parts)

    @property
    def scope_unit_id(self) -> int | None:
        """The ScopeTally row set that holds this scope (0: the province), or None when the scope needs
        the detailed tallies (a sector or procedure, or several overseen units)."""
        if self.sector is not None or self.procedure is not None:
            return None
        if self.unit_ids is None:
            return 0
        return self.unit.id if self.unit is not None else None

    def tally_q(self) -> Q:
        """Rows of DailyTally in the scope: a unit's are the dossiers it received or is competent for."""
        q = Q()
        if self.unit_ids is not None:
            q &= Q(competent_unit_id__in=self.unit_ids) | Q(receiving_unit_id__in=self.unit_ids)
        if self.sector is not None:
            q &= Q(sector_id=self.sector.pk)
        if self.procedure is not None:
            q &= Q(procedure_id=self.procedure.pk)
        return q

    def dossier_q(self) -> Q:
        """The same, on dossiers."""
        q = Q()
        if self.unit_ids is not None:
            q &= Q(competent_unit_id__in=self.unit_ids) | Q(receiving_unit_id__in=self.unit_ids)
        if self.sector is not None:
            q &= Q(procedure__sector_id=self.sector.pk)
        if self.procedure is not None:
            q &= Q(procedure_id=self.procedure.pk)
        return q

    def params(self, **extra) -> dict[str, str]:
        values = {
            "unit": self.unit.code if self.unit and self.unit_ids is not None else "",
            "sector": self.sector.code if self.sector else "",
            "procedure": self.procedure.code if self.procedure else "",
        }
        values.update(extra)
        return {k: v for k, v in values.items() if v}


def overseen_roots(actor: Actor) -> set[int] | None:
    """The units whose figures the actor may see, with the units under them; None: the whole province."""
    if actor.manager:
        return None
    roots = {unit for unit, role in actor.roles if role in OVERSEERS}
    if not roots:
        raise Forbidden(
            "Bảng theo dõi dành cho lãnh đạo đơn vị, quản lý trung tâm và lãnh đạo tỉnh.",
            "The dashboard is for unit leaders, center managers and province leaders.",
        )
    return roots


def may_oversee(actor: Actor) -> bool:
    try:
        overseen_roots(actor)
    except Forbidden:
        return False
    return True


def parse_scope(actor: Actor, unit: str = "", sector: str = "", procedure: str = "") -> Scope:
    roots = overseen_roots(actor)
    allowed = None if roots is None else subtree(roots)
    unit, sector, procedure = (unit or "").strip(), (sector or "").strip(), (procedure or "").strip()
    node, unit_ids = None, allowed
    if unit:
        node = next((u for u in unit_tree().values() if u.code == unit), None)
        if node is None:
            raise _bad(
                "unit", f"không có đơn vị mã '{unit[:20]}'", f"there is no unit with code '{unit[:20]}'"
            )
        if allowed is not None and node.id not in allowed:
            raise Forbidden(
                f"Bạn không được xem số liệu của {node.name_vi}.",
                f"You may not see the figures of {node.name_en or node.name_vi}.",
            )
        unit_ids = subtree([node.id])
    elif roots is not None and len(roots) == 1:
        node = unit_tree()[next(iter(roots))]
    found_sector = found_procedure = None
    if sector:
        found_sector = Sector.objects.filter(code=sector).first()
        if found_sector is None:
            raise _bad(
                "sector", f"không có lĩnh vực mã '{sector[:20]}'", f"there is no sector '{sector[:20]}'"
            )
    if procedure:
        found_procedure = Procedure.objects.select_related("sector").filter(code=procedure).first()
        if found_procedure is None:
            raise _bad(
                "procedure",
                f"không có thủ tục mã '{procedure[:20]}'",
                f"there is no procedure '{procedure[:20]}'",
            )
    return Scope(node, unit_ids, found_sector, found_procedure)
