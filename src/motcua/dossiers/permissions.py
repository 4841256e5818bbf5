"""Who may see and do what: every right is a role held at a unit; center managers see everything."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from motcua.auth import HELD_ROLES
from motcua.errors import Forbidden, NotFound
from motcua.network.models import SERVICE_UNIT_KINDS, Role, RoleAssignment, Unit, UnitKind

from .context import ActionContext
from .lifecycle import STEP_ROLE, Place, Transition
from .models import Dossier, DossierStep

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass
class Actor:
    """Who acts: a staff user (with their roles per unit), the applicant, or the system clock."""

    user: User | None = None
    applicant: bool = False
    system: bool = False
    roles: set[tuple[int, str]] = field(default_factory=set)  # (unit id, role)
    manager: bool = False
    # the applicant as the identity provider vouched for them: acts only on dossiers filed under this
    # ID number (empty: the applicant identified by the dossier's code and secret)
    id_number: str = ""

    @classmethod
    def staff(cls, user: User) -> Actor:
        """The user's roles as read with the user by the bearer-token check of this request (HELD_ROLES),
        else from the database."""
        held = getattr(user, HELD_ROLES, None)
        if held is None:
            held = list(RoleAssignment.objects.filter(user=user).values_list("unit_id", "role", "unit__kind"))
        roles = {(unit_id, role) for unit_id, role, _ in held}
        # province-wide sight only for a manager of the center itself, never of a branch or an agency
        manager = bool(user.is_superuser) or any(
            role == Role.MANAGER and kind == UnitKind.CENTER for _, role, kind in held
        )
        return cls(user=user, roles=roles, manager=manager)

    @classmethod
    def of_applicant(cls) -> Actor:
        return cls(applicant=True)

    @classmethod
    def of_citizen(cls, id_number: str) -> Actor:
        """A person or business logged in through the identity provider."""
        return cls(applicant=True, id_number=id_number.strip())

    @classmethod
    def of_system(cls) -> Actor:
        return cls(system=True)

    @property
    def unit_ids(self) -> set[int]:
        return {unit for unit, _ in self.roles}

    def role_at(self, unit_ids: list[int], allowed: frozenset[str]) -> tuple[int, str] | None:
        for unit_id in unit_ids:
            for held_unit, role in sorted(self.roles):
                if held_unit == unit_id and role in allowed:
                    return unit_id, role
        return None


def involved_unit_ids(dossier: Dossier, steps=None) -> list[int]:
    """The units a dossier concerns: receiving, current, competent, return point, every step's."""
    ids = [
        dossier.current_unit_id,
        dossier.receiving_unit_id,
        dossier.competent_unit_id,
        dossier.return_unit_id,
    ]
    ids += [s.unit_id for s in (dossier.steps.all() if steps is None else steps)]
    return [i for i in dict.fromkeys(ids) if i is not None]


def place_unit_ids(ctx: ActionContext, place: Place) -> list[int]:
    dossier = ctx.dossier
    if place == Place.RECEIVING:
        return [dossier.receiving_unit_id]
    if place == Place.CURRENT:
        return [dossier.current_unit_id]
    if place == Place.RETURN:  # by post: the unit of the return step, which sends the result
        step = ctx.return_step
        return [dossier.return_unit_id or (step.unit_id if step else dossier.current_unit_id)]
    if place == Place.INVOLVED:
        return involved_unit_ids(dossier, ctx.steps)
    if place == Place.ANY_COUNTER:  # the actor's own centers, branches and reception points
        return counter_unit_ids(ctx.actor)
    if place == Place.ORIGINALS_FROM:  # the sender of originals not sent yet
        return list(dict.fromkeys(m.from_unit_id for m in ctx.movements if m.waiting_to_be_sent))
    if place == Place.ORIGINALS_TO:  # the addressee of originals on their way
        return list(dict.fromkeys(m.to_unit_id for m in ctx.movements if m.in_transit))
    return []


def counter_unit_ids(actor: Actor) -> list[int]:
    """The centers, branches and reception points where the actor holds a role."""
    if not actor.unit_ids:
        return []
    units = Unit.objects.filter(pk__in=actor.unit_ids, kind__in=SERVICE_UNIT_KINDS).order_by("pk")
    return list(units.values_list("pk", flat=True))


def brought_to_counter(ctx: ActionContext, transition: Transition | None) -> bool:
    """Whether a counter anywhere in the province may act on a dossier it is not involved in: the
    transition allows any counter, the actor holds a counter or postal role at a service unit, and the
    applicant showed the dossier's code with their ID number (as the PIN opens tracking)."""
    if transition is None or Place.ANY_COUNTER not in transition.places:
        return False
    given = str(ctx.params.get("applicant_id_number") or "").strip()
    if not given or not hmac.compare_digest(given.encode(), ctx.dossier.applicant_id_number.encode()):
        return False
    desk_units = {unit for unit, role in ctx.actor.roles if role in (Role.COUNTER, Role.POSTAL)}
    return bool(desk_units & set(counter_unit_ids(ctx.actor)))


