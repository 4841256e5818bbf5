"""A person or business known from the identity provider's claims (never a Django user: staff and
citizens log in apart), and their drafts of online filings."""

from __future__ import annotations

from django.db import models


class Citizen(models.Model):
    """Whom the identity provider vouched for. The claims are copied at each log-in; the ID number
    (CCCD, or a business's tax code) is what matches their dossiers, whatever the channel."""

    subject = models.CharField(max_length=255, unique=True)  # the provider's `sub`
    id_number = models.CharField(max_length=20, db_index=True)
    name = models.CharField(max_length=200)
    birth_date = models.DateField(null=True, blank=True)
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    email = models.EmailField(blank=True)
    first_login_at = models.DateTimeField()
    last_login_at = models.DateTimeField()

    class Meta:
        verbose_name = "công dân, doanh nghiệp / citizen or business"
        verbose_name_plural = "công dân, doanh nghiệp / citizens and businesses"

    def __str__(self) -> str:
        return f"{self.name} ({self.id_number})"

    # mozilla-django-oidc's callback asks this of what the backend authenticated
    is_active = True


class Draft(models.Model):
    """An online filing being prepared: saved as often as the applicant likes, resumed later, sent
    once (then it keeps the dossier's code)."""

    citizen = models.ForeignKey(Citizen, on_delete=models.CASCADE, related_name="drafts")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)  # the form's fields as last saved
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    submitted_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["citizen", "submitted_code"], name="drafts_of_citizen")]

    def __str__(self) -> str:
        return f"{self.procedure_id} / {self.citizen_id}"

    @property
    def submitted(self) -> bool:
        return bool(self.submitted_code)


class AssistedFiling(models.Model):
    """An online filing a counter officer prepares for a person at the counter (assisted online). It is
    pending, and nothing is counted, until the person confirms it: with a one-time code sent to their
    phone or e-mail (kept only as a keyed hash), or on the counter's tablet (their name typed, the
    summary agreed). Then it is sent once as a dossier (channel online, assisted) and keeps its code."""

    unit = models.ForeignKey("network.Unit", on_delete=models.PROTECT, related_name="+")  # receives it
    officer = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    procedure = models.ForeignKey("catalog.Procedure", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)  # the online filing's fields, with the applicant's name and ID
    created_at = models.DateTimeField()
    code_hash = models.CharField(max_length=64, blank=True)  # HMAC of the code sent last; "" once used
    code_channel = models.CharField(max_length=8, blank=True)  # sms | email
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)  # wrong codes typed since it was sent
    confirmed_how = models.CharField(max_length=16, blank=True)  # code_sms | code_email | tablet
    confirmed_at = models.DateTimeField(null=True, blank=True)
    signed_name = models.CharField(max_length=200, blank=True)  # typed on the tablet
    submitted_code = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "hồ sơ trực tuyến có hỗ trợ / assisted online filing"

    def __str__(self) -> str:
        return f"{self.procedure_id} / {self.unit_id}"

    @property
    def submitted(self) -> bool:
        return bool(self.submitted_code)
