"""The applicants' outbox: messages made by following the event log, in the applicant's language and
per their consent; sent by e-mail and SMS (a real HTTP sender to a local server), retried with
back-off, never twice; the backlog managers see."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from motcua.dossiers.services import act, intake
from motcua.notifications import services
from motcua.notifications.models import Message
from tests.factories import PASSWORD, judicial_request, run_concurrently


def contact_request(**overrides):
    request = judicial_request(**overrides)
    request.applicant.email = "hoa@example.vn"
    return request


def later(seconds: int = 10):
    return timezone.now() + timedelta(seconds=seconds)


@pytest.fixture
def outbox_home(settings, tmp_path):
    settings.HOME = tmp_path
    return tmp_path / "outbox"


@pytest.mark.django_db
def test_a_received_dossier_is_announced_by_email_and_sms_with_code_and_link(world, outbox_home, settings):
    settings.PUBLIC_URL = "https://dichvucong.example.vn"
    dossier = intake(actor=world["counter_dt"], request=contact_request()).dossier
    report = services.follow(now=later())
    assert (report.events, report.messages) == (1, 2)
    email = Message.objects.get(channel="email")
    assert email.kind == "received" and email.recipient == "hoa@example.vn" and email.language == "vi"
    assert (
        dossier.code in email.body
        and f"https://dichvucong.example.vn/track/?code={dossier.code}" in email.body
    )
    assert "đã được tiếp nhận tại Điểm tiếp nhận thị trấn Dầu Tiếng" in email.body
    sent = services.send_due(now=later())
    assert sent.sent == 2
    assert [m.to for m in mail.outbox] == [["hoa@example.vn"]] and dossier.code in mail.outbox[0].subject
    sms = [json.loads(line) for line in (outbox_home / "sms.log").read_text().splitlines()]
    assert len(sms) == 1 and sms[0]["to"] == "0912345678" and dossier.code in sms[0]["text"]


@pytest.mark.django_db
def test_following_and_sending_again_makes_and_sends_nothing_twice(world, outbox_home):
    intake(actor=world["counter_dt"], request=contact_request())
    services.follow(now=later())
    services.send_due(now=later())
    services.FollowCursor.objects.update(last_event_id=0)  # even from the start of the log again
    assert services.follow(now=later()).events == 1
    assert Message.objects.count() == 2
    assert services.send_due(now=later()).sent == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_supplement_and_late_messages_say_what_and_when(world, outbox_home):
    code = intake(actor=world["counter_dt"], request=contact_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    dossier = act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        params={"missing": [{"code": "TP9"}]},
    )
    act(
        actor=world["counter_dt"],
        code=code,
        action="supplement_received",
        params={"papers": [{"component": "TP9"}]},
    )
    dossier.refresh_from_db()
    new_due = timezone.localtime(dossier.due_at + timedelta(days=3))
    act(
        actor=world["spec_justice"],
        code=code,
        action="apologize",
        params={"new_due_at": new_due.isoformat(), "reason": "Chờ xác minh"},
    )
    services.follow(now=later())
    bodies = {m.kind: m.body for m in Message.objects.filter(channel="sms")}
    assert "cần bổ sung giấy tờ: Bản sao sổ hộ khẩu" in bodies["supplement"]
    assert new_due.strftime("%H:%M %d/%m/%Y") in bodies["late"] and "Chờ xác minh" in bodies["late"]


@pytest.mark.django_db
def test_consent_per_dossier_channels_frequency_and_language(world, outbox_home):
    dossier = intake(actor=world["counter_dt"], request=contact_request()).dossier
    services.set_consent(
        dossier=dossier, email=True, sms=False, zalo=False, essential_only=True, language="en"
    )
    services.follow(now=later())
    message = Message.objects.get()
    assert message.channel == "email" and "was received at Dau Tieng reception point" in message.body
    act(actor=world["counter_dt"], code=dossier.code, action="withdraw", params={"reason": "x"})
    other = intake(actor=world["counter_dt"], request=contact_request()).dossier
    services.set_consent(
        dossier=other, email=False, sms=False, zalo=False, essential_only=False, language="vi"
    )
    services.follow(now=later())
    assert Message.objects.count() == 1


@pytest.mark.django_db
def test_events_older_than_the_max_age_are_not_announced(world, outbox_home):
    intake(actor=world["counter_dt"], request=contact_request(), now=timezone.now() - timedelta(days=3))
    report = services.follow(now=later())
    assert report.events == 1 and report.messages == 0


class _Provider(BaseHTTPRequestHandler):
    """A local SMS provider: fails the first `fail` requests with 503, then accepts."""

    received: list[dict] = []
    fail = 0

    def do_POST(self):  # noqa: N802 - http.server's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if type(self).fail > 0:
            type(self).fail -= 1
            self.send_response(503)
        else:
            type(self).received.append({"body": body, "auth": self.headers.get("Authorization")})
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def sms_provider(settings):
    _Provider.received, _Provider.fail = [], 0
    server = HTTPServer(("127.0.0.1", 0), _Provider)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.MOTCUA = {
        **settings.MOTCUA,
        "NOTIFY_DEFAULT_CHANNELS": "sms",
        "NOTIFY_MAX_ATTEMPTS": 3,
        "NOTIFY_SENDERS": {
            "sms": {
                "url": f"http://127.0.0.1:{server.server_port}/send",
                "template": '{"phone": "{to}", "message": "{text}", "brand": "MOTCUA"}',
                "token": "secret-token",
            }
        },
    }
    yield _Provider
    server.shutdown()


@pytest.mark.django_db
def test_the_http_sender_retries_with_back_off_then_sends(world, sms_provider):
    code = intake(actor=world["counter_dt"], request=contact_request()).dossier.code
    sms_provider.fail = 2
    services.follow(now=later())
    start = later()
    assert services.send_due(now=start).retried == 1
    message = Message.objects.get()
    assert message.state == "pending" and message.next_attempt_at == start + timedelta(minutes=1)
    assert "HTTPError" in message.last_error and "503" in message.last_error
    assert services.send_due(now=start + timedelta(seconds=30)).retried == 0  # not due yet
    assert services.send_due(now=start + timedelta(minutes=1)).retried == 1
    assert Message.objects.get().next_attempt_at == start + timedelta(minutes=3)  # then 2 min
    assert services.send_due(now=start + timedelta(minutes=3)).sent == 1
    [received] = sms_provider.received
    assert received["body"]["phone"] == "0912345678" and code in received["body"]["message"]
    assert received["body"]["brand"] == "MOTCUA" and received["auth"] == "Bearer secret-token"


@pytest.mark.django_db
def test_given_up_messages_show_in_the_managers_backlog_and_can_be_sent_again(world, sms_provider):
    intake(actor=world["counter_dt"], request=contact_request())
    sms_provider.fail = 99
    services.follow(now=later())
    moment = later()
    for minutes in (0, 1, 3):
        services.send_due(now=moment + timedelta(minutes=minutes))
    assert Message.objects.get().state == "failed" and Message.objects.get().attempts == 3
    manager, counter = Client(), Client()
    manager.login(username="manager", password=PASSWORD)
    counter.login(username="counter_dt", password=PASSWORD)
    assert counter.get("/notifications/").status_code == 403
    page = manager.get("/notifications/")
    assert page.status_code == 200
    assert 'id="count-failed-sms">1<' in page.content.decode() and "503" in page.content.decode()
    assert manager.post("/notifications/").status_code == 302
    sms_provider.fail = 0
    assert services.send_due(now=later()).sent == 1


def test_two_workers_never_send_a_message_twice(flushable_events, world, outbox_home):
    for _ in range(5):
        intake(actor=world["counter_dt"], request=contact_request())
    services.follow(now=later())
    run_concurrently(threads=3, repeat=2, task=lambda: services.send_due(now=later()))
    assert Message.objects.filter(state="sent").count() == 10
    assert len(mail.outbox) == 5
    sms = (outbox_home / "sms.log").read_text().splitlines()
    assert len(sms) == 5