def allowed_roles(transition: Transition, ctx: ActionContext) -> frozenset[str]:
    if transition.roles != STEP_ROLE:
        return transition.roles
    step = ctx.current_step
    return frozenset({step.role, Role.LEADER}) if step else frozenset({Role.LEADER})


def authorize(actor: Actor, transition: Transition, ctx: ActionContext) -> tuple[int | None, str]:
    """Return (unit id, role) the actor acts as, or raise Forbidden naming what is needed."""
    if actor.system and Place.SYSTEM in transition.places:
        return None, "system"
    if actor.applicant and Place.APPLICANT in transition.places:
        return None, "applicant"
    dossier = ctx.dossier
    roles = allowed_roles(transition, ctx)
    for place in transition.places:
        found = actor.role_at(place_unit_ids(ctx, place), roles)
        if found:
            return found
    needed = ", ".join(sorted(roles)) or "—"
    if dossier.pk is None:  # an intake: the unit receiving it
        unit = dossier.receiving_unit
        raise Forbidden(
            f"Bạn cần một trong các vai trò ({needed}) tại {unit.name_vi} ({unit.code}) để tiếp nhận hồ sơ ở đó.",
            f"You need one of the roles ({needed}) at {unit.name_en or unit.name_vi} ({unit.code}) "
            "to receive a dossier there.",
        )
    raise Forbidden(
        f"Bạn cần một trong các vai trò ({needed}) tại đơn vị đang giữ hồ sơ {dossier.code}.",
        f"You need one of the roles ({needed}) at the unit responsible for dossier {dossier.code}.",
    )


def involving(unit_ids) -> Q:
    """Dossiers that concern any of the units: received there, held there now, its return point or
    competent agency, or one of its steps performed there."""
    steps = DossierStep.objects.filter(unit_id__in=unit_ids).values("dossier_id")
    return (
        Q(current_unit_id__in=unit_ids)
        | Q(receiving_unit_id__in=unit_ids)
        | Q(competent_unit_id__in=unit_ids)
        | Q(return_unit_id__in=unit_ids)
        | Q(pk__in=steps)
    )


def visible_to(actor: Actor) -> Q:
    """Dossiers a staff member may see (as a query): those concerning their units; center managers
    see all. ensure_visible says the same of one dossier."""
    return Q() if actor.manager else involving(actor.unit_ids)


def visible_dossiers(actor: Actor, queryset: QuerySet[Dossier] | None = None) -> QuerySet[Dossier]:
    queryset = Dossier.objects.all() if queryset is None else queryset
    if actor.manager:
        return queryset
    if not actor.unit_ids:
        return queryset.none()
    return queryset.filter(pk__in=Dossier.objects.filter(visible_to(actor)).values("pk"))


def openable_codes(actor: Actor, codes) -> set[str]:
    """Of these dossier codes, those the actor may open (the rule of visible_to, for a list of codes in
    one query): what a page may link to, so that nobody is shown a link the desk answers with "not
    found" (the dashboard lists a leader's subordinate units' dossiers, which the desk may not open)."""
    wanted = {code for code in codes if code}
    if actor.manager or actor.system:
        return wanted
    if not wanted or not actor.unit_ids:
        return set()
    return set(Dossier.objects.filter(visible_to(actor), code__in=wanted).values_list("code", flat=True))


def ensure_visible(actor: Actor, dossier: Dossier, steps=None) -> None:
    """Who may see one dossier: as visible_to, for one dossier (its steps given, or read). A dossier
    the actor may not see is answered exactly as an unknown code."""
    if actor.manager or actor.system:
        return
    if not set(involved_unit_ids(dossier, steps)) & actor.unit_ids:
        raise dossier_not_found(dossier.code)


def dossier_not_found(code: str) -> NotFound:
    """The one answer for a dossier code that does not exist and for one the caller may not see, so
    that nobody learns which codes exist (they are sequential) by asking."""
    return NotFound(f"hồ sơ {code}", f"dossier {code}")


def of_applicant(id_number: str) -> Q:
    """The dossiers of one applicant (by the ID number the identity provider vouched for), whatever
    their channel. ensure_applicant says the same of one dossier."""
    return Q(applicant_id_number=id_number.strip()) if id_number.strip() else Q(pk__in=[])


def ensure_applicant(actor: Actor, dossier: Dossier) -> None:
    """An identified applicant acts only on their own dossiers; another's is answered as unknown
    (nothing tells that it exists)."""
    if actor.id_number and dossier.applicant_id_number != actor.id_number:
        raise dossier_not_found(dossier.code)
