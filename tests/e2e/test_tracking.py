"""The public tracking page in a real browser after a lockout attempt: the applicant is asked for the
last digits of their ID number instead of being refused, and then sees the dossier."""

import pytest
from django.test import Client

from motcua import ratelimit
from motcua.dossiers.services import intake
from tests.factories import at, judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]
NOW = 1_800_000_000.0  # every look-up below falls in the same windows


def test_after_a_lockout_attempt_the_applicant_gives_the_last_id_digits_and_sees_the_dossier(
    page, world, monkeypatch
):
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    code, pin = result.dossier.code, result.pin
    wrong = "000000" if pin != "000000" else "111111"
    for n in range(12):  # wrong PINs from many addresses
        Client(REMOTE_ADDR=f"198.51.100.{n + 1}").post("/track/", {"code": code, "pin": wrong})
    page.goto("/track/")
    page.get_by_label("Mã hồ sơ").fill(code)
    page.get_by_label("Mã tra cứu (PIN)").fill(pin)
    page.get_by_role("button", name="Tra cứu").click()
    factor = page.get_by_label("4 chữ số cuối của số CCCD/CMND hoặc số điện thoại của người nộp")
    factor.wait_for()
    assert "tra cứu sai nhiều lần" in page.locator("[role=alert]").inner_text()
    assert page.locator("#track-status").count() == 0
    assert page.get_by_label("Mã hồ sơ").input_value() == code  # kept: only the digits to add
    page.get_by_label("Mã tra cứu (PIN)").fill(pin)
    factor.fill("1234")
    page.get_by_role("button", name="Tra cứu").click()
    page.locator("#track-status").wait_for()
    assert page.locator("#track-status").inner_text() == "Đã tiếp nhận"
    page.screenshot(path="/tmp/track-second-factor.png", full_page=True)
