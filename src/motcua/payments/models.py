from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
