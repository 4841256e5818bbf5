"""The online filer's papers: a file for each paper of a draft (or a signed paper of their own store
reused), kept with the draft and made the dossier's documents when it is sent, in one transaction; a
supplement request answered online by the dossier's own applicant, the clock paused until the agency
accepts the papers. Bad files name the paper and leave nothing stored."""

from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from motcua.catalog.models import Component
from motcua.citizens import filing
from motcua.citizens.models import Citizen, Draft
from motcua.citizens.session import SESSION_KEY
from motcua.documents import online, services
from motcua.documents.models import Document, DraftPaper
from motcua.documents.selectors import digitization_counts
from motcua.documents.stored import StoredFile
from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import PaperIn, act, intake
from motcua.errors import MotcuaError, NotFound, ValidationFailed
from motcua.notifications.models import Kind
from motcua.notifications.texts import render
from tests.factories import (
    BRANCH_TDM,
    CITIZEN_HOA,
    CITIZEN_MINH,
    assert_consistent,
    at,
    at_justice_asking_for_tp9,
    image_bytes,
    in_processing,
    judicial_request,
    page_text,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

FORM = {
    "subject_jurisdiction": "25747",
    "request_text": "Cấp phiếu lý lịch tư pháp số 1",
    "phone": "0912345678",
    "return_unit": BRANCH_TDM,
    "papers": [],
}


def citizen(id_number: str = CITIZEN_HOA, name: str = "Nguyễn Thị Hoa") -> Citizen:
    now = timezone.now()
    return Citizen.objects.create(
        subject=f"sub-{id_number}", id_number=id_number, name=name, first_login_at=now, last_login_at=now
    )


def client_of(person: Citizen) -> Client:
    """A browser whose session is the citizen's (the OIDC log-in itself: tests/citizens/test_login.py)."""
    client = Client()
    session = client.session
    session[SESSION_KEY] = person.pk
    session.save()
    return client


def stored_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def hoa(world, document_store):
    return citizen()


def draft_of(person: Citizen) -> Draft:
    draft = filing.start_draft(citizen=person, procedure_code="2.000488")
    filing.save_draft(citizen=person, draft_id=draft.pk, data=FORM)
    return draft


# --- files of a draft ---------------------------------------------------------------------------------


def test_files_survive_saving_and_resuming_and_become_the_dossiers_papers(hoa, document_store):
    draft = draft_of(hoa)
    two_images = [upload("front.jpg", image_bytes("JPEG")), upload("back.png", image_bytes("PNG"))]
    online.attach_to_draft(citizen=hoa, draft_id=draft.pk, component="TP1", files=two_images)
    filing.save_draft(citizen=hoa, draft_id=draft.pk, data={**FORM, "request_text": "sửa lại"})
    kept = online.draft_files(Draft.objects.get(pk=draft.pk))  # resumed later
    assert list(kept) == ["TP1"] and kept["TP1"].pages == 2
    assert kept["TP1"].original_names == ["front.jpg", "back.png"]

    result = filing.submit_draft(citizen=hoa, draft_id=draft.pk, data={**FORM, "request_text": "sửa lại"})
    dossier = result.dossier
    document = Document.objects.get(dossier=dossier)
    assert (document.paper.component.code, document.pages, document.added_by) == ("TP1", 2, None)
    assert document.storage_name == kept["TP1"].storage_name and document.sha256 == kept["TP1"].sha256
    assert not DraftPaper.objects.exists()
    assert list(dossier.events.order_by("seq").values_list("action", flat=True)) == [
        "submit_online",
        "attach_paper",
    ]
    assert (dossier.status, dossier.channel) == (Status.NEW, 2)
    assert_consistent(dossier)


def test_a_paper_needs_a_file_or_a_tick_to_be_sent(hoa):
    draft = draft_of(hoa)
    with pytest.raises(ValidationFailed) as refused:
        filing.submit_draft(citizen=hoa, draft_id=draft.pk, data=FORM)
    assert [p.field for p in refused.value.problems] == ["paper_TP1"]
    online.attach_to_draft(
        citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    assert filing.submit_draft(citizen=hoa, draft_id=draft.pk, data=FORM).dossier.papers.count() == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "problem"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a paper", 415, "not a PDF, JPEG or PNG"),
        ("empty.pdf", b"", 400, "empty"),
        ("cut.jpg", image_bytes("JPEG")[:300], 400, "truncated"),
    ],
)
def test_a_bad_file_names_the_paper_and_stores_nothing(hoa, document_store, name, content, status, problem):
    draft = draft_of(hoa)
    with pytest.raises(ValidationFailed) as refused:
        online.attach_to_draft(citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload(name, content)])
    error = refused.value
    assert error.http_status == status and "Form" in error.message_en and name in error.message_en
    assert "Tờ khai" in error.message_vi
    assert problem in error.problems[0].reason_en and error.problems[0].field == "paper_TP1"
    assert not DraftPaper.objects.exists() and stored_files(document_store) == []


