"""The demo province: Binh Duong's network, a real-procedure catalog and one account per role.
Loading twice changes nothing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
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


def demo_mode() -> bool:
    """Whether the site runs as the demo (MOTCUA_DEMO=1): the log-in page then lists the demo accounts.
    Never in production: the accounts' password is public."""
    return bool(settings.MOTCUA.get("DEMO"))


# Every unit's own accounts, so that any procedure's route can be walked: a counter officer at each
# center, branch and reception point, a postal officer (Bưu điện) at the center and each branch, a
# specialist and a leader at each agency. The demo history acts through the same accounts.
UNIT_STAFF_PREFIX = {Role.COUNTER: "cb", Role.POSTAL: "bd", Role.SPECIALIST: "cv", Role.LEADER: "ld"}
UNIT_STAFF_TITLE = {
    Role.COUNTER: "Cán bộ một cửa",
    Role.POSTAL: "Nhân viên bưu điện",
    Role.SPECIALIST: "Chuyên viên",
    Role.LEADER: "Lãnh đạo",
}
SERVICE_KINDS = (UnitKind.CENTER, UnitKind.BRANCH, UnitKind.RECEPTION_POINT)
POSTAL_KINDS = (UnitKind.CENTER, UnitKind.BRANCH)  # where the post has a desk


def unit_roles(unit: Unit) -> list[str]:
    """The roles of a unit's own demo accounts."""
    if unit.kind not in SERVICE_KINDS:
        return [Role.SPECIALIST, Role.LEADER]
    return [Role.COUNTER, Role.POSTAL] if unit.kind in POSTAL_KINDS else [Role.COUNTER]


def unit_staff_plan() -> list[tuple[str, Unit, str]]:
    """(username, unit, role) of every active unit's own accounts, by unit code."""
    plan = []
    for unit in Unit.objects.filter(active=True).order_by("code"):
        plan += [(f"{UNIT_STAFF_PREFIX[role]}.{unit.code}", unit, role) for role in unit_roles(unit)]
    return plan


def ensure_unit_staff(password: str | None = None) -> int:
    """Create every unit's accounts and roles in bulk (once); with a password, an account without a
    usable one gets it (a password someone set is kept). One hash serves them all: the accounts share
    the demo password anyway, and hashing hundreds at a time would take minutes. Returns how many new."""
    user_model = get_user_model()
    plan = unit_staff_plan()
    names = [name for name, _, _ in plan]
    encoded = make_password(password)  # None: an unusable password
    existing = set(user_model.objects.filter(username__in=names).values_list("username", flat=True))
    new = [
        user_model(
            username=name, first_name=UNIT_STAFF_TITLE[role], last_name=unit.name_vi[:150], password=encoded
        )
        for name, unit, role in plan
        if name not in existing
    ]
    user_model.objects.bulk_create(new)
    if password is not None:
        unusable = [
            u.pk
            for u in user_model.objects.filter(username__in=existing).only("pk", "password")
            if not u.has_usable_password()
        ]
        user_model.objects.filter(pk__in=unusable).update(password=encoded)
    users = dict(user_model.objects.filter(username__in=names).values_list("username", "pk"))
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=users[name], unit=unit, role=role) for name, unit, role in plan],
        ignore_conflicts=True,
    )
    return len(new)


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
        ensure_unit_staff(password)
    return accounts


ROLE_ORDER = [Role.ADMIN, Role.MANAGER, Role.COUNTER, Role.POSTAL, Role.SPECIALIST, Role.LEADER]
KIND_ORDER = [
    UnitKind.CENTER,
    UnitKind.BRANCH,
    UnitKind.RECEPTION_POINT,
    UnitKind.DEPARTMENT,
    UnitKind.VERTICAL,
    UnitKind.DISTRICT_PC,
    UnitKind.COMMUNE_PC,
]


@dataclass(frozen=True)
class UnitAccounts:
    """One unit's own demo accounts: [(username, role)]."""

    unit: Unit
    accounts: list[tuple[str, str]]


@dataclass(frozen=True)
class DemoDirectory:
    """The demo accounts as the log-in page and load-demo show them: the named accounts by role, then
    every unit's own accounts by kind of unit."""

    by_role: list[tuple[str, list[tuple[DemoAccount, Unit]]]]  # (role, [(account, unit)])
    by_kind: list[tuple[str, list[UnitAccounts]]]  # (unit kind, units)

    @property
    def unit_count(self) -> int:
        return sum(len(units) for _, units in self.by_kind)


def demo_directory() -> DemoDirectory:
    """Who can log in to the demo (the accounts that exist: load-demo made them)."""
    user_model = get_user_model()
    named = [a for a in demo_accounts_if_loaded() if user_model.objects.filter(username=a.username).exists()]
    units = {u.code: u for u in Unit.objects.filter(code__in={a.unit_code for a in named})}
    by_role = [
        (role, [(a, units[a.unit_code]) for a in named if a.role == role and a.unit_code in units])
        for role in ROLE_ORDER
    ]
    plan = unit_staff_plan()
    existing = set(
        user_model.objects.filter(username__in=[n for n, _, _ in plan]).values_list("username", flat=True)
    )
    per_unit: dict[int, UnitAccounts] = {}
    for name, unit, role in plan:
        if name in existing:
            per_unit.setdefault(unit.pk, UnitAccounts(unit, [])).accounts.append((name, role))
    by_kind = [(kind, [u for u in per_unit.values() if u.unit.kind == kind]) for kind in KIND_ORDER]
    return DemoDirectory(
        by_role=[(role, found) for role, found in by_role if found],
        by_kind=[(kind, found) for kind, found in by_kind if found],
    )


def demo_accounts_if_loaded() -> list[DemoAccount]:
    """The named demo accounts, or none when the demo network is not loaded."""
    try:
        return demo_accounts()
    except LookupError:
        return []
