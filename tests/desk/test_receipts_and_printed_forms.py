"""The receipt page and the printed forms: the next-intake link only for those who receive, a new PIN
for a lost receipt, the agency's Form 02 for a supplement asked during processing, Forms 04 and 06."""

from __future__ import annotations

import re

from django.test import Client

from motcua.dossiers.services import act, intake
from tests.factories import (
    at,
    at_justice_asking_for_tp9,
    judicial_request,
    name_the_specialist,
    page_text,
    pdf_text,
)


def test_the_next_intake_link_is_only_for_those_who_receive(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    assert "/desk/intake/" in page_text(login("counter_dt").get(f"/desk/dossiers/{code}/receipt/"))
    assert "/desk/intake/" not in page_text(login("spec_justice").get(f"/desk/dossiers/{code}/receipt/"))


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


def test_a_supplement_asked_during_processing_is_the_agencys_form_02(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    name_the_specialist(world)
    code = at_justice_asking_for_tp9(world)
    content = login("counter_dt").get(f"/desk/dossiers/{code}/receipt.pdf").content
    text = pdf_text(content)
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
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cần xác minh thêm" in text
    assert "10 giờ 00 phút, ngày 20/03/2026" in text and "SỞ TƯ PHÁP" in text
    assert specialist.get(f"/desk/dossiers/{code}/apology-2.pdf").status_code == 404
    control = pdf_text(specialist.get(f"/desk/dossiers/{code}/control-slip.pdf").content)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in control and "Sở Tư pháp" in control
    assert "Trước hạn" in control
    assert login("outsider").get(f"/desk/dossiers/{code}/control-slip.pdf").status_code == 404
