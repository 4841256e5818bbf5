"""The counter without boundaries, and a demo a newcomer can walk, in a real browser: a supplement taken
at another unit's counter; the staff dossier page on a 390 px phone; Vietnamese whatever the browser
says; the demo log-in page filling the form with one click. Screenshots go to /tmp/counter-*.png."""

import pytest

from motcua.dossiers.models import Handover, Status
from motcua.dossiers.services import intake
from tests.e2e.browsing import log_in
from tests.factories import judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


def test_a_supplement_is_taken_at_another_units_counter(page, world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(papers=[])).dossier
    log_in(page, "counter_tdm")  # the Thủ Dầu Một branch never saw this dossier
    page.goto("/desk/intake/")
    page.locator("#supplement-link").click()
    page.get_by_label("Mã hồ sơ").fill(dossier.code)
    page.get_by_label("Số CCCD/CMND của người nộp").fill("074190001234")
    page.get_by_role("button", name="Tìm hồ sơ").click()
    assert "Điểm tiếp nhận thị trấn Dầu Tiếng" in page.locator("#holder").inner_text()
    assert page.locator("input[name=papers][value=TP1]").is_checked()  # what was asked comes ticked
    page.screenshot(path="/tmp/counter-supplement.png", full_page=True)
    page.get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    page.locator("#supplement-done").wait_for()
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.handovers.filter(kind=Handover.Kind.SUPPLEMENT, from_unit__code="000.00.30.H57").exists()


def test_the_staff_dossier_page_fits_a_390_px_phone(browser, live_server, world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    context = browser.new_context(
        base_url=live_server.url, locale="vi-VN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        log_in(page, "counter_dt")
        page.goto(f"/desk/dossiers/{dossier.code}/")
        page.screenshot(path="/tmp/counter-dossier-390.png", full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page is {width} px wide"
        assert page.locator("#action-complete_step summary").is_visible()
    finally:
        context.close()


def test_vietnamese_whatever_the_browser_says_and_english_when_chosen(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, locale="en-US")  # an English browser
    page = context.new_page()
    try:
        page.goto("/")
        assert page.locator("h1").inner_text() == "Thủ tục hành chính"
        with page.expect_navigation():  # the choice submits its form (static/motcua/site.js)
            page.locator("select[name=language]").select_option("en")  # the visitor's choice
        assert page.locator("h1").inner_text() == "Administrative procedures"
        page.goto("/desk/")  # the choice holds on the next page
        assert page.locator("button[type=submit]").first.inner_text() == "Log in"
    finally:
        context.close()


def test_the_demo_log_in_page_fills_the_form_with_one_click(page, settings):
    from motcua.demo.loader import demo_password, ensure_unit_staff

    settings.MOTCUA = {**settings.MOTCUA, "DEMO": True}
    ensure_unit_staff(demo_password())  # the small test network's own accounts
    page.goto("/accounts/login/")
    page.locator("#demo-filter").fill("dầu tiếng")
    button = page.locator(".demo-fill[data-username='cb.002.31.00.H57']")
    button.click()
    assert page.get_by_label("Tên đăng nhập").input_value() == "cb.002.31.00.H57"
    assert page.get_by_label("Mật khẩu").input_value() == demo_password()
    page.screenshot(path="/tmp/counter-demo-login.png", full_page=True)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/desk/")
    assert "Cán bộ một cửa" in page.locator(".who").inner_text()


def test_a_fee_is_collected_on_the_dossier_page_and_reported_per_unit_and_day(page, world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    log_in(page, "counter_dt")
    page.goto(f"/desk/dossiers/{dossier.code}/")
    page.locator("#action-collect_fee summary").click()
    page.get_by_label("Số biên lai điện tử").fill("BL-2026-0001")
    page.locator("#action-collect_fee button[type=submit]").click()
    page.wait_for_selector("text=Đã thực hiện: Thu phí, lệ phí.")
    row = page.locator("#fee-receipts tbody tr").first
    assert "BL-2026-0001" in row.inner_text() and "200.000 đồng" in row.inner_text()
    page.screenshot(path="/tmp/counter-fee.png", full_page=True)
    page.goto("/desk/")
    page.locator("#fees-report-link").click()
    page.wait_for_url("**/fees/")
    assert "200.000 đồng" in page.locator("#fees tbody").inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Xuất Excel").click()
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_procedure_this_unit_may_not_receive_gets_form_03_naming_where_to_file(page, world):
    from motcua.catalog.models import Procedure

    Procedure.objects.filter(code="1.001193").update(
        boundary_free=False
    )  # birth registration: its commune only
    log_in(page, "counter_pc")  # Phú Cường reception point; the matter is in Dầu Tiếng township
    page.goto("/desk/intake/")
    procedure = page.locator("#id_procedure")
    procedure.fill("1.001193")
    procedure.press("Tab")
    page.locator("input[name=paper_TP1]").wait_for()
    page.locator("#id_subject_jurisdiction").select_option("25966")
    page.get_by_label("Họ và tên").fill("Trần Văn Nam")
    page.get_by_label("Số CCCD/CMND").fill("074090004321")
    page.locator("input[name=paper_TP1]").check()
    page.get_by_role("button", name="Lưu và lập phiếu").click()
    page.locator("#wrong-place").wait_for()
    page.get_by_role("button", name="Lập Phiếu từ chối tiếp nhận (Mẫu 03) ghi rõ nơi nộp hồ sơ").click()
    page.wait_for_url("**/receipt/")
    assert page.locator("h1").inner_text() == "Đã từ chối tiếp nhận hồ sơ"
    where = page.locator("#where-to-file").inner_text()
    assert "Điểm tiếp nhận thị trấn Dầu Tiếng" in where and "Gần Dầu Tiếng nhất" in where
    page.screenshot(path="/tmp/counter-form-03.png", full_page=True)
