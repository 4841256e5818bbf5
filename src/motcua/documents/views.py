"""Pages of the documents app. Staff: a dossier's electronic documents (attach scans, sign them, issue
the signed result) and the permission-checked, recorded download. The public: the verification page
of a signed document (its QR code's link), where anyone may also check a PDF they hold, and the
applicant's download of an electronic result after looking the dossier up with code and PIN. Thin:
parse, call a selector or a service, render."""

from __future__ import annotations

import hashlib
from datetime import date

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.desk import log_book as form_05
from motcua.desk import selectors as desk_selectors
from motcua.desk import text
from motcua.desk.views import problem_page, staff_page
from motcua.dossiers import selectors as dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.dossiers.tracking import admit, pin_checked
from motcua.errors import MotcuaError, NotFound, Problem, ValidationFailed
from motcua.ratelimit import RateLimited, client_subject, hit

from . import forms, services, uploads, verification
from . import selectors as documents
from . import store as data_store
from .models import Document, DocumentAccess

TRACKED_SESSION_KEY = "tracked_dossiers"  # codes the applicant unlocked with their PIN this session


def _refused(request: HttpRequest, error: MotcuaError) -> HttpResponse:
    return render(
        request,
        "documents/refused.html",
        {"message": text.message(error), "problems": [text.reason(p) for p in error.problems]},
        status=error.http_status,
    )


def oversized_upload(request: HttpRequest, field: str) -> MotcuaError | None:
    handler = next(
        (h for h in request.upload_handlers if isinstance(h, uploads.SizeLimitedUploadHandler)), None
    )
    if handler and handler.oversized:
        return uploads.too_large(field, handler.oversized[0], handler.limit)
    return None


# --- staff --------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def dossier_documents(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    dossier = dossiers.dossier_detail(actor, code)
    if request.method == "POST":
        try:
            done = _post(request, actor, code)
        except MotcuaError as error:
            if error.http_status in (403, 404):
                raise
            return _page(request, actor, dossier, error=error, status=error.http_status)
        messages.success(request, done)
        return redirect("documents:dossier", code=code)
    return _page(request, actor, dossier)


def _post(request: HttpRequest, actor: Actor, code: str) -> str:
    what = request.POST.get("do", "")
    if what in ("attach", "result"):
        oversized = oversized_upload(request, "files")
        if oversized:
            raise oversized
    files = request.FILES.getlist("files")
    note = request.POST.get("note", "")[:2000]
    if what == "attach":
        component = request.POST.get("component", "")[:40]
        services.attach(actor=actor, code=code, component=component, files=files, note=note)
        return _("The scan was stored.")
    if what == "digitize":
        component = request.POST.get("component", "")[:40]
        services.digitize(actor=actor, code=code, component=component, note=note)
        return _("The scan was signed: an electronic copy certified from the original.")
    if what == "form":
        services.sign_form(actor=actor, code=code, form=request.POST.get("form", "")[:8], note=note)
        return _("The form was signed.")
    if what == "result":
        title = request.POST.get("title", "")[:300]
        services.issue_result(actor=actor, code=code, files=files, title=title, note=note)
        return _("The electronic result was signed and issued.")
    raise ValidationFailed(
        message_vi="Thao tác không hợp lệ.",
        message_en="Unknown operation.",
        problems=[Problem("do", "không hợp lệ", "unknown")],
    )


def _page(
    request, actor: Actor, dossier, error: MotcuaError | None = None, status: int = 200
) -> HttpResponse:
    now = timezone.now()
    current = list(documents.current_documents(dossier))
    by_paper = {d.paper_id: d for d in current if d.paper_id}
    papers = [(p, by_paper.get(p.pk)) for p in dossier.papers.all()]
    results = [d for d in current if d.kind == Document.Kind.RESULT]
    certificate, problem = documents.signing_certificate_of(actor.user, now)
    signed_forms = {d.form_key: d for d in current if d.kind == Document.Kind.FORM}
    issued = [(f, signed_forms.get(f.key), f.issued_by(actor.user)) for f in forms.issued_forms(dossier)]
    context = {
        "dossier": dossier,
        "papers": papers,
        "results": results,
        "forms": issued,
        "may_attach": documents.may(actor, dossier, "attach_paper", now),
        "may_digitize": documents.may(actor, dossier, "digitize_paper", now),
        "may_issue": documents.may(actor, dossier, "issue_result", now),
        "demo": any(d.certificate and d.certificate.demo for d in current),
        "max_file_mb": uploads.limits()["MAX_FILE_MB"],
        "error": text.message(error) if error else None,
        "problems": [text.reason(p) for p in error.problems] if error else [],
        "versions": documents.dossier_documents(dossier).filter(current=False),
        "my_certificate": certificate,
        "my_certificate_problem": text.pick(*problem) if problem else None,
    }
    return render(request, "documents/dossier.html", context, status=status)


