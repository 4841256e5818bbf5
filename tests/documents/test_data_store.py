"""The applicant's data store: signed papers kept per ID number, opened at a counter anywhere with the
applicant present (ID number and the PIN of one of their dossiers), every look recorded; a stored paper
reused at a later intake instead of a new scan, recorded and counted as reused (Index 766)."""

import pytest
from django.test import Client

from motcua.catalog.models import Component
from motcua.documents import services, store
from motcua.documents.models import Document, StoreLook
from motcua.documents.selectors import digitization_counts
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import PaperIn, intake
from motcua.errors import Forbidden, NotFound, ValidationFailed
from tests.factories import BRANCH_TDM, assert_consistent, judicial_request, page_text, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def earlier(world, signers, document_store):
    """A dossier received at Dầu Tiếng whose household-register copy (TP9) was scanned and signed;
    TP9 may be reused from the store."""
    Component.objects.filter(code="TP9").update(reusable=True)
    papers = [PaperIn(component="TP1", form="original"), PaperIn(component="TP9", form="copy")]
    result = intake(actor=world["counter_dt"], request=judicial_request(papers=papers))
    code = result.dossier.code
    services.attach(
        actor=world["counter_dt"], code=code, component="TP9", files=[upload("hk.pdf", pdf_bytes(2))]
    )
    signed = services.digitize(actor=world["counter_dt"], code=code, component="TP9")
    return {"code": code, "pin": result.pin, "signed": signed}


def later_at_thu_dau_mot(world) -> Dossier:
    papers = [PaperIn(component="TP1", form="original"), PaperIn(component="TP9", form="copy")]
    request = judicial_request(unit=BRANCH_TDM, papers=papers)
    return intake(actor=world["counter_tdm"], request=request).dossier


def test_a_counter_elsewhere_reuses_a_signed_paper_recorded_and_counted(world, earlier):
    later = later_at_thu_dau_mot(world)
    officer = world["counter_tdm"]
    with pytest.raises(Forbidden, match="Open the applicant's store"):
        store.reuse(actor=officer, code=later.code, component="TP9", source=earlier["signed"].public_id)
    found = store.look_into_store(
        actor=officer, id_number=later.applicant_id_number, code=earlier["code"], pin=earlier["pin"]
    )
    assert [d.public_id for d in found] == [earlier["signed"].public_id]
    assert StoreLook.objects.filter(user=officer.user, id_number=later.applicant_id_number).count() == 1
    reused = store.reuse(actor=officer, code=later.code, component="TP9", source=earlier["signed"].public_id)
    assert reused.reused_from == earlier["signed"] and reused.storage_name == earlier["signed"].storage_name
    paper = reused.paper
    assert paper.reused and paper.digitized
    assert later.events.order_by("seq").last().payload["reused_from"] == earlier["signed"].public_id
    counts = digitization_counts(Dossier.objects.filter(pk=later.pk))
    assert (counts.papers, counts.digitized, counts.reused, counts.signed) == (2, 1, 1, 1)
    assert_consistent(later)


def test_the_store_needs_the_right_pin_and_only_reusable_papers_are_reused(world, earlier):
    later = later_at_thu_dau_mot(world)
    officer = world["counter_tdm"]
    with pytest.raises(NotFound):
        store.look_into_store(
            actor=officer, id_number=later.applicant_id_number, code=earlier["code"], pin="000000"
        )
    with pytest.raises(NotFound):  # the PIN of a dossier of someone else
        store.look_into_store(
            actor=officer, id_number="079000000001", code=earlier["code"], pin=earlier["pin"]
        )
    assert not StoreLook.objects.exists()
    store.look_into_store(
        actor=officer, id_number=later.applicant_id_number, code=earlier["code"], pin=earlier["pin"]
    )
    with pytest.raises(ValidationFailed, match="not allow paper TP1"):
        store.reuse(actor=officer, code=later.code, component="TP1", source=earlier["signed"].public_id)
    stranger = intake(
        actor=world["counter_tdm"],
        request=judicial_request(
            unit=BRANCH_TDM,
            papers=[PaperIn(component="TP1"), PaperIn(component="TP9")],
            applicant=later_applicant("079000000001"),
        ),
    ).dossier
    with pytest.raises(ValidationFailed, match="store holds no signed document"):
        store.reuse(actor=officer, code=stranger.code, component="TP9", source=earlier["signed"].public_id)
    assert Document.objects.filter(reused_from__isnull=False).count() == 0


def later_applicant(id_number: str):
    from motcua.dossiers.services import Applicant

    return Applicant(name="Lâm Văn Khác", id_number=id_number)


def test_the_store_page_opens_with_the_pin_and_reuses_on_a_click(world, earlier, local_cache):
    later = later_at_thu_dau_mot(world)
    client = Client()
    client.force_login(world["counter_tdm"].user)
    page = page_text(
        client.post(
            "/desk/store/",
            {
                "do": "look",
                "for": later.code,
                "id_number": later.applicant_id_number,
                "code": earlier["code"],
                "pin": earlier["pin"],
            },
        )
    )
    assert earlier["signed"].public_id in page and "Bản sao sổ hộ khẩu" in page
    response = client.post(
        "/desk/store/",
        {"do": "reuse", "for": later.code, "component": "TP9", "source": earlier["signed"].public_id},
    )
    assert response.status_code == 302
    assert Document.objects.get(dossier=later).reused_from == earlier["signed"]
    wrong = client.post(
        "/desk/store/",
        {"do": "look", "id_number": later.applicant_id_number, "code": earlier["code"], "pin": "111111"},
    )
    assert wrong.status_code == 404 and StoreLook.objects.count() == 1
