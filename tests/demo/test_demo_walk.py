"""A demo a newcomer can walk: every demo procedure's route, from intake to the returned result, is
walked by logging in with the demo accounts (each step by the account of its unit and role), and the
log-in page lists those accounts in demo mode."""

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from motcua.catalog.models import Procedure
from motcua.catalog.selectors import version_in_force
from motcua.demo.loader import (
    UNIT_STAFF_PREFIX,
    demo_password,
    ensure_demo_accounts,
    load_network_and_catalog,
)
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn, act, intake
from motcua.network.models import Role
from tests.factories import assert_consistent, at

DI_AN_WARD = "25942"  # the commune concerned; its reception point may receive every demo procedure
DI_AN_POINT = "942.24.50.H57"
DI_AN_BRANCH = "000.24.50.H57"  # the return counter


@pytest.fixture
def demo(db):
    load_network_and_catalog()
    ensure_demo_accounts()


def logged_in(username: str) -> Actor:
    """The demo account, as it logs in with the demo password (None if it cannot)."""
    user = authenticate(username=username, password=demo_password())
    assert user is not None, f"{username} cannot log in with the demo password"
    return Actor.staff(user)


def account_for(unit, role: str) -> Actor:
    return logged_in(f"{UNIT_STAFF_PREFIX[Role(role)]}.{unit.code}")


def walk(dossier: Dossier, now) -> list[str]:
    """Take the dossier to the returned result, each action by the account of the unit holding it."""
    walked = []
    for _ in range(20):
        dossier.refresh_from_db()
        if dossier.status == Status.RETURNED:
            return walked
        steps = list(dossier.steps.order_by("order"))
        current = next(s for s in steps if s.order == dossier.current_step_order)
        if dossier.status == Status.FINISHED:
            if dossier.result_at_return_point:
                action, actor = "return_result", account_for(dossier.return_unit, Role.COUNTER)
            else:
                role = Role.COUNTER if dossier.current_unit.is_service_unit else Role.SPECIALIST
                action, actor = "carry_result", account_for(dossier.current_unit, role)
        else:
            following = next((s for s in steps if s.order > current.order), None)
            action = "finish" if following is None or following.is_return else "complete_step"
            actor = account_for(current.unit, current.role)
        act(actor=actor, code=dossier.code, action=action, now=now)
        walked.append(f"{action}@{actor.user.username}")
    raise AssertionError(f"{dossier.code} did not reach its return: {walked}")


def test_every_demo_procedure_is_walked_with_the_demo_accounts(demo):
    now = at(2026, 3, 2, 9, 0)
    counter = logged_in(f"cb.{DI_AN_POINT}")
    walked = {}
    for procedure in Procedure.objects.order_by("code"):
        version = version_in_force(procedure, now.date())
        papers = [PaperIn(component=c.code) for c in version.components.all() if c.required]
        request = IntakeRequest(
            unit=DI_AN_POINT,
            procedure=procedure.code,
            subject_jurisdiction=DI_AN_WARD,
            applicant=Applicant(name="Nguyễn Văn An", id_number="074090001111"),
            papers=papers,
            return_unit=DI_AN_BRANCH,
        )
        dossier = intake(actor=counter, request=request, now=now).dossier
        assert dossier.status == Status.RECEIVED, procedure.code
        walked[procedure.code] = walk(dossier, now)
        assert_consistent(dossier)
    assert len(walked) == Procedure.objects.count() >= 40
    # the two that stopped a newcomer's journey at step 2: the police's step, the Dĩ An return counter
    assert any("@cv.000.00.30.H57" in step for steps in walked.values() for step in steps)
    assert all(steps[-1] == f"return_result@cb.{DI_AN_BRANCH}" for steps in walked.values())


def test_the_login_page_lists_the_demo_accounts_only_in_demo_mode(demo, settings):
    settings.MOTCUA = {**settings.MOTCUA, "DEMO": False}
    assert "demo-accounts" not in Client().get("/accounts/login/").content.decode()
    settings.MOTCUA = {**settings.MOTCUA, "DEMO": True}
    page = Client().get("/accounts/login/").content.decode()
    assert 'data-username="chuyenvien.tuphap"' in page and f'data-password="{demo_password()}"' in page
    assert 'data-username="cv.000.00.30.H57"' in page and f'data-username="cb.{DI_AN_BRANCH}"' in page
    assert "Công an tỉnh Bình Dương" in page
