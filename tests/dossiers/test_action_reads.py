"""What an action reads, and what a failed one leaves: the paper movements read once per action
(permission, guard and handler share them), an assignee given by id checked as by name, and an action
inside a caller's transaction that fails leaving nothing of itself."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, ValidationFailed
from tests.factories import at, judicial_request


def received(world) -> Dossier:
    return intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier


def captured(function) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        function()
    return [q["sql"] for q in context.captured_queries]


def test_sending_originals_reads_the_movements_once(world):
    dossier = received(world)
    sql = captured(
        lambda: act(
            actor=world["counter_dt"], code=dossier.code, action="send_originals", now=at(2026, 3, 2, 10, 0)
        )
    )
    reads = [s for s in sql if s.startswith("SELECT") and "dossiers_papermovement" in s]
    assert len(reads) == 1, "\n".join(sql)
    movement = dossier.paper_movements.get()
    assert movement.sent_at == at(2026, 3, 2, 10, 0) and movement.received_at is None
    with pytest.raises(Forbidden):  # nothing left to send: no unit sends (the permission sees it sent)
        act(actor=world["counter_dt"], code=dossier.code, action="send_originals", now=at(2026, 3, 2, 11, 0))
    with pytest.raises(Forbidden):  # only the addressee confirms
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="receive_originals",
            now=at(2026, 3, 2, 12, 0),
        )
    act(actor=world["spec_justice"], code=dossier.code, action="receive_originals", now=at(2026, 3, 2, 12, 0))
    assert dossier.paper_movements.get().received_at == at(2026, 3, 2, 12, 0)


def test_an_assignee_given_by_id_is_checked_as_by_name(world):
    dossier = received(world)
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationFailed) as caught:  # works elsewhere: the guard's reason
        act(
            actor=world["lead_justice"],
            code=dossier.code,
            action="assign",
            now=at(2026, 3, 2, 11, 0),
            params={"assignee": world["spec_dt"].user.pk},
        )
    assert caught.value.code == "guard"
    with pytest.raises(ValidationFailed) as caught:  # no such user
        act(
            actor=world["lead_justice"],
            code=dossier.code,
            action="assign",
            now=at(2026, 3, 2, 11, 0),
            params={"assignee": 10**9},
        )
    assert caught.value.code == "unknown_assignee"
    assignee = world["spec_justice"].user.pk
    act(
        actor=world["lead_justice"],
        code=dossier.code,
        action="assign",
        now=at(2026, 3, 2, 11, 0),
        params={"assignee": assignee},
    )
    event = DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()
    assert event.action == "assign" and event.payload["assignee"] == assignee
    assert dossier.steps.get(order=2).assignee_id == assignee


def test_a_failed_action_in_the_callers_transaction_leaves_nothing(world):
    """An action runs in a savepoint of the caller's transaction: a refused one leaves nothing and the
    caller goes on; the caller's rollback undoes the actions that succeeded in it."""
    dossier = received(world)
    with pytest.raises(ValidationFailed, match="stop"), transaction.atomic():
        act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
        with pytest.raises(ValidationFailed):  # the dossier is not finished: no result to return
            act(
                actor=world["counter_dt"],
                code=dossier.code,
                action="return_result",
                now=at(2026, 3, 2, 11, 0),
            )
        assert Dossier.objects.get(pk=dossier.pk).current_step_order == 2  # the caller can go on
        raise ValidationFailed(message_vi="dừng", message_en="stop")
    assert Dossier.objects.get(pk=dossier.pk).current_step_order == 1  # the first action is undone too


@pytest.mark.parametrize(
    ("make_unfit", "reason"),
    [
        ("deactivated", "deactivated"),
        ("admin_role", "no role that processes"),
        ("postal_role", "no role that processes"),
    ],
)
def test_assignment_to_a_deactivated_account_or_a_role_that_does_not_process_is_refused(
    world, make_unfit, reason
):
    from motcua.network.models import Role, RoleAssignment

    dossier = received(world)
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    justice = world["spec_justice"].user.roles.get().unit
    if make_unfit == "deactivated":
        unfit = world["spec_justice"].user
        unfit.is_active = False
        unfit.save(update_fields=["is_active"])
    else:
        role = Role.ADMIN if make_unfit == "admin_role" else Role.POSTAL
        unfit = get_user_model().objects.create_user(username=f"x_{make_unfit}", password="x-test-2026")
        RoleAssignment.objects.create(user=unfit, unit=justice, role=role)
    before = dossier.events.count()
    for assignee in (unfit.username, unfit.pk):  # by name and by id alike
        with pytest.raises(ValidationFailed) as caught:
            act(
                actor=world["lead_justice"],
                code=dossier.code,
                action="assign",
                now=at(2026, 3, 2, 11, 0),
                params={"assignee": assignee},
            )
        assert caught.value.code == "guard"
        assert [p.field for p in caught.value.problems] == ["assignee"]
        assert reason in caught.value.problems[0].reason_en
    assert dossier.events.count() == before  # nothing written
    assert dossier.steps.get(order=2).assignee_id is None
