from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class Kind(models.TextChoices):
    SUBMITTED = "submitted", _("Filed online")
    RECEIVED = "received", _("Dossier received")
    SUPPLEMENT = "supplement", _("Supplement requested")
    PAYMENT_DUE = "payment_due", _("Payment due")
    RESULT_READY = "result_ready", _("Result ready")
    LATE = "late", _("Late, new appointment")
    POSTED = "posted", _("Result sent by post")
    RETURNED = "returned", _("Result returned")
    CODE = "code", _("One-time confirmation code")  # no dossier yet: an assisted online filing


ESSENTIAL = (Kind.RECEIVED, Kind.SUPPLEMENT, Kind.PAYMENT_DUE, Kind.RESULT_READY)


class Consent(models.Model):
    """What the applicant agreed to receive about one dossier, on which channels, how often, in which
    language. Without a row: the defaults of settings.MOTCUA["NOTIFY_DEFAULT_CONSENT"]."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.CASCADE, related_name="consent")
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)
    zalo = models.BooleanField(default=False)
    essential_only = models.BooleanField(default=False)  # only received, supplement, payment, result
    language = models.CharField(max_length=8, default="vi")
    updated_at = models.DateTimeField()


class Message(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    dedup_key = models.CharField(max_length=80, unique=True)  # event and channel: never made twice
    # none for a one-time code (Kind.CODE), sent before the dossier exists
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="messages", null=True, blank=True
    )
    event_id = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # a one-time code's message: not sent after this, and its body (the code) is not kept once sent
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]


class FollowCursor(models.Model):
    """How far the outbox has followed the event log (the last event id read)."""

    name = models.CharField(max_length=40, unique=True)
    last_event_id = models.BigIntegerField(default=0)
