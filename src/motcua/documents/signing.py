"""PAdES signatures with pyHanko. The key is in a PKCS#12 file (the demo, tests) or on a PKCS#11 token
(the officials' USB tokens, an HSM), chosen by setting (MOTCUA_SIGNING_KEY_STORE). With a timestamp
authority configured (MOTCUA_TSA_URL, RFC 3161) the signature is PAdES B-T, else B-B. Before signing,
the first page gets a verification stamp: a QR code and the short link to /verify/<id>, the signer, the
unit and the time (and, for the demo CA, that it is not legally valid)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pypdf import PdfReader, PdfWriter
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.pdfgen import canvas

from motcua.desk.receipts import BOLD, FONT, register_fonts
from motcua.errors import MotcuaError

from .models import Certificate

STAMP_W, STAMP_H, MARGIN = 250.0, 84.0, 12.0


def config() -> dict:
    return settings.MOTCUA["DOCUMENTS"]


def verify_url(public_id: str) -> str:
    return f"{config()['PUBLIC_URL']}/verify/{public_id}"


class SigningFailed(MotcuaError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            message_vi=f"Không ký được tài liệu: {detail}",
            message_en=f"The document could not be signed: {detail}",
            code="signing_failed",
            http_status=409,
        )


@dataclass(frozen=True)
class StampText:
    signer: str
    unit: str
    at: datetime
    url: str
    demo: bool


def stamp(data: bytes, text: StampText) -> bytes:
    """The PDF with the verification stamp drawn in the lower right corner of its first page."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    writer = PdfWriter(clone_from=reader)
    first = writer.pages[0]
    box = first.mediabox
    width, height = float(box.width), float(box.height)
    overlay = io.BytesIO()
    register_fonts()
    sheet = canvas.Canvas(overlay, pagesize=(width, height))
    x = float(box.left) + max(width - STAMP_W - MARGIN, 0)
    y = float(box.bottom) + MARGIN
    sheet.setFillColorRGB(1, 1, 1)
    sheet.setStrokeColorRGB(0.1, 0.3, 0.6)
    sheet.rect(x, y, STAMP_W, STAMP_H, fill=1, stroke=1)
    widget = QrCodeWidget(text.url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    size = STAMP_H - 8
    drawing = Drawing(size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, sheet, x + 4, y + 4)
    sheet.setFillColorRGB(0, 0, 0)
    lines = [
        (BOLD, 7.5, "Đã ký số / Digitally signed"),
        (FONT, 6.5, text.signer[:48]),
        (FONT, 6.0, text.unit[:56]),
        (FONT, 6.0, timezone.localtime(text.at).strftime("%H:%M:%S %d/%m/%Y")),
        (FONT, 5.5, "Kiểm tra / Verify:"),
        (FONT, 5.2, text.url[-60:]),
    ]
    if text.demo:
        lines.append((BOLD, 5.8, "CA thử nghiệm, không có giá trị pháp lý"))
        lines.append((BOLD, 5.8, "demo CA, not legally valid"))
    line_y = y + STAMP_H - 10
    for font, font_size, line in lines:
        sheet.setFont(font, font_size)
        sheet.drawString(x + size + 10, line_y, line)
        line_y -= 8.4
    sheet.save()
    first.merge_page(PdfReader(io.BytesIO(overlay.getvalue())).pages[0])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def timestamper() -> TimeStamper | None:
    url = config()["TSA_URL"]
    return HTTPTimeStamper(url) if url else None


def pkcs12_password() -> bytes:
    from motcua.demo.loader import demo_password

    return (config()["PKCS12_PASSWORD"] or demo_password()).encode()


def sign(
    data: bytes,
    *,
    certificate: Certificate,
    stamp_text: StampText,
    reason: str,
    location: str,
    stamper: TimeStamper | None = None,
    key_store: str | None = None,
) -> tuple[bytes, str]:
    """Stamp and sign a PDF; returns the signed bytes and the PAdES level ("B-B" or "B-T")."""
    stamper = stamper if stamper is not None else timestamper()
    key_store = key_store or config()["KEY_STORE"]
    stamped = stamp(data, stamp_text)
    meta = signers.PdfSignatureMetadata(
        field_name=f"motcua-{stamp_text.url.rsplit('/', 1)[-1]}",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=certificate.common_name or None,
    )
    try:
        if key_store == Certificate.KeyStore.PKCS11:
            signed = _sign_pkcs11(stamped, meta, certificate, stamper)
        else:
            signed = _sign_pkcs12(stamped, meta, certificate, stamper)
    except MotcuaError:
        raise
    except Exception as error:  # a wrong password, a missing token or key: said, not a server error
        raise SigningFailed(f"{type(error).__name__}: {error}"[:300]) from None
    return signed, ("B-T" if stamper is not None else "B-B")


def _sign_pkcs12(data: bytes, meta, certificate: Certificate, stamper) -> bytes:
    path = Path(certificate.key_ref)
    if not certificate.key_ref or not path.is_file():
        raise SigningFailed(f"PKCS#12 file {certificate.key_ref or '(none)'} not found")
    signer = signers.SimpleSigner.load_pkcs12(str(path), passphrase=pkcs12_password())
    if signer is None:
        raise SigningFailed("the PKCS#12 file cannot be opened (wrong password?)")
    return _sign_with(signer, data, meta, stamper)


def _sign_pkcs11(data: bytes, meta, certificate: Certificate, stamper) -> bytes:
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign import pkcs11

    cfg = config()
    if not cfg["PKCS11_PIN"]:
        raise SigningFailed("MOTCUA_PKCS11_PIN is not set")
    session = pkcs11.open_pkcs11_session(
        cfg["PKCS11_LIBRARY"],
        token_criteria=TokenCriteria(label=cfg["PKCS11_TOKEN"] or None),
        user_pin=cfg["PKCS11_PIN"],
    )
    try:
        signing_cert = asn1_x509.Certificate.load(bytes(certificate.der))
        signer = pkcs11.PKCS11Signer(
            session,
            key_label=certificate.key_ref,
            signing_cert=signing_cert,
            ca_chain=[],
            # many tokens (SoftHSM2 among them) sign ECDSA only over a digest computed outside
            use_raw_mechanism=signing_cert.public_key.algorithm == "ec",
        )
        return _sign_with(signer, data, meta, stamper)
    finally:
        session.close()


def _sign_with(signer, data: bytes, meta, stamper) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    out = signers.PdfSigner(meta, signer=signer, timestamper=stamper).sign_pdf(writer)
    return out.getvalue()
