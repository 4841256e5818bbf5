"""The forms of Circular 01/2018/TT-VPCP a dossier has issued, to be signed by the officer who issued
them: the intake slip (Form 01 receipt, 02 supplement request or 03 refusal, as the desk prints it now)
and each apology (Form 04). Who issued a form is read from the dossier's events; this module is that
rule's one home (the desk's printed slips name their signer through it too)."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.desk import later_slips, receipts
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent


@dataclass(frozen=True)
class IssuedForm:
    key: str  # "01", "02", "03", "04-1", "04-2"...
    number: str  # the circular's form number
    title: str
    event: DossierEvent | None  # the event that issued it: its actor signs it

    @property
    def heading(self) -> str:
        return f"Mẫu số {self.number}: {self.title}"


def slip_event(dossier: Dossier, events: list[DossierEvent] | None = None) -> DossierEvent | None:
    """The event that issued the dossier's intake slip: the intake itself, or for a supplement asked by
    another unit than the receiving one (Form 02 during processing), that request."""
    events = list(dossier.events.all()) if events is None else events
    signer = events[0] if events else None
    slip = receipts.slip_for(dossier)
    if receipts.issuing_unit(dossier, slip).pk != dossier.receiving_unit_id:
        signer = next((e for e in reversed(events) if e.action == Action.REQUEST_SUPPLEMENT), signer)
    return signer


def issued_forms(dossier: Dossier) -> list[IssuedForm]:
    """The forms the dossier has issued (dossier from selectors.dossier_detail)."""
    events = list(dossier.events.all())
    if not events:
        return []
    slip = receipts.slip_for(dossier)
    forms = [IssuedForm(slip.number, slip.number, slip.title, slip_event(dossier, events))]
    apologized = [e for e in events if e.action == Action.APOLOGIZE]
    for number, _apology in enumerate(dossier.apologies.all(), start=1):
        event = apologized[number - 1] if len(apologized) >= number else None
        forms.append(IssuedForm(f"04-{number}", "04", later_slips.APOLOGY_TITLE, event))
    return forms


def render(dossier: Dossier, form: IssuedForm, *, tracking_url: str, signer: str) -> bytes:
    """The form's PDF as the desk prints it (without the PIN: only the applicant's paper slip has it)."""
    if form.number == "04":
        apology = list(dossier.apologies.all())[int(form.key.split("-")[1]) - 1]
        return later_slips.apology_pdf(dossier, apology, signer=signer)
    return receipts.render(dossier, tracking_url=tracking_url, pin=None, officer=signer)
