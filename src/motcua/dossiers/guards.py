"""The guards named in the transition table: each returns None when the action may go ahead, or the
reason it may not, in Vietnamese and English."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.dateparse import parse_datetime

from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import published_version
from motcua.errors import Problem, ValidationFailed
from motcua.network.models import RoleAssignment

from . import memo, rows
from .models import Dossier, DossierPaper, PaperMovement, SupplementRequest

Reason = tuple[str, str] | None


def _missing_on_file(dossier: Dossier) -> list[str]:
    components = version_components(dossier)
    on_file = {p.component_id for p in rows.fetch("papers_of_dossier", _papers_of_dossier, [dossier.pk])}
    # The services file papers of the dossier's own version only (intake and supplements check it).
    return [c.code for c in components if c.required and c.pk not in on_file]


def _papers_of_dossier():
    return DossierPaper.objects.filter(dossier_id=0).order_by()


def checklist_complete(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    missing = (
        params.get("missing") if dossier.pk is None else [{"code": c} for c in _missing_on_file(dossier)]
    )
    if missing:
        codes = ", ".join(m["code"] for m in missing)
        return (
            f"Thiếu thành phần bắt buộc: {codes}; hãy lập phiếu yêu cầu bổ sung.",
            f"Required papers are missing: {codes}; issue a supplement request instead.",
        )
    return None


def has_reason(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if not str(params.get("reason", "")).strip():
        return "Cần ghi rõ lý do.", "A reason is required."
    return None


def payment_amount(dossier: Dossier, params: dict[str, Any]) -> int | None:
    """The amount a payment request asks for: the one given (a whole number, also as text from a
    page), else the procedure's fees; None when what was given is not a whole number >= 0."""
    given = params.get("amount_vnd")
    if given is None or given == "":
        return dossier.fee_total_vnd
    try:
        amount = int(str(given).strip())
    except ValueError:
        return None
    return amount if amount >= 0 else None


