"""Queue tickets on the shared world: the Dầu Tiếng reception point gets one group per catalog sector
(A: civil status, B: judicial records) and two counters, where counter_dt is the counter officer."""

import pytest
from django.test import Client

from motcua.network.models import Unit
from motcua.tickets.services import set_up_unit
from tests.factories import POINT_DAU_TIENG, at


@pytest.fixture(autouse=True)
def frozen_time(clock):
    """Tickets are numbered and called per local day: no test here reads the wall clock (a test
    running across midnight would find yesterday's tickets gone). Tests may move the clock on."""
    clock.set(at(2026, 3, 2, 9, 0))
    return clock


@pytest.fixture
def queue(world):
    unit = Unit.objects.get(code=POINT_DAU_TIENG)
    set_up_unit(unit=unit, counters=2)
    return unit


@pytest.fixture
def login(world, local_cache):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(world[name].user)
        return client

    return make
