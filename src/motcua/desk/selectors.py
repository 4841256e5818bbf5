"""Reads the staff pages need besides the dossier selectors: the units a user may work for, the
choices of the intake form, the staff of a unit, and the due-time badge of a queue row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from motcua.catalog.models import Component, Procedure
from motcua.catalog.selectors import procedures, version_in_force
from motcua.dossiers import clock
from motcua.dossiers.guards import assignable_roles
from motcua.dossiers.lifecycle import DESK
from motcua.dossiers.models import Dossier, Shipment, Status
from motcua.dossiers.permissions import Actor
from motcua.errors import NotFound
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit


def queue_units(actor: Actor) -> QuerySet[Unit]:
    """Units whose queue the actor may open: their own, or every unit for a center manager."""
    units = Unit.objects.filter(active=True)
    return units if actor.manager else units.filter(id__in=actor.unit_ids)


def log_book_units(actor: Actor) -> list[Unit]:
    """Service units whose log book (Form 05) the actor may open: where they work, or all for a manager;
    those where they receive dossiers first."""
    units = queue_units(actor).filter(kind__in=SERVICE_UNIT_KINDS)
    receiving = {unit for unit, role in actor.roles if role in DESK}
    return sorted(units.order_by("code"), key=lambda u: u.pk not in receiving)


def intake_units(actor: Actor) -> QuerySet[Unit]:
    """Service units where the actor may receive dossiers (counter or postal role)."""
    ids = {unit for unit, role in actor.roles if role in DESK}
    return Unit.objects.filter(id__in=ids, kind__in=SERVICE_UNIT_KINDS, active=True).order_by("code")


def return_points() -> QuerySet[Unit]:
    return Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).order_by("kind", "code")


def procedure_choices() -> QuerySet[Procedure]:
    return Procedure.objects.only("code", "name_vi", "name_en", "boundary_free").order_by("code")


def communes() -> QuerySet[Jurisdiction]:
    return (
        Jurisdiction.objects.filter(level=JurisdictionLevel.COMMUNE)
        .select_related("parent")
        .order_by("parent__name", "name")
    )


def checklist(procedure_code: str, day) -> tuple[Procedure | None, list[Component]]:
    """The procedure and the components of its version in force on `day` (empty when unknown)."""
    procedure = procedures().filter(code=procedure_code).first() if procedure_code else None
    if procedure is None:
        return None, []
    try:
        version = version_in_force(procedure, day)
    except NotFound:  # no version in force yet: the form shows no checklist
        return procedure, []
    return procedure, list(version.components.order_by("order", "code"))


def components_of(code: str) -> list[Component]:
    """The checklist of the version a dossier was received under (the papers a supplement may name)."""
    return list(Component.objects.filter(version__dossiers__code=code).order_by("order", "code"))


def unit_staff(unit_id: int, step_role: str | None = None) -> QuerySet:
    """The assignee choices: active staff members holding a role at the unit that may be assigned the
    step (the rule of the assign guard)."""
    roles = assignable_roles(step_role)
    return (
        get_user_model()
        .objects.filter(roles__unit_id=unit_id, roles__role__in=roles, is_active=True)
        .distinct()
        .order_by("username")
    )


def due_badge(dossier: Dossier, now: datetime, calendar=None) -> str:
    """late | soon | paused | ok | none: how the row's due time reads at a glance."""
    if dossier.finished_at is not None:
        return "late" if dossier.finished_on_time is False else "ok"
    if dossier.paused_since is not None:  # the clock stands still: not late, whatever the old due time
        return "paused"
    if dossier.due_at is None:
        return "none"
    status = clock.clock_status(dossier, now, calendar)
    return "late" if status.late else "soon" if status.due_soon else "ok"


# --- the postal desk: results to send by post, results in the post ------------------------------------


@dataclass(frozen=True)
class PostDesk:
    units: list[Unit]
    waiting: list[Dossier]  # results at these units whose applicant chose the post, not in the post
    in_the_post: list[Shipment]  # results handed to the post, no outcome yet
    recent: list[Shipment]  # the latest outcomes recorded (delivered, returned to sender)


RECENT_OUTCOMES = 20
LISTED_AT_MOST = 300  # rows of each list: a day's post of a busy center


def post_desk(actor: Actor) -> PostDesk:
    """What the postal officers and counters of the actor's service units have to send by post and
    to follow up. Acting on a row goes through the lifecycle service, which checks again."""
    units = list(intake_units(actor))
    ids = [u.pk for u in units]
    sending = Shipment.objects.filter(kind=Shipment.Kind.RESULT, unit_id__in=ids).select_related(
        "dossier", "dossier__procedure"
    )
    in_post = Shipment.objects.filter(kind=Shipment.Kind.RESULT, outcome=Shipment.Outcome.IN_TRANSIT)
    waiting = (
        Dossier.objects.filter(
            status=Status.FINISHED, return_by_post=True, result_at_return_point=True, current_unit_id__in=ids
        )
        .exclude(pk__in=in_post.values("dossier_id"))
        .select_related("procedure", "current_unit")
        .order_by("finished_at", "id")
    )
    return PostDesk(
        units,
        list(waiting[:LISTED_AT_MOST]),
        list(
            sending.filter(outcome=Shipment.Outcome.IN_TRANSIT).order_by("handed_at", "id")[:LISTED_AT_MOST]
        ),
        list(
            sending.exclude(outcome=Shipment.Outcome.IN_TRANSIT).order_by("-outcome_at", "-id")[
                :RECENT_OUTCOMES
            ]
        ),
    )
