"""A dossier's history told to its applicant: one sentence per event the applicant may follow, in the
page's language; what only concerns the officers (assignments, paper originals, the watch) is left out."""

from __future__ import annotations

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.desk import text
from motcua.dossiers.lifecycle import ACTIONS
from motcua.dossiers.models import DossierEvent


def _unit(event: DossierEvent) -> str:
    unit = event.unit
    return text.pick(unit.name_vi, unit.name_en) if unit is not None else _("the service center")


def _moment(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else "—"


def _papers(payload: dict) -> str:
    return "; ".join(
        text.pick(m.get("name_vi", ""), m.get("name_en", "")) for m in payload.get("missing", [])
    )


def told(event: DossierEvent) -> str:
    """The event in the applicant's words; empty when it is not theirs to follow."""
    record = ACTIONS.get(event.action)
    if record is None or not record.shown_to_applicant:
        return ""
    payload, changes, unit = event.payload or {}, event.changes or {}, _unit(event)
    sentences = {
        "submit_online": lambda: (
            _("A counter officer of %(unit)s filed the dossier online for you, as you confirmed.")
            % {"unit": unit}
            if payload.get("confirmation")
            else _("You filed the dossier online; the service center will check it.")
        ),
        "receive": lambda: (
            _("Received at %(unit)s; appointment %(due)s.")
            % {"unit": unit, "due": _moment(changes.get("due_at"))}
        ),
        "refuse": lambda: _("Refused at intake: %(reason)s") % {"reason": payload.get("reason", "")},
        "request_supplement": lambda: (
            _("%(unit)s asks you for more papers: %(papers)s.")
            % {"unit": unit, "papers": _papers(payload) or "—"}
        ),
        "answer_supplement_online": lambda: (
            _("You sent the papers online: %(papers)s; the agency checks them.")
            % {
                "papers": "; ".join(
                    text.pick(m.get("name_vi", ""), m.get("name_en", "")) for m in payload.get("answered", [])
                )
            }
        ),
        "supplement_received": lambda: _("Your additional papers were accepted; the handling resumes."),
        "complete_step": lambda: _("A step of the handling is done (%(unit)s).") % {"unit": unit},
        "return_step": lambda: _("The dossier went back to a previous step for a new check."),
        "request_payment": lambda: (
            _("Payment of %(amount)s VND is due.")
            % {"amount": f"{payload.get('amount_vnd', 0):,}".replace(",", ".")}
        ),
        "payment_received": lambda: _("Your payment was recorded."),
        "apologize": lambda: (
            _("%(unit)s apologizes for the delay; new appointment %(due)s.")
            % {"unit": unit, "due": _moment(changes.get("due_at"))}
        ),
        "stop": lambda: _("Processing stopped: %(reason)s") % {"reason": payload.get("reason", "")},
        "withdraw": lambda: _("Withdrawn at your request."),
        "finish": lambda: _("The result is ready."),
        "carry_result": lambda: _("The result is on its way to the return point."),
        "return_result": lambda: _("The result was handed over."),
        "hand_to_post": lambda: (
            _("The result was handed to the post, shipment number %(number)s.")
            % {"number": payload.get("shipment_number", "")}
        ),
        "post_delivered": lambda: (
            _("The post delivered the result at %(at)s.") % {"at": _moment(payload.get("delivered_at"))}
        ),
        "post_returned_to_sender": lambda: (
            _("The post could not deliver the result and brought it back to %(unit)s.") % {"unit": unit}
        ),
    }
    sentence = sentences.get(event.action)
    return sentence() if sentence else text.pick(*record.labels)
