"""Return by post in a real browser, in one journey: the leader finishes and carries the result to the
unit that sends it (the applicant chose the post), the postal officer hands it to the post with a
shipment number on the postal desk, the tracking page shows the shipment, the postal officer records
the delivery, the dossier is returned and the applicant rates the service from the tracking page.
Screenshots go to /tmp/post-*.png."""

import pytest

from motcua.dossiers.models import Dossier, Rating, Status
from motcua.dossiers.services import act, intake
from tests.e2e.browsing import log_in, log_out
from tests.factories import CENTER, POSTAL_ADDRESS, judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "local_cache"),
]
NUMBER = "EB123456789VN"


def take_action(page, action: str, label: str) -> None:
    """Open the action's form on the dossier page (the only action's is open already) and send it."""
    form = page.locator(f"#action-{action}")
    form.evaluate("details => { details.open = true; }")
    form.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_result_returned_by_post_then_rated(page, world):
    request = judicial_request(
        unit=CENTER, return_unit="", return_by_post=True, return_address=POSTAL_ADDRESS
    )
    received = intake(actor=world["counter_center"], request=request)
    code, pin = received.dossier.code, received.pin
    act(actor=world["counter_center"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="complete_step")

    log_in(page, "lead_justice")
    page.goto(f"/desk/dossiers/{code}/")
    take_action(page, "finish", "Có kết quả")
    take_action(page, "carry_result", "Chuyển kết quả đến nơi trả")
    page.locator("#dossier-status").wait_for()
    assert "Giao kết quả cho bưu điện" not in page.content()  # not the agency's to send
    log_out(page)

    log_in(page, "postal")
    page.get_by_role("link", name="Trả kết quả qua bưu chính").click()
    waiting = page.locator(f"#post-waiting tr[data-code='{code}']")
    assert POSTAL_ADDRESS in waiting.inner_text()
    page.get_by_label(f"Số hiệu bưu gửi {code}").fill(NUMBER.lower())
    page.get_by_role("button", name="Giao cho bưu điện").click()
    in_post = page.locator(f"#post-in-transit tr[data-code='{code}']")
    in_post.wait_for()
    assert NUMBER in in_post.inner_text() and page.locator("#post-waiting").count() == 0
    page.screenshot(path="/tmp/post-desk.png", full_page=True)

    tracking = page.context.new_page()
    tracking.goto("/track/")
    tracking.get_by_label("Mã hồ sơ").fill(code)
    tracking.get_by_label("Mã tra cứu (PIN)").fill(pin)
    tracking.get_by_role("button", name="Tra cứu").click()
    shipment = tracking.locator(f"#shipments tr[data-shipment='{NUMBER}']")
    shipment.wait_for()
    assert "Đang chuyển phát" in shipment.inner_text()
    assert tracking.locator("#track-status").inner_text() == "Đã có kết quả"
    tracking.screenshot(path="/tmp/post-tracking-in-the-post.png", full_page=True)

    in_post.get_by_label("Người nhận (họ tên)").fill("Nguyễn Thị Hoa")
    in_post.get_by_role("button", name="Ghi nhận kết quả phát").click()
    page.locator("#post-recent").wait_for()
    assert "Đã phát" in page.locator("#post-recent").inner_text()
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.RETURNED and dossier.shipments.get().receiver == "Nguyễn Thị Hoa"

    tracking.get_by_label("Mã tra cứu (PIN)").fill(pin)
    tracking.get_by_role("button", name="Tra cứu").click()
    tracking.locator("#track-rate").wait_for()
    assert tracking.locator("#track-status").inner_text() == "Đã trả kết quả"
    assert "Đã phát" in tracking.locator(f"#shipments tr[data-shipment='{NUMBER}']").inner_text()
    tracking.locator("#track-rate input[name=score]").first.check()
    tracking.locator("#track-rate").get_by_role("button", name="Gửi đánh giá").click()
    tracking.wait_for_load_state()
    tracking.screenshot(path="/tmp/post-rated.png", full_page=True)
    assert Rating.objects.filter(dossier=dossier, via="tracking").exists()
