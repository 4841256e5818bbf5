"""motcua import-certificates list.csv: register staff signing certificates in bulk. Columns: username,
unit_code (optional), certificate (a PEM or DER file, relative to the CSV), key_ref (PKCS#12 file or the
key label on the token). All or nothing; every bad line is named."""

from __future__ import annotations

import csv
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from motcua.documents import certificates
from motcua.errors import ImportRejected, MotcuaError, Problem
from motcua.network.models import Unit

COLUMNS = ("username", "unit_code", "certificate", "key_ref")


class Command(BaseCommand):
    help = "Register staff signing certificates from a CSV file (username, unit_code, certificate, key_ref)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options) -> None:
        try:
            count = import_certificates(path)
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Đã đăng ký {count} chứng thư số / {count} certificate(s) registered")


def import_certificates(path: Path) -> int:
    if not path.is_file():
        raise ImportRejected([Problem("path", "không có tệp", "no such file", str(path))], str(path))
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    problems: list[Problem] = []
    users = get_user_model().objects
    count = 0
    with transaction.atomic():
        for line, row in enumerate(rows, start=2):
            where = f"{path.name}:{line}"
            missing = [c for c in ("username", "certificate") if not (row.get(c) or "").strip()]
            if missing:
                problems += [Problem(c, "bắt buộc", "required", where) for c in missing]
                continue
            user = users.filter(username=row["username"].strip()).first()
            if user is None:
                problems.append(Problem("username", "không có cán bộ này", "no such staff member", where))
                continue
            unit = None
            if (row.get("unit_code") or "").strip():
                unit = Unit.objects.filter(code=row["unit_code"].strip()).first()
                if unit is None:
                    problems.append(Problem("unit_code", "không có đơn vị này", "no such unit", where))
                    continue
            cert_file = (path.parent / row["certificate"].strip()).resolve()
            if not cert_file.is_file():
                problems.append(Problem("certificate", "không có tệp", "no such file", where))
                continue
            try:
                certificates.register(
                    user=user,
                    unit=unit,
                    data=cert_file.read_bytes(),
                    key_ref=(row.get("key_ref") or "").strip(),
                )
            except MotcuaError as error:
                problems += [Problem(p.field, p.reason_vi, p.reason_en, where) for p in error.problems]
                continue
            count += 1
        if problems:
            transaction.set_rollback(True)
            raise ImportRejected(problems, path.name)
    return count
