"""People and businesses in a real browser: log in through the demo identity provider (the whole
authorization-code + PKCE flow, on the machine), see their dossiers of every channel, withdraw one;
the staff pages stay closed to them. Screenshots go to /tmp/citizen-*.png."""

import re

import pytest

from motcua.demo.loader import demo_password
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import act, intake
from tests.factories import (
    BRANCH_TDM,
    CITIZEN_HOA,
    CONFIRMED,
    birth_request,
    judicial_request,
    use_demo_provider,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "local_cache"),
]


def log_in_as_citizen(page, id_number: str) -> None:
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập (công dân, doanh nghiệp)").click()
    page.get_by_role("button", name="Đăng nhập bằng định danh điện tử").click()
    page.wait_for_url("**/demo-idp/login/**")
    page.screenshot(path="/tmp/citizen-provider.png", full_page=True)
    page.get_by_label("Số CCCD/CMND").fill(id_number)
    page.get_by_label("Mật khẩu").fill(demo_password())
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(re.compile(r"/my/$"))


def test_log_in_see_my_dossiers_withdraw_and_no_desk(page, live_server, settings, world):
    use_demo_provider(settings, live_server.url)
    counter = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    online = intake(
        actor=world["counter_dt"], request=judicial_request(channel=2, confirmation=CONFIRMED)
    ).dossier
    intake(actor=world["counter_pc"], request=birth_request())  # another person's

    log_in_as_citizen(page, CITIZEN_HOA)
    page.screenshot(path="/tmp/citizen-home.png", full_page=True)
    assert page.locator("#me-name").inner_text() == "Nguyễn Thị Hoa"
    assert page.locator("#me-id").inner_text() == CITIZEN_HOA
    codes = page.locator("#my-dossiers a.code").all_inner_texts()
    assert sorted(codes) == sorted([counter.code, online.code])

    page.get_by_role("link", name=counter.code).click()
    assert page.locator("#my-status").inner_text() == "Đã tiếp nhận"
    history = page.locator("#my-history").inner_text()
    assert "Đã tiếp nhận tại" in history and "hẹn trả" in history
    page.locator("#withdraw summary").click()
    page.get_by_label("Lý do").fill("Tôi nộp nhầm thủ tục")
    page.get_by_role("button", name="Rút hồ sơ").click()
    page.wait_for_url(f"**/my/dossiers/{counter.code}/")
    page.screenshot(path="/tmp/citizen-withdrawn.png", full_page=True)
    assert page.locator("#my-status").inner_text() == "Công dân xin rút hồ sơ"
    assert "Đã rút hồ sơ theo yêu cầu của bạn." in page.locator("#my-history").inner_text()
    assert Dossier.objects.get(pk=counter.pk).status == Status.WITHDRAWN

    page.goto("/desk/")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.locator("h1").inner_text() == "Đăng nhập cán bộ"


def test_file_online_from_the_catalog_with_a_draft_then_the_counter_receives(
    page, live_server, settings, world
):
    use_demo_provider(settings, live_server.url)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    log_in_as_citizen(page, CITIZEN_HOA)
    page.goto("/?q=lý lịch")
    page.locator("table.list").get_by_role("link", name="Nộp trực tuyến").click()
    assert "200000 VNĐ" in page.locator("#fees").inner_text()
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    page.wait_for_url("**/my/drafts/*/")
    assert page.locator("#applicant-id").inner_text() == CITIZEN_HOA
    assert page.get_by_label("Số điện thoại").input_value() == "0912345678"  # from the claims
    page.get_by_label("Xã, phường nơi phát sinh thủ tục").select_option("25747")
    page.get_by_label("Nội dung yêu cầu").fill("Cấp phiếu lý lịch tư pháp số 1")
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url("**/my/drafts/*/")
    page.reload()
    assert page.get_by_label("Nội dung yêu cầu").input_value() == "Cấp phiếu lý lịch tư pháp số 1"
    page.get_by_label("Tờ khai *").check()
    page.get_by_label("Nhận kết quả tại").select_option(BRANCH_TDM)
    assert page.locator("#expected-due").inner_text().strip() != "—"
    page.screenshot(path="/tmp/citizen-draft.png", full_page=True)
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than a 390px phone"
    page.get_by_role("button", name="Gửi hồ sơ").click()
    page.screenshot(path="/tmp/citizen-sent.png", full_page=True)
    code = page.locator("#dossier-code").inner_text()
    assert page.locator("#sent-status").inner_text() == "Mới đăng ký"
    dossier = Dossier.objects.get(code=code)
    assert (dossier.status, dossier.channel, dossier.applicant_id_number) == (Status.NEW, 2, CITIZEN_HOA)
    act(actor=world["counter_tdm"], code=code, action="receive")
    page.get_by_role("link", name="Mở hồ sơ").click()
    assert page.locator("#my-status").inner_text() == "Đã tiếp nhận"


def test_pay_online_through_the_demo_gateway(page, live_server, settings, world, tmp_path):
    use_demo_provider(settings, live_server.url)
    settings.HOME = tmp_path
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="request_payment", params={"amount_vnd": 200000})
    log_in_as_citizen(page, CITIZEN_HOA)
    page.get_by_role("link", name=code).click()
    assert "200000" in page.locator("#pay").inner_text()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/demo-pay/**")
    assert page.locator("#gateway-amount").inner_text() == "200000 VNĐ"
    page.get_by_role("button", name="Chấp nhận thanh toán").click()
    page.wait_for_url("**/pay/callback/**")
    page.screenshot(path="/tmp/citizen-paid.png", full_page=True)
    receipt = page.locator("#receipt-number").inner_text()
    assert receipt.startswith("BL-")
    page.get_by_role("link", name="Mở hồ sơ").click()
    assert receipt in page.locator("#paid-online").inner_text()
    assert page.locator("#my-status").inner_text() == "Đang xử lý"
    assert Dossier.objects.get(code=code).paid_online
