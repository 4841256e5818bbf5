"""Statement budgets of the two hot services (counts, never timings): an intake and a typical action
issue a fixed, small number of statements once reference data is in the process memo, and that memo
follows every change of the reference data."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.dossiers.models import CodeCounter, Dossier, PaperMovement
from motcua.dossiers.services import act, intake
from motcua.errors import ValidationFailed
from motcua.network import reference
from motcua.network.models import CalendarOverride, Unit
from tests.factories import POINT_DAU_TIENG, at, judicial_body, judicial_request

CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


def statements(function) -> list[str]:
    """The SQL the function issues, transaction control left out (it differs between databases)."""
    with CaptureQueriesContext(connection) as context:
        function()
    return [q["sql"] for q in context.captured_queries if not q["sql"].upper().startswith(CONTROL)]


INTAKE_TABLES = (
    "dossiers_dossierpaper",
    "dossiers_dossierstep",
    "dossiers_papermovement",
    "dossiers_dossierevent",
)


def assert_intake_shape(sql: list[str]) -> None:
    """The generation check, the day's number, the dossier (its id back), then one INSERT per table
    of its rows."""
    assert "network_referencegeneration" in sql[0]
    assert len(sql) == 7, "\n".join(sql)
    assert sql[1].startswith('INSERT INTO "dossiers_codecounter"') and "ON CONFLICT" in sql[1]
    assert sql[2].startswith('INSERT INTO "dossiers_dossier" ') and "RETURNING" in sql[2]
    assert [row.split()[2].strip('"') for row in sql[3:]] == list(INTAKE_TABLES)


def test_an_intake_reads_the_generation_and_inserts_each_table_once(world):
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0))  # warms the memo
    results = []
    sql = statements(
        lambda: results.append(
            intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0))
        )
    )
    assert_intake_shape(sql)
    dossier = Dossier.objects.get(pk=results[0].dossier.pk, code=results[0].dossier.code)
    assert (dossier.papers.count(), dossier.steps.count(), dossier.paper_movements.count()) == (1, 4, 1)
    assert dossier.events.get().hash == dossier.last_event_hash


def test_an_intake_through_the_api_adds_one_statement_for_the_token_and_the_roles(world, api, clock):
    clock.set(at(2026, 3, 2, 8, 0))
    api["counter_dt"].post("/api/dossiers", judicial_body())  # warms the memo; records the token's use
    clock.set(at(2026, 3, 2, 8, 1))  # the token's use is recorded at most every five minutes
    response = []
    sql = statements(lambda: response.append(api["counter_dt"].post("/api/dossiers", judicial_body())))
    assert response[0].status_code == 201, response[0].content
    token = sql.pop(0)  # the user of the token (active, unrevoked, unexpired) with the roles held
    assert all(table in token for table in ("network_apitoken", "auth_user", "network_roleassignment"))
    assert_intake_shape(sql)


def test_the_first_intake_of_a_day_creates_its_counter(world):
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0))
    sql = statements(
        lambda: intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 3, 8, 0))
    )
    # the same statements as any intake: one upsert creates or increments the counter (the
    # procedure's versions in force are remembered, not read per day)
    assert len(sql) == 7, "\n".join(sql)
    assert CodeCounter.objects.get(agency_code=POINT_DAU_TIENG, day=at(2026, 3, 3).date()).last == 1


def test_complete_step_takes_seven_statements_and_writes_only_changed_fields(world):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)
    ).dossier.code
    sql = statements(
        lambda: act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    )
    # dossier (locked), its steps, the two steps, the hand-over, the event, the dossier
    assert len(sql) == 7, "\n".join(sql)
    assert sql[0].startswith("SELECT") and "dossiers_dossier" in sql[0]
    if connection.vendor == "postgresql":
        assert "FOR UPDATE" in sql[0]
    update = sql[-1]
    assert update.startswith("UPDATE") and "dossiers_dossier" in update
    for column in ("status", "current_unit_id", "current_step_order", "last_event_seq", "last_event_hash"):
        assert f'"{column}"' in update
    for unchanged in ("applicant_name", "tracking_secret", "due_at", "received_at"):
        assert f'"{unchanged}"' not in update
    assert Dossier.objects.get(code=code).last_event_seq == 2


def test_finish_and_the_next_actions_keep_their_budget(world):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 9, 0))
    act(actor=world["spec_justice"], code=code, action="complete_step", now=at(2026, 3, 3, 9, 0))
    finish = statements(
        lambda: act(actor=world["lead_justice"], code=code, action="finish", now=at(2026, 3, 3, 10, 0))
    )
    assert len(finish) == 6, "\n".join(finish)  # dossier, steps, step, supplements EXISTS, event, dossier


def test_the_memo_follows_a_change_of_a_unit(world):
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0))
    unit = Unit.objects.get(code=POINT_DAU_TIENG)
    unit.active = False
    unit.save()
    with pytest.raises(ValidationFailed):
        intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0))


def test_the_memo_follows_a_change_of_the_calendar(world):
    first = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)).dossier
    CalendarOverride.objects.create(day=at(2026, 3, 3).date(), kind="off", reason_vi="Nghỉ bù")
    second = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)).dossier
    assert second.due_at > first.due_at  # a day off more before the appointment
    movement = PaperMovement.objects.get(dossier=second)
    assert movement.due_at.date() == at(2026, 3, 4).date()  # one working day, the day off skipped


def test_a_rolled_back_change_leaves_the_generation(world):
    before = reference.generation()
    with transaction.atomic():
        Unit.objects.filter(code=POINT_DAU_TIENG).first().save()
        assert reference.generation() != before
        transaction.set_rollback(True)
    assert reference.generation() == before
