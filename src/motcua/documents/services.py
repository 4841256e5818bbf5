"""Every write of the documents app. Each call validates the input and checks who may act before any
expensive work, writes the file to storage, then runs its lifecycle action (one transaction, with the
dossier's event); when anything fails the file it wrote is removed, so nothing is half-written."""

from __future__ import annotations

import hashlib
import io
import secrets
from collections.abc import Iterable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone
from pypdf import PdfReader

from motcua.dossiers import engine
from motcua.dossiers.context import ActionContext
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor, authorize, ensure_visible
from motcua.dossiers.pins import pin_matches
from motcua.errors import Forbidden, MotcuaError, NotFound, Problem, ValidationFailed
from motcua.network.models import Role, Unit

from . import certificates, result_form, signing, uploads
from .models import Document, DocumentAccess
from .stored import StoredFile


def storage():
    return storages["documents"]


def new_public_id() -> str:
    return secrets.token_urlsafe(12)  # 16 characters, 96 random bits: the short link's id


def check_may(actor: Actor, code: str, action: str, now: datetime) -> Dossier:
    """Fail early, before storing or signing anything: the dossier exists, the actor may see it, the
    action is open from its status and the actor holds a role it needs. (The action checks again, under
    the dossier's lock.)"""
    record = engine.record_named(action)
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None:
        raise NotFound(f"hồ sơ {code}", f"dossier {code}")
    ctx = ActionContext(dossier, now, actor, {}, from_status=dossier.status)
    if not actor.applicant:  # the applicant proved the PIN; staff see their units' dossiers only
        ensure_visible(actor, dossier, ctx.steps)
    transition = record.transition_from(dossier.status)
    if transition is None:
        raise engine.illegal_action(dossier, record)
    authorize(actor, transition, ctx)
    return dossier


@contextmanager
def removed_on_failure(name: str):
    try:
        yield
    except BaseException:
        storage().delete(name)
        raise


def store_path(path: Path, public_id: str, now: datetime) -> str:
    with open(path, "rb") as handle:
        return storage().save(f"{now:%Y/%m}/{public_id}.pdf", File(handle))


def _store_bytes(data: bytes, public_id: str, now: datetime) -> str:
    return storage().save(f"{now:%Y/%m}/{public_id}.pdf", ContentFile(data))


class StoredFileMissing(MotcuaError):
    def __init__(self, document: Document) -> None:
        super().__init__(
            message_vi=f"Tệp lưu trữ của tài liệu {document.public_id} không còn đọc được; hãy báo quản trị "
            "(motcua verify-documents).",
            message_en=f"The stored file of document {document.public_id} cannot be read; tell the administrator "
            "(motcua verify-documents).",
            code="file_missing",
            http_status=410,
        )


def open_stored(document: Document):
    """The stored file, open for reading in chunks; StoredFileMissing (410) when storage lost it."""
    try:
        return storage().open(document.storage_name, "rb")
    except OSError:
        raise StoredFileMissing(document) from None


def read(document: Document) -> bytes:
    with open_stored(document) as handle:
        return handle.read()


def component_title(dossier: Dossier, component: str) -> str:
    paper = dossier.papers.select_related("component").filter(component__code=component).first()
    if paper is None:
        raise ValidationFailed(
            message_vi=f"Hồ sơ {dossier.code} không có thành phần giấy tờ '{component}'.",
            message_en=f"Dossier {dossier.code} has no paper '{component}' on its checklist.",
            problems=[Problem("component", "không có trong hồ sơ", "not on the dossier's checklist")],
        )
    return paper.component.name_vi


def attach(
    *, actor: Actor, code: str, component: str, files: Iterable, note: str = "", now: datetime | None = None
) -> Document:
    """A scan of one paper (a PDF, or several images joined into one PDF)."""
    now = now or timezone.now()
    dossier = check_may(actor, code, "attach_paper", now)
    title = component_title(dossier, component)
    budget = uploads.max_dossier_bytes() - stored_bytes(dossier)
    prepared = uploads.prepare(files, budget=budget)
    public_id = new_public_id()
    try:
        name = store_path(prepared.path, public_id, now)
    finally:
        prepared.discard()
    stored = StoredFile(
        public_id, name, prepared.sha256, prepared.size, prepared.pages, prepared.original_names, title
    )
    with removed_on_failure(name):
        engine.act(
            actor=actor,
            code=code,
            action="attach_paper",
            now=now,
            params={"component": component, "note": note},
            attachments=[stored],
        )
    return Document.objects.get(public_id=public_id)


def stored_bytes(dossier: Dossier) -> int:
    """What the dossier's current files take (the per-dossier limit counts these)."""
    return sum(Document.objects.filter(dossier=dossier, current=True).values_list("size", flat=True))


