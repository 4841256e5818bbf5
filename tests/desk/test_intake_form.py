"""The intake form: the decision the service changed is said aloud, problems show in one round next to
the fields they judge, and English pages name the units in English."""

from __future__ import annotations

import pytest
from django.conf import settings

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import act, intake
from motcua.errors import ValidationFailed
from tests.factories import INTAKE_FORM, at, error_after, judicial_request, page_text


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


def test_a_guards_reason_shows_next_to_the_field_it_judged(login, world, clock):
    client = login("counter_dt")
    refusal = page_text(client.post("/desk/intake/", {**INTAKE_FORM, "decision": "refuse"}))
    assert error_after(refusal, "id_reason", "Cần ghi rõ lý do.")
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    with pytest.raises(ValidationFailed) as refused:  # what the API answers names the field too
        act(actor=world["counter_dt"], code=code, action="withdraw", params={"reason": " "})
    assert [(p.field, p.reason_vi) for p in refused.value.problems] == [("reason", "Cần ghi rõ lý do.")]


def test_english_intake_lists_units_in_english_and_the_receiver_defaults_to_the_applicant(
    login, world, clock
):
    counter = login("counter_dt")
    assert "Điểm tiếp nhận thị trấn Dầu Tiếng (002.31.00.H57)" in page_text(counter.get("/desk/intake/"))
    counter.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the visitor's choice (the language switch)
    english = page_text(counter.get("/desk/intake/"))
    assert "Dau Tieng reception point (002.31.00.H57)" in english
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
