"""What the documents' lifecycle actions do to a dossier: record the stored file as a document of the
paper or of the result (a new version when the paper already has one), and mark a signed paper
digitized. The files were validated, signed and stored by services.py before the action runs."""

from __future__ import annotations

from motcua.dossiers.context import ActionContext, Outcome
from motcua.dossiers.models import DossierPaper

from .models import Document
from .stored import StoredFile


def _record(ctx: ActionContext, stored: StoredFile, kind: str, paper=None, previous=None) -> Document:
    if previous is not None:
        previous.current = False
        ctx.save(previous, ["current"])
    document = Document(
        public_id=stored.public_id,
        dossier=ctx.dossier,
        paper=paper,
        kind=kind,
        title=stored.title[:300],
        version=previous.version + 1 if previous else 1,
        previous=previous,
        storage_name=stored.storage_name,
        sha256=stored.sha256,
        size=stored.size,
        pages=stored.pages,
        original_names=stored.original_names,
        added_by=ctx.actor.user,
        unit_id=ctx.unit_id or ctx.dossier.receiving_unit_id,  # the applicant files with the receiving unit
        added_at=ctx.now,
        certificate=stored.certificate,
        signed_at=stored.signed_at,
        signature_level=stored.level,
        applicant_id_number=ctx.dossier.applicant_id_number,
        reused_from=stored.reused_from,
        form_key=stored.form_key,
    )
    document.save(force_insert=True)
    return document


def _payload(document: Document) -> dict:
    payload = {"document": document.public_id, "sha256": document.sha256, "pages": document.pages}
    if document.certificate is not None:
        payload.update(certificate=document.certificate.serial, level=document.signature_level)
    if document.reused_from is not None:
        payload["reused_from"] = document.reused_from.public_id
    return payload


def attach_paper(ctx: ActionContext) -> Outcome:
    """A scan of a paper (or a paper reused from the applicant's store): its newest version."""
    document = _attach(ctx, ctx.found["paper"], ctx.attachments[0])
    return Outcome(payload={"component": ctx.params["component"], **_payload(document)})


def _attach(ctx: ActionContext, paper, stored: StoredFile) -> Document:
    """The file as the paper's newest version; a signed reuse makes the paper digitized and reused (as
    Index 766 counts it), a plain scan is not digitized (yet)."""
    previous = Document.objects.filter(paper=paper, current=True).first()
    document = _record(ctx, stored, Document.Kind.PAPER, paper, previous)
    signed_reuse = stored.reused_from is not None and stored.certificate is not None
    if paper.digitized != signed_reuse or (stored.reused_from is not None) != paper.reused:
        paper.digitized, paper.reused = signed_reuse, paper.reused or stored.reused_from is not None
        ctx.save(paper, ["digitized", "reused"])
    return document


def answer_supplement_online(ctx: ActionContext) -> Outcome:
    """The applicant's files for the papers the open supplement request asks for, sent from their own
    pages: each the paper's newest document (a paper not on file yet gets its checklist line). The
    dossier keeps waiting: the clock resumes when the agency accepts them (supplement_received)."""
    answered = []
    for stored in ctx.attachments:
        component = ctx.components[stored.component]
        paper = next((p for p in ctx.papers if p.component_id == component.pk), None)
        if paper is None:
            paper = DossierPaper(dossier=ctx.dossier, component=component, form=component.form, quantity=1)
            ctx.add(paper)
            ctx.papers.append(paper)
        document = _attach(ctx, paper, stored)
        answered.append(
            {"code": component.code, "name_vi": component.name_vi, "name_en": component.name_en}
            | _payload(document)
        )
    return Outcome(payload={"answered": answered})


def digitize_paper(ctx: ActionContext) -> Outcome:
    """The scan signed by the officer who saw the original: a new version, and the paper is digitized."""
    paper, stored = ctx.found["paper"], ctx.attachments[0]
    document = _record(ctx, stored, Document.Kind.PAPER, paper, stored.previous)
    paper.digitized = True
    ctx.save(paper, ["digitized"])
    return Outcome(payload={"component": ctx.params["component"], **_payload(document)})


def issue_result(ctx: ActionContext) -> Outcome:
    stored = ctx.attachments[0]
    document = _record(ctx, stored, Document.Kind.RESULT)
    return Outcome(payload={"title": document.title, **_payload(document)})


def sign_form(ctx: ActionContext) -> Outcome:
    """A form of the circular signed by the officer who issued it (a new version if signed before)."""
    stored = ctx.attachments[0]
    previous = Document.objects.filter(
        dossier=ctx.dossier, kind=Document.Kind.FORM, form_key=stored.form_key, current=True
    ).first()
    document = _record(ctx, stored, Document.Kind.FORM, previous=previous)
    return Outcome(payload={"form": stored.form_key, **_payload(document)})
