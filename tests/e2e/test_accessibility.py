"""Accessibility in a real browser: axe-core (vendored under tests/e2e/vendor/axe-core, injected by the
test, never served by the site) checks every public page, in Vietnamese and in English, and finds no
violation of impact serious or critical; at 390 px (a phone) no public page scrolls sideways and its main
action buttons are on the screen. The staff pages are checked too, as figures only (the target is the
public pages)."""

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

from motcua.documents import services as documents
from motcua.dossiers import checkpoints
from motcua.dossiers.services import act, intake
from motcua.network.models import Unit
from motcua.tickets.services import set_up_unit
from tests.e2e.browsing import log_in
from tests.factories import (
    CITIZEN_HOA,
    POINT_DAU_TIENG,
    judicial_request,
    pdf_bytes,
    upload,
    use_demo_provider,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable_events", "local_cache"),
]

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}
# The violations as plain data: rule, impact, help, and each offending node's selector and summary.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}"""


@dataclass(frozen=True)
class Stop:
    """One page of the tour: how to reach it (a path, or steps in the browser) and its main action
    (a CSS selector of the button that must be visible on a phone; empty if the page has none)."""

    name: str
    path: str = ""
    steps: object = None
    action: str = ""
    bilingual: bool = False  # the error pages speak both languages, whatever the choice
    shows: str = ""  # a CSS selector the page must show: the tour reached what it meant to check

    def visit(self, page) -> None:
        if self.steps:
            self.steps(page)
        else:
            response = page.goto(self.path)
            assert response is not None and response.status < 400, (self.path, response and response.status)
        page.wait_for_load_state("networkidle")
        if self.shows:
            assert page.locator(self.shows).count() > 0, (self.name, self.shows, page.url)


def violations(page, name: str) -> tuple[list[str], int]:
    """The serious and critical violations axe finds on the page, one readable line per node, and the
    count of the others (moderate, minor)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(RUN_AXE)
    lines = [
        f"{name} [{page.evaluate('document.documentElement.lang')}] {v['id']} ({v['impact']}): {v['help']}"
        f"\n    at {node['target']}\n    {node['summary'].replace(chr(10), ' / ')}"
        for v in found
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]
    others = [f"{v['id']} ({v['impact']}) x{len(v['nodes'])}" for v in found if v["impact"] not in BLOCKING]
    if others:
        print(f"  {name}: {', '.join(others)}")
    return lines, len(others)


# What sticks out past the screen's right edge (a box, or the text overflowing it), outside any region
# that scrolls sideways itself.
WIDEST = """(limit) => {
  const scrolls = (e) => ["auto", "scroll", "hidden"].includes(getComputedStyle(e).overflowX);
  const clipped = (e) => { for (let a = e.parentElement; a; a = a.parentElement) if (scrolls(a)) return true;
                           return false; };
  return [...document.querySelectorAll("body *")]
    .filter(e => !clipped(e) && (e.getBoundingClientRect().right > limit  // a box, or its content
      || (!scrolls(e) && e.getBoundingClientRect().left + e.scrollWidth > limit))).slice(-5)
    .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : ""));
}"""


def fits_a_phone(page, stop: Stop) -> list[str]:
    """What is wrong with the page at 390 px: sideways scroll, a main action off the screen."""
    problems = []
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width > PHONE["width"]:
        wide = page.evaluate(WIDEST, PHONE["width"])
        problems.append(f"{stop.name}: {width}px wide at 390 px; widest: {wide}")
    if stop.action:
        button = page.locator(stop.action).first
        box = button.bounding_box() if button.count() else None
        if box is None or not button.is_visible() or box["x"] < 0 or box["x"] + box["width"] > PHONE["width"]:
            problems.append(f"{stop.name}: its main action {stop.action} is not on a 390 px screen ({box})")
    return problems


def tour(page, stops: list[Stop], language: str, phone: bool = False) -> tuple[list[str], int]:
    """Every stop in the language: the blocking violations (and phone problems) and the other count."""
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.base_url}])
    if phone:
        page.set_viewport_size(PHONE)
    problems: list[str] = []
    others = 0
    for stop in stops:
        stop.visit(page)
        if not stop.bilingual:
            assert page.evaluate("document.documentElement.lang") == language, (stop.name, language)
        found, minor = violations(page, stop.name)
        print(f"{stop.name} [{language}]: {len(found)} serious/critical nodes, {minor} other violations")
        problems += found
        others += minor
        if phone:
            problems += fits_a_phone(page, stop)
    return problems, others


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context ignores the Content-Security-Policy, so that the test may inject axe (the
    site itself never loads it); the policy is checked by test_content_security_policy."""
    context = browser.new_context(base_url=live_server.url, locale="vi-VN", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # for the language cookie, set before the first page
    yield page
    context.close()


@pytest.fixture
def public_world(world, signers, settings, live_server, tmp_path):
    """A received dossier (code, PIN) with a signed scan to verify, a published checkpoint, and a
    kiosk and board at the Dầu Tiếng point."""
    use_demo_provider(settings, live_server.url)
    settings.HOME = tmp_path  # the demo payment gateway's secret
    checkpoints.write_checkpoint()
    set_up_unit(unit=Unit.objects.get(code=POINT_DAU_TIENG), counters=2)
    received = intake(actor=world["counter_dt"], request=judicial_request())
    code = received.dossier.code
    documents.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    # pyHanko signs through asyncio.run, which refuses to run inside Playwright's loop: another thread
    with ThreadPoolExecutor(1) as pool:
        signed = pool.submit(signed_scan, world["counter_dt"], code).result()
    to_pay = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=to_pay, action="complete_step")
    act(actor=world["spec_justice"], code=to_pay, action="request_payment", params={"amount_vnd": 200000})
    return {"code": code, "pin": received.pin, "document": signed.public_id, "to_pay": to_pay}


