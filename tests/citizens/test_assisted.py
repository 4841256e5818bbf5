"""Assisted online filing: a counter officer files online for a person present, who confirms with a
one-time code (sent through the outbox, hashed at rest, expiring, limited tries, rate-limited) or on
the counter's tablet. Only then is a dossier sent (NEW, online, assisted), counted as "assisted
online" in the oversight figures; before that nothing exists or is counted."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client

from motcua.citizens import assisted
from motcua.citizens.history import told
from motcua.citizens.models import AssistedFiling
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.services import act
from motcua.errors import Forbidden, NotFound, ValidationFailed
from motcua.notifications import services
from motcua.notifications.models import Message
from motcua.oversight import selectors as oversight
from motcua.oversight import tallies
from motcua.oversight.scope import parse_period, parse_scope
from motcua.ratelimit import RateLimited
from tests.factories import BRANCH_TDM, PASSWORD, POINT_DAU_TIENG, at, run_concurrently

NOW = at(2026, 3, 2, 9, 0)  # a Monday morning


def person(**overrides) -> dict:
    """What the officer types for Nguyễn Thị Hoa, present at the Dầu Tiếng reception point."""
    data = {
        "applicant_name": "Nguyễn Thị Hoa",
        "applicant_id_number": "074190001234",
        "phone": "0912345678",
        "email": "hoa@example.vn",
        "address": "Phú Cường, Thủ Dầu Một",
        "subject_jurisdiction": "25747",
        "request_text": "Cấp phiếu lý lịch tư pháp số 1",
        "return_unit": BRANCH_TDM,
        "papers": ["TP1"],
        "notify_sms": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def outbox(settings, tmp_path):
    settings.HOME = tmp_path
    return tmp_path / "outbox"


def prepared(world, **overrides) -> AssistedFiling:
    return assisted.start(
        actor=world["counter_dt"],
        unit_code=POINT_DAU_TIENG,
        procedure_code="2.000488",
        data=person(**overrides),
        now=NOW,
    )


def code_sent(world, found, django_capture_on_commit_callbacks, outbox, channel="sms", now=NOW) -> str:
    """Send a code; the outbox sends it at once (after the commit): read it where SMS land."""
    with django_capture_on_commit_callbacks(execute=True):
        assisted.send_code(actor=world["counter_dt"], filing_id=found.pk, channel=channel, now=now)
    lines = (outbox / "sms.log").read_text(encoding="utf-8").splitlines()
    return re.search(r"\b(\d{6})\b", json.loads(lines[-1])["text"]).group(1)


@pytest.mark.django_db
def test_confirmed_by_code_the_dossier_is_new_online_assisted_and_names_officer_and_how(
    world, outbox, django_capture_on_commit_callbacks
):
    found = prepared(world)
    assert Dossier.objects.count() == 0  # pending: nothing sent, nothing counted
    code = code_sent(world, found, django_capture_on_commit_callbacks, outbox)
    found.refresh_from_db()
    assert code not in found.code_hash and len(found.code_hash) == 64  # only a keyed hash at rest
    message = Message.objects.get(kind="code")
    assert message.state == "sent" and message.recipient == "0912345678" and message.dossier is None
    assert code not in message.body  # not kept in the outbox once sent

    result = assisted.confirm_with_code(
        actor=world["counter_dt"], filing_id=found.pk, code=code, now=NOW + timedelta(minutes=2)
    )
    dossier = Dossier.objects.get(pk=result.dossier.pk)
    assert (dossier.status, dossier.channel, dossier.assisted) == (Status.NEW, Channel.ONLINE, True)
    assert dossier.receiving_unit.code == POINT_DAU_TIENG and dossier.applicant_name == "Nguyễn Thị Hoa"
    event = dossier.events.get()
    assert event.action == "submit_online" and event.actor.username == "counter_dt"
    assert event.unit.code == POINT_DAU_TIENG and event.role == "counter"
    assert event.payload["confirmation"] == {"by": "code_sms"}
    found.refresh_from_db()
    assert (found.submitted_code, found.confirmed_how, found.code_hash) == (dossier.code, "code_sms", "")
    # the counter receives it through the usual flow
    assert act(actor=world["counter_dt"], code=dossier.code, action="receive").status == Status.RECEIVED


@pytest.mark.django_db
def test_wrong_expired_too_many_replay_and_double_submit(world, outbox, django_capture_on_commit_callbacks):
    found = prepared(world)
    officer = world["counter_dt"]
    with pytest.raises(ValidationFailed) as no_code:
        assisted.confirm_with_code(actor=officer, filing_id=found.pk, code="123456", now=NOW)
    assert no_code.value.code == "no_code"
    code = code_sent(world, found, django_capture_on_commit_callbacks, outbox)
    wrong = "000000" if code != "000000" else "111111"

    with pytest.raises(ValidationFailed) as error:
        assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=wrong, now=NOW)
    assert error.value.code == "wrong_code" and "4" in error.value.message_en  # the try is kept
    # expired: the right code, one second past its lifetime (10 minutes by default)
    with pytest.raises(ValidationFailed) as expired:
        assisted.confirm_with_code(
            actor=officer, filing_id=found.pk, code=code, now=NOW + timedelta(minutes=10, seconds=1)
        )
    assert expired.value.code == "code_expired"

    # too many tries: then even the right code is refused until a new one is sent
    for _ in range(4):
        with pytest.raises(ValidationFailed):
            assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=wrong, now=NOW)
    with pytest.raises(ValidationFailed) as locked:
        assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=code, now=NOW)
    assert (locked.value.code, locked.value.http_status) == ("too_many_attempts", 429)
    assert Dossier.objects.count() == 0

    later = NOW + timedelta(minutes=1)
    fresh = code_sent(world, found, django_capture_on_commit_callbacks, outbox, now=later)
    if fresh != code:  # the old code no longer works once a new one is sent
        with pytest.raises(ValidationFailed):
            assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=code, now=later)
    assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=fresh, now=later)
    # replay of the used code, and a second submission on the tablet: refused, one dossier only
    with pytest.raises(ValidationFailed) as replay:
        assisted.confirm_with_code(actor=officer, filing_id=found.pk, code=fresh, now=later)
    assert (replay.value.code, replay.value.http_status) == ("already_submitted", 409)
    with pytest.raises(ValidationFailed) as again:
        assisted.confirm_on_tablet(
            actor=officer, filing_id=found.pk, signed_name="Nguyễn Thị Hoa", agreed=True, now=later
        )
    assert again.value.code == "already_submitted"
    assert Dossier.objects.count() == 1


@pytest.mark.django_db
def test_codes_sent_are_rate_limited_and_need_a_recipient(world, outbox, django_capture_on_commit_callbacks):
    found = prepared(world, email="")
    with pytest.raises(ValidationFailed) as no_email:
        assisted.send_code(actor=world["counter_dt"], filing_id=found.pk, channel="email", now=NOW)
    assert no_email.value.problems[0].field == "email"
    for minute in range(2):  # the refused e-mail above counted: 3 per filing in 15 minutes
        code_sent(
            world, found, django_capture_on_commit_callbacks, outbox, now=NOW + timedelta(minutes=minute)
        )
    with pytest.raises(RateLimited):
        assisted.send_code(
            actor=world["counter_dt"], filing_id=found.pk, channel="sms", now=NOW + timedelta(minutes=3)
        )
    assert Message.objects.filter(kind="code").count() == 2


@pytest.mark.django_db
def test_an_expired_code_message_is_not_sent_late(world, outbox):
    found = prepared(world)
    assisted.send_code(actor=world["counter_dt"], filing_id=found.pk, channel="sms", now=NOW)
    # no on-commit send here (a provider down): the outbox's next run is past the code's lifetime
    report = services.send_due(now=NOW + timedelta(minutes=11))
    message = Message.objects.get(kind="code")
    assert (report.sent, report.failed, message.state, message.last_error) == (0, 1, "failed", "expired")
    assert not (outbox / "sms.log").exists() and not re.search(r"\d{6}", message.body)


@pytest.mark.django_db
def test_confirmed_on_the_tablet_with_the_typed_name(world):
    found = prepared(world)
    officer = world["counter_dt"]
    with pytest.raises(ValidationFailed) as refused:
        assisted.confirm_on_tablet(
            actor=officer, filing_id=found.pk, signed_name="Hoa", agreed=False, now=NOW
        )
    assert {p.field for p in refused.value.problems} == {"signed_name", "agreed"}
    result = assisted.confirm_on_tablet(
        actor=officer, filing_id=found.pk, signed_name="nguyen thi hoa", agreed=True, now=NOW
    )
    event = result.dossier.events.get()
    assert event.payload["confirmation"] == {"by": "tablet", "signed_name": "nguyen thi hoa"}
    assert event.actor.username == "counter_dt"


@pytest.mark.django_db
def test_only_counter_officers_of_the_unit(world):
    with pytest.raises(Forbidden):  # a counter officer of another unit may not file there
        assisted.start(
            actor=world["counter_pc"], unit_code=POINT_DAU_TIENG, procedure_code="2.000488", data=person()
        )
    with pytest.raises(Forbidden):  # a postal officer of the center is no counter officer
        assisted.start(
            actor=world["postal"], unit_code="000.00.00.H57", procedure_code="2.000488", data=person()
        )
    found = prepared(world)
    for other in ("counter_pc", "counter_center", "spec_justice", "manager"):
        with pytest.raises(NotFound):
            assisted.send_code(actor=world[other], filing_id=found.pk, channel="sms", now=NOW)
        with pytest.raises(NotFound):
            assisted.confirm_on_tablet(
                actor=world[other], filing_id=found.pk, signed_name="Nguyễn Thị Hoa", agreed=True, now=NOW
            )
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_a_filing_the_intake_would_refuse_is_refused_before_anyone_confirms(world):
    with pytest.raises(ValidationFailed) as missing:
        prepared(world, papers=[])
    assert [p.field for p in missing.value.problems] == ["paper_TP1"]
    with pytest.raises(ValidationFailed) as no_name:
        prepared(world, applicant_name="")
    assert "applicant.name" in {p.field for p in no_name.value.problems}
    assert AssistedFiling.objects.count() == 0


@pytest.mark.django_db
def test_the_channel_share_counts_assisted_online_once_confirmed_and_received(world):
    found = prepared(world)
    tallies.follow()
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")

    def channels():
        tallies.follow()
        return {r["channel_en"]: r["received"] for r in oversight.channels_table(scope, period).rows}

    assert channels() == {}  # pending: nothing counted
    result = assisted.confirm_on_tablet(
        actor=world["counter_dt"], filing_id=found.pk, signed_name="Nguyễn Thị Hoa", agreed=True, now=NOW
    )
    # counted, as every online filing, when the counter receives it; in the assisted share
    act(actor=world["counter_dt"], code=result.dossier.code, action="receive", now=NOW + timedelta(minutes=5))
    assert channels() == {"Assisted online": 1}
    figures = oversight.scoreboard(scope, period).figures  # an online filing for Index 766's online share
    assert (figures["received"], figures["received_online"]) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_desk_page_is_for_counter_officers_only(world, log_in):
    citizen = log_in("074190001234")  # a citizen's session (the identity provider's log-in)
    response = citizen.get("/desk/assisted/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    specialist = Client()
    specialist.login(username="spec_justice", password=PASSWORD)
    assert specialist.get("/desk/assisted/").status_code == 403
    officer = Client()
    officer.login(username="counter_dt", password=PASSWORD)
    assert officer.get("/desk/assisted/").status_code == 200
    found = prepared(world)
    other = Client()
    other.login(username="counter_pc", password=PASSWORD)  # another reception point's officer
    assert other.get(f"/desk/assisted/{found.pk}/").status_code == 404
    assert (
        other.post(
            f"/desk/assisted/{found.pk}/tablet/", {"signed_name": "Nguyễn Thị Hoa", "agreed": "on"}
        ).status_code
        == 404
    )
    assert citizen.get(f"/desk/assisted/{found.pk}/tablet/").status_code == 302
    assert Dossier.objects.count() == 0


@pytest.mark.django_db
def test_the_lifetime_and_tries_are_settings(world, outbox, settings, django_capture_on_commit_callbacks):
    settings.MOTCUA = {**settings.MOTCUA, "ASSISTED_CODE_MINUTES": 3, "ASSISTED_CODE_ATTEMPTS": 1}
    found = prepared(world)
    code = code_sent(world, found, django_capture_on_commit_callbacks, outbox)
    found.refresh_from_db()
    assert found.code_expires_at == NOW + timedelta(minutes=3)
    with pytest.raises(ValidationFailed) as expired:
        assisted.confirm_with_code(
            actor=world["counter_dt"], filing_id=found.pk, code=code, now=NOW + timedelta(minutes=3)
        )
    assert expired.value.code == "code_expired"
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(ValidationFailed):
        assisted.confirm_with_code(actor=world["counter_dt"], filing_id=found.pk, code=wrong, now=NOW)
    with pytest.raises(ValidationFailed) as locked:  # one wrong try allowed
        assisted.confirm_with_code(actor=world["counter_dt"], filing_id=found.pk, code=code, now=NOW)
    assert locked.value.code == "too_many_attempts"


@pytest.mark.django_db
def test_a_code_message_given_up_keeps_no_code(world, outbox, settings):
    settings.MOTCUA = {
        **settings.MOTCUA,
        "NOTIFY_MAX_ATTEMPTS": 1,
        "NOTIFY_SENDERS": {"sms": {"url": "http://127.0.0.1:9/sms"}},  # nothing listens: it fails
    }
    found = prepared(world)
    assisted.send_code(actor=world["counter_dt"], filing_id=found.pk, channel="sms", now=NOW)
    assert services.send_due(now=NOW).failed == 1
    message = Message.objects.get(kind="code")
    assert message.state == "failed" and not re.search(r"\d{6}", message.body)


@pytest.mark.django_db
def test_the_pages_say_what_is_wrong_and_send_once(world, outbox, django_capture_on_commit_callbacks):
    officer = Client()
    officer.login(username="counter_dt", password=PASSWORD)
    form = {**person(), "unit": POINT_DAU_TIENG, "papers": [], "notify_sms": "on"}
    refused = officer.post("/desk/assisted/new/2.000488/", form)
    assert refused.status_code == 400 and "Tờ khai" in refused.content.decode()  # the missing paper
    assert AssistedFiling.objects.count() == 0
    created = officer.post("/desk/assisted/new/2.000488/", {**form, "papers": ["TP1"]})
    found = AssistedFiling.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/desk/assisted/{found.pk}/"

    page = f"/desk/assisted/{found.pk}/"
    assert officer.post(page, {"send_code": "zalo"}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        sent = officer.post(page, {"send_code": "sms"})
    assert sent.status_code == 200 and "0912345678" in sent.content.decode()
    wrong = officer.post(page, {"confirm": "1", "code": "abc"})
    assert wrong.status_code == 400 and "Mã xác nhận không đúng; còn 4 lần thử." in wrong.content.decode()

    tablet = f"/desk/assisted/{found.pk}/tablet/"
    assert "Nguyễn Thị Hoa" in officer.get(tablet).content.decode()
    unsigned = officer.post(tablet, {"signed_name": "Trần Văn Nam", "agreed": "on"})
    assert unsigned.status_code == 400 and "phải là họ tên người nộp" in unsigned.content.decode()
    signed = officer.post(tablet, {"signed_name": "Nguyễn Thị Hoa", "agreed": "on"})
    assert signed.status_code == 201
    dossier = Dossier.objects.get()
    assert dossier.code in signed.content.decode() and dossier.assisted
    again = officer.post(tablet, {"signed_name": "Nguyễn Thị Hoa", "agreed": "on"})
    assert again.status_code == 200 and Dossier.objects.count() == 1  # the sent page, nothing more
    assert told(dossier.events.get()) == (
        "Cán bộ một cửa của Điểm tiếp nhận thị trấn Dầu Tiếng đã nộp trực tuyến hồ sơ giúp bạn, "
        "theo xác nhận của bạn."
    )
    manager = Client()
    manager.login(username="manager", password=PASSWORD)
    assert manager.get("/notifications/").status_code == 200  # a code message has no dossier


def test_concurrent_confirmations_send_one_dossier(flushable_events, world):
    found = prepared(world)
    refused = []

    def confirm() -> None:
        try:
            assisted.confirm_on_tablet(
                actor=world["counter_dt"],
                filing_id=found.pk,
                signed_name="Nguyễn Thị Hoa",
                agreed=True,
                now=NOW,
            )
        except ValidationFailed as error:
            assert error.code == "already_submitted"
            refused.append(error)

    run_concurrently(4, 1, confirm)
    assert Dossier.objects.count() == 1 and len(refused) == 3


@pytest.mark.django_db
def test_a_filing_left_unconfirmed_is_refused_unlisted_and_forgotten(world, settings):
    settings.MOTCUA = {**settings.MOTCUA, "ASSISTED_FILING_HOURS": 4}
    found = prepared(world)
    officer = world["counter_dt"]
    assert list(assisted.pending_of(officer, NOW + timedelta(hours=3, minutes=59))) == [found]
    later = NOW + timedelta(hours=4)
    assert list(assisted.pending_of(officer, later)) == []
    with pytest.raises(ValidationFailed) as refused:
        assisted.confirm_on_tablet(
            actor=officer, filing_id=found.pk, signed_name="Nguyễn Thị Hoa", agreed=True, now=later
        )
    assert refused.value.code == "filing_expired" and "4 giờ" in refused.value.message_vi
    assert Dossier.objects.count() == 0
    kept = assisted.start(
        actor=officer, unit_code=POINT_DAU_TIENG, procedure_code="2.000488", data=person(), now=later
    )
    assert list(AssistedFiling.objects.all()) == [kept]  # the abandoned one's personal data is gone
