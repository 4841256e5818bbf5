"""The queue over HTTP, for display boards and counter terminals that are not browsers: the board's
state (public, rate-limited, as the board page) and the counter's actions (staff, the unit's counter
officers). Thin: the same services, selectors and action table as the pages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from motcua.auth import staff_auth
from motcua.dossiers.permissions import Actor
from motcua.error_schemas import errors
from motcua.errors import NotFound
from motcua.ratelimit import client_subject, hit

from . import announce, selectors, services
from .actions import ACTIONS
from .models import Counter

router = Router(tags=["tickets"], auth=staff_auth)
board_router = Router(tags=["tickets"])


class BoardCounterOut(Schema):
    counter: int
    serving: str | None


class BoardCallOut(Schema):
    id: int
    ticket: str
    counter: int
    at: datetime
    recall: bool
    audio_url: str | None


class BoardOut(Schema):
    unit: str
    waiting: int
    counters: list[BoardCounterOut]
    calls: list[BoardCallOut]


@board_router.get(
    "/{unit_code}/board",
    response={200: BoardOut, **errors(404, 429)},
    summary="A unit's display board (public)",
)
def board(request: HttpRequest, unit_code: str):
    hit("screen_ip", client_subject(request))
    unit = services.service_unit(unit_code)
    state = selectors.board(unit, timezone.localdate())
    audio = announce.available()
    return BoardOut(
        unit=unit.code,
        waiting=state.waiting,
        counters=[BoardCounterOut(counter=n, serving=label) for n, label in state.counters],
        calls=[
            BoardCallOut(
                id=c.id,
                ticket=c.label,
                counter=c.counter,
                at=c.at,
                recall=c.recall,
                audio_url=f"/tickets/{unit.code}/board/calls/{c.id}.wav" if audio else None,
            )
            for c in state.calls
        ],
    )


class CounterOut(Schema):
    id: int
    unit: str
    number: int
    serving: str | None


def _counter_out(counter: Counter) -> CounterOut:
    serving = counter.serving
    return CounterOut(
        id=counter.pk,
        unit=counter.unit.code,
        number=counter.number,
        serving=serving.label if serving else None,
    )


@router.get(
    "/counters",
    response={200: list[CounterOut], **errors(401)},
    summary="The counters where I may call tickets",
)
def my_counters(request: HttpRequest):
    actor = Actor.staff(request.auth)  # type: ignore[attr-defined]
    return [_counter_out(c) for c in selectors.caller_counters(actor).select_related("current__group")]


@router.post(
    "/counters/{counter_id}/actions/{action}",
    response={200: CounterOut, **errors(400, 401, 403, 404, 409, 422)},
    summary="Call next, recall, served or absent at a counter",
)
def counter_action(request: HttpRequest, counter_id: int, action: str):
    record = ACTIONS.get(action)
    if record is None:
        raise NotFound(f"thao tác '{action[:40]}' tại quầy", f"Counter action '{action[:40]}'")
    actor = Actor.staff(request.auth)  # type: ignore[attr-defined]
    record.run(actor, counter_id)
    counter = Counter.objects.select_related("unit", "current__group").get(pk=counter_id)
    return _counter_out(counter)
