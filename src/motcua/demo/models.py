"""Progress of the demo history when the worker loads it in the background (the server is usable
meanwhile; pages show how far it got)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class HistoryLoad(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Loading")
        DONE = "done", pgettext_lazy("job state", "Done")
        FAILED = "failed", _("Failed")

    count = models.PositiveIntegerField()
    seed = models.IntegerField()
    until = models.DateField()
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED)
    loaded = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "nạp lịch sử mẫu / demo history load"
        verbose_name_plural = "nạp lịch sử mẫu / demo history loads"

    def __str__(self) -> str:
        return f"{self.loaded}/{self.count} ({self.state})"

    @property
    def active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)
