"""The demo's template tags: the demo accounts for the log-in page (only in demo mode)."""

from __future__ import annotations

from django import template

from motcua.demo.loader import DemoDirectory, demo_directory, demo_mode, demo_password
from motcua.network.models import Role, UnitKind

register = template.Library()


@register.simple_tag
def demo_accounts() -> DemoDirectory | None:
    """The demo's accounts by role and unit, or None outside demo mode (MOTCUA_DEMO=1)."""
    return demo_directory() if demo_mode() else None


@register.simple_tag
def demo_login_password() -> str:
    return demo_password() if demo_mode() else ""


@register.filter
def role_label(role) -> str:
    """A role's label in the page's language."""
    try:
        return str(Role(role).label)
    except ValueError:
        return str(role)


@register.filter
def unit_kind_label(kind) -> str:
    """A kind of unit (center, branch...) in the page's language."""
    try:
        return str(UnitKind(kind).label)
    except ValueError:
        return str(kind)
