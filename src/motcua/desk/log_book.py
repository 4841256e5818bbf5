"""Form 05 of Circular 01/2018/TT-VPCP, the dossier log book (sổ theo dõi hồ sơ): one page per unit and
day, a row per dossier the unit took in that day in the order of its log-book number (the number the
dossier code ends with), with where it went and when it came back. Read (entries) and printed (pdf)
here; the documents app signs a page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from motcua.dossiers.models import Dossier, Handover, Status
from motcua.i18n import both
from motcua.network.models import Unit

from .receipts import BOLD, para, pdf, register_fonts, styles_for_forms

NUMBER = "05"
TITLE = "SỔ THEO DÕI HỒ SƠ"


@dataclass(frozen=True)
class Entry:
    dossier: Dossier
    sent_at: datetime | None  # handed over to the agency that processes it
    result_back_at: datetime | None  # the result carried back to this unit

    @property
    def status_vi(self) -> str:
        return both(Status(self.dossier.status).label)[0]


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def entries(unit: Unit, day: date) -> list[Entry]:
    """The dossiers the unit took in on the day (received, refused, asked to supplement, filed online
    with it), each once, in log-book order; three queries."""
    start, end = day_bounds(day)
    dossiers = (
        Dossier.objects.filter(
            receiving_unit=unit, submitted_at__gte=start, submitted_at__lt=end, log_book_number__isnull=False
        )
        .select_related("procedure", "competent_unit")
        .prefetch_related(Prefetch("handovers", Handover.objects.order_by("at", "id")))
        .order_by("log_book_number")
    )
    return [_entry(unit, dossier) for dossier in dossiers]


def _entry(unit: Unit, dossier: Dossier) -> Entry:
    handovers = list(dossier.handovers.all())
    sent = next((h.at for h in handovers if h.from_unit_id == unit.pk and h.to_unit_id != unit.pk), None)
    back = next((h.at for h in handovers if h.kind == Handover.Kind.RESULT and h.to_unit_id == unit.pk), None)
    return Entry(dossier, sent, back)


def title(unit: Unit, day: date) -> str:
    return f"Mẫu số {NUMBER}: {TITLE} - {unit.name_vi}, ngày {day:%d/%m/%Y}"


def _moment(value: datetime | None, sep: str = " ") -> str:
    return timezone.localtime(value).strftime(f"%H:%M{sep}%d/%m/%Y") if value else ""


def render(
    unit: Unit, day: date, rows: list[Entry], *, signer: str = "", as_of: datetime | None = None
) -> bytes:
    """The page as A4 landscape; `as_of` (the signing moment) is printed, as later rows may still come."""
    register_fonts()
    styles = styles_for_forms()
    small, head = styles["small"], styles["head"]
    cell = ParagraphStyle("cell", parent=small, fontSize=7.5, leading=9.5)
    column_head = ParagraphStyle("column_head", parent=cell, fontName=BOLD, alignment=TA_CENTER)
    story = [
        para(f"Mẫu số {NUMBER} (Thông tư 01/2018/TT-VPCP)", small),
        para(unit.name_vi.upper(), head),
        para(TITLE, styles["title"]),
        para(f"Ngày {day:%d/%m/%Y}", styles["center"]),
        Spacer(1, 3 * mm),
        _table(rows, cell, column_head),
    ]
    if not rows:
        story.append(para("Không có hồ sơ nào được tiếp nhận trong ngày.", small))
    if as_of is not None:
        story.append(para(f"Số liệu tính đến {_moment(as_of)}; {len(rows)} hồ sơ.", small))
    if signer:
        story += [
            Spacer(1, 4 * mm),
            para("NGƯỜI LẬP SỔ (cán bộ một cửa)", head),
            para(signer, styles["center"]),
        ]
    return pdf(
        story,
        title=f"Mẫu số {NUMBER} - {unit.code} - {day:%Y-%m-%d}",
        subject=f"{TITLE} {unit.name_vi} {day:%d/%m/%Y}",
        author=unit.name_vi,
        keywords=[unit.code, day.isoformat(), f"form-{NUMBER}"],
        pagesize=landscape(A4),
        room_for_stamp=True,
    )


HEADINGS = (
    "TT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Tên cá nhân, tổ chức; địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả",
    "Ghi chú",
)
WIDTHS_MM = (7, 46, 30, 34, 24, 18, 18, 18, 18, 18, 20)  # 251 mm: A4 landscape within the margins


def _table(rows: list[Entry], small, head) -> Table:
    data = [[para(h, head) for h in HEADINGS]]
    for entry in rows:
        d = entry.dossier
        applicant = ", ".join(x for x in (d.applicant_name, d.applicant_address, d.applicant_phone) if x)
        cells = (
            str(d.log_book_number),
            d.code,
            d.procedure.name_vi,
            applicant,
            d.competent_unit.name_vi,
            _moment(d.submitted_at, "\n"),
            _moment(d.due_at, "\n"),
            _moment(entry.sent_at, "\n"),
            _moment(entry.result_back_at, "\n"),
            _moment(d.returned_at, "\n"),
            entry.status_vi,
        )
        data.append([para(c, small) for c in cells])
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table
