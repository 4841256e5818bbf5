"""Bilingual labels of the dashboard's tables in the page's language, and who sees the dashboard."""

from __future__ import annotations

from django import template

from motcua.desk.text import pick

register = template.Library()


@register.filter
def label(thing) -> str:
    """A column's, table's or row's label in the page's language (label_vi/label_en, title_vi/title_en)."""
    for vi, en in (("label_vi", "label_en"), ("title_vi", "title_en"), ("name", "name_en")):
        if isinstance(thing, dict) and vi in thing:
            return pick(thing[vi], thing.get(en, ""))
        if hasattr(thing, vi):
            return pick(getattr(thing, vi), getattr(thing, en, ""))
    return str(thing)


@register.filter
def cell(row: dict, key: str):
    return row.get(key)


@register.simple_tag
def may_oversee(user) -> bool:
    from motcua.dossiers.permissions import Actor

    from ..scope import may_oversee as allowed

    return bool(user.is_authenticated) and allowed(Actor.staff(user))
