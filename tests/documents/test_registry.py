"""The certificate registry: importing certificates (all or nothing, every bad line named), the admin's
registration form, and load-demo's demo CA with a certificate for every demo officer who signs."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from motcua.documents import democa
from motcua.documents.models import Certificate
from tests.factories import JUSTICE, POINT_DAU_TIENG

pytestmark = pytest.mark.django_db


def officer_pem(folder, name: str) -> str:
    now = datetime.now(UTC)
    ca_key, ca_cert = democa.ensure_ca(now)
    _, cert = democa.issue(ca_key, ca_cert, name, not_before=now, not_after=now + timedelta(days=10))
    (folder / f"{name}.pem").write_bytes(democa.pem(cert))
    return f"{name}.pem"


def test_import_registers_every_line_or_none(world, document_store, tmp_path, capsys):
    good = officer_pem(tmp_path, "counter_dt")
    sheet = tmp_path / "certs.csv"
    sheet.write_text(
        "username,unit_code,certificate,key_ref\n"
        f"counter_dt,{POINT_DAU_TIENG},{good},token-key-1\n"
        f"nobody,{JUSTICE},{good},\n"
        "lead_justice,,missing.pem,\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as refused:
        call_command("import_certificates", str(sheet))
    assert "certs.csv:3" in str(refused.value) and "certs.csv:4" in str(refused.value)
    assert not Certificate.objects.exists()
    sheet.write_text(
        f"username,unit_code,certificate,key_ref\ncounter_dt,{POINT_DAU_TIENG},{good},token-key-1\n",
        encoding="utf-8",
    )
    call_command("import_certificates", str(sheet))
    certificate = Certificate.objects.get()
    assert (certificate.user.username, certificate.unit.code, certificate.key_ref) == (
        "counter_dt",
        POINT_DAU_TIENG,
        "token-key-1",
    )
    assert certificate.common_name == "counter_dt" and "motcua demo CA" in certificate.issuer


def test_the_admin_registers_a_certificate_from_its_file(world, document_store, tmp_path):
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("root", password="x-test-password-1")
    client = Client()
    client.force_login(admin)
    pem = tmp_path / officer_pem(tmp_path, "lead_justice")
    with open(pem, "rb") as handle:
        response = client.post(
            "/admin/documents/certificate/add/",
            {"user": world["lead_justice"].user.pk, "key_ref": "", "certificate_file": handle},
        )
    assert response.status_code == 302, response.content[:2000]
    certificate = Certificate.objects.get()
    assert certificate.user.username == "lead_justice" and certificate.not_after > datetime.now(UTC)


def test_load_demo_gives_every_signing_officer_a_demo_certificate(document_store, capsys):
    call_command("load_demo", "--no-history")
    out = capsys.readouterr().out
    assert "demo CA, not legally valid" in out
    holders = set(Certificate.objects.values_list("user__username", flat=True))
    # specialists sign the control slip after their hand-overs, and their apologies (Form 04)
    assert {"motcua.diem", "motcua.trungtam", "lanhdao.tuphap", "buudien", "chuyenvien.tuphap"} <= holders
    assert "quanly" not in holders
    assert all(c.demo for c in Certificate.objects.all())
    call_command("load_demo", "--no-history")  # twice: nothing new
    assert Certificate.objects.count() == len(holders)


def test_a_demo_certificate_takes_an_officer_name_longer_than_a_common_name_may_be(document_store):
    now = datetime(2026, 12, 3, 8, tzinfo=UTC)
    long_name = "Cán bộ một cửa Trung tâm Phục vụ hành chính công tỉnh Bình Dương (chi nhánh)"
    assert len(long_name.encode()) > democa.NAME_LIMIT
    ca_key, ca_cert = democa.ensure_ca(now)
    _, cert = democa.issue(ca_key, ca_cert, long_name, not_before=now, not_after=now + timedelta(days=10))
    common_name = cert.subject.get_attributes_for_oid(democa.NameOID.COMMON_NAME)[0].value
    assert long_name.startswith(common_name)
    assert democa.NAME_LIMIT - 4 < len(common_name.encode()) <= democa.NAME_LIMIT
