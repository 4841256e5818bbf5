"""Fees collected at the counter and refunded: one row per electronic receipt (biên lai điện tử), written
by the lifecycle actions collect_fee and refund_fee in the dossier's transaction, beside their event."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier
from motcua.network.models import Unit


class FeeReceipt(models.Model):
    class Kind(models.TextChoices):
        COLLECTED = "collected", _("Fee collected")
        REFUNDED = "refunded", _("Fee refunded")

    dossier = models.ForeignKey(
        Dossier, on_delete=models.PROTECT, related_name="fee_receipts", verbose_name=_("dossier")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount_vnd = models.PositiveBigIntegerField(_("amount (VND)"))
    receipt_number = models.CharField(_("electronic receipt number"), max_length=40)
    at = models.DateTimeField(_("time"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("officer"),
    )
    note = models.TextField(_("note"), blank=True)  # a refund's reason

    class Meta:
        ordering = ["dossier_id", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind", "receipt_number"], name="one_receipt_number_per_unit_and_kind"
            )
        ]
        indexes = [models.Index(fields=["unit", "at"], name="fee_receipts_by_unit_day")]
        verbose_name = _("fee receipt")
        verbose_name_plural = _("fee receipts")

    def __str__(self) -> str:
        return f"{self.receipt_number} {self.amount_vnd}"

    @property
    def signed_amount(self) -> int:
        return self.amount_vnd if self.kind == self.Kind.COLLECTED else -self.amount_vnd


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the gateway")
        PAID = "paid", _("Paid")
        DECLINED = "declined", _("Declined")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.PROTECT, related_name="payments")
    reference = models.CharField(max_length=40, unique=True)  # ours, sent to the gateway
    gateway = models.CharField(max_length=40)
    amount_vnd = models.PositiveBigIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    gateway_txn = models.CharField(max_length=80, blank=True)  # the gateway's transaction id
    receipt_number = models.CharField(max_length=40, blank=True)  # the electronic receipt (biên lai)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reconciled_at = models.DateTimeField(null=True, blank=True)
    review = models.TextField(
        blank=True
    )  # why an officer must look at it (e.g. paid after the counter took it)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="unique_receipt_number",
            ),
            models.UniqueConstraint(
                fields=["gateway", "gateway_txn"],
                condition=~models.Q(gateway_txn=""),
                name="unique_gateway_txn",
            ),
        ]


class DemoTransaction(models.Model):
    """The demo gateway's own book: what it approved or declined (its statement for reconciliation)."""

    txn = models.CharField(max_length=80, unique=True)
    reference = models.CharField(max_length=40)
    amount_vnd = models.PositiveBigIntegerField()
    approved = models.BooleanField()
    at = models.DateTimeField()
