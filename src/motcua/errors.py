"""Errors every layer raises and every surface (API, pages, CLI) shows the same way: bilingual,
naming the field and the problem, mapped to an HTTP 4xx."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file and line, or JSON path), which field, and why."""

    field: str
    reason_vi: str
    reason_en: str
    where: str = ""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.field}: {self.reason_vi} / {self.reason_en}"


@dataclass
class MotcuaError(Exception):
    message_vi: str
    message_en: str
    problems: list[Problem] = field(default_factory=list)
    code: str = "invalid"
    http_status: int = 400

    def __post_init__(self) -> None:
        super().__init__(self.message_en)

    def __str__(self) -> str:
        lines = [f"{self.message_vi} / {self.message_en}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "message_vi": self.message_vi,
            "message_en": self.message_en,
            "problems": [p.as_dict() for p in self.problems],
        }


class ValidationFailed(MotcuaError):
    """Input that breaks a rule; nothing was written."""


class ImportRejected(MotcuaError):
    """A whole import file refused; every bad row is listed in problems; the database is unchanged."""

    def __init__(self, problems: list[Problem], source: str) -> None:
        super().__init__(
            message_vi=f"Tệp {source} bị từ chối: {len(problems)} lỗi; không có dữ liệu nào được ghi.",
            message_en=f"File {source} rejected: {len(problems)} error(s); nothing was written.",
            problems=problems,
            code="import_rejected",
        )


class Forbidden(MotcuaError):
    def __init__(
        self,
        message_vi: str = "Bạn không có quyền thực hiện thao tác này.",
        message_en: str = "You are not allowed to do this.",
    ) -> None:
        super().__init__(message_vi=message_vi, message_en=message_en, code="forbidden", http_status=403)


class NotFound(MotcuaError):
    def __init__(self, what_vi: str, what_en: str) -> None:
        super().__init__(
            message_vi=f"Không tìm thấy {what_vi}.",
            message_en=f"{what_en} not found.",
            code="not_found",
            http_status=404,
        )
