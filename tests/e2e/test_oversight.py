"""The monitoring dashboard in a real browser: a center manager logs in and lands on it, the charts
render, a drill-down goes from the province to a unit, a procedure and a dossier, and an export
downloads. Screenshots go to /tmp/oversight-*.png."""

from pathlib import Path

import pytest

from motcua.dossiers.services import act, intake
from tests.factories import JUSTICE, PASSWORD, at, birth_request, judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "local_cache"),
]


@pytest.fixture
def march(world):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=code, action="complete_step", now=at(2026, 3, 3, 10, 0))
    act(actor=world["lead_justice"], code=code, action="finish", now=at(2026, 3, 5, 10, 0))
    intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 14, 0))
    return code


def test_dashboard_charts_drill_down_and_export(page, march):
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("manager")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/oversight/")  # the manager's landing page
    page.goto("/oversight/?period=2026-03")
    for chart in ("groups", "units", "months", "channels", "hours"):
        page.locator(f'[data-chart="{chart}"][data-rendered="1"] svg').first.wait_for()
    assert page.locator('[data-chart="groups"] svg text').count() > 3  # axis labels and title drawn
    page.screenshot(path="/tmp/oversight-province.png", full_page=True)

    with page.expect_download() as download_info:
        page.locator('[data-export="units-csv"]').click()
    download = download_info.value
    assert download.suggested_filename == "motcua-units-2026-03.csv"
    assert "Sở Tư pháp" in Path(download.path()).read_text(encoding="utf-8-sig")

    page.locator('table[data-table="units"] a', has_text="Sở Tư pháp").click()  # province → unit
    page.wait_for_url(f"**unit={JUSTICE}**")
    assert "Sở Tư pháp" in page.locator(".crumbs").inner_text()
    page.locator('table[data-table="procedures"] a', has_text="2.000488").first.click()  # → procedure
    page.wait_for_url("**procedure=2.000488**")
    page.locator('[data-component="progress.on_time"] a').first.click()  # → the dossiers behind it
    page.wait_for_url("**/oversight/dossiers/on_time/**")
    page.get_by_role("link", name=march).click()  # → the dossier
    page.wait_for_url(f"**/desk/dossiers/{march}/")
    assert march in page.content()
    page.screenshot(path="/tmp/oversight-dossier.png")
