"""Template filters of the staff and public pages: bilingual domain values in the page's language (the
model choices' labels are gettext_lazy: a template shows them as they are)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.catalog.models import PaperForm
from motcua.desk import text
from motcua.dossiers.lifecycle import ACTIONS
from motcua.dossiers.models import Status
from motcua.worktime.text import fee_text, money_text, opening_hours_text, time_limit_text

register = template.Library()


@register.filter
def status_label(code) -> str:
    """A status code's label in the page's language."""
    try:
        return str(Status(int(code)).label)
    except (TypeError, ValueError):
        return str(code or "—")


@register.filter
def action_label(action) -> str:
    record = ACTIONS.get(str(action))
    return text.pick(*record.labels) if record else str(action)


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
        return str(PaperForm(value).label)
    except ValueError:
        return str(value or "—")


@register.simple_tag
def may_plan(user) -> bool:
    """Whether the user is a center manager (the network planning link)."""
    from motcua.dossiers.permissions import Actor

    return bool(user.is_authenticated) and Actor.staff(user).manager


@register.simple_tag
def may_receive(user) -> bool:
    """Whether the user holds a counter or postal role at a service unit (the intake link)."""
    from motcua.desk.selectors import intake_units
    from motcua.dossiers.permissions import Actor

    return bool(user.is_authenticated) and intake_units(Actor.staff(user)).exists()


@register.filter
def event_details(event) -> str:
    """What the officer wrote or gave with an action (reason, note, receipt, amount...), in one line."""
    payload = event.payload or {}
    parts = []
    for key, name in _DETAIL_NAMES.items():
        value = payload.get(key)
        if value in (None, "", [], False):
            continue
        parts.append(f"{name()}: {_detail_value(key, value)}")
    return "; ".join(parts)


def _detail_value(key: str, value) -> str:
    if key == "amount_vnd":
        return money(value)
    if key in ("new_due_at", "delivered_at", "returned_at"):
        moment = parse_datetime(str(value))
        return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else str(value)
    if key in ("missing", "answered"):
        return ", ".join(
            text.pick(m.get("name_vi", ""), m.get("name_en", "")) or m.get("code", "") for m in value
        )
    return str(value)


_DETAIL_NAMES = {
    "reason": lambda: _("Reason"),
    "note": lambda: _("Note"),
    "missing": lambda: _("Missing papers"),
    "answered": lambda: _("Papers sent online"),
    "amount_vnd": lambda: _("Amount"),
    "receipt": lambda: _("Receipt no."),
    "receiver": lambda: _("Received by"),
    "new_due_at": lambda: _("New appointment"),
    "shipment_number": lambda: _("Shipment number"),
    "delivered_at": lambda: _("Delivered at"),
    "returned_at": lambda: _("Back at the unit at"),
}


@register.filter
def actor_display(event) -> str:
    """Who took the action, for the history table: the officer, else the applicant or the system."""
    name = text.officer_name(event)
    if name or event is None:
        return name or "—"
    return {"applicant": _("Applicant"), "system": _("System (automatic)")}.get(event.role, "—")


@register.filter
def in_language(thing, field: str) -> str:
    """thing.<field>_vi or thing.<field>_en, as the page's language asks (e.g. a component's condition)."""
    return text.pick(getattr(thing, f"{field}_vi", "") or "", getattr(thing, f"{field}_en", "") or "")


@register.filter
def days(value) -> str:
    """A number of (working) days without trailing zeros, with the language's decimal mark: 0,5 / 0.5."""
    try:
        number = Decimal(str(value)).normalize()
    except (InvalidOperation, TypeError, ValueError):
        return str(value or "")
    written = f"{number:f}"
    return written if text.english() else written.replace(".", ",")


def _language() -> str:
    return "en" if text.english() else "vi"


@register.filter
def time_limit(amount, unit="working_days") -> str:
    """A time limit in the page's language: 'Trong ngày', '1 working day', '10 calendar days'."""
    try:
        number = Decimal(str(amount))
    except (InvalidOperation, TypeError, ValueError):
        return str(amount or "")
    return time_limit_text(number, str(unit or "working_days"), _language())


@register.filter
def money(amount) -> str:
    """An amount of dong in the page's language: '200.000 đồng' / '200,000 VND'."""
    try:
        return money_text(int(amount), _language())
    except (TypeError, ValueError):
        return str(amount or "")


@register.filter
def opening_hours(spec) -> str:
    """A unit's opening hours in the page's language ('Thứ Hai - Thứ Sáu: 07:00-11:30, ...')."""
    return opening_hours_text(str(spec or ""), _language())


@register.filter
def fee_line(fee) -> str:
    """A catalog fee in the page's language, its amount written once."""
    return fee_text(text.pick(fee.name_vi, fee.name_en), fee.amount_vnd, _language())


@register.filter
def answered_online(supplement, dossier) -> list:
    """The applicant's answers sent online to a supplement request (from the dossier's events, already
    read for the history): each event's time and the papers' names."""
    end = supplement.completed_at
    return [
        {"at": e.at, "papers": _detail_value("answered", e.payload.get("answered", []))}
        for e in dossier.events.all()
        if e.action == "answer_supplement_online"
        and e.at >= supplement.requested_at
        and (end is None or e.at <= end)
    ]
