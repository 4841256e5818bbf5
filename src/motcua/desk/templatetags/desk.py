"""Template filters of the staff and public pages: bilingual domain values in the page's language."""

from __future__ import annotations

from django import template

from motcua.catalog.models import PaperForm
from motcua.desk import text
from motcua.dossiers.lifecycle import ACTION_LABELS, Action
from motcua.dossiers.models import Status

register = template.Library()


@register.filter
def label(value) -> str:
    """'Vietnamese / English' choice labels, or a (vi, en) pair."""
    if isinstance(value, tuple | list):
        return text.pick(value[0], value[1])
    return text.split_label(value)


@register.filter
def status_label(code) -> str:
    try:
        return text.split_label(Status(int(code)).label)
    except (TypeError, ValueError):
        return str(code or "—")


@register.filter
def action_label(action) -> str:
    try:
        vi, en = ACTION_LABELS[Action(action)]
    except ValueError:
        return str(action)
    return text.pick(vi, en)


@register.filter
def uname(unit) -> str:
    """A unit's (or a procedure's, a component's) name in the page's language."""
    if unit is None:
        return "—"
    if isinstance(unit, dict):
        return text.pick(unit.get("name_vi", ""), unit.get("name_en", ""))
    return text.pick(unit.name_vi, getattr(unit, "name_en", ""))


@register.filter
def paper_form(value) -> str:
    """A paper's form (original, copy...) in the page's language."""
    try:
        return text.split_label(PaperForm(value).label)
    except ValueError:
        return str(value or "—")


@register.simple_tag
def may_receive(user) -> bool:
    """Whether the user holds a counter or postal role at a service unit (the intake link)."""
    from motcua.desk.selectors import intake_units
    from motcua.dossiers.permissions import Actor

    return bool(user.is_authenticated) and intake_units(Actor.staff(user)).exists()
