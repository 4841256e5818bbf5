"""Reads: what a dossier awaits, and the online-payment counts the Index 766 scoreboard reads."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q

from motcua.dossiers.models import Dossier, DossierEvent, Status


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
