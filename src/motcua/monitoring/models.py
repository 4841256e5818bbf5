"""Network-planning runs: what a center manager asked, how far the solver got, what it found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlanRun(models.Model):
    class Model(models.TextChoices):
        EVALUATE = "evaluate", _("Evaluate the current network")
        LSCP = "lscp", _("Fewest sites covering everyone (LSCP)")
        HIERARCHICAL = "hierarchical", _("Fewest sites, then most within 15 min")
        MCLP = "mclp", _("p sites covering the most (MCLP)")
        PMEDIAN = "pmedian", _("p sites, least travel (p-median)")
        REMOVE_OPEN = "remove_open", _("Close k reception points, upgrade m to branches")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", pgettext_lazy("job state", "Done")
        FAILED = "failed", _("Failed")

    class Weight(models.TextChoices):
        POPULATION = "population", _("Population")
        DOSSIERS = "dossiers", _("Dossier volume")

    name = models.CharField(max_length=200)
    model = models.CharField(max_length=16, choices=Model.choices)
    weight = models.CharField(max_length=12, choices=Weight.choices, default=Weight.POPULATION)
    params = models.JSONField(default=dict)  # p, remove, open, max_minutes, max_km, combine, time_limit
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict)  # the solver's result and the scenario figures
    map_html = models.TextField(blank=True)  # self-contained Leaflet map
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "phương án quy hoạch / planning run"
        verbose_name_plural = "phương án quy hoạch / planning runs"

    def __str__(self) -> str:
        return self.name