def signed_scan(actor, code: str):
    try:
        return documents.digitize(actor=actor, code=code, component="TP1")
    finally:
        connection.close()


def track(code: str, pin: str):
    def steps(page) -> None:
        page.goto("/track/")
        page.locator("#id_code").fill(code)
        page.locator("#id_pin").fill(pin)
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("networkidle")

    return steps


def demo_provider_login(page) -> None:
    page.goto("/my/login/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/demo-idp/login/**")


def public_stops(data: dict) -> list[Stop]:
    code, pin = data["code"], data["pin"]
    wrong = "000000" if pin != "000000" else "111111"
    submit = "main form button[type=submit]"
    return [
        Stop("catalog search", "/", action=submit),
        Stop("catalog search, a query", "/?q=l%C3%BD+l%E1%BB%8Bch", action=submit, shows="#procedures a"),
        Stop("procedure page", "/procedures/2.000488/", shows="[id^=time-limit]"),
        Stop("tracking form", "/track/", action=submit),
        Stop("tracking, a dossier found", steps=track(code, pin), action=submit, shows="#track-status"),
        Stop("tracking, nothing entered", steps=track("", ""), action=submit, shows=".errorlist"),
        Stop("tracking, a wrong PIN", steps=track(code, wrong), action=submit, shows="[role=alert]"),
        Stop("transparency", "/transparency/"),
        Stop("verify form", "/verify/", action=submit),
        Stop("verify, a signed document", f"/verify/{data['document']}", action=submit, shows="#signer"),
        Stop("feedback list", "/feedback/"),
        Stop("tickets kiosk", f"/tickets/{POINT_DAU_TIENG}/kiosk/", action="main button[type=submit]"),
        Stop("tickets kiosk, a ticket taken", steps=take_a_ticket, shows="#ticket-number"),
        Stop("tickets board", f"/tickets/{POINT_DAU_TIENG}/board/", shows="#board"),
        Stop("staff log-in", "/accounts/login/", action=submit),
        Stop("citizen log-in", "/my/login/", action=submit),
        Stop("citizen log-in failed", steps=lambda page: page.goto("/my/login/failed/"), shows="main h1"),
        Stop(
            "demo identity provider log-in",
            steps=demo_provider_login,
            action=submit,
            shows="input[name=id_number]",
        ),
        Stop("page not found", steps=lambda page: page.goto("/no-such-page/"), bilingual=True),
    ]


def take_a_ticket(page) -> None:
    # without the page's script, which goes back to the kiosk after 20 s, maybe in the middle of the
    # check on a busy machine (it only adds that timer and an autoprint frame, not used here)
    page.route("**/tickets/ticket.js", lambda route: route.abort())
    page.goto(f"/tickets/{POINT_DAU_TIENG}/kiosk/")
    page.locator("main button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/kiosk/\d+/$"))
    page.unroute("**/tickets/ticket.js")


def send_empty_feedback(page) -> None:
    page.goto("/feedback/new/")
    page.locator("main form").evaluate("form => form.noValidate = true")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def log_in_as_citizen(page, id_number: str) -> None:
    from motcua.demo.loader import demo_password

    demo_provider_login(page)
    page.locator("input[name=id_number]").fill(id_number)
    page.locator("input[name=password]").fill(demo_password())
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/my/$"))


