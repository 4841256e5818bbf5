"""Queue tickets in a real browser: a person takes a number at the kiosk, the counter officer calls it,
the display board in the waiting room shows it (htmx polling) and asks for its spoken call. Screenshots
go to /tmp/tickets-*.png."""

import re

import pytest
from playwright.sync_api import expect

from motcua.network.models import Unit
from motcua.tickets.services import set_up_unit
from tests.factories import PASSWORD, POINT_DAU_TIENG, at

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


@pytest.fixture
def second_page(browser, live_server):
    """Another browser (the waiting room's screen, or the officer's PC) with its own cookies."""
    contexts = []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="vi-VN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def test_kiosk_ticket_counter_call_board(page, second_page, clock):
    clock.set(at(2026, 3, 2, 9, 0))  # the live server runs in this process: its clock is frozen too
    set_up_unit(unit=Unit.objects.get(code=POINT_DAU_TIENG), counters=2)

    # the waiting room's screen, with its sound turned on
    board = second_page()
    board.goto(f"/tickets/{POINT_DAU_TIENG}/board/")
    expect(board.locator("#board")).to_contain_text("Hôm nay chưa gọi số nào.")
    board.get_by_role("button", name="Bật âm thanh").click()
    expect(board.locator("#sound")).to_have_attribute("aria-pressed", "true")

    # the person at the kiosk
    page.goto(f"/tickets/{POINT_DAU_TIENG}/kiosk/")
    page.screenshot(path="/tmp/tickets-kiosk.png", full_page=True)
    page.get_by_role("button", name=re.compile("Hộ tịch")).click()
    page.wait_for_url(re.compile(r"/kiosk/\d+/$"))
    expect(page.locator("#ticket-number")).to_have_text("A001")
    expect(page.locator("#ahead")).to_have_text("0 người đang chờ trước bạn.")
    page.screenshot(path="/tmp/tickets-ticket.png", full_page=True)
    printed = page.request.get(page.get_by_role("link", name="In phiếu").get_attribute("href"))
    assert printed.ok and printed.headers["content-type"] == "application/pdf"

    # the counter officer
    officer = second_page()
    officer.goto("/accounts/login/")
    officer.get_by_label("Tên đăng nhập").fill("counter_dt")
    officer.get_by_label("Mật khẩu").fill(PASSWORD)
    officer.get_by_role("button", name="Đăng nhập").click()
    officer.wait_for_url("**/desk/")
    officer.get_by_role("link", name="Số thứ tự").click()
    officer.get_by_role("link", name=re.compile("^Quầy 1 ")).click()
    with board.expect_request(re.compile(r"/board/calls/\d+\.wav$")) as spoken:
        officer.get_by_role("button", name="Gọi số tiếp theo").click()
        expect(officer.locator("#current-ticket")).to_have_text("A001")
        # the board picks the call up by itself within its polling interval
        expect(board.locator("#now-calling")).to_contain_text("A001")
        expect(board.locator("#now-calling")).to_contain_text("Quầy 1")
        expect(board.locator("ol.calls li").first).to_contain_text("09:00")
    assert spoken.value.url.endswith(".wav")
    expect(board.locator("#counter-1")).to_contain_text("A001")
    officer.screenshot(path="/tmp/tickets-counter.png", full_page=True)
    board.screenshot(path="/tmp/tickets-board.png", full_page=True)

    # a recall is announced again
    with board.expect_request(re.compile(r"/board/calls/\d+\.wav$")):
        officer.get_by_role("button", name="Gọi lại").click()
        expect(board.locator("ol.calls li").first).to_contain_text("gọi lại")
