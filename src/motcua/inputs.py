"""Input checking shared by the API routers: the rules of a text field (bounded, no NUL characters),
and pydantic's error items read as bilingual Problems (a Vietnamese phrase per error type, the field
named plainly)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from annotated_types import GroupedMetadata
from pydantic import AfterValidator, StringConstraints

from motcua.errors import Problem

NUL_MESSAGE = "must not contain NUL characters"


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError(NUL_MESSAGE)
    return value


@dataclass(frozen=True)
class Text(GroupedMetadata):
    """A text field's rules, written as a type: `Annotated[str, Text(200, 1)]` is at most 200 characters,
    at least 1, without NUL. Pydantic applies the constraints it groups (the same schema as writing
    them out); type checkers read a plain str."""

    max_length: int
    min_length: int = 0

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(max_length=self.max_length, min_length=self.min_length)
        yield AfterValidator(no_nul)


DATETIME = "phải là ngày giờ hợp lệ theo ISO 8601 (ví dụ 2026-03-06T17:00:00+07:00)"
DATE = "phải là ngày hợp lệ dạng YYYY-MM-DD"
NUMBER = "phải là một số"
INTEGER = "phải là số nguyên"
OBJECT = "phải là một đối tượng JSON ({{...}})"

# Vietnamese for pydantic's error types; {name} is filled from the error's ctx.
REASONS_VI = {
    "missing": "bắt buộc phải có",
    "extra_forbidden": "trường này không được phép",
    "string_type": "phải là chuỗi ký tự",
    "string_too_long": "tối đa {max_length} ký tự",
    "string_too_short": "tối thiểu {min_length} ký tự",
    "string_pattern_mismatch": "không đúng định dạng (mẫu {pattern})",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "multiple_of": "phải là bội số của {multiple_of}",
    "int_type": INTEGER,
    "int_parsing": INTEGER,
    "int_from_float": INTEGER,
    "int_parsing_size": "số quá lớn",
    "float_type": NUMBER,
    "float_parsing": NUMBER,
    "decimal_type": NUMBER,
    "decimal_parsing": NUMBER,
    "finite_number": "phải là số hữu hạn",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "literal_error": "phải là một trong các giá trị: {expected}",
    "enum": "phải là một trong các giá trị: {expected}",
    "datetime_type": DATETIME,
    "datetime_parsing": DATETIME,
    "datetime_from_date_parsing": DATETIME,
    "datetime_object_invalid": DATETIME,
    "timezone_aware": "phải ghi rõ múi giờ (ví dụ +07:00)",
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "time_type": "phải là giờ hợp lệ dạng HH:MM",
    "time_parsing": "phải là giờ hợp lệ dạng HH:MM",
    "json_invalid": "không phải JSON hợp lệ",
    "json_type": "không phải JSON hợp lệ",
    "list_type": "phải là một danh sách ([...])",
    "too_long": "tối đa {max_length} phần tử",
    "too_short": "tối thiểu {min_length} phần tử",
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "uuid_type": "phải là UUID hợp lệ",
    "uuid_parsing": "phải là UUID hợp lệ",
    "url_type": "phải là địa chỉ URL hợp lệ",
    "url_parsing": "phải là địa chỉ URL hợp lệ",
    "url_scheme": "phải là địa chỉ URL hợp lệ",
    "url_syntax_violation": "phải là địa chỉ URL hợp lệ",
}
GENERIC_VI = "giá trị không hợp lệ"

# Vietnamese for the messages of our own validators (pydantic reports them as value_error).
VALUE_ERRORS_VI = [
    (re.compile(re.escape(NUL_MESSAGE)), "không được chứa ký tự NUL"),
    (re.compile(r"must lie within (?P<low>\d+)-(?P<high>\d+)"), "phải nằm trong các năm {low}–{high}"),
    (
        re.compile(r"each component once: (?P<codes>.+) appear\(s\) more than once"),
        "mỗi thành phần hồ sơ chỉ khai một lần; bị lặp: {codes}",
    ),
]


def reason_vi(item: Mapping[str, Any]) -> str:
    ctx = item.get("ctx") or {}
    if item.get("type") == "value_error":
        return _value_error_vi(str(ctx.get("error", "")))
    template = REASONS_VI.get(item.get("type", ""), GENERIC_VI)
    values = {key: str(value) for key, value in ctx.items()}
    if "expected" in values:  # pydantic writes choices as "'a', 'b' or 'c'"
        values["expected"] = values["expected"].replace(" or ", " hoặc ")
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return GENERIC_VI


def _value_error_vi(message: str) -> str:
    for pattern, template in VALUE_ERRORS_VI:
        if match := pattern.fullmatch(message):
            return template.format(**match.groupdict())
    return GENERIC_VI


# pydantic puts the schema of each union member (or validator) into loc: "int", "str",
# "function-after[no_nul(), constrained-str]", "list[PaperIn]"; the client only knows the field.
SCHEMA_TAGS = {"str", "int", "float", "bool", "bytes", "none", "list", "dict", "tuple", "set", "frozenset"}
SCHEMA_TAGS |= {"date", "datetime", "time", "timedelta", "decimal", "uuid", "url", "literal", "enum"}


def _is_schema_tag(part: str) -> bool:
    return part in SCHEMA_TAGS or "[" in part or "-" in part or part[:1].isupper()


def field_name(item: Mapping[str, Any]) -> str:
    """The dotted path of the field at fault, without pydantic's union and validator segments; list
    indexes stay (papers.0.component). An extra field is named as sent."""
    loc = list(item.get("loc", ()))
    last = [loc.pop()] if item.get("type") == "extra_forbidden" and loc else []
    parts: list[str] = []
    for part in loc:
        if isinstance(part, str) and _is_schema_tag(part):
            break
        parts.append(str(part))
    return ".".join(parts + [str(p) for p in last])


def problems(items: Iterable[Mapping[str, Any]], where: str = "", skip: int = 0) -> list[Problem]:
    """One Problem per field at fault; the errors of a union's members about the same field are joined
    ("phải là chuỗi ký tự; hoặc phải lớn hơn hoặc bằng 1"). `skip` drops leading loc parts (Ninja's
    parameter source) and `where` overrides what is said about the place."""
    merged: dict[tuple[str, str], Problem] = {}
    for item in items:
        loc = tuple(item.get("loc", ()))
        place = where or (str(loc[0]) if loc else "")
        name = field_name({**item, "loc": loc[skip:]}) or "body"
        vi, en = reason_vi(item), item.get("msg") or "invalid value"
        known = merged.get((place, name))
        if known is not None:
            if vi in known.reason_vi.split("; hoặc "):
                continue
            vi, en = f"{known.reason_vi}; hoặc {vi}", f"{known.reason_en}; or {en}"
        merged[(place, name)] = Problem(name, vi, en, place)
    return list(merged.values())
