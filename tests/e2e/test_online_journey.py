"""The whole online journey in a real browser: a citizen logs in through the demo identity provider,
files online with a file for the paper, pays through the demo gateway; the counter receives it, the
agency asks for a supplement; the e-mail (the `motcua notify` sender, run here) links to the page where
it is answered; the citizen uploads the paper there; the agency sees it arrived online and accepts it
(the clock resumes); the result is signed, carried, returned; the citizen downloads it and rates.
Screenshots go to /tmp/journey-*.png."""

import hashlib
import re

import pytest
from django.core import mail
from django.core.management import call_command

from motcua.documents.models import Document
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import act
from motcua.notifications import services as notifications
from tests.e2e.browsing import log_in, log_out
from tests.e2e.test_citizen_portal import log_in_as_citizen
from tests.factories import BRANCH_TDM, CITIZEN_HOA, image_bytes, pdf_bytes, use_demo_provider

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "local_cache"),
]


def send_messages() -> None:
    """The notifications sender, one pass, in this process (`motcua notify`)."""
    call_command("notify", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_file_pay_supplement_online_result_download_and_rate(
    page, browser, live_server, settings, world, signers, monkeypatch, tmp_path
):
    use_demo_provider(settings, live_server.url)
    settings.PUBLIC_URL = live_server.url
    settings.HOME = tmp_path
    monkeypatch.setattr(notifications, "SETTLE", notifications.timedelta(0))
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "PUBLIC_URL", live_server.url)

    # 1. log in, file online with a file for the paper (two photos of it, joined into one PDF)
    log_in_as_citizen(page, CITIZEN_HOA)
    page.goto("/my/file/2.000488/")
    page.get_by_role("button", name="Bắt đầu nộp hồ sơ").click()
    page.wait_for_url("**/my/drafts/*/")
    page.get_by_label("Xã, phường nơi phát sinh thủ tục").select_option("25747")
    page.get_by_label("Nội dung yêu cầu").fill("Cấp phiếu lý lịch tư pháp số 1")
    page.get_by_label("Nhận kết quả tại").select_option(BRANCH_TDM)
    page.get_by_label("Gửi thông báo về hồ sơ này cho tôi qua thư điện tử").check()
    (tmp_path / "front.jpg").write_bytes(image_bytes("JPEG"))
    (tmp_path / "back.png").write_bytes(image_bytes("PNG"))
    (tmp_path / "virus.pdf").write_bytes(b"MZ\x90\x00 not a paper")
    page.locator("#paper-file-TP1").set_input_files(str(tmp_path / "virus.pdf"))
    page.locator("#attach-TP1").click()
    errors = page.locator("#filing-errors").inner_text()
    assert (
        "Giấy tờ «Tờ khai»" in errors and "virus.pdf" in errors and "không phải PDF, JPEG hay PNG" in errors
    )
    page.locator("#paper-file-TP1").set_input_files([str(tmp_path / "front.jpg"), str(tmp_path / "back.png")])
    page.locator("#attach-TP1").click()
    page.wait_for_selector("text=Đã đính kèm tệp vào bản nháp.")
    assert "front.jpg, back.png (2 trang)" in page.locator("#paper-TP1").inner_text()
    page.screenshot(path="/tmp/journey-draft.png", full_page=True)
    page.reload()  # resumed later: the file is still there
    assert "Đã đính kèm" in page.locator("#paper-TP1").inner_text()
    page.get_by_role("button", name="Gửi hồ sơ").click()
    code = page.locator("#dossier-code").inner_text()
    assert page.locator("#sent-status").inner_text() == "Mới đăng ký"
    filed = Document.objects.get(dossier__code=code)
    assert (filed.paper.component.code, filed.pages, filed.added_by) == ("TP1", 2, None)

    # 2. the counter receives it, hands it to the Department of Justice, which asks for the fee: paid online
    act(actor=world["counter_tdm"], code=code, action="receive")
    act(actor=world["counter_tdm"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="request_payment", params={"amount_vnd": 200000})
    page.get_by_role("link", name="Mở hồ sơ").click()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.wait_for_url("**/demo-pay/**")
    page.get_by_role("button", name="Chấp nhận thanh toán").click()
    page.wait_for_url("**/pay/callback/**")
    assert page.locator("#receipt-number").inner_text().startswith("BL-")

    # 3. the agency asks for the household register's copy; the e-mail links to the page to answer it
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        params={"missing": [{"code": "TP9", "note": "bản sao có chứng thực"}]},
    )
    paused_due = Dossier.objects.get(code=code).due_at
    send_messages()
    asked = [m for m in mail.outbox if "bổ sung" in m.subject or "papers to supply" in m.subject]
    assert len(asked) == 1 and asked[0].to == ["hoa.nguyen@example.vn"]
    link = re.search(r"(http\S+/my/dossiers/\S+/)", asked[0].body).group(1)
    assert link == f"{live_server.url}/my/dossiers/{code}/"

    # 4. the citizen answers it online from the link
    page.goto(link)
    assert page.locator("#my-status").inner_text() == "Yêu cầu bổ sung"
    assert "Bản sao sổ hộ khẩu (bản sao có chứng thực)" in page.locator("#my-missing").inner_text()
    (tmp_path / "so-ho-khau.pdf").write_bytes(pdf_bytes(2, "So ho khau"))
    page.locator("#supplement-file-TP9").set_input_files(str(tmp_path / "so-ho-khau.pdf"))
    page.get_by_role("button", name="Gửi giấy tờ bổ sung").click()
    page.wait_for_selector("text=Đã gửi giấy tờ.")
    assert page.locator("#my-status").inner_text() == "Yêu cầu bổ sung"  # the clock waits for the agency
    history = page.locator("#my-history").inner_text()
    assert "Bạn đã gửi giấy tờ bổ sung trực tuyến: Bản sao sổ hộ khẩu" in history
    page.screenshot(path="/tmp/journey-supplement-sent.png", full_page=True)

    # 5. the agency sees the papers arrived online, looks at them, accepts them: the clock resumes
    desk = browser.new_context(base_url=live_server.url, locale="vi-VN")  # staff: their own browser
    staff = desk.new_page()
    log_in(staff, "spec_justice")
    staff.goto(f"/desk/dossiers/{code}/")
    online = staff.locator(".supplement-online").inner_text()
    assert "Giấy tờ gửi trực tuyến" in online and "Bản sao sổ hộ khẩu" in online
    staff.get_by_role("link", name="xem, rồi tiếp nhận").click()
    assert "người nộp (trực tuyến)" in staff.locator("#paper-TP9").inner_text()
    staff.goto(f"/desk/dossiers/{code}/")
    staff.locator("#action-supplement_received summary").click()
    staff.locator("#action-supplement_received").get_by_role("button", name="Nhận hồ sơ bổ sung").click()
    staff.wait_for_selector("text=Đã thực hiện: Nhận hồ sơ bổ sung.")
    staff.screenshot(path="/tmp/journey-desk-accepted.png", full_page=True)
    accepted = Dossier.objects.get(code=code)
    assert accepted.status == Status.PROCESSING and accepted.paused_since is None
    assert accepted.due_at >= paused_due

    # 6. processing finishes; the leader signs the electronic result; carried and handed over
    act(actor=world["spec_justice"], code=code, action="complete_step")
    log_out(staff)
    log_in(staff, "lead_justice")
    staff.goto(f"/desk/dossiers/{code}/documents/")
    staff.get_by_label("Tên kết quả").fill("Phiếu lý lịch tư pháp số 1")
    staff.get_by_role("button", name="Ký số và ban hành").click()
    staff.wait_for_selector("text=Đã ký số và ban hành kết quả điện tử.")
    result = Document.objects.get(dossier__code=code, kind=Document.Kind.RESULT)
    desk.close()
    act(actor=world["lead_justice"], code=code, action="finish")
    act(actor=world["lead_justice"], code=code, action="carry_result")
    act(actor=world["counter_tdm"], code=code, action="return_result", params={"receiver": "Nguyễn Thị Hoa"})

    # 7. the citizen downloads the signed result from /my/ and rates the service
    page.goto(f"/my/dossiers/{code}/")
    assert page.locator("#my-status").inner_text() == "Đã trả kết quả"
    history = page.locator("#my-history").inner_text()
    assert "Giấy tờ bổ sung của bạn đã được nhận; hồ sơ tiếp tục được xử lý." in history
    with page.expect_download() as download:
        page.get_by_role("link", name="Phiếu lý lịch tư pháp số 1").click()
    saved = tmp_path / "ket-qua.pdf"
    download.value.save_as(saved)
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == result.sha256 and result.signed
    page.get_by_label("Rất hài lòng").check()
    page.get_by_role("button", name="Gửi đánh giá").click()
    assert "Rất hài lòng" in page.locator("#my-rating").inner_text()
    page.screenshot(path="/tmp/journey-rated.png", full_page=True)
