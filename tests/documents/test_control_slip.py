"""Form 06, the control slip, signed: by the officer who received the dossier until its first hand-over,
then by the officer of each hand-over, each signature a new version of the slip as it stood (a signed
PDF never changes). Real PAdES signatures checked by pyHanko and by poppler's pdfsig."""

import io
import subprocess
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.test import Client
from pypdf import PdfReader

from motcua.documents import certificates, forms, services, verification
from motcua.documents.models import Document
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, NotFound, ValidationFailed
from tests.factories import BRANCH_TDM, JUSTICE, birth_request, give_certificate, judicial_request, page_text

pytestmark = pytest.mark.django_db


def received(world) -> str:
    return intake(actor=world["counter_dt"], request=judicial_request()).dossier.code


def slip_text(document_store, document: Document) -> str:
    data = (document_store / document.storage_name).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def pdfsig(path) -> str:
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_each_hand_over_s_officer_signs_the_slip_as_it_stands_a_new_version_each_time(
    world, signers, document_store, capsys
):
    code = received(world)
    first = services.sign_form(actor=world["counter_dt"], code=code, form="06")  # who received it
    assert (first.kind, first.form_key, first.certificate) == (
        Document.Kind.FORM,
        "06",
        signers["counter_dt"],
    )
    text = slip_text(document_store, first)
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in text and "chưa được chuyển giao" in text
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "Đã ký số" in text

    act(actor=world["counter_dt"], code=code, action="complete_step")  # row 1: to the Department of Justice
    second = services.sign_form(actor=world["counter_dt"], code=code, form="06")
    first.refresh_from_db()
    assert (second.version, second.previous_id, first.current) == (2, first.pk, False)
    text = slip_text(document_store, second)
    assert "NGƯỜI GIAO HỒ SƠ" in text and "Sở Tư pháp" in text and "chưa được chuyển giao" not in text

    act(actor=world["spec_justice"], code=code, action="complete_step")  # row 2, by the specialist
    with pytest.raises(Forbidden, match="latest entry"):
        services.sign_form(actor=world["counter_dt"], code=code, form="06")
    give_certificate(world["spec_justice"], JUSTICE)
    third = services.sign_form(actor=world["spec_justice"], code=code, form="06")
    assert (third.version, third.certificate.user) == (3, world["spec_justice"].user)
    assert third.unit.code == JUSTICE

    data = (document_store / third.storage_name).read_bytes()
    report = verification.check(data)
    assert report.ok and report.unchanged and report.signatures[0].signer == "spec_justice"
    assert len(PdfReader(io.BytesIO(data)).pages[0].extract_text().split("Giao:")) == 3  # two rows
    out = pdfsig(document_store / third.storage_name)
    assert "Signature is Valid" in out and "Total document signed" in out
    dossier = Dossier.objects.get(code=code)
    signed = [e for e in dossier.events.all() if e.action == "sign_form"]
    assert [(e.payload["form"], e.actor_id) for e in signed] == [
        ("06", world["counter_dt"].user.pk),
        ("06", world["counter_dt"].user.pk),
        ("06", world["spec_justice"].user.pk),
    ]
    assert verify_chain(dossier) == []
    call_command("verify_documents")  # every version of the slip, rehashed and revalidated
    assert "3 files, 3 signatures checked; 0 difference(s)" in capsys.readouterr().out


def test_officers_of_other_units_cannot_sign_the_control_slip(world, signers, document_store):
    code = received(world)
    act(actor=world["counter_dt"], code=code, action="complete_step")
    give_certificate(world["counter_tdm"], BRANCH_TDM)  # a certificate is not the right to sign
    for involved in ("counter_tdm", "lead_justice"):  # the return point; the competent agency's leader
        with pytest.raises(Forbidden, match="latest entry"):
            services.sign_form(actor=world[involved], code=code, form="06")
    for outsider in ("lead_dt", "counter_pc"):  # units with no part in the dossier do not even see it
        with pytest.raises(NotFound):
            services.sign_form(actor=world[outsider], code=code, form="06")
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in document_store.rglob("*"))


def test_a_revoked_certificate_cannot_sign_the_control_slip(world, signers, document_store):
    code = received(world)
    certificates.revoke(certificate=signers["counter_dt"], at=datetime.now(UTC), reason="token lost")
    with pytest.raises(Forbidden, match="revoked"):
        services.sign_form(actor=world["counter_dt"], code=code, form="06")
    assert not Document.objects.exists()
    assert not Dossier.objects.get(code=code).events.filter(action="sign_form").exists()


def test_a_refused_dossier_has_no_control_slip(world, signers, document_store):
    refused = intake(
        actor=world["counter_pc"], request=birth_request(decision="refuse", reason="Không thuộc thẩm quyền")
    ).dossier
    give_certificate(world["counter_pc"], refused.receiving_unit.code)
    from motcua.dossiers.selectors import dossier_detail

    assert [f.key for f in forms.issued_forms(dossier_detail(world["counter_pc"], refused.code))] == ["03"]
    with pytest.raises(ValidationFailed, match="no form '06'"):
        services.sign_form(actor=world["counter_pc"], code=refused.code, form="06")


def test_the_dossier_page_offers_the_slip_to_its_signer_and_says_when_it_is_behind(
    world, signers, document_store, local_cache
):
    code = received(world)
    counter, other = Client(), Client()
    counter.force_login(world["counter_dt"].user)
    other.force_login(world["counter_tdm"].user)
    page = page_text(counter.get(f"/desk/dossiers/{code}/"))
    assert 'id="sign-control-slip"' in page and "Chưa ký số." in page
    assert 'id="sign-control-slip"' not in page_text(other.get(f"/desk/dossiers/{code}/"))
    response = counter.post(f"/desk/dossiers/{code}/documents/", {"do": "form", "form": "06"})
    assert response.status_code == 302
    signed = Document.objects.get(kind="form", form_key="06")
    page = page_text(counter.get(f"/desk/dossiers/{code}/"))
    assert f"/verify/{signed.public_id}" in page and "Bản đã ký số lần 1" in page
    assert "Ký số lại phiếu kiểm soát" in page  # up to date: offered again, not urged
    act(actor=world["counter_dt"], code=code, action="complete_step")
    page = page_text(counter.get(f"/desk/dossiers/{code}/"))
    assert "1 lần giao, nhận sau đó, chưa ký số" in page and 'id="sign-control-slip"' in page
    documents_page = page_text(counter.get(f"/desk/dossiers/{code}/documents/"))
    assert 'id="form-06"' in documents_page and f"/verify/{signed.public_id}" in documents_page