def test_a_file_over_the_limit_and_a_paper_not_on_the_checklist_are_refused(hoa, document_store, settings):
    draft = draft_of(hoa)
    settings.MOTCUA["DOCUMENTS"] = {**settings.MOTCUA["DOCUMENTS"], "MAX_FILE_MB": 0.01}
    with pytest.raises(ValidationFailed) as refused:
        online.attach_to_draft(
            citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("big.pdf", pdf_bytes(40))]
        )
    assert refused.value.http_status == 413 and "Tờ khai" in refused.value.message_vi
    with pytest.raises(ValidationFailed, match="no paper 'TP7'"):
        online.attach_to_draft(
            citizen=hoa, draft_id=draft.pk, component="TP7", files=[upload("a.pdf", b"%PDF-")]
        )
    assert stored_files(document_store) == []


def test_another_citizens_draft_is_unknown_and_a_sent_draft_takes_no_file(hoa, world):
    draft = draft_of(hoa)
    minh = citizen(CITIZEN_MINH, "Trần Văn Minh")
    with pytest.raises(NotFound):
        online.attach_to_draft(
            citizen=minh, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
        )
    filing.submit_draft(citizen=hoa, draft_id=draft.pk, data={**FORM, "papers": ["TP1"]})
    with pytest.raises(ValidationFailed) as refused:
        online.attach_to_draft(
            citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
        )
    assert refused.value.http_status == 409


