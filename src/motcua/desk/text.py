"""Bilingual values of the domain (Vietnamese and English pairs) shown in the language of the page."""

from __future__ import annotations

from django.utils.translation import get_language

from motcua.errors import MotcuaError, Problem


def english() -> bool:
    return (get_language() or "vi").startswith("en")


def pick(vi: str, en: str) -> str:
    return (en or vi) if english() else vi


def message(error: MotcuaError) -> str:
    return pick(error.message_vi, error.message_en)


def reason(problem: Problem) -> str:
    return pick(problem.reason_vi, problem.reason_en)


def officer_name(event) -> str:
    """Who took a logged action: the officer's full name, else the log-in name the log keeps (it stays
    when the name changes); empty for the system, the applicant or no event."""
    if event is None:
        return ""
    full = event.actor.get_full_name() if event.actor_id is not None else ""
    return full or event.actor_name
