"""The self-contained planning map in a real browser: names from imported files stay text."""

import pytest

from motcua.planning import CandidateSites, DemandPoints, PlanningProblem, SolveOptions, solve_lscp
from motcua.planning.report import write_html_map

pytestmark = pytest.mark.e2e
HOSTILE = '<img src=x onerror="window.__pwned = 1">'


def test_map_shows_hostile_names_as_text(browser, tmp_path):
    demand = DemandPoints.from_arrays(
        [10.98, 10.99],
        [106.65, 106.66],
        {"population": [100, 200]},
        ids=["a", "b"],
        area_type="urban",
        names=["A", "B"],
    )
    sites = CandidateSites.from_arrays([10.985], [106.655], ids=["s1"], names=[HOSTILE], kind="branch")
    problem = PlanningProblem(demand, sites)
    result = solve_lscp(problem, options=SolveOptions(time_limit=10))
    path = tmp_path / "map.html"
    write_html_map(path, problem, result, HOSTILE)
    page = browser.new_page()
    page.goto(path.as_uri())
    page.evaluate("map.eachLayer(layer => layer.getTooltip && layer.getTooltip() && layer.openTooltip())")
    tooltips = page.locator(".leaflet-tooltip").all_inner_texts()
    assert any(HOSTILE in text for text in tooltips)
    assert page.evaluate("window.__pwned") is None
    assert page.title() == HOSTILE
    page.close()


def test_map_shows_the_decision_offline(browser, tmp_path):
    from motcua.planning.scenario import remove_and_open

    demand = DemandPoints.from_arrays(
        [10.98, 11.00, 11.10],
        [106.65, 106.66, 106.70],
        {"population": [100, 200, 300]},
        ids=["x", "y", "z"],
        area_type="urban",
        names=["Phú Cường", "Hiệp Thành", "Tân Uyên"],
    )
    sites = CandidateSites.from_arrays(
        [10.98, 10.981, 11.10, 11.0],
        [106.65, 106.65, 106.70, 106.66],
        ids=["hq", "r1", "r2", "r3"],
        names=["Trung tâm", "Điểm 1", "Điểm 2", "Điểm 3"],
        kind=["center", "reception_point", "reception_point", "reception_point"],
    )
    problem = PlanningProblem(demand, sites)
    result = remove_and_open(problem, remove=1, open_new=1)
    path = tmp_path / "map.html"
    write_html_map(
        path, problem, result, "plan", labels=[{"name": "Thủ Dầu Một", "lat": 10.99, "lon": 106.65}]
    )
    page = browser.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(path.as_uri())
    assert page.locator(".district-label").all_inner_texts() == ["Thủ Dầu Một"]
    assert page.locator(".leaflet-control-scale-line").count() == 1
    assert page.locator(".mark-close").count() == 1
    assert page.locator(".mark-upgrade").count() == 1
    assert page.locator(".mark-keep").count() == 2
    legend = page.locator(".legend").inner_text()
    assert "đóng / closed" in legend and "0–15 phút / min" in legend
    # before and after are two views of the communes, switched like base layers
    page.get_by_text("Trước / Before").click()
    assert page.locator(".leaflet-control-layers-base input:checked").count() == 1
    assert all(url.startswith("file:") for url in requests)  # nothing fetched from the network
    page.close()


@pytest.mark.django_db(transaction=True)
def test_planning_page_a_manager_can_read(page, tmp_path):
    from django.contrib.auth.models import User

    from motcua.demo.loader import load_network_and_catalog
    from motcua.dossiers.permissions import Actor
    from motcua.monitoring.services import PlanRequest, start_plan_run
    from motcua.monitoring.tasks import run_plan
    from motcua.network.models import Role, RoleAssignment, Unit

    load_network_and_catalog()
    manager = User.objects.create_user("quanly-e2e", password="x-test-password")
    RoleAssignment.objects.create(user=manager, unit=Unit.objects.get(kind="center"), role=Role.MANAGER)
    run = start_plan_run(
        actor=Actor.staff(manager),
        request=PlanRequest(name="Giai đoạn 3", model="remove_open", remove=34, open_new=10, time_limit=60),
    )
    run_plan.call(run.pk)
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("quanly-e2e")
    page.get_by_label("Mật khẩu").fill("x-test-password")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    page.goto(f"/planning/{run.pk}/")
    summary = page.locator("#decision-summary")
    assert "Đóng 34 điểm, nâng cấp 10 điểm thành chi nhánh" in summary.inner_text()
    first_heading = page.locator("main h2").first.inner_text()
    assert first_heading == "Phương án này quyết định gì"  # the result comes first
    assert page.locator("#decision-table tr.action-close").count() == 34
    assert page.locator("#decision-table tr.action-upgrade").count() == 10
    row = page.locator("#decision-table tr.action-upgrade").first.inner_text()
    assert "Nâng cấp thành chi nhánh" in row and "Điểm tiếp nhận" in row and "Chi nhánh" in row
    with page.expect_download() as download:
        page.get_by_text("Tải về (Excel)").click()
    saved = tmp_path / "decision.xlsx"
    download.value.save_as(saved)
    from openpyxl import load_workbook

    assert load_workbook(saved).sheetnames[0] == "Quyết định - Decision"
    figures = page.locator("#figures-table").inner_text()
    assert "Số hồ sơ mỗi quầy (12 tháng qua)" in figures
    assert "hồ sơ nộp từ" in page.locator("#dossier-period").inner_text()  # where the volumes come from
    assert "reception_point" not in page.content().split("<iframe")[0]
    frame = page.frame_locator("iframe.map")
    assert frame.locator(".district-label").count() == 9
    assert frame.locator(".leaflet-control-scale-line").count() == 1
    assert frame.locator(".mark-upgrade").count() == 10
    assert page.locator("#kept summary").inner_text() == "Giữ nguyên (57 điểm)"
    headers = page.locator("#decision-table thead").inner_text()
    assert "Quyết định" in headers and "Xã, phường" in headers
    page.screenshot(path="/tmp/planning-page.png")