def unchanged_bytes(document: Document) -> bytes:
    """The stored bytes of a document, refused (409) if they no longer hash to what was recorded."""
    data = read(document)
    if hashlib.sha256(data).hexdigest() != document.sha256:
        raise ValidationFailed(
            message_vi=f"Tệp lưu trữ {document.public_id} đã bị thay đổi; không thể ký. Hãy báo quản trị.",
            message_en=f"The stored file {document.public_id} has changed; it cannot be signed. Tell the administrator.",
            code="tampered",
            http_status=409,
        )
    return data


def _sign(actor: Actor, data: bytes, public_id: str, now: datetime, reason: str):
    certificate = certificates.signing_certificate(actor.user, now)
    unit = certificate.unit
    text = signing.StampText(
        signer=certificate.common_name or actor.user.get_full_name() or actor.user.get_username(),
        unit=unit.name_vi if unit else "",
        at=now,
        url=signing.verify_url(public_id),
        demo=certificate.demo,
    )
    signed, level = signing.sign(
        data, certificate=certificate, stamp_text=text, reason=reason, location=text.unit or "Việt Nam"
    )
    return certificate, signed, level


def _sign_and_act(
    *,
    actor: Actor,
    dossier: Dossier,
    data: bytes,
    reason: str,
    action: str,
    params: dict,
    now: datetime,
    pages: int,
    title: str,
    names: list[str] | None = None,
    previous: Document | None = None,
    form_key: str = "",
) -> Document:
    """Sign the PDF as the actor, store the signed bytes as a new document and record it through the
    lifecycle action (the stored file is removed if the action is refused)."""
    public_id = new_public_id()
    certificate, signed, level = _sign(actor, data, public_id, now, reason)
    name = _store_bytes(signed, public_id, now)
    stored = StoredFile(
        public_id,
        name,
        hashlib.sha256(signed).hexdigest(),
        len(signed),
        pages,
        list(names or []),
        title,
        certificate=certificate,
        signed_at=now,
        level=level,
        previous=previous,
        form_key=form_key,
    )
    with removed_on_failure(name):
        engine.act(
            actor=actor, code=dossier.code, action=action, now=now, params=params, attachments=[stored]
        )
    return Document.objects.get(public_id=public_id)


def digitize(
    *, actor: Actor, code: str, component: str, note: str = "", now: datetime | None = None
) -> Document:
    """The counter officer who saw the original signs the paper's scan: an electronic copy certified
    from the original (a new, signed version; the scan itself stays as it was stored)."""
    now = now or timezone.now()
    dossier = check_may(actor, code, "digitize_paper", now)
    component_title(dossier, component)
    scan = (
        Document.objects.filter(dossier=dossier, paper__component__code=component, current=True)
        .select_related("paper")
        .first()
    )
    if scan is None:
        raise ValidationFailed(
            message_vi="Giấy tờ này chưa có bản quét; hãy đính kèm trước khi ký.",
            message_en="This paper has no scan yet; attach one before signing.",
            problems=[Problem("component", "chưa có bản quét", "no scan yet")],
        )
    if scan.signed:
        raise ValidationFailed(
            message_vi="Bản quét này đã được ký số.",
            message_en="This scan is already signed.",
            problems=[Problem("component", "đã ký", "already signed")],
            http_status=409,
        )
    return _sign_and_act(
        actor=actor,
        dossier=dossier,
        data=unchanged_bytes(scan),
        reason="Chứng thực bản sao điện tử từ bản chính",
        action="digitize_paper",
        params={"component": component, "note": note},
        now=now,
        pages=scan.pages,
        names=scan.original_names,
        title=scan.title,
        previous=scan,
    )


