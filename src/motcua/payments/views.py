"""The gateway's return to the site (the signed callback) and the result page. Thin."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from motcua.desk import text
from motcua.errors import MotcuaError
from motcua.ratelimit import RateLimited, client_subject, hit

from . import services


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        hit("payment_ip", client_subject(request))
        recorded = services.record_callback(params=request.GET.dict())
    except RateLimited as error:
        return render(request, "payments/result.html", {"error": text.message(error)}, status=429)
    except MotcuaError as error:
        return render(
            request, "payments/result.html", {"error": text.message(error)}, status=error.http_status
        )
    return render(request, "payments/result.html", {"payment": recorded.payment, "already": recorded.already})
