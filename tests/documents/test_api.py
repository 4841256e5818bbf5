"""The documents API with bearer tokens: attach (multipart), sign, issue the result, list, download
(recorded, unit-scoped), and the public verification answer; bad files get the error shape."""

from datetime import timedelta

import pytest
from django.test import Client

from motcua.auth import create_token
from motcua.documents.models import DocumentAccess
from motcua.dossiers.services import act, intake
from tests.factories import POINT_DAU_TIENG, image_bytes, judicial_request, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def bearer(actor) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=actor.user, name='test')}")


def test_attach_sign_issue_list_download_and_verify(world, signers, document_store):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = bearer(world["counter_dt"])
    response = counter.post(
        f"/api/dossiers/{code}/papers/TP1/files",
        {"files": [upload("a.jpg", image_bytes()), upload("b.png", image_bytes("PNG"))]},
    )
    assert response.status_code == 201, response.content
    assert response.json()["pages"] == 2 and not response.json()["signed"]
    signed = counter.post(f"/api/dossiers/{code}/papers/TP1/sign")
    assert signed.status_code == 201 and signed.json()["signed"] and signed.json()["version"] == 2
    act(actor=world["counter_dt"], code=code, action="complete_step")
    result = bearer(world["lead_justice"]).post(f"/api/dossiers/{code}/results", {"title": "Phiếu số 1"})
    assert result.status_code == 201 and result.json()["kind"] == "result"
    listed = counter.get(f"/api/dossiers/{code}/documents").json()
    assert [d["version"] for d in listed if d["kind"] == "paper"] == [1, 2]
    file = counter.get(f"/api/documents/{signed.json()['id']}/file")
    assert file.status_code == 200 and b"".join(file.streaming_content).startswith(b"%PDF-")
    assert DocumentAccess.objects.filter(kind="download").count() == 1
    check = Client().get(f"/api/verify/{result.json()['id']}").json()
    assert check["valid"] and check["stored_unchanged"] and check["unit"] == "Sở Tư pháp" and check["demo_ca"]
    assert bearer(world["outsider"]).get(f"/api/documents/{signed.json()['id']}/file").status_code == 404
    assert DocumentAccess.objects.filter(kind="download").count() == 1


def test_a_renamed_executable_gets_the_error_shape_and_nothing_is_stored(world, document_store):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    response = bearer(world["counter_dt"]).post(
        f"/api/dossiers/{code}/papers/TP1/files", {"files": [upload("scan.pdf", b"MZ\x90\x00" + bytes(100))]}
    )
    assert response.status_code == 415
    body = response.json()
    assert body["code"] == "bad_file" and body["problems"][0]["field"] == "files"
    assert not any(document_store.rglob("*.pdf"))
    too_big = bearer(world["counter_dt"]).generic(
        "POST",
        f"/api/dossiers/{code}/papers/TP1/files",
        b"x",
        "multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(2 * 1024**3),
    )
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    good = bearer(world["counter_dt"]).post(
        f"/api/dossiers/{code}/papers/TP1/files", {"files": [upload("a.pdf", pdf_bytes())]}
    )
    assert good.status_code == 201  # the refusals left nothing behind that stops a good file


def test_the_control_slip_and_the_log_book_are_signed_through_the_api(world, signers, document_store):
    from django.utils import timezone

    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter, today = bearer(world["counter_dt"]), timezone.localdate()
    slip = counter.post(f"/api/dossiers/{code}/forms/06/sign")
    assert slip.status_code == 201, slip.content
    assert (slip.json()["kind"], slip.json()["signer"], slip.json()["version"]) == ("form", "counter_dt", 1)
    page = counter.post(f"/api/units/{POINT_DAU_TIENG}/log-book/{today.isoformat()}/sign")
    assert page.status_code == 201 and page.json()["kind"] == "log_book" and page.json()["signed"]
    assert bearer(world["lead_justice"]).post(f"/api/dossiers/{code}/forms/06/sign").status_code == 403
    assert (
        bearer(world["counter_pc"]).post(f"/api/units/{POINT_DAU_TIENG}/log-book/{today}/sign").status_code
        == 403
    )
    tomorrow = (today + timedelta(days=1)).isoformat()
    future = counter.post(f"/api/units/{POINT_DAU_TIENG}/log-book/{tomorrow}/sign")
    assert future.status_code == 400 and future.json()["problems"][0]["field"] == "day"
    assert counter.post(f"/api/units/{POINT_DAU_TIENG}/log-book/2026-13-01/sign").status_code == 422
    unknown = counter.post(f"/api/dossiers/{code}/forms/99/sign")
    assert unknown.status_code == 400 and unknown.json()["problems"][0]["field"] == "form"
