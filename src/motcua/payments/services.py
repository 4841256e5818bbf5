"""Writes: start an online payment, record the gateway's callback (once), reconcile a day."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor, of_applicant
from motcua.dossiers.services import act
from motcua.errors import MotcuaError, NotFound, ValidationFailed

from .gateways import BadCallback, gateway
from .models import Payment
from .selectors import amount_due


@dataclass(frozen=True)
class Checkout:
    payment: Payment
    url: str


def start_payment(*, id_number: str, code: str, return_url: str, now: datetime | None = None) -> Checkout:
    """The applicant pays what their dossier awaits: a payment waiting for the gateway, and where to
    send them (a waiting payment of the same amount is reused)."""
    now = now or timezone.now()
    dossier = Dossier.objects.filter(of_applicant(id_number), code=code).first()
    if dossier is None:
        raise NotFound(f"hồ sơ {code}", f"dossier {code}")
    amount = amount_due(dossier)
    if dossier.status != Status.AWAITING_PAYMENT or not amount:
        raise ValidationFailed(
            message_vi=f"Hồ sơ {code} không có khoản phí nào chờ nộp.",
            message_en=f"Dossier {code} has no payment due.",
            code="nothing_to_pay",
            http_status=409,
        )
    used = gateway()
    with transaction.atomic():
        payment = Payment.objects.filter(
            dossier=dossier, state=Payment.State.PENDING, amount_vnd=amount, gateway=used.name
        ).first() or Payment.objects.create(
            dossier=dossier,
            reference=f"MC{timezone.localtime(now):%y%m%d}{secrets.token_hex(5).upper()}",
            gateway=used.name,
            amount_vnd=amount,
            created_at=now,
        )
    return Checkout(payment, used.checkout_url(payment, return_url))


@dataclass(frozen=True)
class Recorded:
    payment: Payment
    already: bool  # the same callback came before: nothing done again


def record_callback(*, params: dict[str, str], now: datetime | None = None) -> Recorded:
    """The gateway's signed result, recorded once: approved, the payment gets its receipt number and
    the dossier records it paid online, in one transaction; the same callback again changes nothing;
    another transaction for a payment already settled, or a wrong amount, is refused."""
    now = now or timezone.now()
    result = gateway().verify_callback(params)
    with transaction.atomic():
        payment = (
            Payment.objects.select_for_update()
            .select_related("dossier")
            .filter(reference=result.reference)
            .first()
        )
        if payment is None:
            raise BadCallback("không có giao dịch này", "unknown reference")
        if payment.state != Payment.State.PENDING:
            if payment.gateway_txn == result.txn:
                return Recorded(payment, already=True)
            raise BadCallback("giao dịch đã được xử lý", "the payment was already settled")
        if result.amount_vnd != payment.amount_vnd:
            raise BadCallback("số tiền không khớp", "the amount differs")
        payment.gateway_txn = result.txn
        if not result.approved:
            payment.state = Payment.State.DECLINED
            payment.save(update_fields=["state", "gateway_txn"])
            return Recorded(payment, already=False)
        payment.state, payment.paid_at = Payment.State.PAID, now
        payment.save(update_fields=["state", "gateway_txn", "paid_at"])
        payment.receipt_number = f"BL-{timezone.localtime(now):%Y%m%d}-{payment.pk:07d}"
        try:
            with transaction.atomic():
                act(
                    actor=Actor.of_system(),
                    code=payment.dossier.code,
                    action=Action.PAY_ONLINE,
                    params={"online": True, "receipt": payment.receipt_number},
                    now=now,
                )
        except MotcuaError as error:  # e.g. the counter took the payment meanwhile: money to give back
            payment.review = f"{error.message_vi} / {error.message_en}"
        payment.save(update_fields=["receipt_number", "review"])
    return Recorded(payment, already=False)


@dataclass
class Reconciliation:
    matched: int = 0
    problems: list[str] = field(default_factory=list)


def reconcile(*, day: date, now: datetime | None = None) -> Reconciliation:
    """Compare the day's paid payments with the gateway's statement; each match is marked reconciled,
    each difference reported."""
    now = now or timezone.now()
    used = gateway()
    lines = {line.txn: line for line in used.statement(day)}
    report = Reconciliation()
    ours = Payment.objects.filter(gateway=used.name, state=Payment.State.PAID, paid_at__date=day)
    with transaction.atomic():
        for payment in ours.select_for_update():
            line = lines.pop(payment.gateway_txn, None)
            if line is None:
                report.problems.append(f"{payment.reference}: not in the gateway's statement")
            elif line.amount_vnd != payment.amount_vnd or line.reference != payment.reference:
                report.problems.append(
                    f"{payment.reference}: the statement says {line.amount_vnd} for {line.reference}"
                )
            else:
                payment.reconciled_at = now
                payment.save(update_fields=["reconciled_at"])
                report.matched += 1
    report.problems += [
        f"{line.reference}: paid at the gateway ({txn}), not recorded here" for txn, line in lines.items()
    ]
    return report
