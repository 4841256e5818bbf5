"""motcua verify-documents: rehash every stored file and revalidate every signature; report each
difference and exit with status 1 when there is one."""

from __future__ import annotations

import hashlib

from django.core.management.base import BaseCommand, CommandError

from motcua.documents import services, verification
from motcua.documents.models import Document


class Command(BaseCommand):
    help = "Rehash every stored document and revalidate every signature, reporting any difference."

    def handle(self, *args, **options) -> None:
        problems, checked, signatures = [], 0, 0
        for document in (
            Document.objects.select_related("dossier", "unit").order_by("id").iterator(chunk_size=200)
        ):
            checked += 1
            where = f"{document.belongs_to} {document.public_id} ({document.title} v{document.version})"
            try:
                data = services.read(document)
            except services.StoredFileMissing:
                problems.append(f"{where}: tệp không đọc được / file cannot be read")
                continue
            if hashlib.sha256(data).hexdigest() != document.sha256 or len(data) != document.size:
                problems.append(f"{where}: SHA-256 khác bản ghi / SHA-256 differs from the record")
            if document.signed:
                signatures += 1
                report = verification.check(data, moment=document.signed_at)
                if not report.ok:
                    problems.append(f"{where}: chữ ký không hợp lệ / signature not valid ({_why(report)})")
        for line in problems:
            self.stdout.write(line)
        self.stdout.write(
            f"{checked} tệp, {signatures} chữ ký đã kiểm tra; {len(problems)} sai khác / "
            f"{checked} files, {signatures} signatures checked; {len(problems)} difference(s)"
        )
        if problems:
            raise CommandError(f"{len(problems)} difference(s) found", returncode=1)


def _why(report: verification.Report) -> str:
    if not report.readable:
        return "unreadable PDF"
    if not report.signed:
        return "no signature"
    reasons = []
    for s in report.signatures:
        if not s.intact:
            reasons.append("bytes changed")
        elif not s.whole_file:
            reasons.append("content added after signing")
        elif not s.valid_at_signing:
            reasons.append("certificate not valid at signing")
    return ", ".join(reasons) or "?"
