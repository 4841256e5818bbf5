"""The online filer's papers, from their own pages (logged in through the identity provider): a file
for each paper of a draft, or a signed paper of their own data store reused (their own ID number, so
no PIN), kept with the draft and made the dossier's papers when it is sent; and a supplement request
answered online. Every file passes the same checks as at the counter (uploads.prepare); a refused
file names the paper and leaves nothing stored."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from motcua.catalog.models import Component
from motcua.citizens import filing
from motcua.citizens.models import Citizen, Draft
from motcua.dossiers import engine
from motcua.dossiers.context import open_supplement
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import PaperIn
from motcua.errors import MotcuaError, NotFound, Problem, ValidationFailed

from . import uploads
from .models import Document, DraftPaper
from .services import check_may, new_public_id, removed_on_failure, storage, store_path, stored_bytes
from .store import reused_file, store_documents
from .stored import StoredFile

ANSWER = "answer_supplement_online"


def paper_field(component: str) -> str:
    """The form field (and problem field) of one paper's files."""
    return f"paper_{component}"


def _named(component: Component) -> tuple[str, str]:
    return component.name_vi, component.name_en or component.name_vi


def about_paper(error: MotcuaError, component: Component) -> MotcuaError:
    """The error of a file, saying which paper it was for (the problem's field is the paper's)."""
    vi, en = _named(component)
    problems = [Problem(paper_field(component.code), p.reason_vi, p.reason_en) for p in error.problems]
    return type(error)(
        message_vi=f"Giấy tờ «{vi}»: {error.message_vi}",
        message_en=f"Paper «{en}»: {error.message_en}",
        problems=problems or [Problem(paper_field(component.code), error.message_vi, error.message_en)],
        code=error.code,
        http_status=error.http_status,
    )


# --- drafts ---------------------------------------------------------------------------------------------


def _open_draft(citizen: Citizen, draft_id: int, *, lock: bool = False) -> Draft:
    draft = filing.draft_of(citizen, draft_id, lock=lock)
    filing.editable(draft)
    return draft


def checklist(draft: Draft, now: datetime | None = None) -> dict[str, Component]:
    return filing.checklist(draft.procedure, now or timezone.now())


def _component(components: dict[str, Component], code: str) -> Component:
    component = components.get(code)
    if component is None:
        raise ValidationFailed(
            message_vi=f"Thủ tục không có thành phần giấy tờ '{code}'.",
            message_en=f"The procedure has no paper '{code}' on its checklist.",
            problems=[Problem("component", "không có trong danh mục", "not on the checklist")],
        )
    return component


def _replace(draft: Draft, row: DraftPaper) -> DraftPaper:
    """Keep the row as the draft's file of its paper (a file attached before is dropped: its bytes
    once the transaction commits, unless they are a store's, shared)."""
    old = DraftPaper.objects.filter(draft=draft, component=row.component).first()
    if old is not None:
        old.delete()
        if old.reused_from_id is None:
            transaction.on_commit(lambda: storage().delete(old.storage_name))
    row.save(force_insert=True)
    return row


def attach_to_draft(
    *, citizen: Citizen, draft_id: int, component: str, files: Iterable, now: datetime | None = None
) -> DraftPaper:
    """A file for one paper of the citizen's draft (a PDF, or several images of the paper joined into
    one PDF), checked as at the counter, within the per-dossier limit with the draft's other files."""
    now = now or timezone.now()
    draft = _open_draft(citizen, draft_id)
    paper = _component(checklist(draft, now), component)
    others = DraftPaper.objects.filter(draft=draft).exclude(component=component).aggregate(n=Sum("size"))
    try:
        prepared = uploads.prepare(
            files, field_name=paper_field(component), budget=uploads.max_dossier_bytes() - (others["n"] or 0)
        )
    except MotcuaError as error:
        raise about_paper(error, paper) from None
    try:
        name = store_path(prepared.path, new_public_id(), now)
    finally:
        prepared.discard()
    with removed_on_failure(name), transaction.atomic():
        draft = _open_draft(citizen, draft_id, lock=True)  # sent meanwhile from another tab
        row = DraftPaper(
            draft=draft,
            component=component,
            storage_name=name,
            sha256=prepared.sha256,
            size=prepared.size,
            pages=prepared.pages,
            original_names=prepared.original_names,
            added_at=now,
        )
        return _replace(draft, row)


