"""What each message says, in the applicant's language: one subject and one body per kind, with the
dossier's code and its tracking link."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, DossierEvent

from .models import Kind


def tracking_link(code: str) -> str:
    return f"{settings.PUBLIC_URL}/track/?code={code}"


def _moment(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else "—"


def _pick(vi: str, en: str, language: str) -> str:
    return (en or vi) if language.startswith("en") else vi


def render(kind: str, dossier: Dossier, event: DossierEvent, language: str) -> tuple[str, str]:
    """(subject, body) of a message of that kind about the event."""
    with translation.override(language):
        procedure = _pick(dossier.procedure.name_vi, dossier.procedure.name_en, language)
        unit = event.unit
        values = {
            "code": dossier.code,
            "procedure": procedure,
            "link": tracking_link(dossier.code),
            "answer_link": f"{settings.PUBLIC_URL}/my/dossiers/{dossier.code}/",
            "unit": _pick(unit.name_vi, unit.name_en, language) if unit else _("the service center"),
            "due": _moment((event.changes or {}).get("due_at") or dossier.due_at),
            "papers": "; ".join(
                _pick(m.get("name_vi", ""), m.get("name_en", ""), language)
                for m in (event.payload or {}).get("missing", [])
            )
            or "—",
            "amount": f"{(event.payload or {}).get('amount_vnd', 0):,}".replace(",", "."),
            "reason": (event.payload or {}).get("reason", ""),
            "shipment": (event.payload or {}).get("shipment_number", ""),
        }
        subjects = {
            Kind.SUBMITTED: _("Dossier %(code)s sent online"),
            Kind.RECEIVED: _("Dossier %(code)s received"),
            Kind.SUPPLEMENT: _("Dossier %(code)s: papers to supply"),
            Kind.PAYMENT_DUE: _("Dossier %(code)s: payment due"),
            Kind.RESULT_READY: _("Dossier %(code)s: the result is ready"),
            Kind.LATE: _("Dossier %(code)s: new appointment"),
            Kind.POSTED: _("Dossier %(code)s: the result is in the post"),
            Kind.RETURNED: _("Dossier %(code)s: result returned"),
        }
        bodies = {
            Kind.SUBMITTED: _(
                "Your dossier %(code)s (%(procedure)s) was sent online; the service center will check and "
                "receive it. Follow it: %(link)s"
            ),
            Kind.RECEIVED: _(
                "Your dossier %(code)s (%(procedure)s) was received at %(unit)s; appointment %(due)s. "
                "Follow it: %(link)s"
            ),
            Kind.SUPPLEMENT: _(
                "Your dossier %(code)s needs more papers: %(papers)s. The time limit is paused until they "
                "are accepted. Send them online (log in with your electronic identity): %(answer_link)s "
                "or bring them to any service point. %(link)s"
            ),
            Kind.PAYMENT_DUE: _("Your dossier %(code)s: please pay %(amount)s VND. %(link)s"),
            Kind.RESULT_READY: _("The result of your dossier %(code)s is ready. %(link)s"),
            Kind.LATE: _(
                "Your dossier %(code)s is late: %(unit)s apologizes and sets a new appointment, %(due)s "
                "(reason: %(reason)s). %(link)s"
            ),
            Kind.POSTED: _(
                "The result of your dossier %(code)s was handed to the post, shipment number %(shipment)s. "
                "Follow it: %(link)s"
            ),
            Kind.RETURNED: _(
                "The result of your dossier %(code)s was handed over. Please rate the service: %(link)s"
            ),
        }
        return subjects[kind] % values, bodies[kind] % values


def code_message(code: str, unit, procedure, lifetime: timedelta) -> tuple[str, str]:
    """(subject, body) of a one-time code confirming an online filing a counter officer made for the
    applicant, in the language of the page it was asked from."""
    language = translation.get_language() or "vi"
    values = {
        "code": code,
        "unit": _pick(unit.name_vi, unit.name_en, language),
        "procedure": _pick(procedure.name_vi, procedure.name_en, language),
        "minutes": int(lifetime.total_seconds() // 60),
    }
    subject = _("Confirmation code %(code)s") % values
    body = (
        _(
            "Your confirmation code: %(code)s. A counter officer of %(unit)s is filing online for you: "
            "%(procedure)s. Read the code to the officer only if you asked for this filing. Valid for "
            "%(minutes)d minutes."
        )
        % values
    )
    return subject, body
