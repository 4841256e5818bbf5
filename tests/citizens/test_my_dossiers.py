"""A citizen's dossiers: all of theirs whatever the channel, none of another's (a matrix of citizens,
dossiers and requests), the withdrawal of their own through the lifecycle table."""

from __future__ import annotations

import pytest

from motcua.citizens import services
from motcua.citizens.models import Citizen
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, act, intake
from motcua.errors import NotFound
from tests.factories import CITIZEN_HOA as HOA
from tests.factories import CITIZEN_MINH as MINH
from tests.factories import judicial_request

pytestmark = [pytest.mark.django_db(transaction=True)]

NAMES = {HOA: "Nguyễn Thị Hoa", MINH: "Trần Văn Minh"}
MINH_APPLICANT = Applicant(name="Trần Văn Minh", id_number=MINH, phone="0987654321")


def dossiers(world) -> dict[str, dict[str, Dossier]]:
    """Two dossiers each (at a counter, online) for Hoa and Minh."""
    made: dict[str, dict[str, Dossier]] = {HOA: {}, MINH: {}}
    for id_number, applicant in ((HOA, None), (MINH, MINH_APPLICANT)):
        extra = {"applicant": applicant} if applicant else {}
        made[id_number]["counter"] = intake(
            actor=world["counter_dt"], request=judicial_request(**extra)
        ).dossier
        made[id_number]["online"] = intake(
            actor=Actor.of_applicant(), request=judicial_request(channel=Channel.ONLINE, **extra)
        ).dossier
    return made


def test_my_dossiers_lists_every_channel_and_only_mine(log_in, world):
    made = dossiers(world)
    for me in (HOA, MINH):
        page = log_in(me).get("/my/").content.decode()
        for owner, mine in made.items():
            for dossier in mine.values():
                assert (dossier.code in page) == (owner == me), (me, owner, dossier.code)


def test_a_citizen_cannot_see_or_withdraw_another_dossier(log_in, world):
    """Every (citizen, dossier, request): one's own answers, another's is unknown and unchanged."""
    made = dossiers(world)
    clients = {me: log_in(me) for me in (HOA, MINH)}
    for me, client in clients.items():
        for owner, mine in made.items():
            for dossier in mine.values():
                page = client.get(f"/my/dossiers/{dossier.code}/")
                withdraw = client.post(f"/my/dossiers/{dossier.code}/withdraw/", {"reason": "thử"})
                if owner == me:
                    assert page.status_code == 200 and dossier.code in page.content.decode()
                    assert withdraw.status_code == 302
                    assert Dossier.objects.get(pk=dossier.pk).status == Status.WITHDRAWN
                else:
                    assert page.status_code == 404 and NAMES[owner] not in page.content.decode()
                    assert withdraw.status_code == 404
    # each withdrew only their own: the other's were still open when they tried
    assert Dossier.objects.filter(status=Status.WITHDRAWN).count() == 4


def test_another_dossier_is_unknown_to_the_service_too(world):
    made = dossiers(world)
    minh = Citizen(subject="x", id_number=MINH, name="Trần Văn Minh")
    with pytest.raises(NotFound):
        services.withdraw(citizen=minh, code=made[HOA]["counter"].code, reason="không phải của tôi")
    assert Dossier.objects.get(pk=made[HOA]["counter"].pk).status == Status.RECEIVED


def test_withdrawal_needs_a_reason_and_an_open_dossier(log_in, world):
    made = dossiers(world)
    client = log_in(HOA)
    code = made[HOA]["counter"].code
    response = client.post(f"/my/dossiers/{code}/withdraw/", {"reason": "  "})
    assert response.status_code == 400 and "Vui lòng ghi lý do" in response.content.decode()
    assert Dossier.objects.get(code=code).status == Status.RECEIVED
    act(actor=Actor.of_applicant(), code=code, action="withdraw", params={"reason": "lần đầu"})
    again = client.post(f"/my/dossiers/{code}/withdraw/", {"reason": "lần hai"})
    assert again.status_code == 400 and "Không thể" in again.content.decode()
    assert Dossier.objects.get(code=code).reason == "lần đầu"


def test_the_history_is_told_in_the_applicants_words(log_in, world):
    made = dossiers(world)
    client = log_in(HOA)
    page = client.get(f"/my/dossiers/{made[HOA]['online'].code}/").content.decode()
    assert "Bạn đã nộp hồ sơ trực tuyến" in page
    assert "chưa có (thời hạn bắt đầu tính khi hồ sơ được tiếp nhận)" in page


def test_the_applicant_chooses_the_messages_of_their_dossier(log_in, world):
    from motcua.notifications.models import Consent

    made = dossiers(world)
    client = log_in(HOA)
    code = made[HOA]["counter"].code
    page = client.get(f"/my/dossiers/{code}/").content.decode()
    assert 'name="sms" checked' in page and 'name="zalo">' in page  # the defaults: e-mail and SMS
    response = client.post(f"/my/dossiers/{code}/notifications/", {"email": "on", "language": "en"})
    assert response.status_code == 302
    consent = Consent.objects.get(dossier__code=code)
    assert (consent.email, consent.sms, consent.zalo, consent.language) == (True, False, False, "en")
    other = log_in(MINH).post(f"/my/dossiers/{code}/notifications/", {"sms": "on", "language": "vi"})
    assert other.status_code == 404 and Consent.objects.get(dossier__code=code).sms is False
    bad = client.post(f"/my/dossiers/{code}/notifications/", {"language": "fr"})
    assert bad.status_code == 400 and Consent.objects.get(dossier__code=code).language == "en"


def test_the_applicant_rates_a_returned_dossier_from_my_dossiers(log_in, world):
    from motcua.dossiers.models import Rating

    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    for action, who in (
        ("complete_step", "counter_dt"),
        ("complete_step", "spec_justice"),
        ("finish", "lead_justice"),
        ("carry_result", "lead_justice"),
        ("return_result", "counter_tdm"),
    ):
        act(actor=world[who], code=code, action=action)
    client = log_in(HOA)
    assert 'id="rate"' in client.get(f"/my/dossiers/{code}/").content.decode()
    assert log_in(MINH).post(f"/my/dossiers/{code}/rate/", {"score": 1}).status_code == 404
    assert client.post(f"/my/dossiers/{code}/rate/", {"score": 3}).status_code == 302
    page = client.get(f"/my/dossiers/{code}/").content.decode()
    assert 'id="rate"' not in page and "Đánh giá của bạn: Rất hài lòng" in page
    assert (Rating.objects.get().score, Rating.objects.get().via) == (3, "portal")


def test_my_dossier_page_offers_its_signed_result_and_only_to_me(log_in, world, signers, document_store):
    from django.urls import reverse

    from motcua.documents import services as documents

    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code  # Hoa's
    act(actor=world["counter_dt"], code=code, action="complete_step")
    issued = documents.issue_result(
        actor=world["lead_justice"], code=code, title="Phiếu lý lịch tư pháp số 7"
    )
    link = reverse("documents:applicant_download", args=[issued.public_id])
    hoa = log_in(HOA)
    page = hoa.get(reverse("citizens:dossier", args=[code])).content.decode()
    assert "Phiếu lý lịch tư pháp số 7" in page and link in page
    download = hoa.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    minh = log_in(MINH)
    assert minh.get(reverse("citizens:dossier", args=[code])).status_code == 404
    assert minh.get(link).status_code == 404  # not theirs: never looked up in their session
