"""Online filing by a logged-in citizen: drafts saved and resumed, fees and the expected appointment
shown before sending, the dossier NEW online and received at the counter through the existing flow;
a procedure not offered online says so with the units that take it."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.catalog.models import OnlineLevel, Procedure
from motcua.citizens.models import Draft
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.services import act
from tests.factories import BRANCH_TDM, CITIZEN_HOA, CITIZEN_MINH, POINT_DAU_TIENG

pytestmark = [pytest.mark.django_db(transaction=True)]

FORM = {
    "subject_jurisdiction": "25747",
    "request_text": "Cấp phiếu lý lịch tư pháp số 1",
    "phone": "0912345678",
    "email": "hoa@example.vn",
    "address": "Phú Cường, Thủ Dầu Một",
    "return_unit": BRANCH_TDM,
    "papers": ["TP1"],
    "notify_email": "on",
}


def start(client: Client, code: str = "2.000488") -> int:
    response = client.post(f"/my/file/{code}/")
    assert response.status_code == 302, response.content
    return int(response["Location"].rstrip("/").rsplit("/", 1)[1])


def test_the_catalog_offers_file_online_on_online_procedures(provider, world):
    Procedure.objects.filter(code="1.001193").update(online_level=OnlineLevel.NONE)
    page = Client().get("/my/file/", {"q": "lý lịch"}).content.decode()
    assert 'href="/my/file/2.000488/"' in page and "Nộp trực tuyến" in page
    home = Client().get("/").content.decode()
    assert 'href="/my/file/1.001193/">Nơi nộp hồ sơ' in home


def test_start_shows_fees_and_expected_appointment_and_prefills_from_claims(log_in, world):
    client = log_in(CITIZEN_HOA)
    page = client.get("/my/file/2.000488/").content.decode()
    assert "200000 VNĐ" in page and 'id="expected-due"' in page
    draft_id = start(client)
    draft = client.get(f"/my/drafts/{draft_id}/").content.decode()
    assert "Nguyễn Thị Hoa" in draft and CITIZEN_HOA in draft
    assert 'value="0912345678"' in draft  # the phone claim
    assert "Phú Cường, Thủ Dầu Một, Bình Dương" in draft  # the address claim


def test_a_draft_is_saved_and_resumed(log_in, world):
    client = log_in(CITIZEN_HOA)
    draft_id = start(client)
    response = client.post(f"/my/drafts/{draft_id}/", {**FORM, "save": "1", "papers": []})
    assert response.status_code == 302
    assert Draft.objects.get(pk=draft_id).data["request_text"] == FORM["request_text"]
    assert start(client) == draft_id  # starting again resumes the open draft
    again = client.get(f"/my/drafts/{draft_id}/").content.decode()
    assert FORM["request_text"] in again
    assert "Cấp Phiếu lý lịch tư pháp" in client.get("/my/file/").content.decode()  # listed as a draft
    assert not Dossier.objects.exists()


def test_sending_makes_a_new_online_dossier_the_counter_receives(log_in, world):
    client = log_in(CITIZEN_HOA)
    draft_id = start(client)
    response = client.post(f"/my/drafts/{draft_id}/", {**FORM, "send": "1"})
    assert response.status_code == 201, response.content.decode()
    dossier = Dossier.objects.get()
    assert (dossier.status, dossier.channel, dossier.assisted) == (Status.NEW, Channel.ONLINE, False)
    assert dossier.applicant_id_number == CITIZEN_HOA and dossier.applicant_name == "Nguyễn Thị Hoa"
    assert dossier.receiving_unit.code == BRANCH_TDM and dossier.return_unit.code == BRANCH_TDM
    assert dossier.code in response.content.decode()
    assert Draft.objects.get(pk=draft_id).submitted_code == dossier.code
    consent = dossier.consent  # the form's choice: e-mail, not SMS
    assert (consent.email, consent.sms, consent.language) == (True, False, "vi")
    assert client.post(f"/my/drafts/{draft_id}/", {**FORM, "send": "1"}).status_code == 302  # sent once
    assert Dossier.objects.count() == 1
    act(actor=world["counter_tdm"], code=dossier.code, action="receive")  # the counter's existing flow
    assert Dossier.objects.get().status == Status.RECEIVED
    assert dossier.code in client.get("/my/").content.decode()


def test_a_missing_required_paper_or_commune_is_named_and_nothing_is_made(log_in, world):
    client = log_in(CITIZEN_HOA)
    draft_id = start(client)
    response = client.post(f"/my/drafts/{draft_id}/", {**FORM, "papers": [], "send": "1"})
    assert response.status_code == 400
    assert "cần đính kèm: Tờ khai" in response.content.decode()
    response = client.post(f"/my/drafts/{draft_id}/", {**FORM, "subject_jurisdiction": "", "send": "1"})
    assert response.status_code == 400 and "phải là mã một xã, phường, thị trấn" in response.content.decode()
    assert not Dossier.objects.exists()
    assert Draft.objects.get(pk=draft_id).submitted_code == ""
    assert Draft.objects.get(pk=draft_id).data["request_text"] == FORM["request_text"]  # kept


def test_by_post_needs_an_address_and_goes_to_the_nearest_unit(log_in, world):
    client = log_in(CITIZEN_HOA)
    draft_id = start(client)
    body = {**FORM, "subject_jurisdiction": "25966", "return_unit": "", "return_by_post": "on", "send": "1"}
    body["return_address"] = ""
    response = client.post(f"/my/drafts/{draft_id}/", body)
    assert (
        response.status_code == 400 and "cần địa chỉ nhận kết quả qua bưu chính" in response.content.decode()
    )
    body["return_address"] = "12 Đường 30/4, Phú Cường"
    assert client.post(f"/my/drafts/{draft_id}/", body).status_code == 201
    dossier = Dossier.objects.get()
    assert dossier.return_by_post and dossier.return_unit is None
    assert dossier.receiving_unit.code == POINT_DAU_TIENG  # nearest to Dầu Tiếng township that takes it


def test_a_procedure_not_offered_online_says_so_with_the_nearest_units(provider, world):
    Procedure.objects.filter(code="1.001193").update(online_level=OnlineLevel.NONE)
    page = Client().get("/my/file/1.001193/", {"near": "25966"})
    text = page.content.decode()
    assert page.status_code == 200 and "không nhận hồ sơ trực tuyến" in text
    assert text.index("Điểm tiếp nhận thị trấn Dầu Tiếng") < text.index("Điểm tiếp nhận phường Phú Cường")
    assert Client().post("/my/file/1.001193/").status_code == 200  # no draft either
    assert not Draft.objects.exists()


def test_another_citizens_draft_is_unknown(log_in, world):
    hoa = log_in(CITIZEN_HOA)
    draft_id = start(hoa)
    minh = log_in(CITIZEN_MINH)
    assert minh.get(f"/my/drafts/{draft_id}/").status_code == 404
    assert minh.post(f"/my/drafts/{draft_id}/", {**FORM, "send": "1"}).status_code == 404
    assert not Dossier.objects.exists()


def test_filing_needs_a_log_in(provider, world):
    response = Client().get("/my/file/2.000488/")
    assert response.status_code == 302 and response["Location"].startswith("/my/login/")
