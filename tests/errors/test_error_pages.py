"""Django's error pages replaced by bilingual ones: Vietnamese first, then English, in the site's look;
the 500 page renders without the database or any other address."""

import pytest
from django.test import Client, override_settings

BACK = ("Về trang chủ", "Back to the home page")


def assert_bilingual(response, status: int, vietnamese: str, english: str) -> None:
    assert response.status_code == status
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert f"<title>Lỗi {status} / Error {status} · motcua</title>" in page
    assert vietnamese in page and english in page
    assert page.index('<section lang="vi"') < page.index(vietnamese) < page.index('<section lang="en"')
    assert page.index('<section lang="en"') < page.index(english)
    assert all(text in page for text in BACK)
    assert "motcua/site.css" in page


@pytest.mark.parametrize("language", ["vi", "en"])
def test_404_page(db, language):
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert_bilingual(response, 404, "Không tìm thấy trang", "Page not found")
    assert "Có thể địa chỉ bị gõ sai" in response.content.decode()


@override_settings(ROOT_URLCONF="tests.errors.urls")
def test_500_page_needs_no_database():
    # No db fixture: any query while rendering the page would raise here.
    response = Client(raise_request_exception=False).get("/broken/")
    assert_bilingual(response, 500, "Lỗi máy chủ", "Server error")
    page = response.content.decode()
    assert "Vui lòng thử lại sau ít phút" in page and "the database is down" not in page


@override_settings(ROOT_URLCONF="tests.errors.urls")
def test_403_page(db):
    response = Client().get("/forbidden/")
    assert_bilingual(response, 403, "Không có quyền truy cập", "Access denied")
    page = response.content.decode()
    assert "Bạn không có quyền mở trang này" in page and "internal reason" not in page


def test_403_csrf_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert_bilingual(response, 403, "Biểu mẫu đã hết hiệu lực", "The form has expired")
    assert "Kiểm tra bảo mật của biểu mẫu (CSRF) không thành công" in response.content.decode()


def test_400_page(db):
    response = Client().get("/", HTTP_HOST="not-our-host.example")
    assert_bilingual(response, 400, "Yêu cầu không hợp lệ", "Bad request")
    assert "Máy chủ không đọc được yêu cầu" in response.content.decode()
