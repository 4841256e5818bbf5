"""The documents API, for programs (the national portal's sync, agency systems): a dossier's documents,
the permission-checked and recorded download, attaching a scan, signing it, signing a form the dossier
issued or a day's log book page, issuing the signed result, and the public check of a document by its verification id. Thin: the same services as the pages."""

from __future__ import annotations

from datetime import date, datetime

from django.http import FileResponse, HttpRequest
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.auth import staff_auth
from motcua.dossiers import selectors as dossiers
from motcua.dossiers.permissions import Actor
from motcua.dossiers.tracking import admit, pin_checked
from motcua.error_schemas import errors
from motcua.errors import NotFound
from motcua.ratelimit import client_subject

from . import selectors as documents
from . import services, signing
from .models import Document, DocumentAccess
from .views import oversized_upload

router = Router(tags=["documents"], auth=staff_auth)
public_router = Router(tags=["documents"])
filer_router = Router(tags=["tracking"])  # the online filer, with the dossier's PIN
ERRORS = errors(400, 401, 403, 404, 409, 410, 413, 415, 422)


class DocumentOut(Schema):
    id: str
    kind: str
    title: str
    component: str | None
    version: int
    current: bool
    sha256: str
    size: int
    pages: int
    added_at: datetime
    added_by: str | None  # None: the applicant, filing online
    signed: bool
    signer: str | None
    signed_at: datetime | None
    signature_level: str
    reused_from: str | None
    verify_url: str

    @staticmethod
    def of(document: Document) -> DocumentOut:
        certificate = document.certificate
        return DocumentOut(
            id=document.public_id,
            kind=document.kind,
            title=document.title,
            component=document.paper.component.code if document.paper_id else None,
            version=document.version,
            current=document.current,
            sha256=document.sha256,
            size=document.size,
            pages=document.pages,
            added_at=document.added_at,
            added_by=document.added_by.get_username() if document.added_by else None,
            signed=certificate is not None,
            signer=certificate.common_name if certificate else None,
            signed_at=document.signed_at,
            signature_level=document.signature_level,
            reused_from=document.reused_from.public_id if document.reused_from_id else None,
            verify_url=signing.verify_url(document.public_id),
        )


class VerificationOut(Schema):
    id: str
    kind: str
    title: str
    signed: bool
    stored_unchanged: bool
    valid: bool
    signer: str | None
    unit: str | None
    signed_at: datetime | None
    certificate_valid_at_signing: bool | None
    demo_ca: bool


def _actor(request: HttpRequest) -> Actor:
    return Actor.staff(request.auth)  # type: ignore[attr-defined]


@router.get("/dossiers/{code}/documents", response={200: list[DocumentOut], **ERRORS})
def list_documents(request: HttpRequest, code: str):
    """Every stored version of the dossier's papers and results (current ones marked)."""
    dossier = dossiers.dossier_detail(_actor(request), code)
    return [DocumentOut.of(d) for d in documents.dossier_documents(dossier).select_related("reused_from")]


@router.get("/documents/{public_id}/file", response={200: None, **ERRORS})
def download(request: HttpRequest, public_id: str):
    """The stored PDF, for staff who may see its dossier; the download is recorded."""
    actor = _actor(request)
    document = documents.by_public_id(public_id)
    if document is None:
        raise NotFound(f"tài liệu {public_id}", f"document {public_id}")
    services.ensure_may_see(actor, document)
    response = FileResponse(
        services.open_stored(document),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"{document.belongs_to}-{document.public_id}.pdf",
    )
    services.record_access(document, DocumentAccess.Kind.DOWNLOAD, user=actor.user)
    return response


@router.post(
    "/dossiers/{code}/papers/{component}/files",
    response={201: DocumentOut, **ERRORS},
    url_name="documents_attach",
)
def attach(
    request: HttpRequest, code: str, component: str, files: File[list[UploadedFile]], note: Form[str] = ""
):
    """A scan of one paper: one PDF, or several JPEG/PNG images joined into one PDF."""
    oversized = oversized_upload(request, "files")
    if oversized:
        raise oversized
    document = services.attach(
        actor=_actor(request), code=code, component=component, files=files, note=note[:2000]
    )
    return Status(201, DocumentOut.of(document))


@router.post("/dossiers/{code}/papers/{component}/sign", response={201: DocumentOut, **ERRORS})
def digitize(request: HttpRequest, code: str, component: str):
    """The counter officer signs the paper's scan: an electronic copy certified from the original."""
    return Status(
        201, DocumentOut.of(services.digitize(actor=_actor(request), code=code, component=component))
    )


@router.post(
    "/dossiers/{code}/forms/{form}/sign",
    response={201: DocumentOut, **ERRORS},
    summary="Ký số biểu mẫu của hồ sơ / sign a form the dossier issued",
)
def sign_form(request: HttpRequest, code: str, form: str, note: Form[str] = ""):
    """Form 01, 02 or 03 (the intake slip), 04-n (the n-th apology) or 06 (the control slip as it
    stands), signed by the officer who may sign it now; a new version at each signing."""
    document = services.sign_form(actor=_actor(request), code=code, form=form[:8], note=note[:2000])
    return Status(201, DocumentOut.of(document))


@router.post(
    "/units/{unit_code}/log-book/{day}/sign",
    response={201: DocumentOut, **ERRORS},
    summary="Ký số sổ theo dõi hồ sơ trong ngày (mẫu 05) / sign a day's page of the log book (Form 05)",
)
def sign_log_book(request: HttpRequest, unit_code: str, day: date):
    """A counter officer of the unit signs the day's page as it stands (not a day to come); a new
    version at each signing."""
    document = services.sign_log_book(actor=_actor(request), unit_code=unit_code[:16], day=day)
    return Status(201, DocumentOut.of(document))


@router.post("/dossiers/{code}/results", response={201: DocumentOut, **ERRORS}, url_name="documents_result")
def issue_result(
    request: HttpRequest, code: str, files: File[list[UploadedFile]] = None, title: Form[str] = ""
):
    """The agency leader signs and issues the electronic result: the files given, or (none) the result
    made from the template."""
    oversized = oversized_upload(request, "files")
    if oversized:
        raise oversized
    document = services.issue_result(actor=_actor(request), code=code, files=files or [], title=title[:300])
    return Status(201, DocumentOut.of(document))


@public_router.get("/{public_id}", response={200: VerificationOut, **errors(404, 422)})
def verify(request: HttpRequest, public_id: str):
    """What the verification page says of a document (no personal data)."""
    from .views import verification_of

    document = documents.by_public_id(public_id)
    if document is None:
        raise NotFound(f"tài liệu {public_id}", f"document {public_id}")
    return verification_of(document)


@filer_router.post(
    "/{code}/papers/{component}/files",
    response={201: DocumentOut, **errors(400, 403, 404, 409, 413, 415, 422, 429)},
    url_name="documents_applicant_attach",
    summary="Người nộp đính kèm tệp cho hồ sơ trực tuyến / the online filer attaches a file",
)
def applicant_attach(
    request: HttpRequest, code: str, component: str, pin: Form[str], files: File[list[UploadedFile]]
):
    """A file for a paper of an online filing not received yet, with the dossier's PIN (rate-limited
    like tracking)."""
    admit(client_subject(request))
    oversized = oversized_upload(request, "files")
    if oversized:
        raise oversized
    with pin_checked(code, client_subject(request)):
        document = services.applicant_attach(code=code, pin=pin[:12], component=component, files=files)
    return Status(201, DocumentOut.of(document))