def has_amount(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    """A payment request names what is owed: the amount given, else the procedure's fees."""
    amount = payment_amount(dossier, params)
    if amount is None or amount == 0:
        no_fee = not dossier.fee_total_vnd
        return (
            "Số tiền phải nộp (amount_vnd) phải là số nguyên lớn hơn 0 đồng"
            + (" (thủ tục này không quy định phí, lệ phí)." if no_fee else "."),
            "The amount to pay (amount_vnd) must be a whole number of dong, more than 0"
            + (" (this procedure has no set fee)." if no_fee else "."),
        )
    return None


def names_missing_papers(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    missing = params.get("missing") or []
    if not missing and not str(params.get("reason", "")).strip():
        return (
            "Phiếu yêu cầu bổ sung phải nêu rõ giấy tờ còn thiếu.",
            "A supplement request must list exactly what is missing.",
        )
    if dossier.pk is None:  # at intake the service names the missing papers from the checklist
        return None
    known = {c.code for c in version_components(dossier)}
    unknown = sorted({str(m.get("code", "")) for m in missing} - known)
    if unknown:
        codes = ", ".join(unknown)
        return (
            f"Không có thành phần hồ sơ {codes} trong thủ tục của hồ sơ này.",
            f"No component {codes} in this dossier's procedure.",
        )
    return None


def version_of(dossier: Dossier) -> ProcedureVersion:
    """The dossier's version from the reference memo (immutable once used), kept on the dossier."""
    cached = Dossier.procedure_version.field.get_cached_value(dossier, None)
    if cached is None:
        version_id = dossier.procedure_version_id
        cached = memo.remembered(("published_version", version_id), lambda: published_version(version_id))
        Dossier.procedure_version.field.set_cached_value(dossier, cached)
    return cached


def version_components(dossier: Dossier) -> list:
    """The components of the dossier's procedure version."""
    return list(version_of(dossier).components.all())


def supplements_of(dossier: Dossier, params: dict[str, Any]) -> list:
    """The dossier's supplement requests in request order; noted in params, so the guard and the
    handler read them once."""
    if "_supplements" not in params:
        kept = rows.prefetched(dossier, _SUPPLEMENTS_CACHE)
        params["_supplements"] = (
            kept
            if kept is not None
            else rows.fetch("supplements_of_dossier", _supplements_of_dossier, [dossier.pk])
        )
    return params["_supplements"]


_SUPPLEMENTS_CACHE = SupplementRequest.dossier.field.remote_field.cache_name  # "supplements"


def _supplements_of_dossier():  # the model's order (requested_at within the dossier), ties by id
    return SupplementRequest.objects.filter(dossier_id=0).order_by("requested_at", "id")


def supplied_papers_complete(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    """An intake supplement ends in reception: the papers on file and those brought now must
    complete the checklist. (A supplement during processing has no checklist to complete.)"""
    request = next((s for s in reversed(supplements_of(dossier, params)) if s.completed_at is None), None)
    if request is None or not request.at_intake:
        return None
    given = {p["component"] if isinstance(p, dict) else p.component for p in params.get("papers") or []}
    missing = [code for code in _missing_on_file(dossier) if code not in given]
    if missing:
        names = {c.code: c for c in version_components(dossier)}
        vi = ", ".join(f"{names[code].name_vi} ({code})" for code in missing)
        en = ", ".join(f"{names[code].name_en or names[code].name_vi} ({code})" for code in missing)
        return (
            f"Vẫn thiếu thành phần bắt buộc: {vi}; hãy đánh dấu các giấy tờ đã bổ sung.",
            f"Required papers are still missing: {en}; tick the papers supplied.",
        )
    return None


_MOVEMENTS_CACHE = PaperMovement.dossier.field.remote_field.cache_name  # "paper_movements"


def paper_movements(dossier: Dossier) -> list[PaperMovement]:
    """The dossier's paper-original movements, oldest first, read once: those a selector prefetched,
    else one precompiled statement whose rows are kept on the instance as a prefetch would keep them
    (a service call's dossier is read afresh by the call; its handlers change these same rows)."""
    kept = rows.prefetched(dossier, _MOVEMENTS_CACHE)
    if kept is not None:
        return kept
    movements = rows.fetch("paper_movements_of_dossier", _movements_of_dossier, [dossier.pk])
    for movement in movements:
        PaperMovement.dossier.field.set_cached_value(movement, dossier)
    rows.keep_prefetched(dossier, _MOVEMENTS_CACHE, movements)
    return list(movements)


def _movements_of_dossier():  # the model's order (created_at within the dossier), ties by id
    return PaperMovement.objects.filter(dossier_id=0).order_by("created_at", "id")


def forget_paper_movements(dossier: Dossier) -> None:
    """After a movement is added: the next paper_movements() reads them again."""
    rows.forget_prefetched(dossier, _MOVEMENTS_CACHE)


def assignee_id(params: dict[str, Any]) -> int:
    """The assignee's user id; noted in params, so the guard and the handler look it up once."""
    if "_assignee_id" not in params:
        params["_assignee_id"] = _find_assignee(params.get("assignee"))
    return params["_assignee_id"]


def _find_assignee(value: Any) -> int:
    users = get_user_model().objects.values_list("pk", flat=True)
    user = users.filter(username=value).first() if isinstance(value, str) else None
    if user is None and isinstance(value, int):
        user = users.filter(pk=value).first()
    if user is None:
        raise ValidationFailed(
            message_vi=f"Không có cán bộ '{value}'.",
            message_en=f"No staff member '{value}'.",
            code="unknown_assignee",
        )
    return user


def assignee_works_there(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    value = params.get("assignee")
    given_id = "_assignee_id" not in params and type(value) is int
    user_id = value if given_id else assignee_id(params)
    roles = rows.fetch("roles_of_user", _roles_of_user, [user_id])
    if any(r.unit_id == dossier.current_unit_id for r in roles):
        params["_assignee_id"] = user_id  # roles are of existing users (a key): no look-up of the user
        return None
    if given_id:
        assignee_id(params)  # an id of nobody is its own error (unknown_assignee)
    return (
        "Người được phân công không thuộc đơn vị đang xử lý hồ sơ.",
        "The assignee does not work at the unit handling the dossier.",
    )


def _roles_of_user():
    return RoleAssignment.objects.filter(user_id=0).order_by()


def _following_step(dossier: Dossier):
    # dossier.steps.all() is in step order and uses the steps the service prefetched
    return next((s for s in dossier.steps.all() if s.order > (dossier.current_step_order or 0)), None)


def next_step_is_processing(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    following = _following_step(dossier)
    if following is None or following.is_return:
        return (
            "Đây là bước xử lý cuối: hãy dùng 'Có kết quả'.",
            "This is the last processing step: use 'finish' (result ready).",
        )
    return None


def last_processing_step(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    following = _following_step(dossier)
    if following is not None and not following.is_return:
        return (
            "Hồ sơ còn bước xử lý tiếp theo; chưa thể có kết quả.",
            "Processing steps remain; the result cannot be ready yet.",
        )
    return None


def has_previous_processing_step(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if not any(s.order < (dossier.current_step_order or 0) for s in dossier.steps.all()):
        return "Không có bước trước để trả lại.", "There is no previous step to send the dossier back to."
    return has_reason(dossier, now, params)


def new_due(params: dict[str, Any]) -> datetime:
    value = params.get("new_due_at")
    parsed = value if isinstance(value, datetime) else parse_datetime(str(value or ""))
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed(
            message_vi="new_due_at phải là thời điểm ISO 8601 có múi giờ.",
            message_en="new_due_at must be an ISO 8601 time with a zone.",
            code="invalid_date",
        )
    return parsed


def before_due_and_later_date(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if dossier.due_at is None or now >= dossier.due_at:
        return (
            "Chỉ được xin lỗi và hẹn lại trước khi hết hạn.",
            "An apology with a new appointment must be issued before the due time passes.",
        )
    if new_due(params) <= dossier.due_at:
        return "Ngày hẹn mới phải sau ngày hẹn cũ.", "The new appointment must be later than the current one."
    return has_reason(dossier, now, params)


def result_at_return_point(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if not dossier.result_at_return_point:
        return (
            "Kết quả chưa được chuyển đến nơi trả kết quả.",
            "The result has not reached the return point yet.",
        )
    return None


def result_not_at_return_point(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if dossier.result_at_return_point:
        return "Kết quả đã ở nơi trả kết quả.", "The result is already at the return point."
    return None


def originals_to_send(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if not any(m.waiting_to_be_sent for m in paper_movements(dossier)):
        return "Không có bản gốc nào chờ gửi.", "No paper originals are waiting to be sent."
    return None


def originals_in_transit(dossier: Dossier, now: datetime, params: dict[str, Any], **_) -> Reason:
    if not any(m.in_transit for m in paper_movements(dossier)):
        return "Không có bản gốc nào đang chuyển.", "No paper originals are on their way."
    return None


GUARDS: dict[str, Callable[..., Reason]] = {
    name: function
    for name, function in globals().items()
    if callable(function)
    and name
    in {
        "checklist_complete",
        "supplied_papers_complete",
        "has_reason",
        "has_amount",
        "names_missing_papers",
        "assignee_works_there",
        "next_step_is_processing",
        "last_processing_step",
        "has_previous_processing_step",
        "before_due_and_later_date",
        "result_at_return_point",
        "result_not_at_return_point",
        "originals_to_send",
        "originals_in_transit",
    }
}


# the input field a guard judges, so that its reason shows next to that field (pages) and names it (API)
GUARD_FIELDS = {
    "has_reason": "reason",
    "has_amount": "amount_vnd",
    "names_missing_papers": "missing",
    "supplied_papers_complete": "papers",
    "assignee_works_there": "assignee",
    "before_due_and_later_date": "new_due_at",
}


def refusal(name: str | None, reason: tuple[str, str]) -> ValidationFailed:
    """The error for a guard that does not hold, naming the field it judged when there is one."""
    field = GUARD_FIELDS.get(name or "")
    problems = [Problem(field, reason[0], reason[1])] if field else []
    return ValidationFailed(message_vi=reason[0], message_en=reason[1], code="guard", problems=problems)


def check(name: str | None, *, dossier: Dossier, now: datetime, params: dict[str, Any], actor=None) -> Reason:
    if name is None:
        return None
    return GUARDS[name](dossier, now, params, actor=actor)
