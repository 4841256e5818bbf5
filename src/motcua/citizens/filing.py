"""Online filing by a logged-in person or business: a draft saved and resumed as often as they like,
then sent through the one intake service (channel online, status NEW): the counter receives it
through the existing flow. The applicant is always the logged-in citizen (name and ID number from the
identity provider); the other fields are theirs to fill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import Component, OnlineLevel, Procedure, ProcedureVersion
from motcua.catalog.selectors import version_in_force
from motcua.dossiers import clock, routing
from motcua.dossiers.models import Channel
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, IntakeRequest, IntakeResult, PaperIn, intake
from motcua.errors import NotFound, Problem, ValidationFailed
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit, UnitKind
from motcua.notifications import services as notifications
from motcua.planning.travel import haversine_km
from motcua.worktime import Due

from . import attachments
from .models import Citizen, Draft

FIELDS = (
    "subject_jurisdiction",
    "request_text",
    "phone",
    "email",
    "address",
    "return_by_post",
    "return_unit",
    "return_address",
    "papers",
    "notify_email",
    "notify_sms",
)
NEAREST = 5


def procedure_named(code: str) -> Procedure:
    procedure = Procedure.objects.select_related("sector").filter(code=code).first()
    if procedure is None:
        raise NotFound(f"thủ tục {code}", f"procedure {code}")
    return procedure


def offered_online(procedure: Procedure) -> bool:
    return procedure.online_level != OnlineLevel.NONE


def _not_online(procedure: Procedure) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"Thủ tục {procedure.code} không nhận hồ sơ trực tuyến; hãy nộp tại một đơn vị tiếp nhận.",
        message_en=f"Procedure {procedure.code} is not offered online; file it at a service unit.",
        problems=[Problem("procedure", "không nộp trực tuyến", "not offered online")],
        code="not_online",
    )


# --- drafts -----------------------------------------------------------------------------------------


def start_draft(*, citizen: Citizen, procedure_code: str, now: datetime | None = None) -> Draft:
    """A new draft, or the citizen's open draft of that procedure (one at a time per procedure)."""
    procedure = procedure_named(procedure_code)
    if not offered_online(procedure):
        raise _not_online(procedure)
    now = now or timezone.now()
    with transaction.atomic():
        draft = Draft.objects.filter(citizen=citizen, procedure=procedure, submitted_code="").first()
        if draft is None:
            initial = {
                "phone": citizen.phone,
                "email": citizen.email,
                "address": citizen.address,
                "papers": [],
            }
            draft = Draft.objects.create(
                citizen=citizen, procedure=procedure, data=initial, created_at=now, updated_at=now
            )
    return draft


def draft_of(citizen: Citizen, draft_id: int, *, lock: bool = False) -> Draft:
    """The citizen's own draft (lock: its row locked for the transaction); another's is unknown."""
    drafts = Draft.objects.select_for_update() if lock else Draft.objects
    draft = drafts.select_related("procedure").filter(pk=draft_id, citizen=citizen).first()
    if draft is None:
        raise NotFound(f"bản nháp {draft_id}", f"draft {draft_id}")
    return draft


def open_drafts(citizen: Citizen) -> list[Draft]:
    return list(Draft.objects.filter(citizen=citizen, submitted_code="").select_related("procedure"))


def cleaned(data: dict[str, Any]) -> dict[str, Any]:
    values = {name: data.get(name, "") for name in FIELDS}
    values["papers"] = [str(c)[:20] for c in (data.get("papers") or [])][:100]
    for name in ("return_by_post", "notify_email", "notify_sms"):
        values[name] = bool(data.get(name))
    for name in FIELDS:
        if isinstance(values[name], str):
            values[name] = values[name].strip()[: 5000 if name == "request_text" else 300]
    return values


