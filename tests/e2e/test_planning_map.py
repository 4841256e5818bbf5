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
