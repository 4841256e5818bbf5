"""The API's error shape (MotcuaError.as_dict) as a schema, for every router's declared answers."""

from __future__ import annotations

from ninja import Schema


class ErrorProblem(Schema):
    field: str
    reason_vi: str
    reason_en: str
    where: str = ""


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    problems: list[ErrorProblem] = []


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Declared error answers, e.g. {**errors(400, 422), 200: ...}."""
    return {code: ErrorOut for code in codes}
