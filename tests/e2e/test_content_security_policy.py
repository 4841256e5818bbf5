"""The pages under the Content-Security-Policy, in a real browser: no page logs a CSP violation (no
inline script or style is left), what was inline script still works from static files (the language
switch, the confirmation before an action that ends a dossier, htmx), the API docs render offline from
Ninja's bundled Swagger UI, and the planning map runs under its own hash-based policy."""

import re

import pytest
from django.contrib.auth import get_user_model

from motcua.dossiers import checkpoints
from motcua.dossiers.services import intake
from motcua.monitoring.views import map_policy
from motcua.planning import CandidateSites, DemandPoints, PlanningProblem, SolveOptions, solve_lscp
from motcua.planning.report import write_html_map
from tests.factories import PASSWORD, at, judicial_request

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "world", "local_cache"),
]


@pytest.fixture
def watched(page, live_server):
    """The page, offline (nothing but the live server answers), with what the browser refused by its
    Content-Security-Policy and the script errors collected."""
    refused: list[str] = []
    page.context.route(
        re.compile(r"^https?://"),
        lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort(),
    )
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
    page.refused = refused
    return page


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, (path, response and response.status)
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("networkidle")


def test_public_pages_and_the_api_docs_run_under_the_policy(watched):
    written = checkpoints.write_checkpoint()
    for path in ("/", "/track/", "/accounts/login/", "/admin/login/", "/transparency/"):
        visit(watched, path)
    # the transparency page: the latest checkpoint's root and its key, reached from every page's footer
    assert watched.locator("#checkpoints code.digest").first.inner_text() == written.header["root"]
    assert watched.locator("#public-key").inner_text() == written.header["public_key"]
    visit(watched, "/")
    watched.locator("footer").get_by_role("link", name="Minh bạch").click()
    watched.wait_for_url("**/transparency/")
    # htmx (a static file) still works: the search updates the list without a page load
    visit(watched, "/")
    assert watched.locator('#procedures a[href^="/procedures/"]').count() > 0
    watched.evaluate("window.__same_page = true")
    watched.get_by_role("searchbox").fill("không có thủ tục nào như thế")
    watched.wait_for_function("() => !document.querySelector('#procedures a[href^=\"/procedures/\"]')")
    assert watched.evaluate("window.__same_page") is True
    # the language switch, once an inline onchange, now from site.js
    watched.locator("select[name=language]").select_option("en")
    watched.wait_for_selector("html[lang=en]")
    # the API docs: Ninja's bundled Swagger UI, no CDN (the browser is offline)
    visit(watched, "/api/docs")
    watched.wait_for_selector(".swagger-ui .info .title")
    assert "/static/ninja/swagger-ui-bundle.js" in watched.content()
    assert watched.refused == []


def test_staff_pages_and_the_admin_run_under_the_policy(watched, world):
    code = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier.code
    page = watched
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill("counter_dt")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/desk/")
    for path in ("/desk/", "/desk/intake/", f"/desk/dossiers/{code}/"):
        visit(page, path)
    # an action that ends the dossier asks first (once an inline onsubmit); declining keeps it open
    closing = page.locator("form[data-confirm]").first
    closing.locator("xpath=..").locator("summary").click()
    for field in closing.locator("textarea, input[type=text]").all():
        field.fill("Thử / test")
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    closing.locator("button[type=submit]").click()
    page.wait_for_timeout(300)
    assert asked and "kết thúc hồ sơ" in asked[0]
    assert page.url.endswith(f"/desk/dossiers/{code}/")
    # the admin, as a superuser
    get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", "root")
    page.fill("#id_password", PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    for path in ("/admin/", "/admin/auth/user/", "/admin/auth/user/add/"):
        visit(page, path)
    assert page.refused == []


def test_the_planning_map_runs_under_its_own_policy(watched, live_server, tmp_path):
    demand = DemandPoints.from_arrays(
        [10.98, 10.99], [106.65, 106.66], {"population": [100, 200]}, ids=["a", "b"], area_type="urban"
    )
    sites = CandidateSites.from_arrays([10.985], [106.655], ids=["s1"], names=["Điểm 1"], kind="branch")
    problem = PlanningProblem(demand, sites)
    result = solve_lscp(problem, options=SolveOptions(time_limit=10))
    path = tmp_path / "map.html"
    write_html_map(path, problem, result, "Bản đồ")
    body = path.read_text(encoding="utf-8")
    policy = map_policy(body)
    assert (
        policy.count("'sha256-") == 2 and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    watched.route(
        f"{live_server.url}/map-under-test",
        lambda route: route.fulfill(
            body=body, content_type="text/html; charset=utf-8", headers={"Content-Security-Policy": policy}
        ),
    )
    watched.goto(f"{live_server.url}/map-under-test")
    assert watched.evaluate("typeof map") == "object"  # Leaflet and the page's own script ran
    assert watched.locator(".legend").count() == 1
    assert watched.refused == []
    # an injected inline script would not run under it
    tampered = body.replace("</body>", "<script>window.__injected = 1</script></body>")
    watched.route(
        f"{live_server.url}/map-tampered",
        lambda route: route.fulfill(
            body=tampered,
            content_type="text/html; charset=utf-8",
            headers={"Content-Security-Policy": policy},
        ),
    )
    watched.goto(f"{live_server.url}/map-tampered")
    assert watched.evaluate("window.__injected") is None
    assert any("Content Security Policy" in text for text in watched.refused)
