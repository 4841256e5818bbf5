"""Electronic documents: the files of a dossier's papers and results (each version kept as stored,
never changed: signing writes a new version), the registered signing certificates of staff, and the
record of every download and look."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, DossierPaper
from motcua.network.models import Unit


class Certificate(models.Model):
    """A staff member's signing certificate, registered by the center (admin or import)."""

    class KeyStore(models.TextChoices):
        PKCS12 = "pkcs12", "PKCS#12"
        PKCS11 = "pkcs11", "PKCS#11"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="certificates")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=500)
    common_name = models.CharField(max_length=200, blank=True)
    serial = models.CharField(_("serial number"), max_length=80)  # hexadecimal
    issuer = models.CharField(_("issuer"), max_length=500)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER
    der = models.BinaryField()
    key_ref = models.CharField(
        _("key"), max_length=300, blank=True, help_text=_("PKCS#12 file path, or the key label on the token")
    )
    demo = models.BooleanField(_("demo CA, not legally valid"), default=False)
    registered_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["user_id", "-not_after"]
        verbose_name = "chứng thư số / certificate"
        verbose_name_plural = "chứng thư số / certificates"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "serial"], name="one_certificate_per_serial")
        ]

    def __str__(self) -> str:
        return f"{self.common_name or self.subject} ({self.serial})"


class Document(models.Model):
    """One stored version of a paper's file, of a result or of a signed form. The bytes behind
    storage_name never change; signing stores a new version (previous points back) and the old one stops
    being current. A page of a unit's log book (Form 05) is the one kind that belongs to no dossier: it
    belongs to its unit and day."""

    class Kind(models.TextChoices):
        PAPER = "paper", _("Paper")
        RESULT = "result", _("Electronic result")
        FORM = "form", _("Signed form")
        LOG_BOOK = "log_book", _("Log book page")

    public_id = models.CharField(max_length=24, unique=True)  # /verify/<public_id>, printed as a QR code
    dossier = models.ForeignKey(
        Dossier, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    day = models.DateField(null=True, blank=True)  # a log book page: the day it lists
    paper = models.ForeignKey(
        DossierPaper, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    form_key = models.CharField(max_length=8, blank=True)  # a signed form: "01", "04-2"...
    title = models.CharField(max_length=300)
    version = models.PositiveSmallIntegerField(default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    current = models.BooleanField(default=True)
    storage_name = models.CharField(max_length=300, db_index=True)  # shared by a reuse
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField()
    original_names = models.JSONField(default=list)
    added_by = models.ForeignKey(  # None: the applicant, filing online
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField()
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    signature_level = models.CharField(max_length=8, blank=True)  # PAdES B-B or B-T
    # the applicant's data store: kept per ID number; a reused paper points at what it reused
    applicant_id_number = models.CharField(max_length=20, db_index=True)
    reused_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reuses"
    )

    class Meta:
        ordering = ["dossier_id", "kind", "id"]
        indexes = [
            models.Index(fields=["dossier", "current"], name="documents_of_dossier"),
            models.Index(fields=["unit", "day"], name="log_book_pages"),
        ]
        constraints = [
            models.CheckConstraint(  # a dossier's document, or a unit's log book page of one day
                condition=(models.Q(kind="log_book", dossier__isnull=True, day__isnull=False))
                | (~models.Q(kind="log_book") & models.Q(dossier__isnull=False, day__isnull=True)),
                name="document_of_a_dossier_or_a_log_book_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"

    @property
    def belongs_to(self) -> str:
        """The dossier's code, or for a log book page its unit's code and day (file names, reports)."""
        if self.dossier_id is not None:
            return self.dossier.code
        return f"{self.unit.code}-{self.day:%Y%m%d}"

    @property
    def signed(self) -> bool:
        return self.__dict__.get("certificate_id") is not None  # the column, without loading the row


class DocumentAccess(models.Model):
    """Every download, print and public look at a stored document."""

    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("Downloaded by staff")
        APPLICANT = "applicant", _("Downloaded by the applicant")
        VERIFY = "verify", _("Checked on the verification page")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="accesses")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        ordering = ["document_id", "at"]


class StoreLook(models.Model):
    """A look by staff into an applicant's data store, allowed with the applicant present: their ID
    number and the PIN of one of their dossiers."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    id_number = models.CharField(max_length=20)
    dossier_code = models.CharField(max_length=40)  # the dossier whose PIN was given
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "id_number", "at"], name="store_looks_by_user")]


class DraftPaper(models.Model):
    """A file the online filer attached to one paper of their draft (or a signed paper of their own
    store reused for it), kept with the draft until it is sent: then it becomes the dossier's document
    of that paper."""

    draft = models.ForeignKey("citizens.Draft", on_delete=models.CASCADE, related_name="paper_files")
    component = models.CharField(max_length=40)
    storage_name = models.CharField(max_length=300)  # shared with the store's document for a reuse
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    pages = models.PositiveIntegerField()
    original_names = models.JSONField(default=list)
    reused_from = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="draft_reuses"
    )
    added_at = models.DateTimeField()

    class Meta:
        ordering = ["draft_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["draft", "component"], name="one_file_per_draft_paper")
        ]

    def __str__(self) -> str:
        return f"{self.draft_id}/{self.component}"
