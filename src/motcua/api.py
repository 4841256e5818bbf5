"""The HTTP API: one NinjaAPI, routers from the apps, one error mapping for all of them."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from motcua import inputs
from motcua.errors import MotcuaError, Problem
from motcua.ratelimit import RateLimited

api = NinjaAPI(
    title="motcua API",
    version="1",
    description="Một cửa: tiếp nhận phi địa giới, đồng hồ pháp lý, Chỉ số 766 / One-stop: boundary-free intake, "
    "the legal clock, Index 766.",
    urls_namespace="api",
)


@api.exception_handler(MotcuaError)
def motcua_error(request: HttpRequest, error: MotcuaError):
    return api.create_response(request, error.as_dict(), status=error.http_status)


@api.exception_handler(ValidationError)
def input_error(request: HttpRequest, error: ValidationError):
    problems = [p.as_dict() for p in inputs.problems(error.errors, skip=1)]
    body = {
        "code": "invalid",
        "message_vi": "Dữ liệu gửi lên không hợp lệ.",
        "message_en": "The input is invalid.",
        "problems": problems,
    }
    return api.create_response(request, body, status=422)


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, error: AuthenticationError):
    body = {
        "code": "unauthenticated",
        "message_vi": "Cần đăng nhập.",
        "message_en": "Authentication required.",
        "problems": [],
    }
    return api.create_response(request, body, status=401)


@api.exception_handler(RateLimited)
def rate_limited(request: HttpRequest, error: RateLimited):
    response = api.create_response(request, error.as_dict(), status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


HTTP_MESSAGES = {
    400: (
        "Không đọc được nội dung yêu cầu (JSON không hợp lệ).",
        "The request body cannot be read (invalid JSON).",
    ),
    403: ("Thiếu hoặc sai mã chống giả mạo (CSRF).", "The CSRF token is missing or wrong."),
    404: ("Không tìm thấy.", "Not found."),
    429: ("Quá nhiều yêu cầu; vui lòng thử lại sau.", "Too many requests; please try again later."),
}


def _error_body(status: int, code: str, problems: list[Problem] = ()) -> dict:
    message_vi, message_en = HTTP_MESSAGES.get(status, ("Yêu cầu không hợp lệ.", "The request is invalid."))
    return MotcuaError(message_vi, message_en, list(problems), code, status).as_dict()


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError):
    code = {400: "unreadable_body", 403: "csrf_failed", 429: "rate_limited"}.get(
        error.status_code, "http_error"
    )
    return api.create_response(request, _error_body(error.status_code, code), status=error.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404):
    return api.create_response(request, _error_body(404, "not_found"), status=404)


# Safety nets: database and model errors that slipped past the input checks are still the client's
# fault as far as the API can tell; answer 4xx naming the problem instead of a 500.
@api.exception_handler(ObjectDoesNotExist)
def missing_object(request: HttpRequest, error: ObjectDoesNotExist):
    what = type(error).__qualname__.split(".")[0]
    body = _error_body(404, "not_found", [Problem(what, "không tồn tại", "does not exist")])
    return api.create_response(request, body, status=404)


@api.exception_handler(DjangoValidationError)
def model_invalid(request: HttpRequest, error: DjangoValidationError):
    fields = error.message_dict if hasattr(error, "error_dict") else {"body": error.messages}
    problems = [Problem(name, "; ".join(m), "; ".join(m)) for name, m in fields.items()]
    return api.create_response(request, _error_body(400, "invalid", problems), status=400)


@api.exception_handler(IntegrityError)
def conflict(request: HttpRequest, error: IntegrityError):
    body = MotcuaError(
        "Dữ liệu xung đột với dữ liệu đã có; vui lòng tải lại và thử lại.",
        "The data conflicts with what is stored; reload and try again.",
        [],
        "conflict",
        409,
    ).as_dict()
    return api.create_response(request, body, status=409)


@api.exception_handler(DataError)
def data_error(request: HttpRequest, error: DataError):
    body = MotcuaError(
        "Một giá trị gửi lên không hợp lệ (ví dụ ký tự NUL hoặc số quá lớn).",
        "A value sent is invalid (e.g. a NUL character or a number too large).",
    ).as_dict()
    return api.create_response(request, body, status=400)


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, error: RequestDataTooBig):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    body = MotcuaError(
        f"Nội dung yêu cầu quá lớn: tối đa {limit} byte.",
        f"The request body is too large: at most {limit} bytes.",
        [Problem("body", f"vượt quá {limit} byte", f"exceeds {limit} bytes", "body")],
        "too_large",
        413,
    ).as_dict()
    return api.create_response(request, body, status=413)


@csrf_exempt
def unknown_path(request: HttpRequest):
    """Every /api/ address no router answers: the JSON 404, not the HTML page."""
    problem = Problem(
        request.path, "không có địa chỉ API này; xem /api/docs", "no such API address; see /api/docs", "path"
    )
    return api.create_response(request, _error_body(404, "not_found", [problem]), status=404)


def _mount_routers() -> None:
    from motcua.catalog.api import router as catalog_router
    from motcua.documents.api import filer_router
    from motcua.documents.api import public_router as verify_router
    from motcua.documents.api import router as documents_router
    from motcua.dossiers.api import router as dossiers_router
    from motcua.dossiers.api import track_router
    from motcua.network.api import router as network_router
    from motcua.oversight.api import router as monitoring_router
    from motcua.tickets.api import board_router as ticket_board_router
    from motcua.tickets.api import router as tickets_router

    api.add_router("/network", network_router)
    api.add_router("/catalog", catalog_router)
    api.add_router("/dossiers", dossiers_router)
    api.add_router("/track", track_router)
    api.add_router("/tickets", tickets_router)
    api.add_router("/tickets/units", ticket_board_router)
    api.add_router("/monitoring", monitoring_router)
    api.add_router("/", documents_router)
    api.add_router("/verify", verify_router)
    api.add_router("/track", filer_router)


_mount_routers()
