"""Who may call tickets: the counter officers of the unit (a role held there). The kiosk and the display
board are public pages."""

from __future__ import annotations

from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden
from motcua.network.models import Role

CALLER_ROLES = frozenset({Role.COUNTER})


def caller_unit_ids(actor: Actor) -> set[int]:
    return {unit for unit, role in actor.roles if role in CALLER_ROLES}


def ensure_may_call(actor: Actor, unit_id: int) -> None:
    if unit_id not in caller_unit_ids(actor):
        raise Forbidden(
            "Chỉ cán bộ một cửa của đơn vị này mới được gọi số tại quầy.",
            "Only the counter officers of this unit may call tickets at its counters.",
        )
