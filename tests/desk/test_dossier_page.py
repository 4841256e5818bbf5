"""What a walk through the pages as each kind of user found, each pinned: the decision the service
changed is said aloud, notes and reasons show in the history, a failed action's address can be
reloaded, managers find the planning pages, languages are named in their own language, tracking a
closed dossier says why, and codes are looked up as printed even when typed in small letters."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import act, intake
from motcua.errors import ValidationFailed
from tests.factories import INTAKE_FORM, at, birth_request, error_after, judicial_request, page_text, pdf_text


def name_the_specialist(world) -> None:
    user = world["spec_justice"].user
    user.first_name, user.last_name = "Lê Minh", "Tâm"  # as the network import splits "Lê Minh Tâm"
    user.save()


def at_justice_asking_for_tp9(world) -> str:
    """A dossier handed to the Department of Justice, whose specialist asked for paper TP9."""
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        params={"missing": [{"code": "TP9"}]},
    )
    return code


def test_a_receipt_refused_for_missing_papers_says_a_supplement_request_was_issued(login, clock):
    clock.set(at(2026, 3, 2, 9))
    client = login("counter_dt")
    missing = {key: value for key, value in INTAKE_FORM.items() if not key.startswith("paper_")}
    response = client.post("/desk/intake/", missing, follow=True)
    assert Dossier.objects.get().status == Status.SUPPLEMENT
    page = page_text(response)
    assert "Thiếu giấy tờ bắt buộc (Tờ khai): đã lập Phiếu yêu cầu bổ sung" in page


def test_phone_and_email_problems_show_in_one_round(login):
    client = login("counter_dt")
    bad = {
        **INTAKE_FORM,
        "applicant_phone": "abc",
        "applicant_email": "no-at-sign",
        "applicant_id_number": "12ab",
    }
    response = client.post("/desk/intake/", bad)
    page = page_text(response)
    assert response.status_code == 400 and Dossier.objects.count() == 0
    assert "số điện thoại gồm 8-15 chữ số" in page
    assert "địa chỉ email không hợp lệ" in page and "số CCCD/CMND phải gồm 12 (hoặc 9) chữ số" in page
    empty = page_text(client.post("/desk/intake/", {**INTAKE_FORM, "procedure": ""}))
    assert "không có thủ tục mã &#x27;&#x27;" not in empty and "bắt buộc" in empty


def test_history_shows_what_officers_wrote_and_their_names(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    name_the_specialist(world)
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    counter.post(f"/desk/dossiers/{code}/actions/complete_step/", {"note": "chuyển Sở Tư pháp"})
    specialist = login("spec_justice")
    specialist.post(f"/desk/dossiers/{code}/actions/request_payment/", {"amount_vnd": "200000"})
    specialist.post(f"/desk/dossiers/{code}/actions/payment_received/", {"receipt": "BL-000123"})
    page = page_text(specialist.get(f"/desk/dossiers/{code}/"))
    assert "Ghi chú: chuyển Sở Tư pháp" in page
    assert "Số tiền: 200.000 đ" in page and "Số biên lai: BL-000123" in page
    assert "Lê Minh Tâm" in page


def test_a_failed_actions_address_can_be_reloaded(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    assert counter.post(f"/desk/dossiers/{code}/actions/stop/", {"reason": ""}).status_code in (400, 403)
    reloaded = counter.get(f"/desk/dossiers/{code}/actions/stop/")
    assert reloaded.status_code == 302 and reloaded["Location"] == f"/desk/dossiers/{code}/"


def test_managers_find_planning_and_languages_are_named_in_their_own_language(login):
    manager = page_text(login("manager").get("/desk/"))
    assert 'href="/planning/"' in manager and "Quy hoạch mạng lưới" in manager
    assert 'lang="en">English</option>' in manager  # not "Tiếng Anh": found by who reads English
    assert 'href="/planning/"' not in page_text(login("counter_dt").get("/desk/"))


def test_the_next_intake_link_is_only_for_those_who_receive(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    assert "/desk/intake/" in page_text(login("counter_dt").get(f"/desk/dossiers/{code}/receipt/"))
    assert "/desk/intake/" not in page_text(login("spec_justice").get(f"/desk/dossiers/{code}/receipt/"))


def test_tracking_a_refused_dossier_says_why_and_no_appointment(world, client, local_cache):
    request = birth_request(decision="refuse", reason="Không thuộc thẩm quyền giải quyết")
    result = intake(actor=world["counter_pc"], request=request, now=at(2026, 3, 2, 9))
    page = page_text(client.post("/track/", {"code": f"  {result.dossier.code.lower()} ", "pin": result.pin}))
    assert "Từ chối tiếp nhận" in page and "Không thuộc thẩm quyền giải quyết" in page
    assert "Ngày hẹn trả kết quả" not in page and "Chưa có" not in page


def test_closing_actions_ask_before_they_are_sent(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    page = page_text(login("counter_dt").get(f"/desk/dossiers/{code}/"))
    withdraw = page[page.index('id="action-withdraw"') :]
    assert 'data-confirm="Thao tác này kết thúc hồ sơ và không thể hoàn tác. Tiếp tục?"' in withdraw[:600]
    complete = page[page.index('id="action-complete_step"') :]
    assert "data-confirm" not in complete[:400]


def test_a_guards_reason_shows_next_to_the_field_it_judged(login, world, clock):
    client = login("counter_dt")
    refusal = page_text(client.post("/desk/intake/", {**INTAKE_FORM, "decision": "refuse"}))
    assert error_after(refusal, "id_reason", "Cần ghi rõ lý do.")
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    with pytest.raises(ValidationFailed) as refused:  # what the API answers names the field too
        act(actor=world["counter_dt"], code=code, action="withdraw", params={"reason": " "})
    assert [(p.field, p.reason_vi) for p in refused.value.problems] == [("reason", "Cần ghi rõ lý do.")]


def test_the_papers_a_supplement_asked_for_are_ticked_when_it_comes_in(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = at_justice_asking_for_tp9(world)
    page = page_text(login("counter_dt").get(f"/desk/dossiers/{code}/"))
    form = page[page.index('id="action-supplement_received"') :]
    form = form[: form.index("</form>")]
    assert 'value="TP9" checked' in form and 'value="TP1" checked' not in form


def test_a_supplement_asked_during_processing_is_the_agencys_form_02(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    name_the_specialist(world)
    code = at_justice_asking_for_tp9(world)
    content = login("counter_dt").get(f"/desk/dossiers/{code}/receipt.pdf").content
    text = pdf_text(content)
    if text is not None:
        assert "PHIẾU YÊU CẦU BỔ SUNG" in text and "SỞ TƯ PHÁP" in text and "Lê Minh Tâm" in text
        assert "Sở Tư pháp đang giải quyết hồ sơ của" in text


def test_forms_04_and_06_print_from_the_dossier_page(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10))
    act(
        actor=world["spec_justice"],
        code=code,
        action="apologize",
        now=at(2026, 3, 10, 9),
        params={"reason": "Cần xác minh thêm", "new_due_at": at(2026, 3, 20, 10).isoformat()},
    )
    specialist = login("spec_justice")
    page = page_text(specialist.get(f"/desk/dossiers/{code}/"))
    assert (
        f"/desk/dossiers/{code}/apology-1.pdf" in page and f"/desk/dossiers/{code}/control-slip.pdf" in page
    )
    apology = specialist.get(f"/desk/dossiers/{code}/apology-1.pdf")
    assert apology["Content-Type"] == "application/pdf"
    text = pdf_text(apology.content)
    if text is not None:
        assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cần xác minh thêm" in text
        assert "10 giờ 00 phút, ngày 20/03/2026" in text and "SỞ TƯ PHÁP" in text
    assert specialist.get(f"/desk/dossiers/{code}/apology-2.pdf").status_code == 404
    control = pdf_text(specialist.get(f"/desk/dossiers/{code}/control-slip.pdf").content)
    if control is not None:
        assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control and "Sở Tư pháp" in control
        assert "Trước hạn" in control
    assert login("outsider").get(f"/desk/dossiers/{code}/control-slip.pdf").status_code == 403


def test_tracking_shows_where_the_dossier_is_and_its_progress(world, client, local_cache):
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    code = result.dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10))
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        now=at(2026, 3, 3, 9),
        params={"missing": [{"code": "TP9"}]},
    )
    page = page_text(client.post("/track/", {"code": code, "pin": result.pin}))
    where = page[page.index('id="track-where"') :]
    assert where.startswith('id="track-where">Sở Tư pháp<')
    history = page[page.index('id="track-history"') : page.index("</ol>", page.index('id="track-history"'))]
    assert history.count("<li>") == 3  # received, processing, supplement requested
    assert "09:00 03/03/2026" in history and "Yêu cầu bổ sung" in history
    assert "spec_justice" not in page and "counter_dt" not in page  # no officers


def test_a_counter_prints_a_new_pin_for_a_lost_receipt(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_tdm")  # the return point: any counter of the dossier's units
    response = counter.post(f"/desk/dossiers/{code}/actions/reissue_pin/")
    assert response.status_code == 302 and response["Location"] == f"/desk/dossiers/{code}/receipt/"
    page = page_text(counter.get(response["Location"]))
    pin = re.search(r'<p class="pin"[^>]*>(\d{6})</p>', page).group(1)
    tracked = page_text(Client().post("/track/", {"code": code, "pin": pin}))
    assert "Đã tiếp nhận" in tracked


def test_english_intake_lists_units_in_english_and_the_receiver_defaults_to_the_applicant(
    login, world, clock
):
    counter = login("counter_dt")
    english = page_text(counter.get("/desk/intake/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Dau Tieng reception point (002.31.00.H57)" in english
    assert "Điểm tiếp nhận thị trấn Dầu Tiếng (002.31.00.H57)" in page_text(counter.get("/desk/intake/"))
    clock.set(at(2026, 3, 2, 9))
    request = judicial_request(return_unit="002.31.00.H57")  # returned where it was received
    code = intake(actor=world["counter_dt"], request=request).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["lead_justice"], code=code, action="assign", params={"assignee": "spec_justice"})
    act(actor=world["spec_justice"], code=code, action="complete_step")
    act(actor=world["lead_justice"], code=code, action="finish")
    act(actor=world["lead_justice"], code=code, action="carry_result")
    page = page_text(counter.get(f"/desk/dossiers/{code}/"))
    assert 'name="receiver" id="return_result-receiver" maxlength="200" value="Nguyễn Thị Hoa"' in page


def test_the_queue_shows_the_current_steps_own_deadline(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    intake(actor=world["counter_dt"], request=judicial_request())
    page = page_text(login("counter_dt").get("/desk/"))
    # the counter's half working day (09:00-11:30, 13:30-15:00), not the dossier's 10 days
    assert 'step-due">hạn bước 15:00 02/03/2026<' in page
