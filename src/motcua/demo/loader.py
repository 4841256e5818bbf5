"""The demo province: Binh Duong's network, a real-procedure catalog and one account per role.
Loading twice changes nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.catalog.services import import_catalog
from motcua.network.models import Role, RoleAssignment, Unit, UnitKind
from motcua.network.services import import_network

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_DEMO_PASSWORD = "motcua-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit_code: str
    superuser: bool = False


def demo_password() -> str:
    return os.environ.get("MOTCUA_DEMO_PASSWORD", DEFAULT_DEMO_PASSWORD)


def load_network_and_catalog() -> dict[str, dict[str, int]]:
    network = import_network(paths=[DATA_DIR / "jurisdictions.csv", DATA_DIR / "units.csv"])
    catalog = import_catalog(path=DATA_DIR / "catalog.json")
    return {"network": network, "catalog": catalog}


def _first(kind: str, name_contains: str = "") -> Unit:
    units = Unit.objects.filter(kind=kind).order_by("code")
    if name_contains:
        units = units.filter(name_vi__icontains=name_contains) or units
    unit = units.first()
    if unit is None:
        raise LookupError(f"demo data has no unit of kind {kind}")
    return unit


def demo_accounts() -> list[DemoAccount]:
    center = _first(UnitKind.CENTER)
    branch = _first(UnitKind.BRANCH)
    reception = _first(UnitKind.RECEPTION_POINT)
    justice = _first(UnitKind.DEPARTMENT, "Tư pháp")
    commune = _first(UnitKind.COMMUNE_PC)
    district = _first(UnitKind.DISTRICT_PC)
    return [
        DemoAccount("admin", "Quản Trị Viên", Role.ADMIN, center.code, superuser=True),
        DemoAccount("quanly", "Nguyễn Văn Quản", Role.MANAGER, center.code),
        DemoAccount("motcua.trungtam", "Trần Thị Tiếp", Role.COUNTER, center.code),
        DemoAccount("motcua.chinhanh", "Lê Văn Nhận", Role.COUNTER, branch.code),
        DemoAccount("motcua.diem", "Phạm Thị Điểm", Role.COUNTER, reception.code),
        DemoAccount("buudien", "Võ Văn Bưu", Role.POSTAL, center.code),
        DemoAccount("chuyenvien.tuphap", "Đặng Thị Pháp", Role.SPECIALIST, justice.code),
        DemoAccount("lanhdao.tuphap", "Hoàng Văn Lãnh", Role.LEADER, justice.code),
        DemoAccount("chuyenvien.huyen", "Bùi Thị Huyện", Role.SPECIALIST, district.code),
        DemoAccount("lanhdao.huyen", "Đỗ Văn Đạo", Role.LEADER, district.code),
        DemoAccount("chuyenvien.xa", "Ngô Thị Xã", Role.SPECIALIST, commune.code),
        DemoAccount("lanhdao.xa", "Dương Văn Xã", Role.LEADER, commune.code),
    ]


def ensure_demo_accounts(password: str | None = None) -> list[DemoAccount]:
    """Create the demo accounts (once) and give each its role; existing passwords are kept."""
    password = password or demo_password()
    user_model = get_user_model()
    accounts = demo_accounts()
    with transaction.atomic():
        for account in accounts:
            first, _, last = account.full_name.rpartition(" ")
            user, created = user_model.objects.get_or_create(
                username=account.username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": account.superuser,
                    "is_superuser": account.superuser,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            unit = Unit.objects.get(code=account.unit_code)
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=account.role)
    return accounts
