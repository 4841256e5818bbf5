"""Reads of the service network."""

from __future__ import annotations

from django.db.models import QuerySet

from .exchange import JURISDICTION_COLUMNS, STAFF_COLUMNS, UNIT_COLUMNS
from .models import SERVICE_UNIT_KINDS, Jurisdiction, RoleAssignment, Unit


def service_units() -> QuerySet[Unit]:
    return Unit.objects.filter(kind__in=SERVICE_UNIT_KINDS, active=True).select_related("jurisdiction")


def export_network() -> dict[str, tuple[list[str], list[dict]]]:
    jurisdictions = [
        {**_values(j, JURISDICTION_COLUMNS), "parent_code": j.parent.code if j.parent else ""}
        for j in Jurisdiction.objects.select_related("parent")
    ]
    units = [
        {
            **_values(u, UNIT_COLUMNS),
            "jurisdiction_code": u.jurisdiction.code,
            "parent_code": u.parent.code if u.parent else "",
        }
        for u in Unit.objects.select_related("jurisdiction", "parent")
    ]
    staff = [
        {
            "username": a.user.username,
            "full_name": a.user.get_full_name(),
            "email": a.user.email,
            "unit_code": a.unit.code,
            "role": a.role,
        }
        for a in RoleAssignment.objects.select_related("user", "unit").order_by(
            "user__username", "unit__code"
        )
    ]
    return {
        "jurisdictions": (JURISDICTION_COLUMNS, jurisdictions),
        "units": (UNIT_COLUMNS, units),
        "staff": (STAFF_COLUMNS, staff),
    }


def _values(obj, columns: list[str]) -> dict:
    return {c: getattr(obj, c) for c in columns if hasattr(obj, c)}
