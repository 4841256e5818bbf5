"""The dossier aggregate: the dossier, its papers, its steps, the hand-overs (control slip), paper
movements, supplement requests, apologies, and its append-only, hash-chained event log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from motcua.catalog.models import Component, Procedure, ProcedureVersion
from motcua.network.models import Jurisdiction, Unit


class Status(models.IntegerChoices):
    """Status codes of the National Public Service Portal."""

    NEW = 1, _("Newly registered")
    RECEIVED = 2, pgettext_lazy("dossier status", "Received")
    REFUSED = 3, _("Refused at intake")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT = 5, pgettext_lazy("dossier status", "Supplement requested")
    AWAITING_PAYMENT = 6, _("Awaiting payment")
    WITHDRAWN = 7, _("Withdrawn at the applicant's request")
    STOPPED = 8, _("Processing stopped")
    FINISHED = 9, _("Processing finished (result ready)")
    RETURNED = 10, pgettext_lazy("dossier status", "Result returned")


CLOSED_STATUSES = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)
OPEN_STATUSES = tuple(s for s in Status if s not in CLOSED_STATUSES)


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("In person")
    ONLINE = 2, _("Online")
    POST = 3, _("Public postal service")


class Dossier(models.Model):
    code = models.CharField(max_length=40, unique=True)
    # Foreign keys marked db_index=False lead a composite index of Meta (by_procedure, queue_by_unit_*,
    # by_receiving_unit, by_competent_unit, by_return_unit), which serves their look-ups: a second index
    # would only cost every write.
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="dossiers", db_index=False
    )
    procedure_version = models.ForeignKey(ProcedureVersion, on_delete=models.PROTECT, related_name="dossiers")
    channel = models.PositiveSmallIntegerField(choices=Channel.choices)
    assisted = models.BooleanField(default=False)  # filed online by an officer on the applicant's behalf
    status = models.PositiveSmallIntegerField(choices=Status.choices, db_index=True)

    receiving_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="received_dossiers", db_index=False
    )
    competent_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="competent_dossiers", db_index=False
    )
    current_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="current_dossiers", db_index=False
    )
    subject_jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="dossiers")
    return_unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="return_dossiers", db_index=False
    )
    return_by_post = models.BooleanField(default=False)
    return_address = models.CharField(max_length=300, blank=True)

    applicant_name = models.CharField(max_length=200)
    # " " + the name folded (catalog.search.fold): queues find "Võ Gia Vy" by "vo gia", "VÕ" or "vy"
    applicant_search = models.CharField(max_length=210, blank=True, editable=False)
    applicant_id_number = models.CharField(max_length=20)
    applicant_phone = models.CharField(max_length=20, blank=True)
    applicant_email = models.EmailField(blank=True)
    applicant_address = models.CharField(max_length=300, blank=True)
    request_text = models.TextField(blank=True)
    tracking_secret = models.CharField(max_length=64)  # HMAC of the PIN printed on the receipt
    log_book_number = models.PositiveIntegerField(null=True, blank=True)

    submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)
    clock_start = models.DateTimeField(null=True, blank=True)
    # None until the clock starts; during a supplement pause it keeps the old appointment (it moves when
    # the supplement comes in)
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    legal_due_at = models.DateTimeField(null=True, blank=True)  # due with pauses, without apology extensions
    paused_since = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    current_step_order = models.PositiveSmallIntegerField(null=True, blank=True)
    resume_status = models.PositiveSmallIntegerField(choices=Status.choices, null=True, blank=True)
    result_at_return_point = models.BooleanField(default=False)

    due_soon = models.BooleanField(default=False)
    late = models.BooleanField(default=False)
    late_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    late_step_order = models.PositiveSmallIntegerField(null=True, blank=True)
    finished_on_time = models.BooleanField(null=True, blank=True)
    reason = models.TextField(blank=True)  # refusal, stop or withdrawal reason
    fee_total_vnd = models.PositiveBigIntegerField(default=0)
    paid_online = models.BooleanField(default=False)

    last_event_seq = models.PositiveIntegerField(default=0)
    last_event_hash = models.CharField(max_length=64, blank=True)

    # Not columns: set on the instances some reads and actions give.
    active_steps: list[DossierStep]  # a queue page's dossier: its active steps (selectors.work_queue)
    new_pin: str  # the PIN reissue_pin issued, shown this once (only its HMAC is kept)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["current_unit", "status", "due_at"], name="queue_by_unit_status_due"),
            models.Index(fields=["current_unit", "due_at"], name="queue_by_unit_due"),
            # The default work queue: a unit's open dossiers by due time, without walking its closed past.
            models.Index(
                fields=["current_unit", "due_at", "id"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="open_queue_by_unit_due",
            ),
            models.Index(fields=["receiving_unit", "received_at"], name="by_receiving_unit"),
            models.Index(fields=["competent_unit", "status"], name="by_competent_unit"),
            models.Index(fields=["return_unit", "status"], name="by_return_unit"),
            models.Index(fields=["procedure", "received_at"], name="by_procedure"),
            models.Index(fields=["applicant_id_number", "id"], name="by_applicant"),  # "my dossiers"
        ]
        verbose_name = "hồ sơ / dossier"
        verbose_name_plural = "hồ sơ / dossiers"

    def __str__(self) -> str:
        return self.code


class DossierPaper(models.Model):
    """One checklist line as received: which component, in which form and quantity, or reused."""

    dossier = models.ForeignKey(  # indexed by one_paper_per_component
        Dossier, on_delete=models.CASCADE, related_name="papers", db_index=False
    )
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="+")
    form = models.CharField(max_length=20)
    quantity = models.PositiveSmallIntegerField(default=1)
    reused = models.BooleanField(default=False)
    digitized = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dossier", "component"], name="one_paper_per_component")
        ]


class StepState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACTIVE = "active", _("Active")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")  # the dossier was stopped or withdrawn before it


class DossierStep(models.Model):
    dossier = models.ForeignKey(  # indexed by unique_dossier_step
        Dossier, on_delete=models.CASCADE, related_name="steps", db_index=False
    )
    order = models.PositiveSmallIntegerField()
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300, blank=True)
    unit = models.ForeignKey(  # indexed by step_queue
        Unit, on_delete=models.PROTECT, related_name="dossier_steps", db_index=False
    )
    role = models.CharField(max_length=16)
    days = models.DecimalField(max_digits=7, decimal_places=3)
    is_return = models.BooleanField(default=False)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_steps",
    )
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.PENDING)
    due_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)

    class Meta:
        ordering = ["dossier_id", "order"]
        constraints = [models.UniqueConstraint(fields=["dossier", "order"], name="unique_dossier_step")]
        indexes = [models.Index(fields=["unit", "state", "due_at"], name="step_queue")]


class Timeliness(models.TextChoices):
    EARLY = "early", _("Early")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")


class Handover(models.Model):
    """A row of the control slip (Form 06): from whom to whom, when, against which deadline."""

    class Kind(models.TextChoices):
        STEP = "step", _("Step hand-over")
        RETURN_STEP = "return_step", _("Sent back")
        RESULT = "result", _("Result carried")
        RETURNED = "returned", pgettext_lazy("hand-over kind", "Result returned")
        SUPPLEMENT = "supplement", _("Supplement carried on")  # taken at another unit's counter
        POST = "post", _("Handed to the post")  # the result, to the postman (return by post)

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="handovers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step_order = models.PositiveSmallIntegerField(null=True, blank=True)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    timeliness = models.CharField(max_length=8, choices=Timeliness.choices)

    class Meta:
        ordering = ["dossier_id", "at", "id"]


class PaperMovement(models.Model):
    """Paper originals carried between units, with their own 1-working-day deadline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="paper_movements")
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    to_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "created_at"]

    @property
    def waiting_to_be_sent(self) -> bool:
        return self.sent_at is None

    @property
    def in_transit(self) -> bool:
        return self.sent_at is not None and self.received_at is None


