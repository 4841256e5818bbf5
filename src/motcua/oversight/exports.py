"""Tables as files: CSV (UTF-8 with a byte-order mark, so that Excel shows Vietnamese correctly) and
Excel (one sheet per table), with bilingual headers "Tiếng Việt / English"."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from typing import Any

from .selectors import Table, plain

SHEET_TITLE = re.compile(r"[\[\]\*\?/\\:]")


def header(column) -> str:
    return f"{column.label_vi} / {column.label_en}"


def _cell(value: Any) -> Any:
    value = plain(value)
    if isinstance(value, bool):
        return "có / yes" if value else "không / no"
    if isinstance(value, Decimal):
        return float(value)
    return "" if value is None else value


def as_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(c.key)) for c in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def as_xlsx(tables: list[Table], heading: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(SHEET_TITLE.sub(" ", table.title_vi)[:31] or table.key[:31])
        if heading:
            sheet.append([heading])
            sheet.append([f"{table.title_vi} / {table.title_en}"])
            sheet["A1"].font = Font(bold=True)
        sheet.append([header(c) for c in table.columns])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(row.get(c.key)) for c in table.columns])
        for index, column in enumerate(table.columns, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(
                12, min(60, len(header(column)) + 2)
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
