"""The registry of staff signing certificates: registering one from its PEM or DER (subject, serial,
issuer, validity read from the certificate itself), revoking one, and the one rule every signature
obeys: only a registered, unrevoked certificate valid now may sign."""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.db import transaction

from motcua.errors import Forbidden, Problem, ValidationFailed

from .models import Certificate


def load_certificate(data: bytes) -> x509.Certificate:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise ValidationFailed(
            message_vi="Không đọc được chứng thư số (cần PEM hoặc DER).",
            message_en="The certificate cannot be read (PEM or DER expected).",
            problems=[Problem("certificate", "không hợp lệ", "invalid")],
        ) from None


def _common_name(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return str(names[0].value) if names else ""


@transaction.atomic
def register(*, user, data: bytes, unit=None, key_ref: str = "", demo: bool = False) -> Certificate:
    """Register (or update the unit and key of) the certificate in data for a staff member."""
    cert = load_certificate(data)
    der = cert.public_bytes(Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    values = {
        "user": user,
        "unit": unit,
        "subject": cert.subject.rfc4514_string()[:500],
        "common_name": _common_name(cert)[:200],
        "serial": format(cert.serial_number, "x"),
        "issuer": cert.issuer.rfc4514_string()[:500],
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
        "der": der,
        "key_ref": key_ref,
        "demo": demo,
    }
    certificate, _ = Certificate.objects.update_or_create(fingerprint=fingerprint, defaults=values)
    return certificate


@transaction.atomic
def revoke(*, certificate: Certificate, at: datetime, reason: str = "") -> Certificate:
    certificate.revoked_at, certificate.revocation_reason = at, reason[:300]
    certificate.save(update_fields=["revoked_at", "revocation_reason"])
    return certificate


def refusal(certificate: Certificate, now: datetime) -> tuple[str, str] | None:
    """Why this certificate may not sign now, or None."""
    if certificate.revoked_at is not None and certificate.revoked_at <= now:
        return (
            f"Chứng thư số {certificate.serial} đã bị thu hồi; không thể ký.",
            f"Certificate {certificate.serial} has been revoked; it cannot sign.",
        )
    if now > certificate.not_after:
        return (
            f"Chứng thư số {certificate.serial} đã hết hạn ngày {certificate.not_after:%d/%m/%Y}; không thể ký.",
            f"Certificate {certificate.serial} expired on {certificate.not_after:%Y-%m-%d}; it cannot sign.",
        )
    if now < certificate.not_before:
        return (
            f"Chứng thư số {certificate.serial} chưa có hiệu lực.",
            f"Certificate {certificate.serial} is not valid yet.",
        )
    return None


def signing_certificate(user, now: datetime) -> Certificate:
    """The user's certificate to sign with now: their newest registered one. Refused (403) when they
    have none, or when it is revoked or expired."""
    certificates = list(Certificate.objects.filter(user=user).order_by("-not_after", "-id"))
    if not certificates:
        raise Forbidden(
            "Bạn chưa có chứng thư số đã đăng ký để ký.",
            "You have no registered signing certificate.",
        )
    usable = [c for c in certificates if refusal(c, now) is None]
    if usable:
        return usable[0]
    raise Forbidden(*refusal(certificates[0], now))