def editable(draft: Draft) -> None:
    """Refuses a draft already sent (409)."""
    if draft.submitted:
        raise ValidationFailed(
            message_vi=f"Bản nháp này đã được nộp thành hồ sơ {draft.submitted_code}.",
            message_en=f"This draft was already sent as dossier {draft.submitted_code}.",
            code="already_submitted",
            http_status=409,
        )


def save_draft(
    *, citizen: Citizen, draft_id: int, data: dict[str, Any], now: datetime | None = None
) -> Draft:
    with transaction.atomic():
        draft = Draft.objects.select_for_update().filter(pk=draft_id, citizen=citizen).first()
        if draft is None:
            raise NotFound(f"bản nháp {draft_id}", f"draft {draft_id}")
        editable(draft)
        draft.data = cleaned(data)
        draft.updated_at = now or timezone.now()
        draft.save(update_fields=["data", "updated_at"])
    return draft


def submit_draft(
    *,
    citizen: Citizen,
    draft_id: int,
    data: dict[str, Any],
    language: str = "vi",
    now: datetime | None = None,
) -> IntakeResult:
    """Send the draft: the intake service makes the dossier NEW, online, filed by the citizen, and
    the files attached to the draft become its papers' documents, in one transaction; the draft
    keeps its code. A refused filing leaves the draft saved and unsent, and no dossier."""
    now = now or timezone.now()
    save_draft(citizen=citizen, draft_id=draft_id, data=data, now=now)  # kept, even if refused below
    with transaction.atomic():
        draft = Draft.objects.select_for_update().select_related("procedure").get(pk=draft_id)
        editable(draft)  # sent meanwhile from another tab
        request = online_request(
            procedure=draft.procedure,
            data=draft.data,
            name=citizen.name,
            id_number=citizen.id_number,
            papers=lambda components: attachments.papers_of(draft, components),
            now=now,
        )
        result = send_online(
            actor=Actor.of_citizen(citizen.id_number),
            request=request,
            data=draft.data,
            language=language,
            now=now,
        )
        attachments.file_papers(citizen=citizen, draft=draft, dossier=result.dossier, now=now)
        draft.submitted_code = result.dossier.code
        draft.save(update_fields=["submitted_code"])
    return result


# --- what every online filing shares, whoever files it (the person, or a counter officer for them) --


def online_request(
    *,
    procedure: Procedure,
    data: dict[str, Any],
    name: str,
    id_number: str,
    papers: Callable[[dict[str, Component]], list[PaperIn]],
    now: datetime,
    unit: str = "",
    confirmation: dict[str, str] | None = None,
) -> IntakeRequest:
    """The checks of an online filing (offered online, required papers given) and its intake request.
    `data` holds the form's fields (FIELDS); the receiving unit is `unit` when given (an officer's, for
    an assisted filing), else the one `receiving_unit` chooses."""
    if not offered_online(procedure):
        raise _not_online(procedure)
    components = checklist(procedure, now)
    given = papers(components)
    problems = _missing_required(given, components)
    if problems:
        raise ValidationFailed(
            message_vi="Hồ sơ còn thiếu giấy tờ bắt buộc.",
            message_en="Required papers are missing.",
            problems=problems,
        )
    subject = Jurisdiction.objects.filter(code=data.get("subject_jurisdiction", "")).first()
    return_unit = "" if data.get("return_by_post") else str(data.get("return_unit", ""))
    return IntakeRequest(
        unit=unit or receiving_unit(procedure, subject, return_unit),
        procedure=procedure.code,
        subject_jurisdiction=str(data.get("subject_jurisdiction", "")),
        applicant=Applicant(
            name=name,
            id_number=id_number,
            phone=str(data.get("phone", "")),
            email=str(data.get("email", "")),
            address=str(data.get("address", "")),
        ),
        papers=given,
        channel=Channel.ONLINE,
        return_unit=return_unit,
        return_by_post=bool(data.get("return_by_post")),
        return_address=str(data.get("return_address", "")),
        request_text=str(data.get("request_text", "")),
        decision="receive",
        confirmation=confirmation or {},
    )


