"""A manager role held anywhere but the center gives no province-wide sight of dossiers."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from motcua.dossiers.permissions import Actor, ensure_visible, visible_dossiers
from motcua.dossiers.services import intake
from motcua.errors import NotFound
from motcua.network.models import Role, RoleAssignment, Unit
from tests.factories import BRANCH_DT, at, judicial_request


def test_a_manager_at_a_branch_sees_only_what_concerns_its_branch(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier
    user = User.objects.create_user(username="branch_manager", password="x-test-password")
    # written around grant_role's check, as old data might be
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=BRANCH_DT), role=Role.MANAGER)
    branch_manager = Actor.staff(user)
    assert branch_manager.manager is False
    assert not visible_dossiers(branch_manager).exists()
    with pytest.raises(NotFound):  # told no more than about an unknown code
        ensure_visible(branch_manager, dossier)
    assert list(visible_dossiers(world["manager"])) == [dossier]  # the center's manager sees it
