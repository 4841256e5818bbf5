from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import User

from motcua.catalog.services import import_catalog
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn
from motcua.network.models import Role, RoleAssignment, Unit
from tests.catalog.test_import import CATALOG, write_catalog

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

CENTER = "000.00.00.H57"
BRANCH_TDM = "000.00.30.H57"
BRANCH_DT = "000.00.31.H57"
POINT_PHU_CUONG = "001.30.00.H57"
POINT_DAU_TIENG = "002.31.00.H57"
JUSTICE = "000.00.01.H57"
COMMUNE_PHU_CUONG = "001.01.00.H57"
COMMUNE_DAU_TIENG = "002.02.00.H57"


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=TZ)


@pytest.fixture
def world(small_network, tmp_path):
    """The small test network, the two-procedure catalog and one staff member per role and unit."""
    import_catalog(path=write_catalog(tmp_path, CATALOG))
    staff = {}
    for name, unit_code, role in [
        ("counter_pc", POINT_PHU_CUONG, Role.COUNTER),
        ("counter_dt", POINT_DAU_TIENG, Role.COUNTER),
        ("counter_center", CENTER, Role.COUNTER),
        ("postal", CENTER, Role.POSTAL),
        ("spec_justice", JUSTICE, Role.SPECIALIST),
        ("lead_justice", JUSTICE, Role.LEADER),
        ("spec_dt", COMMUNE_DAU_TIENG, Role.SPECIALIST),
        ("lead_dt", COMMUNE_DAU_TIENG, Role.LEADER),
        ("counter_tdm", BRANCH_TDM, Role.COUNTER),
        ("manager", CENTER, Role.MANAGER),
        ("outsider", BRANCH_DT, Role.COUNTER),
    ]:
        user = User.objects.create_user(username=name, password="x-test-password")
        RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
        staff[name] = user
    return {name: Actor.staff(user) for name, user in staff.items()}


def judicial_request(**overrides) -> IntakeRequest:
    values = dict(
        unit=POINT_DAU_TIENG,
        procedure="2.000488",
        subject_jurisdiction="25747",
        applicant=Applicant(
            name="Nguyễn Thị Hoa",
            id_number="074190001234",
            phone="0912345678",
            address="Phú Cường, Thủ Dầu Một",
        ),
        papers=[PaperIn(component="TP1", form="original")],
        return_unit=BRANCH_TDM,
    )
    values.update(overrides)
    return IntakeRequest(**values)


def birth_request(**overrides) -> IntakeRequest:
    values = dict(
        unit=POINT_PHU_CUONG,
        procedure="1.001193",
        subject_jurisdiction="25966",
        applicant=Applicant(name="Trần Văn Nam", id_number="074090004321"),
        papers=[PaperIn(component="TP1")],
        return_unit=CENTER,
    )
    values.update(overrides)
    return IntakeRequest(**values)