def send_online(
    *, actor: Actor, request: IntakeRequest, data: dict[str, Any], language: str, now: datetime
) -> IntakeResult:
    """The intake service makes the dossier NEW, online; the applicant's choice of messages on the form
    is kept, in the page's language. The caller holds the transaction."""
    result = intake(actor=actor, request=request, now=now)
    notifications.set_consent(
        dossier=result.dossier,
        email=bool(data.get("notify_email")),
        sms=bool(data.get("notify_sms")),
        zalo=False,
        essential_only=False,
        language=language,
        now=now,
    )
    return result


def checklist(procedure: Procedure, now: datetime) -> dict[str, Component]:
    """The papers of the procedure's version in force on that day, by component code."""
    version = version_in_force(procedure, timezone.localtime(now).date())
    return {c.code: c for c in version.components.all()}


def _missing_required(papers: list[PaperIn], components: dict[str, Component]) -> list[Problem]:
    given = {p.component for p in papers}
    return [
        Problem(
            f"paper_{c.code}", f"cần đính kèm: {c.name_vi}", f"must be attached: {c.name_en or c.name_vi}"
        )
        for c in components.values()
        if c.required and c.code not in given
    ]


def receiving_unit(procedure: Procedure, subject: Jurisdiction | None, return_unit_code: str) -> str:
    """Which counter checks an online filing: the return point chosen, when it may receive the
    procedure; else the unit nearest the place the matter concerns that may (the center without one).
    An unknown commune or unit is left for the intake service to name."""
    unit = Unit.objects.filter(code=return_unit_code, active=True, kind__in=SERVICE_UNIT_KINDS).first()
    if subject is None or subject.level != JurisdictionLevel.COMMUNE:
        return unit.code if unit else (return_unit_code or _center_code())
    if unit is not None and routing.may_receive(unit, procedure, subject):
        return unit.code
    nearest = nearest_units(procedure, subject, 1)
    return nearest[0].unit.code if nearest else _center_code()


def _center_code() -> str:
    return Unit.objects.filter(kind=UnitKind.CENTER, active=True).values_list("code", flat=True).first() or ""


# --- what the applicant sees before sending -------------------------------------------------------


@dataclass(frozen=True)
class FilingFacts:
    procedure: Procedure
    version: ProcedureVersion
    components: list[Component]
    fee_total_vnd: int
    expected: Due  # if the counter received it now

    @property
    def fees(self):
        return self.version.fees.all()


def filing_facts(procedure: Procedure, now: datetime | None = None) -> FilingFacts:
    """The checklist, fees and expected appointment of an online filing made now."""
    now = now or timezone.now()
    version = version_in_force(procedure, timezone.localtime(now).date())
    fees = list(version.fees.all())
    return FilingFacts(
        procedure,
        version,
        list(version.components.all()),
        sum(f.amount_vnd for f in fees),
        clock.expected_due(version, Channel.ONLINE, now),
    )


@dataclass(frozen=True)
class NearUnit:
    unit: Unit
    km: float | None


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return float(haversine_km(lat1, lon1, lat2, lon2))


def nearest_units(procedure: Procedure, near: Jurisdiction | None, count: int = NEAREST) -> list[NearUnit]:
    """The units that take the procedure for that place, nearest first (straight-line distance from
    the commune's centre); without a place, the units in their usual order."""
    if near is None:
        units = Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).order_by("kind", "code")
        return [NearUnit(u, None) for u in units[:count]]
    units = routing.units_that_may_receive(procedure, near)
    rows = [
        NearUnit(
            u,
            _km(near.lat, near.lon, u.lat, u.lon) if None not in (near.lat, near.lon, u.lat, u.lon) else None,
        )
        for u in units
    ]
    rows.sort(key=lambda r: (r.km is None, r.km or 0.0, r.unit.code))
    return rows[:count]


def communes() -> list[Jurisdiction]:
    return list(Jurisdiction.objects.filter(level=JurisdictionLevel.COMMUNE).order_by("name"))
