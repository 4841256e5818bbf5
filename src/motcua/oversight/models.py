"""Aggregates kept incrementally: per day and per combination of the dossier's fixed attributes
(procedure, sector, competent agency, receiving unit, channel, assisted, received outside the competent
area), the counts the scoreboard and the adoption figures need; per day, unit and hour, the intakes and
the counters' visits; per day and commune of the matter, the intakes; per dossier, the little state the
fold needs between two events. A follower of the event log keeps them (tallies.py); they can be rebuilt
from the event log (`motcua rebuild-stats`)."""

from django.db import models

from motcua.catalog.models import Procedure, Sector
from motcua.dossiers.models import Dossier
from motcua.network.models import Jurisdiction, Unit

# The counters of a DailyTally row, in order (the fold, the rebuild and the selectors share this list).
COUNTERS = (
    "received",  # the clock started (reception)
    "received_online",  # of which filed online
    "refused",
    "withdrawn",
    "stopped",
    "finished",  # result ready
    "on_time",  # finished on or before the appointment (and no second supplement request)
    "finished_late",
    "returned",
    "pending",  # signed change of the number of dossiers received and not finished nor closed: a stock
    "late_open",  # signed change of the number of open dossiers marked late: a stock over the days
    "fee_bearing",  # received with fees to pay
    "payments",
    "paid_online",
    "repeated_supplements",  # a second request from the same agency
    "apologies",
    "resolution_seconds",  # working time from the clock's start to the result, pauses taken out
    "rated",
    "satisfied",
)


class Counts(models.Model):
    """The counters (COUNTERS) of a tally row."""

    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    finished_late = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    pending = models.IntegerField(default=0)
    late_open = models.IntegerField(default=0)
    fee_bearing = models.IntegerField(default=0)
    payments = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    repeated_supplements = models.IntegerField(default=0)
    apologies = models.IntegerField(default=0)
    resolution_seconds = models.BigIntegerField(default=0)
    rated = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        abstract = True


class DailyTally(Counts):
    day = models.DateField()
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+", db_index=False)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="+", db_index=False)
    competent_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    receiving_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    channel = models.PositiveSmallIntegerField()
    assisted = models.BooleanField(default=False)
    outside = models.BooleanField(default=False)  # received outside the competent agency's area

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "day",
                    "procedure",
                    "competent_unit",
                    "receiving_unit",
                    "channel",
                    "assisted",
                    "outside",
                ],
                name="one_daily_tally_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["competent_unit", "day"], name="tally_by_competent_day"),
            models.Index(fields=["receiving_unit", "day"], name="tally_by_receiving_day"),
            models.Index(fields=["sector", "day"], name="tally_by_sector_day"),
        ]


PROVINCE = 0  # ScopeTally.unit_id of the whole province


class ScopeTally(Counts):
    """The same counts per day and per scope: the province (unit_id 0) and every unit, each holding
    the dossiers that it or a unit under it received or is competent for (once each). The scoreboard
    of the province or of a unit reads a year as at most 366 rows of this table."""

    day = models.DateField()
    unit_id = models.IntegerField()  # PROVINCE or a Unit's id (not a foreign key: 0 is the province)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit_id", "day"], name="one_scope_tally_per_day")]


class ProcedureMonthTally(models.Model):
    """Per month, scope (as ScopeTally) and procedure: what the procedure-share components need (online
    services that received dossiers, procedures paid online)."""

    month = models.DateField()
    unit_id = models.IntegerField()
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="+", db_index=False)
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["unit_id", "month", "procedure"], name="one_procedure_month_tally"
            )
        ]


HOUR_COUNTERS = (
    "intakes",  # every dossier's first event, at its receiving unit, whatever the channel
    "counter_intakes",  # of which at a counter or by post (not online): visits to the counters
    "counter_returns",  # results handed over at the counter of the return unit (not by post)
)


class HourTally(models.Model):
    """Per day, unit and local hour: intakes (every dossier's first event: received, refused,
    supplement asked, filed online) at the receiving unit, and the counters' visits (intakes not
    online, results handed over at the return unit): the volume per unit and per hour of the week, a
    siting and staffing figure (oversight/volumes.py reads it)."""

    day = models.DateField()
    receiving_unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    hour = models.PositiveSmallIntegerField()
    intakes = models.IntegerField(default=0)
    counter_intakes = models.IntegerField(default=0)
    counter_returns = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["receiving_unit", "day", "hour"], name="one_hour_tally_per_key")
        ]
        indexes = [models.Index(fields=["day"], name="hour_tally_by_day")]


class AreaTally(models.Model):
    """Intakes per day and per commune the matter concerns (the dossier's subject jurisdiction): the
    dossier-volume demand of network planning (oversight/volumes.py reads it)."""

    day = models.DateField()
    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+", db_index=False)
    intakes = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["day", "jurisdiction"], name="one_area_tally_per_key")]


class DossierTally(models.Model):
    """What the fold remembers of a dossier between two of its events."""

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="+")
    seq = models.PositiveIntegerField(default=0)  # the last event folded
    status = models.PositiveSmallIntegerField(default=0)
    late = models.BooleanField(default=False)
    open_late = models.BooleanField(default=False)
    pending = models.BooleanField(default=False)
    paused_since = models.DateTimeField(null=True, blank=True)
    paused_seconds = models.BigIntegerField(default=0)
    clock_start = models.DateTimeField(null=True, blank=True)


class FollowCursor(models.Model):
    """How far a follower of the event log has read (the id below which every event is folded)."""

    name = models.CharField(max_length=32, unique=True)
    last_id = models.BigIntegerField(default=0)
    read_id = models.BigIntegerField(default=0)  # the highest id read (folded, maybe not settled yet)


class SyncRecord(models.Model):
    """One change of a dossier as the national portal receives it (DOMAIN.md section 7), in the outbox
    until the portal acknowledges it. One per event: (dossier, seq) is the idempotency key, so the same
    change is never produced, nor counted, twice. Sent in order per dossier: a record waits until the
    dossier's earlier ones are acknowledged."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+", db_index=False)
    seq = models.PositiveIntegerField()
    key = models.CharField(max_length=64, unique=True)  # "<dossier code>:<seq>"
    changed_at = models.DateTimeField()  # the event's moment
    created_at = models.DateTimeField()
    payload = models.JSONField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=300, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["dossier", "seq"], name="one_sync_record_per_event")]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(acknowledged_at__isnull=True),
                name="sync_backlog",
            ),
            models.Index(fields=["changed_at"], name="sync_by_changed_at"),
        ]
