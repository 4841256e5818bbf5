"""The demo payment gateway: a page to approve or decline, callbacks signed with HMAC-SHA256 (secret
MOTCUA_PAYMENT_SECRET, or generated into MOTCUA_HOME), valid for 15 minutes; its own book of
transactions is its statement."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .gateways import BadCallback, Callback, StatementLine
from .models import DemoTransaction, Payment

CALLBACK_FIELDS = ("reference", "txn", "amount", "status", "ts")
REQUEST_FIELDS = ("reference", "amount", "return_url")
FRESH = timedelta(minutes=15)


def secret() -> bytes:
    configured = getattr(settings, "MOTCUA", {}).get("PAYMENT_SECRET", "")
    if configured:
        return configured.encode()
    path = settings.HOME / "payment_demo_secret"
    if not path.exists():
        settings.HOME.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip().encode()


def sign(values: dict[str, str], fields: tuple[str, ...]) -> str:
    message = "|".join(f"{name}={values.get(name, '')}" for name in fields)
    return hmac.new(secret(), message.encode(), hashlib.sha256).hexdigest()


def _now() -> float:
    return time.time()


class DemoGateway:
    name = "demo"

    def checkout_url(self, payment: Payment, return_url: str) -> str:
        values = {"reference": payment.reference, "amount": str(payment.amount_vnd), "return_url": return_url}
        return f"/demo-pay/?{urlencode({**values, 'sig': sign(values, REQUEST_FIELDS)})}"

    def verify_callback(self, params: dict[str, str]) -> Callback:
        values = {name: str(params.get(name, "")) for name in CALLBACK_FIELDS}
        if not hmac.compare_digest(sign(values, CALLBACK_FIELDS), str(params.get("sig", ""))):
            raise BadCallback("chữ ký sai", "bad signature")
        try:
            issued, amount = float(values["ts"]), int(values["amount"])
        except ValueError:
            raise BadCallback("dữ liệu sai", "malformed values") from None
        if abs(_now() - issued) > FRESH.total_seconds():
            raise BadCallback("đã hết hạn", "expired")
        return Callback(values["reference"], values["txn"], amount, values["status"] == "approved")

    def statement(self, day: date) -> list[StatementLine]:
        start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        rows = DemoTransaction.objects.filter(approved=True, at__gte=start, at__lt=start + timedelta(days=1))
        return [StatementLine(r.reference, r.txn, r.amount_vnd) for r in rows]


@require_http_methods(["GET", "POST"])
def pay_page(request: HttpRequest) -> HttpResponse:
    """The demo gateway's page: the signed request checked, then approve or decline."""
    source = request.POST if request.method == "POST" else request.GET
    values = {name: str(source.get(name, "")) for name in REQUEST_FIELDS}
    if not hmac.compare_digest(sign(values, REQUEST_FIELDS), str(source.get("sig", ""))) or not (
        url_has_allowed_host_and_scheme(values["return_url"], allowed_hosts={request.get_host()})
    ):
        return render(request, "payments/demo_gateway.html", {"invalid": True}, status=400)
    if request.method == "GET":
        context = {"values": values, "sig": source.get("sig", ""), "amount": int(values["amount"])}
        return render(request, "payments/demo_gateway.html", context)
    approved = source.get("decision") == "approve"
    txn = f"DEMO{secrets.token_hex(8).upper()}"
    DemoTransaction.objects.create(
        txn=txn,
        reference=values["reference"],
        amount_vnd=int(values["amount"]),
        approved=approved,
        at=timezone.now(),
    )
    result = {
        "reference": values["reference"],
        "txn": txn,
        "amount": values["amount"],
        "status": "approved" if approved else "declined",
        "ts": str(int(_now())),
    }
    return redirect(f"{values['return_url']}?{urlencode({**result, 'sig': sign(result, CALLBACK_FIELDS)})}")
