from __future__ import annotations

from motcua.dossiers.models import Dossier, DossierEvent, Status


def amount_due(dossier: Dossier) -> int | None:
    """What the dossier awaits: the amount of its last payment request, while it awaits payment."""
    if dossier.status != Status.AWAITING_PAYMENT:
        return None
    event = DossierEvent.objects.filter(dossier=dossier, action="request_payment").order_by("-seq").first()
    amount = (event.payload or {}).get("amount_vnd") if event else None
    return int(amount) if amount else None
