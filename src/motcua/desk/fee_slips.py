"""The fee receipt as printed at the counter (biên lai thu phí, lệ phí), or a refund's slip, as PDF: the
electronic receipt's number, the unit, the payer, the dossier and the amount in figures and in words.
Vietnamese wording, as the other printed forms (receipts.py), whose layout helpers it shares."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from motcua.dossiers.models import Dossier
from motcua.payments.models import FeeReceipt
from motcua.worktime.text import money_text, vnd_in_words

from .receipts import heading, labelled, moment_text, para, pdf, register_fonts, styles_for_forms

TITLES = {
    FeeReceipt.Kind.COLLECTED: "BIÊN LAI THU PHÍ, LỆ PHÍ",
    FeeReceipt.Kind.REFUNDED: "PHIẾU HOÀN TRẢ PHÍ, LỆ PHÍ",
}


def fee_receipt_pdf(dossier: Dossier, receipt: FeeReceipt, *, officer: str) -> bytes:
    register_fonts()
    styles = styles_for_forms()
    body = styles["body"]
    title = TITLES[FeeReceipt.Kind(receipt.kind)]
    left = [
        para(receipt.unit.name_vi.upper(), styles["head"]),
        para(f"Số: {receipt.receipt_number}", styles["center"]),
    ]
    story = heading("", title, left, receipt.at, dossier.code, styles)[
        1:
    ]  # no form number: not a circular's form
    refunded = receipt.kind == FeeReceipt.Kind.REFUNDED
    story += [
        labelled("Số biên lai điện tử:", receipt.receipt_number, body),
        labelled(
            "Họ tên người nộp:" if not refunded else "Họ tên người nhận lại:", dossier.applicant_name, body
        ),
        labelled("Số CCCD/CMND:", dossier.applicant_id_number, body),
        labelled("Địa chỉ:", dossier.applicant_address or "—", body),
        labelled(
            "Nội dung:",
            f"{'Hoàn trả ' if refunded else ''}phí, lệ phí thủ tục {dossier.procedure.name_vi}",
            body,
        ),
        labelled("Số tiền:", money_text(receipt.amount_vnd, "vi"), body),
        labelled("Viết bằng chữ:", vnd_in_words(receipt.amount_vnd), body),
        labelled("Thời gian:", moment_text(receipt.at), body),
    ]
    if refunded and receipt.note:
        story.append(labelled("Lý do hoàn trả:", receipt.note, body))
    story += [Spacer(1, 6 * mm), _signatures(officer, refunded, styles)]
    return pdf(
        story,
        title=f"{title} {receipt.receipt_number} - {dossier.code}",
        subject=f"{title} {dossier.code}",
        author=receipt.unit.name_vi,
        keywords=[dossier.code, receipt.receipt_number, f"fee-{receipt.kind}"],
    )


def _signatures(officer: str, refunded: bool, styles) -> Table:
    head, center = styles["head"], styles["center"]
    left = [
        para("NGƯỜI NHẬN TIỀN" if refunded else "NGƯỜI NỘP TIỀN", head),
        para("(Ký và ghi rõ họ tên)", center),
    ]
    right = [
        para("NGƯỜI THU TIỀN" if not refunded else "NGƯỜI CHI TIỀN", head),
        para("(Ký và ghi rõ họ tên)", center),
        Spacer(1, 14 * mm),
        para(officer, center),
    ]
    table = Table([[left, right]], colWidths=[86 * mm, 86 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
