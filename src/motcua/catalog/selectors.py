"""Reads of the catalog: the version in force, and the catalog as data for export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from motcua.errors import NotFound
from motcua.network import reference

from .exchange import FORMAT_NAME
from .models import Procedure, ProcedureVersion, Sector
from .search import words

VERSION_PREFETCH = ("fees", "components", "results", "steps")


def procedures() -> QuerySet[Procedure]:
    return Procedure.objects.select_related("sector", "competent_agency")


def matching(queryset: QuerySet[Procedure], query: str) -> QuerySet[Procedure]:
    """Procedures whose code or names hold every word of the query, whatever the capitals and
    diacritics ("ket hon" finds "Đăng ký kết hôn")."""
    for word in words(query):
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def version_in_force(procedure: Procedure, on: date) -> ProcedureVersion:
    version = (
        procedure.versions.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()
    )
    if version is None:
        raise NotFound(
            f"phiên bản của thủ tục {procedure.code} có hiệu lực ngày {on:%d/%m/%Y}",
            f"a version of procedure {procedure.code} in force on {on:%Y-%m-%d}",
        )
    return version


def published_version(version_id: int) -> ProcedureVersion:
    """A version with its fees, components and steps, from the reference memo: a version in use is
    never changed (catalog.services refuses), and any catalog write renews the memo's generation."""
    return reference.remembered(
        ("published_version", version_id),
        lambda: ProcedureVersion.objects.prefetch_related("fees", "components", "steps").get(pk=version_id),
    )


def version_in_force_cached(procedure: Procedure, on: date) -> ProcedureVersion:
    """version_in_force() through the reference memo, with its parts prefetched: the procedure's
    versions (effective date, number, id) are remembered once, not per day."""
    versions = reference.remembered(
        ("versions_by_date", procedure.pk),
        lambda: sorted(procedure.versions.values_list("effective_from", "version", "pk"), reverse=True),
    )
    version_id = next((pk for effective_from, _, pk in versions if effective_from <= on), None)
    if version_id is None:
        version_in_force(procedure, on)  # raises NotFound, naming the procedure and the day
    return published_version(version_id)


def _amount(value: Decimal | None) -> str | None:
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return text


def version_as_dict(version: ProcedureVersion) -> dict:
    online = None
    if version.online_limit_amount is not None:
        online = {"amount": _amount(version.online_limit_amount), "unit": version.online_limit_unit}
    return {
        "version": version.version,
        "effective_from": version.effective_from.isoformat(),
        "legal_basis": version.legal_basis,
        "time_limit": {"amount": _amount(version.limit_amount), "unit": version.limit_unit},
        "time_limit_online": online,
        "fees": [
            {"name_vi": f.name_vi, "name_en": f.name_en, "amount_vnd": f.amount_vnd, "kind": f.kind}
            for f in version.fees.all()
        ],
        "components": [
            {
                "code": c.code,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "form": c.form,
                "quantity": c.quantity,
                "required": c.required,
                "condition_vi": c.condition_vi,
                "condition_en": c.condition_en,
                "reusable": c.reusable,
                "template": c.template,
            }
            for c in version.components.all()
        ],
        "results": [
            {"code": r.code, "name_vi": r.name_vi, "name_en": r.name_en} for r in version.results.all()
        ],
        "steps": [
            {
                "order": s.order,
                "name_vi": s.name_vi,
                "name_en": s.name_en,
                "performer": s.performer,
                "role": s.role,
                "days": _amount(s.days),
            }
            for s in version.steps.all()
        ],
    }


def procedure_as_dict(procedure: Procedure) -> dict:
    competent = {"level": procedure.competent_level}
    if procedure.competent_agency_id:
        competent["agency"] = procedure.competent_agency.code
    return {
        "code": procedure.code,
        "code_verified": procedure.code_verified,
        "name_vi": procedure.name_vi,
        "name_en": procedure.name_en,
        "sector": procedure.sector.code,
        "competent": competent,
        "boundary_free": procedure.boundary_free,
        "online_level": procedure.online_level,
        "versions": [version_as_dict(v) for v in procedure.versions.all()],
    }


def export_catalog() -> dict:
    versions = ProcedureVersion.objects.prefetch_related(*VERSION_PREFETCH).order_by("version")
    queryset = procedures().prefetch_related(Prefetch("versions", queryset=versions))
    return {
        "format": FORMAT_NAME,
        "format_version": 1,
        "sectors": [
            {"code": s.code, "name_vi": s.name_vi, "name_en": s.name_en} for s in Sector.objects.all()
        ],
        "procedures": [procedure_as_dict(p) for p in queryset],
    }
