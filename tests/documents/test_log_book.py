"""Form 05, the dossier log book: a unit's page of one day (the dossiers it took in, in log-book order),
printed, and signed by a counter officer of the unit as a document of the unit, a new version at each
signing. Real PAdES signatures checked by pyHanko and by poppler's pdfsig."""

import io
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from motcua.documents import certificates, services, verification
from motcua.documents.models import Document
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, NotFound, ValidationFailed
from tests.factories import (
    POINT_DAU_TIENG,
    birth_request,
    give_certificate,
    judicial_request,
    page_text,
)

pytestmark = pytest.mark.django_db


def two_received(world) -> list[str]:
    return [intake(actor=world["counter_dt"], request=judicial_request()).dossier.code for _ in range(2)]


def text_of(document_store, document) -> str:
    data = (document_store / document.storage_name).read_bytes()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_counter_signs_the_day_s_page_as_it_stands_and_again_when_it_grew(
    world, signers, document_store, capsys
):
    codes = two_received(world)
    today = timezone.localdate()
    act(actor=world["counter_dt"], code=codes[0], action="complete_step")  # sent to the Department of Justice
    page = services.sign_log_book(actor=world["counter_dt"], unit_code=POINT_DAU_TIENG, day=today)
    assert (page.kind, page.form_key, page.day, page.dossier_id) == (
        Document.Kind.LOG_BOOK,
        "05",
        today,
        None,
    )
    assert page.certificate == signers["counter_dt"] and page.unit.code == POINT_DAU_TIENG
    text = text_of(document_store, page)
    assert "SỔ THEO DÕI HỒ SƠ" in text and all(code in text for code in codes) and "2 hồ sơ" in text
    assert "Sở Tư pháp" in text and "Đã ký số" in text
    data = (document_store / page.storage_name).read_bytes()
    report = verification.check(data)
    assert report.ok and report.unchanged and report.signatures[0].signer == "counter_dt"
    out = subprocess.run(
        ["pdfsig", str(document_store / page.storage_name)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" in out and "Total document signed" in out

    third = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    again = services.sign_log_book(actor=world["counter_dt"], unit_code=POINT_DAU_TIENG, day=today)
    page.refresh_from_db()
    assert (again.version, again.previous_id, page.current, again.current) == (2, page.pk, False, True)
    assert third in text_of(document_store, again) and third not in text_of(document_store, page)
    call_command("verify_documents")
    assert "2 files, 2 signatures checked; 0 difference(s)" in capsys.readouterr().out


def test_only_the_unit_s_counter_officers_sign_its_log_book(world, signers, document_store):
    two_received(world)
    today = timezone.localdate()
    for other in ("counter_pc", "lead_dt", "lead_justice"):  # another point; not counter officers
        with pytest.raises(Forbidden, match="counter officers"):
            services.sign_log_book(actor=world[other], unit_code=POINT_DAU_TIENG, day=today)
    with pytest.raises(NotFound):
        services.sign_log_book(actor=world["counter_dt"], unit_code="000.00.99.H57", day=today)
    with pytest.raises(ValidationFailed, match="has not come yet"):
        services.sign_log_book(actor=world["counter_dt"], unit_code=POINT_DAU_TIENG, day=today + timedelta(1))
    certificates.revoke(certificate=signers["counter_dt"], at=datetime.now(UTC), reason="token lost")
    with pytest.raises(Forbidden, match="revoked"):
        services.sign_log_book(actor=world["counter_dt"], unit_code=POINT_DAU_TIENG, day=today)
    assert not Document.objects.exists()
    assert not any(p.is_file() for p in document_store.rglob("*"))


def test_a_log_book_page_belongs_to_no_dossier_and_a_dossier_s_document_to_no_day(
    world, signers, document_store
):
    dossier = intake(actor=world["counter_pc"], request=birth_request()).dossier
    code = dossier.code
    give_certificate(world["counter_pc"], dossier.receiving_unit.code)
    form = services.sign_form(actor=world["counter_pc"], code=code, form="01")
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=form.pk).update(day=timezone.localdate())
    with pytest.raises(IntegrityError), transaction.atomic():
        Document.objects.filter(pk=form.pk).update(kind=Document.Kind.LOG_BOOK)


def test_the_log_book_page_lists_signs_and_guards_its_downloads(world, signers, document_store, local_cache):
    codes = two_received(world)
    counter, outsider = Client(), Client()
    counter.force_login(world["counter_dt"].user)
    outsider.force_login(world["counter_pc"].user)
    page = page_text(counter.get("/desk/log-book/"))
    assert all(code in page for code in codes) and 'id="sign-log-book"' in page and "Chưa ký số." in page
    printed = counter.get(f"/desk/log-book/?unit={POINT_DAU_TIENG}&format=pdf")
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF-")
    assert counter.get("/desk/log-book/?day=2026-13-40").status_code == 400
    assert outsider.get(f"/desk/log-book/?unit={POINT_DAU_TIENG}").status_code == 404
    assert counter.post("/desk/log-book/", {"unit": POINT_DAU_TIENG, "day": ""}).status_code == 302
    signed = Document.objects.get(kind=Document.Kind.LOG_BOOK)
    page = page_text(counter.get(f"/desk/log-book/?unit={POINT_DAU_TIENG}"))
    assert f"/verify/{signed.public_id}" in page and 'id="log-book-v1"' in page
    assert counter.get(f"/desk/documents/{signed.public_id}/").status_code == 200
    assert outsider.get(f"/desk/documents/{signed.public_id}/").status_code == 404
    verify = page_text(Client().get(f"/verify/{signed.public_id}"))
    assert "Hợp lệ" in verify and "counter_dt" in verify
    other_unit = Client()
    other_unit.force_login(world["lead_justice"].user)
    assert other_unit.post("/desk/log-book/", {"unit": POINT_DAU_TIENG}).status_code == 404
