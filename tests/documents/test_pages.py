"""The documents pages over HTTP on a real database: bad files get a clear 4xx and nothing is stored,
downloads are unit-scoped and recorded, the public verification page (and its upload check) tells a
signed file from one with a changed byte, and the applicant downloads the result after tracking."""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.documents import services
from motcua.documents.models import Document, DocumentAccess
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import act, intake
from tests.factories import (
    image_bytes,
    judicial_request,
    page_text,
    pdf_bomb_bytes,
    pdf_bytes,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(world, local_cache):
    def make(name: str) -> Client:
        client = Client()
        client.force_login(world[name].user)
        return client

    return make


@pytest.fixture
def dossier(world) -> Dossier:
    return intake(actor=world["counter_dt"], request=judicial_request()).dossier


def page_of(code: str) -> str:
    return f"/desk/dossiers/{code}/documents/"


def stored(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def attach_by_page(client: Client, code: str, *files):
    return client.post(page_of(code), {"do": "attach", "component": "TP1", "files": list(files)})


def test_the_counter_attaches_a_scan_on_the_page_and_downloads_it_recorded(staff, dossier, document_store):
    client = staff("counter_dt")
    response = attach_by_page(client, dossier.code, upload("front.jpg", image_bytes()))
    assert response.status_code == 302
    document = Document.objects.get(dossier=dossier)
    page = page_text(client.get(page_of(dossier.code)))
    assert f"/desk/documents/{document.public_id}/" in page and "Chưa số hóa" in page
    assert "Bạn chưa có chứng thư số đã đăng ký để ký." in page  # said before anyone tries to sign
    download = client.get(f"/desk/documents/{document.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert download["Cache-Control"] == "private, no-store"
    assert DocumentAccess.objects.filter(document=document, kind="download").count() == 1


@pytest.mark.parametrize(
    ("name", "content", "status", "words"),
    [
        ("scan.pdf", b"\x7fELF\x02\x01\x01\x00" + bytes(4000), 415, "không phải PDF, JPEG hay PNG"),
        ("scan.pdf", b"MZ\x90\x00" + bytes(4000), 415, "không phải PDF, JPEG hay PNG"),
        ("empty.pdf", b"", 400, "tệp rỗng"),
        ("bomb.pdf", None, 400, "PDF bomb"),
        ("cut.jpg", None, 400, "bị cắt cụt"),
        ("broken.pdf", b"%PDF-1.7\n garbage", 400, "PDF hỏng"),
    ],
)
def test_bad_files_get_a_clear_4xx_and_nothing_is_stored(
    staff, dossier, document_store, name, content, status, words
):
    if name == "bomb.pdf":
        content = pdf_bomb_bytes(100)
    if name == "cut.jpg":
        whole = image_bytes("JPEG", (1200, 1600))
        content = whole[: len(whole) // 2]
    events = dossier.events.count()
    response = attach_by_page(staff("counter_dt"), dossier.code, upload(name, content))
    assert response.status_code == status
    assert words in page_text(response) and name in page_text(response)
    assert stored(document_store) == [] and not Document.objects.exists()
    assert dossier.events.count() == events


def test_a_file_over_the_limit_stops_being_read_and_is_refused(
    staff, dossier, document_store, monkeypatch, settings
):
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "MAX_FILE_MB", 1)
    response = attach_by_page(
        staff("counter_dt"), dossier.code, upload("big.pdf", pdf_bytes() + bytes(2 * 1024 * 1024))
    )
    assert response.status_code == 413 and "1 MB" in page_text(response)
    assert stored(document_store) == [] and not Document.objects.exists()


def test_a_2_gb_upload_is_refused_before_it_is_read(staff, dossier, document_store):
    client = staff("counter_dt")
    response = client.generic(
        "POST",
        page_of(dossier.code),
        data=b"--x--\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert response.status_code == 413 and "MB" in page_text(response)
    assert stored(document_store) == []


def test_another_unit_sees_neither_the_page_nor_the_files_as_if_unknown(
    staff, dossier, world, document_store
):
    document = services.attach(
        actor=world["counter_dt"], code=dossier.code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    outsider = staff("outsider")
    assert outsider.get(page_of(dossier.code)).status_code == 404
    assert outsider.get(f"/desk/documents/{document.public_id}/").status_code == 404
    assert attach_by_page(outsider, dossier.code, upload("b.pdf", pdf_bytes())).status_code == 404
    assert Client().get(f"/desk/documents/{document.public_id}/").status_code == 302  # to the log-in
    assert not DocumentAccess.objects.filter(kind="download").exists()
    assert Document.objects.count() == 1


def signed_scan(world, dossier) -> Document:
    services.attach(
        actor=world["counter_dt"], code=dossier.code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    return services.digitize(actor=world["counter_dt"], code=dossier.code, component="TP1")


def test_the_verification_page_shows_a_valid_signature_and_detects_one_changed_byte(
    world, signers, dossier, document_store, capsys
):
    document = signed_scan(world, dossier)
    page = page_text(Client().get(f"/verify/{document.public_id}"))
    assert "Hợp lệ" in page and "counter_dt" in page and "Điểm tiếp nhận thị trấn Dầu Tiếng" in page
    assert "không có giá trị pháp lý" in page  # the demo CA says so
    assert dossier.applicant_name not in page and dossier.applicant_id_number not in page
    call_command("verify_documents")
    assert "0 difference(s)" in capsys.readouterr().out
    path = document_store / document.storage_name
    data = bytearray(path.read_bytes())
    data[data.find(b"page 1")] = ord("P")
    path.write_bytes(bytes(data))
    page = page_text(Client().get(f"/verify/{document.public_id}"))
    assert "Không hợp lệ" in page and "tệp đã khác với bản được ký" in page
    with pytest.raises(CommandError):
        call_command("verify_documents")
    out = capsys.readouterr().out
    assert document.public_id in out and "SHA-256 differs" in out and "bytes changed" in out


def test_anyone_may_check_a_pdf_they_hold(world, signers, dossier, document_store, local_cache):
    document = signed_scan(world, dossier)
    data = (document_store / document.storage_name).read_bytes()
    response = Client().post(f"/verify/{document.public_id}", {"file": upload("copy.pdf", data)})
    assert "giống hệt tài liệu đã ban hành" in page_text(response)
    changed = bytearray(data)
    changed[changed.find(b"page 1")] = ord("P")
    response = Client().post("/verify/", {"file": upload("copy.pdf", bytes(changed))})
    assert "đã bị thay đổi sau khi ký" in page_text(response)
    response = Client().post("/verify/", {"file": upload("x.pdf", image_bytes())})
    assert response.status_code == 415 and "không phải tệp PDF" in page_text(response)


def test_the_public_check_is_rate_limited(world, signers, dossier, document_store, local_cache):
    client = Client()
    statuses = [
        client.post("/verify/", {"file": upload("x.pdf", pdf_bytes())}).status_code for _ in range(11)
    ]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429


def test_the_applicant_downloads_the_signed_result_after_tracking(
    world, signers, document_store, local_cache
):
    result = intake(actor=world["counter_dt"], request=judicial_request())
    code = result.dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    issued = services.issue_result(actor=world["lead_justice"], code=code, title="Phiếu lý lịch tư pháp số 1")
    applicant = Client()
    assert applicant.get(f"/track/results/{issued.public_id}/").status_code == 404  # not looked up yet
    page = page_text(applicant.post("/track/", {"code": code, "pin": result.pin}))
    assert "Phiếu lý lịch tư pháp số 1" in page and f"/track/results/{issued.public_id}/" in page
    download = applicant.get(f"/track/results/{issued.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    assert DocumentAccess.objects.filter(document=issued, kind="applicant").count() == 1


def test_a_stored_file_gone_missing_is_a_clear_410_and_said_on_the_verification_page(
    world, signers, dossier, document_store, staff, capsys
):
    document = signed_scan(world, dossier)
    (document_store / document.storage_name).unlink()
    download = staff("counter_dt").get(f"/desk/documents/{document.public_id}/")
    assert download.status_code == 410 and "không còn đọc được" in page_text(download)
    assert not DocumentAccess.objects.filter(kind="download").exists()
    page = page_text(Client().get(f"/verify/{document.public_id}"))
    assert "không còn đọc được" in page and "Hợp lệ" not in page
    with pytest.raises(CommandError):
        call_command("verify_documents")
    assert "file cannot be read" in capsys.readouterr().out


def test_the_online_filer_attaches_a_scan_from_tracking_until_the_counter_receives_it(
    world, document_store, local_cache
):
    from motcua.dossiers.permissions import Actor
    from tests.factories import birth_request

    filing = intake(actor=Actor.of_applicant(), request=birth_request(channel=2))
    code, pin = filing.dossier.code, filing.pin
    applicant = Client()
    assert (
        applicant.post(
            "/track/papers/", {"code": code, "component": "TP1", "files": [upload("a.jpg", image_bytes())]}
        ).status_code
        == 404
    )
    page = page_text(applicant.post("/track/", {"code": code, "pin": pin}))
    assert 'id="track-files-TP1"' in page
    done = applicant.post(
        "/track/papers/", {"code": code, "component": "TP1", "files": [upload("a.jpg", image_bytes())]}
    )
    assert done.status_code == 200 and "Tệp của bạn đã được nhận" in page_text(done)
    document = Document.objects.get(dossier__code=code)
    assert document.added_by is None and document.dossier.events.last().role == "applicant"
    api = Client().post(
        f"/api/track/{code}/papers/TP1/files", {"pin": "000000", "files": [upload("b.pdf", pdf_bytes())]}
    )
    assert api.status_code == 404 and Document.objects.count() == 1
    api = Client().post(
        f"/api/track/{code}/papers/TP1/files", {"pin": pin, "files": [upload("b.pdf", pdf_bytes())]}
    )
    assert api.status_code == 201 and api.json()["added_by"] is None and api.json()["version"] == 2
    act(actor=world["counter_pc"], code=code, action="receive")  # received: the filer's part is over
    assert "track-files-TP1" not in page_text(applicant.post("/track/", {"code": code, "pin": pin}))
    late = applicant.post(
        "/track/papers/", {"code": code, "component": "TP1", "files": [upload("c.pdf", pdf_bytes())]}
    )
    assert late.status_code == 403 and Document.objects.count() == 2


def test_a_revocation_after_signing_keeps_the_signature_valid_one_dated_before_does_not(
    world, signers, dossier, document_store
):
    from datetime import timedelta

    from motcua.documents import certificates

    document = signed_scan(world, dossier)
    certificate = signers["counter_dt"]
    certificates.revoke(
        certificate=certificate, at=document.signed_at + timedelta(hours=1), reason="token lost"
    )
    page = page_text(Client().get(f"/verify/{document.public_id}"))
    assert "Hợp lệ" in page and "Có (chuỗi chứng thư đến CA gốc tin cậy)" in page
    certificates.revoke(
        certificate=certificate, at=document.signed_at - timedelta(hours=1), reason="key compromise"
    )
    page = page_text(Client().get(f"/verify/{document.public_id}"))
    assert "Không hợp lệ" in page and "Không: đã bị thu hồi trước khi ký" in page
