"""`motcua verify-log`: a clean log passes; a tampered event or dossier is found, each kind of tampering
by the check made for it (sequence, previous-hash link, content hash, the dossier's last hash, the
state rebuilt from the events)."""

import hashlib
import json
from datetime import UTC
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


# --- each check of the chain, alone --------------------------------------------------------------
#
# Each tampering below is made so that exactly one check can see it: where a field inside the hashed
# content changes, the event's hash is recomputed (a forger who knows the format), and the dossier's
# last hash follows, so that the content and last-hash checks have nothing to say.


def forged_hash(dossier_code: str, event: DossierEvent) -> str:
    """The hash of an event as the log defines it: SHA-256 of the canonical JSON (sorted keys, no
    spaces, UTF-8) of its content, the dossier's code and the previous event's hash included."""
    content = {
        "dossier": dossier_code,
        "seq": event.seq,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "role": event.role,
        "unit": event.unit_id,
        "action": event.action,
        "from": event.from_status,
        "to": event.to_status,
        "changes": event.changes,
        "payload": event.payload,
        "prev": event.prev_hash,
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def rewrite_event(event: DossierEvent, **fields) -> str:
    """Change the stored event (past the append-only triggers) and give it the hash its new content
    has; the dossier's last hash follows when it is the last event. Returns the new hash."""
    was_last = event.seq == event.dossier.last_event_seq
    for name, value in fields.items():
        setattr(event, name, value)
    event.hash = forged_hash(event.dossier.code, event)
    drop_append_only_triggers()
    try:
        DossierEvent.objects.filter(pk=event.pk).update(**fields, hash=event.hash)
    finally:
        install_append_only_triggers()
    if was_last:
        Dossier.objects.filter(pk=event.dossier_id).update(
            last_event_hash=event.hash, last_event_seq=event.seq
        )
    return event.hash


def chain_of(code: str) -> list[DossierEvent]:
    return list(DossierEvent.objects.filter(dossier__code=code).select_related("dossier").order_by("seq"))


def test_the_forged_hash_is_the_logs_own(two_dossiers):
    """The tests below forge hashes: the forging must be exactly the log's hashing."""
    for code in two_dossiers:
        assert [forged_hash(code, event) for event in chain_of(code)] == [e.hash for e in chain_of(code)]


def test_a_renumbered_event_is_found_by_the_sequence_check_alone(two_dossiers):
    code = two_dossiers[1]
    rewrite_event(chain_of(code)[1], seq=3)  # seq 2 becomes 3: a gap where an event was removed
    assert verify_all(code=code).problems == [f"{code} #3: sequence gap: expected 2"]
    assert verify_all(code=two_dossiers[0]).ok


def test_a_relinked_event_is_found_by_the_previous_hash_check_alone(two_dossiers):
    code = two_dossiers[1]
    rewrite_event(chain_of(code)[1], prev_hash="0" * 64)  # hashed again, so its content matches
    assert verify_all(code=code).problems == [f"{code} #2: previous-hash link broken"]
    assert verify_all(code=two_dossiers[0]).ok


def test_a_changed_event_is_found_by_the_content_check_alone(two_dossiers):
    code = two_dossiers[1]
    tamper(
        f"UPDATE {DossierEvent._meta.db_table} SET actor_name = %s WHERE id = %s",
        ["someone_else", chain_of(code)[1].pk],
    )  # its stored hash kept: links and the dossier's last hash still agree
    assert verify_all(code=code).problems == [f"{code} #2: content does not match its hash"]
    assert verify_all(code=two_dossiers[0]).ok


def test_a_dossier_pointing_before_its_last_event_is_found_by_the_last_hash_check_alone(two_dossiers):
    code = two_dossiers[1]
    first, _ = chain_of(code)
    Dossier.objects.filter(code=code).update(last_event_hash=first.hash)  # as if the chain ended there
    assert verify_all(code=code).problems == [f"{code} #2: dossier's last hash differs from its chain"]
    assert verify_all(code=two_dossiers[0]).ok
