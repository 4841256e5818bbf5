"""The parameters of lifecycle actions, as the API and the desk's forms both validate them (each
action's record in lifecycle.py names its schema). Strict: unknown fields are refused, strings are
bounded by their columns and may not contain NUL."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict, Field

from motcua.inputs import Text

# Appointments must stay within a sane range: far-off years overflow time-zone arithmetic.
Moment = Annotated[
    AwareDatetime,
    AfterValidator(lambda v: v if 2000 <= v.year <= 2100 else _raise("must lie within 2000-2100")),
]


def _raise(message: str):
    raise ValueError(message)


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class PaperIn(Strict):
    component: Annotated[str, Text(40, 1)]
    form: Annotated[str, Text(20)] = ""
    quantity: int = Field(1, ge=1, le=999, strict=True)
    reused: bool = False
    digitized: bool = False


def _distinct_components(papers: list[PaperIn]) -> list[PaperIn]:
    codes = [p.component for p in papers]
    repeated = sorted({c for c in codes if codes.count(c) > 1})
    if repeated:
        raise ValueError(f"each component once: {', '.join(repeated)} appear(s) more than once")
    return papers


Papers = Annotated[list[PaperIn], Field(max_length=100), AfterValidator(_distinct_components)]


class MissingIn(Strict):
    code: Annotated[str, Text(40, 1)]
    name_vi: Annotated[str, Text(300)] = ""
    name_en: Annotated[str, Text(300)] = ""
    note: Annotated[str, Text(500)] = ""


class NoteParams(Strict):
    note: Annotated[str, Text(2000)] = ""


class ReasonParams(Strict):
    reason: Annotated[str, Text(2000, 1)]
    note: Annotated[str, Text(2000)] = ""


class SupplementParams(Strict):
    missing: list[MissingIn] = Field(default_factory=list, max_length=100)
    reason: Annotated[str, Text(2000)] = ""
    note: Annotated[str, Text(2000)] = ""


class SupplementReceivedParams(Strict):
    papers: Papers = Field(default_factory=list)  # what the applicant brought (intake supplement)
    note: Annotated[str, Text(2000)] = ""
    # at a counter not involved in the dossier: the applicant's ID number, shown with the code (never
    # recorded in the event)
    applicant_id_number: Annotated[str, Text(20)] = ""


class AssignParams(Strict):
    assignee: Annotated[str, Text(150, 1)] | Annotated[int, Field(ge=1, le=2**62)]
    note: Annotated[str, Text(2000)] = ""


class ApologyParams(Strict):
    reason: Annotated[str, Text(2000, 1)]
    new_due_at: Moment


class PaymentRequestParams(Strict):
    amount_vnd: int | None = Field(None, ge=0, le=10**15)
    note: Annotated[str, Text(2000)] = ""


class PaymentParams(Strict):
    online: bool = False
    receipt: Annotated[str, Text(200)] = ""
    note: Annotated[str, Text(2000)] = ""


class FinishParams(Strict):
    result_papers: list[Annotated[str, Text(200)]] = Field(default_factory=list, max_length=50)
    note: Annotated[str, Text(2000)] = ""


class ReturnResultParams(Strict):
    receiver: Annotated[str, Text(200)] = ""
    note: Annotated[str, Text(2000)] = ""


class FeeParams(Strict):
    """A fee collected at the counter (empty amount: what the procedure's fees leave to pay)."""

    amount_vnd: int | None = Field(None, ge=0, le=10**15)
    receipt_number: Annotated[str, Text(40, 1)]
    note: Annotated[str, Text(2000)] = ""


class RefundParams(Strict):
    """A fee refunded (empty amount: all that was collected and not refunded yet)."""

    amount_vnd: int | None = Field(None, ge=0, le=10**15)
    receipt_number: Annotated[str, Text(40, 1)]
    reason: Annotated[str, Text(2000, 1)]


class AttachParams(Strict):
    component: Annotated[str, Text(40, 1)]
    note: Annotated[str, Text(2000)] = ""


class AnswerOnlineParams(Strict):
    papers: list[Annotated[str, Text(40, 1)]] = Field(default_factory=list, max_length=100)
    note: Annotated[str, Text(2000)] = ""


class IssueResultParams(Strict):
    title: Annotated[str, Text(300)] = ""
    note: Annotated[str, Text(2000)] = ""


class FormParams(Strict):
    form: Annotated[str, Text(8, 1)]
    note: Annotated[str, Text(2000)] = ""


class RatingParams(Strict):
    score: int = Field(ge=0, le=100)
    comment: Annotated[str, Text(1000)] = ""
    note: Annotated[str, Text(2000)] = ""


class ShipmentParams(Strict):
    """A result handed to the post: the shipment number on the postal label (post.SHIPMENT_NUMBER)."""

    shipment_number: Annotated[str, Text(40, 1)]
    note: Annotated[str, Text(2000)] = ""


class DeliveredParams(Strict):
    delivered_at: Moment | None = None  # when the postman delivered it (empty: now)
    receiver: Annotated[str, Text(200)] = ""  # who signed for it
    note: Annotated[str, Text(2000)] = ""


class ReturnedToSenderParams(Strict):
    returned_at: Moment | None = None  # when it came back to the unit (empty: now)
    reason: Annotated[str, Text(2000)] = ""
    note: Annotated[str, Text(2000)] = ""
