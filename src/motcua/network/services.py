"""Writes to the service network: imports (all-or-nothing) and role changes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.errors import ImportRejected, Problem, ValidationFailed

from .exchange import JURISDICTION_COLUMNS, UNIT_COLUMNS, NetworkFile, read_network_file
from .models import Jurisdiction, Role, RoleAssignment, Unit, UnitKind

# columns that name other rows: resolved to foreign keys, not copied
REFERENCE_COLUMNS = ("code", "parent_code", "jurisdiction_code")


def import_network(*, paths: list[Path]) -> dict[str, int]:
    """Import jurisdictions, units and staff from files; every file is checked before anything is
    written, and the whole import is one transaction. Existing rows (same code) are updated."""
    problems: list[Problem] = []
    files = []
    for path in paths:
        network_file, found = read_network_file(path)
        files.append(network_file)
        problems += found
    merged = NetworkFile(
        jurisdictions=[r for f in files for r in f.jurisdictions],
        units=[r for f in files for r in f.units],
        staff=[r for f in files for r in f.staff],
    )
    source = ", ".join(p.name for p in paths)
    problems += _check_references(merged)
    if problems:
        raise ImportRejected(problems, source)
    with transaction.atomic():
        jurisdictions = _save_jurisdictions(merged.jurisdictions)
        units = _save_units(merged.units)
        staff = _save_staff(merged.staff)
    return {"jurisdictions": jurisdictions, "units": units, "staff": staff}


def _duplicates(rows: list[dict], key: str, label: str) -> list[Problem]:
    counts = Counter(r[key] for r in rows)
    return [
        Problem(
            key,
            f"{label} '{r[key]}' bị lặp trong tệp",
            f"{label} '{r[key]}' appears more than once",
            r["where"],
        )
        for r in rows
        if counts[r[key]] > 1
    ]


def _check_references(data: NetworkFile) -> list[Problem]:
    problems = _duplicates(data.jurisdictions, "code", "mã")
    problems += _duplicates(data.units, "code", "mã")
    jurisdiction_codes = {r["code"] for r in data.jurisdictions}
    jurisdiction_codes |= set(Jurisdiction.objects.values_list("code", flat=True))
    unit_codes = {r["code"] for r in data.units} | set(Unit.objects.values_list("code", flat=True))
    for row in data.jurisdictions:
        if row["parent_code"] and row["parent_code"] not in jurisdiction_codes:
            problems.append(_unknown(row, "parent_code", "địa bàn", "jurisdiction"))
    for row in data.units:
        if row["jurisdiction_code"] not in jurisdiction_codes:
            problems.append(_unknown(row, "jurisdiction_code", "địa bàn", "jurisdiction"))
        if row["parent_code"] and row["parent_code"] not in unit_codes:
            problems.append(_unknown(row, "parent_code", "đơn vị", "unit"))
    kinds = dict(Unit.objects.values_list("code", "kind")) | {r["code"]: r["kind"] for r in data.units}
    for row in data.staff:
        if row["unit_code"] not in unit_codes:
            problems.append(_unknown(row, "unit_code", "đơn vị", "unit"))
        elif row["role"] == Role.MANAGER and kinds.get(row["unit_code"]) != UnitKind.CENTER:
            problems.append(_manager_outside_center(row["unit_code"], row["where"]))
    return problems


def _manager_outside_center(unit_code: str, where: str = "") -> Problem:
    """A center manager sees every dossier of the province: the role is held at the center only."""
    return Problem(
        "role",
        f"vai trò quản lý trung tâm chỉ được giao tại Trung tâm, không tại đơn vị '{unit_code}'",
        f"the center manager role can only be held at the center, not at unit '{unit_code}'",
        where,
    )


def _unknown(row: dict, field: str, what_vi: str, what_en: str) -> Problem:
    return Problem(
        field, f"không có {what_vi} mã '{row[field]}'", f"no {what_en} with code '{row[field]}'", row["where"]
    )


def _save_jurisdictions(rows: list[dict]) -> int:
    fields = [c for c in JURISDICTION_COLUMNS if c not in REFERENCE_COLUMNS]
    for row in rows:
        Jurisdiction.objects.update_or_create(code=row["code"], defaults={f: row[f] for f in fields})
    by_code = {j.code: j for j in Jurisdiction.objects.all()}
    for row in rows:
        node = by_code[row["code"]]
        node.parent = by_code.get(row["parent_code"]) if row["parent_code"] else None
        node.save(update_fields=["parent"])
    return len(rows)


def _save_units(rows: list[dict]) -> int:
    fields = [c for c in UNIT_COLUMNS if c not in REFERENCE_COLUMNS]
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    for row in rows:
        defaults = {f: row[f] for f in fields}
        defaults["jurisdiction"] = jurisdictions[row["jurisdiction_code"]]
        Unit.objects.update_or_create(code=row["code"], defaults=defaults)
    units = {u.code: u for u in Unit.objects.all()}
    for row in rows:
        unit = units[row["code"]]
        unit.parent = units.get(row["parent_code"]) if row["parent_code"] else None
        unit.save(update_fields=["parent"])
    return len(rows)


def _save_staff(rows: list[dict]) -> int:
    user_model = get_user_model()
    units = {u.code: u for u in Unit.objects.all()}
    for row in rows:
        first, _, last = row["full_name"].rpartition(" ")
        user, created = user_model.objects.get_or_create(
            username=row["username"],
            defaults={"first_name": first, "last_name": last, "email": row["email"], "is_staff": False},
        )
        if created:
            user.set_unusable_password()  # staff set their password through the reset flow
            user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, unit=units[row["unit_code"]], role=row["role"])
    return len(rows)


def grant_role(*, user, unit: Unit, role: str) -> RoleAssignment:
    if role == Role.MANAGER and unit.kind != UnitKind.CENTER:
        raise ValidationFailed(
            message_vi="Không thể giao vai trò này tại đơn vị đã chọn.",
            message_en="This role cannot be granted at the chosen unit.",
            problems=[_manager_outside_center(unit.code)],
        )
    with transaction.atomic():
        assignment, _ = RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role)
    return assignment
