"""The PKCS#11 key store against Debian's SoftHSM2 (a token initialised for the test, the officer's key
imported into it), and PAdES B-T with pyHanko's own in-process timestamp authority (no network)."""

import shutil
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from motcua.documents import certificates, democa, services, signing, verification
from motcua.dossiers.services import intake
from tests.factories import POINT_DAU_TIENG, judicial_request, pdf_bytes, upload

pytestmark = pytest.mark.django_db

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
PIN = "246810"


@pytest.fixture
def softhsm_token(tmp_path, monkeypatch, settings):
    if not shutil.which("softhsm2-util"):
        pytest.fail("softhsm2 is missing: the Makefile's set-up installs Debian's softhsm2 package")
    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    subprocess.run(
        [
            "softhsm2-util",
            "--init-token",
            "--free",
            "--label",
            "motcua-test",
            "--pin",
            PIN,
            "--so-pin",
            "13579",
        ],
        check=True,
        capture_output=True,
    )
    config = settings.MOTCUA["DOCUMENTS"]
    monkeypatch.setitem(config, "KEY_STORE", "pkcs11")
    monkeypatch.setitem(config, "PKCS11_LIBRARY", SOFTHSM_LIB)
    monkeypatch.setitem(config, "PKCS11_TOKEN", "motcua-test")
    monkeypatch.setitem(config, "PKCS11_PIN", PIN)
    return tmp_path


def test_a_scan_is_signed_with_a_key_on_a_pkcs11_token(world, document_store, softhsm_token):
    now = datetime.now(UTC)
    ca_key, ca_cert = democa.ensure_ca(now)
    key, cert = democa.issue(
        ca_key,
        ca_cert,
        "Phạm Thị Token",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
    )
    key_file = softhsm_token / "officer.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    subprocess.run(
        [
            "softhsm2-util",
            "--import",
            str(key_file),
            "--token",
            "motcua-test",
            "--label",
            "officer-key",
            "--id",
            "a1",
            "--pin",
            PIN,
        ],
        check=True,
        capture_output=True,
    )
    key_file.unlink()  # the key now lives on the token only
    certificates.register(user=world["counter_dt"].user, data=democa.pem(cert), key_ref="officer-key")
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    signed = services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    report = verification.check((document_store / signed.storage_name).read_bytes())
    assert report.ok and report.signatures[0].signer == "Phạm Thị Token"


def test_a_wrong_token_pin_is_a_clear_refusal_and_nothing_is_stored(
    world, document_store, softhsm_token, monkeypatch, settings
):
    from tests.factories import give_certificate

    give_certificate(world["counter_dt"], POINT_DAU_TIENG)
    monkeypatch.setitem(settings.MOTCUA["DOCUMENTS"], "PKCS11_PIN", "000000")
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    services.attach(
        actor=world["counter_dt"], code=code, component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    files_before = sorted(p for p in document_store.rglob("*") if p.is_file())
    with pytest.raises(signing.SigningFailed) as refused:
        services.digitize(actor=world["counter_dt"], code=code, component="TP1")
    assert refused.value.http_status == 409 and "không ký được" in refused.value.message_vi.lower()
    assert sorted(p for p in document_store.rglob("*") if p.is_file()) == files_before


def test_with_a_timestamp_authority_the_signature_is_pades_b_t(world, signers, document_store):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    now = datetime.now(UTC)
    ca_key, ca_cert = democa.ensure_ca(now)
    tsa_key, tsa_cert = democa.issue(
        ca_key,
        ca_cert,
        "motcua test TSA",
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=30),
        timestamping=True,
        key=rsa.generate_private_key(public_exponent=65537, key_size=2048),  # pyHanko's test TSA is RSA-only
    )
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(serialization.Encoding.DER)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )
    text = signing.StampText("Lê Văn Ký", "Sở Tư pháp", now, signing.verify_url("abc"), True)
    signed, level = signing.sign(
        pdf_bytes(),
        certificate=signers["lead_justice"],
        stamp_text=text,
        reason="test",
        location="Bình Dương",
        stamper=stamper,
    )
    report = verification.check(signed)
    assert level == "B-T" and report.ok and report.signatures[0].timestamped
