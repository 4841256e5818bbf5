"""The one transition table of the dossier lifecycle: (status, action) → target status, who may do it,
where they must hold the role, and the guard that must hold. Services, the API and the pages all read
this table; nothing else decides what is allowed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from motcua.network.models import Role

from .models import Status

NOT_CREATED = 0  # the "status" of a dossier that does not exist yet (intake, online submission)


class Action(StrEnum):
    SUBMIT_ONLINE = "submit_online"
    RECEIVE = "receive"
    REFUSE = "refuse"
    REQUEST_SUPPLEMENT = "request_supplement"
    SUPPLEMENT_RECEIVED = "supplement_received"
    ASSIGN = "assign"
    COMPLETE_STEP = "complete_step"
    RETURN_STEP = "return_step"
    REQUEST_PAYMENT = "request_payment"
    PAYMENT_RECEIVED = "payment_received"
    APOLOGIZE = "apologize"
    STOP = "stop"
    WITHDRAW = "withdraw"
    FINISH = "finish"
    CARRY_RESULT = "carry_result"
    RETURN_RESULT = "return_result"
    SEND_ORIGINALS = "send_originals"
    RECEIVE_ORIGINALS = "receive_originals"
    MARK_DUE_SOON = "mark_due_soon"
    MARK_LATE = "mark_late"
    REISSUE_PIN = "reissue_pin"


ACTION_LABELS: dict[Action, tuple[str, str]] = {
    Action.SUBMIT_ONLINE: ("Nộp trực tuyến", "Submit online"),
    Action.RECEIVE: ("Tiếp nhận", "Receive"),
    Action.REFUSE: ("Từ chối tiếp nhận", "Refuse"),
    Action.REQUEST_SUPPLEMENT: ("Yêu cầu bổ sung", "Request a supplement"),
    Action.SUPPLEMENT_RECEIVED: ("Nhận hồ sơ bổ sung", "Supplement received"),
    Action.ASSIGN: ("Phân công", "Assign"),
    Action.COMPLETE_STEP: ("Hoàn thành bước, chuyển tiếp", "Complete the step and hand over"),
    Action.RETURN_STEP: ("Trả lại bước trước", "Send back to the previous step"),
    Action.REQUEST_PAYMENT: ("Yêu cầu nộp phí, nghĩa vụ tài chính", "Request payment"),
    Action.PAYMENT_RECEIVED: ("Đã nộp phí", "Payment received"),
    Action.APOLOGIZE: ("Xin lỗi và hẹn lại", "Apologize with a new appointment"),
    Action.STOP: ("Dừng xử lý", "Stop processing"),
    Action.WITHDRAW: ("Rút hồ sơ theo yêu cầu", "Withdraw at the applicant's request"),
    Action.FINISH: ("Có kết quả", "Result ready"),
    Action.CARRY_RESULT: ("Chuyển kết quả đến nơi trả", "Carry the result to the return point"),
    Action.RETURN_RESULT: ("Trả kết quả", "Return the result"),
    Action.SEND_ORIGINALS: ("Gửi bản gốc", "Send the paper originals"),
    Action.RECEIVE_ORIGINALS: ("Nhận bản gốc", "Receive the paper originals"),
    Action.MARK_DUE_SOON: ("Sắp đến hạn", "Due soon"),
    Action.MARK_LATE: ("Quá hạn", "Late"),
    Action.REISSUE_PIN: ("Cấp lại mã tra cứu (PIN)", "Issue a new tracking PIN"),
}


class Place(StrEnum):
    """Where the actor must hold one of the allowed roles."""

    RECEIVING = "receiving"  # the unit that received (or will receive) the dossier
    CURRENT = "current"  # the unit performing the current step
    RETURN = "return"  # the return point chosen by the applicant
    INVOLVED = "involved"  # any unit of the dossier: receiving, current, competent, return, a step's unit
    ORIGINALS_FROM = "originals_from"  # the unit the paper originals waiting to be sent leave from
    ORIGINALS_TO = "originals_to"  # the unit the paper originals on their way go to
    APPLICANT = "applicant"  # the applicant, identified by the dossier code and its secret
    SYSTEM = "system"  # the overdue watch


SAME = -1  # the status does not change
RESUME = -2  # back to the status the dossier had before it was paused


@dataclass(frozen=True)
class Transition:
    target: int
    roles: frozenset[str]
    places: tuple[Place, ...]
    guard: str | None = None  # name of a guard in dossiers.guards


DESK = frozenset({Role.COUNTER, Role.POSTAL})
PROCESSORS = frozenset({Role.SPECIALIST, Role.LEADER})
LEADERS = frozenset({Role.LEADER})
STEP_ROLE = frozenset({"@step"})  # the current step's role, or a leader of the step's unit
NOBODY = frozenset[str]()
IN_HAND = (Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.AWAITING_PAYMENT)


def _rows() -> dict[tuple[int, Action], Transition]:
    table: dict[tuple[int, Action], Transition] = {}

    def allow(sources, action: Action, target: int, roles, places, guard: str | None = None) -> None:
        for source in sources if isinstance(sources, tuple) else (sources,):
            table[(int(source), action)] = Transition(int(target), frozenset(roles), tuple(places), guard)

    allow(NOT_CREATED, Action.SUBMIT_ONLINE, Status.NEW, DESK, (Place.APPLICANT, Place.RECEIVING))
    allow(
        (NOT_CREATED, Status.NEW),
        Action.RECEIVE,
        Status.RECEIVED,
        DESK,
        (Place.RECEIVING,),
        "checklist_complete",
    )
    allow((NOT_CREATED, Status.NEW), Action.REFUSE, Status.REFUSED, DESK, (Place.RECEIVING,), "has_reason")
    allow(
        (NOT_CREATED, Status.NEW),
        Action.REQUEST_SUPPLEMENT,
        Status.SUPPLEMENT,
        DESK,
        (Place.RECEIVING,),
        "names_missing_papers",
    )
    allow(
        Status.PROCESSING,
        Action.REQUEST_SUPPLEMENT,
        Status.SUPPLEMENT,
        PROCESSORS,
        (Place.CURRENT,),
        "names_missing_papers",
    )
    allow(
        Status.SUPPLEMENT,
        Action.SUPPLEMENT_RECEIVED,
        RESUME,
        DESK | PROCESSORS,
        (Place.INVOLVED, Place.APPLICANT),
        "supplied_papers_complete",
    )
    allow(
        (Status.RECEIVED, Status.PROCESSING),
        Action.ASSIGN,
        SAME,
        PROCESSORS | DESK,
        (Place.CURRENT,),
        "assignee_works_there",
    )
    allow(
        (Status.RECEIVED, Status.PROCESSING),
        Action.COMPLETE_STEP,
        Status.PROCESSING,
        STEP_ROLE,
        (Place.CURRENT,),
        "next_step_is_processing",
    )
    allow(
        Status.PROCESSING,
        Action.RETURN_STEP,
        Status.PROCESSING,
        PROCESSORS,
        (Place.CURRENT,),
        "has_previous_processing_step",
    )
    allow(
        (Status.RECEIVED, Status.PROCESSING),
        Action.REQUEST_PAYMENT,
        Status.AWAITING_PAYMENT,
        PROCESSORS | DESK,
        (Place.CURRENT,),
        "has_amount",
    )
    allow(Status.AWAITING_PAYMENT, Action.PAYMENT_RECEIVED, RESUME, DESK | PROCESSORS, (Place.INVOLVED,))
    # A dossier paused for a supplement is nobody's delay: the watch leaves it until the supplement comes
    # in. A finished dossier was judged on time or late when its result was ready (Index 766: finished by
    # the appointment); the watch leaves it too.
    clock_running = tuple(s for s in IN_HAND if s != Status.SUPPLEMENT)
    # An apology promises a date while the clock runs: during a pause the due time is not known yet (the
    # resumption moves it), so a Form 04 issued then would name a date that does not hold.
    allow(clock_running, Action.APOLOGIZE, SAME, PROCESSORS, (Place.CURRENT,), "before_due_and_later_date")
    allow(IN_HAND, Action.STOP, Status.STOPPED, LEADERS, (Place.CURRENT,), "has_reason")
    allow(
        (Status.NEW, *IN_HAND),
        Action.WITHDRAW,
        Status.WITHDRAWN,
        DESK | PROCESSORS,
        (Place.INVOLVED, Place.APPLICANT),
        "has_reason",
    )
    allow(  # from RECEIVED too: a template may have no processing step after reception
        (Status.RECEIVED, Status.PROCESSING),
        Action.FINISH,
        Status.FINISHED,
        STEP_ROLE,
        (Place.CURRENT,),
        "last_processing_step",
    )
    allow(
        Status.FINISHED,
        Action.CARRY_RESULT,
        SAME,
        DESK | PROCESSORS,
        (Place.CURRENT,),
        "result_not_at_return_point",
    )
    allow(
        Status.FINISHED,
        Action.RETURN_RESULT,
        Status.RETURNED,
        DESK,
        (Place.RETURN,),
        "result_at_return_point",
    )
    allow(
        (*IN_HAND, Status.FINISHED),
        Action.SEND_ORIGINALS,
        SAME,
        DESK,
        (Place.ORIGINALS_FROM,),
        "originals_to_send",
    )
    allow(
        (*IN_HAND, Status.FINISHED),
        Action.RECEIVE_ORIGINALS,
        SAME,
        DESK | PROCESSORS,
        (Place.ORIGINALS_TO,),
        "originals_in_transit",
    )
    allow(clock_running, Action.MARK_DUE_SOON, SAME, NOBODY, (Place.SYSTEM,))
    allow(clock_running, Action.MARK_LATE, SAME, NOBODY, (Place.SYSTEM,))
    # the applicant of an open dossier lost the receipt: a counter of one of its units, having checked
    # their identity papers, prints a new PIN; the old one stops working
    allow((Status.NEW, *IN_HAND, Status.FINISHED), Action.REISSUE_PIN, SAME, DESK, (Place.INVOLVED,))
    return table


TRANSITIONS: dict[tuple[int, Action], Transition] = _rows()


def transition_for(status: int, action: Action) -> Transition | None:
    return TRANSITIONS.get((int(status), action))


def actions_from(status: int) -> list[Action]:
    """The actions the table allows from a status (before roles and guards)."""
    return [action for (source, action) in TRANSITIONS if source == int(status)]


def resolve_target(transition: Transition, status: int, resume_status: int | None) -> int:
    if transition.target == SAME:
        return status
    if transition.target == RESUME:
        return int(resume_status or status)
    return transition.target


GuardFunction = Callable[..., "tuple[str, str] | None"]