class SupplementRequest(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="supplements")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at_intake = models.BooleanField(default=False)
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    missing = models.JSONField(default=list)  # [{"code", "name_vi", "name_en", "note"}]
    reason = models.TextField(blank=True)
    repeated = models.BooleanField(default=False)  # a second request by the same agency: late for Index 766
    due_before = models.DateTimeField(null=True, blank=True)
    due_after = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["dossier_id", "requested_at"]


class Apology(models.Model):
    """Form 04: an apology with a new appointment, issued before the due time passes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="apologies")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()
    previous_due_at = models.DateTimeField()
    new_due_at = models.DateTimeField()

    class Meta:
        ordering = ["dossier_id", "at"]


class Rating(models.Model):
    """The applicant's rating of the dossier's handling, once, after the result was returned (the
    scale is configuration: satisfaction.rating_scale)."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    via = models.CharField(max_length=12)  # portal (logged in) | tracking (code and PIN) | counter (tablet)
    at = models.DateTimeField(db_index=True)


class Shipment(models.Model):
    """A consignment of the public postal service (Bưu điện): a dossier that came in by post (its
    number as the envelope shows it), or a result sent to the applicant, with its outcome. A result
    is in the post while its shipment is in transit; returned to sender, it is back at the unit."""

    class Kind(models.TextChoices):
        INTAKE = "intake", _("Dossier received by post")
        RESULT = "result", _("Result sent by post")

    class Outcome(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In the post")
        DELIVERED = "delivered", _("Delivered")
        RETURNED = "returned", _("Returned to sender")

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="shipments")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    number = models.CharField(max_length=40, db_index=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")  # that sent or received it
    handed_at = models.DateTimeField()
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    outcome_at = models.DateTimeField(null=True, blank=True)  # delivered or back at the unit
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiver = models.CharField(max_length=200, blank=True)  # who signed for the delivery
    reason = models.TextField(blank=True)  # why it came back

    class Meta:
        ordering = ["dossier_id", "handed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=models.Q(kind="result", outcome="in_transit"),
                name="one_result_in_the_post",
            )
        ]
        indexes = [models.Index(fields=["unit", "kind", "outcome"], name="shipments_by_unit")]

    @property
    def in_transit(self) -> bool:
        return self.outcome == self.Outcome.IN_TRANSIT


class CodeCounter(models.Model):
    """The last sequence number used per receiving agency and day: codes are gap-free because the
    increment commits or rolls back with the intake that used it."""

    agency_code = models.CharField(max_length=16)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency_code", "day"], name="one_counter_per_agency_day")
        ]


class DossierEvent(models.Model):
    """Append-only (database triggers refuse UPDATE and DELETE); each event carries the hash of the
    previous event of its dossier."""

    dossier = models.ForeignKey(
        Dossier, on_delete=models.DO_NOTHING, related_name="events", db_constraint=True, db_index=False
    )  # indexed by unique_event_seq
    seq = models.PositiveIntegerField()
    at = models.DateTimeField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    role = models.CharField(max_length=16, blank=True)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+")
    action = models.CharField(max_length=32)
    from_status = models.PositiveSmallIntegerField(null=True, blank=True)
    to_status = models.PositiveSmallIntegerField()
    changes = models.JSONField(default=dict)  # the dossier fields this action set: state = fold of changes
    payload = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["dossier_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="unique_event_seq")]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("dossier events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("dossier events are append-only")
