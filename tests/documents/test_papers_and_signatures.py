"""Papers as files and staff signatures, through the services on a real database: real PDFs and images,
real PAdES signatures made with pyHanko from PKCS#12 files, validated by pyHanko and by poppler's pdfsig."""

import hashlib
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from motcua.documents import services, verification
from motcua.documents.models import Document
from motcua.documents.selectors import digitization_counts
from motcua.dossiers.events import verify_chain
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, MotcuaError, NotFound
from tests.factories import (
    POINT_DAU_TIENG,
    assert_consistent,
    give_certificate,
    image_bytes,
    judicial_request,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


def received(world) -> str:
    return intake(actor=world["counter_dt"], request=judicial_request()).dossier.code


def stored_files(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_scan_is_stored_with_its_hash_pages_and_author_and_the_event_records_it(world, document_store):
    code = received(world)
    content = pdf_bytes(3)
    document = services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("scan.pdf", content)]
    )
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert (document.pages, document.size, document.added_by.username) == (3, len(content), "counter_dt")
    assert (document_store / document.storage_name).read_bytes() == content
    dossier = Dossier.objects.get(code=code)
    assert dossier.events.last().action == "attach_paper"
    assert dossier.events.last().payload["document"] == document.public_id
    assert_consistent(dossier)


def test_several_images_of_one_paper_become_one_pdf(world, document_store):
    code = received(world)
    files = [upload("front.jpg", image_bytes("JPEG")), upload("back.png", image_bytes("PNG"))]
    document = services.attach(actor=world["counter_dt"], code=code, component="TP1", files=files)
    data = (document_store / document.storage_name).read_bytes()
    assert data.startswith(b"%PDF-") and len(PdfReader(__import__("io").BytesIO(data)).pages) == 2
    assert document.original_names == ["front.jpg", "back.png"]


def test_the_counter_signs_a_scan_a_new_version_that_pyhanko_and_pdfsig_both_validate(
    world, signers, document_store
):
    code = received(world)
    scan = services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    signed = services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    scan.refresh_from_db()
    assert (scan.current, signed.current, signed.version, signed.previous_id) == (False, True, 2, scan.pk)
    assert (document_store / scan.storage_name).read_bytes() == scan_bytes(scan, document_store)
    assert signed.paper.digitized and signed.certificate == signers["counter_dt"]
    data = (document_store / signed.storage_name).read_bytes()
    report = verification.check(data)
    assert report.ok and report.unchanged and report.signatures[0].signer == "counter_dt"
    assert signed.signature_level == "B-B"
    path = document_store / signed.storage_name
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid" in out and "Total document signed" in out
    counts = digitization_counts(Dossier.objects.filter(code=code))
    assert (counts.papers, counts.digitized, counts.signed, counts.reused) == (1, 1, 1, 0)
    assert verify_chain(Dossier.objects.get(code=code)) == []


def scan_bytes(scan, folder) -> bytes:
    data = (folder / scan.storage_name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == scan.sha256  # the scan itself never changed
    return data


def test_one_changed_byte_is_detected_by_pyhanko_and_by_pdfsig(world, signers, document_store, tmp_path):
    code = received(world)
    services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    signed = services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    data = bytearray((document_store / signed.storage_name).read_bytes())
    spot = data.find(b"page 1")
    data[spot] = ord("P")
    report = verification.check(bytes(data))
    assert report.signed and not report.ok and not report.unchanged
    (tmp_path / "t.pdf").write_bytes(bytes(data))
    out = subprocess.run(
        ["pdfsig", str(tmp_path / "t.pdf")], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature is Valid" not in out


def test_a_revoked_or_expired_certificate_is_refused_and_nothing_is_stored(world, signers, document_store):
    code = received(world)
    services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    before = stored_files(document_store)
    from motcua.documents import certificates

    certificates.revoke(certificate=signers["counter_dt"], at=datetime.now(UTC), reason="token lost")
    with pytest.raises(Forbidden, match="revoked"):
        services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    now = datetime.now(UTC)
    give_certificate(
        world["counter_dt"],
        POINT_DAU_TIENG,
        not_before=now - timedelta(days=400),
        not_after=now - timedelta(days=1),
    )
    with pytest.raises(Forbidden, match="expired|revoked"):
        services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    assert stored_files(document_store) == before
    assert Document.objects.filter(certificate__isnull=False).count() == 0


def test_the_leader_issues_a_signed_result_from_the_template(world, signers, document_store):
    code = received(world)
    act(actor=world["counter_dt"], code=code, action="complete_step")
    result = services.issue_result(actor=world["lead_justice"], code=code)
    assert result.kind == Document.Kind.RESULT and result.certificate == signers["lead_justice"]
    report = verification.check((document_store / result.storage_name).read_bytes())
    assert report.ok and report.signatures[0].unit == "Sở Tư pháp"


def test_staff_of_another_unit_may_neither_attach_nor_sign(world, signers, document_store):
    code = received(world)
    with pytest.raises(NotFound):  # the same answer as an unknown code
        services.attach(
            actor=world["outsider"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
        )
    with pytest.raises(NotFound):
        services.issue_result(actor=world["lead_dt"], code=code)  # a leader, but of another unit
    assert stored_files(document_store) == []


def test_the_generic_action_endpoint_cannot_attach_without_a_file(world, document_store):
    code = received(world)
    with pytest.raises(MotcuaError, match="file is needed"):
        act(actor=world["counter_dt"], code=code, action="attach_paper", params={"component": "TP1"})


def test_a_file_stored_for_a_call_that_then_fails_is_removed(world, document_store):
    code = received(world)
    with pytest.raises(MotcuaError):
        name = services._store_bytes(pdf_bytes(), "orphan", datetime.now(UTC))
        assert (document_store / name).exists()
        with services.removed_on_failure(name):
            act(actor=world["outsider"], code=code, action="complete_step")  # refused: another unit
    assert stored_files(document_store) == []
