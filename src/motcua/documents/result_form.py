"""The electronic result made from a template, for simple results: an A4 page naming the procedure, the
dossier, the applicant and the result papers of the procedure version, issued by the competent agency.
(It is signed afterwards, like an uploaded result.)"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from reportlab.platypus import Spacer

from motcua.desk import receipts
from motcua.dossiers.models import Dossier


def title(dossier: Dossier) -> str:
    results = list(dossier.procedure_version.results.values_list("name_vi", flat=True))
    return "; ".join(results) if results else f"Kết quả giải quyết hồ sơ {dossier.code}"


def pdf(dossier: Dossier, heading: str, now: datetime) -> bytes:
    receipts.register_fonts()
    styles = receipts.styles_for_forms()
    unit = dossier.competent_unit
    local = timezone.localtime(now)
    story = [
        receipts.para(unit.name_vi.upper(), styles["head"]),
        receipts.para("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc", styles["head"]),
        Spacer(1, 12),
        receipts.para(heading.upper(), styles["title"]),
        receipts.para("KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH (BẢN ĐIỆN TỬ)", styles["center"]),
        Spacer(1, 12),
        receipts.labelled(
            "Thủ tục:", f"{dossier.procedure.code} - {dossier.procedure.name_vi}", styles["body"]
        ),
        receipts.labelled("Mã hồ sơ:", dossier.code, styles["body"]),
        receipts.labelled("Người nộp hồ sơ:", dossier.applicant_name, styles["body"]),
        receipts.labelled("Kết quả:", heading, styles["body"]),
        receipts.labelled("Cơ quan giải quyết:", unit.name_vi, styles["body"]),
        receipts.para(f"Ngày {local:%d} tháng {local:%m} năm {local:%Y}", styles["body"]),
        Spacer(1, 10),
        receipts.para(
            "Bản điện tử được ký số có giá trị như bản giấy. Kiểm tra chữ ký bằng mã QR ở chân trang.",
            styles["small"],
        ),
    ]
    return receipts.pdf(
        story,
        title=f"{heading} - {dossier.code}",
        subject=heading,
        author=unit.name_vi,
        keywords=[dossier.code, "electronic-result"],
    )
