"""The province's territory and service network as data: jurisdictions (a tree of any depth, so the
2025 two-level reform is an import, not a code change), units, counters and who holds which role where."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AGENCY_CODE_PATTERN = re.compile(r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$")


def validate_agency_code(value: str) -> None:
    if not AGENCY_CODE_PATTERN.match(value):
        raise ValidationError(
            "Mã cơ quan phải theo QCVN 102:2016, ví dụ 000.00.01.H57 / "
            "agency code must follow QCVN 102:2016, e.g. 000.00.01.H57"
        )


class JurisdictionLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", pgettext_lazy("jurisdiction level", "District")
    COMMUNE = "commune", pgettext_lazy("jurisdiction level", "Commune")


class Jurisdiction(models.Model):
    code = models.CharField(max_length=16, unique=True, verbose_name=_("code"))
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    level = models.CharField(max_length=16, choices=JurisdictionLevel.choices, verbose_name=_("level"))
    unit_type = models.CharField(max_length=16, blank=True, verbose_name=_("type"))
    name = models.CharField(max_length=120, verbose_name=_("name"))
    population = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("population"))
    population_year = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("population year")
    )
    area_km2 = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True, verbose_name=_("area (km²)")
    )
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lon = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    coord_approximate = models.BooleanField(default=True, verbose_name=_("approximate coordinates"))
    coord_source = models.CharField(max_length=300, blank=True, verbose_name=_("source of the coordinates"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name

    def ancestors_and_self(self) -> list["Jurisdiction"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class UnitKind(models.TextChoices):
    CENTER = "center", _("Center")
    BRANCH = "branch", _("Branch")
    RECEPTION_POINT = "reception_point", _("Reception point")
    DEPARTMENT = "department", _("Provincial department")
    DISTRICT_PC = "district_pc", _("District people's committee")
    COMMUNE_PC = "commune_pc", _("Commune people's committee")
    VERTICAL = "vertical", pgettext_lazy("unit kind", "Vertical agency")


SERVICE_UNIT_KINDS = (UnitKind.CENTER, UnitKind.BRANCH, UnitKind.RECEPTION_POINT)


class Unit(models.Model):
    """A service unit (center, branch, reception point) or a competent agency."""

    code = models.CharField(
        max_length=16, unique=True, validators=[validate_agency_code], verbose_name=_("code")
    )
    kind = models.CharField(max_length=20, choices=UnitKind.choices, db_index=True, verbose_name=_("kind"))
    name_vi = models.CharField(max_length=200, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=200, blank=True, verbose_name=_("name (English)"))
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="units", verbose_name=_("jurisdiction")
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )
    address = models.CharField(max_length=300, blank=True, verbose_name=_("address"))
    phone = models.CharField(
        max_length=40, blank=True, verbose_name=_("phone")
    )  # the public's line, as printed on the unit list
    lat = models.FloatField(null=True, blank=True, verbose_name=_("latitude"))
    lon = models.FloatField(null=True, blank=True, verbose_name=_("longitude"))
    coord_approximate = models.BooleanField(default=True, verbose_name=_("approximate coordinates"))
    counters = models.PositiveSmallIntegerField(default=1, verbose_name=_("counters"))
    opening_hours = models.CharField(max_length=120, blank=True, verbose_name=_("opening hours"))
    active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.name_vi} ({self.code})"

    @property
    def is_service_unit(self) -> bool:
        return self.kind in SERVICE_UNIT_KINDS


class Role(models.TextChoices):
    COUNTER = "counter", _("Counter officer")
    POSTAL = "postal", _("Postal staff")
    SPECIALIST = "specialist", _("Specialist officer")
    LEADER = "leader", _("Leader")
    MANAGER = "manager", _("Center manager")
    ADMIN = "admin", _("Administrator")


class RoleAssignment(models.Model):
    """A role held at one unit: rights are always scoped to a unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles", verbose_name=_("user")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("unit")
    )
    role = models.CharField(max_length=16, choices=Role.choices, verbose_name=_("role"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="unique_role_per_unit")]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} @ {self.unit.code}"

    def clean(self) -> None:
        """The admin's check (the services check it too): a center manager sees the whole province, so
        the role is held at the center only."""
        if self.role == Role.MANAGER and self.unit_id and self.unit.kind != UnitKind.CENTER:
            raise ValidationError(
                {
                    "role": "Vai trò quản lý trung tâm chỉ được giao tại Trung tâm / "
                    "the center manager role can only be held at the center"
                }
            )


class CalendarOverride(models.Model):
    """The administrator's corrections to the national holiday calendar (swapped days, extra days off)."""

    class Kind(models.TextChoices):
        OFF = "off", _("Extra day off")
        WORK = "work", _("Extra working day")

    day = models.DateField(unique=True, verbose_name=_("day"))
    kind = models.CharField(max_length=4, choices=Kind.choices, verbose_name=_("kind"))
    reason_vi = models.CharField(max_length=200, verbose_name=_("reason (Vietnamese)"))
    reason_en = models.CharField(max_length=200, blank=True, verbose_name=_("reason (English)"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self) -> str:
        return f"{self.day} {self.kind}: {self.reason_vi}"


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only the SHA-256 of the token is stored: the token itself is
    shown once, when it is created, and cannot be recovered."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    digest = models.CharField(max_length=64, unique=True)  # SHA-256 hex of the token
    prefix = models.CharField(max_length=8)  # the token's first characters, to recognise it in lists
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "khóa API / API token"
        verbose_name_plural = "khóa API / API tokens"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}… {self.name}"


class RateCounter(models.Model):
    """The requests one subject (a client address, a dossier code; stored as a digest) made in one
    fixed window of one rate limit. Incremented in one statement (an upsert); old windows are purged."""

    key = models.CharField(max_length=80)  # "<limit name>:<digest of the subject>"
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="unique_rate_window")]
        indexes = [models.Index(fields=["window_start"], name="ratecounter_window_idx")]
        verbose_name = "bộ đếm giới hạn tần suất / rate counter"
        verbose_name_plural = "bộ đếm giới hạn tần suất / rate counters"


class ReferenceGeneration(models.Model):
    """One row naming the reference data's current state (see reference.py): bumped in every writer's
    transaction, read once per service call."""

    n = models.BigIntegerField(default=0)
    token = models.CharField(max_length=32, blank=True)  # random per bump: a rolled-back n never returns

    class Meta:
        verbose_name = "thế hệ dữ liệu tham chiếu / reference generation"
        verbose_name_plural = "thế hệ dữ liệu tham chiếu / reference generation"
