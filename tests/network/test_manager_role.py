"""The center manager sees the whole province: the role counts only when held at the center, and the
staff import, grant_role and the admin's model check refuse it anywhere else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, ImportRejected, ValidationFailed
from motcua.network.models import Role, RoleAssignment, Unit
from motcua.network.services import grant_role, import_network

CENTER, BRANCH_TDM, JUSTICE = "000.00.00.H57", "000.00.30.H57", "000.00.01.H57"


def _user_with(unit_code: str, role: str = Role.MANAGER) -> User:
    user = User.objects.create_user(username=f"u-{unit_code}-{role}", password="x-test-password")
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=unit_code), role=role)
    return user


def test_only_a_manager_at_the_center_is_a_manager(small_network):
    assert Actor.staff(_user_with(CENTER)).manager is True
    branch = Actor.staff(_user_with(BRANCH_TDM))  # a row written around the checks (old data, raw SQL)
    assert branch.manager is False and (Unit.objects.get(code=BRANCH_TDM).pk, Role.MANAGER) in branch.roles
    assert Actor.staff(_user_with(JUSTICE)).manager is False
    assert Actor.staff(_user_with(CENTER, Role.COUNTER)).manager is False
    superuser = User.objects.create_superuser("root", password="x-test-password")
    assert Actor.staff(superuser).manager is True


def test_a_branch_manager_neither_sees_the_province_nor_opens_the_planning_pages(small_network, client):
    from motcua.monitoring.services import PlanRequest, start_plan_run

    user = _user_with(BRANCH_TDM)
    with pytest.raises(Forbidden):
        start_plan_run(actor=Actor.staff(user), request=PlanRequest(name="x", model="lscp", time_limit=60))
    client.force_login(user)
    assert client.get("/planning/").status_code == 403
    client.force_login(_user_with(CENTER))
    assert client.get("/planning/").status_code == 200


def test_grant_role_refuses_a_manager_outside_the_center(small_network):
    user = User.objects.create_user(username="binh", password="x-test-password")
    with pytest.raises(ValidationFailed) as caught:
        grant_role(user=user, unit=Unit.objects.get(code=BRANCH_TDM), role=Role.MANAGER)
    problem = caught.value.problems[0]
    assert problem.field == "role" and BRANCH_TDM in problem.reason_en and "Trung tâm" in problem.reason_vi
    assert not RoleAssignment.objects.filter(user=user).exists()
    assert grant_role(user=user, unit=Unit.objects.get(code=CENTER), role=Role.MANAGER).role == Role.MANAGER
    assert grant_role(user=user, unit=Unit.objects.get(code=BRANCH_TDM), role=Role.COUNTER)


def test_the_staff_import_refuses_a_manager_outside_the_center(small_network, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "username,full_name,email,unit_code,role\n"
        f"an,Nguyễn Văn An,an@example.org,{CENTER},manager\n"
        f"binh,Trần Thị Bình,binh@example.org,{BRANCH_TDM},manager\n"
        f"chi,Lê Văn Chí,chi@example.org,{JUSTICE},counter\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportRejected) as caught:
        import_network(paths=[staff])
    problems = caught.value.problems
    assert [(p.where, p.field) for p in problems] == [("staff.csv line 3", "role")]
    assert "quản lý trung tâm" in problems[0].reason_vi and BRANCH_TDM in problems[0].reason_en
    assert not User.objects.filter(username__in=["an", "binh", "chi"]).exists()  # nothing written


def test_the_staff_import_knows_the_kinds_of_units_in_the_same_import(network_files, db, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text(
        f"username,full_name,email,unit_code,role\nan,Nguyễn Văn An,an@example.org,{CENTER},manager\n",
        encoding="utf-8",
    )
    assert import_network(paths=[*network_files, staff])["staff"] == 1
    assert Actor.staff(User.objects.get(username="an")).manager is True


def test_the_admin_model_check_refuses_a_manager_outside_the_center(small_network):
    user = User.objects.create_user(username="binh", password="x-test-password")
    assignment = RoleAssignment(user=user, unit=Unit.objects.get(code=BRANCH_TDM), role=Role.MANAGER)
    with pytest.raises(ValidationError) as caught:
        assignment.full_clean()
    assert "role" in caught.value.message_dict
    RoleAssignment(user=user, unit=Unit.objects.get(code=CENTER), role=Role.MANAGER).full_clean()
