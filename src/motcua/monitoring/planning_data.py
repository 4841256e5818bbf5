"""The planning problem built from the live database: communes (people, and dossiers filed for each
over the last 12 months, from the kept aggregates) as demand, the active service units plus a candidate per commune as sites;
the names, communes and district labels the page and map show; the working hours behind
"dossiers per hour" (the legal clock's calendar)."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from motcua.network.clock import work_calendar
from motcua.network.models import SERVICE_UNIT_KINDS, Jurisdiction, JurisdictionLevel, Unit, UnitKind
from motcua.oversight import volumes
from motcua.oversight.scope import Period
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
                "jurisdiction_code": u.jurisdiction.code,
            }
        )
        for u in units.select_related("jurisdiction")
    ]


DEMAND_DAYS = 365


def dossier_demand(until: datetime) -> tuple[dict[str, float], Period]:
    """Dossiers filed for each commune over the year of whole days before ``until``, from the kept
    aggregates (oversight/volumes.py), and that period."""
    period = volumes.days_before(until, DEMAND_DAYS)
    per_commune = volumes.intakes_per_commune(period)
    return {code: float(n) for code, n in per_commune.items()}, period


def build_problem(*, weight: str, rule: CoverageRule, until: datetime) -> tuple[PlanningProblem, dict]:
    rows = commune_rows()
    dossiers, period = dossier_demand(until)
    demand = communes_demand(rows, extra_weights={DOSSIER_WEIGHT: dossiers})
    units = unit_rows()
    existing = units_sites(units)
    sites = concat_sites(existing, candidates_at_communes(rows, existing))
    facts = {
        "site_communes": site_communes(rows, units),
        "communes": len(rows),
        "communes_with_approximate_position": sum(1 for r in rows if r["coord_approximate"] == "True"),
        "service_units": len(existing.ids),
        "candidate_sites": len(sites.ids) - len(existing.ids),
        # where the dossier volumes come from (shown on the page whatever the weight: the capacity
        # and the scenario figures use them too)
        "dossier_period": {"first": period.first.isoformat(), "last": period.last.isoformat()},
        "dossiers": int(sum(dossiers.values())),
    }
    return PlanningProblem(demand, sites, rule=rule, weight_name=weight), facts


def site_communes(rows: list[dict], units: list[dict]) -> dict[str, str]:
    """Site id -> the commune it stands in (units by their jurisdiction; candidates by their commune)."""
    names = {r["code"]: r["name"] for r in rows}
    everything = {j.code: j.name for j in Jurisdiction.objects.only("code", "name")}
    located = {u["code"]: everything.get(u["jurisdiction_code"], "") for u in units}
    located.update({f"cand-{code}": name for code, name in names.items()})
    return located


def district_labels() -> list[dict]:
    """District names at their centres, for the map."""
    return [
        {"name": j.name, "lat": j.lat, "lon": j.lon}
        for j in Jurisdiction.objects.filter(
            level=JurisdictionLevel.DISTRICT, lat__isnull=False, lon__isnull=False
        )
    ]


def working_hours_per_year(until: datetime) -> float:
    """Working hours over the demand's period (dossier_demand), by the province's legal clock."""
    period = volumes.days_before(until, DEMAND_DAYS)
    hours = work_calendar().working_time_between(period.start, period.end).total_seconds() / 3600
    return hours if hours > 0 else 2000.0


def typical_branch_counters(default: int = 6) -> int:
    """Counters an upgraded or new branch gets: the median of today's branches."""
    counters = list(Unit.objects.filter(kind=UnitKind.BRANCH, active=True).values_list("counters", flat=True))
    return int(median(counters)) if counters else default
