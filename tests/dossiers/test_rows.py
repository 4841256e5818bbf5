"""The precompiled statements of the hot path (dossiers/rows.py) read and write exactly what the ORM
would: same values back, only the named fields written, inserted rows equal to the ORM's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from motcua import db
from motcua.dossiers import rows
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep, Handover
from motcua.dossiers.services import intake
from tests.factories import at, judicial_request


def received(world) -> Dossier:
    return intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)).dossier


def values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_fetch_gives_what_the_orm_gives(world):
    code = received(world).code
    with transaction.atomic():
        [fetched] = rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), [code])
        steps = rows.fetch(
            "test_steps", lambda: DossierStep.objects.filter(dossier_id=0).order_by("order"), [fetched.pk]
        )
    assert values(fetched) == values(Dossier.objects.get(code=code))
    assert not fetched._state.adding and fetched._state.db == "default"
    ordered = DossierStep.objects.filter(dossier__code=code).order_by("order")
    assert [values(s) for s in steps] == [values(s) for s in ordered] and len(steps) >= 2
    assert rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), ["no-such-code"]) == []


def test_update_writes_only_the_named_fields(world):
    dossier = received(world)
    stored = Dossier.objects.get(pk=dossier.pk)
    dossier.due_at = dossier.due_at + timedelta(days=3)
    dossier.applicant_name = "not written"
    rows.update(dossier, ["due_at"])
    after = Dossier.objects.get(pk=dossier.pk)
    assert after.due_at == stored.due_at + timedelta(days=3)
    assert after.applicant_name == stored.applicant_name


def test_insert_stores_what_the_orm_stores(world):
    dossier = received(world)
    first = DossierEvent.objects.get(dossier=dossier, seq=1)
    twins = []
    for seq in (50, 51, 52):  # the first insert of a shape compiles it, the next ones reuse it
        twin = DossierEvent(**{**model_to_dict(first, exclude=["id", "dossier", "actor", "unit"])})
        twin.dossier_id, twin.actor_id, twin.unit_id, twin.seq = (
            dossier.pk,
            first.actor_id,
            first.unit_id,
            seq,
        )
        rows.insert([twin])
        twins.append(twin)
    stored = DossierEvent.objects.filter(dossier=dossier, seq__gte=50).order_by("seq")
    ignored = {"id", "seq", "recorded_at"}
    for row in stored:
        assert {k: v for k, v in values(row).items() if k not in ignored} == {
            k: v for k, v in values(first).items() if k not in ignored
        }
        assert row.recorded_at is not None  # auto_now_add applied, as the ORM does

    def handover() -> Handover:
        return Handover(
            dossier=dossier,
            kind=Handover.Kind.STEP,
            step_order=1,
            from_unit_id=dossier.receiving_unit_id,
            at=at(2026, 3, 2, 9, 0),
            timeliness="early",
        )

    for _ in range(3):  # several rows, one statement (PostgreSQL: one array per column), compiled once
        rows.insert([handover(), handover()])
    stored = Handover.objects.filter(dossier=dossier, kind=Handover.Kind.STEP, step_order=1)
    assert stored.count() == 6
    assert {(h.from_unit_id, h.at, h.timeliness) for h in stored} == {
        (dossier.receiving_unit_id, at(2026, 3, 2, 9, 0), "early")
    }


def comparable(value):
    """A database value; psycopg's JSON wrapper (PostgreSQL) by its type and the object it wraps."""
    return (type(value), value.obj) if hasattr(value, "obj") else value


def test_field_values_are_prepared_as_the_orm_prepares_them(world):
    """Each short-cut preparer (ints, ids of foreign keys, text, aware datetimes, None) gives exactly
    what the ORM's `get_db_prep_save(pre_save())` gives, for every field of the hot path's rows."""
    from django.db import connection

    dossier = received(world)
    instances = [
        Dossier.objects.get(pk=dossier.pk),
        dossier,  # as the service left it: values computed in local time, not read back
        *DossierStep.objects.filter(dossier=dossier),
        *DossierEvent.objects.filter(dossier=dossier),
    ]
    compared = 0
    for instance in instances:
        for field in rows.insertable_fields(type(instance)):
            if getattr(field, "auto_now_add", False):
                continue
            expected = field.get_db_prep_save(field.pre_save(instance, True), connection=connection)
            assert comparable(rows._preparer(field, adding=True)(instance)) == comparable(expected), field
            compared += 1
    assert compared > 60


