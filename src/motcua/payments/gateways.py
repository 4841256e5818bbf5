"""The gateway interface: where to send the applicant, how to check what the gateway says back, and
its statement of a day for reconciliation. The gateway in use is settings.MOTCUA["PAYMENT_GATEWAY"]
(a dotted path); the demo's by default."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from motcua.errors import MotcuaError

from .models import Payment


@dataclass(frozen=True)
class Callback:
    reference: str
    txn: str
    amount_vnd: int
    approved: bool


@dataclass(frozen=True)
class StatementLine:
    reference: str
    txn: str
    amount_vnd: int


class BadCallback(MotcuaError):
    def __init__(self, why_vi: str, why_en: str) -> None:
        super().__init__(
            message_vi=f"Kết quả thanh toán không hợp lệ: {why_vi}.",
            message_en=f"The payment result is invalid: {why_en}.",
            code="bad_payment_callback",
            http_status=400,
        )


class Gateway(Protocol):
    name: str

    def checkout_url(self, payment: Payment, return_url: str) -> str: ...

    def verify_callback(self, params: dict[str, str]) -> Callback:
        """The callback's content, its signature and freshness checked; BadCallback otherwise."""
        ...

    def statement(self, day: date) -> list[StatementLine]:
        """The payments the gateway approved that day."""
        ...


def gateway() -> Gateway:
    path = getattr(settings, "MOTCUA", {}).get("PAYMENT_GATEWAY", "motcua.payments.demo.DemoGateway")
    return import_string(path)()
