"""Network-planning runs: what a center manager asked, how far the solver got, what it found."""

from django.conf import settings
from django.db import models


class PlanRun(models.Model):
    class Model(models.TextChoices):
        EVALUATE = "evaluate", "Đánh giá mạng lưới hiện tại / Evaluate the current network"
        LSCP = "lscp", "Ít điểm nhất phủ toàn bộ / Fewest sites covering everyone (LSCP)"
        HIERARCHICAL = (
            "hierarchical",
            "Ít điểm nhất, rồi phủ 15 phút nhiều nhất / Fewest sites, then most within 15 min",
        )
        MCLP = "mclp", "p điểm phủ nhiều nhất / p sites covering the most (MCLP)"
        PMEDIAN = "pmedian", "p điểm, tổng quãng đường ít nhất / p sites, least travel (p-median)"
        REMOVE_OPEN = (
            "remove_open",
            "Bỏ k điểm tiếp nhận, mở m chi nhánh / Remove k reception points, open m branches",
        )

    class State(models.TextChoices):
        QUEUED = "queued", "Đang chờ / Queued"
        RUNNING = "running", "Đang chạy / Running"
        DONE = "done", "Xong / Done"
        FAILED = "failed", "Lỗi / Failed"

    class Weight(models.TextChoices):
        POPULATION = "population", "Dân số / Population"
        DOSSIERS = "dossiers", "Số hồ sơ / Dossier volume"

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