def own_store(citizen: Citizen):
    """The citizen's own data store (their ID number as the identity provider vouched for it)."""
    return store_documents(citizen.id_number)


def _from_own_store(citizen: Citizen, source: str, component: Component) -> Document:
    if not component.reusable:
        raise ValidationFailed(
            message_vi=f"Giấy tờ «{component.name_vi}» không được tái sử dụng từ kho dữ liệu theo thủ tục.",
            message_en=f"The procedure does not allow paper «{_named(component)[1]}» to be reused from the store.",
            problems=[Problem(paper_field(component.code), "không được tái sử dụng", "not reusable")],
        )
    stored = own_store(citizen).filter(public_id=str(source)[:24]).first()
    if stored is None:
        raise ValidationFailed(
            message_vi="Kho dữ liệu của bạn không có giấy tờ đã ký số này.",
            message_en="Your data store holds no signed document with this code.",
            problems=[Problem(paper_field(component.code), "không có trong kho", "not in your store")],
        )
    return stored


def reuse_in_draft(
    *, citizen: Citizen, draft_id: int, component: str, source: str, now: datetime | None = None
) -> DraftPaper:
    """A signed paper or result of the citizen's own store answers one paper of their draft (its bytes
    shared); made a reuse of the dossier's paper when the draft is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        draft = _open_draft(citizen, draft_id, lock=True)
        paper = _component(checklist(draft, now), component)
        stored = _from_own_store(citizen, source, paper)
        row = DraftPaper(
            draft=draft,
            component=component,
            storage_name=stored.storage_name,
            sha256=stored.sha256,
            size=stored.size,
            pages=stored.pages,
            original_names=stored.original_names,
            reused_from=stored,
            added_at=now,
        )
        return _replace(draft, row)


def remove_from_draft(*, citizen: Citizen, draft_id: int, component: str) -> None:
    with transaction.atomic():
        draft = _open_draft(citizen, draft_id, lock=True)
        row = DraftPaper.objects.filter(draft=draft, component=component).first()
        if row is None:
            raise NotFound(f"tệp của giấy tờ '{component}'", f"The file of paper '{component}'")
        row.delete()
        if row.reused_from_id is None:
            transaction.on_commit(lambda: storage().delete(row.storage_name))


def draft_files(draft: Draft) -> dict[str, DraftPaper]:
    return {
        row.component: row for row in DraftPaper.objects.filter(draft=draft).select_related("reused_from")
    }


def draft_papers(draft: Draft, components: dict[str, Component]) -> list[PaperIn]:
    """citizens' ONLINE_PAPERS hook: the papers of the filing, each with a file attached (or reused
    from the store), and those the applicant ticked (to bring to the counter)."""
    files = draft_files(draft)
    ticked = [c for c in draft.data.get("papers", []) if c in components]
    codes = [c for c in dict.fromkeys([*files, *ticked]) if c in components]
    return [
        PaperIn(
            component=c,
            form=components[c].form,
            digitized=c not in files or files[c].reused_from_id is not None,
            reused=c in files and files[c].reused_from_id is not None,
        )
        for c in codes
    ]


def file_draft_papers(*, citizen: Citizen, draft: Draft, dossier: Dossier, now: datetime) -> list[Document]:
    """Called by the filing's submission, in its transaction: each file of the draft becomes the new
    dossier's document of its paper (attach_paper, as the applicant), a reuse recorded as the counter
    records one. Anything refused undoes the whole submission."""
    components = {c.code: c for c in dossier.procedure_version.components.all()}
    actor = Actor.of_citizen(citizen.id_number)
    documents = []
    for row in DraftPaper.objects.filter(draft=draft).select_related(
        "reused_from", "reused_from__certificate"
    ):
        title = components[row.component].name_vi if row.component in components else row.component
        if row.reused_from is not None:
            stored = reused_file(row.reused_from, title)
            note = f"reused {row.reused_from.public_id}"
        else:
            stored = StoredFile(
                new_public_id(), row.storage_name, row.sha256, row.size, row.pages, row.original_names, title
            )
            note = ""
        engine.act(
            actor=actor,
            code=dossier.code,
            action="attach_paper",
            now=now,
            params={"component": row.component, "note": note},
            attachments=[stored],
        )
        documents.append(stored.public_id)
    DraftPaper.objects.filter(draft=draft).delete()  # the bytes are the documents' now
    return list(Document.objects.filter(public_id__in=documents))


# --- a supplement request answered online ---------------------------------------------------------------


def asked_papers(citizen: Citizen, code: str) -> list[Component]:
    """The papers the open supplement request of the citizen's dossier asks for (empty when none)."""
    dossier = (
        Dossier.objects.filter(code=code, applicant_id_number=citizen.id_number, status=Status.SUPPLEMENT)
        .select_related("procedure_version")
        .first()
    )
    if dossier is None:
        return []
    request = open_supplement(list(dossier.supplements.order_by("requested_at", "id")))
    codes = [str(m.get("code")) for m in (request.missing if request else [])]
    components = {c.code: c for c in dossier.procedure_version.components.all()}
    return [components[c] for c in codes if c in components]