def issue_result(
    *,
    actor: Actor,
    code: str,
    files: Iterable = (),
    title: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Document:
    """The agency leader signs the result: an uploaded PDF or scan, or (no file) the result made from
    the template for simple results."""
    now = now or timezone.now()
    dossier = check_may(actor, code, "issue_result", now)
    files = list(files)
    title = (title or result_form.title(dossier)).strip()[:300]
    if files:
        prepared = uploads.prepare(files, field_name="file")
        try:
            data, pages, names = prepared.path.read_bytes(), prepared.pages, prepared.original_names
        finally:
            prepared.discard()
    else:
        data, pages, names = result_form.pdf(dossier, title, now), 1, []
    return _sign_and_act(
        actor=actor,
        dossier=dossier,
        data=data,
        reason="Kết quả giải quyết thủ tục hành chính",
        action="issue_result",
        params={"title": title, "note": note},
        now=now,
        pages=pages,
        names=names,
        title=title,
    )


@transaction.atomic
def record_access(document: Document, kind: str, user=None, now: datetime | None = None) -> None:
    DocumentAccess.objects.create(document=document, kind=kind, user=user, at=now or timezone.now())


def sign_form(*, actor: Actor, code: str, form: str, note: str = "", now: datetime | None = None) -> Document:
    """A form the dossier issued (forms.SIGNABLE_FORMS: 01, 02 or 03, the intake slip; 04-n, the n-th
    apology; 06, the control slip as it stands), signed by the officer who issued it (for 06: who made
    the latest hand-over) and kept as a document of the dossier, a new version at each signing."""
    from motcua.desk.text import officer_name
    from motcua.dossiers import selectors as dossier_selectors

    from . import forms

    now = now or timezone.now()
    check_may(actor, code, "sign_form", now)
    dossier = dossier_selectors.dossier_detail(actor, code)
    issued = next((f for f in forms.issued_forms(dossier) if f.key == form), None)
    if issued is None:
        raise ValidationFailed(
            message_vi=f"Hồ sơ {code} chưa lập phiếu '{form}'.",
            message_en=f"Dossier {code} has issued no form '{form}'.",
            problems=[Problem("form", "không có phiếu này", "no such form")],
        )
    if not issued.issued_by(actor.user):
        raise Forbidden(*issued.only_issuer_reason(officer_name(issued.event) or "?"))
    tracking = f"{signing.config()['PUBLIC_URL']}/track/?code={dossier.code}"
    data = forms.render(dossier, issued, tracking_url=tracking, signer=officer_name(issued.event))
    return _sign_and_act(
        actor=actor,
        dossier=dossier,
        data=data,
        reason=issued.heading,
        action="sign_form",
        params={"form": issued.key, "note": note},
        now=now,
        pages=len(PdfReader(io.BytesIO(data)).pages),
        title=issued.heading,
        form_key=issued.key,
    )


def applicant_attach(
    *, code: str, pin: str, component: str, files: Iterable, now: datetime | None = None
) -> Document:
    """The online filer attaches a file to a paper of their filing (before the counter receives it),
    proving the dossier's PIN."""
    dossier = Dossier.objects.filter(code=code).first()
    if dossier is None or not pin_matches(dossier, pin):
        raise NotFound("hồ sơ với mã và mã tra cứu (PIN) này", "A dossier with this code and PIN")
    return attach(actor=Actor.of_applicant(), code=code, component=component, files=files, now=now)


# --- Form 05: a unit's log book, one signed page per day -------------------------------------------


def may_sign_log_book(actor: Actor, unit: Unit) -> bool:
    """The unit's counter officers keep its log book."""
    return (unit.pk, Role.COUNTER) in actor.roles


def sign_log_book(*, actor: Actor, unit_code: str, day: date, now: datetime | None = None) -> Document:
    """A counter officer of the unit signs the day's page of its log book as it stands now: a document
    of the unit (no dossier), a new version at each signing (the page may still grow that day)."""
    from motcua.desk import log_book

    now = now or timezone.now()
    unit = Unit.objects.filter(code=unit_code).first()
    if unit is None:
        raise NotFound(f"đơn vị {unit_code}", f"unit {unit_code}")
    if not may_sign_log_book(actor, unit):
        raise Forbidden(
            f"Chỉ cán bộ một cửa của {unit.name_vi} ký số sổ theo dõi hồ sơ của đơn vị.",
            f"Only the counter officers of {unit.name_en or unit.name_vi} sign its log book.",
        )
    if day > timezone.localtime(now).date():
        raise ValidationFailed(
            message_vi="Không thể ký sổ của một ngày chưa đến.",
            message_en="A day that has not come yet cannot be signed.",
            problems=[Problem("day", "là ngày trong tương lai", "is in the future")],
        )
    signer = actor.user.get_full_name() or actor.user.get_username()
    data = log_book.render(unit, day, log_book.entries(unit, day), signer=signer, as_of=now)
    public_id = new_public_id()
    certificate, signed, level = _sign(actor, data, public_id, now, f"{log_book.TITLE} {day:%d/%m/%Y}")
    name = _store_bytes(signed, public_id, now)
    with removed_on_failure(name), transaction.atomic():
        previous = (
            Document.objects.select_for_update()
            .filter(kind=Document.Kind.LOG_BOOK, unit=unit, day=day, current=True)
            .first()
        )
        if previous is not None:
            previous.current = False
            previous.save(update_fields=["current"])
        return Document.objects.create(
            public_id=public_id,
            kind=Document.Kind.LOG_BOOK,
            form_key=log_book.NUMBER,
            day=day,
            title=log_book.title(unit, day)[:300],
            version=previous.version + 1 if previous else 1,
            previous=previous,
            storage_name=name,
            sha256=hashlib.sha256(signed).hexdigest(),
            size=len(signed),
            pages=len(PdfReader(io.BytesIO(signed)).pages),
            added_by=actor.user,
            unit=unit,
            added_at=now,
            certificate=certificate,
            signed_at=now,
            signature_level=level,
            applicant_id_number="",
        )


def ensure_may_see(actor: Actor, document: Document) -> None:
    """Staff who may see the document's dossier, or for a log book page, the staff of its unit and the
    center's managers (NotFound otherwise, as for a dossier)."""
    if document.dossier_id is not None:
        ensure_visible(actor, document.dossier)
    elif not (actor.manager or document.unit_id in actor.unit_ids):
        raise NotFound(f"tài liệu {document.public_id}", f"document {document.public_id}")
