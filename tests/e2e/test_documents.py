"""Electronic documents in a real browser: the counter scans (uploads images of a paper) and signs the
scan; the agency's leader signs the electronic result; it is carried to the return point, where the
counter prints it with its QR code; the applicant collects it from public tracking and follows the QR
code's link to the verification page, which says it is valid and that their copy is the issued one.
Screenshots go to /tmp/documents-*.png."""

import io
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from motcua.dossiers.services import act, intake
from tests.e2e.browsing import log_in, log_out
from tests.factories import image_bytes, judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


def qr_link(pdf: Path, folder: Path) -> str:
    """The QR code on the PDF's first page, read from a 150 dpi rendering (poppler's pdftoppm, zxing-cpp)."""
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(pdf), str(folder / "page")], check=True
    )
    image = Image.open(next(folder.glob("page*.png")))
    codes = zxingcpp.read_barcodes(image)
    assert len(codes) == 1, codes
    return codes[0].text


def test_scan_sign_issue_carry_collect_and_verify_by_the_qr_link(
    page, world, signers, live_server, monkeypatch, settings, tmp_path
):
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "PUBLIC_URL", live_server.url)
    received = intake(actor=world["counter_dt"], request=judicial_request())
    code, pin = received.dossier.code, received.pin

    log_in(page, "counter_dt")  # scan: two images of the paper, joined into one PDF, then signed
    page.goto(f"/desk/dossiers/{code}/")
    page.locator("#documents-link").click()
    page.wait_for_url(f"**/desk/dossiers/{code}/documents/")
    (tmp_path / "front.jpg").write_bytes(image_bytes("JPEG"))
    (tmp_path / "back.png").write_bytes(image_bytes("PNG"))
    page.locator("#files-TP1").set_input_files([str(tmp_path / "front.jpg"), str(tmp_path / "back.png")])
    page.get_by_role("button", name="Đính kèm bản quét").click()
    page.wait_for_selector("text=Đã lưu bản quét.")
    assert "2 trang" in page.locator("#paper-TP1").inner_text()
    page.locator("#sign-TP1").click()
    page.wait_for_selector("text=Đã ký số bản quét")
    row = page.locator("#paper-TP1").inner_text()
    assert "Đã số hóa" in row and "PAdES B-B" in row
    assert page.locator("#demo-ca").is_visible()
    page.screenshot(path="/tmp/documents-scan.png", full_page=True)
    log_out(page)

    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="complete_step")

    log_in(page, "lead_justice")  # the leader signs the result made from the template
    page.goto(f"/desk/dossiers/{code}/documents/")
    page.get_by_label("Tên kết quả").fill("Phiếu lý lịch tư pháp số 1")
    page.get_by_role("button", name="Ký số và ban hành").click()
    page.wait_for_selector("text=Đã ký số và ban hành kết quả điện tử.")
    assert "Phiếu lý lịch tư pháp số 1" in page.locator("#results").inner_text()
    log_out(page)

    act(actor=world["lead_justice"], code=code, action="finish")
    act(actor=world["lead_justice"], code=code, action="carry_result")

    log_in(page, "counter_tdm")  # the return point prints it with its QR code
    page.goto(f"/desk/dossiers/{code}/documents/")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="In kèm mã QR").click()
    printed = popup.value.request.get(popup.value.url)
    assert printed.ok and printed.body().startswith(b"%PDF-")
    log_out(page)

    page.goto("/track/")  # the applicant collects it
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã tra cứu (PIN)").fill(pin)
    page.get_by_role("button", name="Tra cứu").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Phiếu lý lịch tư pháp số 1").click()
    collected = tmp_path / "ket-qua.pdf"
    download.value.save_as(collected)
    page.screenshot(path="/tmp/documents-track.png", full_page=True)

    link = qr_link(collected, tmp_path)
    assert link.startswith(f"{live_server.url}/verify/")
    assert link in PdfReader(io.BytesIO(collected.read_bytes())).pages[0].extract_text()  # printed as well
    page.goto(link)  # the QR code's link, as a phone would open it
    assert "Hợp lệ" in page.locator("#verdict").inner_text()
    assert "Có" in page.locator("#unchanged").inner_text()
    assert "Nguyễn Thị Hoa" not in page.content()
    page.locator("#verify-file").set_input_files(str(collected))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_selector("text=Bản của bạn giống hệt tài liệu đã ban hành.")
    page.screenshot(path="/tmp/documents-verify.png", full_page=True)


def test_the_dossier_page_signs_the_control_slip_and_its_qr_link_verifies(
    page, world, signers, live_server, monkeypatch, settings, tmp_path
):
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "PUBLIC_URL", live_server.url)
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")  # a row: to the Department of Justice

    log_in(page, "counter_dt")  # who made the hand-over signs the slip as it stands
    page.goto(f"/desk/dossiers/{code}/")
    assert "Chưa ký số." in page.locator("#control-slip-signature").inner_text()
    page.get_by_role("button", name="Ký số phiếu kiểm soát").click()
    page.wait_for_selector("text=Đã ký số phiếu.")
    row = page.locator("#form-06")
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in row.inner_text()
    with page.expect_popup() as popup:
        row.get_by_role("link", name="In kèm mã QR").click()
    printed = popup.value.request.get(popup.value.url)
    assert printed.ok and printed.body().startswith(b"%PDF-")
    slip = tmp_path / "phieu-kiem-soat.pdf"
    slip.write_bytes(printed.body())
    page.goto(f"/desk/dossiers/{code}/")
    assert "Bản đã ký số lần 1" in page.locator("#control-slip-signature").inner_text()
    page.screenshot(path="/tmp/documents-control-slip.png", full_page=True)
    log_out(page)

    link = qr_link(slip, tmp_path)
    assert link.startswith(f"{live_server.url}/verify/")
    page.goto(link)  # the QR code's link, as a phone would open it
    assert "Hợp lệ" in page.locator("#verdict").inner_text()
    assert "Có" in page.locator("#unchanged").inner_text()
    page.locator("#verify-file").set_input_files(str(slip))
    page.get_by_role("button", name="Kiểm tra", exact=True).click()
    page.wait_for_selector("text=Bản của bạn giống hệt tài liệu đã ban hành.")


def test_the_counter_signs_the_day_s_log_book_page_and_its_qr_link_verifies(
    page, world, signers, live_server, monkeypatch, settings, tmp_path
):
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "PUBLIC_URL", live_server.url)
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code

    log_in(page, "counter_dt")
    page.goto("/desk/")
    page.locator("#log-book-link").click()
    page.wait_for_url("**/desk/log-book/")
    assert code in page.locator("#log-book").inner_text()
    page.get_by_role("button", name="Ký số trang sổ này").click()
    page.wait_for_selector("text=Đã ký số trang sổ theo dõi hồ sơ.")
    with page.expect_popup() as popup:
        page.locator("#log-book-v1").get_by_role("link", name="In kèm mã QR").click()
    printed = popup.value.request.get(popup.value.url)
    assert printed.ok and printed.body().startswith(b"%PDF-")
    book = tmp_path / "so-theo-doi.pdf"
    book.write_bytes(printed.body())
    page.screenshot(path="/tmp/documents-log-book.png", full_page=True)
    log_out(page)

    link = qr_link(book, tmp_path)
    assert link.startswith(f"{live_server.url}/verify/")
    page.goto(link)
    assert "Hợp lệ" in page.locator("#verdict").inner_text()
    assert "Có" in page.locator("#unchanged").inner_text()
