"""Queue tickets at a service unit: the person takes a number for a service group at the kiosk, a
counter calls it, the display board shows (and says) which counter it goes to. The times kept here
(waiting, service) are the measured figures of the staffing page."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Sector
from motcua.network.models import Unit


class ServiceGroup(models.Model):
    """A kiosk button of one unit: a letter (the tickets' prefix) and the sectors it covers."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="service_groups")
    letter = models.CharField(max_length=2)  # "A", "B"...: the printed ticket is A005
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    sectors = models.ManyToManyField(Sector, blank=True, related_name="service_groups")
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["unit", "order", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "letter"], name="unique_group_letter_per_unit")
        ]
        verbose_name = "nhóm dịch vụ / service group"
        verbose_name_plural = "nhóm dịch vụ / service groups"

    def __str__(self) -> str:
        return f"{self.letter} — {self.name_vi} ({self.unit.code})"


class Counter(models.Model):
    """A counter (quầy) of a unit, with the groups it serves (none chosen: every group) and the ticket
    it serves now."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="ticket_counters")
    number = models.PositiveSmallIntegerField()
    groups = models.ManyToManyField(ServiceGroup, blank=True, related_name="counters")
    active = models.BooleanField(default=True)
    current = models.ForeignKey(
        "Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["unit", "number"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "number"], name="unique_counter_number_per_unit")
        ]
        verbose_name = "quầy / counter"
        verbose_name_plural = "quầy / counters"

    def __str__(self) -> str:
        return f"Quầy {self.number} ({self.unit.code})"

    @property
    def serving(self) -> "Ticket | None":
        """The ticket called here and not closed yet (read `current` with select_related)."""
        ticket = self.current
        return ticket if ticket is not None and ticket.state == TicketState.CALLED else None


class TicketSequence(models.Model):
    """The last number given per unit, group and day: locked and incremented in the issuing
    transaction, so numbers are unique and gap-free."""

    group = models.ForeignKey(ServiceGroup, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["group", "day"], name="unique_ticket_sequence")]


class TicketState(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    CALLED = "called", _("Called")
    DONE = "done", _("Served")
    NO_SHOW = "no_show", _("Did not come")


class Ticket(models.Model):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="tickets")
    group = models.ForeignKey(ServiceGroup, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()  # the local day of issue: numbering restarts every day
    number = models.PositiveIntegerField()
    state = models.CharField(max_length=8, choices=TicketState.choices, default=TicketState.WAITING)
    issued_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)  # the first call
    finished_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wait_s = models.PositiveIntegerField(null=True, blank=True)  # issue → first call
    service_s = models.PositiveIntegerField(null=True, blank=True)  # first call → served

    class Meta:
        ordering = ["issued_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "day", "number"], name="unique_ticket_number"),
        ]
        indexes = [
            models.Index(fields=["unit", "day", "state", "issued_at"], name="ticket_waiting_idx"),
            models.Index(
                fields=["issued_at"], name="ticket_figures_idx"
            ),  # the staffing figures: 8 weeks, every unit
        ]
        verbose_name = "số thứ tự / queue ticket"
        verbose_name_plural = "số thứ tự / queue tickets"

    def __str__(self) -> str:
        return f"{self.label} ({self.unit.code} {self.day})"

    @property
    def label(self) -> str:
        """What is printed and called: the group's letter and the number, e.g. A005."""
        return ticket_label(self.group.letter, self.number)


def ticket_label(letter: str, number: int) -> str:
    return f"{letter}{number:03d}"


class TicketCall(models.Model):
    """One announcement on the display board: a call or a recall of a ticket to a counter."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="calls")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()
    recall = models.BooleanField(default=False)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["unit", "-id"], name="ticketcall_board_idx")]
