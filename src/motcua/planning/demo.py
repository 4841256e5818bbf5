"""Demo data: communes as demand, existing units as sites (from src/motcua/demo/data).

Each commune's population sits at one approximate point. To avoid all-or-nothing
coverage we spread it over a disc of the commune's area (radius R = sqrt(area / pi)),
assuming uniform density: a centre point carries the inner disc (r < R/2, 25 %) and
six points at 0.75 R carry 12.5 % each. ``spread=False`` keeps one point per commune.
Area type: ward -> urban, township -> suburban, commune -> rural.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .data import CandidateSites, DemandPoints, concat_sites, parse_bool, parse_float, read_csv_rows

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo" / "data"
SERVICE_KINDS = ("center", "branch", "reception_point")
AREA_BY_UNIT_TYPE = {"ward": "urban", "township": "suburban", "commune": "rural"}
RING_POINTS = 6
CENTRE_SHARE = 0.25
KM_PER_DEGREE_LAT = 111.32


def load_communes(path: Path, *, spread: bool = True) -> DemandPoints:
    return communes_demand(read_csv_rows(path), spread=spread)


def communes_demand(
    rows: list[dict], *, spread: bool = True, extra_weights: dict[str, dict[str, float]] | None = None
) -> DemandPoints:
    """Demand points from commune rows (jurisdictions.csv columns). extra_weights maps a weight name
    to {commune code: value} (e.g. dossier volume); each is spread with the same shares as people."""
    rows = [r for r in rows if r.get("level") == "commune" and r.get("lat") and r.get("lon")]
    extra_weights = extra_weights or {}
    ids, names, lat, lon, area_types = [], [], [], [], []
    weights: dict[str, list[float]] = {"population": [], **{name: [] for name in extra_weights}}
    for row in rows:
        for suffix, point_lat, point_lon, share in _spread_points(row, spread):
            ids.append(row["code"] + suffix)
            names.append(row["name"])
            lat.append(point_lat)
            lon.append(point_lon)
            weights["population"].append(parse_float(row.get("population"), 0.0) * share)
            for name, by_code in extra_weights.items():
                weights[name].append(float(by_code.get(row["code"], 0.0)) * share)
            area_types.append(AREA_BY_UNIT_TYPE.get(row.get("unit_type", "").lower(), "rural"))
    return DemandPoints.from_arrays(lat, lon, weights, ids=ids, area_type=area_types, names=names)


def _spread_points(row: dict, spread: bool):
    lat, lon = float(row["lat"]), float(row["lon"])
    area = parse_float(row.get("area_km2"), 0.0)
    if not spread or not area > 0:
        return [("", lat, lon, 1.0)]
    ring_km = 0.75 * math.sqrt(area / math.pi)
    points = [("", lat, lon, CENTRE_SHARE)]
    for k in range(RING_POINTS):
        angle = 2 * math.pi * k / RING_POINTS
        d_lat = ring_km * math.sin(angle) / KM_PER_DEGREE_LAT
        d_lon = ring_km * math.cos(angle) / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
        points.append((f"#{k + 1}", lat + d_lat, lon + d_lon, (1 - CENTRE_SHARE) / RING_POINTS))
    return points


def load_units(path: Path) -> CandidateSites:
    return units_sites(read_csv_rows(path))


def units_sites(rows: list[dict]) -> CandidateSites:
    """Service units (center/branch/reception_point; units.csv columns); the center is fixed open."""
    rows = [r for r in rows if r.get("kind") in SERVICE_KINDS and r.get("lat") and r.get("lon")]
    return CandidateSites.from_arrays(
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        ids=[r["code"] for r in rows],
        names=[r.get("name_vi") or r.get("name_en") or r["code"] for r in rows],
        kind=[r["kind"] for r in rows],
        fixed_open=[r["kind"] == "center" or parse_bool(r.get("fixed_open")) for r in rows],
        counters=[parse_float(r.get("counters")) for r in rows],
        premises=[parse_bool(r.get("premises")) for r in rows]
        if any("premises" in r for r in rows)
        else None,
    )


def commune_candidates(path: Path, existing: CandidateSites) -> CandidateSites:
    return candidates_at_communes(read_csv_rows(path), existing)


def candidates_at_communes(rows: list[dict], existing: CandidateSites) -> CandidateSites:
    """One candidate site at each commune's point (where a new branch could open)."""
    rows = [r for r in rows if r.get("level") == "commune" and r.get("lat") and r.get("lon")]
    taken = set(existing.ids.tolist())
    rows = [r for r in rows if f"cand-{r['code']}" not in taken]
    return CandidateSites.from_arrays(
        [float(r["lat"]) for r in rows],
        [float(r["lon"]) for r in rows],
        ids=[f"cand-{r['code']}" for r in rows],
        names=[f"Ứng viên {r['name']}" for r in rows],
        kind="candidate",
    )


def load_demo(data_dir: Path = DEMO_DIR, *, spread: bool = True) -> tuple[DemandPoints, CandidateSites]:
    """Demand from communes; sites = existing service units + one candidate per commune."""
    jurisdictions, units = Path(data_dir) / "jurisdictions.csv", Path(data_dir) / "units.csv"
    demand = load_communes(jurisdictions, spread=spread)
    existing = load_units(units)
    return demand, concat_sites(existing, commune_candidates(jurisdictions, existing))


def existing_network(sites: CandidateSites) -> np.ndarray:
    return np.isin(sites.kind, SERVICE_KINDS)
