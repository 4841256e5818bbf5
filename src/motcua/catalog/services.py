"""Writes to the catalog. An import is one transaction: all of it, or nothing."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from motcua.errors import ImportRejected, Problem
from motcua.network.models import Unit

from .exchange import read_catalog_file
from .models import Component, Fee, Procedure, ProcedureVersion, ProcessStep, ResultPaper, Sector
from .selectors import version_as_dict

PROCEDURE_FIELDS = ("code_verified", "name_vi", "name_en", "boundary_free", "online_level", "competent_level")


def import_catalog(*, path: Path) -> dict[str, int]:
    """Import a catalog file (JSON, Excel, CSV folder or zip). Re-importing the same file changes
    nothing. A version already used by dossiers is never changed: publish a new version instead."""
    catalog = read_catalog_file(
        path,
        known_sectors=set(Sector.objects.values_list("code", flat=True)),
        known_agencies=set(Unit.objects.values_list("code", flat=True)),
    )
    counts = {"sectors": 0, "procedures": 0, "versions_written": 0, "versions_unchanged": 0}
    with transaction.atomic():
        for sector in catalog["sectors"]:
            Sector.objects.update_or_create(
                code=sector["code"], defaults={"name_vi": sector["name_vi"], "name_en": sector["name_en"]}
            )
            counts["sectors"] += 1
        problems: list[Problem] = []
        for item in catalog["procedures"]:
            procedure = _save_procedure(item)
            counts["procedures"] += 1
            for version in item["versions"]:
                written = _save_version(procedure, version, problems)
                counts["versions_written" if written else "versions_unchanged"] += 1
        if problems:
            raise ImportRejected(problems, path.name)  # rolls the whole import back
    return counts


def _save_procedure(item: dict) -> Procedure:
    defaults = {f: item[f] for f in PROCEDURE_FIELDS}
    defaults["sector"] = Sector.objects.get(code=item["sector"])
    defaults["competent_agency"] = (
        Unit.objects.get(code=item["competent_agency"]) if item["competent_agency"] else None
    )
    procedure, _ = Procedure.objects.update_or_create(code=item["code"], defaults=defaults)
    return procedure


def _comparable(version: dict) -> dict:
    clean = {k: v for k, v in version.items() if k != "where"}
    clean["components"] = [{k: v for k, v in c.items() if k != "where"} for c in clean["components"]]
    clean["steps"] = [{k: v for k, v in s.items() if k != "where"} for s in clean["steps"]]
    return clean


def _incoming_as_stored(version: dict) -> dict:
    """The incoming version in the shape version_as_dict() gives for a stored one."""

    def amount(value):
        return None if value is None else format(value.normalize(), "f")

    online = None
    if version["online_limit_amount"] is not None:
        online = {"amount": amount(version["online_limit_amount"]), "unit": version["online_limit_unit"]}
    return {
        "version": version["version"],
        "effective_from": version["effective_from"].isoformat(),
        "legal_basis": version["legal_basis"],
        "time_limit": {"amount": amount(version["limit_amount"]), "unit": version["limit_unit"]},
        "time_limit_online": online,
        "fees": version["fees"],
        "components": version["components"],
        "results": version["results"],
        "steps": [
            {**s, "days": amount(s["days"])} for s in sorted(version["steps"], key=lambda s: s["order"])
        ],
    }


def _save_version(procedure: Procedure, version: dict, problems: list[Problem]) -> bool:
    incoming = _comparable(_incoming_as_stored(version))
    existing = ProcedureVersion.objects.filter(procedure=procedure, version=version["version"]).first()
    if existing is not None:
        if _comparable(version_as_dict(existing)) == incoming:
            return False
        in_use = dossiers_using(existing)
        if in_use:
            problems.append(
                Problem(
                    "version",
                    f"phiên bản {existing.version} của thủ tục {procedure.code} đang được {in_use} hồ sơ sử dụng; "
                    f"hãy công bố thành phiên bản mới",
                    f"version {existing.version} of procedure {procedure.code} is used by {in_use} dossier(s); "
                    f"publish the change as a new version",
                    version["where"],
                )
            )
            return False
        existing.delete()
    _create_version(procedure, version)
    return True


def dossiers_using(version: ProcedureVersion) -> int:
    related = getattr(version, "dossiers", None)
    return related.count() if related is not None else 0


def _create_version(procedure: Procedure, data: dict) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        version=data["version"],
        effective_from=data["effective_from"],
        legal_basis=data["legal_basis"],
        limit_amount=data["limit_amount"],
        limit_unit=data["limit_unit"],
        online_limit_amount=data["online_limit_amount"],
        online_limit_unit=data["online_limit_unit"] or "",
    )
    Fee.objects.bulk_create(Fee(version=version, **fee) for fee in data["fees"])
    Component.objects.bulk_create(
        Component(version=version, order=index, **{k: v for k, v in c.items() if k != "where"})
        for index, c in enumerate(data["components"])
    )
    ResultPaper.objects.bulk_create(ResultPaper(version=version, **r) for r in data["results"])
    ProcessStep.objects.bulk_create(
        ProcessStep(version=version, **{k: v for k, v in s.items() if k != "where"}) for s in data["steps"]
    )
    return version
