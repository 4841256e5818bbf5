"""Reading and checking tabular files (CSV, JSON, Excel) row by row, so that every import can report
every bad row with its place, field and reason before anything is written."""

from __future__ import annotations

import bisect
import csv
import io
import json
import json.scanner
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from motcua.errors import ImportRejected, Problem

TRUE_WORDS = {"1", "true", "yes", "y", "có", "co", "x"}
FALSE_WORDS = {"0", "false", "no", "n", "không", "khong", ""}


@dataclass(frozen=True)
class Row:
    where: str  # e.g. "units.csv line 12" or "catalog.json procedures[3]"
    values: dict[str, Any]


@dataclass
class RowChecker:
    """Parses the fields of one row, collecting problems instead of stopping at the first one."""

    row: Row
    problems: list[Problem] = field(default_factory=list)

    def fail(self, name: str, reason_vi: str, reason_en: str) -> None:
        self.problems.append(
            Problem(field=name, reason_vi=reason_vi, reason_en=reason_en, where=self.row.where)
        )

    def raw(self, name: str) -> Any:
        value = self.row.values.get(name)
        return value.strip() if isinstance(value, str) else value

    def text(self, name: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self.raw(name)
        value = "" if value is None else str(value)
        if required and not value:
            self.fail(name, "bắt buộc nhưng để trống", "is required but empty")
        elif max_length and len(value) > max_length:
            self.fail(name, f"dài quá {max_length} ký tự", f"is longer than {max_length} characters")
        return value

    def choice(self, name: str, choices: Iterable[str], *, required: bool = True) -> str:
        value = self.text(name, required=required)
        allowed = list(choices)
        if value and value not in allowed:
            listed = ", ".join(allowed)
            self.fail(
                name,
                f"giá trị '{value}' không hợp lệ; chọn một trong: {listed}",
                f"value '{value}' is not allowed; use one of: {listed}",
            )
        return value

    def integer(self, name: str, *, required: bool = False, minimum: int | None = 0) -> int | None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, "bắt buộc nhưng để trống", "is required but empty")
            return None
        try:
            number = int(str(value).replace(" ", ""))
        except ValueError:
            self.fail(name, f"'{value}' không phải số nguyên", f"'{value}' is not a whole number")
            return None
        if minimum is not None and number < minimum:
            self.fail(name, f"phải ≥ {minimum}", f"must be ≥ {minimum}")
        return number

    def decimal(
        self, name: str, *, required: bool = False, minimum: Decimal | None = Decimal(0)
    ) -> Decimal | None:
        value = self.raw(name)
        if value in (None, ""):
            if required:
                self.fail(name, "bắt buộc nhưng để trống", "is required but empty")
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.fail(name, f"'{value}' không phải số", f"'{value}' is not a number")
            return None
        if not number.is_finite() or (minimum is not None and number < minimum):
            self.fail(name, f"phải là số hữu hạn ≥ {minimum}", f"must be a finite number ≥ {minimum}")
            return None
        return number

    def coordinate(self, name: str, low: float, high: float) -> float | None:
        value = self.raw(name)
        if value in (None, ""):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(name, f"'{value}' không phải toạ độ", f"'{value}' is not a coordinate")
            return None
        if math.isnan(number) or not low <= number <= high:
            self.fail(name, f"phải trong khoảng {low}..{high}", f"must lie within {low}..{high}")
            return None
        return number

    def boolean(self, name: str, *, default: bool = False) -> bool:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return default if word == "" else False
        self.fail(name, f"'{value}' không phải đúng/sai", f"'{value}' is not true/false")
        return default


def parse_rows(rows: Iterable[Row], parse: Callable[[RowChecker], Any]) -> tuple[list[Any], list[Problem]]:
    """Parse every row, collecting all problems (nothing stops at the first)."""
    parsed, problems = [], []
    for row in rows:
        checker = RowChecker(row)
        parsed.append(parse(checker))
        problems += checker.problems
    return parsed, problems


def read_csv_text(text: str, name: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    # Line numbers count the header as line 1, as a spreadsheet shows them.
    return [Row(where=f"{name} line {reader.line_num}", values=values) for values in _rows_of(reader)]


def _rows_of(reader: csv.DictReader) -> Iterator[dict]:
    for values in reader:
        if any((v or "").strip() for v in values.values() if isinstance(v, str)):
            yield values


def read_csv(path: Path) -> list[Row]:
    return read_csv_text(path.read_text(encoding="utf-8-sig"), path.name)


def write_csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: _csv_cell(row.get(c)) for c in columns})
    return out.getvalue()


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


LINE_KEY = "__line__"


class _LineNumberingDecoder(json.JSONDecoder):
    """Records the line where each JSON object starts, so errors can say "line 214"."""

    def __init__(self, text: str) -> None:
        super().__init__()
        newlines = [i for i, char in enumerate(text) if char == "\n"]
        parse_object = self.parse_object

        def parse_object_with_line(s_and_end, *args, **kwargs):
            obj, end = parse_object(s_and_end, *args, **kwargs)
            obj[LINE_KEY] = bisect.bisect_left(newlines, s_and_end[1]) + 1
            return obj, end

        self.parse_object = parse_object_with_line
        self.scan_once = json.scanner.py_make_scanner(self)


def load_json(path_or_text: Path | str, name: str) -> Any:
    """Parse JSON; every object gets its starting line under LINE_KEY."""
    text = path_or_text.read_text(encoding="utf-8-sig") if isinstance(path_or_text, Path) else path_or_text
    try:
        return _LineNumberingDecoder(text).decode(text)
    except json.JSONDecodeError as error:
        raise ImportRejected(
            [
                Problem(
                    field="json",
                    where=f"{name} line {error.lineno} column {error.colno}",
                    reason_vi=f"JSON không hợp lệ: {error.msg}",
                    reason_en=f"invalid JSON: {error.msg}",
                )
            ],
            name,
        ) from error


def json_rows(items: Any, name: str, key: str) -> list[Row]:
    if not isinstance(items, list):
        raise ImportRejected(
            [Problem(field=key, where=name, reason_vi="phải là một danh sách", reason_en="must be a list")],
            name,
        )
    rows = []
    for index, item in enumerate(items):
        values = item if isinstance(item, dict) else {}
        rows.append(Row(where=json_where(name, values, f"{key}[{index}]"), values=values))
    return rows


WHERE_KEY = "__where__"  # set on objects rebuilt from spreadsheet rows: "sheet steps row 12"


def json_where(name: str, obj: dict, path: str) -> str:
    if isinstance(obj, dict) and obj.get(WHERE_KEY):
        return f"{obj[WHERE_KEY]} ({path})"
    line = obj.get(LINE_KEY) if isinstance(obj, dict) else None
    return f"{name} line {line} ({path})" if line else f"{name} {path}"


def read_xlsx_sheets(path: Path) -> dict[str, list[Row]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    sheets: dict[str, list[Row]] = {}
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            sheets[sheet.title] = []
            continue
        columns = [str(c).strip() if c is not None else "" for c in header]
        sheet_rows = []
        for line, values in enumerate(rows, start=2):
            if all(v in (None, "") for v in values):
                continue
            record = {c: ("" if v is None else v) for c, v in zip(columns, values, strict=False) if c}
            sheet_rows.append(Row(where=f"{path.name} sheet {sheet.title} row {line}", values=record))
        sheets[sheet.title] = sheet_rows
    workbook.close()
    return sheets


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], list[dict[str, Any]]]]) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append([_csv_cell(row.get(c)) for c in columns])
    workbook.save(path)
