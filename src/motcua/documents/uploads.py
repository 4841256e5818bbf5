"""What an upload must be before it is kept: a PDF, JPEG or PNG recognised from its content (never its
name), not empty, within the size limits, whole (a truncated image or a broken PDF is refused) and not a
decompression bomb. Several images of one paper become one PDF (img2pdf). Files are read in chunks from
the temporary files Django streams uploads into, so memory stays flat whatever the size."""

from __future__ import annotations

import hashlib
import os
import tempfile
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import img2pdf
from django.conf import settings
from django.core.files.uploadhandler import SkipFile, TemporaryFileUploadHandler
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import ArrayObject, IndirectObject, StreamObject

from motcua.errors import Problem, ValidationFailed

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
MAGIC = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))
CHUNK = 1024 * 1024
MAX_INFLATE_RATIO = 100  # a PDF's streams may inflate to this many times the file, at most
MAX_PIXELS = 120_000_000  # about a 600 dpi A3 scan


def limits() -> dict:
    return settings.MOTCUA["DOCUMENTS"]


def max_file_bytes() -> int:
    return int(limits()["MAX_FILE_MB"] * 1024 * 1024)


def max_dossier_bytes() -> int:
    return int(limits()["MAX_DOSSIER_MB"] * 1024 * 1024)


def too_large(field_name: str, name: str, limit: int) -> ValidationFailed:
    mb = limit / 1024 / 1024
    return ValidationFailed(
        message_vi=f"Tệp {name} vượt quá giới hạn {mb:g} MB.",
        message_en=f"File {name} is larger than the {mb:g} MB limit.",
        problems=[Problem(field_name, f"quá {mb:g} MB", f"over {mb:g} MB")],
        code="too_large",
        http_status=413,
    )


def refused(field_name: str, name: str, vi: str, en: str, status: int = 400) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"Tệp {name}: {vi}. Không có gì được lưu.",
        message_en=f"File {name}: {en}. Nothing was stored.",
        problems=[Problem(field_name, vi, en)],
        code="bad_file",
        http_status=status,
    )


class SizeLimitedUploadHandler(TemporaryFileUploadHandler):
    """Streams each uploaded file to a temporary file and stops reading one as soon as it passes the
    per-file limit (the view names it): a 2 GB upload never reaches the disk whole."""

    def __init__(self, request=None, limit: int | None = None) -> None:
        super().__init__(request)
        self.limit = limit if limit is not None else max_file_bytes()
        self.received = 0
        self.oversized: list[str] = []
        self.oversized_fields: list[str] = []  # the form fields they came in (which paper)

    def new_file(self, *args, **kwargs) -> None:
        self.received = 0
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.oversized.append(self.file_name or "?")
            self.oversized_fields.append(self.field_name or "")
            self.file.close()
            raise SkipFile()
        return super().receive_data_chunk(raw_data, start)


@dataclass
class Prepared:
    """A validated upload as one PDF in a temporary file, ready to be stored."""

    path: Path
    sha256: str
    size: int
    pages: int
    original_names: list[str] = field(default_factory=list)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def sniff(head: bytes) -> str | None:
    return next((kind for magic, kind in MAGIC if head.startswith(magic)), None)


def _spool(upload, target) -> tuple[int, bytes]:
    """Copy an uploaded file to an open binary file in chunks; return its size and first bytes."""
    size, head = 0, b""
    upload.seek(0)
    for chunk in upload.chunks(CHUNK) if hasattr(upload, "chunks") else iter(lambda: upload.read(CHUNK), b""):
        if not head:
            head = chunk[:16]
        size += len(chunk)
        target.write(chunk)
    return size, head


def prepare(uploads: Iterable, *, field_name: str = "files", budget: int | None = None) -> Prepared:
    """One PDF from the uploads (Django UploadedFile objects or open binary files with a .name): a
    single PDF kept as it is, or images joined into one PDF. Raises ValidationFailed (4xx) naming the
    file and the problem; leaves no temporary file behind when it does."""
    uploads = list(uploads)
    if not uploads:
        raise ValidationFailed(
            message_vi="Chưa chọn tệp nào.",
            message_en="No file was chosen.",
            problems=[Problem(field_name, "bắt buộc", "required")],
        )
    limit = max_file_bytes()
    budget = max_dossier_bytes() if budget is None else budget
    spooled: list[tuple[Path, str, str]] = []  # (path, kind, original name)
    total = 0
    try:
        for upload in uploads:
            name = os.path.basename(getattr(upload, "name", "") or "file")[:200]
            declared = getattr(upload, "size", None)
            if declared is not None and declared > limit:
                raise too_large(field_name, name, limit)
            with tempfile.NamedTemporaryFile(prefix="motcua-up-", delete=False) as target:
                spooled.append((Path(target.name), "", name))
                size, head = _spool(upload, target)
            if size == 0:
                raise refused(field_name, name, "tệp rỗng (0 byte)", "the file is empty (0 bytes)")
            if size > limit:
                raise too_large(field_name, name, limit)
            total += size
            if total > budget:
                raise too_large(field_name, name, budget)
            kind = sniff(head)
            if kind is None:
                raise refused(
                    field_name,
                    name,
                    "không phải PDF, JPEG hay PNG (kiểm tra theo nội dung tệp)",
                    "not a PDF, JPEG or PNG file (its content was checked, not its name)",
                    status=415,
                )
            spooled[-1] = (spooled[-1][0], kind, name)
        kinds = {kind for _, kind, _ in spooled}
        if PDF in kinds and len(spooled) > 1:
            raise refused(
                field_name,
                spooled[0][2],
                "hãy gửi một tệp PDF, hoặc nhiều ảnh của cùng một giấy tờ",
                "send one PDF, or several images of one paper",
            )
        if kinds == {PDF}:
            path, _, name = spooled[0]
            pages = check_pdf(path, name, field_name)
            spooled.clear()  # the PDF itself is kept
        else:
            for path, _, name in spooled:
                check_image(path, name, field_name)
            path = _images_to_pdf([p for p, _, _ in spooled])
            pages = len(spooled)
        digest, size = hash_file(path)
        return Prepared(path, digest, size, pages, [n for *_, n in spooled] or [name])
    finally:
        for leftover, _, _ in spooled:
            leftover.unlink(missing_ok=True)


