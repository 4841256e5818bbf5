"""The counter's actions as one table: the page's buttons, the view's dispatch and the tests read it.
Adding an action is one record and its service function."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.permissions import Actor

from . import services


@dataclass(frozen=True)
class CounterAction:
    name: str
    label: Promise
    needs_current: bool  # offered only while the counter serves a ticket
    run: Callable[[Actor, int], object]
    primary: bool = False


ACTIONS: dict[str, CounterAction] = {
    a.name: a
    for a in (
        CounterAction(
            "call_next",
            _("Call next"),
            False,
            lambda actor, counter: services.call_next(actor=actor, counter_id=counter),
            primary=True,
        ),
        CounterAction(
            "recall",
            _("Recall"),
            True,
            lambda actor, counter: services.recall(actor=actor, counter_id=counter),
        ),
        CounterAction(
            "served",
            _("Served"),
            True,
            lambda actor, counter: services.finish(actor=actor, counter_id=counter, served=True),
        ),
        CounterAction(
            "absent",
            _("Absent"),
            True,
            lambda actor, counter: services.finish(actor=actor, counter_id=counter, served=False),
        ),
    )
}


def offered(serving: bool) -> list[CounterAction]:
    """The buttons of a counter's page: all of them while it serves a ticket, else call next only."""
    return [a for a in ACTIONS.values() if serving or not a.needs_current]
