"""The national-portal sync outbox: records in order per dossier, idempotent, retried with back-off,
delivered to a local test server that fails now and then; the folder sender; the rebuild; the backlog
and the transparency component that counts what was acknowledged."""

import json
from datetime import timedelta

import pytest

from motcua.dossiers.services import act, intake
from motcua.oversight import portal_sync, selectors
from motcua.oversight.models import SyncRecord
from motcua.oversight.scope import parse_period, parse_scope
from motcua.oversight.testserver import FlakyPortal
from tests.factories import at, birth_request, judicial_request


@pytest.fixture
def changes(world):
    """Three dossiers, eight changes."""
    first = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=first, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=first, action="complete_step", now=at(2026, 3, 3, 10, 0))
    act(actor=world["lead_justice"], code=first, action="finish", now=at(2026, 3, 5, 10, 0))
    second = intake(
        actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 30)
    ).dossier.code
    act(actor=world["counter_pc"], code=second, action="complete_step", now=at(2026, 3, 2, 11, 0))
    third = intake(actor=world["counter_dt"], request=judicial_request(decision="refuse", reason="sai"),
                   now=at(2026, 3, 2, 15, 0)).dossier.code  # fmt: skip
    act(actor=world["spec_dt"], code=second, action="complete_step", now=at(2026, 3, 3, 8, 0))
    return [first, second, third]


def test_each_change_makes_one_record_with_the_dossier_as_it_stood(world, changes):
    assert portal_sync.produce() == 8
    assert portal_sync.produce() == 0  # read again until settled, never made twice
    first = {r.seq: r.payload for r in SyncRecord.objects.filter(dossier__code=changes[0])}
    assert sorted(first) == [1, 2, 3, 4]
    assert (first[1]["status"], first[1]["finished_at"], first[4]["status"]) == (2, None, 9)
    assert first[4]["finished_at"].startswith("2026-03-05T10:00")
    assert first[1]["appointment_at"].startswith("2026-03-16T09:00")  # 10 working days
    assert [h["action"] for h in first[4]["history"]] == [
        "receive",
        "complete_step",
        "complete_step",
        "finish",
    ]
    assert first[1]["place_of_submission"] == "002.31.00.H57" and first[4]["procedure_code"] == "2.000488"
    refused = SyncRecord.objects.get(dossier__code=changes[2]).payload
    assert refused["status"] == 3 and refused["refused_at"].startswith("2026-03-02T15:00")


def test_delivery_to_a_flaky_portal_is_in_order_retried_and_counted_once(world, changes):
    portal_sync.produce()
    now = at(2026, 3, 6, 8, 0)
    with FlakyPortal(fail_every=3, lose_every=4) as portal:
        sender = portal_sync.HttpSender(portal.url, timeout=5)
        for minute in range(0, 600, 5):  # passes every five minutes of a simulated clock
            portal_sync.drain(sender=sender, now=now + timedelta(minutes=minute))
            if not SyncRecord.objects.filter(acknowledged_at__isnull=True).exists():
                break
    assert portal.changes == 8  # each change once, although some were sent twice (lost answers)
    assert portal.deliveries > 8 and portal.requests > portal.deliveries
    for code in changes:  # in order per dossier
        assert portal.order[code] == sorted(portal.order[code])
    assert SyncRecord.objects.filter(attempts__gt=0).exists()  # some were retried
    assert portal_sync.backlog(now).waiting == 0


def test_back_off_doubles_up_to_a_cap_and_a_dead_portal_leaves_a_backlog(world, changes):
    assert [portal_sync.backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert portal_sync.backoff(30) == timedelta(hours=1)
    portal_sync.produce()
    dead = portal_sync.HttpSender("http://127.0.0.1:9/records", timeout=1)  # nothing listens there
    now = at(2026, 3, 6, 8, 0)
    result = portal_sync.deliver(sender=dead, now=now)
    # only each dossier's first record is due (order per dossier): three dossiers, three failures
    assert (result.sent, result.failed) == (0, 3)
    record = SyncRecord.objects.get(dossier__code=changes[0], seq=1)
    assert (record.attempts, record.next_attempt_at) == (1, now + timedelta(seconds=10))
    assert portal_sync.deliver(sender=dead, now=now + timedelta(seconds=5)).failed == 0  # waiting
    backlog = portal_sync.backlog(now)
    assert (backlog.waiting, backlog.failing) == (8, 3) and backlog.last_error.startswith("HTTP")
    assert backlog.oldest == at(2026, 3, 2, 9, 0)


def test_folder_sender_rebuild_and_the_synced_component(world, changes, tmp_path, local_cache):
    scope, march = parse_scope(world["manager"]), parse_period("2026-03")
    assert not selectors.scoreboard(scope, march).board.component("transparency.synced").measured
    portal_sync.produce()
    outbox = tmp_path / "outbox"
    portal_sync.deliver(
        sender=portal_sync.FolderSender(outbox), now=at(2026, 3, 6, 8, 0), batch=2
    )  # two sent
    written = sorted(p.relative_to(outbox).as_posix() for p in outbox.rglob("*.json"))
    assert len(written) == 2 and all(name.endswith("/000001.json") for name in written)
    assert json.loads((outbox / written[0]).read_text())["seq"] == 1
    synced = selectors.scoreboard(scope, march).board.component("transparency.synced")
    # 2 of the 8 changes of March acknowledged: 0.25 / 0.8 × 6 = 1.88
    assert (synced.numerator, synced.denominator, synced.points) == (2, 8, selectors.Decimal("1.88"))
    SyncRecord.objects.filter(acknowledged_at__isnull=True).delete()
    result = portal_sync.rebuild()
    assert (result.records, result.created, result.kept_acknowledged) == (8, 6, 2)
    assert SyncRecord.objects.count() == 8


def test_the_configured_sender(settings, tmp_path):
    settings.MOTCUA = {**settings.MOTCUA, "SYNC_SENDER": "folder", "SYNC_FOLDER": str(tmp_path)}
    assert isinstance(portal_sync.configured_sender(), portal_sync.FolderSender)
    settings.MOTCUA = {**settings.MOTCUA, "SYNC_SENDER": "http", "SYNC_URL": "http://127.0.0.1:9/x"}
    sender = portal_sync.configured_sender()
    assert isinstance(sender, portal_sync.HttpSender) and sender.url == "http://127.0.0.1:9/x"
    settings.MOTCUA = {**settings.MOTCUA, "SYNC_SENDER": "carrier-pigeon"}
    with pytest.raises(portal_sync.SendError, match="unknown sync sender 'carrier-pigeon'"):
        portal_sync.configured_sender()


def test_a_portal_that_already_has_the_change_acknowledges_it():
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Conflict(BaseHTTPRequestHandler):
        def log_message(self, *args):
            return

        def do_POST(self):  # noqa: N802
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(409 if self.headers["Idempotency-Key"] == "A:1" else 400)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Conflict)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        sender = portal_sync.HttpSender(f"http://127.0.0.1:{server.server_address[1]}/", timeout=5)
        sender.send({"key": "A:1", "dossier_code": "A", "seq": 1})  # 409: the portal has it
        with pytest.raises(portal_sync.SendError, match="HTTP 400"):
            sender.send({"key": "A:2", "dossier_code": "A", "seq": 2})
    finally:
        server.shutdown()
        server.server_close()
