"""The demo certificate authority: a root made once per installation under MOTCUA_HOME (its certificate
goes into the trust roots folder), and a certificate with a PKCS#12 key file for each demo officer who
signs. Every certificate it issues is registered as demo: pages say "demo CA, not legally valid"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings

CA_NAME = "motcua demo CA (not legally valid)"


# RFC 5280 caps a common name and an organization name at 64 (ub-common-name); cryptography counts UTF-8
# bytes, and a Vietnamese name takes more bytes than letters
NAME_LIMIT = 64


def fit_name(text: str) -> str:
    """The longest start of text within NAME_LIMIT bytes of UTF-8, never cut inside a letter."""
    return text.encode()[:NAME_LIMIT].decode(errors="ignore")


def _name(common_name: str, unit: str = "") -> x509.Name:
    parts = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.COMMON_NAME, fit_name(common_name)),
    ]
    if unit:
        parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, fit_name(unit)))
    return x509.Name(parts)


def make_ca(now: dt.datetime, years: int = 10) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(CA_NAME)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(
    ca_key,
    ca_cert: x509.Certificate,
    common_name: str,
    *,
    unit: str = "",
    not_before: dt.datetime,
    not_after: dt.datetime,
    timestamping: bool = False,
    key=None,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    """A certificate for signing documents (or, timestamping=True, for a timestamp authority)."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, unit))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
    )
    if timestamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        ).add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True
        )
    else:
        builder = builder.add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False), critical=True
        )
    return key, builder.sign(ca_key, hashes.SHA256())


def write_pkcs12(path: Path, key, cert: x509.Certificate, ca_cert: x509.Certificate, password: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = pkcs12.serialize_key_and_certificates(
        b"motcua-signing-key",
        key,
        cert,
        [ca_cert],
        serialization.BestAvailableEncryption(password),
    )
    path.write_bytes(data)
    path.chmod(0o600)


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def ensure_ca(now: dt.datetime) -> tuple:
    """The installation's demo CA (made once): its key under MOTCUA_KEYS, its certificate in the trust
    roots folder."""
    cfg = settings.MOTCUA["DOCUMENTS"]
    keys, roots = Path(cfg["KEYS"]), Path(cfg["TRUST_ROOTS"])
    key_file, cert_file = keys / "demo-ca.key.pem", roots / "demo-ca.pem"
    if key_file.exists() and cert_file.exists():
        key = serialization.load_pem_private_key(key_file.read_bytes(), None)
        return key, x509.load_pem_x509_certificate(cert_file.read_bytes())
    key, cert = make_ca(now)
    keys.mkdir(parents=True, exist_ok=True)
    roots.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_file.chmod(0o600)
    cert_file.write_bytes(pem(cert))
    return key, cert


def ensure_officer_certificate(user, unit, now: dt.datetime, password: bytes):
    """A registered demo certificate (valid two years) and PKCS#12 file for a demo officer, once."""
    from . import certificates
    from .models import Certificate

    existing = Certificate.objects.filter(user=user, demo=True, not_after__gt=now).first()
    if existing and Path(existing.key_ref).is_file():
        return existing
    ca_key, ca_cert = ensure_ca(now)
    name = user.get_full_name() or user.get_username()
    key, cert = issue(
        ca_key,
        ca_cert,
        name,
        unit=unit.name_vi if unit else "",
        not_before=now - dt.timedelta(days=1),
        not_after=now + dt.timedelta(days=730),
    )
    path = Path(settings.MOTCUA["DOCUMENTS"]["KEYS"]) / f"{user.get_username()}.p12"
    write_pkcs12(path, key, cert, ca_cert, password)
    return certificates.register(user=user, data=pem(cert), unit=unit, key_ref=str(path), demo=True)


# who signs: scans at the counter, results at the agency, apologies and the control slip's hand-overs
SIGNING_ROLES = ("counter", "postal", "specialist", "leader")


def ensure_demo_signers(accounts, now: dt.datetime) -> list:
    """A demo certificate for every demo officer who signs (counter, postal, specialist and leader accounts)."""
    from django.contrib.auth import get_user_model

    from motcua.network.models import Unit

    from .signing import pkcs12_password

    users = get_user_model().objects
    made = []
    for account in accounts:
        if account.role in SIGNING_ROLES:
            user = users.get(username=account.username)
            unit = Unit.objects.get(code=account.unit_code)
            made.append(ensure_officer_certificate(user, unit, now, pkcs12_password()))
    return made
