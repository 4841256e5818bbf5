"""`motcua verify-log`: a clean log passes; a tampered event or dossier is found, each kind of tampering
by the check made for it (sequence, previous-hash link, content hash, the dossier's last hash, the
state rebuilt from the events)."""

import base64
import hashlib
import json
from datetime import UTC, timedelta
from io import StringIO

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from motcua.dossiers import checkpoints
from motcua.dossiers.events import (
    drop_append_only_triggers,
    install_append_only_triggers,
    rebuilt_matches,
    verify_chain,
)
from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
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


# --- what only the signed checkpoint (or the code counters) can see -----------------------------------
#
# Each tampering below leaves every chain consistent and every state equal to its replay: the chain
# checks alone pass. The latest signed checkpoint, or the gap-free code counters, find it.


@pytest.fixture
def three_events(two_dossiers, world):
    """The second dossier gets a third event (assign), then a checkpoint is written."""
    code = two_dossiers[1]
    act(
        actor=world["lead_justice"],
        code=code,
        action="assign",
        now=at(2026, 3, 2, 11, 0),
        params={"assignee": "spec_justice"},
    )
    checkpoints.write_checkpoint(now=at(2026, 3, 2, 23, 0))
    assert verify_all().ok
    return code


def chains_look_intact() -> bool:
    """What the hash chains and the replay alone say."""
    for dossier in Dossier.objects.all():
        chain = chain_of(dossier.code)
        if verify_chain(dossier, chain) or not rebuilt_matches(dossier, chain)[0]:
            return False
    return True


def rechain(code: str) -> None:
    """Recompute every hash of the dossier's chain and its last hash, as a forger who knows the format."""
    previous = ""
    drop_append_only_triggers()
    try:
        for event in chain_of(code):
            event.prev_hash = previous
            event.hash = forged_hash(code, event)
            DossierEvent.objects.filter(pk=event.pk).update(prev_hash=event.prev_hash, hash=event.hash)
            previous = event.hash
    finally:
        install_append_only_triggers()
    Dossier.objects.filter(code=code).update(last_event_hash=previous)


def test_a_dossier_deleted_with_all_its_rows_is_found(three_events, two_dossiers):
    victim = Dossier.objects.get(code=two_dossiers[0])
    tamper(f"DELETE FROM {DossierEvent._meta.db_table} WHERE dossier_id = %s", [victim.pk])
    victim.delete()  # its papers, steps, control slip... go with it
    assert chains_look_intact()
    problems = verify_all().problems
    assert f"{victim.code}: in checkpoint " in problems[0] and "the dossier was deleted" in problems[0]
    assert any(p.startswith(f"{victim.code}: missing: the counter of ") for p in problems)


def test_a_deleted_dossier_is_found_by_the_code_counters_without_a_checkpoint(two_dossiers):
    victim = Dossier.objects.get(code=two_dossiers[0])
    tamper(f"DELETE FROM {DossierEvent._meta.db_table} WHERE dossier_id = %s", [victim.pk])
    victim.delete()
    report = verify_all()
    agency = victim.code.split("-")[0]
    assert report.problems == [
        f"{victim.code}: missing: the counter of {agency} for 2026-03-02 has handed out 2 codes"
    ]
    assert report.notes and "no checkpoint yet" in report.notes[0]


def test_a_middle_event_edited_with_the_chain_recomputed_is_found(three_events):
    code = three_events
    middle = chain_of(code)[1]
    tamper(
        f"UPDATE {DossierEvent._meta.db_table} SET payload = %s WHERE id = %s",
        ['{"note": "sửa trộm / tampered"}', middle.pk],
    )
    rechain(code)
    assert chains_look_intact()
    problems = verify_all().problems
    assert problems == [
        f"{code} #3: differs from checkpoint {checkpoints.latest().name}: the chain was rewritten"
    ]


