"""The staff pages' tests use the shared world: the small network, the two-procedure catalog and one
staff member per role and unit."""

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
