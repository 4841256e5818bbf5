"""The demo identity provider served by the live test server: the whole authorization-code + PKCE
flow runs for real (the portal's back-channel calls reach the live server)."""

from __future__ import annotations

import pytest

from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers
from tests.factories import citizen_client, use_demo_provider


@pytest.fixture(scope="module")
def triggers_back_after_module(django_db_blocker):
    """As in tests/e2e/test_desk.py: the live server sets up the transactional database before the
    test's fixtures, so the append-only triggers come back once the module's last flush is done."""
    yield
    with django_db_blocker.unblock():
        install_append_only_triggers()


@pytest.fixture
def flushable_events(triggers_back_after_module, transactional_db):
    install_append_only_triggers()
    yield
    drop_append_only_triggers()


@pytest.fixture
def provider(live_server, settings, flushable_events, local_cache):
    """The demo provider on the live server, the portal configured to use it; returns its base URL."""
    return use_demo_provider(settings, live_server.url)


@pytest.fixture
def log_in(provider):
    """log_in(id_number) -> a test client logged in as that demo citizen through the whole flow."""
    return citizen_client
