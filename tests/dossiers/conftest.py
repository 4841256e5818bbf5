import pytest

from tests.factories import api_clients


@pytest.fixture
def api(world, local_cache):
    """api["counter_dt"].post(...): a client authenticated with that staff member's bearer token."""
    return api_clients(world)
