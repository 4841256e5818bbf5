"""The HTTP API: one NinjaAPI, routers from the apps, one error mapping for all of them."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from motcua.errors import MotcuaError

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
    problems = [
        {
            "field": ".".join(str(part) for part in item.get("loc", [])[1:]) or "body",
            "reason_vi": "giá trị không hợp lệ: " + item.get("msg", ""),
            "reason_en": item.get("msg", "invalid value"),
            "where": str(item.get("loc", [""])[0]),
        }
        for item in error.errors
    ]
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


def _mount_routers() -> None:
    from motcua.catalog.api import router as catalog_router
    from motcua.network.api import router as network_router

    api.add_router("/network", network_router)
    api.add_router("/catalog", catalog_router)


_mount_routers()