def test_the_last_event_dropped_with_its_bookkeeping_rolled_back_is_found(three_events):
    code = three_events
    first, second, last = chain_of(code)
    assert last.action == "assign"
    tamper(f"DELETE FROM {DossierEvent._meta.db_table} WHERE id = %s", [last.pk])
    Dossier.objects.filter(code=code).update(last_event_seq=2, last_event_hash=second.hash)
    DossierStep.objects.filter(dossier__code=code).update(assignee=None)  # what the assignment did
    assert chains_look_intact()
    problems = verify_all().problems
    assert problems == [
        f"{code}: the chain ends at #2, checkpoint {checkpoints.latest().name} has #3: events were removed"
    ]


def test_events_after_the_checkpoint_are_not_findings(three_events, world):
    act(actor=world["spec_justice"], code=three_events, action="complete_step", now=at(2026, 3, 3, 9, 0))
    report = verify_all()
    assert report.ok and report.checkpoint == checkpoints.latest().name


def test_a_forged_or_edited_checkpoint_is_found(three_events, settings):
    latest = checkpoints.latest()
    lines = latest.path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(lines[1][-66:-2], "f" * 64)  # a head changed in the file
    latest.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "do not give the signed Merkle root" in " ".join(verify_all().problems)
    # a checkpoint signed by another key than the one held
    held = checkpoints.configured_key()
    other = Ed25519PrivateKey.generate()
    settings.MOTCUA = {
        **settings.MOTCUA,
        "CHECKPOINT_KEY": base64.b64encode(other.private_bytes_raw()).decode(),
    }
    checkpoints.write_checkpoint(now=at(2026, 3, 3, 23, 0))
    settings.MOTCUA = {
        **settings.MOTCUA,
        "CHECKPOINT_KEY": base64.b64encode(held.private_bytes_raw()).decode(),
    }
    assert any("signed by another key than the one held" in p for p in verify_all().problems)


def test_truncate_of_the_event_log_is_refused(flushable_events, two_dossiers):
    """PostgreSQL: a statement trigger refuses TRUNCATE (it fires no row trigger). SQLite has no
    TRUNCATE: its closest, DELETE without WHERE, runs the row trigger and is refused too. The events
    are committed first (in the test's own transaction PostgreSQL would refuse for pending checks)."""
    table = DossierEvent._meta.db_table
    statement = f"TRUNCATE {table}" if connection.vendor == "postgresql" else f"DELETE FROM {table}"
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert DossierEvent.objects.count() == 4


def test_the_checkpoint_is_signed_and_its_root_is_the_merkle_root_of_its_lines(two_dossiers, tmp_path):
    out = StringIO()
    call_command("checkpoint", stdout=out)
    latest = checkpoints.latest()
    assert str(latest.path) in out.getvalue() and latest.path.parent == tmp_path / "checkpoints"
    header = latest.header
    assert header["dossiers"] == 2 and header["counters"] == 1 and header["previous"] == ""
    lines = list(latest.leaves())
    assert lines[0] == json.dumps(
        ["d", two_dossiers[0], 2, Dossier.objects.get(code=two_dossiers[0]).last_event_hash],
        separators=(",", ":"),
    )
    # anyone can check it from outside with the public key alone
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(header["public_key"]))
    unsigned = {k: v for k, v in header.items() if k != "signature"}
    message = json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    public.verify(base64.b64decode(header["signature"]), message)  # raises if it does not match
    assert header["root"] == checkpoints.merkle_root(lines)
    assert (tmp_path / "checkpoint_key.pem").stat().st_mode & 0o077 == 0  # the key: its owner's only
    # once a day: a second daily checkpoint the same day is not written, the next day's is
    call_command("checkpoint", "--daily", stdout=(again := StringIO()))
    assert "today already has a checkpoint" in again.getvalue()
    assert checkpoints.write_daily(now=timezone.now() + timedelta(days=1)).header["previous"] == latest.digest


@given(st.lists(st.text(max_size=8), max_size=40))
def test_the_merkle_root_changes_with_any_leaf(leaves):
    root = checkpoints.merkle_root(leaves)
    assert checkpoints.merkle_root(list(leaves)) == root
    if leaves:
        changed = [*leaves[:-1], leaves[-1] + "x"]
        assert checkpoints.merkle_root(changed) != root
        assert checkpoints.merkle_root(leaves[:-1]) != root  # a dropped leaf
