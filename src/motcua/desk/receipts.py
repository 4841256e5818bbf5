"""The intake slips of Circular 01/2018/TT-VPCP as PDF: Form 01 (receipt and appointment), Form 02
(supplement request listing exactly the missing papers) and Form 03 (refusal with its reason).

The slips are official Vietnamese documents, so their wording is Vietnamese whatever the page's
language. The font is DejaVu Sans (Debian's fonts-dejavu-core): embedded, it has every Vietnamese glyph."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import segno
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from motcua.catalog.models import PaperForm
from motcua.dossiers import context
from motcua.dossiers.models import Dossier, Status
from motcua.i18n import both
from motcua.worktime.text import format_number, opening_hours_text, time_limit_text

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"


@dataclass(frozen=True)
class Slip:
    number: str  # "01", "02", "03"
    title: str
    filename: str


SLIPS = {
    "01": Slip("01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "giay-tiep-nhan"),
    "02": Slip("02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "phieu-yeu-cau-bo-sung"),
    "03": Slip("03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", "phieu-tu-choi"),
}


def slip_for(dossier: Dossier) -> Slip:
    if dossier.status == Status.REFUSED:
        return SLIPS["03"]
    if dossier.status == Status.SUPPLEMENT:
        return SLIPS["02"]
    return SLIPS["01"]


@cache
def register_fonts() -> None:
    for folder in FONT_DIRS:
        regular, bold = folder / f"{FONT}.ttf", folder / f"{BOLD}.ttf"
        if regular.exists() and bold.exists():
            pdfmetrics.registerFont(TTFont(FONT, str(regular)))
            pdfmetrics.registerFont(TTFont(BOLD, str(bold)))
            registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)
            return
    raise RuntimeError("DejaVu Sans is missing: install Debian's fonts-dejavu-core package")


def styles_for_forms() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14, spaceAfter=3)
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11),
        "center": ParagraphStyle("center", parent=body, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=body, fontName=BOLD, fontSize=13.5, leading=18, alignment=TA_CENTER, spaceBefore=8
        ),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, alignment=TA_CENTER),
    }


def moment_text(value: datetime | None) -> str:
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f"{local:%H} giờ {local:%M} phút, ngày {local:%d/%m/%Y}"


def para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def labelled(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(f"{escape(label)} <b>{escape(value)}</b>", style)


def render(dossier: Dossier, *, tracking_url: str, pin: str | None, officer: str) -> bytes:
    """The slip of the dossier's intake outcome as a PDF (A4). `dossier` comes from
    selectors.dossier_detail (papers and supplements prefetched)."""
    register_fonts()
    slip = slip_for(dossier)
    styles = styles_for_forms()
    story = _header(dossier, slip, styles)
    story += _applicant(dossier, issuing_unit(dossier, slip), styles)
    story += BODIES[slip.number](dossier, styles)
    story += _tracking(dossier, tracking_url, pin, styles)
    story += _signatures(slip, officer, styles)
    return pdf(
        story,
        title=f"Mẫu số {slip.number} - {dossier.code}",
        subject=f"{slip.title} {dossier.code}",
        author=issuing_unit(dossier, slip).name_vi,
        keywords=[dossier.code, f"form-{slip.number}"],
    )


STAMP_ROOM = 36 * mm  # the signature's stamp (documents.signing) covers the first page's lower right corner


def pdf(
    story: list,
    *,
    title: str,
    subject: str,
    author: str,
    keywords: list[str],
    pagesize=A4,
    room_for_stamp: bool = False,
) -> bytes:
    """An A4 slip of the circular's forms, with its metadata (the tests read the dossier code there).
    room_for_stamp: a bottom margin the signature's stamp fits in, for forms whose tables may run long."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        leftMargin=20 * mm,
        rightMargin=18 * mm,
        topMargin=15 * mm,
        bottomMargin=STAMP_ROOM if room_for_stamp else 15 * mm,
        title=title,
        subject=subject,
        author=author,
        creator="motcua",
        keywords=keywords,
    )
    document.build(story)
    return buffer.getvalue()


def issuing_unit(dossier: Dossier, slip: Slip):
    """Who issues the slip: the receiving unit, or for a supplement asked during processing, the unit
    that asked (Form 02 is then the competent agency's, not the counter's)."""
    request = open_supplement(dossier) if slip.number == "02" else None
    return request.unit if request is not None and not request.at_intake else dossier.receiving_unit