def start_a_draft(page) -> None:
    page.goto("/my/file/2.000488/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/my/drafts/*/")


def pay_online(code: str):
    def steps(page) -> None:
        page.goto(f"/my/dossiers/{code}/")
        page.locator("#pay button").first.click()
        page.wait_for_url("**/demo-pay/**")

    return steps


def citizen_stops(data: dict) -> list[Stop]:
    return [
        Stop("my dossiers", "/my/", shows="#my-dossiers a.code"),
        Stop("my dossier", f"/my/dossiers/{data['code']}/", shows="#my-status"),
        Stop("file online: choose a procedure", "/my/file/", action="main form button[type=submit]"),
        Stop("file online: the procedure", "/my/file/2.000488/", action="main form button[type=submit]"),
        Stop(
            "file online: a draft",
            steps=start_a_draft,
            action="#send",
            shows="#applicant-id",
        ),
        Stop(
            "my dossier, a fee to pay", f"/my/dossiers/{data['to_pay']}/", action="#pay button", shows="#pay"
        ),
        Stop("pay online: the demo gateway", steps=pay_online(data["to_pay"]), action="main form button"),
        Stop("my feedback", "/feedback/mine/"),
        Stop("new feedback form", "/feedback/new/", action="main form button[type=submit]"),
        Stop("new feedback, nothing entered", steps=send_empty_feedback, shows=".errorlist"),
    ]


def test_axe_finds_what_it_should(axe_page, live_server):
    """The harness itself: on a page made worse on purpose, the check fails and says where."""
    axe_page.goto("/track/")
    axe_page.evaluate(
        """() => {
          document.querySelector('label[for=id_pin]').remove();
          document.querySelector('main').insertAdjacentHTML('beforeend',
            '<p style="color:#ccc;background:#fff">faint</p><button class="plain"></button>');
        }"""
    )
    found, _ = violations(axe_page, "spoiled")
    rules = {line.split("] ")[1].split(" ")[0] for line in found}
    assert {"label", "color-contrast", "button-name"} <= rules, found


@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_and_citizen_pages_have_no_serious_violation(axe_page, public_world, language):
    problems, others = tour(axe_page, public_stops(public_world), language)
    log_in_as_citizen(axe_page, CITIZEN_HOA)
    more, more_others = tour(axe_page, citizen_stops(public_world), language)
    print(f"[{language}]: {len(problems + more)} serious/critical, {others + more_others} moderate/minor")
    assert not problems + more, "\n".join(problems + more)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_public_and_citizen_pages_fit_a_phone(axe_page, public_world, language):
    """At 390 px, axe's serious and critical violations too (a table that scrolls there must take the
    keyboard focus, for one)."""
    problems, _ = tour(axe_page, public_stops(public_world), language, phone=True)
    log_in_as_citizen(axe_page, CITIZEN_HOA)
    more, _ = tour(axe_page, citizen_stops(public_world), language, phone=True)
    assert not problems + more, "\n".join(problems + more)


def test_staff_pages_figures(axe_page, public_world, capsys):
    """Not a gate (the target is the public pages): the staff pages' serious and critical violations
    and their 390 px problems, printed; the test only asserts that axe ran on each of them."""
    code = public_world["code"]
    desk = [
        Stop("work queue", "/desk/"),
        Stop("intake", "/desk/intake/"),
        Stop("dossier", f"/desk/dossiers/{code}/", shows="main h1"),
        Stop("dossier documents", f"/desk/dossiers/{code}/documents/", shows="main h1"),
        Stop("feedback inbox", "/feedback/inbox/"),
        Stop("queue tickets", "/tickets/"),
    ]
    found: list[str] = []
    with capsys.disabled():
        print()
        log_in(axe_page, "manager")
        for phone in (False, True):
            found += tour(axe_page, [Stop("oversight dashboard", "/oversight/")], "vi", phone=phone)[0]
        axe_page.context.clear_cookies()
        axe_page.set_viewport_size({"width": 1280, "height": 720})
        log_in(axe_page, "counter_dt")
        for phone in (False, True):
            found += tour(axe_page, desk, "vi", phone=phone)[0]
        print(f"staff pages: {len(found)} serious/critical nodes or 390 px problems")
        for line in found:
            print("  " + line.split("\n")[0])
    assert axe_page.evaluate("typeof window.axe") == "object"
