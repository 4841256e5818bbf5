"""The dossier lifecycle: one record per action. A record holds the action's label, the transitions it
may make (from which statuses, to which, by which roles, at which places, under which guard), its
handler, its parameter schema, the fields the desk's form shows, and its flags. The engine, the API,
the pages, the walk test and the demo history all read this table; nothing else decides what is
allowed. The table is checked when it is imported (register)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import SimpleNamespace
from typing import Any

from motcua.documents import guards as document_guards
from motcua.documents import handlers as document_handlers
from motcua.network.models import Role

from . import fees, guards, handlers, post, supplements
from .clock import CLOCK_RUNNING
from .context import NOT_CREATED, ActionContext, Outcome
from .guards import Guard
from .models import Status
from .params import (
    AnswerOnlineParams,
    ApologyParams,
    AssignParams,
    AttachParams,
    DeliveredParams,
    FeeParams,
    FinishParams,
    FormParams,
    IssueResultParams,
    NoteParams,
    PaymentParams,
    PaymentRequestParams,
    RatingParams,
    ReasonParams,
    RefundParams,
    ReturnedToSenderParams,
    ReturnResultParams,
    ShipmentParams,
    Strict,
    SupplementParams,
    SupplementReceivedParams,
)

__all__ = ["NOT_CREATED"]


class Place(StrEnum):
    """Where the actor must hold one of the allowed roles."""

    RECEIVING = "receiving"  # the unit that received (or will receive) the dossier
    CURRENT = "current"  # the unit performing the current step
    RETURN = "return"  # the return point chosen by the applicant
    INVOLVED = "involved"  # any unit of the dossier: receiving, current, competent, return, a step's unit
    # any center, branch or reception point of the province, for a dossier the applicant brings there
    # (they show the dossier code and their ID number): boundary-free supplements
    ANY_COUNTER = "any_counter"
    ORIGINALS_FROM = "originals_from"  # the unit the paper originals waiting to be sent leave from
    ORIGINALS_TO = "originals_to"  # the unit the paper originals on their way go to
    APPLICANT = "applicant"  # the applicant, identified by the dossier code and its secret
    SYSTEM = "system"  # the overdue watch


SAME = -1  # the status does not change
RESUME = -2  # back to the status the dossier had before it was paused

DESK = frozenset({Role.COUNTER, Role.POSTAL})
PROCESSORS = frozenset({Role.SPECIALIST, Role.LEADER})
LEADERS = frozenset({Role.LEADER})
STEP_ROLE = frozenset({"@step"})  # the current step's role, or a leader of the step's unit
NOBODY = frozenset[str]()
IN_HAND = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_PAYMENT)
INTAKE = (NOT_CREATED, Status.NEW)

Handler = Callable[[ActionContext], Outcome]


@dataclass(frozen=True)
class Transition:
    sources: tuple[int, ...]
    target: int
    roles: frozenset[str]
    places: tuple[Place, ...]
    guard: Guard | None = None


def allow(
    sources: int | Iterable[int],
    target: int,
    roles: frozenset[str],
    places: tuple[Place, ...],
    guard: Guard | None = None,
) -> Transition:
    statuses = (sources,) if isinstance(sources, int) else tuple(sources)
    return Transition(tuple(int(s) for s in statuses), int(target), frozenset(roles), places, guard)


@dataclass(frozen=True)
class ActionRecord:
    name: str
    label_vi: str
    label_en: str
    transitions: tuple[Transition, ...]
    handler: Handler
    params: type[Strict] = NoteParams
    form_fields: tuple[str, ...] = ("note",)  # what the desk's form asks for
    system: bool = False  # the watch's: never offered to a person
    ends_dossier: bool = False  # closes the dossier for good: the page asks before sending it
    shown_to_applicant: bool = True  # public tracking lists its status changes
    with_files: bool = False  # takes files: offered on the documents page, not by the generic form

    @property
    def labels(self) -> tuple[str, str]:
        return self.label_vi, self.label_en

    def transition_from(self, status: int) -> Transition | None:
        return next((t for t in self.transitions if int(status) in t.sources), None)


def _records() -> list[ActionRecord]:
    # A dossier paused for a supplement is nobody's delay: the watch leaves it until the supplement comes
    # in. An apology promises a date while the clock runs: during a pause the due time is not known yet.
    running = CLOCK_RUNNING
    return [
        ActionRecord(
            "submit_online",
            "Nộp trực tuyến",
            "Submit online",
            (allow(NOT_CREATED, Status.NEW, DESK, (Place.APPLICANT, Place.RECEIVING)),),
            handlers.submit_online,
        ),
        ActionRecord(
            "receive",
            "Tiếp nhận",
            "Receive",
            (allow(INTAKE, Status.RECEIVED, DESK, (Place.RECEIVING,), guards.checklist_complete),),
            handlers.receive,
        ),
        ActionRecord(
            "refuse",
            "Từ chối tiếp nhận",
            "Refuse",
            (allow(INTAKE, Status.REFUSED, DESK, (Place.RECEIVING,), guards.has_reason),),
            handlers.refuse,
            ReasonParams,
            ("reason",),
            ends_dossier=True,
        ),
        ActionRecord(
            "request_supplement",
            "Yêu cầu bổ sung",
            "Request a supplement",
            (
                allow(INTAKE, Status.SUPPLEMENT, DESK, (Place.RECEIVING,), guards.names_missing_papers),
                allow(
                    Status.PROCESSING,
                    Status.SUPPLEMENT,
                    PROCESSORS,
                    (Place.CURRENT,),
                    guards.names_missing_papers,
                ),
            ),
            supplements.request_supplement,
            SupplementParams,
            ("missing", "reason"),
        ),
        ActionRecord(
            "supplement_received",
            "Nhận hồ sơ bổ sung",
            "Supplement received",
            (
                allow(
                    Status.SUPPLEMENT,
                    RESUME,
                    DESK | PROCESSORS,
                    (Place.INVOLVED, Place.ANY_COUNTER, Place.APPLICANT),
                    guards.supplied_papers_complete,
                ),
            ),
            supplements.supplement_received,
            SupplementReceivedParams,
            ("papers", "note"),
        ),
        # the logged-in applicant sends the papers asked for from their own pages ("my dossiers"): the
        # dossier keeps waiting and the clock stays paused until the agency accepts them (above)
        ActionRecord(
            "answer_supplement_online",
            "Công dân gửi giấy tờ bổ sung trực tuyến",
            "Supplement papers sent online",
            (
                allow(
                    Status.SUPPLEMENT,
                    SAME,
                    NOBODY,
                    (Place.APPLICANT,),
                    document_guards.answers_open_supplement,
                ),
            ),
            document_handlers.answer_supplement_online,
            AnswerOnlineParams,
            ("papers", "note"),
            with_files=True,
        ),
        ActionRecord(
            "assign",
            "Phân công",
            "Assign",
            (
                allow(
                    (Status.RECEIVED, Status.PROCESSING),
                    SAME,
                    PROCESSORS | DESK,
                    (Place.CURRENT,),
                    guards.assignee_works_there,
                ),
            ),
            handlers.assign,
            AssignParams,
            ("assignee",),
            shown_to_applicant=False,
        ),
        ActionRecord(
            "complete_step",
            "Hoàn thành bước, chuyển tiếp",
            "Complete the step and hand over",
            (
                allow(
                    (Status.RECEIVED, Status.PROCESSING),
                    Status.PROCESSING,
                    STEP_ROLE,
                    (Place.CURRENT,),
                    guards.next_step_is_processing,
                ),
            ),
            handlers.complete_step,
        ),
        ActionRecord(
            "return_step",
            "Trả lại bước trước",
            "Send back to the previous step",
            (
                allow(
                    Status.PROCESSING,
                    Status.PROCESSING,
                    PROCESSORS,
                    (Place.CURRENT,),
                    guards.has_previous_processing_step,
                ),
            ),
            handlers.return_step,
            ReasonParams,
            ("reason",),
        ),
        ActionRecord(
            "request_payment",
            "Yêu cầu nộp phí, nghĩa vụ tài chính",
            "Request payment",
            (
                allow(
                    (Status.RECEIVED, Status.PROCESSING),
                    Status.AWAITING_PAYMENT,
                    PROCESSORS | DESK,
                    (Place.CURRENT,),
                    guards.has_amount,
                ),
            ),
            handlers.request_payment,
            PaymentRequestParams,
            ("amount_vnd",),
        ),
        ActionRecord(
            "payment_received",
            "Đã nộp phí",
            "Payment received",
            (allow(Status.AWAITING_PAYMENT, RESUME, DESK | PROCESSORS, (Place.INVOLVED,)),),
            handlers.payment_received,
            PaymentParams,
            ("online", "receipt"),
        ),
        # fees at the counter: collected with the electronic receipt's number (a dossier waiting for its
        # payment goes on), refunded where the law says so (fees.refundable: configured statuses)
        ActionRecord(
            "collect_fee",
            "Thu phí, lệ phí",
            "Collect the fee",
            (
                allow(Status.AWAITING_PAYMENT, RESUME, DESK, (Place.INVOLVED,), fees.fee_to_collect),
                allow(
                    (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.FINISHED),
                    SAME,
                    DESK,
                    (Place.INVOLVED,),
                    fees.fee_to_collect,
                ),
            ),
            fees.collect_fee,
            FeeParams,
            ("amount_vnd", "receipt_number", "note"),
        ),
        ActionRecord(
            "refund_fee",
            "Hoàn trả phí, lệ phí",
            "Refund the fee",
            (
                allow(
                    (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED),
                    SAME,
                    DESK,
                    (Place.INVOLVED,),
                    fees.refundable,
                ),
            ),
            fees.refund_fee,
            RefundParams,
            ("amount_vnd", "receipt_number", "reason"),
        ),
        ActionRecord(  # the payment gateway's signed callback (motcua.payments): the system records it
            "pay_online",
            "Đã thanh toán trực tuyến",
            "Paid online",
            (allow(Status.AWAITING_PAYMENT, RESUME, NOBODY, (Place.SYSTEM,)),),
            handlers.payment_received,
            PaymentParams,
            ("online", "receipt"),
            system=True,
        ),
        ActionRecord(
            "apologize",
            "Xin lỗi và hẹn lại",
            "Apologize with a new appointment",
            (allow(running, SAME, PROCESSORS, (Place.CURRENT,), guards.before_due_and_later_date),),
            handlers.apologize,
            ApologyParams,
            ("new_due_at", "reason"),
        ),
        ActionRecord(
            "stop",
            "Dừng xử lý",
            "Stop processing",
            (allow(IN_HAND, Status.STOPPED, LEADERS, (Place.CURRENT,), guards.has_reason),),
            handlers.close,
            ReasonParams,
            ("reason",),
            ends_dossier=True,
        ),
        ActionRecord(
            "withdraw",
            "Rút hồ sơ theo yêu cầu",
            "Withdraw at the applicant's request",
            (
                allow(
                    (Status.NEW, *IN_HAND),
                    Status.WITHDRAWN,
                    DESK | PROCESSORS,
                    (Place.INVOLVED, Place.APPLICANT),
                    guards.has_reason,
                ),
            ),
            handlers.close,
            ReasonParams,
            ("reason",),
            ends_dossier=True,
        ),
        ActionRecord(  # from RECEIVED too: a template may have no processing step after reception
            "finish",
            "Có kết quả",
            "Result ready",
            (
                allow(
                    (Status.RECEIVED, Status.PROCESSING),
                    Status.FINISHED,
                    STEP_ROLE,
                    (Place.CURRENT,),
                    guards.last_processing_step,
                ),
            ),
            handlers.finish,
            FinishParams,
        ),
        ActionRecord(
            "carry_result",
            "Chuyển kết quả đến nơi trả",
            "Carry the result to the return point",
            (
                allow(
                    Status.FINISHED,
                    SAME,
                    DESK | PROCESSORS,
                    (Place.CURRENT,),
                    guards.result_not_at_return_point,
                ),
            ),
            handlers.carry_result,
        ),
        ActionRecord(
            "return_result",
            "Trả kết quả",
            "Return the result",
            (allow(Status.FINISHED, Status.RETURNED, DESK, (Place.RETURN,), guards.result_at_return_point),),
            handlers.return_result,
            ReturnResultParams,
            ("receiver",),
        ),
        # Return by post (post.py): the result stays FINISHED while in the post; delivered, it is returned
        # at the delivery time; returned to sender, the unit may return it in person or send it again.
        ActionRecord(
            "hand_to_post",
            "Giao kết quả cho bưu điện",
            "Hand the result to the post",
            (allow(Status.FINISHED, SAME, DESK, (Place.RETURN,), post.result_waiting_for_post),),
            post.hand_to_post,
            ShipmentParams,
            ("shipment_number", "note"),
        ),
        ActionRecord(
            "post_delivered",
            "Bưu điện đã phát kết quả",
            "Delivered by the post",
            (allow(Status.FINISHED, Status.RETURNED, DESK, (Place.RETURN,), post.result_in_the_post),),
            post.post_delivered,
            DeliveredParams,
            ("delivered_at", "receiver", "note"),
        ),
        ActionRecord(
            "post_returned_to_sender",
            "Bưu điện chuyển hoàn kết quả",
            "Returned to sender by the post",
            (allow(Status.FINISHED, SAME, DESK, (Place.RETURN,), post.result_in_the_post),),
            post.post_returned_to_sender,
            ReturnedToSenderParams,
            ("returned_at", "reason", "note"),
        ),
        ActionRecord(
            "send_originals",
            "Gửi bản gốc",
            "Send the paper originals",
            (
                allow(
                    (*IN_HAND, Status.FINISHED), SAME, DESK, (Place.ORIGINALS_FROM,), guards.originals_to_send
                ),
            ),
            handlers.send_originals,
            shown_to_applicant=False,
        ),
        ActionRecord(
            "receive_originals",
            "Nhận bản gốc",
            "Receive the paper originals",
            (
                allow(
                    (*IN_HAND, Status.FINISHED),
                    SAME,
                    DESK | PROCESSORS,
                    (Place.ORIGINALS_TO,),
                    guards.originals_in_transit,
                ),
            ),
            handlers.receive_originals,
            shown_to_applicant=False,
        ),
        ActionRecord(
            "mark_due_soon",
            "Sắp đến hạn",
            "Due soon",
            (allow(running, SAME, NOBODY, (Place.SYSTEM,)),),
            handlers.mark_due_soon,
            system=True,
            shown_to_applicant=False,
        ),
        ActionRecord(
            "mark_late",
            "Quá hạn",
            "Late",
            (allow(running, SAME, NOBODY, (Place.SYSTEM,)),),
            handlers.mark_late,
            system=True,
            shown_to_applicant=False,
        ),
        # Electronic documents (motcua.documents): the files come validated and stored by its services.
        ActionRecord(
            "attach_paper",
            "Đính kèm bản quét giấy tờ",
            "Attach a scan of a paper",
            (  # the online filer too, until the counter receives the filing
                allow(
                    Status.NEW, SAME, DESK, (Place.INVOLVED, Place.APPLICANT), document_guards.file_for_paper
                ),
                allow(IN_HAND, SAME, DESK, (Place.INVOLVED,), document_guards.file_for_paper),
            ),
            document_handlers.attach_paper,
            AttachParams,
            ("component", "note"),
            shown_to_applicant=False,
            with_files=True,
        ),
        ActionRecord(  # an electronic copy certified from the original: the officer saw the original
            "digitize_paper",
            "Số hóa, ký số bản sao từ bản chính",
            "Digitize: sign the scan as certified from the original",
            (
                allow(
                    (Status.NEW, *IN_HAND),
                    SAME,
                    DESK,
                    (Place.INVOLVED,),
                    document_guards.signed_scan_of_paper,
                ),
            ),
            document_handlers.digitize_paper,
            AttachParams,
            ("component", "note"),
            shown_to_applicant=False,
            with_files=True,
        ),
        ActionRecord(
            "issue_result",
            "Ký số, ban hành kết quả điện tử",
            "Sign and issue the electronic result",
            (
                allow(
                    (Status.RECEIVED, Status.PROCESSING, Status.FINISHED),
                    SAME,
                    LEADERS,
                    (Place.INVOLVED,),
                    document_guards.signed_result,
                ),
            ),
            document_handlers.issue_result,
            IssueResultParams,
            ("title", "note"),
            with_files=True,
        ),
        # the forms of documents.forms.SIGNABLE_FORMS (01-04, 06), by the officer who issued them (closed too)
        ActionRecord(
            "sign_form",
            "Ký số phiếu đã lập",
            "Sign an issued form",
            (allow(tuple(Status), SAME, DESK | PROCESSORS, (Place.INVOLVED,), document_guards.signed_form),),
            document_handlers.sign_form,
            FormParams,
            ("form", "note"),
            shown_to_applicant=False,
            with_files=True,
        ),
        # after the result was returned: by the applicant (their pages, or the tracking page with the
        # code and PIN), or on the return desk's tablet, the counter officer's session
        ActionRecord(
            "rate",
            "Đánh giá mức độ hài lòng",
            "Rate the service",
            (allow(Status.RETURNED, SAME, DESK, (Place.APPLICANT, Place.RETURN), guards.not_rated_yet),),
            handlers.rate,
            RatingParams,
            ("score", "comment"),
        ),
        # the applicant of an open dossier lost the receipt: a counter of one of its units, having checked
        # their identity papers, prints a new PIN; the old one stops working
        ActionRecord(
            "reissue_pin",
            "Cấp lại mã tra cứu (PIN)",
            "Issue a new tracking PIN",
            (allow((Status.NEW, *IN_HAND, Status.FINISHED), SAME, DESK, (Place.INVOLVED,)),),
            handlers.reissue_pin,
            shown_to_applicant=False,
        ),
    ]


ACTIONS: dict[str, ActionRecord] = {}


def register(record: ActionRecord) -> ActionRecord:
    """Add an action to the table, checked now rather than at first use."""
    problems = _problems_of(record)
    if problems:
        raise ImproperlyDeclared(f"action {record.name!r}: " + "; ".join(problems))
    ACTIONS[record.name] = record
    return record


def unregister(name: str) -> None:
    ACTIONS.pop(name, None)


class ImproperlyDeclared(Exception):
    pass


def _problems_of(record: ActionRecord) -> list[str]:
    problems = []
    if record.name in ACTIONS:
        problems.append("declared twice")
    if not record.label_vi or not record.label_en:
        problems.append("needs a label in Vietnamese and in English")
    if not callable(record.handler):
        problems.append("has no handler")
    if not record.transitions:
        problems.append("has no transition")
    for transition in record.transitions:
        if transition.guard is not None and not isinstance(transition.guard, Guard):
            problems.append(f"guard {transition.guard!r} is not a Guard")
        if not transition.places:
            problems.append("a transition names no place")
    unknown_fields = set(record.form_fields) - set(record.params.model_fields)
    if unknown_fields:
        problems.append(f"form fields {sorted(unknown_fields)} are not parameters")
    sources = [s for t in record.transitions for s in t.sources]
    if len(sources) != len(set(sources)):
        problems.append("two transitions from one status")
    return problems


for record in _records():
    register(record)
del record

# The actions' names, for code that names one (Action.RECEIVE == "receive").
Action: Any = SimpleNamespace(**{name.upper(): name for name in ACTIONS})


def record_of(name: str) -> ActionRecord | None:
    return ACTIONS.get(str(name))


def transition_for(status: int, action: str) -> Transition | None:
    record = ACTIONS.get(str(action))
    return record.transition_from(status) if record else None


def actions_from(status: int) -> list[ActionRecord]:
    """The actions the table allows from a status (before roles and guards), in the table's order."""
    return [record for record in ACTIONS.values() if record.transition_from(status) is not None]


def sources_of(name: str) -> tuple[int, ...]:
    """The statuses an action may be taken from."""
    return tuple(sorted({s for t in ACTIONS[name].transitions for s in t.sources}))


def resolve_target(transition: Transition, status: int, resume_status: int | None) -> int:
    if transition.target == SAME:
        return status
    if transition.target == RESUME:
        return int(resume_status or status)
    return transition.target
