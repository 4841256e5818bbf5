"""The API's error answers beyond field checks: values the database refuses; NUL characters stopped
in the catalog's parameters."""

from __future__ import annotations

import json

from django.db import DataError
from django.test import RequestFactory

from motcua.api import data_error

from . import api_helpers
from .test_api_input_errors import reasons

api, clock, local_cache = api_helpers.api, api_helpers.clock, api_helpers.local_cache  # fixtures


def test_catalog_parameters_refuse_nul_naming_the_field(api):
    client = api["anonymous"].client
    for url, field, where in [
        ("/api/catalog/procedures?q=%00", "q", "query"),
        ("/api/catalog/procedures?sector=HT%00", "sector", "query"),
        ("/api/catalog/procedures/2.000488%00", "code", "path"),
    ]:
        response = client.get(url)
        assert reasons(response) == {field: "không được chứa ký tự NUL"}, url
        assert response.json()["problems"][0]["where"] == where
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
