"""Browser tests: Playwright drives Debian's Chromium (never a downloaded browser) against a live
server backed by the test database."""

import os
from pathlib import Path

import pytest

from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers

CHROMIUM = Path(os.environ.get("MOTCUA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make there
# (fixtures creating data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


# Page tests run against the live server in transactions that are flushed after each test: the
# append-only triggers of the event log are dropped for the flush and put back once the module is done.
@pytest.fixture(scope="module")
def triggers_back_after_module(django_db_blocker):
    yield
    with django_db_blocker.unblock():
        install_append_only_triggers()


@pytest.fixture
def flushable_events(triggers_back_after_module, transactional_db):
    install_append_only_triggers()
    yield
    drop_append_only_triggers()