def answer_supplement(
    *,
    citizen: Citizen,
    code: str,
    files: Mapping[str, Iterable] | None = None,
    reuses: Mapping[str, str] | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Dossier:
    """The logged-in applicant answers the open supplement request of their own dossier: a file for
    each paper asked for (files by component code) or a signed paper of their own store (reuses:
    component -> the stored document's id). One action, one event; the clock stays paused until the
    agency accepts the papers (supplement_received). A refused file names the paper; nothing is kept."""
    now = now or timezone.now()
    files = {c: list(f) for c, f in (files or {}).items() if f}
    reuses = {c: s for c, s in (reuses or {}).items() if s and c not in files}
    actor = Actor.of_citizen(citizen.id_number)
    if Dossier.objects.filter(code=code, applicant_id_number=citizen.id_number).first() is None:
        raise NotFound(f"hồ sơ {code}", f"dossier {code}")  # another's: as unknown
    dossier = check_may(actor, code, ANSWER, now)
    asked = {c.code: c for c in asked_papers(citizen, code)}
    unasked = sorted((set(files) | set(reuses)) - set(asked))
    if unasked or not (files or reuses):
        raise ValidationFailed(
            message_vi="Hãy đính kèm tệp cho giấy tờ được yêu cầu bổ sung.",
            message_en="Attach a file to a paper the supplement request asks for.",
            problems=[Problem(paper_field(c), "không được yêu cầu", "not asked for") for c in unasked]
            or [Problem("papers", "bắt buộc", "required")],
        )
    stored = [
        reused_file(_from_own_store(citizen, s, asked[c]), asked[c].name_vi, c) for c, s in reuses.items()
    ]
    with ExitStack() as undo:
        budget = uploads.max_dossier_bytes() - stored_bytes(dossier)
        for component, uploaded in files.items():
            try:
                prepared = uploads.prepare(uploaded, field_name=paper_field(component), budget=budget)
            except MotcuaError as error:
                raise about_paper(error, asked[component]) from None
            budget -= prepared.size
            public_id = new_public_id()
            try:
                name = store_path(prepared.path, public_id, now)
            finally:
                prepared.discard()
            undo.enter_context(removed_on_failure(name))
            stored.append(
                StoredFile(
                    public_id,
                    name,
                    prepared.sha256,
                    prepared.size,
                    prepared.pages,
                    prepared.original_names,
                    asked[component].name_vi,
                    component=component,
                )
            )
        return engine.act(
            actor=actor,
            code=code,
            action=ANSWER,
            now=now,
            params={"papers": [s.component for s in stored], "note": note},
            attachments=stored,
        )
