"""Checking a signed PDF against the configured trust roots with pyHanko's validator: for each
signature, whether the bytes it covers are unchanged, whether it covers the whole file, who signed and
when, and whether the certificate chained to a trust root and was valid at the signing time. Nothing is
fetched from the network (no OCSP or CRL): revocation is the registry's (certificates.py)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from .models import Certificate

ROOT_SUFFIXES = {".pem", ".crt", ".cer", ".der"}


@dataclass
class SignatureCheck:
    signer: str
    serial: str
    issuer: str
    signed_at: datetime | None
    timestamped: bool
    intact: bool  # the covered bytes hash to what was signed
    whole_file: bool  # nothing was added after the signature
    trusted: bool  # the chain reaches a configured root, valid at the signing time
    revoked_before_signing: bool  # the registry says the certificate was revoked by then
    unit: str = ""
    demo: bool = False

    @property
    def valid_at_signing(self) -> bool:
        return self.trusted and not self.revoked_before_signing

    @property
    def ok(self) -> bool:
        return self.intact and self.whole_file and self.valid_at_signing


@dataclass
class Report:
    signatures: list[SignatureCheck] = field(default_factory=list)
    readable: bool = True

    @property
    def signed(self) -> bool:
        return bool(self.signatures)

    @property
    def ok(self) -> bool:
        return self.readable and self.signed and all(s.ok for s in self.signatures)

    @property
    def unchanged(self) -> bool:
        return (
            self.readable
            and self.signed
            and all(s.intact for s in self.signatures)
            and (self.signatures[-1].whole_file)
        )


def roots_folder() -> Path:
    return Path(settings.MOTCUA["DOCUMENTS"]["TRUST_ROOTS"])


def trust_roots() -> list[asn1_x509.Certificate]:
    folder = roots_folder()
    stamp = (
        tuple(
            (p.name, p.stat().st_mtime_ns)
            for p in sorted(folder.glob("*"))
            if p.suffix.lower() in ROOT_SUFFIXES
        )
        if folder.is_dir()
        else ()
    )
    return list(_roots(str(folder), stamp))


@lru_cache(maxsize=4)
def _roots(folder: str, stamp: tuple) -> tuple[asn1_x509.Certificate, ...]:
    roots = []
    for name, _ in stamp:
        data = (Path(folder) / name).read_bytes()
        if pem.detect(data):
            roots += [asn1_x509.Certificate.load(der) for _, _, der in pem.unarmor(data, multiple=True)]
        else:
            roots.append(asn1_x509.Certificate.load(data))
    return tuple(roots)


def check(data: bytes, *, moment: datetime | None = None) -> Report:
    """Validate every signature of a PDF. moment: when to judge the certificate (default: each
    signature's time, from its timestamp when it has one, else the time the signer gave)."""
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:
        return Report(readable=False)
    roots = trust_roots()
    report = Report()
    for sig in embedded:
        try:
            report.signatures.append(_check_one(sig, roots, moment))
        except Exception:
            report.signatures.append(SignatureCheck("?", "", "", None, False, False, False, False, False))
    return report


def _check_one(sig, roots, moment) -> SignatureCheck:
    claimed = sig.self_reported_timestamp
    judged_at = moment or claimed
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, moment=judged_at, revocation_mode="soft-fail"
    )
    status = validate_pdf_signature(sig, context, ts_validation_context=context, skip_diff=True)
    signed_at = claimed
    if status.timestamp_validity is not None:
        signed_at = status.timestamp_validity.timestamp
    cert = status.signing_cert
    serial = format(cert.serial_number, "x")
    issuer = cert.issuer.human_friendly
    fingerprint = hashlib.sha256(cert.dump()).hexdigest()
    registered = Certificate.objects.filter(fingerprint=fingerprint).select_related("unit").first()
    revoked = bool(
        registered
        and registered.revoked_at is not None
        and (signed_at is None or registered.revoked_at <= signed_at)
    )
    unit = ""
    if registered and registered.unit:
        unit = registered.unit.name_vi
    return SignatureCheck(
        signer=cert.subject.native.get("common_name", "") or cert.subject.human_friendly,
        serial=serial,
        issuer=issuer,
        signed_at=signed_at,
        timestamped=status.timestamp_validity is not None,
        intact=bool(status.intact and status.valid),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        trusted=bool(status.trusted),
        revoked_before_signing=revoked,
        unit=unit,
        demo=bool(registered and registered.demo),
    )
