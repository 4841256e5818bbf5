"""The fees' tests use the shared world; pages are opened with a logged-in test client."""

import pytest
from django.test import Client


@pytest.fixture
def login(world, local_cache):
    """login("counter_dt") → a test client with that staff member's session."""

    def make(name: str) -> Client:
        client = Client()
        client.force_login(world[name].user)
        return client

    return make
