"""Upload limits for the documents' pages, set before anything reads the request body (the NUL check
and the CSRF check both read the form): a body larger than the per-dossier limit is refused 413 without
being read, and each file streams to a temporary file that stops at the per-file limit."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from motcua.desk import text

from . import uploads

UPLOAD_VIEWS = {
    "documents:dossier",
    "documents:verify",
    "documents:verify_upload",
    "documents:applicant_attach",
    "citizens:draft",  # the online filing's papers
    "citizens:answer_supplement",
    "api:documents_attach",
    "api:documents_result",
    "api:documents_applicant_attach",
}


class UploadLimits:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and _is_upload_view(request.path_info):
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if _digits(request) else 0
            limit = uploads.max_dossier_bytes() + 1024 * 1024
            if declared > limit:
                error = uploads.too_large("files", _("the upload"), limit)
                if request.path_info.startswith("/api/"):
                    return JsonResponse(error.as_dict(), status=413)
                context = {
                    "message": text.message(error),
                    "problems": [text.reason(p) for p in error.problems],
                }
                return render(request, "documents/refused.html", context, status=413)
            request.upload_handlers = [uploads.SizeLimitedUploadHandler(request)]
        return self.get_response(request)


def _digits(request: HttpRequest) -> bool:
    return (
        str(request.META.get("CONTENT_LENGTH") or "").isascii()
        and str(request.META.get("CONTENT_LENGTH") or "").isdigit()
    )


def _is_upload_view(path: str) -> bool:
    try:
        return resolve(path).view_name in UPLOAD_VIEWS
    except Resolver404:
        return False
