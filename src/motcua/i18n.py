"""One way to have a translatable label in both languages (Vietnamese first)."""

from __future__ import annotations

from django.utils import translation


def both(label: object) -> tuple[str, str]:
    """The label in Vietnamese and in English."""
    text = str(label)
    if " / " in text:  # a label not yet moved to gettext
        vi, _, en = text.partition(" / ")
        return vi, en
    with translation.override("vi"):
        vi = str(label)
    with translation.override("en"):
        en = str(label)
    return vi, en
