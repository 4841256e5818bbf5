"""File formats of the service network: jurisdictions, units and staff as CSV or JSON.

The columns are the same in both formats; JSON files hold {"jurisdictions": [...], "units": [...],
"staff": [...]} (any of the three keys)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from motcua.errors import ImportRejected, Problem
from motcua.tabular import Row, RowChecker, json_rows, load_json, parse_rows, read_csv

from .models import AGENCY_CODE_PATTERN, JurisdictionLevel, Role, UnitKind

JURISDICTION_COLUMNS = [
    "code",
    "parent_code",
    "level",
    "unit_type",
    "name",
    "population",
    "population_year",
    "area_km2",
    "lat",
    "lon",
    "coord_approximate",
    "coord_source",
]
UNIT_COLUMNS = [
    "code",
    "kind",
    "name_vi",
    "name_en",
    "jurisdiction_code",
    "parent_code",
    "address",
    "lat",
    "lon",
    "coord_approximate",
    "counters",
    "opening_hours",
    "phone",
]
STAFF_COLUMNS = ["username", "full_name", "email", "unit_code", "role"]
KINDS = {"jurisdictions": JURISDICTION_COLUMNS, "units": UNIT_COLUMNS, "staff": STAFF_COLUMNS}


@dataclass
class NetworkFile:
    jurisdictions: list[dict]
    units: list[dict]
    staff: list[dict]


def parse_jurisdiction(check: RowChecker) -> dict:
    return {
        "where": check.row.where,
        "code": check.text("code", required=True, max_length=16),
        "parent_code": check.text("parent_code", max_length=16),
        "level": check.choice("level", JurisdictionLevel.values),
        "unit_type": check.text("unit_type", max_length=16),
        "name": check.text("name", required=True, max_length=120),
        "population": check.integer("population"),
        "population_year": check.integer("population_year", minimum=1900),
        "area_km2": check.decimal("area_km2"),
        "lat": check.coordinate("lat", -90, 90),
        "lon": check.coordinate("lon", -180, 180),
        "coord_approximate": check.boolean("coord_approximate", default=True),
        "coord_source": check.text("coord_source", max_length=300),
    }


def parse_unit(check: RowChecker) -> dict:
    code = check.text("code", required=True)
    if code and not AGENCY_CODE_PATTERN.match(code):
        check.fail(
            "code",
            f"'{code}' không đúng mẫu QCVN 102:2016 (vd. 000.00.01.H57)",
            f"'{code}' does not follow QCVN 102:2016 (e.g. 000.00.01.H57)",
        )
    return {
        "where": check.row.where,
        "code": code,
        "kind": check.choice("kind", UnitKind.values),
        "name_vi": check.text("name_vi", required=True, max_length=200),
        "name_en": check.text("name_en", max_length=200),
        "jurisdiction_code": check.text("jurisdiction_code", required=True),
        "parent_code": check.text("parent_code"),
        "address": check.text("address", max_length=300),
        "lat": check.coordinate("lat", -90, 90),
        "lon": check.coordinate("lon", -180, 180),
        "coord_approximate": check.boolean("coord_approximate", default=True),
        "counters": check.integer("counters") or 0,
        "opening_hours": check.text("opening_hours", max_length=120),
        "phone": check.text("phone", max_length=40),
    }


def parse_staff(check: RowChecker) -> dict:
    return {
        "where": check.row.where,
        "username": check.text("username", required=True, max_length=150),
        "full_name": check.text("full_name", max_length=150),
        "email": check.text("email", max_length=254),
        "unit_code": check.text("unit_code", required=True),
        "role": check.choice("role", Role.values),
    }


PARSERS = {"jurisdictions": parse_jurisdiction, "units": parse_unit, "staff": parse_staff}


def kind_of_csv(rows: list[Row], path: Path) -> str:
    """Tell a jurisdictions, units or staff CSV apart by its columns."""
    columns = set(rows[0].values) if rows else set()
    for kind, expected in (("units", "kind"), ("staff", "username"), ("jurisdictions", "level")):
        if expected in columns:
            return kind
    raise ImportRejected(
        [
            Problem(
                field="header",
                where=f"{path.name} line 1",
                reason_vi="không nhận ra loại tệp: cần cột 'level' (địa bàn), 'kind' (đơn vị) hoặc 'username' (cán bộ)",
                reason_en="unknown file: expected a 'level' (jurisdictions), 'kind' (units) or 'username' (staff) column",
            )
        ],
        path.name,
    )


def read_network_file(path: Path) -> tuple[NetworkFile, list[Problem]]:
    """Parse one file; return what was read and every problem found in its rows. A file that cannot
    be read at all raises ImportRejected."""
    sections: dict[str, list[Row]] = {"jurisdictions": [], "units": [], "staff": []}
    if path.suffix.lower() == ".json":
        data = load_json(path, path.name)
        if not isinstance(data, dict):
            raise ImportRejected(
                [Problem("json", "phải là một đối tượng JSON", "must be a JSON object", path.name)], path.name
            )
        for kind in sections:
            if kind in data:
                sections[kind] = json_rows(data[kind], path.name, kind)
    elif path.suffix.lower() == ".csv":
        rows = read_csv(path)
        if rows:
            sections[kind_of_csv(rows, path)] = rows
    else:
        raise ImportRejected(
            [Problem("file", "chỉ nhận .csv hoặc .json", "only .csv or .json files are accepted", path.name)],
            path.name,
        )
    problems: list[Problem] = []
    parsed: dict[str, list[dict]] = {}
    for kind, rows in sections.items():
        parsed[kind], found = parse_rows(rows, PARSERS[kind])
        problems += found
    return NetworkFile(**parsed), problems