def hash_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_pdf(path: Path, name: str, field_name: str) -> int:
    """The PDF opens, is not encrypted, has at most MAX_PAGES pages, and its streams do not inflate past
    MAX_INFLATE_RATIO times the file (a PDF bomb). Returns its page count."""
    size = path.stat().st_size
    budget = max(size * MAX_INFLATE_RATIO, 64 * 1024 * 1024)
    try:
        with warnings.catch_warnings(), open(path, "rb") as handle:
            warnings.simplefilter("ignore")
            reader = PdfReader(handle, strict=False)  # a handle, not a path: pypdf would read it all
            if reader.is_encrypted:
                raise refused(field_name, name, "PDF có mật khẩu", "the PDF is password-protected")
            pages = len(reader.pages)
            if pages == 0:
                raise refused(field_name, name, "PDF không có trang nào", "the PDF has no page")
            if pages > limits()["MAX_PAGES"]:
                raise refused(
                    field_name,
                    name,
                    f"quá {limits()['MAX_PAGES']} trang",
                    f"more than {limits()['MAX_PAGES']} pages",
                )
            if _inflated_size(reader, budget) > budget:
                raise refused(
                    field_name,
                    name,
                    "nội dung PDF giải nén quá lớn (PDF bomb)",
                    "the PDF's content inflates far beyond its size (a PDF bomb)",
                )
    except ValidationFailed:
        raise
    except (PyPdfError, PdfReadError, ValueError, KeyError, TypeError, OSError, RecursionError) as error:
        if "limit" in str(error).lower():
            raise refused(
                field_name,
                name,
                "nội dung PDF giải nén quá lớn (PDF bomb)",
                "the PDF's content inflates far beyond its size (a PDF bomb)",
            ) from None
        raise refused(
            field_name, name, "PDF hỏng, không đọc được", "a damaged PDF that cannot be read"
        ) from None
    return pages


def _streams(reader: PdfReader):
    """Every stream object of the file (each object read once, compressed object streams included)."""
    numbers = [(num, gen) for gen, table in reader.xref.items() for num in table]
    numbers += [(num, 0) for num in getattr(reader, "xref_objStm", {})]
    for num, gen in numbers:
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if isinstance(obj, StreamObject):
            yield obj
            reader.resolved_objects.pop((gen, num), None)  # measured: not kept (memory stays flat)


def _inflated_size(reader: PdfReader, budget: int) -> int:
    """How large the file's Flate streams inflate, counted in chunks and stopped past the budget: the
    bomb is measured without ever being held in memory."""
    total = 0
    for stream in _streams(reader):
        raw = getattr(stream, "_data", b"") or b""
        filters = stream.get("/Filter")
        names = [str(f) for f in filters] if isinstance(filters, list | ArrayObject) else [str(filters)]
        if "/FlateDecode" not in names:
            total += len(raw)
            continue
        inflater = zlib.decompressobj()
        try:
            total += len(inflater.decompress(raw, CHUNK))
            while inflater.unconsumed_tail and total <= budget:
                total += len(inflater.decompress(inflater.unconsumed_tail, CHUNK))
        except zlib.error:
            continue  # a damaged stream: pypdf's reading judges it
        if total > budget:
            break
    return total


def check_image(path: Path, name: str, field_name: str) -> None:
    """The image decodes whole (a truncated JPEG or PNG is refused) and is not a pixel bomb."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise refused(field_name, name, "ảnh quá nhiều điểm ảnh", "the image has too many pixels")
                image.load()
    except ValidationFailed:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refused(field_name, name, "ảnh hỏng hoặc bị cắt cụt", "a damaged or truncated image") from None


def _images_to_pdf(paths: list[Path]) -> Path:
    with tempfile.NamedTemporaryFile(prefix="motcua-pdf-", suffix=".pdf", delete=False) as target:
        try:
            img2pdf.convert([str(p) for p in paths], outputstream=target, rotation=img2pdf.Rotation.ifvalid)
        except Exception:
            Path(target.name).unlink(missing_ok=True)
            raise
    return Path(target.name)
