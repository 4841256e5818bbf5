"""The API's error answers beyond field checks: the JSON shape for bodies too large, unknown
addresses and values the database refuses; NUL characters stopped in the catalog's parameters."""

from __future__ import annotations

import json

import pytest
from django.db import DataError
from django.test import Client, RequestFactory

from motcua.api import data_error
from tests.factories import judicial_body, reasons

DOSSIERS = "/api/dossiers"


def test_a_body_over_the_upload_limit_is_a_json_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api["counter_dt"].post(DOSSIERS, judicial_body(request_text="x" * 2000))
    assert response.status_code == 413, response.content
    body = response.json()
    assert body["code"] == "too_large"
    assert "1000 byte" in body["message_vi"] and "1000 bytes" in body["message_en"]
    assert [p["field"] for p in body["problems"]] == ["body"]
    assert api["counter_dt"].post(DOSSIERS, judicial_body()).status_code == 201


@pytest.mark.parametrize("path", ["/api/nope", "/api/dossiers/", "/api/catalog/procedures/a/b"])
def test_unknown_api_addresses_answer_the_json_404(db, path):
    for response in (Client().get(path), Client(enforce_csrf_checks=True).post(path, {"a": 1})):
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert body["code"] == "not_found" and body["message_vi"] == "Không tìm thấy."
        assert body["problems"][0]["field"] == path


def test_catalog_parameters_refuse_nul_naming_the_field(api):
    client = api["anonymous"].client
    for url, field in [  # the request check answers before the API's own parameter checks
        ("/api/catalog/procedures?q=%00", "q"),
        ("/api/catalog/procedures?sector=HT%00", "sector"),
        ("/api/catalog/procedures/2.000488%00", "path"),
    ]:
        response = client.get(url)
        assert response.status_code == 400 and response.json()["code"] == "invalid_character", url
        assert reasons(response, status=400) == {field: "không được chứa ký tự NUL"}, url
    found = client.get("/api/catalog/procedures", {"q": "khai sinh", "sector": "HT"}).json()
    assert [p["code"] for p in found] == ["1.001193"]
    assert client.get("/api/catalog/procedures/2.000488").json()["code"] == "2.000488"


def test_a_value_the_database_refuses_is_not_called_invalid_json():
    response = data_error(RequestFactory().get("/api/catalog/procedures"), DataError("NUL"))
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["code"] == "invalid" and body["problems"] == []
    assert body["message_vi"] == "Một giá trị gửi lên không hợp lệ (ví dụ ký tự NUL hoặc số quá lớn)."
    assert body["message_en"] == "A value sent is invalid (e.g. a NUL character or a number too large)."
    assert "JSON" not in body["message_vi"] + body["message_en"]


def test_a_method_an_api_address_does_not_take_gets_the_api_error_shape(api):
    response = api["counter_dt"].client.delete("/api/dossiers")
    assert response.status_code == 405 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "method_not_allowed" and "DELETE" in body["message_vi"]
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_form_body_to_the_api_is_a_json_400_not_a_500(api):
    """The API reads JSON; a multipart or urlencoded body used to be parsed by the NUL check first,
    which used up the body the API then read (500). Not counted by the tracking limits either."""
    anonymous = api["anonymous"].client
    for client, path in [(anonymous, "/api/track"), (api["counter_dt"].client, DOSSIERS)]:
        for content_type in (None, "application/x-www-form-urlencoded"):
            kwargs = {"content_type": content_type} if content_type else {}
            body = "code=abc&pin=123456" if content_type else {"code": "abc", "pin": "123456"}
            response = client.post(path, body, **kwargs)
            assert response.status_code == 400, (path, content_type, response.content)
            assert response["Content-Type"].startswith("application/json")
    broken = anonymous.post("/api/track", b"x", content_type="multipart/form-data")  # no boundary
    assert broken.status_code == 400 and broken["Content-Type"].startswith("application/json")


def test_too_many_query_parameters_get_the_api_error_shape(api):
    response = api["anonymous"].client.get("/api/catalog/procedures?" + "&".join(["a="] * 1100))
    assert response.status_code == 400 and response.json()["code"] == "unreadable_request"
