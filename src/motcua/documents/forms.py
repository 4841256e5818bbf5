"""The forms of Circular 01/2018/TT-VPCP a dossier has issued, to be signed by the officer who issued
them: the intake slip (Form 01 receipt, 02 supplement request or 03 refusal, as the desk prints it now),
each apology (Form 04) and the control slip (Form 06). Who issued a form is read from the dossier's
events; this module is that rule's one home (the desk's printed slips name their signer through it too),
and SIGNABLE_FORMS is the one list of the forms a dossier signs. Form 05, the log book, is the receiving
unit's register of every dossier it received, not a paper of one dossier: it is not on the list."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from motcua.desk import later_slips, receipts
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent, Handover, Status


@dataclass(frozen=True)
class IssuedForm:
    key: str  # "01", "02", "03", "04-1", "04-2"..., "06"
    number: str  # the circular's form number
    title: str
    event: DossierEvent | None  # the event that issued it: its actor signs it

    @property
    def heading(self) -> str:
        return f"Mẫu số {self.number}: {self.title}"

    def issued_by(self, user) -> bool:
        """Whether this user is the officer who signs the form."""
        return self.event is not None and self.event.actor_id is not None and self.event.actor_id == user.pk

    def only_issuer_reason(self, who: str) -> tuple[str, str]:
        if self.number == CONTROL_SLIP:
            return (
                f"Phiếu kiểm soát do người giao, nhận hồ sơ gần nhất ({who}) ký; chỉ người đó ký số phiếu lúc này.",
                f"The control slip is signed by the officer of its latest entry ({who}); only they may sign it now.",
            )
        return (
            f"Mẫu số {self.number} do {who} lập; chỉ người lập phiếu ký số phiếu.",
            f"Form {self.number} was issued by {who}; only they may sign it.",
        )


CONTROL_SLIP = "06"


def slip_event(dossier: Dossier, events: list[DossierEvent] | None = None) -> DossierEvent | None:
    """The event that issued the dossier's intake slip: the intake itself, or for a supplement asked by
    another unit than the receiving one (Form 02 during processing), that request."""
    events = list(dossier.events.all()) if events is None else events
    signer = events[0] if events else None
    slip = receipts.slip_for(dossier)
    if receipts.issuing_unit(dossier, slip).pk != dossier.receiving_unit_id:
        signer = next((e for e in reversed(events) if e.action == Action.REQUEST_SUPPLEMENT), signer)
    return signer


def handover_event(handover: Handover, events: list[DossierEvent]) -> DossierEvent | None:
    """The event that recorded a hand-over: the same officer at the same moment (a hand-over is a row the
    action adds, stamped with the action's time)."""
    return next(
        (e for e in reversed(events) if e.at == handover.at and e.actor_id == handover.from_user_id), None
    )


def _intake_slip(dossier: Dossier, events: list[DossierEvent]) -> list[IssuedForm]:
    slip = receipts.slip_for(dossier)
    return [IssuedForm(slip.number, slip.number, slip.title, slip_event(dossier, events))]


def _apologies(dossier: Dossier, events: list[DossierEvent]) -> list[IssuedForm]:
    apologized = [e for e in events if e.action == Action.APOLOGIZE]
    return [
        IssuedForm(
            f"04-{n}", "04", later_slips.APOLOGY_TITLE, apologized[n - 1] if len(apologized) >= n else None
        )
        for n, _apology in enumerate(dossier.apologies.all(), start=1)
    ]


def _control_slip(dossier: Dossier, events: list[DossierEvent]) -> list[IssuedForm]:
    """Form 06 of a received dossier: opened by the officer who received it, then brought up to date by
    each hand-over, whose officer signs the slip as it stands after it (a new signed version each time)."""
    if dossier.received_at is None or dossier.status == Status.REFUSED:
        return []
    handovers = list(dossier.handovers.all())
    if handovers:
        event = handover_event(handovers[-1], events)
    else:
        event = next((e for e in events if "received_at" in (e.changes or {})), None)  # the clock started
    return [IssuedForm(CONTROL_SLIP, CONTROL_SLIP, later_slips.CONTROL_TITLE, event)]


def _apology_pdf(dossier: Dossier, form: IssuedForm, signer: str, tracking_url: str) -> bytes:
    apology = list(dossier.apologies.all())[int(form.key.split("-")[1]) - 1]
    return later_slips.apology_pdf(dossier, apology, signer=signer)


def _intake_slip_pdf(dossier: Dossier, form: IssuedForm, signer: str, tracking_url: str) -> bytes:
    # without the PIN: only the applicant's paper slip has it
    return receipts.render(dossier, tracking_url=tracking_url, pin=None, officer=signer)


def _control_slip_pdf(dossier: Dossier, form: IssuedForm, signer: str, tracking_url: str) -> bytes:
    return later_slips.control_slip_pdf(dossier, signer=signer)


@dataclass(frozen=True)
class SignableForm:
    numbers: tuple[str, ...]
    issued: Callable[[Dossier, list[DossierEvent]], list[IssuedForm]]
    render: Callable[[Dossier, IssuedForm, str, str], bytes]


# The forms a dossier signs (the sign_form action), in the order the documents page lists them.
SIGNABLE_FORMS = (
    SignableForm(("01", "02", "03"), _intake_slip, _intake_slip_pdf),
    SignableForm(("04",), _apologies, _apology_pdf),
    SignableForm((CONTROL_SLIP,), _control_slip, _control_slip_pdf),
)


def issued_forms(dossier: Dossier) -> list[IssuedForm]:
    """The forms the dossier has issued (dossier from selectors.dossier_detail)."""
    events = list(dossier.events.all())
    if not events:
        return []
    return [form for kind in SIGNABLE_FORMS for form in kind.issued(dossier, events)]


def control_slip(dossier: Dossier) -> IssuedForm | None:
    """The dossier's Form 06 and who signs it now, or None before the dossier was received."""
    return next((f for f in issued_forms(dossier) if f.number == CONTROL_SLIP), None)


def render(dossier: Dossier, form: IssuedForm, *, tracking_url: str, signer: str) -> bytes:
    """The form's PDF as the desk prints it."""
    kind = next(k for k in SIGNABLE_FORMS if form.number in k.numbers)
    return kind.render(dossier, form, signer, tracking_url)
