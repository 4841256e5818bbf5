"""The guards of the documents' lifecycle actions (attach a scan, digitize a paper, issue a result):
each names the field it judges, in Vietnamese and English."""

from __future__ import annotations

from motcua.dossiers.context import ActionContext, Reason
from motcua.dossiers.guards import guard

from .stored import StoredFile

NO_FILE = (
    "Cần tệp đính kèm: hãy dùng trang Hồ sơ điện tử của hồ sơ.",
    "A file is needed: use the dossier's electronic documents page.",
)


def paper_of(ctx: ActionContext):
    """The dossier's paper line for the component named in the parameters, or None."""
    code = str(ctx.params.get("component") or "")
    paper = next((p for p in ctx.papers if p.component.code == code), None)
    if paper is not None:
        ctx.found["paper"] = paper
    return paper


def _stored(ctx: ActionContext) -> StoredFile | None:
    files = [f for f in ctx.attachments if isinstance(f, StoredFile)]
    return files[0] if len(files) == 1 else None


def _paper_reason(ctx: ActionContext) -> Reason:
    if paper_of(ctx) is None:
        code = str(ctx.params.get("component") or "")
        return (
            f"Hồ sơ không có thành phần giấy tờ '{code}'.",
            f"The dossier has no paper '{code}' on its checklist.",
        )
    return None


@guard(field="component")
def file_for_paper(ctx: ActionContext) -> Reason:
    if _stored(ctx) is None:
        return NO_FILE
    return _paper_reason(ctx)


@guard(field="component")
def signed_scan_of_paper(ctx: ActionContext) -> Reason:
    stored = _stored(ctx)
    if stored is None or stored.certificate is None or stored.previous is None:
        return NO_FILE
    reason = _paper_reason(ctx)
    if reason:
        return reason
    if stored.previous.paper_id != ctx.found["paper"].pk or not stored.previous.current:
        return (
            "Bản quét đã thay đổi trong lúc ký; hãy ký lại.",
            "The scan changed while it was being signed; sign it again.",
        )
    return None


@guard(field="file")
def signed_result(ctx: ActionContext) -> Reason:
    stored = _stored(ctx)
    if stored is None or stored.certificate is None:
        return NO_FILE
    return None


@guard(field="form")
def signed_form(ctx: ActionContext) -> Reason:
    stored = _stored(ctx)
    if stored is None or stored.certificate is None or not stored.form_key:
        return NO_FILE
    if stored.form_key != str(ctx.params.get("form") or ""):
        return ("Mẫu phiếu không khớp với tệp đã ký.", "The form does not match the signed file.")
    return None


@guard(field="papers")
def answers_open_supplement(ctx: ActionContext) -> Reason:
    """The logged-in applicant's files, each for a paper the open supplement request asks for, once."""
    if not ctx.actor.id_number:
        return (
            "Trả lời yêu cầu bổ sung trực tuyến cần đăng nhập bằng định danh điện tử.",
            "Answering a supplement request online needs the log-in with the electronic identity.",
        )
    files = [f for f in ctx.attachments if isinstance(f, StoredFile)]
    if not files or len(files) != len(ctx.attachments):
        return NO_FILE
    request = ctx.open_supplement
    asked = {str(m.get("code")) for m in (request.missing if request else [])}
    codes = [f.component for f in files]
    wrong = sorted({c for c in codes if c not in asked or c not in ctx.components})
    if wrong:
        return (
            f"Yêu cầu bổ sung không hỏi giấy tờ {', '.join(wrong)}.",
            f"The supplement request does not ask for paper {', '.join(wrong)}.",
        )
    if len(set(codes)) != len(codes) or sorted(codes) != sorted(ctx.params.get("papers") or []):
        return ("Mỗi giấy tờ gửi đúng một tệp.", "Send exactly one file per paper named.")
    return None
