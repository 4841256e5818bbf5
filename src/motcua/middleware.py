"""Request checks that hold for every page and API call, and the API's error shape for the answers
Django Ninja gives in plain text."""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError

from motcua.errors import MotcuaError, Problem

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectNulCharacters:
    """A NUL character is never valid text here (PostgreSQL refuses it in text columns): a path,
    query parameter or form field holding one is answered 400, naming the field, before any view
    runs. JSON bodies are checked by the API's schemas."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path.startswith("/api/")
        try:
            # The API reads JSON bodies only, which its schemas check; parsing one as a form here
            # would use up the body before the API reads it.
            field = _field_with_nul(request, forms=not api)
        except (SuspiciousOperation, MultiPartParserError) as error:  # e.g. too many fields
            if not api:
                raise  # Django's bilingual 400 page
            return _json_answer(_unreadable(error))
        if field is None:
            return self.get_response(request)
        return _refusal(request, field)


def _unreadable(error: Exception) -> MotcuaError:
    return MotcuaError(
        "Không đọc được yêu cầu (quá nhiều tham số, hoặc nội dung sai định dạng).",
        "The request cannot be read (too many parameters, or a malformed body).",
        [Problem("request", type(error).__name__, type(error).__name__, "request")],
        "unreadable_request",
        400,
    )


def _field_with_nul(request: HttpRequest, *, forms: bool) -> str | None:
    if "\x00" in request.path:
        return "path"
    fields = [request.GET]
    if forms and request.method == "POST" and request.content_type in _FORM_TYPES:
        fields.append(request.POST)
    for data in fields:
        for name, values in data.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")
    return None


def _refusal(request: HttpRequest, field: str) -> HttpResponse:
    error = MotcuaError(
        "Yêu cầu chứa ký tự không hợp lệ (NUL).",
        "The request holds an invalid character (NUL).",
        [Problem(field, "không được chứa ký tự NUL", "must not contain NUL characters")],
        "invalid_character",
        400,
    )
    if request.path.startswith("/api/"):
        return _json_answer(error)
    page = (
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>400</title>'
        f"<p>{html.escape(error.message_vi)} {html.escape(field)}</p>"
        f'<p lang="en">{html.escape(error.message_en)} {html.escape(field)}</p></html>'
    )
    return HttpResponse(page, status=400, content_type="text/html; charset=utf-8")


class ApiMethodNotAllowed:
    """A method an API address does not take is answered in the API's error shape (Ninja answers
    405 in plain text), with the Allow header kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or not request.path.startswith("/api/"):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        allowed = response.get("Allow", "")
        error = MotcuaError(
            f"Địa chỉ này không nhận phương thức {request.method}; dùng: {allowed}.",
            f"This address does not take {request.method}; use: {allowed}.",
            [Problem("method", f"không nhận {request.method}", f"{request.method} not allowed", "request")],
            "method_not_allowed",
            405,
        )
        answer = _json_answer(error)
        answer["Allow"] = allowed
        return answer


def _json_answer(error: MotcuaError) -> HttpResponse:
    """The API's error shape (as motcua.api answers errors), outside Ninja."""
    body = json.dumps(error.as_dict(), ensure_ascii=False)
    return HttpResponse(body, status=error.http_status, content_type="application/json")


class VietnameseUnlessChosen:
    """Pages are in Vietnamese unless the visitor chose another language (the language switch sets a
    cookie): the browser's Accept-Language is not asked, so a counter PC set up in English still shows
    the province's language. Sits before LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
