"""The staff pages' tests reuse the dossier tests' world: the small network, the two-procedure catalog
and one staff member per role and unit (password "x-test-password")."""

import pytest
from django.test import Client

from tests.dossiers.api_helpers import clock, local_cache  # noqa: F401 - fixtures
from tests.dossiers.conftest import world  # noqa: F401 - fixture

PASSWORD = "x-test-password"


@pytest.fixture
def login(world, local_cache):  # noqa: F811 - the imported fixtures
    """login("counter_dt") → a test client with that staff member's session."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world[name].user)
        return client

    return make
