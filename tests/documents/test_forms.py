"""Forms 01 to 04 of Circular 01/2018 signed by the officer who issued them, kept as documents of the
dossier (a refused, closed dossier's Form 03 too), each with its verification page."""

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from motcua.documents import services, verification
from motcua.documents.models import Document
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, ValidationFailed
from tests.factories import BRANCH_TDM, at, birth_request, give_certificate, judicial_request, page_text

pytestmark = pytest.mark.django_db


def test_the_counter_who_received_signs_form_01_and_nobody_else_may(world, signers, document_store):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    give_certificate(world["counter_tdm"], BRANCH_TDM)
    with pytest.raises(Forbidden, match="only they may sign it"):
        services.sign_form(actor=world["counter_tdm"], code=code, form="01")  # the return point's counter
    form = services.sign_form(actor=world["counter_dt"], code=code, form="01")
    assert (form.kind, form.form_key, form.certificate) == (Document.Kind.FORM, "01", signers["counter_dt"])
    data = (document_store / form.storage_name).read_bytes()
    text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert code in text and "Đã ký số" in text
    assert verification.check(data).ok
    again = services.sign_form(actor=world["counter_dt"], code=code, form="01")
    form.refresh_from_db()
    assert (again.version, again.previous_id, form.current) == (2, form.pk, False)
    with pytest.raises(ValidationFailed, match="no form '04-1'"):
        services.sign_form(actor=world["counter_dt"], code=code, form="04-1")


def test_form_03_of_a_refused_dossier_and_form_04_of_an_apology_are_signed(world, signers, document_store):
    refused = intake(
        actor=world["counter_pc"], request=birth_request(decision="refuse", reason="Không thuộc thẩm quyền")
    ).dossier
    give_certificate(world["counter_pc"], refused.receiving_unit.code)
    form = services.sign_form(actor=world["counter_pc"], code=refused.code, form="03")
    assert form.title.startswith("Mẫu số 03") and refused.events.last().action == "sign_form"
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(
        actor=world["spec_justice"],
        code=code,
        action="apologize",
        now=at(2026, 3, 5, 9, 0),
        params={"reason": "Cần xác minh thêm", "new_due_at": "2026-03-25T16:00:00+07:00"},
    )
    give_certificate(world["spec_justice"], "000.00.01.H57")
    apology = services.sign_form(actor=world["spec_justice"], code=code, form="04-1")
    assert apology.title.startswith("Mẫu số 04") and apology.certificate.user == world["spec_justice"].user


def test_the_documents_page_lists_the_forms_and_signs_one_on_a_click(
    world, signers, document_store, local_cache
):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    client = Client()
    client.force_login(world["counter_dt"].user)
    page = page_text(client.get(f"/desk/dossiers/{code}/documents/"))
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in page and 'id="sign-form-01"' in page
    assert "CA thử nghiệm, không có giá trị pháp lý" in page  # the officer's own certificate is a demo one
    response = client.post(f"/desk/dossiers/{code}/documents/", {"do": "form", "form": "01"})
    assert response.status_code == 302
    assert Document.objects.filter(kind="form", form_key="01").count() == 1
    other = Client()
    other.force_login(world["counter_tdm"].user)
    assert 'id="sign-form-01"' not in page_text(other.get(f"/desk/dossiers/{code}/documents/"))
