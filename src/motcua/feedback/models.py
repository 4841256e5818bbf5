from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Feedback(models.Model):
    """A person's or business's feedback or complaint, routed to the unit concerned, answered within
    its legal handling time; the answer is published (without the person's identity)."""

    class Kind(models.TextChoices):
        FEEDBACK = "feedback", pgettext_lazy("feedback kind", "Feedback")
        COMPLAINT = "complaint", _("Complaint")

    citizen = models.ForeignKey("citizens.Citizen", on_delete=models.PROTECT, related_name="feedback")
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="feedback"
    )
    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="feedback")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    subject = models.CharField(max_length=200)
    text = models.TextField()
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_on_time = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "answered_at", "due_at"], name="feedback_inbox"),
            models.Index(fields=["received_at"], name="feedback_by_time"),
        ]

    def __str__(self) -> str:
        return self.subject
