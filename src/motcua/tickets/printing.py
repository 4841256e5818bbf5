"""The printed ticket: 80 mm thermal-printer width (the kiosks' usual printer) or A6. Vietnamese first,
English second; DejaVu Sans embedded for the Vietnamese glyphs, as the intake slips."""

from __future__ import annotations

import io

from django.utils import timezone
from reportlab.lib.pagesizes import A6
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from motcua.desk.receipts import BOLD, FONT, register_fonts

from .models import Ticket

PAPERS = {"80mm": (80 * mm, 120 * mm), "a6": A6}
MARGIN = 5 * mm


def ticket_pdf(ticket: Ticket, *, ahead: int, paper: str = "80mm") -> bytes:
    register_fonts()
    width, height = PAPERS.get(paper, PAPERS["80mm"])
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Số thứ tự {ticket.label}")
    y = height - MARGIN
    middle = width / 2

    def lines(text: str, font: str, size: float, gap: float = 1.25) -> None:
        nonlocal y
        for line in simpleSplit(text, font, size, width - 2 * MARGIN):
            y -= size * gap
            pdf.setFont(font, size)
            pdf.drawCentredString(middle, y, line)

    unit = ticket.unit
    lines(unit.name_vi.upper(), BOLD, 9)
    if unit.address:
        lines(unit.address, FONT, 7.5)
    y -= 3 * mm
    lines("SỐ THỨ TỰ", BOLD, 12)
    lines("Queue ticket", FONT, 8)
    y -= 2 * mm
    lines(ticket.label, BOLD, 44, gap=1.0)
    y -= 4 * mm
    lines(ticket.group.name_vi, BOLD, 10)
    if ticket.group.name_en:
        lines(ticket.group.name_en, FONT, 8)
    y -= 2 * mm
    lines(f"Số người chờ trước bạn: {ahead}", FONT, 9)
    lines(f"People waiting before you: {ahead}", FONT, 7.5)
    issued = timezone.localtime(ticket.issued_at)
    lines(f"Giờ lấy số / Issued: {issued:%H:%M %d/%m/%Y}", FONT, 8)
    y -= 2 * mm
    lines("Vui lòng chờ đến khi số của bạn hiện trên màn hình và được đọc tên quầy.", FONT, 7.5)
    lines("Please wait until your number is shown and called to a counter.", FONT, 7)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
