"""The slips of Circular 01/2018/TT-VPCP issued after intake, as PDF: Form 04 (apology with a new
appointment) and Form 06 (control slip: every hand-over and its timeliness). Vietnamese wording, as
the intake slips (receipts.py), whose layout helpers they share."""

from __future__ import annotations

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from motcua.dossiers.models import Apology, Dossier, Handover, Timeliness
from motcua.i18n import both

from .receipts import heading, labelled, moment_text, para, pdf, register_fonts, styles_for_forms

APOLOGY_TITLE = "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"
CONTROL_TITLE = "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"


def apology_pdf(dossier: Dossier, apology: Apology, *, signer: str) -> bytes:
    """Form 04 for one apology of the dossier (from selectors.dossier_detail)."""
    register_fonts()
    styles, unit = styles_for_forms(), apology.unit
    body = styles["body"]
    story = heading("04", APOLOGY_TITLE, _unit_head(unit.name_vi, styles), apology.at, dossier.code, styles)
    story += [
        labelled("Kính gửi: Ông/Bà", dossier.applicant_name, body),
        para(
            f"{unit.name_vi} đang giải quyết hồ sơ của Ông/Bà (mã hồ sơ {dossier.code}), nội dung yêu cầu "
            f"giải quyết: {dossier.procedure.name_vi}.",
            body,
        ),
        labelled("Thời gian hẹn trả kết quả giải quyết hồ sơ:", moment_text(apology.previous_due_at), body),
        para("Tuy nhiên đến nay, hồ sơ của Ông/Bà chưa được giải quyết xong.", body),
        labelled("Lý do:", apology.reason, body),
        para(
            f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {unit.name_vi} xin lỗi Ông/Bà và sẽ trả kết quả "
            f"giải quyết hồ sơ cho Ông/Bà vào lúc {moment_text(apology.new_due_at)}.",
            body,
        ),
        para("Rất mong nhận được sự thông cảm của Ông/Bà.", body),
        Spacer(1, 6 * mm),
        _signature("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", signer, styles),
    ]
    return pdf(
        story,
        title=f"Mẫu số 04 - {dossier.code}",
        subject=f"{APOLOGY_TITLE} {dossier.code}",
        author=unit.name_vi,
        keywords=[dossier.code, "form-04"],
    )


def control_slip_pdf(dossier: Dossier, *, signer: str = "") -> bytes:
    """Form 06: one row per hand-over of the dossier, with its timeliness against the step's deadline;
    signed (signer named) by the officer of the latest hand-over, or before any by the one who received."""
    register_fonts()
    styles = styles_for_forms()
    body, small = styles["body"], styles["small"]
    unit = _unit_head(dossier.receiving_unit.name_vi, styles)
    story = heading("06", CONTROL_TITLE, unit, dossier.received_at, dossier.code, styles)
    handovers = list(dossier.handovers.all())
    story += [
        labelled("Kèm theo hồ sơ của Ông/Bà:", dossier.applicant_name, body),
        labelled("Ngày hẹn trả kết quả:", moment_text(dossier.due_at), body),
        Spacer(1, 3 * mm),
        _handover_table(handovers, styles),
    ]
    if not handovers:
        story.append(para("Hồ sơ chưa được chuyển giao lần nào.", small))
    if signer:
        title = "NGƯỜI GIAO HỒ SƠ" if handovers else "NGƯỜI TIẾP NHẬN HỒ SƠ"
        story += [Spacer(1, 6 * mm), _signature(title, signer, styles)]
    return pdf(
        story,
        title=f"Mẫu số 06 - {dossier.code}",
        subject=f"{CONTROL_TITLE} {dossier.code}",
        author=dossier.receiving_unit.name_vi,
        keywords=[dossier.code, "form-06"],
        room_for_stamp=True,
    )


def _handover_table(handovers: list[Handover], styles) -> Table:
    small, head = styles["small"], styles["head"]
    rows = [
        [
            para("TÊN CƠ QUAN", head),
            para("THỜI GIAN GIAO, NHẬN HỒ SƠ", head),
            para("KẾT QUẢ GIẢI QUYẾT HỒ SƠ (trước hạn / đúng hạn / quá hạn)", head),
            para("GHI CHÚ", head),
        ]
    ]
    for handover in handovers:
        receiver = (
            handover.to_unit.name_vi
            if handover.to_unit
            else "Bưu chính công ích"
            if handover.kind == Handover.Kind.POST
            else "Người nộp hồ sơ"
        )
        giver = handover.from_unit.name_vi
        if handover.from_user is not None:
            giver += f" ({handover.from_user.get_full_name() or handover.from_user.get_username()})"
        rows.append(
            [
                para(f"Giao: {giver}\nNhận: {receiver}", small),
                para(timezone.localtime(handover.at).strftime("%H giờ %M phút, ngày %d/%m/%Y"), small),
                para(both(Timeliness(handover.timeliness).label)[0], small),
                para(both(Handover.Kind(handover.kind).label)[0], small),
            ]
        )
    table = Table(rows, colWidths=[62 * mm, 40 * mm, 40 * mm, 30 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    return table


def _unit_head(name: str, styles) -> list:
    return [para(name.upper(), styles["head"])]


def _signature(title: str, signer: str, styles) -> Table:
    right = [
        para(title, styles["head"]),
        para("(Ký và ghi rõ họ tên)", styles["center"]),
        Spacer(1, 14 * mm),
        para(signer, styles["center"]),
    ]
    table = Table([["", right]], colWidths=[86 * mm, 86 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table
