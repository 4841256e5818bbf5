"""Assisted online filing at a reception point in a real browser: the counter officer files online for
the person present, a one-time code goes out through the outbox (read where SMS land, as the
notifications tests do), the person reads it back, the dossier is sent NEW (online, assisted), shows
in the unit's queue and the counter receives it. Screenshots go to /tmp/assisted-*.png."""

import json
import re

import pytest

from motcua.dossiers.models import Channel, Dossier, Status
from tests.e2e.browsing import log_in
from tests.factories import BRANCH_TDM, POINT_DAU_TIENG

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


def test_assisted_filing_at_a_reception_point(page, settings, tmp_path):
    settings.HOME = tmp_path  # the SMS sender's file: tmp_path/outbox/sms.log
    log_in(page, "counter_dt")  # counter officer of the Dầu Tiếng reception point
    page.goto("/desk/intake/")
    page.get_by_role("link", name="Nộp hồ sơ trực tuyến có hỗ trợ").click()
    page.get_by_label("Tìm thủ tục (có nộp trực tuyến)").fill("lý lịch")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.locator("#assisted-procedures").get_by_role("link", name="Nộp hộ").click()

    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số CCCD/CMND").fill("074190001234")
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ", exact=True).fill("Phú Cường, Thủ Dầu Một")
    assert page.get_by_label("Đơn vị tiếp nhận").input_value() == POINT_DAU_TIENG
    page.get_by_label("Xã, phường nơi phát sinh thủ tục").select_option("25747")
    page.get_by_label("Nội dung yêu cầu").fill("Cấp phiếu lý lịch tư pháp số 1")
    page.locator("#papers input[value=TP1]").check()
    page.get_by_label("Nhận kết quả tại").select_option(BRANCH_TDM)
    assert "200000 VNĐ" in page.locator("#fees").inner_text()
    assert page.locator("#expected-due").inner_text().strip() != "—"
    page.get_by_role("button", name="Chuẩn bị để người dân xác nhận").click()
    page.wait_for_url(re.compile(r"/desk/assisted/\d+/$"))
    assert "Nguyễn Thị Hoa" in page.locator("#assisted-summary").inner_text()
    assert Dossier.objects.count() == 0  # pending: nothing sent before the person confirms

    page.get_by_role("button", name="Gửi mã qua SMS").click()
    assert "0912345678" in page.locator("#code-sent").inner_text()
    sms = json.loads((tmp_path / "outbox" / "sms.log").read_text(encoding="utf-8").splitlines()[-1])
    assert sms["to"] == "0912345678"
    code = re.search(r"\b(\d{6})\b", sms["text"]).group(1)
    page.screenshot(path="/tmp/assisted-code.png", full_page=True)

    page.get_by_label("Mã người dân đọc lại").fill(code)
    page.get_by_role("button", name="Xác nhận và gửi hồ sơ").click()
    page.screenshot(path="/tmp/assisted-sent.png", full_page=True)
    dossier_code = page.locator("#dossier-code").inner_text()
    assert page.locator("#sent-status").inner_text() == "Mới đăng ký"
    assert page.locator("#confirmed-how").inner_text().startswith("bằng mã gửi qua SMS")
    dossier = Dossier.objects.get(code=dossier_code)
    assert (dossier.status, dossier.channel, dossier.assisted) == (Status.NEW, Channel.ONLINE, True)

    page.goto("/desk/")  # the unit's queue
    page.locator("table.list").get_by_role("link", name=dossier_code).click()
    page.wait_for_url(f"**/desk/dossiers/{dossier_code}/")
    assert "Trực tuyến (được hỗ trợ nộp)" in page.locator("main").inner_text()
    page.locator("#action-receive summary").click()  # the counter receives it, as any online filing
    page.locator("#action-receive button[type=submit]").click()
    page.locator("#dossier-status", has_text="Đã tiếp nhận").wait_for()
    page.screenshot(path="/tmp/assisted-received.png", full_page=True)
    assert Dossier.objects.get(code=dossier_code).status == Status.RECEIVED
