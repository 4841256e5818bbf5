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