def test_the_kept_cursor_follows_the_connection_and_its_query_logging(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    code = received(world).code
    first = db.reused_cursor()
    assert db.reused_cursor() is first  # kept between statements
    with CaptureQueriesContext(connection) as context:  # a logging cursor while queries are counted
        assert db.reused_cursor() is not first
        rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), [code])
    assert len(context.captured_queries) == 1
    assert db.reused_cursor() is not first  # logging off again: a plain cursor anew
    assert rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), [code])[0].code == code


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_anew_gets_a_cursor_anew():
    from django.db import connection

    kept = db.reused_cursor()
    connection.close()
    again = db.reused_cursor()
    assert again is not kept and connection.connection is not None
    assert rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), ["no-such-code"]) == []


def test_run_reads_placeholders_and_translates_errors_as_django_does(world):
    """db.run gives statements to the driver's cursor itself: `%s` and a literal `%%` read as Django's
    backends read them, and a constraint's failure is still Django's IntegrityError."""
    from django.db import IntegrityError, connection

    from motcua.dossiers.models import CodeCounter

    code = received(world).code
    found = db.run(
        "SELECT code FROM dossiers_dossier WHERE code LIKE %s AND '%%' = '%%'", [code[:6] + "%"]
    ).fetchall()
    assert [tuple(row) for row in found] == [(code,)]
    counter = CodeCounter.objects.get()
    day = connection.ops.adapt_datefield_value(counter.day)
    with pytest.raises(IntegrityError), transaction.atomic():
        db.run(
            "INSERT INTO dossiers_codecounter (agency_code, day, last) VALUES (%s, %s, %s)",
            [counter.agency_code, day, 7],
        )
    assert CodeCounter.objects.get().last == counter.last


def _next_request(connection) -> None:
    """What Django does when a request ends on a kept connection: the next one's health check falls due."""
    connection.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_the_token_check_is_the_health_check_of_a_kept_connection(world, monkeypatch):
    """No `SELECT 1` before the token check (a round trip per request); a connection the server
    dropped between two requests is found dead by the check itself, which runs again on a new one."""
    from django.db import connections

    from motcua.auth import create_token, user_of_token

    connection = connections["default"]
    if connection.vendor != "postgresql" or not connection.settings_dict["CONN_HEALTH_CHECKS"]:
        pytest.skip("Django checks kept PostgreSQL connections only")
    user = world["counter_dt"].user
    token = create_token(user=user, name="t")
    assert user_of_token(token) == user
    checks: list[bool] = []
    django_check = type(connection).is_usable
    monkeypatch.setattr(
        type(connection), "is_usable", lambda self: checks.append(django_check(self)) or checks[-1]
    )
    _next_request(connection)
    assert connection.health_check_done is False
    assert user_of_token(token) == user
    assert checks == [] and connection.health_check_done

    dropped = connection.connection.info.backend_pid
    killer = connection.copy()
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    killer.close()
    _next_request(connection)
    assert user_of_token(token) == user
    assert checks == [False] and connection.connection.info.backend_pid != dropped


def _prepared_statements() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_postgresql_prepares_the_hot_statements_once_per_connection(world):
    """The token check, the reference generation, a dossier's rows and the intake's statement are
    prepared on PostgreSQL (planning them anew at every request cost more than running them); with
    a second run of each reuses its prepared form."""
    from django.db import connection

    from motcua.auth import create_token, user_of_token
    from motcua.network import reference

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    token = create_token(user=world["counter_dt"].user, name="t")
    for _ in range(2):
        assert user_of_token(token) == world["counter_dt"].user
        reference.generation()
        code = received(world).code
        rows.fetch("test_dossier", lambda: Dossier.objects.filter(code=""), [code])
    prepared = _prepared_statements()
    for fragment in (
        '"network_apitoken"."digest"',
        "network_referencegeneration",
        "WITH counter AS",
        '"dossiers_dossier"."code" = $1',
    ):
        assert sum(fragment in statement for statement in prepared) == 1, fragment


@pytest.mark.django_db(transaction=True)
def test_with_preparing_off_the_same_work_runs_unprepared(world, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.MOTCUA = {**settings.MOTCUA, "DB_PREPARE": False}
    connection.close()  # a new connection, as a process behind a transaction pooler has
    assert received(world).code.endswith("-0001") and _prepared_statements() == []
