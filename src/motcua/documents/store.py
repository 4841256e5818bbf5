"""The applicant's data store: their signed papers and results, kept per ID number across dossiers.
Opened at any counter with the applicant present (ID number and the PIN of one of their dossiers), every
look recorded; a stored paper reused at a later intake instead of a new scan (shared bytes, recorded
with the dossier's event, counted as reused for Index 766)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from motcua.dossiers import engine
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.dossiers.pins import pin_matches
from motcua.errors import Forbidden, NotFound, Problem, ValidationFailed

from .models import Document, StoreLook
from .services import check_may, component_title, new_public_id
from .stored import StoredFile

STORE_LOOK_VALID = timedelta(hours=2)  # a look lets the officer reuse papers for this long


def look_into_store(*, actor: Actor, id_number: str, code: str, pin: str, now: datetime | None = None):
    """The applicant's store (their signed papers and results, every dossier), opened with the
    applicant present: their ID number and the PIN of one of their dossiers. The look is recorded."""
    now = now or timezone.now()
    id_number, code = id_number.strip(), code.strip().upper()
    if not actor.unit_ids and not actor.manager:
        raise Forbidden(
            "Chỉ cán bộ có vai trò tại một đơn vị mới xem được kho dữ liệu.",
            "Only staff with a role may open a store.",
        )
    dossier = Dossier.objects.filter(code=code, applicant_id_number=id_number).first()
    if dossier is None or not pin_matches(dossier, pin):
        raise NotFound(
            "hồ sơ của người này với mã hồ sơ và PIN đã nhập",
            "A dossier of this person with this code and PIN",
        )
    StoreLook.objects.create(user=actor.user, id_number=id_number, dossier_code=code, at=now)
    return store_documents(id_number)


def reuse(*, actor: Actor, code: str, component: str, source: str, now: datetime | None = None) -> Document:
    """A signed paper or result of the applicant's store answers a paper of a new dossier instead of a
    new scan (the bytes are shared, never copied or changed); recorded with the dossier's event and
    counted as reused."""
    now = now or timezone.now()
    dossier = check_may(actor, code, "attach_paper", now)
    paper = dossier.papers.select_related("component").filter(component__code=component).first()
    if paper is None:
        component_title(dossier, component)  # raises, naming the component
    if not paper.component.reusable:
        raise ValidationFailed(
            message_vi=f"Thành phần {component} không được tái sử dụng từ kho dữ liệu theo thủ tục.",
            message_en=f"The procedure does not allow paper {component} to be reused from the store.",
            problems=[Problem("component", "không được tái sử dụng", "not reusable")],
        )
    stored = store_documents(dossier.applicant_id_number).filter(public_id=source[:24]).first()
    if stored is None:
        raise ValidationFailed(
            message_vi="Không có giấy tờ đã ký số này trong kho dữ liệu của người nộp hồ sơ.",
            message_en="The applicant's store holds no signed document with this code.",
            problems=[Problem("source", "không có trong kho", "not in the applicant's store")],
        )
    looked = StoreLook.objects.filter(
        user=actor.user, id_number=dossier.applicant_id_number, at__gte=now - STORE_LOOK_VALID
    ).exists()
    if not looked:
        raise Forbidden(
            "Hãy mở kho dữ liệu của người nộp (số CCCD và PIN) trước khi tái sử dụng.",
            "Open the applicant's store (ID number and PIN) before reusing a paper.",
        )
    reused = reused_file(stored, paper.component.name_vi)
    engine.act(
        actor=actor,
        code=code,
        action="attach_paper",
        now=now,
        params={"component": component, "note": f"reused {stored.public_id}"},
        attachments=[reused],
    )
    return Document.objects.get(public_id=reused.public_id)


def reused_file(stored: Document, title: str, component: str = "") -> StoredFile:
    """A stored signed paper or result answering another paper: its bytes shared (never copied or
    changed), its signature kept, pointing at what it reuses (counted as reused for Index 766)."""
    return StoredFile(
        new_public_id(),
        stored.storage_name,
        stored.sha256,
        stored.size,
        stored.pages,
        stored.original_names,
        title,
        certificate=stored.certificate,
        signed_at=stored.signed_at,
        level=stored.signature_level,
        reused_from=stored,
        component=component,
    )


def store_documents(id_number: str):
    """What an applicant's store keeps: the signed papers and results of all their dossiers (current
    versions, originals rather than reuses)."""
    return (
        Document.objects.filter(
            applicant_id_number=id_number,
            current=True,
            certificate__isnull=False,
            reused_from__isnull=True,
            dossier__isnull=False,  # not a unit's log book page
        )
        .select_related("dossier", "certificate", "certificate__unit")
        .order_by("-added_at", "-id")
    )
