"""Reads of the fees: collected and refunded per unit and day, for the units the officer may see.

Reads: what a dossier awaits, and the online-payment counts the Index 766 scoreboard reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden
from motcua.network.models import Unit

from .models import FeeReceipt


@dataclass(frozen=True)
class FeeDay:
    day: date
    unit: Unit
    collected_count: int
    collected_vnd: int
    refunded_count: int
    refunded_vnd: int

    @property
    def net_vnd(self) -> int:
        return self.collected_vnd - self.refunded_vnd


def report_units(actor: Actor) -> QuerySet[Unit]:
    """The units whose fees the actor may see: all for a center manager, else the units of their roles."""
    units = Unit.objects.all() if actor.manager else Unit.objects.filter(pk__in=actor.unit_ids)
    return units.order_by("kind", "code")


def fees_per_unit_and_day(actor: Actor, first: date, last: date, unit: Unit | None = None) -> list[FeeDay]:
    """Receipts of [first, last] (local days) per unit and day, oldest day first."""
    visible = report_units(actor)
    if not actor.manager and not actor.unit_ids:
        raise Forbidden("Bạn không có vai trò tại đơn vị nào.", "You hold no role at any unit.")
    if unit is not None and not visible.filter(pk=unit.pk).exists():
        raise Forbidden(
            f"Bạn không xem được phí, lệ phí của {unit.name_vi}.",
            f"You may not see the fees of {unit.name_en}.",
        )
    receipts = FeeReceipt.objects.filter(
        at__date__gte=first, at__date__lte=last, unit__in=visible if unit is None else [unit]
    )
    collected, refunded = Q(kind=FeeReceipt.Kind.COLLECTED), Q(kind=FeeReceipt.Kind.REFUNDED)
    rows = (
        receipts.annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day", "unit_id")
        .annotate(
            collected_count=Count("id", filter=collected),
            collected_vnd=Sum("amount_vnd", filter=collected, default=0),
            refunded_count=Count("id", filter=refunded),
            refunded_vnd=Sum("amount_vnd", filter=refunded, default=0),
        )
        .order_by("day", "unit_id")
    )
    units = {u.pk: u for u in Unit.objects.filter(pk__in={r["unit_id"] for r in rows})}
    found = [
        FeeDay(
            row["day"],
            units[row["unit_id"]],
            row["collected_count"],
            int(row["collected_vnd"]),
            row["refunded_count"],
            int(row["refunded_vnd"]),
        )
        for row in rows
    ]
    return sorted(found, key=lambda f: (f.day, f.unit.code))


def amount_due(dossier: Dossier) -> int | None:
    """What the dossier awaits: the amount of its last payment request, while it awaits payment."""
    if dossier.status != Status.AWAITING_PAYMENT:
        return None
    event = DossierEvent.objects.filter(dossier=dossier, action="request_payment").order_by("-seq").first()
    amount = (event.payload or {}).get("amount_vnd") if event else None
    return int(amount) if amount else None


@dataclass(frozen=True)
class OnlinePaymentCounts:
    """For Index 766's online-payment group, over dossiers received in [start, end)."""

    fee_bearing: int  # dossiers with fees
    paid_online: int  # of which paid online
    procedures_paid_online: int  # distinct procedures with an online payment


def online_payment_counts(
    start: datetime, end: datetime, unit_ids: Iterable[int] | None = None
) -> OnlinePaymentCounts:
    """Counted for the dossier's competent agency (None: the whole province). One query."""
    dossiers = Dossier.objects.filter(received_at__gte=start, received_at__lt=end, fee_total_vnd__gt=0)
    if unit_ids is not None:
        dossiers = dossiers.filter(competent_unit_id__in=list(unit_ids))
    counts = dossiers.aggregate(
        n_fee_bearing=Count("id"),
        n_paid_online=Count("id", filter=Q(paid_online=True)),
        n_procedures=Count("procedure_id", filter=Q(paid_online=True), distinct=True),
    )
    return OnlinePaymentCounts(counts["n_fee_bearing"], counts["n_paid_online"], counts["n_procedures"])
