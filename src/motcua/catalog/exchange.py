"""The catalog's file formats and their checks.

JSON (format "motcua-catalog", nested: procedures → versions → fees, components, results, steps), and
the same content as tables (sheets of one Excel workbook, or CSV files in a folder or a .zip) with the
columns in TABLES. Every object is checked and every problem reported with its place, before any write."""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from motcua.errors import ImportRejected, Problem
from motcua.network.models import Role
from motcua.tabular import (
    WHERE_KEY,
    Row,
    RowChecker,
    json_where,
    load_json,
    read_csv_text,
    read_xlsx_sheets,
    write_csv,
)

from .models import CompetentLevel, Fee, LimitUnit, OnlineLevel, PaperForm, Performer

FORMAT_NAME = "motcua-catalog"
PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")
AGENCY_LEVELS = {CompetentLevel.PROVINCE, CompetentLevel.VERTICAL}

TABLES: dict[str, list[str]] = {
    "sectors": ["code", "name_vi", "name_en"],
    "procedures": [
        "code",
        "code_verified",
        "name_vi",
        "name_en",
        "sector",
        "competent_level",
        "competent_agency",
        "boundary_free",
        "online_level",
    ],
    "versions": [
        "procedure",
        "version",
        "effective_from",
        "legal_basis",
        "limit_amount",
        "limit_unit",
        "online_limit_amount",
        "online_limit_unit",
    ],
    "fees": ["procedure", "version", "name_vi", "name_en", "amount_vnd", "kind"],
    "components": [
        "procedure",
        "version",
        "code",
        "name_vi",
        "name_en",
        "form",
        "quantity",
        "required",
        "condition_vi",
        "condition_en",
        "reusable",
        "template",
    ],
    "results": ["procedure", "version", "code", "name_vi", "name_en"],
    "steps": ["procedure", "version", "order", "name_vi", "name_en", "performer", "role", "days"],
}


