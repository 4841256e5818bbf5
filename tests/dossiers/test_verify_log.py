"""`motcua verify-log`: a clean log passes; a tampered event or dossier is found."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers
from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.services import act, intake
from tests.factories import at, judicial_request


@pytest.fixture
def two_dossiers(world):
    codes = []
    for minute in (0, 5):
        dossier = intake(
            actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, minute)
        ).dossier
        act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
        codes.append(dossier.code)
    return codes


def tamper(sql: str, params: list) -> None:
    drop_append_only_triggers()
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    finally:
        install_append_only_triggers()


def test_clean_log_passes(two_dossiers):
    out = StringIO()
    call_command("verify_log", "--batch", "1", stdout=out, stderr=StringIO())
    assert "2 hồ sơ / dossiers, 4 sự kiện / events" in out.getvalue()
    assert "nguyên vẹn / the log is intact" in out.getvalue()
    report = verify_all(size=1)
    assert report.ok and report.dossiers == 2 and report.events == 4


def test_tampered_payload_is_found(two_dossiers):
    victim = DossierEvent.objects.get(dossier__code=two_dossiers[1], seq=2)
    tamper(
        f"UPDATE {DossierEvent._meta.db_table} SET payload = %s WHERE id = %s",
        ['{"note": "sửa trộm / tampered"}', victim.pk],
    )
    out = StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("verify_log", stdout=out, stderr=StringIO())
    assert caught.value.returncode == 1
    assert f"{two_dossiers[1]} #2: content does not match its hash" in out.getvalue()
    assert two_dossiers[0] not in out.getvalue()
    # the triggers are back: events stay append-only
    with pytest.raises(Exception):  # noqa: B017 - IntegrityError or OperationalError, per backend
        DossierEvent.objects.filter(pk=victim.pk).update(action="again")


def test_a_rewritten_actor_name_is_found(two_dossiers):
    victim = DossierEvent.objects.get(dossier__code=two_dossiers[0], seq=1)
    tamper(
        f"UPDATE {DossierEvent._meta.db_table} SET actor_name = %s WHERE id = %s", ["someone_else", victim.pk]
    )
    with pytest.raises(CommandError):
        call_command("verify_log", stdout=(out := StringIO()), stderr=StringIO())
    assert f"{two_dossiers[0]} #1: content does not match its hash" in out.getvalue()


def test_state_that_differs_from_its_events_is_found(two_dossiers):
    Dossier.objects.filter(code=two_dossiers[0]).update(status=10)  # bypassing the services
    report = verify_all(code=two_dossiers[0])
    assert report.dossiers == 1 and not report.ok
    assert "state differs from its events: status (stored 10, rebuilt 4)" in report.problems[0]