@require_GET
@staff_page
def download(request: HttpRequest, actor: Actor, public_id: str) -> HttpResponse:
    """A stored file for staff who may see its dossier; every download is recorded."""
    document = documents.by_public_id(public_id)
    if document is None:
        raise NotFound(f"tài liệu {public_id}", f"document {public_id}")
    services.ensure_may_see(actor, document)
    response = _file_response(document, attachment=request.GET.get("print") != "1")
    services.record_access(document, DocumentAccess.Kind.DOWNLOAD, user=actor.user)
    return response


def _file_response(document: Document, attachment: bool) -> FileResponse:
    response = FileResponse(
        services.open_stored(document),
        content_type="application/pdf",
        as_attachment=attachment,
        filename=f"{document.belongs_to}-{document.public_id}.pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Form 05: the unit's log book -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def log_book(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A unit's log book page of one day: its rows, printed as PDF, signed by a counter officer of the
    unit (a new signed version each time), each signed version with its verification page."""
    source = request.POST if request.method == "POST" else request.GET
    units = list(desk_selectors.log_book_units(actor))
    unit_code = source.get("unit", "").strip()[:16] or (units[0].code if units else "")
    unit = next((u for u in units if u.code == unit_code), None)
    if unit is None:
        raise NotFound(f"sổ theo dõi hồ sơ của đơn vị {unit_code}", f"the log book of unit {unit_code}")
    today = timezone.localdate()
    day = _day(source.get("day", ""), today)
    context = {"units": units, "unit": unit, "day": day or today, "today": today}
    if day is None:
        context["error"] = _("Not a date (YYYY-MM-DD).")
        return render(request, "documents/log_book.html", context, status=400)
    if request.method == "POST":
        try:
            services.sign_log_book(actor=actor, unit_code=unit.code, day=day)
        except MotcuaError as error:
            if error.http_status in (403, 404):
                raise
            context["error"] = text.message(error)
            return render(request, "documents/log_book.html", context, status=error.http_status)
        messages.success(request, _("The log book page was signed."))
        return redirect(f"{request.path}?unit={unit.code}&day={day.isoformat()}")
    rows = form_05.entries(unit, day)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(form_05.render(unit, day, rows), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="so-theo-doi-{unit.code}-{day:%Y%m%d}.pdf"'
        return response
    context.update(
        rows=rows,
        pages=documents.log_book_pages(unit, day),
        may_sign=services.may_sign_log_book(actor, unit) and day <= today,
    )
    return render(request, "documents/log_book.html", context)


def _day(value: str, default):
    if not value.strip():
        return default
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# --- the public ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, public_id: str = "") -> HttpResponse:
    """What anyone may check: the document's signatures against the trust roots, signer, unit, time,
    that the stored file is unchanged; and a PDF they hold (compared with the issued one). Shows
    nothing of the dossier or the applicant."""
    document = None
    if public_id:
        document = documents.by_public_id(public_id)
        if document is None:
            return render(request, "documents/verify.html", {"not_found": True}, status=404)
    context: dict = {"document": document, "status": 200}
    if document is not None:
        try:
            data = services.read(document)
        except services.StoredFileMissing as missing:
            context["missing"], context["stored_intact"] = text.message(missing), False
        else:
            context["stored_intact"] = hashlib.sha256(data).hexdigest() == document.sha256
            # judged at the signing time this system recorded, not the one the file claims
            context["report"] = (
                verification.check(data, moment=document.signed_at) if document.signed else None
            )
        services.record_access(document, DocumentAccess.Kind.VERIFY)
    if request.method == "POST":
        _check_upload(request, document, context)
    return render(request, "documents/verify.html", context, status=context["status"])


def _check_upload(request: HttpRequest, document: Document | None, context: dict) -> None:
    try:
        hit("verify_ip", client_subject(request))
        oversized = oversized_upload(request, "file")
        if oversized:
            raise oversized
        upload = request.FILES.get("file")
        if upload is None or upload.size == 0:
            raise ValidationFailed(
                message_vi="Hãy chọn một tệp PDF.",
                message_en="Choose a PDF file.",
                problems=[Problem("file", "bắt buộc", "required")],
            )
        head = upload.read(8)
        upload.seek(0)
        if uploads.sniff(head) != uploads.PDF:
            raise uploads.refused("file", upload.name, "không phải tệp PDF", "not a PDF file", status=415)
        data = upload.read()
    except MotcuaError as error:
        context["upload_error"], context["status"] = text.message(error), error.http_status
        return
    context["upload_report"] = verification.check(data)
    if document is not None:
        context["same_as_issued"] = hashlib.sha256(data).hexdigest() == document.sha256
    else:
        context["matches"] = documents.by_sha256(hashlib.sha256(data).hexdigest())


@require_GET
def applicant_download(request: HttpRequest, public_id: str) -> HttpResponse:
    """An electronic result, for the applicant who looked their dossier up (code and PIN) in this
    session on the tracking page."""
    document = documents.by_public_id(public_id)
    tracked = request.session.get(TRACKED_SESSION_KEY, [])
    if (
        document is None
        or document.kind != Document.Kind.RESULT
        or not document.signed
        or document.dossier.code not in tracked
    ):
        return problem_page(
            request,
            NotFound(
                "kết quả này (hãy tra cứu hồ sơ bằng mã và PIN trước)",
                "This result (look the dossier up with its code and PIN first)",
            ),
        )
    try:
        response = _file_response(document, attachment=True)
    except MotcuaError as error:  # the stored file is missing
        return problem_page(request, error)
    services.record_access(document, DocumentAccess.Kind.APPLICANT)
    return response


def tracked_context(request: HttpRequest, code: str, dossier: Dossier | None = None) -> dict:
    """Called by the tracking page once code and PIN matched (or by the citizen's page of their own
    dossier, which passes it): the applicant may now, in this session, download the dossier's signed
    results and, for an online filing not received yet, attach files to its papers. The session is
    written only when this code was not already its last tracked one."""
    before = request.session.get(TRACKED_SESSION_KEY, [])
    tracked = [*[c for c in before if c != code][-9:], code]
    if tracked != before:
        request.session[TRACKED_SESSION_KEY] = tracked
    return {
        "results": list(documents.results_of(code)),
        "filing_papers": documents.filing_papers(code, dossier),
    }


@require_POST
def applicant_attach(request: HttpRequest) -> HttpResponse:
    """A file the online filer attaches from the tracking page (the dossier looked up with its PIN in
    this session), before the counter receives the filing."""
    code = request.POST.get("code", "")[:40]
    try:
        admit(client_subject(request))  # the tracking page's limit per address
        if code not in request.session.get(TRACKED_SESSION_KEY, []):
            raise NotFound(
                "hồ sơ này (hãy tra cứu bằng mã và PIN trước)",
                "This dossier (look it up with its code and PIN first)",
            )
        oversized = oversized_upload(request, "files")
        if oversized:
            raise oversized
        services.attach(
            actor=Actor.of_applicant(),
            code=code,
            component=request.POST.get("component", "")[:40],
            files=request.FILES.getlist("files"),
        )
    except MotcuaError as error:
        return _refused(request, error)
    return render(request, "documents/applicant_attached.html", {"code": code})


# --- the applicant's data store ------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def store(request: HttpRequest, actor: Actor) -> HttpResponse:
    """An applicant's store, opened at the counter with the applicant present (ID number and the PIN
    of one of their dossiers); from a dossier's documents page (?for=CODE) a stored signed paper can be
    reused for one of that dossier's papers."""
    target_code = (request.POST.get("for") or request.GET.get("for") or "")[:40]
    target = dossiers.dossier_detail(actor, target_code) if target_code else None
    context: dict = {
        "target": target,
        "id_number": (request.POST.get("id_number") or (target.applicant_id_number if target else ""))[:20],
        "code": request.POST.get("code", "")[:40],
        "status": 200,
    }
    if target is not None:
        context["reusable"] = [p for p in target.papers.all() if p.component.reusable]
    if request.method == "POST" and request.POST.get("do") == "reuse" and target is not None:
        try:
            data_store.reuse(
                actor=actor,
                code=target.code,
                component=request.POST.get("component", "")[:40],
                source=request.POST.get("source", "")[:24],
            )
        except MotcuaError as error:
            if error.http_status == 404:
                raise
            context["error"], context["status"] = text.message(error), error.http_status
        else:
            messages.success(request, _("The stored paper was reused."))
            return redirect("documents:dossier", code=target.code)
    elif request.method == "POST":
        code = context["code"].strip().upper()
        try:
            with pin_checked(code, client_subject(request)):
                context["documents"] = data_store.look_into_store(
                    actor=actor,
                    id_number=context["id_number"],
                    code=code,
                    pin=request.POST.get("pin", "")[:12],
                )
        except (NotFound, RateLimited) as error:
            context["error"], context["status"] = text.message(error), error.http_status
    return render(request, "documents/store.html", context, status=context["status"])


def verification_of(document: Document) -> dict:
    """The verification page's findings as data (the public API gives them)."""
    try:
        data = services.read(document)
    except services.StoredFileMissing:
        data = b""
    intact = bool(data) and hashlib.sha256(data).hexdigest() == document.sha256
    report = verification.check(data, moment=document.signed_at) if document.signed and data else None
    last = report.signatures[-1] if report and report.signatures else None
    services.record_access(document, DocumentAccess.Kind.VERIFY)
    return {
        "id": document.public_id,
        "kind": document.kind,
        "title": document.title,
        "signed": document.signed,
        "stored_unchanged": intact and (report is None or report.unchanged),
        "valid": bool(report and report.ok and intact),
        "signer": last.signer if last else None,
        "unit": (last.unit or None) if last else None,
        "signed_at": last.signed_at if last else None,
        "certificate_valid_at_signing": last.valid_at_signing if last else None,
        "demo_ca": bool(last and last.demo),
    }
