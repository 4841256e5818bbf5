"""The cheaper paths the demo history relies on give the same answers as before: the paper movements
read once per action (permission, guard and handler share them), an assignee given by id checked in
one statement, and actions inside a caller's all-or-nothing transaction without their own savepoint,
on the dossier an earlier action of that transaction read."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.transaction import TransactionManagementError
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.events import TRACKED_FIELDS, rebuilt_matches, verify_chain
from motcua.dossiers.lifecycle import Status
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import act, bulk_transaction, intake
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


def test_actions_in_the_callers_transaction_take_no_savepoint(world):
    dossier = received(world)
    with bulk_transaction():
        sql = captured(
            lambda: act(
                actor=world["counter_dt"],
                code=dossier.code,
                action="complete_step",
                now=at(2026, 3, 2, 10, 0),
            )
        )
    assert not [s for s in sql if "SAVEPOINT" in s.upper()], "\n".join(sql)
    assert Dossier.objects.get(pk=dossier.pk).current_step_order == 2


def test_a_failed_action_in_the_callers_transaction_leaves_nothing(world):
    dossier = received(world)
    with pytest.raises(ValidationFailed), bulk_transaction():
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="complete_step",
            now=at(2026, 3, 2, 10, 0),
        )
        with pytest.raises(ValidationFailed):  # the dossier is not finished: no result to return
            act(
                actor=world["counter_dt"],
                code=dossier.code,
                action="return_result",
                now=at(2026, 3, 2, 11, 0),
            )
        with pytest.raises(TransactionManagementError):  # the caller cannot go on
            Dossier.objects.count()
        raise ValidationFailed(message_vi="dừng", message_en="stop")
    assert Dossier.objects.get(pk=dossier.pk).current_step_order == 1  # the first action is undone too


JOURNEY = [  # (actor, action, hour on 2026-03-02 .. , params): one with a supplement, a pause and its end
    ("counter_dt", "complete_step", (2, 10), None),
    ("lead_justice", "assign", (2, 11), {"assignee": "spec_justice"}),
    ("spec_justice", "request_supplement", (3, 9), {"missing": [{"code": "TP1", "note": "bản rõ hơn"}]}),
    ("counter_dt", "supplement_received", (5, 14), {"papers": []}),
    ("spec_justice", "complete_step", (6, 10), None),
    ("lead_justice", "finish", (6, 15), None),
    ("lead_justice", "carry_result", (6, 16), None),
    ("counter_tdm", "return_result", (9, 8), None),
]


def perform(world, dossier: Dossier, step: tuple) -> None:
    actor, action, (day, hour), params = step
    act(actor=world[actor], code=dossier.code, action=action, now=at(2026, 3, day, hour), params=params)


def outcome(dossier: Dossier) -> tuple:
    """What the journey left: the dossier's tracked state, its steps, the control slip and the events
    (but what depends on the code: hashes)."""
    stored = Dossier.objects.get(pk=dossier.pk)
    assert verify_chain(stored) == [] and rebuilt_matches(stored)[0]
    return (
        [getattr(stored, name) for name in TRACKED_FIELDS],
        list(stored.steps.order_by("order").values_list("order", "state", "due_at", "completed_at", "late")),
        list(stored.handovers.order_by("id").values_list("kind", "from_unit", "to_unit", "at", "timeliness")),
        list(
            stored.events.order_by("seq").values_list(
                "action", "from_status", "to_status", "changes", "payload"
            )
        ),
    )


def test_a_bulk_transaction_keeps_the_dossiers_it_read_and_gives_the_same_history(world):
    alone, held = received(world), received(world)
    for step in JOURNEY:
        perform(world, alone, step)
    with bulk_transaction():
        first, *later = [captured(lambda step=step: perform(world, held, step)) for step in JOURNEY]
    assert any("dossiers_dossierstep" in s for s in first if s.startswith("SELECT"))
    for sql in later:  # the dossier and its steps are read by the first action only
        reads = [
            s for s in sql if s.startswith("SELECT") and ('"dossiers_dossier"' in s or "dossierstep" in s)
        ]
        assert reads == [], "\n".join(sql)
    assert outcome(held) == outcome(alone)
    assert Dossier.objects.get(pk=held.pk).status == Status.RETURNED


class Undone(Exception):
    pass


def test_an_action_in_a_savepoint_within_the_bulk_transaction_reads_afresh(world):
    """A savepoint the caller opens (a retry wrapper, say) may roll back what its action wrote: that
    action neither uses nor keeps the held dossier, and the next action reads the rolled-back state."""
    alone, held = received(world), received(world)
    for step in JOURNEY[:2]:
        perform(world, alone, step)
    with bulk_transaction():
        perform(world, held, JOURNEY[0])
        with pytest.raises(Undone), transaction.atomic():
            sql = captured(lambda: perform(world, held, JOURNEY[1]))
            raise Undone
        assert any(s.startswith("SELECT") and '"dossiers_dossier"' in s for s in sql)  # read afresh
        perform(world, held, JOURNEY[1])  # the assignment again: it was rolled back
    assert outcome(held) == outcome(alone)


def test_the_bulk_transaction_holds_a_bounded_number_of_dossiers(world):
    from motcua.dossiers import services

    dossiers = [received(world) for _ in range(services._HELD_DOSSIERS + 3)]
    with bulk_transaction():
        for dossier in dossiers:
            perform(world, dossier, JOURNEY[0])
        held = services._bulk.get().dossiers
        assert len(held) == services._HELD_DOSSIERS and dossiers[-1].code in held
        assert dossiers[0].code not in held  # the first read is the first let go
        perform(world, dossiers[0], JOURNEY[1])  # read again, as a fresh action would
    assert Dossier.objects.get(pk=dossiers[0].pk).steps.get(order=2).assignee == world["spec_justice"].user
