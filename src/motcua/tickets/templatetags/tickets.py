"""The menu's queue-ticket link: for the counter officers (who call at the counters) and the center
managers (who open the kiosks and boards, and read the staffing figures)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag
def may_use_tickets(user) -> bool:
    from motcua.dossiers.permissions import Actor
    from motcua.tickets.permissions import caller_unit_ids

    if not user.is_authenticated:
        return False
    actor = Actor.staff(user)
    return actor.manager or bool(caller_unit_ids(actor))