class CatalogChecker:
    """Turns the nested catalog structure into clean dicts, collecting every problem."""

    def __init__(self, name: str, known_sectors: set[str], known_agencies: set[str]) -> None:
        self.name = name
        self.known_sectors = set(known_sectors)
        self.known_agencies = set(known_agencies)
        self.problems: list[Problem] = []

    def _checker(self, obj: Any, path: str) -> RowChecker:
        values = obj if isinstance(obj, dict) else {}
        checker = RowChecker(Row(where=json_where(self.name, values, path), values=values))
        if not isinstance(obj, dict):
            checker.fail(path, "phải là một đối tượng", "must be an object")
        return checker

    def _collect(self, checker: RowChecker) -> None:
        self.problems += checker.problems

    def _list(self, checker: RowChecker, key: str, *, required: bool = True) -> list:
        items = checker.raw(key)
        if items is None:
            items = []
        if not isinstance(items, list):
            checker.fail(key, "phải là một danh sách", "must be a list")
            return []
        if required and not items:
            checker.fail(key, "cần ít nhất một mục", "needs at least one item")
        return items

    def check(self, data: Any) -> dict:
        top = self._checker(data, "catalog")
        if isinstance(data, dict) and data.get("format") != FORMAT_NAME:
            top.fail("format", f"phải là '{FORMAT_NAME}'", f"must be '{FORMAT_NAME}'")
        sectors = [
            self.sector(s, f"sectors[{i}]") for i, s in enumerate(self._list(top, "sectors", required=False))
        ]
        self.known_sectors |= {s["code"] for s in sectors}
        procedures = [
            self.procedure(p, f"procedures[{i}]") for i, p in enumerate(self._list(top, "procedures"))
        ]
        self._collect(top)
        self._no_duplicates(sectors, "code", "sectors")
        self._no_duplicates(procedures, "code", "procedures")
        if self.problems:
            raise ImportRejected(self.problems, self.name)
        return {"sectors": sectors, "procedures": procedures}

    def _no_duplicates(self, items: list[dict], key: str, what: str) -> None:
        counts = Counter(item[key] for item in items)
        for item in items:
            if item[key] and counts[item[key]] > 1:
                self.problems.append(
                    Problem(
                        key,
                        f"mã '{item[key]}' bị lặp trong {what}",
                        f"code '{item[key]}' appears more than once in {what}",
                        item["where"],
                    )
                )

    def sector(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        result = {
            "where": check.row.where,
            "code": check.text("code", required=True, max_length=20),
            "name_vi": check.text("name_vi", required=True, max_length=200),
            "name_en": check.text("name_en", max_length=200),
        }
        self._collect(check)
        return result

    def procedure(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        code = check.text("code", required=True, max_length=20)
        if code and not PROCEDURE_CODE.match(code):
            check.fail(
                "code",
                f"mã thủ tục '{code}' phải có dạng 1.001193",
                f"procedure code '{code}' must look like 1.001193",
            )
        sector = check.text("sector", required=True)
        if sector and sector not in self.known_sectors:
            check.fail("sector", f"không có lĩnh vực mã '{sector}'", f"no sector with code '{sector}'")
        competent = check.raw("competent")
        competent = competent if isinstance(competent, dict) else {}
        level, agency = self._competent(check, competent)
        result = {
            "where": check.row.where,
            "code": code,
            "code_verified": check.boolean("code_verified", default=True),
            "name_vi": check.text("name_vi", required=True, max_length=400),
            "name_en": check.text("name_en", max_length=400),
            "sector": sector,
            "competent_level": level,
            "competent_agency": agency,
            "boundary_free": check.boolean("boundary_free", default=False),
            "online_level": check.choice("online_level", OnlineLevel.values),
        }
        versions = [
            self.version(v, f"{path}.versions[{i}]") for i, v in enumerate(self._list(check, "versions"))
        ]
        self._collect(check)
        self._no_duplicates(versions, "version", f"{code} versions")
        result["versions"] = versions
        return result

    def _competent(self, check: RowChecker, competent: dict) -> tuple[str, str]:
        level = str(competent.get("level", "")).strip()
        agency = str(competent.get("agency", "") or "").strip()
        if level not in CompetentLevel.values:
            check.fail(
                "competent.level",
                f"'{level}' không hợp lệ; chọn: {', '.join(CompetentLevel.values)}",
                f"'{level}' is not allowed; use one of: {', '.join(CompetentLevel.values)}",
            )
        elif level in AGENCY_LEVELS and not agency:
            check.fail(
                "competent.agency", "cần mã cơ quan có thẩm quyền", "needs the competent agency's code"
            )
        if agency and agency not in self.known_agencies:
            check.fail(
                "competent.agency", f"không có cơ quan mã '{agency}'", f"no agency with code '{agency}'"
            )
        return level, agency

    def version(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        limit = self._limit(check, "time_limit", required=True)
        online = self._limit(check, "time_limit_online", required=False)
        result = {
            "where": check.row.where,
            "version": check.integer("version", required=True, minimum=1),
            "effective_from": self._date(check, "effective_from"),
            "legal_basis": check.text("legal_basis"),
            "limit_amount": limit[0],
            "limit_unit": limit[1],
            "online_limit_amount": online[0],
            "online_limit_unit": online[1],
            "fees": [
                self.fee(f, f"{path}.fees[{i}]")
                for i, f in enumerate(self._list(check, "fees", required=False))
            ],
            "components": [
                self.component(c, f"{path}.components[{i}]")
                for i, c in enumerate(self._list(check, "components"))
            ],
            "results": [
                self.result_paper(r, f"{path}.results[{i}]")
                for i, r in enumerate(self._list(check, "results", required=False))
            ],
            "steps": [self.step(s, f"{path}.steps[{i}]") for i, s in enumerate(self._list(check, "steps"))],
        }
        self._check_steps(check, result)
        self._collect(check)
        self._no_duplicates(result["components"], "code", f"{path}.components")
        self._no_duplicates(result["steps"], "order", f"{path}.steps")
        return result

    def _limit(self, check: RowChecker, key: str, *, required: bool) -> tuple[Decimal | None, str]:
        value = check.raw(key)
        if value is None and not required:
            return None, ""
        if not isinstance(value, dict):
            check.fail(
                key,
                'cần {"amount": "3", "unit": "working_days"}',
                'needs {"amount": "3", "unit": "working_days"}',
            )
            return None, ""
        inner = RowChecker(Row(where=check.row.where, values=value))
        amount = inner.decimal("amount", required=True)
        unit = inner.choice("unit", LimitUnit.values)
        for problem in inner.problems:
            check.problems.append(
                Problem(f"{key}.{problem.field}", problem.reason_vi, problem.reason_en, problem.where)
            )
        return amount, unit

    def _date(self, check: RowChecker, key: str) -> date | None:
        value = check.text(key, required=True)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            check.fail(key, f"'{value}' không phải ngày YYYY-MM-DD", f"'{value}' is not a YYYY-MM-DD date")
            return None

    def fee(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        result = {
            "name_vi": check.text("name_vi", required=True, max_length=300),
            "name_en": check.text("name_en", max_length=300),
            "amount_vnd": check.integer("amount_vnd", required=True),
            "kind": check.choice("kind", Fee.Kind.values),
        }
        self._collect(check)
        return result

    def component(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        result = {
            "where": check.row.where,
            "code": check.text("code", required=True, max_length=20),
            "name_vi": check.text("name_vi", required=True, max_length=500),
            "name_en": check.text("name_en", max_length=500),
            "form": check.choice("form", PaperForm.values),
            "quantity": check.integer("quantity", minimum=1) or 1,
            "required": check.boolean("required", default=True),
            "condition_vi": check.text("condition_vi", max_length=500),
            "condition_en": check.text("condition_en", max_length=500),
            "reusable": check.boolean("reusable", default=False),
            "template": check.text("template", max_length=200),
        }
        self._collect(check)
        return result

    def result_paper(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        result = {
            "code": check.text("code", required=True, max_length=20),
            "name_vi": check.text("name_vi", required=True, max_length=300),
            "name_en": check.text("name_en", max_length=300),
        }
        self._collect(check)
        return result

    def step(self, obj: Any, path: str) -> dict:
        check = self._checker(obj, path)
        performer = check.text("performer", required=True)
        if performer and performer not in Performer.values and performer not in self.known_agencies:
            check.fail(
                "performer",
                f"'{performer}' không phải {', '.join(Performer.values)} hay mã cơ quan",
                f"'{performer}' is neither one of {', '.join(Performer.values)} nor an agency code",
            )
        result = {
            "where": check.row.where,
            "order": check.integer("order", required=True, minimum=1),
            "name_vi": check.text("name_vi", required=True, max_length=300),
            "name_en": check.text("name_en", max_length=300),
            "performer": performer,
            "role": check.choice("role", Role.values),
            "days": check.decimal("days", required=True),
        }
        self._collect(check)
        return result

    def _check_steps(self, check: RowChecker, version: dict) -> None:
        steps, limit = version["steps"], version["limit_amount"]
        if steps:
            self._check_chain(check, steps)
        if not steps or limit is None or any(s["days"] is None for s in steps):
            return
        total = sum(s["days"] for s in steps)
        if total != limit:
            total_text, limit_text = (format(n.normalize(), "f") for n in (total, limit))
            check.fail(
                "steps",
                f"tổng thời gian các bước {total_text} khác thời hạn {limit_text}",
                f"the steps' days add up to {total_text}, not the time limit {limit_text}",
            )
        for step in steps:
            if step["performer"] == Performer.RETURN and step["days"] != 0:
                check.fail(
                    "steps",
                    f"bước trả kết quả (bước {step['order']}) không được tính thời gian",
                    f"the return step (step {step['order']}) must count no time",
                )

    def _check_chain(self, check: RowChecker, steps: list[dict]) -> None:
        """A dossier needs something to process and a return step at the end to carry the result to."""
        if all(s["performer"] == Performer.RETURN for s in steps):
            check.fail(
                "steps",
                "cần ít nhất một bước xử lý (không phải bước trả kết quả)",
                "needs at least one processing step (other than the return step)",
            )
        numbered = [s for s in steps if s["order"] is not None]
        last = max(numbered, key=lambda s: s["order"]) if numbered else None
        if last is not None and last["performer"] != Performer.RETURN:
            check.fail(
                "steps",
                f"bước cuối (bước {last['order']}) phải là bước trả kết quả (performer 'return')",
                f"the last step (step {last['order']}) must be the return step (performer 'return')",
            )


# --- tables (Excel sheets, CSV files) to and from the nested form ---------------------------------


def read_catalog_tables(path: Path) -> dict[str, list[Row]]:
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx_sheets(path)
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:
            return {
                Path(n).stem: read_csv_text(archive.read(n).decode("utf-8-sig"), Path(n).name)
                for n in archive.namelist()
                if n.endswith(".csv")
            }
    if path.is_dir():
        return {
            p.stem: read_csv_text(p.read_text(encoding="utf-8-sig"), p.name)
            for p in sorted(path.glob("*.csv"))
        }
    raise ImportRejected(
        [
            Problem(
                "file",
                "chỉ nhận .json, .xlsx, .zip hoặc thư mục CSV",
                "only .json, .xlsx, .zip or a folder of CSV files are accepted",
                path.name,
            )
        ],
        path.name,
    )


def tables_to_nested(tables: dict[str, list[Row]], name: str) -> dict:
    """Rebuild the nested structure; each object keeps its sheet and line for error messages."""
    missing = [t for t in ("procedures", "versions", "steps", "components") if t not in tables]
    if missing:
        raise ImportRejected(
            [
                Problem(
                    "sheets",
                    f"thiếu bảng: {', '.join(missing)}",
                    f"missing tables: {', '.join(missing)}",
                    name,
                )
            ],
            name,
        )
    children: dict[str, dict[tuple[str, str], list[dict]]] = {}
    for table in ("fees", "components", "results", "steps"):
        grouped: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for row in tables.get(table, []):
            grouped[
                (str(row.values.get("procedure", "")).strip(), str(row.values.get("version", "")).strip())
            ].append(_located(row))
        children[table] = grouped
    versions: dict[str, list[dict]] = defaultdict(list)
    for row in tables["versions"]:
        key = (str(row.values.get("procedure", "")).strip(), str(row.values.get("version", "")).strip())
        versions[key[0]].append(_version_from_row(row, {t: children[t].get(key, []) for t in children}))
    procedures = []
    for row in tables["procedures"]:
        values = _located(row)
        values["competent"] = {
            "level": values.pop("competent_level", ""),
            "agency": values.pop("competent_agency", ""),
        }
        values["versions"] = versions.get(str(values.get("code", "")).strip(), [])
        procedures.append(values)
    sectors = [_located(row) for row in tables.get("sectors", [])]
    return {"format": FORMAT_NAME, "sectors": sectors, "procedures": procedures}


def _located(row: Row) -> dict:
    return {**row.values, WHERE_KEY: row.where}


def _version_from_row(row: Row, children: dict[str, list[dict]]) -> dict:
    values = _located(row)
    values["time_limit"] = {"amount": values.pop("limit_amount", ""), "unit": values.pop("limit_unit", "")}
    online_amount, online_unit = values.pop("online_limit_amount", ""), values.pop("online_limit_unit", "")
    values["time_limit_online"] = (
        {"amount": online_amount, "unit": online_unit} if online_amount not in ("", None) else None
    )
    values.update(children)
    return values


def nested_to_tables(catalog: dict) -> dict[str, list[dict]]:
    tables: dict[str, list[dict]] = {t: [] for t in TABLES}
    tables["sectors"] = catalog["sectors"]
    for procedure in catalog["procedures"]:
        competent = procedure["competent"]
        tables["procedures"].append(
            {
                **procedure,
                "competent_level": competent["level"],
                "competent_agency": competent.get("agency", ""),
            }
        )
        for version in procedure["versions"]:
            key = {"procedure": procedure["code"], "version": version["version"]}
            online = version.get("time_limit_online") or {}
            tables["versions"].append(
                {
                    **version,
                    **key,
                    "limit_amount": version["time_limit"]["amount"],
                    "limit_unit": version["time_limit"]["unit"],
                    "online_limit_amount": online.get("amount", ""),
                    "online_limit_unit": online.get("unit", ""),
                }
            )
            for table in ("fees", "components", "results", "steps"):
                tables[table] += [{**item, **key} for item in version[table]]
    return tables


def read_catalog_file(path: Path, *, known_sectors: set[str], known_agencies: set[str]) -> dict:
    """Read and check a catalog file of any supported format; raise ImportRejected with every problem."""
    if path.suffix.lower() == ".json":
        data = load_json(path, path.name)
    else:
        data = tables_to_nested(read_catalog_tables(path), path.name)
    return CatalogChecker(path.name, known_sectors, known_agencies).check(data)


def tables_as_csv_zip(tables: dict[str, list[dict]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, columns in TABLES.items():
            archive.writestr(f"{table}.csv", write_csv(tables[table], columns))
    return buffer.getvalue()