def test_replacing_a_file_keeps_one_per_paper_and_drops_the_old_bytes(
    hoa, document_store, django_capture_on_commit_callbacks
):
    draft = draft_of(hoa)
    first = online.attach_to_draft(
        citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    with django_capture_on_commit_callbacks(execute=True):
        online.attach_to_draft(
            citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("b.pdf", pdf_bytes(3))]
        )
    assert DraftPaper.objects.get().pages == 3
    assert not services.storage().exists(first.storage_name) and len(stored_files(document_store)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        online.remove_from_draft(citizen=hoa, draft_id=draft.pk, component="TP1")
    assert not DraftPaper.objects.exists() and stored_files(document_store) == []


def test_the_submission_is_one_transaction(hoa, document_store):
    """A file the checklist no longer has (the procedure changed meanwhile) refuses the whole submission:
    no dossier, no document, no event, the draft unsent with its files."""
    draft = draft_of(hoa)
    online.attach_to_draft(
        citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    row = DraftPaper.objects.get()
    DraftPaper.objects.create(
        draft=draft,
        component="TP7",
        storage_name=row.storage_name,
        sha256=row.sha256,
        size=row.size,
        pages=1,
        added_at=row.added_at,
    )
    with pytest.raises(MotcuaError, match="TP7"):
        filing.submit_draft(citizen=hoa, draft_id=draft.pk, data=FORM)
    assert (
        not Dossier.objects.exists() and not Document.objects.exists() and not DossierEvent.objects.exists()
    )
    assert Draft.objects.get(pk=draft.pk).submitted_code == "" and DraftPaper.objects.count() == 2


@pytest.fixture
def stored_tp9(world, signers, document_store):
    """Hoa's household-register copy (TP9), scanned and signed at Dầu Tiếng: in her data store."""
    Component.objects.filter(code="TP9").update(reusable=True)
    papers = [PaperIn(component="TP1", form="original"), PaperIn(component="TP9", form="copy")]
    code = intake(actor=world["counter_dt"], request=judicial_request(papers=papers)).dossier.code
    services.attach(
        actor=world["counter_dt"], code=code, component="TP9", files=[upload("hk.pdf", pdf_bytes(2))]
    )
    return services.digitize(actor=world["counter_dt"], code=code, component="TP9")


def test_a_paper_of_their_own_store_is_reused_and_counted_as_the_counters_reuse(hoa, stored_tp9):
    draft = draft_of(hoa)
    online.attach_to_draft(
        citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    online.reuse_in_draft(citizen=hoa, draft_id=draft.pk, component="TP9", source=stored_tp9.public_id)
    dossier = filing.submit_draft(citizen=hoa, draft_id=draft.pk, data=FORM).dossier
    reused = Document.objects.get(dossier=dossier, paper__component__code="TP9")
    assert reused.reused_from == stored_tp9 and reused.storage_name == stored_tp9.storage_name
    assert reused.paper.reused and reused.paper.digitized and reused.signed
    event = dossier.events.order_by("seq").last()
    assert event.payload["reused_from"] == stored_tp9.public_id and event.payload["note"].startswith("reused")
    counts = digitization_counts(Dossier.objects.filter(pk=dossier.pk))
    assert (counts.papers, counts.reused, counts.digitized) == (2, 1, 1)
    assert_consistent(dossier)


def test_another_persons_store_and_a_paper_not_reusable_are_refused(hoa, stored_tp9):
    minh = citizen(CITIZEN_MINH, "Trần Văn Minh")
    draft = filing.start_draft(citizen=minh, procedure_code="2.000488")
    with pytest.raises(ValidationFailed, match="store holds no signed document"):
        online.reuse_in_draft(citizen=minh, draft_id=draft.pk, component="TP9", source=stored_tp9.public_id)
    with pytest.raises(ValidationFailed, match="does not allow"):
        online.reuse_in_draft(
            citizen=hoa, draft_id=draft_of(hoa).pk, component="TP1", source=stored_tp9.public_id
        )
    assert not DraftPaper.objects.exists()


def test_the_draft_page_attaches_a_file_and_shows_a_bad_one_on_the_page(hoa, local_cache, document_store):
    client = client_of(hoa)
    draft = draft_of(hoa)
    page = f"/my/drafts/{draft.pk}/"
    files = [upload("front.jpg", image_bytes("JPEG")), upload("back.png", image_bytes("PNG"))]
    response = client.post(page, {**FORM, "attach": "TP1", "paper_TP1": files})
    assert response.status_code == 302, page_text(response)
    shown = page_text(client.get(page))
    assert "Đã đính kèm tệp vào bản nháp." in shown and "front.jpg, back.png (2 trang)" in shown
    response = client.post(page, {**FORM, "attach": "TP9", "paper_TP9": [upload("x.pdf", b"GIF89a....")]})
    assert response.status_code == 415
    text = page_text(response)
    assert (
        "Giấy tờ «Bản sao sổ hộ khẩu»" in text and "x.pdf" in text and "không phải PDF, JPEG hay PNG" in text
    )
    assert list(DraftPaper.objects.values_list("component", flat=True)) == ["TP1"]
    response = client.post(page, {**FORM, "send": "1"})
    assert response.status_code == 201
    assert Document.objects.get().paper.component.code == "TP1"


# --- a supplement request answered online -------------------------------------------------------------


@pytest.fixture
def asking(world, hoa):
    """Hoa's dossier at the Department of Justice, whose specialist asked for TP9 on Tuesday 3 March
    2026 at 09:00."""
    code = in_processing(world).code
    params = {"missing": [{"code": "TP9"}]}
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        params=params,
        now=at(2026, 3, 3, 9),
    )
    return Dossier.objects.get(code=code)


def test_the_applicant_answers_online_and_the_clock_resumes_only_when_the_agency_accepts(world, hoa, asking):
    paused, due = asking.paused_since, asking.due_at
    files = {"TP9": [upload("hk.pdf", pdf_bytes(2))]}
    online.answer_supplement(citizen=hoa, code=asking.code, files=files, now=at(2026, 3, 4, 9))
    asking.refresh_from_db()
    assert (asking.status, asking.paused_since, asking.due_at) == (Status.SUPPLEMENT, paused, due)
    event = asking.events.order_by("seq").last()
    assert event.action == "answer_supplement_online" and event.role == "applicant" and event.actor is None
    assert [(a["code"], a["pages"]) for a in event.payload["answered"]] == [("TP9", 2)]
    document = Document.objects.get(dossier=asking)
    assert (document.paper.component.code, document.added_by, document.kind) == ("TP9", None, "paper")
    act(actor=world["spec_justice"], code=asking.code, action="supplement_received", now=at(2026, 3, 5, 9))
    asking.refresh_from_db()
    assert asking.status == Status.PROCESSING and asking.paused_since is None
    assert asking.due_at == at(2026, 3, 18, 9)  # two working days later than the due time before
    assert_consistent(asking)


def test_a_paper_of_the_store_answers_a_supplement_as_a_reuse(world, hoa, stored_tp9):
    code = at_justice_asking_for_tp9(world)
    online.answer_supplement(citizen=hoa, code=code, reuses={"TP9": stored_tp9.public_id})
    paper = Dossier.objects.get(code=code).papers.get(component__code="TP9")
    assert paper.reused and paper.documents.get().reused_from == stored_tp9


def test_only_the_dossiers_own_logged_in_applicant_answers(world, hoa, asking, document_store):
    minh = citizen(CITIZEN_MINH, "Trần Văn Minh")
    files = {"TP9": [upload("hk.pdf", pdf_bytes())]}
    with pytest.raises(NotFound):
        online.answer_supplement(citizen=minh, code=asking.code, files=files)
    with pytest.raises(MotcuaError, match="log-in"):  # the PIN's applicant (tracking page) may not
        act(
            actor=Actor.of_applicant(),
            code=asking.code,
            action="answer_supplement_online",
            params={"papers": ["TP9"]},
            attachments=[
                StoredFile("x1", "2026/12/x1.pdf", "0" * 64, 1, 1, ["hk.pdf"], "t", component="TP9")
            ],
        )
    with pytest.raises(MotcuaError):  # staff neither: the counter takes papers through supplement_received
        act(
            actor=world["spec_justice"],
            code=asking.code,
            action="answer_supplement_online",
            params={"papers": ["TP9"]},
        )
    assert asking.events.filter(action="answer_supplement_online").count() == 0


def test_answers_outside_a_supplement_or_unasked_or_bad_leave_nothing(world, hoa, asking, document_store):
    with pytest.raises(ValidationFailed) as refused:
        online.answer_supplement(citizen=hoa, code=asking.code, files={"TP1": [upload("a.pdf", pdf_bytes())]})
    assert refused.value.problems[0].field == "paper_TP1"
    good, bad = [upload("ok.pdf", pdf_bytes())], [upload("bad.png", b"\x89PNG\r\n\x1a\nbroken")]
    with pytest.raises(ValidationFailed) as refused:
        online.answer_supplement(citizen=hoa, code=asking.code, files={"TP9": good + bad})
    assert "Copy of the household register" in refused.value.message_en
    assert stored_files(document_store) == [] and not Document.objects.exists()
    assert not asking.events.filter(action="answer_supplement_online").exists()
    received = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    with pytest.raises(MotcuaError) as illegal:
        online.answer_supplement(
            citizen=hoa, code=received.code, files={"TP9": [upload("a.pdf", pdf_bytes())]}
        )
    assert illegal.value.http_status in (409, 422)
    assert stored_files(document_store) == []


def test_pages_matrix_and_what_the_staff_see(world, hoa, asking, local_cache, document_store):
    minh = citizen(CITIZEN_MINH, "Trần Văn Minh")
    url = f"/my/dossiers/{asking.code}/supplement/"
    other = client_of(minh)
    assert other.get(f"/my/dossiers/{asking.code}/").status_code == 404
    assert other.post(url, {"paper_TP9": [upload("hk.pdf", pdf_bytes())]}).status_code == 404
    assert Client().post(url).status_code == 302  # to the log-in

    mine = client_of(hoa)
    page = page_text(mine.get(f"/my/dossiers/{asking.code}/"))
    assert "Gửi giấy tờ bổ sung" in page and "Bản sao sổ hộ khẩu" in page
    response = mine.post(url, {"paper_TP9": [upload("bad.pdf", b"%PDF-1.4 broken")]})
    assert response.status_code == 400 and "Bản sao sổ hộ khẩu" in page_text(response)
    assert mine.post(url, {"paper_TP9": [upload("hk.pdf", pdf_bytes())]}).status_code == 302
    history = page_text(mine.get(f"/my/dossiers/{asking.code}/"))
    assert "Bạn đã gửi giấy tờ bổ sung trực tuyến: Bản sao sổ hộ khẩu" in history

    staff = Client()
    staff.force_login(world["spec_justice"].user)
    desk = page_text(staff.get(f"/desk/dossiers/{asking.code}/"))
    assert "Giấy tờ gửi trực tuyến" in desk and "xem, rồi tiếp nhận" in desk
    documents = staff.get(f"/desk/dossiers/{asking.code}/documents/").content.decode()
    row = documents[documents.index('id="paper-TP9"') :].split("</tr>")[0]
    assert "người nộp (trực tuyến)" in row and "Tải về" in row


def test_the_supplement_message_links_to_the_page_where_it_is_answered(world, hoa, asking, settings):
    event = asking.events.get(action="request_supplement")
    subject, body = render(Kind.SUPPLEMENT, asking, event, "vi")
    assert f"{settings.PUBLIC_URL}/my/dossiers/{asking.code}/" in body and "Bản sao sổ hộ khẩu" in body


def test_an_online_filing_asked_for_a_paper_at_intake_is_received_once_the_counter_accepts_it(world, hoa):
    draft = draft_of(hoa)
    online.attach_to_draft(
        citizen=hoa, draft_id=draft.pk, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    code = filing.submit_draft(citizen=hoa, draft_id=draft.pk, data=FORM, now=at(2026, 3, 2, 8)).dossier.code
    params = {"missing": [{"code": "TP9"}]}
    act(
        actor=world["counter_tdm"],
        code=code,
        action="request_supplement",
        params=params,
        now=at(2026, 3, 2, 9),
    )
    files = {"TP9": [upload("hk.jpg", image_bytes("JPEG"))]}
    online.answer_supplement(citizen=hoa, code=code, files=files, now=at(2026, 3, 2, 10))
    dossier = Dossier.objects.get(code=code)
    assert dossier.status == Status.SUPPLEMENT and dossier.due_at is None  # the clock has not started
    assert sorted(dossier.papers.values_list("component__code", flat=True)) == ["TP1", "TP9"]
    act(actor=world["counter_tdm"], code=code, action="supplement_received", now=at(2026, 3, 2, 11))
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(2026, 3, 2, 11)
    assert_consistent(dossier)


def test_a_file_over_the_limit_stops_while_streaming_and_the_page_names_the_paper(hoa, local_cache, settings):
    settings.MOTCUA["DOCUMENTS"] = {**settings.MOTCUA["DOCUMENTS"], "MAX_FILE_MB": 0.01}
    client = client_of(hoa)
    draft = draft_of(hoa)
    big = upload("big.pdf", pdf_bytes(60))
    response = client.post(f"/my/drafts/{draft.pk}/", {**FORM, "attach": "TP9", "paper_TP9": [big]})
    assert response.status_code == 413
    assert "Giấy tờ «Bản sao sổ hộ khẩu»" in page_text(response) and "big.pdf" in page_text(response)
    assert not DraftPaper.objects.exists()
