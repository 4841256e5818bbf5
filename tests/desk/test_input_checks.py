"""Odd input on the staff pages gets a page naming the problem (4xx), never a server error, and
writes nothing."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Dossier
from tests.factories import INTAKE_FORM, page_text


@pytest.mark.parametrize("value", ["²", "٣", "99999999999999999999", "-1"])
def test_queue_filters_take_any_text(login, value):
    client = login("counter_dt")
    for name in ("status", "channel"):
        assert client.get("/desk/", {name: value}).status_code == 200


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("qty_TP1", "99999999999999999999999", "Số lượng phải là số nguyên."),
        ("qty_TP1", "40000", "1 đến 999"),
        ("qty_TP1", "0", "1 đến 999"),
        ("qty_TP1", "²", "Số lượng phải là số nguyên."),
        ("form_TP1", "x" * 30, "hình thức phải là một trong"),
        ("form_TP1", "bogus", "hình thức phải là một trong"),
    ],
)
def test_intake_checklist_rows_are_checked(login, field, value, named):
    client = login("counter_dt")
    response = client.post("/desk/intake/", {**INTAKE_FORM, field: value})
    assert response.status_code == 400
    assert named in page_text(response)
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/desk/?q=a%00b",
        "/desk/?unit=%00",
        "/desk/intake/?procedure=%00",
        "/desk/intake/checklist/?procedure=%00",
        "/desk/dossiers/a%00b/",
        "/desk/dossiers/a%00b/receipt.pdf",
        "/?q=%00",
        "/procedures/a%00b/",
    ],
)
def test_a_nul_character_anywhere_is_a_400_naming_the_field(login, path):
    response = login("counter_dt").get(path)
    assert response.status_code == 400
    assert "NUL" in page_text(response)


def test_a_nul_character_in_a_form_field_is_refused_before_anything_is_written(login):
    response = login("counter_dt").post("/desk/intake/", {**INTAKE_FORM, "procedure": "2.000488\x00"})
    assert response.status_code == 400 and "procedure" in page_text(response)
    assert not Dossier.objects.exists()


def test_a_nul_character_in_an_api_query_is_a_json_400(login):
    response = login("counter_dt").get("/api/dossiers", {"q": "a\x00"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_character" and body["problems"][0]["field"] == "q"
