"""Routing: the competent agency comes from the procedure and the place the matter concerns, never
from the unit that received the dossier; each step of the process template gets its performing unit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.catalog.models import CompetentLevel, Performer, Procedure
from motcua.errors import ValidationFailed
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit, UnitKind

from . import memo

LEVEL_AGENCY_KIND: dict[str, tuple[JurisdictionLevel, UnitKind]] = {
    CompetentLevel.DISTRICT: (JurisdictionLevel.DISTRICT, UnitKind.DISTRICT_PC),
    CompetentLevel.COMMUNE: (JurisdictionLevel.COMMUNE, UnitKind.COMMUNE_PC),
}


def ancestor_at(jurisdiction: Jurisdiction, level: str) -> Jurisdiction | None:
    return next((j for j in jurisdiction.ancestors_and_self() if j.level == level), None)


def people_committee(jurisdiction: Jurisdiction, level: str) -> Unit:
    """The people's committee of the given level over the jurisdiction."""
    jurisdiction_level, kind = LEVEL_AGENCY_KIND[level]
    area = ancestor_at(jurisdiction, jurisdiction_level)
    unit = (
        memo.remembered(
            ("people_committee", area.pk, kind),
            lambda: Unit.objects.filter(jurisdiction=area, kind=kind, active=True).first(),
        )
        if area
        else None
    )
    if unit is None:
        name = area.name if area else jurisdiction.name
        raise ValidationFailed(
            message_vi=f"Chưa có Ủy ban nhân dân cấp {'huyện' if level == 'district' else 'xã'} cho {name} "
            "trong mạng lưới; không xác định được cơ quan có thẩm quyền.",
            message_en=f"The network has no {level} people's committee for {name}; the competent agency is unknown.",
            code="no_competent_agency",
        )
    return unit


def competent_unit(procedure: Procedure, subject: Jurisdiction) -> Unit:
    if procedure.competent_level in LEVEL_AGENCY_KIND:
        return people_committee(subject, procedure.competent_level)
    agency = procedure.competent_agency
    assert agency is not None  # the catalog requires the agency of a provincial or vertical procedure
    return agency


def step_unit(
    performer: str, *, receiving: Unit, competent: Unit, return_unit: Unit, subject: Jurisdiction
) -> Unit:
    if performer == Performer.RECEIVING:
        return receiving
    if performer == Performer.COMPETENT:
        return competent
    if performer == Performer.RETURN:
        return return_unit
    if performer == Performer.DISTRICT_PC:
        return people_committee(subject, CompetentLevel.DISTRICT)
    if performer == Performer.COMMUNE_PC:
        return people_committee(subject, CompetentLevel.COMMUNE)
    return Unit.objects.get(code=performer)


def competent_area(procedure: Procedure, subject: Jurisdiction) -> Jurisdiction | None:
    """The area whose units may receive a procedure that is not boundary-free (None: the whole province)."""
    if procedure.competent_level == CompetentLevel.COMMUNE:
        return ancestor_at(subject, JurisdictionLevel.COMMUNE)
    if procedure.competent_level == CompetentLevel.DISTRICT:
        return ancestor_at(subject, JurisdictionLevel.DISTRICT)
    return None


def may_receive(unit: Unit, procedure: Procedure, subject: Jurisdiction) -> bool:
    if procedure.boundary_free:
        return True
    area = competent_area(procedure, subject)
    return area is None or area in unit.jurisdiction.ancestors_and_self()


def units_that_may_receive(procedure: Procedure, subject: Jurisdiction) -> list[Unit]:
    area = competent_area(procedure, subject)
    units = Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).select_related("jurisdiction")
    if area is None or procedure.boundary_free:
        return list(units)
    return [u for u in units if area in u.jurisdiction.ancestors_and_self()]


NEAREST_COUNT = 3


@dataclass(frozen=True)
class Place:
    """A unit named on a refusal slip (Form 03), with its distance from the commune, when known."""

    code: str
    name_vi: str
    name_en: str
    address: str
    km: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "address": self.address,
            "km": self.km,
        }


def where_to_file(procedure: Procedure, subject: Jurisdiction) -> dict[str, list[dict[str, Any]]]:
    """For a procedure refused at a unit outside its competent area: the units that may receive it
    ("may_receive", by code) and, among them, the ones nearest the commune concerned ("nearest", by
    straight-line distance; none when coordinates are missing)."""
    from motcua.planning.travel import haversine_km  # the planning's distance (NumPy: imported when needed)

    units = sorted(units_that_may_receive(procedure, subject), key=lambda u: u.code)
    nearest = []
    if subject.lat is not None and subject.lon is not None:
        located = [u for u in units if u.lat is not None and u.lon is not None]
        distances = sorted(
            (round(float(haversine_km(subject.lat, subject.lon, u.lat, u.lon)), 1), u.code, u)
            for u in located
        )
        nearest = [_place(u, km) for km, _, u in distances[:NEAREST_COUNT]]
    return {"may_receive": [_place(u) for u in units], "nearest": nearest}


def _place(unit: Unit, km: float | None = None) -> dict[str, Any]:
    return Place(unit.code, unit.name_vi, unit.name_en, unit.address, km).as_dict()
