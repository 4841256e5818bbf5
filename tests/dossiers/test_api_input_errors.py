"""The API's answers to bad input: a Vietnamese reason for every kind of error, with the limits in it
and without pydantic's English, and plain field names (no union or validator segments)."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated, Literal
from uuid import UUID

import pytest
from pydantic import AnyUrl, Field, Json, StringConstraints, TypeAdapter
from pydantic import ValidationError as PydanticError

from motcua import inputs
from tests.factories import DOSSIERS, at, judicial_body, reasons, receive


def test_intake_errors_are_in_vietnamese_with_their_limits(api):
    body = judicial_body(
        unit="x" * 30,
        applicant={"name": ""},
        papers=[{"component": 5, "quantity": 0, "zz": 1}],
        channel=7,
        extra=1,
    )
    assert reasons(api["counter_dt"].post(DOSSIERS, body)) == {
        "body.unit": "tối đa 16 ký tự",
        "body.applicant.name": "tối thiểu 1 ký tự",
        "body.applicant.id_number": "bắt buộc phải có",
        "body.papers.0.component": "phải là chuỗi ký tự",
        "body.papers.0.quantity": "phải lớn hơn hoặc bằng 1",
        "body.papers.0.zz": "trường này không được phép",
        "body.channel": "phải là một trong các giá trị: 1, 2 hoặc 3",
        "body.extra": "trường này không được phép",
    }


def test_our_validators_messages_are_in_vietnamese(api):
    body = judicial_body(applicant={"name": "A\x00", "id_number": "1"}, papers=[{"component": "TP1"}] * 2)
    assert reasons(api["counter_dt"].post(DOSSIERS, body)) == {
        "body.applicant.name": "không được chứa ký tự NUL",
        "body.papers": "mỗi thành phần hồ sơ chỉ khai một lần; bị lặp: TP1",
    }
    assert reasons(api["counter_dt"].post(DOSSIERS, raw="[1]")) == {
        "body": "phải là một đối tượng JSON ({...})"
    }


def test_query_errors_are_in_vietnamese(api):
    response = api["counter_dt"].get(DOSSIERS, limit="many", status=11, due="yesterday", q="x" * 201)
    assert reasons(response) == {
        "limit": "phải là số nguyên",
        "status": "phải nhỏ hơn hoặc bằng 10",
        "due": "phải là một trong các giá trị: 'soon' hoặc 'late'",
        "q": "tối đa 200 ký tự",
    }
    assert {p["where"] for p in response.json()["problems"]} == {"query"}


def test_union_fields_are_named_once_and_plainly(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    client = api["lead_justice"]
    code = receive(api["counter_dt"], judicial_body())["code"]
    assign = f"{DOSSIERS}/{code}/actions/assign"
    assert reasons(client.post(assign, {"assignee": 0})) == {
        "body.assignee": "phải là chuỗi ký tự; hoặc phải lớn hơn hoặc bằng 1"
    }
    assert reasons(client.post(assign, {"assignee": ""})) == {
        "body.assignee": "tối thiểu 1 ký tự; hoặc phải là số nguyên"
    }
    assert reasons(client.post(assign, {})) == {"assignee": "bắt buộc phải có"}


def test_moments_are_explained_in_vietnamese(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    apologize = f"{DOSSIERS}/{code}/actions/apologize"
    client = api["spec_justice"]
    for moment, expected in [
        ("tomorrow", inputs.DATETIME),
        ("2099-12-31T23:59", "phải ghi rõ múi giờ (ví dụ +07:00)"),
        ("1990-12-31T23:59+07:00", "phải nằm trong các năm 2000–2100"),
    ]:
        response = client.post(apologize, {"reason": "x", "new_due_at": moment})
        assert reasons(response) == {"body.new_due_at": expected}, moment


class Colour(Enum):
    RED = "red"
    BLUE = "blue"


# Real pydantic errors for the types no API call above produces: (type, bad value, expected reason).
TYPE_CASES = [
    (Annotated[str, StringConstraints(max_length=20)], "x" * 21, "tối đa 20 ký tự"),
    (Annotated[str, StringConstraints(pattern=r"^\d+$")], "ab", r"không đúng định dạng (mẫu ^\d+$)"),
    (Annotated[int, Field(gt=3)], 3, "phải lớn hơn 3"),
    (Annotated[int, Field(lt=3)], 3, "phải nhỏ hơn 3"),
    (Annotated[int, Field(le=5)], 6, "phải nhỏ hơn hoặc bằng 5"),
    (int, [], "phải là số nguyên"),
    (str, 1, "phải là chuỗi ký tự"),
    (bool, "maybe", "phải là true hoặc false"),
    (bool, [], "phải là true hoặc false"),
    (Literal["a", "b"], "c", "phải là một trong các giá trị: 'a' hoặc 'b'"),
    (Colour, "green", "phải là một trong các giá trị: 'red' hoặc 'blue'"),
    (date, "2026-02-30", inputs.DATE),
    (Json[int], "{", "không phải JSON hợp lệ"),
    (list[int], "x", "phải là một danh sách ([...])"),
    (Annotated[list[int], Field(max_length=2)], [1, 2, 3], "tối đa 2 phần tử"),
    (Annotated[list[int], Field(min_length=2)], [1], "tối thiểu 2 phần tử"),
    (dict[str, int], 1, "phải là một đối tượng JSON ({...})"),
    (UUID, "x", "phải là UUID hợp lệ"),
    (float, "x", "phải là một số"),
    (Annotated[float, Field(allow_inf_nan=False)], float("inf"), "phải là số hữu hạn"),
    (AnyUrl, "x", "phải là địa chỉ URL hợp lệ"),
    (bytes, 1, inputs.GENERIC_VI),  # no phrase of its own: the generic one, without English
]


@pytest.mark.parametrize(("kind", "value", "expected"), TYPE_CASES)
def test_each_pydantic_error_type_has_a_vietnamese_reason(kind, value, expected):
    with pytest.raises(PydanticError) as caught:
        TypeAdapter(kind).validate_python(value)
    [item] = caught.value.errors()
    assert inputs.reason_vi(item) == expected


def test_an_unknown_validator_message_gets_the_generic_reason():
    item = {"type": "value_error", "loc": ("x",), "msg": "Value error, odd", "ctx": {"error": "odd"}}
    assert inputs.reason_vi(item) == "giá trị không hợp lệ"
