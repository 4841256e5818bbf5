"""One way to translate: English msgids in the code (gettext_lazy), the Vietnamese in locale/vi's django.po.

A page shows a lazy label as it is, in the page's language. The API's label_vi/label_en pairs and the
printed forms (in Vietnamese whatever the page's language) take both languages from `both`.
"""

from __future__ import annotations

from django.utils.translation import override


def both(label) -> tuple[str, str]:
    """A lazy label (a model choice's, e.g. Status.RECEIVED.label) in Vietnamese and in English."""
    with override("vi"):
        vi = str(label)
    with override("en"):
        en = str(label)
    return vi, en
