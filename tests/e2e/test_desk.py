"""The staff desk in a real browser: a counter officer receives a boundary-free dossier at a reception
point and hands it to the competent agency; the agency's specialist finds it in the queue and completes
the step; the applicant follows it on the public tracking page. Screenshots go to /tmp/desk-*.png."""

import re

import pytest

from tests.e2e.browsing import log_in, log_out
from tests.factories import BRANCH_TDM, POINT_DAU_TIENG

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


def receive_at_the_counter(page) -> tuple[str, str]:
    page.goto("/desk/intake/")
    page.get_by_label("Đơn vị tiếp nhận").select_option(POINT_DAU_TIENG)
    procedure = page.locator("#id_procedure")
    procedure.fill("2.000488")
    procedure.press("Tab")  # change → htmx loads the checklist
    page.locator("input[name=paper_TP1]").wait_for()
    page.locator("#id_subject_jurisdiction").select_option("25747")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số CCCD/CMND").fill("074190001234")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ", exact=True).fill("Phú Cường, Thủ Dầu Một")
    page.locator("input[name=paper_TP1]").check()
    page.get_by_label("Nơi trả kết quả").select_option(BRANCH_TDM)
    page.screenshot(path="/tmp/desk-intake.png", full_page=True)
    page.get_by_role("button", name="Lưu và lập phiếu").click()
    page.wait_for_url("**/receipt/")
    page.screenshot(path="/tmp/desk-receipt.png", full_page=True)
    assert page.locator("h1").inner_text() == "Đã tiếp nhận hồ sơ"
    assert "Chi nhánh Thủ Dầu Một" in page.content()
    return page.locator("#dossier-code").inner_text(), page.locator("#pin").inner_text()


def test_counter_receives_specialist_completes_applicant_tracks(page):
    log_in(page, "counter_dt")
    code, pin = receive_at_the_counter(page)
    assert re.fullmatch(r"\d{6}", pin) and code.startswith(POINT_DAU_TIENG)
    page.get_by_role("link", name="Mở hồ sơ").click()
    page.locator("#action-complete_step summary").click()
    page.locator("#action-complete_step button[type=submit]").click()
    page.wait_for_selector("text=Đã thực hiện: Hoàn thành bước, chuyển tiếp.")
    assert page.locator("#dossier-status").inner_text() == "Đang xử lý"
    log_out(page)

    log_in(page, "spec_justice")
    page.screenshot(path="/tmp/desk-queue.png", full_page=True)
    page.get_by_role("link", name=code).click()
    page.wait_for_url(f"**/desk/dossiers/{code}/")
    assert "Sở Tư pháp" in page.locator("#steps").inner_text()
    page.locator("#action-complete_step summary").click()
    page.screenshot(path="/tmp/desk-dossier.png", full_page=True)
    page.locator("#action-complete_step button[type=submit]").click()
    page.wait_for_selector("text=Đã thực hiện: Hoàn thành bước, chuyển tiếp.")
    assert page.locator("#control-slip tbody tr").count() == 2
    log_out(page)

    page.get_by_role("link", name="Tra cứu hồ sơ").first.click()
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã tra cứu (PIN)").fill(pin)
    page.get_by_role("button", name="Tra cứu").click()
    assert page.locator("#track-status").inner_text() == "Đang xử lý"
    assert "Nguyễn Thị Hoa" not in page.content()
    page.screenshot(path="/tmp/desk-track.png", full_page=True)


def test_queue_filters_update_without_a_page_load(page):
    log_in(page, "counter_dt")
    receive_at_the_counter(page)
    page.goto("/desk/")
    page.get_by_label("Mã hồ sơ hoặc người nộp").fill("Không có ai")
    page.wait_for_selector("text=Không có hồ sơ phù hợp.")
    assert "q=" in page.url
