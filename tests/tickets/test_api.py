"""The queue's API: the public board (rate-limited) and a counter's actions for its unit's officers
(bearer tokens); errors are JSON 4xx naming the problem."""

from __future__ import annotations

import pytest

from motcua.tickets import services
from motcua.tickets.models import Counter, ServiceGroup
from tests.factories import POINT_DAU_TIENG, api_clients

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(world, queue, local_cache):
    return api_clients(world)


def first_counter(queue) -> Counter:
    return Counter.objects.get(unit=queue, number=1)


def take(queue, letter: str = "A"):
    return services.issue_ticket(
        unit_code=queue.code, group_id=ServiceGroup.objects.get(unit=queue, letter=letter).pk
    )


def test_an_officer_calls_and_the_board_answers_in_json(clients, queue):
    take(queue)
    counter = first_counter(queue)
    mine = clients["counter_dt"].get("/api/tickets/counters").json()
    assert [(c["id"], c["number"], c["serving"]) for c in mine] == [
        (counter.pk, 1, None),
        (counter.pk + 1, 2, None),
    ]
    response = clients["counter_dt"].post(f"/api/tickets/counters/{counter.pk}/actions/call_next")
    assert response.status_code == 200 and response.json()["serving"] == "A001"
    board = clients["anonymous"].get(f"/api/tickets/units/{POINT_DAU_TIENG}/board").json()
    assert board["counters"][0] == {"counter": 1, "serving": "A001"}
    assert board["calls"][0]["ticket"] == "A001" and board["calls"][0]["audio_url"].endswith(".wav")
    done = clients["counter_dt"].post(f"/api/tickets/counters/{counter.pk}/actions/served")
    assert done.json()["serving"] is None


def test_api_errors_are_4xx_json(clients, queue):
    counter = first_counter(queue)
    base = f"/api/tickets/counters/{counter.pk}/actions"
    assert clients["anonymous"].post(f"{base}/call_next").status_code == 401
    assert clients["outsider"].post(f"{base}/call_next").status_code == 403
    assert clients["manager"].post(f"{base}/call_next").status_code == 403
    unknown = clients["counter_dt"].post(f"{base}/explode")
    assert unknown.status_code == 404 and unknown.json()["code"] == "not_found"
    nothing = clients["counter_dt"].post(f"{base}/recall")
    assert nothing.status_code == 409 and nothing.json()["problems"][0]["field"] == "counter"
    assert clients["counter_dt"].post("/api/tickets/counters/999999/actions/call_next").status_code == 404
    assert clients["anonymous"].get("/api/tickets/units/000.00.01.H57/board").status_code == 404
    assert clients["outsider"].get("/api/tickets/counters").json() == []
    assert clients["counter_dt"].post("/api/tickets/counters/x/actions/call_next").status_code == 422
    assert (
        clients["counter_dt"].post(f"/api/tickets/counters/{'9' * 25}/actions/call_next").status_code == 404
    )
    spec = clients["anonymous"].get("/api/openapi.json").json()
    declared = set(spec["paths"]["/api/tickets/counters/{counter_id}/actions/{action}"]["post"]["responses"])
    assert {"200", "401", "403", "404", "409", "422"} <= declared


def test_the_public_board_is_rate_limited(clients, queue, settings, rate_window):
    settings.MOTCUA = {**settings.MOTCUA, "RATE_LIMITS": {"screen_ip": (2, 60)}}
    statuses = [
        clients["anonymous"].get(f"/api/tickets/units/{POINT_DAU_TIENG}/board").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
