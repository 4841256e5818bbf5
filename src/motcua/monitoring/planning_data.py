"""The planning problem built from the live database: communes (people, and dossiers filed for each
over the last 12 months) as demand, the active service units plus a candidate per commune as sites."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Count

from motcua.dossiers.models import Dossier
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit
from motcua.planning import CoverageRule, PlanningProblem
from motcua.planning.data import concat_sites
from motcua.planning.demo import candidates_at_communes, communes_demand, units_sites

DOSSIER_WEIGHT = "dossiers"


def _as_csv_row(values: dict) -> dict[str, str]:
    """The pure planning loaders read CSV rows: every value is text."""
    return {k: "" if v is None else str(v) for k, v in values.items()}


def commune_rows() -> list[dict]:
    communes = Jurisdiction.objects.filter(
        level=JurisdictionLevel.COMMUNE, lat__isnull=False, lon__isnull=False
    )
    return [
        _as_csv_row(
            {
                "code": j.code,
                "level": j.level,
                "name": j.name,
                "unit_type": j.unit_type,
                "lat": j.lat,
                "lon": j.lon,
                "population": j.population or 0,
                "area_km2": float(j.area_km2 or 0),
                "coord_approximate": j.coord_approximate,
            }
        )
        for j in communes
    ]


def unit_rows() -> list[dict]:
    units = Unit.objects.filter(
        kind__in=SERVICE_UNIT_KINDS, active=True, lat__isnull=False, lon__isnull=False
    )
    return [
        _as_csv_row(
            {
                "code": u.code,
                "kind": u.kind,
                "name_vi": u.name_vi,
                "name_en": u.name_en,
                "lat": u.lat,
                "lon": u.lon,
                "counters": u.counters,
            }
        )
        for u in units
    ]


def dossiers_per_commune(until: datetime, days: int = 365) -> dict[str, float]:
    rows = (
        Dossier.objects.filter(received_at__gte=until - timedelta(days=days), received_at__lt=until)
        .values("subject_jurisdiction__code")
        .annotate(count=Count("id"))
    )
    return {r["subject_jurisdiction__code"]: float(r["count"]) for r in rows}


def build_problem(*, weight: str, rule: CoverageRule, until: datetime) -> tuple[PlanningProblem, dict]:
    rows = commune_rows()
    demand = communes_demand(rows, extra_weights={DOSSIER_WEIGHT: dossiers_per_commune(until)})
    existing = units_sites(unit_rows())
    sites = concat_sites(existing, candidates_at_communes(rows, existing))
    facts = {
        "communes": len(rows),
        "communes_with_approximate_position": sum(1 for r in rows if r["coord_approximate"] == "True"),
        "service_units": len(existing.ids),
        "candidate_sites": len(sites.ids) - len(existing.ids),
    }
    return PlanningProblem(demand, sites, rule=rule, weight_name=weight), facts
