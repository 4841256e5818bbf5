"""Fees at the counter: collected with an electronic receipt number and the amount (a receipt is
printed), refunded where the law says so (the statuses are configuration: MOTCUA["FEE_REFUND_STATUSES"]).
Each is a lifecycle action (lifecycle.py) writing one FeeReceipt row beside its event."""

from __future__ import annotations

from django.conf import settings

from motcua.payments.models import FeeReceipt

from .context import ActionContext, Outcome, Reason
from .guards import guard
from .models import Status


def receipts_of(ctx: ActionContext) -> list[FeeReceipt]:
    if "fee_receipts" not in ctx.found:
        ctx.found["fee_receipts"] = list(FeeReceipt.objects.filter(dossier=ctx.dossier).order_by("at", "id"))
    return ctx.found["fee_receipts"]


def net_collected(ctx: ActionContext) -> int:
    """What was collected on the dossier and not refunded, in dong."""
    return sum(r.signed_amount for r in receipts_of(ctx))


def refund_statuses() -> set[int]:
    raw = str(settings.MOTCUA.get("FEE_REFUND_STATUSES", ""))
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


def _given_amount(ctx: ActionContext, default: int) -> int | None:
    given = ctx.params.get("amount_vnd")
    if given is None or given == "":
        return default
    try:
        amount = int(str(given).strip())
    except ValueError:
        return None
    return amount if amount >= 0 else None


def amount_to_collect(ctx: ActionContext) -> int | None:
    """The amount given, else what the procedure's fees leave to pay."""
    return _given_amount(ctx, max(ctx.dossier.fee_total_vnd - net_collected(ctx), 0))


def amount_to_refund(ctx: ActionContext) -> int | None:
    """The amount given, else all that was collected and not refunded yet."""
    return _given_amount(ctx, net_collected(ctx))


def _number_taken(ctx: ActionContext, kind: str) -> Reason:
    number = str(ctx.params.get("receipt_number", "")).strip()
    if not number:
        return "Cần số biên lai điện tử.", "The electronic receipt number is required."
    assert ctx.unit_id is not None  # authorized at a unit (the table's places)
    taken = FeeReceipt.objects.filter(unit_id=ctx.unit_id, kind=kind, receipt_number=number).exists()
    if taken:
        return (
            f"Số biên lai {number} đã được dùng tại đơn vị này.",
            f"Receipt number {number} is already used at this unit.",
        )
    return None


@guard(field="amount_vnd")
def fee_to_collect(ctx: ActionContext) -> Reason:
    amount = amount_to_collect(ctx)
    if amount is None or amount == 0:
        return (
            "Số tiền thu (amount_vnd) phải là số nguyên lớn hơn 0 đồng.",
            "The amount collected (amount_vnd) must be a whole number of dong, more than 0.",
        )
    return _number_taken(ctx, FeeReceipt.Kind.COLLECTED)


@guard(field="amount_vnd")
def refundable(ctx: ActionContext) -> Reason:
    if int(ctx.dossier.status) not in refund_statuses():
        return (
            "Chỉ hoàn trả phí, lệ phí khi hồ sơ ở trạng thái được pháp luật cho hoàn trả.",
            "Fees are refunded only when the dossier ended in a way the law refunds.",
        )
    paid = net_collected(ctx)
    amount = amount_to_refund(ctx)
    if paid == 0:
        return "Hồ sơ chưa thu phí, lệ phí nào.", "No fee was collected on this dossier."
    if amount is None or amount == 0 or amount > paid:
        return (
            f"Số tiền hoàn trả phải lớn hơn 0 và không quá số đã thu ({paid:,} đồng).".replace(",", "."),
            f"The amount refunded must be more than 0 and at most what was collected ({paid:,} dong).",
        )
    if not str(ctx.params.get("reason", "")).strip():
        return "Cần ghi rõ lý do hoàn trả.", "A reason for the refund is required."
    return _number_taken(ctx, FeeReceipt.Kind.REFUNDED)


def _receipt(ctx: ActionContext, kind: str, amount: int, note: str = "") -> FeeReceipt:
    assert ctx.unit_id is not None  # authorized at a unit (the table's places)
    row = FeeReceipt(
        dossier=ctx.dossier,
        unit_id=ctx.unit_id,
        kind=kind,
        amount_vnd=amount,
        receipt_number=str(ctx.params["receipt_number"]).strip(),
        at=ctx.now,
        officer=ctx.actor.user,
        note=note,
    )
    ctx.add(row)
    return row


def collect_fee(ctx: ActionContext) -> Outcome:
    """The fee paid at the counter; a dossier waiting for its payment goes on."""
    amount = amount_to_collect(ctx)
    assert amount  # the guard held
    row = _receipt(ctx, FeeReceipt.Kind.COLLECTED, amount)
    changes = {"resume_status": None} if ctx.from_status == Status.AWAITING_PAYMENT else {}
    return Outcome(changes, {"amount_vnd": amount, "receipt": row.receipt_number})


def refund_fee(ctx: ActionContext) -> Outcome:
    amount = amount_to_refund(ctx)
    assert amount  # the guard held
    reason = str(ctx.params.get("reason", "")).strip()
    row = _receipt(ctx, FeeReceipt.Kind.REFUNDED, amount, reason)
    return Outcome(payload={"amount_vnd": amount, "receipt": row.receipt_number, "reason": reason})
