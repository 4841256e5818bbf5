"""The staff desk through Django's test client: log-in, permissions, the intake round trip with its
receipt and PDF slip, the dossier page's actions, and the public tracking page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import intake
from tests.factories import (
    BRANCH_TDM,
    INTAKE_FORM,
    JUSTICE,
    at,
    error_after,
    judicial_request,
    page_text,
    pdf_text,
)

# --- log-in and permissions -----------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login_page(client, db):
    for url in ("/desk/", "/desk/intake/", "/desk/dossiers/X-1/", "/desk/dossiers/X-1/receipt.pdf"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=")


def test_login_page_is_vietnamese_and_leads_to_the_desk(client, world):
    page = page_text(client.get("/accounts/login/"))
    assert "Đăng nhập cán bộ" in page and "Mật khẩu" in page
    response = client.post("/accounts/login/", {"username": "counter_dt", "password": "x-test-password"})
    # the landing page sends those who oversee nothing to the work queue
    assert response.status_code == 302 and response["Location"] == "/start/"
    assert client.get("/start/")["Location"] == "/desk/"
    wrong = Client().post("/accounts/login/", {"username": "counter_dt", "password": "nope"})
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in page_text(wrong)


def test_logout_is_a_post(login):
    client = login("counter_dt")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/desk/").status_code == 302


def test_outsider_gets_the_unknown_codes_404_not_500(login, world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier
    outsider = login("outsider")
    unknown = dossier.code[:-4] + "9999"
    for path in ("/desk/dossiers/{}/", "/desk/dossiers/{}/receipt.pdf"):
        seen, never = outsider.get(path.format(dossier.code)), outsider.get(path.format(unknown))
        assert seen.status_code == never.status_code == 404
        assert "Không tìm thấy hồ sơ" in page_text(seen)
        masked = [re.sub(r'value="[A-Za-z0-9]{64}"', "", page_text(r)) for r in (seen, never)]  # CSRF
        assert masked[0].replace(dossier.code, "?") == masked[1].replace(unknown, "?")
    response = outsider.post(f"/desk/dossiers/{dossier.code}/actions/complete_step/")
    assert response.status_code == 404
    assert login("outsider").get("/desk/dossiers/NO-SUCH/").status_code == 404
    assert outsider.get("/desk/", {"unit": JUSTICE}).status_code == 403


def test_specialist_may_not_open_the_intake_form(login):
    response = login("spec_justice").get("/desk/intake/")
    assert response.status_code == 403


# --- the work queue -------------------------------------------------------------------------------


def test_queue_lists_the_units_dossiers_with_badges_and_filters(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    received = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    other = intake(actor=world["counter_dt"], request=judicial_request(applicant=_applicant("Lê Văn Bình")))
    client = login("counter_dt")
    page = page_text(client.get("/desk/"))
    assert received.code in page and other.dossier.code in page and "Cấp Phiếu lý lịch tư pháp" in page
    fragment = page_text(client.get("/desk/", {"q": "Lê Văn"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment and other.dossier.code in fragment and received.code not in fragment
    clock.set(at(2026, 4, 1, 9))  # long past the 10 working days (a new session: the old one expired)
    assert "Quá hạn" in page_text(login("counter_dt").get("/desk/", {"due": "late"}))
    assert login("spec_justice").get("/desk/").content.decode().count(received.code) == 0


def test_queue_pages_with_a_cursor(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    codes = [intake(actor=world["counter_dt"], request=judicial_request()).dossier.code for _ in range(3)]
    client = login("counter_dt")
    # the selector's page size is 50: a bad cursor is reported, not a crash
    response = client.get("/desk/", {"cursor": "not-a-cursor"})
    assert response.status_code == 200 and "Con trỏ trang không hợp lệ" in page_text(response)
    assert all(code in page_text(client.get("/desk/")) for code in codes)


def _applicant(name: str):
    from motcua.dossiers.services import Applicant

    return Applicant(name=name, id_number="074190009999")


# --- intake ---------------------------------------------------------------------------------------


def test_intake_form_shows_procedures_communes_and_loads_the_checklist(login):
    client = login("counter_dt")
    page = page_text(client.get("/desk/intake/"))
    assert "Tiếp nhận hồ sơ" in page and 'value="2.000488"' in page and 'value="25747"' in page
    fragment = page_text(client.get("/desk/intake/checklist/", {"procedure": "2.000488"}))
    assert "Tờ khai" in fragment and 'name="paper_TP1"' in fragment and "<html" not in fragment
    no_js = client.post("/desk/intake/", {**INTAKE_FORM, "load_checklist": "1"})
    assert no_js.status_code == 200 and 'name="paper_TP1"' in page_text(no_js)
    assert Dossier.objects.count() == 0


def test_intake_round_trip_gives_receipt_pin_and_pdf(login, clock):
    clock.set(at(2026, 3, 2, 9))
    client = login("counter_dt")
    response = client.post("/desk/intake/", INTAKE_FORM)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/desk/dossiers/{dossier.code}/receipt/"
    assert dossier.status == Status.RECEIVED and dossier.return_unit.code == BRANCH_TDM
    page = page_text(client.get(response["Location"]))
    pin = re.search(r'<p class="pin"[^>]*>(\d{6})</p>', page).group(1)
    assert dossier.code in page and "09:00 16/03/2026" in page and "Chi nhánh Thủ Dầu Một" in page
    assert "Tờ khai" in page and "10 ngày làm việc" in page
    pdf = client.get(f"/desk/dossiers/{dossier.code}/receipt.pdf")
    assert pdf["Content-Type"] == "application/pdf" and dossier.code in pdf_keywords(pdf.content)
    text = pdf_text(pdf.content)
    assert dossier.code in text and pin in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text
    assert "09 giờ 00 phút, ngày 16/03/2026" in text and "Chi nhánh Thủ Dầu Một" in text
    # the next intake forgets the PIN: it was shown once
    client.get("/desk/intake/")
    assert 'class="pin"' not in page_text(client.get(response["Location"]))


def test_supplement_and_refusal_slips(login, clock):
    clock.set(at(2026, 3, 2, 9))
    client = login("counter_dt")
    missing = {key: value for key, value in INTAKE_FORM.items() if not key.startswith("paper_")}
    response = client.post("/desk/intake/", {**missing, "missing_note": "bản có chữ ký"})
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUPPLEMENT
    page = page_text(client.get(response["Location"]))
    assert "Yêu cầu bổ sung" in page and "Tờ khai" in page
    text = pdf_text(client.get(f"/desk/dossiers/{dossier.code}/receipt.pdf").content)
    assert "PHIẾU YÊU CẦU BỔ SUNG" in text and "Tờ khai (bản có chữ ký)" in text
    client.get("/desk/intake/")
    response = client.post(
        "/desk/intake/", {**INTAKE_FORM, "decision": "refuse", "reason": "Không thuộc thẩm quyền"}
    )
    refused = Dossier.objects.get(status=Status.REFUSED)
    assert refused.reason == "Không thuộc thẩm quyền"
    text = pdf_text(client.get(f"/desk/dossiers/{refused.code}/receipt.pdf").content)
    assert "PHIẾU TỪ CHỐI" in text and "Không thuộc thẩm quyền" in text


def test_intake_errors_are_shown_next_to_the_named_fields(login):
    client = login("counter_dt")
    bad = {**INTAKE_FORM, "applicant_id_number": "12ab", "subject_jurisdiction": "718", "procedure": "9.9"}
    response = client.post("/desk/intake/", bad)
    page = page_text(response)
    assert response.status_code == 400 and Dossier.objects.count() == 0
    assert "Hồ sơ tiếp nhận chưa hợp lệ." in page
    assert error_after(page, "id_applicant_id_number", "số CCCD/CMND phải gồm 12 (hoặc 9) chữ số")
    assert error_after(page, "id_subject_jurisdiction", "phải là mã một xã, phường, thị trấn")
    assert error_after(page, "id_procedure", "không có thủ tục mã &#x27;9.9&#x27;")
    refusal = page_text(client.post("/desk/intake/", {**INTAKE_FORM, "decision": "refuse"}))
    assert "Cần ghi rõ lý do." in refusal
    by_post = page_text(client.post("/desk/intake/", {**INTAKE_FORM, "return_mode": "post"}))
    assert error_after(by_post, "id_return_address", "cần địa chỉ nhận kết quả qua bưu chính")


def test_intake_errors_follow_the_page_language(login):
    client = login("counter_dt")
    bad = {**INTAKE_FORM, "applicant_id_number": "12ab"}
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the visitor chose English
    page = page_text(client.post("/desk/intake/", bad))
    assert "the ID number must have 12 (or 9) digits" in page and "The intake is invalid." in page


def pdf_keywords(content: bytes) -> str:
    match = re.search(rb"/Keywords \((.*?)\)", content)
    return match.group(1).decode("latin-1") if match else ""


# --- the dossier page -----------------------------------------------------------------------------


def test_dossier_page_shows_history_explanation_and_allowed_actions(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    dossier = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    page = page_text(login("counter_dt").get(f"/desk/dossiers/{dossier.code}/"))
    assert "Sở Tư pháp" in page and "Chi nhánh Thủ Dầu Một" in page and "Nguyễn Thị Hoa" in page
    assert "Tiếp nhận" in page and 'id="action-complete_step"' in page and 'id="action-withdraw"' in page
    assert "10 ngày làm việc" in page  # the due-time explanation
    assert 'id="action-finish"' not in page
    manager_page = page_text(login("manager").get(f"/desk/dossiers/{dossier.code}/"))
    assert dossier.code in manager_page and "Không có thao tác nào" in manager_page


def test_the_history_names_the_applicant_for_an_online_filing(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=Actor.of_applicant(), request=judicial_request(channel=2)).dossier.code
    counter = login("counter_dt")
    counter.post(f"/desk/dossiers/{code}/actions/receive/")
    page = counter.get(f"/desk/dossiers/{code}/").content.decode()
    history = page[page.index('id="history"') :]
    by = dict(re.findall(r'<tr><td>(\d+)</td><td class="t">[^<]*</td><td>[^<]*</td>\s*<td>([^<]*)', history))
    assert by == {
        "1": "Người nộp",
        "2": "counter_dt",
    }  # "By": the applicant's filing, the officer's reception


def test_a_withdrawn_dossiers_steps_show_as_stopped(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    response = counter.post(f"/desk/dossiers/{code}/actions/withdraw/", {"reason": "Không còn nhu cầu"})
    assert response.status_code == 302
    page = page_text(counter.get(f"/desk/dossiers/{code}/"))
    assert "Đã dừng" in page and "Đang xử lý" not in page and "Chưa đến" not in page


def test_actions_post_to_the_service_and_errors_are_shown(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    response = counter.post(f"/desk/dossiers/{code}/actions/complete_step/", {"note": "chuyển Sở"})
    assert response.status_code == 302
    assert Dossier.objects.get(code=code).current_unit.code == JUSTICE
    specialist = login("spec_justice")
    assert code in page_text(specialist.get("/desk/"))
    page = page_text(specialist.get(f"/desk/dossiers/{code}/"))
    assert (
        'id="action-assign"' in page and "spec_justice" in page and 'id="action-request_supplement"' in page
    )
    response = specialist.post(f"/desk/dossiers/{code}/actions/assign/", {"assignee": "spec_justice"})
    assert response.status_code == 302
    followed = page_text(specialist.get(response["Location"]))
    assert "Đã thực hiện: Phân công." in followed
    response = specialist.post(f"/desk/dossiers/{code}/actions/return_step/", {"reason": ""})
    assert response.status_code == 400 and "Trường này là bắt buộc." in page_text(response)
    response = specialist.post(
        f"/desk/dossiers/{code}/actions/apologize/",
        {"reason": "chờ xác minh", "new_due_at": "2026-03-01T10:00"},
    )
    assert response.status_code == 400 and "Ngày hẹn mới phải sau ngày hẹn cũ." in page_text(response)
    response = specialist.post(f"/desk/dossiers/{code}/actions/finish/")
    assert response.status_code == 409 or "Không thể" in page_text(response) or response.status_code == 400
    response = specialist.post(
        f"/desk/dossiers/{code}/actions/request_supplement/", {"missing": ["TP1"], "missing_note": "bản rõ"}
    )
    assert response.status_code == 302 and Dossier.objects.get(code=code).status == Status.SUPPLEMENT
    assert specialist.post(f"/desk/dossiers/{code}/actions/no_such/").status_code == 400


# --- public tracking ------------------------------------------------------------------------------


@pytest.fixture
def tracked(world, local_cache):  # noqa: F811
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    return result.dossier.code, result.pin


def test_tracking_with_the_right_pin_shows_status_without_personal_data(tracked, client):
    code, pin = tracked
    assert "Tra cứu hồ sơ" in page_text(client.get("/"))
    form = page_text(client.get("/track/", {"code": code}))
    assert f'value="{code}"' in form
    page = page_text(client.post("/track/", {"code": code, "pin": pin}))
    assert "Đã tiếp nhận" in page and "Chi nhánh Thủ Dầu Một" in page and "09:00 16/03/2026" in page
    assert "Nguyễn Thị Hoa" not in page and "074190001234" not in page and "0912345678" not in page


def test_tracking_with_a_wrong_pin_or_code_says_the_same(tracked, client):
    code, pin = tracked
    wrong_pin = client.post("/track/", {"code": code, "pin": "000000" if pin != "000000" else "111111"})
    unknown = client.post("/track/", {"code": code + "9", "pin": pin})
    for response in (wrong_pin, unknown):
        assert response.status_code == 404 and "Không có hồ sơ nào khớp" in page_text(response)
    assert client.post("/track/", {"code": "<script>", "pin": "12"}).status_code == 400


def test_tracking_is_rate_limited_like_the_api(tracked, settings, rate_window):
    code, pin = tracked
    settings.MOTCUA = {**settings.MOTCUA, "RATE_LIMITS": {"track_ip": (3, 60)}}
    client = Client()
    statuses = [client.post("/track/", {"code": code, "pin": pin}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Quá nhiều yêu cầu" in page_text(client.post("/track/", {"code": code, "pin": pin}))
