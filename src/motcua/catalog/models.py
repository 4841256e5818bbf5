"""One procedure catalog for the whole province. A procedure has versions with effective dates; a
dossier keeps the version it was received under, so a version in use is never edited."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.network.models import Role, Unit

from .search import fold


class Sector(models.Model):
    code = models.CharField(max_length=20, unique=True, verbose_name=_("code"))
    name_vi = models.CharField(max_length=200, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=200, blank=True, verbose_name=_("name (English)"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name_vi


class CompetentLevel(models.TextChoices):
    PROVINCE = "province", _("Provincial")
    DISTRICT = "district", pgettext_lazy("competent level", "District")
    COMMUNE = "commune", pgettext_lazy("competent level", "Commune")
    VERTICAL = "vertical", pgettext_lazy("competent level", "Vertical agency")


class OnlineLevel(models.TextChoices):
    NONE = "none", pgettext_lazy("online level", "None")
    PARTIAL = "partial", _("Partial")
    FULL = "full", _("Full")


class LimitUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")


class Procedure(models.Model):
    code = models.CharField(max_length=20, unique=True, verbose_name=_("code"))
    code_verified = models.BooleanField(default=True, verbose_name=_("code verified"))
    name_vi = models.CharField(max_length=400, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=400, blank=True, verbose_name=_("name (English)"))
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="procedures", verbose_name=_("sector")
    )
    competent_level = models.CharField(
        max_length=10, choices=CompetentLevel.choices, verbose_name=_("competent level")
    )
    competent_agency = models.ForeignKey(
        Unit,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competent_for",
        verbose_name=_("competent agency"),
    )
    boundary_free = models.BooleanField(default=True, verbose_name=_("boundary-free"))
    online_level = models.CharField(
        max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE, verbose_name=_("online level")
    )
    # code and names folded (search.fold) for searching without regard to capitals and diacritics
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    def save(self, *args, **kwargs) -> None:
        self.search_text = fold(f"{self.code} {self.name_vi} {self.name_en}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="versions", verbose_name=_("procedure")
    )
    version = models.PositiveIntegerField(verbose_name=_("version"))
    effective_from = models.DateField(verbose_name=_("effective from"))
    legal_basis = models.TextField(blank=True, verbose_name=_("legal basis"))
    limit_amount = models.DecimalField(max_digits=7, decimal_places=3, verbose_name=_("time limit"))
    limit_unit = models.CharField(
        max_length=16,
        choices=LimitUnit.choices,
        default=LimitUnit.WORKING_DAYS,
        verbose_name=_("time limit unit"),
    )
    online_limit_amount = models.DecimalField(
        max_digits=7, decimal_places=3, null=True, blank=True, verbose_name=_("time limit online")
    )
    online_limit_unit = models.CharField(
        max_length=16, choices=LimitUnit.choices, blank=True, verbose_name=_("time limit unit online")
    )

    class Meta:
        ordering = ["procedure__code", "version"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "version"], name="unique_procedure_version"),
            models.CheckConstraint(condition=models.Q(limit_amount__gte=0), name="limit_not_negative"),
        ]
        verbose_name = _("procedure version")
        verbose_name_plural = _("procedure versions")

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.version} ({self.effective_from})"


class Fee(models.Model):
    class Kind(models.TextChoices):
        FEE = "fee", _("Fee")
        CHARGE = "charge", _("Charge")

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="fees", verbose_name=_("version")
    )
    name_vi = models.CharField(max_length=300, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=300, blank=True, verbose_name=_("name (English)"))
    amount_vnd = models.PositiveBigIntegerField(default=0, verbose_name=_("amount (VND)"))
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.FEE, verbose_name=_("kind"))

    class Meta:
        verbose_name = _("fee")
        verbose_name_plural = _("fees")


class PaperForm(models.TextChoices):
    ORIGINAL = "original", _("Original")
    COPY = "copy", _("Copy")
    CERTIFIED_COPY = "certified_copy", _("Certified copy")
    ORIGINAL_OR_COPY = "original_or_copy", _("Original or copy")


class Component(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components", verbose_name=_("version")
    )
    order = models.PositiveSmallIntegerField(default=0, verbose_name=_("order"))
    code = models.CharField(max_length=20, verbose_name=_("code"))
    name_vi = models.CharField(max_length=500, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=500, blank=True, verbose_name=_("name (English)"))
    form = models.CharField(
        max_length=20, choices=PaperForm.choices, default=PaperForm.ORIGINAL, verbose_name=_("form")
    )
    quantity = models.PositiveSmallIntegerField(default=1, verbose_name=_("quantity"))
    required = models.BooleanField(default=True, verbose_name=_("required"))
    condition_vi = models.CharField(max_length=500, blank=True, verbose_name=_("condition (Vietnamese)"))
    condition_en = models.CharField(max_length=500, blank=True, verbose_name=_("condition (English)"))
    reusable = models.BooleanField(default=False, verbose_name=_("reusable"))
    template = models.CharField(max_length=200, blank=True, verbose_name=_("form template"))

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="unique_component_code")]
        verbose_name = _("dossier component")
        verbose_name_plural = _("dossier components")

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class ResultPaper(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="results", verbose_name=_("version")
    )
    code = models.CharField(max_length=20, verbose_name=_("code"))
    name_vi = models.CharField(max_length=300, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=300, blank=True, verbose_name=_("name (English)"))

    class Meta:
        verbose_name = _("result paper")
        verbose_name_plural = _("result papers")


class Performer(models.TextChoices):
    """Who performs a process step; an agency code may also be stored for inter-agency steps."""

    RECEIVING = "receiving", _("Receiving unit")
    COMPETENT = "competent", _("Competent agency")
    RETURN = "return", _("Return point")
    DISTRICT_PC = "district_pc", _("District people's committee")
    COMMUNE_PC = "commune_pc", _("Commune people's committee")


class ProcessStep(models.Model):
    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="steps", verbose_name=_("version")
    )
    order = models.PositiveSmallIntegerField(verbose_name=_("order"))
    name_vi = models.CharField(max_length=300, verbose_name=_("name (Vietnamese)"))
    name_en = models.CharField(max_length=300, blank=True, verbose_name=_("name (English)"))
    performer = models.CharField(
        max_length=20, verbose_name=_("performer")
    )  # a Performer value or an agency code
    role = models.CharField(max_length=16, choices=Role.choices, verbose_name=_("role"))
    days = models.DecimalField(max_digits=7, decimal_places=3, verbose_name=_("days"))

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="unique_step_order")]
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")

    def __str__(self) -> str:
        return f"{self.order}. {self.name_vi}"
