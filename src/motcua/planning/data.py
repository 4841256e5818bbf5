"""Input data for network planning: demand points, candidate sites, coverage rule.

Plain NumPy containers (no Django). Arrays are aligned by position; ``ids`` give
the stable identifiers used in results and reports.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import PlanningInputError, check_coordinates, check_finite_positive

AREA_TYPES = ("urban", "suburban", "rural")
SITE_KINDS = ("center", "branch", "reception_point", "candidate")
TRUE_WORDS = {"1", "true", "yes", "y", "x", "co", "có"}


@dataclass(frozen=True)
class RuleWords:
    """The words a rule is said with: the pure module knows English and Vietnamese; a Django page
    passes its own, translated through gettext."""

    minutes: str
    km: str
    either: str
    both: str


RULE_WORDS_EN = RuleWords("min", "km", "or", "and")
RULE_WORDS_VI = RuleWords("phút", "km", "hoặc", "và")


@dataclass(frozen=True)
class CoverageRule:
    """A demand point is covered by a site when time <= max_minutes OR (or AND) km <= max_km.

    Either limit may be ``None`` (ignored). Distances are travel distances (road
    length or great-circle distance times the circuity factor), not straight lines.
    """

    max_minutes: float | None = 30.0
    max_km: float | None = 5.0
    combine: str = "or"

    def __post_init__(self) -> None:
        if self.combine not in ("or", "and"):
            raise PlanningInputError("combine", "chọn 'or' hoặc 'and'", "must be 'or' or 'and'")
        if self.max_minutes is None and self.max_km is None:
            raise PlanningInputError(
                "max_minutes",
                "cần ít nhất một giới hạn (phút hoặc km)",
                "at least one of max_minutes, max_km",
            )
        check_finite_positive("max_minutes", self.max_minutes, allow_none=True)
        check_finite_positive("max_km", self.max_km, allow_none=True)

    def covers(self, km: np.ndarray, minutes: np.ndarray) -> np.ndarray:
        by_time = _within(minutes, self.max_minutes)
        by_km = _within(km, self.max_km)
        if self.max_minutes is None:
            return by_km
        if self.max_km is None:
            return by_time
        return (by_time | by_km) if self.combine == "or" else (by_time & by_km)

    def describe(self, words: RuleWords = RULE_WORDS_EN) -> str:
        """The rule in words ("30 min or 5 km"; with RULE_WORDS_VI "30 phút hoặc 5 km")."""
        parts = []
        if self.max_minutes is not None:
            parts.append(f"{self.max_minutes:g} {words.minutes}")
        if self.max_km is not None:
            parts.append(f"{self.max_km:g} {words.km}")
        return f" {words.either if self.combine == 'or' else words.both} ".join(parts)

    def terms(self) -> dict:
        """The rule as data (stored with a result, so that a page can say it in its own language)."""
        return {"max_minutes": self.max_minutes, "max_km": self.max_km, "combine": self.combine}

    @classmethod
    def from_terms(cls, terms: Mapping) -> CoverageRule:
        return cls(terms.get("max_minutes"), terms.get("max_km"), terms.get("combine", "or"))


def _within(values: np.ndarray, limit: float | None) -> np.ndarray:
    values = np.asarray(values, dtype=float)
    if limit is None:
        return np.zeros(values.shape, dtype=bool)
    return values <= limit + 1e-9


@dataclass(frozen=True)
class DemandPoints:
    """Where the demand is: one row per point, weights by name (population, dossiers...)."""

    ids: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    weights: Mapping[str, np.ndarray]
    area_type: np.ndarray
    names: np.ndarray | None = None

    @classmethod
    def from_arrays(
        cls,
        lat: Sequence[float],
        lon: Sequence[float],
        weights: Mapping[str, Sequence[float]] | Sequence[float] | None = None,
        *,
        ids: Sequence[str] | None = None,
        area_type: Sequence[str] | str = "urban",
        names: Sequence[str] | None = None,
    ) -> DemandPoints:
        lat_arr, lon_arr = _float_array("demand.lat", lat), _float_array("demand.lon", lon)
        n = lat_arr.size
        ids_arr = _ids_or_default(ids, n, "d", "demand")
        check_coordinates("demand", lat_arr, lon_arr, ids_arr)
        weight_map = _weight_map(weights, n)
        areas = _area_types(area_type, n)
        names_arr = np.asarray(names, dtype=object) if names is not None else None
        if names_arr is not None and names_arr.shape != (n,):
            raise _length_error("demand.names", names_arr.size, n)
        return cls(ids_arr, lat_arr, lon_arr, weight_map, areas, names_arr)

    def __len__(self) -> int:
        return int(self.lat.size)

    def weight(self, name: str | None = None) -> np.ndarray:
        if name is None:
            name = next(iter(self.weights))
        if name not in self.weights:
            raise PlanningInputError(
                "weight",
                f"không có trọng số {name!r}; có {sorted(self.weights)}",
                f"unknown weight {name!r}; have {sorted(self.weights)}",
            )
        return self.weights[name]

    def subset(self, index: np.ndarray) -> DemandPoints:
        names = self.names[index] if self.names is not None else None
        weights = {key: value[index] for key, value in self.weights.items()}
        return DemandPoints(
            self.ids[index], self.lat[index], self.lon[index], weights, self.area_type[index], names
        )


def _float_array(field_name: str, values) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise PlanningInputError(field_name, "phải là các số", "must be numbers") from None
    if arr.ndim != 1:
        raise PlanningInputError(field_name, "phải là một dãy số", "must be a flat list of numbers")
    return arr


def _length_error(field_name: str, got: int, expected: int) -> PlanningInputError:
    return PlanningInputError(
        field_name,
        f"có {got} giá trị nhưng có {expected} điểm",
        f"has {got} values but there are {expected} points",
    )


def _ids_or_default(ids: Sequence[str] | None, n: int, prefix: str, what: str = "sites") -> np.ndarray:
    if ids is None:
        return np.array([f"{prefix}{i}" for i in range(n)], dtype=object)
    arr = np.asarray([str(v) for v in ids], dtype=object)
    if arr.size != n:
        raise _length_error(f"{what}.ids", arr.size, n)
    if len(set(arr.tolist())) != n:
        duplicate = next(v for v in arr.tolist() if arr.tolist().count(v) > 1)
        raise PlanningInputError(f"{what}.ids", f"trùng mã {duplicate!r}", f"duplicate id {duplicate!r}")
    return arr


def _weight_map(weights, n: int) -> dict[str, np.ndarray]:
    if weights is None:
        return {"population": np.ones(n)}
    if isinstance(weights, Mapping):
        result = {str(k): np.asarray(v, dtype=float) for k, v in weights.items()}
    else:
        result = {"population": np.asarray(weights, dtype=float)}
    for key, value in result.items():
        if value.shape != (n,):
            raise _length_error(f"weight {key}", value.size, n)
        if np.any(value < 0) or not np.all(np.isfinite(value)):
            raise PlanningInputError(
                f"weight {key}", "phải là số hữu hạn, không âm", "must be finite and non-negative"
            )
    return result


def _area_types(area_type: Sequence[str] | str, n: int) -> np.ndarray:
    if isinstance(area_type, str):
        areas = np.array([area_type] * n, dtype=object)
    else:
        areas = np.asarray([str(a).strip().lower() for a in area_type], dtype=object)
    unknown = set(areas.tolist()) - set(AREA_TYPES)
    if unknown:
        raise PlanningInputError(
            "area_type",
            f"loại khu vực không hợp lệ {sorted(unknown)}; dùng {AREA_TYPES}",
            f"unknown area types {sorted(unknown)}; use {AREA_TYPES}",
        )
    if areas.shape != (n,):
        raise _length_error("area_type", areas.size, n)
    return areas


@dataclass(frozen=True)
class CandidateSites:
    """Service sites that exist or could open. ``capacity`` is NaN when unlimited."""

    ids: np.ndarray
    names: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    kind: np.ndarray
    capacity: np.ndarray
    fixed_open: np.ndarray
    fixed_closed: np.ndarray
    cost: np.ndarray
    counters: np.ndarray = field(default_factory=lambda: np.zeros(0))
    premises: np.ndarray = field(default_factory=lambda: np.zeros(0, bool))

    @classmethod
    def from_arrays(
        cls,
        lat: Sequence[float],
        lon: Sequence[float],
        *,
        ids: Sequence[str] | None = None,
        names: Sequence[str] | None = None,
        kind: Sequence[str] | str = "candidate",
        capacity: Sequence[float] | None = None,
        fixed_open: Sequence[bool] | None = None,
        fixed_closed: Sequence[bool] | None = None,
        cost: Sequence[float] | None = None,
        counters: Sequence[float] | None = None,
        premises: Sequence[bool] | None = None,
    ) -> CandidateSites:
        lat_arr, lon_arr = _float_array("sites.lat", lat), _float_array("sites.lon", lon)
        n = lat_arr.size
        ids_arr = _ids_or_default(ids, n, "s")
        check_coordinates("sites", lat_arr, lon_arr, ids_arr)
        kinds = (
            np.array([kind] * n, dtype=object) if isinstance(kind, str) else np.asarray(kind, dtype=object)
        )
        unknown = set(kinds.tolist()) - set(SITE_KINDS)
        if unknown:
            raise PlanningInputError(
                "kind",
                f"loại điểm không hợp lệ {sorted(unknown)}; dùng {SITE_KINDS}",
                f"unknown site kinds {sorted(unknown)}; use {SITE_KINDS}",
            )
        if kinds.shape != (n,):
            raise _length_error("sites.kind", kinds.size, n)
        if names is not None and len(names) != n:
            raise _length_error("sites.names", len(names), n)
        sites = cls(
            ids=ids_arr,
            names=np.asarray(names if names is not None else ids_arr, dtype=object),
            lat=lat_arr,
            lon=lon_arr,
            kind=kinds,
            capacity=_floats_or(capacity, n, np.nan, "capacity"),
            fixed_open=_bools_or(fixed_open, n, "fixed_open"),
            fixed_closed=_bools_or(fixed_closed, n, "fixed_closed"),
            cost=_floats_or(cost, n, 1.0, "cost"),
            counters=_floats_or(counters, n, np.nan, "counters"),
            premises=_premises(premises, kinds),
        )
        if np.any(sites.fixed_open & sites.fixed_closed):
            raise PlanningInputError(
                "fixed_open",
                "một điểm không thể vừa cố định mở vừa cố định đóng",
                "a site cannot be both fixed open and fixed closed",
            )
        return sites

    def __len__(self) -> int:
        return int(self.lat.size)

    def with_flags(self, *, fixed_open=None, fixed_closed=None) -> CandidateSites:
        n = len(self)
        return CandidateSites(
            self.ids,
            self.names,
            self.lat,
            self.lon,
            self.kind,
            self.capacity,
            _bools_or(fixed_open, n) if fixed_open is not None else self.fixed_open,
            _bools_or(fixed_closed, n) if fixed_closed is not None else self.fixed_closed,
            self.cost,
            self.counters,
            self.premises,
        )

    def subset(self, index: np.ndarray) -> CandidateSites:
        return CandidateSites(
            *(getattr(self, name)[index] for name in _SITE_FIELDS),
        )

    def index_of(self, site_ids: Sequence[str]) -> np.ndarray:
        position = {site_id: i for i, site_id in enumerate(self.ids.tolist())}
        missing = [s for s in site_ids if s not in position]
        if missing:
            raise PlanningInputError(
                "sites.ids", f"không có mã điểm {missing[:5]}", f"unknown site ids: {missing[:5]}"
            )
        return np.array([position[s] for s in site_ids], dtype=np.int64)


_SITE_FIELDS = (
    "ids",
    "names",
    "lat",
    "lon",
    "kind",
    "capacity",
    "fixed_open",
    "fixed_closed",
    "cost",
    "counters",
    "premises",
)


def concat_sites(first: CandidateSites, second: CandidateSites) -> CandidateSites:
    return CandidateSites(*(np.concatenate([getattr(first, f), getattr(second, f)]) for f in _SITE_FIELDS))


def _floats_or(values, n: int, default: float, field_name: str = "values") -> np.ndarray:
    if values is None:
        return np.full(n, default, dtype=float)
    arr = _float_array(field_name, values)
    if arr.shape != (n,):
        raise _length_error(field_name, arr.size, n)
    return arr


def _bools_or(values, n: int, field_name: str = "flags") -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=bool)
    arr = np.asarray(values, dtype=bool)
    if arr.shape != (n,):
        raise _length_error(field_name, arr.size, n)
    return arr


def _premises(values, kinds: np.ndarray) -> np.ndarray:
    """Whether a site has premises that can house a branch. Default: existing units do, candidates do not."""
    if values is None:
        return kinds != "candidate"
    return _bools_or(values, kinds.size, "premises")


# ---------------------------------------------------------------- CSV loaders


def read_csv_rows(path: str | Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def parse_bool(text: str | None) -> bool:
    return (text or "").strip().lower() in TRUE_WORDS


def parse_float(text: str | None, default: float = np.nan) -> float:
    text = (text or "").strip()
    return float(text) if text else default


def _column(path, rows: list[dict[str, str]], name: str, *, default: float | None = None) -> list[float]:
    """A numeric column; a missing value or column, or text, names the file, line and column."""
    values = []
    for line, row in enumerate(rows, start=2):
        text = (row.get(name) or "").strip()
        if not text and default is not None:
            values.append(default)
            continue
        try:
            values.append(float(text))
        except ValueError:
            raise PlanningInputError(
                f"{path} dòng/line {line}: {name}",
                f"cần một số, có {text!r}" if text else "thiếu giá trị",
                f"expected a number, got {text!r}" if text else "missing value",
            ) from None
    return values


def _optional_column(path, rows, name: str, default: float) -> list[float] | None:
    return _column(path, rows, name, default=default) if name in rows[0] else None


def _rows(path: str | Path, what_vi: str, what_en: str) -> list[dict[str, str]]:
    try:
        rows = read_csv_rows(path)
    except UnicodeDecodeError:
        raise PlanningInputError(str(path), "không phải tệp CSV UTF-8", "not a UTF-8 CSV file") from None
    if not rows:
        raise PlanningInputError(str(path), f"không có dòng {what_vi} nào", f"no {what_en} rows")
    return rows


def load_demand_csv(path: str | Path) -> DemandPoints:
    """Columns: id, lat, lon, population (or weight), optional dossiers, area_type, name."""
    rows = _rows(path, "điểm dân cư", "demand")
    weight_columns = [c for c in ("population", "dossiers", "weight") if c in rows[0]]
    if not weight_columns:
        raise PlanningInputError(
            str(path),
            "cần cột population, dossiers hoặc weight",
            "need a population, dossiers or weight column",
        )
    return DemandPoints.from_arrays(
        _column(path, rows, "lat"),
        _column(path, rows, "lon"),
        {c: _column(path, rows, c, default=0.0) for c in weight_columns},
        ids=[r.get("id") or r.get("code") or str(i) for i, r in enumerate(rows)],
        area_type=[r.get("area_type") or "urban" for r in rows],
        names=[r.get("name", "") for r in rows],
    )


def load_sites_csv(path: str | Path) -> CandidateSites:
    """Columns: id, name, lat, lon, kind, optional capacity, fixed_open, fixed_closed, cost, counters,
    premises (1/yes when the site can house a branch; default: existing units yes, candidates no)."""
    rows = _rows(path, "điểm phục vụ", "site")
    return CandidateSites.from_arrays(
        _column(path, rows, "lat"),
        _column(path, rows, "lon"),
        ids=[r.get("id") or r.get("code") or str(i) for i, r in enumerate(rows)],
        names=[r.get("name") or r.get("name_vi") or r.get("id", "") for r in rows],
        kind=[r.get("kind") or "candidate" for r in rows],
        capacity=_optional_column(path, rows, "capacity", np.nan),
        fixed_open=[parse_bool(r.get("fixed_open")) for r in rows],
        fixed_closed=[parse_bool(r.get("fixed_closed")) for r in rows],
        cost=_optional_column(path, rows, "cost", 1.0),
        counters=_optional_column(path, rows, "counters", np.nan),
        premises=[parse_bool(r.get("premises")) for r in rows] if "premises" in rows[0] else None,
    )
