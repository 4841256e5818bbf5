"""The overdue watch with a simulated clock: due soon, late steps, late dossiers and who caused it."""

import threading
from datetime import timedelta
from io import StringIO

from django.core.management import call_command

from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.lifecycle import Action, sources_of
from motcua.dossiers.models import DossierStep, StepState
from motcua.dossiers.services import act, intake
from motcua.dossiers.watch import run_every, tick
from tests.factories import JUSTICE, at, judicial_request


def received(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    dossier.refresh_from_db()
    return dossier


def actions(dossier) -> list[str]:
    return list(dossier.events.order_by("seq").values_list("action", flat=True))


def test_watched_statuses_come_from_the_transition_table():
    assert set(sources_of(Action.MARK_LATE)) == {2, 4, 6}  # not 5: paused; not 9: judged at finish


def test_nothing_to_mark_early_on(world):
    dossier = received(world)
    result = tick(now=at(2026, 3, 2, 11, 0))
    assert (result.late, result.late_steps, result.due_soon) == (0, 0, 0)
    assert actions(dossier) == ["receive", "complete_step"]


def test_due_soon_within_one_working_day(world, settings):
    dossier = received(world)
    two_hours_before = dossier.due_at - timedelta(hours=2)  # within working hours on a working day
    assert tick(now=dossier.due_at - timedelta(days=5)).due_soon == 0
    settings.MOTCUA = {**settings.MOTCUA, "DUE_SOON_WORKING_HOURS": 1}
    assert tick(now=two_hours_before).due_soon == 0  # the window is configurable
    settings.MOTCUA = {**settings.MOTCUA, "DUE_SOON_WORKING_HOURS": 8}
    result = tick(now=two_hours_before)
    dossier.refresh_from_db()
    assert result.due_soon == 1 and dossier.due_soon
    assert tick(now=two_hours_before).due_soon == 0  # a second pass at the same time changes nothing
    assert actions(dossier)[-1] == "mark_due_soon"


def test_late_step_then_late_dossier_record_unit_and_step(world):
    dossier = received(world)
    step = dossier.steps.get(order=dossier.current_step_order)
    assert step.unit.code == JUSTICE and step.state == StepState.ACTIVE
    after_step_due = step.due_at + timedelta(minutes=5)
    result = tick(now=after_step_due)
    dossier.refresh_from_db()
    assert result.late_steps == 1
    assert DossierStep.objects.get(pk=step.pk).late
    assert dossier.late is (after_step_due > dossier.due_at)

    late_moment = dossier.due_at + timedelta(hours=1)
    result = tick(now=late_moment)
    dossier.refresh_from_db()
    assert dossier.late and not dossier.due_soon
    assert dossier.late_unit.code == JUSTICE and dossier.late_step_order == step.order
    assert tick(now=late_moment).late == 0  # idempotent at the same time
    event = dossier.events.order_by("-seq").first()
    assert event.action == "mark_late" and event.role == "system" and event.actor_id is None
    assert verify_chain(dossier) == []
    assert rebuilt_matches(dossier)[0]


def test_closed_and_paused_dossiers_are_not_watched(world):
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9, 0)
    ).dossier  # supplement requested at intake: the clock has not started
    assert tick(now=at(2026, 6, 1, 9, 0)).late == 0
    assert actions(dossier) == ["request_supplement"]


def test_runs_in_process_until_stopped(world):
    received(world)
    stop = threading.Event()
    seen = []

    def on_pass(result):
        seen.append(result)
        stop.set()

    passes = run_every(0, stop=stop, clock=lambda: at(2026, 6, 1, 9, 0), on_pass=on_pass)
    assert passes == 1 and seen[0].late == 1


def test_tick_command_prints_counts(world):
    received(world)
    out = StringIO()
    call_command("tick", "--now", "2026-06-01T09:00:00+07:00", stdout=out)
    assert "quá hạn / late 1" in out.getvalue()