def _header(dossier: Dossier, slip: Slip, styles) -> list:
    unit = issuing_unit(dossier, slip)
    left = [
        para(unit.name_vi.upper(), styles["head"]),
        para(f"Số: {dossier.log_book_number or '—'}", styles["center"]),
    ]
    return heading(slip.number, slip.title, left, dossier.submitted_at, dossier.code, styles)


def heading(number: str, title: str, left: list, on: datetime | None, code: str, styles) -> list:
    """A form's head: the issuing unit (left) beside the national motto and the date, then the title
    and the dossier code."""
    right = [
        para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles["head"]),
        para("Độc lập - Tự do - Hạnh phúc", styles["head"]),
        para(f"Ngày {timezone.localtime(on or timezone.now()):%d/%m/%Y}", styles["center"]),
    ]
    table = Table([[left, right]], colWidths=[72 * mm, 100 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [
        para(f"Mẫu số {number} (Thông tư 01/2018/TT-VPCP)", styles["small"]),
        table,
        para(title, styles["title"]),
        labelled("Mã hồ sơ:", code, styles["center"]),
        Spacer(1, 4 * mm),
    ]


def _applicant(dossier: Dossier, unit, styles) -> list:
    body = styles["body"]
    opening = (
        f"{unit.name_vi} tiếp nhận hồ sơ của:"
        if unit.pk == dossier.receiving_unit_id
        else f"{unit.name_vi} đang giải quyết hồ sơ của:"
    )
    return [
        para(opening, body),
        labelled("Ông/Bà:", dossier.applicant_name, body),
        labelled("Số CCCD/CMND:", dossier.applicant_id_number, body),
        labelled("Số điện thoại:", dossier.applicant_phone or "—", body),
        labelled("Địa chỉ:", dossier.applicant_address or "—", body),
        labelled("Nội dung yêu cầu giải quyết:", dossier.procedure.name_vi, body),
    ] + ([para(dossier.request_text, body)] if dossier.request_text else [])


def _form_label(form: str) -> str:
    try:
        return both(PaperForm(form).label)[0]
    except ValueError:
        return form


def _papers_table(dossier: Dossier, styles) -> Table:
    small = styles["small"]
    rows = [[para(t, small) for t in ("STT", "Tên giấy tờ", "Hình thức", "Số lượng")]]
    for index, paper in enumerate(dossier.papers.all(), start=1):
        name = paper.component.name_vi + (" (tái sử dụng dữ liệu số)" if paper.reused else "")
        rows.append(
            [
                para(str(index), small),
                para(name, small),
                para(_form_label(paper.form), small),
                para(str(paper.quantity), small),
            ]
        )
    if len(rows) == 1:
        rows.append(["", para("(không có)", small), "", ""])
    table = Table(rows, colWidths=[12 * mm, 100 * mm, 40 * mm, 20 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _limit_text(dossier: Dossier) -> str:
    version = dossier.procedure_version
    return time_limit_text(version.limit_amount, version.limit_unit, "vi")


def _return_point(dossier: Dossier) -> str:
    if dossier.return_by_post:
        return f"qua dịch vụ bưu chính công ích, địa chỉ: {dossier.return_address}"
    unit = dossier.return_unit or dossier.receiving_unit
    parts = [unit.name_vi]
    if unit.address:
        parts.append(f"địa chỉ: {unit.address}")
    if unit.phone:
        parts.append(f"điện thoại: {unit.phone}")
    if unit.opening_hours:
        parts.append(f"giờ làm việc: {opening_hours_text(unit.opening_hours, 'vi')}")
    return "; ".join(parts)


def _receipt_body(dossier: Dossier, styles) -> list:
    body = styles["body"]
    return [
        Spacer(1, 2 * mm),
        para("1. Thành phần hồ sơ nộp gồm:", body),
        _papers_table(dossier, styles),
        Spacer(1, 2 * mm),
        para("2. Số lượng hồ sơ: 01 (bộ)", body),
        labelled("3. Thời gian giải quyết hồ sơ theo quy định:", _limit_text(dossier), body),
        labelled("4. Thời gian nhận hồ sơ:", moment_text(dossier.received_at), body),
        labelled("5. Thời gian trả kết quả giải quyết hồ sơ:", moment_text(dossier.due_at), body),
        labelled("6. Đăng ký nhận kết quả tại:", _return_point(dossier), body),
        para(f"Vào Sổ theo dõi hồ sơ, số thứ tự: {dossier.log_book_number or '—'}", body),
    ]


def open_supplement(dossier: Dossier):
    """The supplement request not yet answered, or None (the prefetched requests, in request order)."""
    return context.open_supplement(list(dossier.supplements.all()))


def _supplement_body(dossier: Dossier, styles) -> list:
    body = styles["body"]
    request = open_supplement(dossier)
    missing = request.missing if request else []
    lines = [
        para(
            f"Lúc {moment_text(request.requested_at if request else dossier.submitted_at)}, sau khi xem xét "
            "thành phần hồ sơ, đề nghị Ông/Bà bổ sung, hoàn thiện các giấy tờ sau:",
            body,
        )
    ]
    for index, item in enumerate(missing, start=1):
        note = f" ({item['note']})" if item.get("note") else ""
        lines.append(labelled(f"{index}.", f"{item.get('name_vi') or item.get('code')}{note}", body))
    if request and request.reason:
        lines.append(labelled("Lý do:", request.reason, body))
    lines.append(
        para(
            "Thời hạn giải quyết được tính từ khi nhận đủ hồ sơ. Trong quá trình hoàn thiện hồ sơ, nếu có "
            "vướng mắc, Ông/Bà liên hệ nơi tiếp nhận hồ sơ để được hướng dẫn.",
            body,
        )
    )
    return lines


def _refusal_body(dossier: Dossier, styles) -> list:
    body = styles["body"]
    return [
        para(
            "Sau khi nghiên cứu, đối chiếu với các quy định hiện hành, đơn vị tiếp nhận từ chối tiếp nhận, "
            "giải quyết hồ sơ này với lý do cụ thể như sau:",
            body,
        ),
        labelled("Lý do:", dossier.reason or "—", body),
        *_where_to_file(dossier, styles),
        para("Xin thông báo để Ông/Bà được biết và thực hiện.", body),
    ]


def where_to_file(dossier: Dossier) -> dict | None:
    """The units a refusal at the wrong place named (kept with the intake's event), or None."""
    events = [e for e in dossier.events.all() if e.action == "refuse"]
    return events[0].payload.get("where_to_file") if events else None


def _unit_line(place: dict, *, with_distance: bool = False) -> str:
    line = place["name_vi"] + (f", địa chỉ: {place['address']}" if place.get("address") else "")
    if with_distance and place.get("km") is not None:
        line += f" (cách khoảng {format_number(Decimal(str(place['km'])), 'vi')} km)"
    return line


def _where_to_file(dossier: Dossier, styles) -> list:
    found = where_to_file(dossier)
    if not found:
        return []
    body = styles["body"]
    lines = [para("Ông/Bà có thể nộp hồ sơ tại một trong các đơn vị sau:", body)]
    lines += [para(f"- {_unit_line(p)}", body) for p in found.get("may_receive", [])]
    if found.get("nearest"):
        commune = dossier.subject_jurisdiction.name
        lines.append(para(f"Các đơn vị gần {commune} nhất:", body))
        lines += [para(f"- {_unit_line(p, with_distance=True)}", body) for p in found["nearest"]]
    return lines


BODIES = {"01": _receipt_body, "02": _supplement_body, "03": _refusal_body}


def _qr(url: str) -> Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return Image(buffer, width=28 * mm, height=28 * mm)


def _tracking(dossier: Dossier, url: str, pin: str | None, styles) -> list:
    small = styles["small"]
    pin_text = pin or "(đã cấp khi tiếp nhận)"
    words = [
        para("Tra cứu tình trạng hồ sơ:", small),
        para(url, small),
        labelled("Mã hồ sơ:", dossier.code, small),
        labelled("Mã tra cứu (PIN):", pin_text, small),
    ]
    table = Table([[_qr(url), words]], colWidths=[32 * mm, 140 * mm])
    table.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("BOX", (0, 0), (-1, -1), 0.5, colors.grey)])
    )
    return [Spacer(1, 4 * mm), table]


def _signatures(slip: Slip, officer: str, styles) -> list:
    head, center = styles["head"], styles["center"]
    officer_title = "NGƯỜI TIẾP NHẬN HỒ SƠ" if slip.number == "01" else "NGƯỜI HƯỚNG DẪN, TIẾP NHẬN"
    left = [para("NGƯỜI NỘP HỒ SƠ", head), para("(Ký và ghi rõ họ tên)", center)]
    right = [
        para(officer_title, head),
        para("(Ký và ghi rõ họ tên)", center),
        Spacer(1, 14 * mm),
        para(officer, center),
    ]
    table = Table([[left, right]], colWidths=[86 * mm, 86 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [Spacer(1, 6 * mm), table]
