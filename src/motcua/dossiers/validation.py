"""What is given at intake and with a supplement, and what is wrong with it: the papers against the
procedure's checklist, the applicant's identity and contacts."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email

from motcua.catalog.models import Component, PaperForm
from motcua.catalog.search import fold
from motcua.errors import Problem

MAX_PAPER_QUANTITY = 999
ID_NUMBER = re.compile(r"[0-9]{9}|[0-9]{12}")
PHONE = re.compile(r"\+?[0-9][0-9 .\-]*")


@dataclass
class Applicant:
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass
class PaperIn:
    component: str  # component code of the procedure version
    form: str = ""
    quantity: int = 1
    reused: bool = False
    digitized: bool = False


def paper_problems(papers: list[PaperIn], components: dict[str, Component]) -> list[Problem]:
    """What is wrong with a list of papers given for a procedure version's checklist."""
    problems = []
    for index, paper in enumerate(papers):
        problem = _paper_problem(paper, components.get(paper.component))
        if problem:
            problems.append(Problem(problem[0], problem[1], problem[2], f"papers[{index}]"))
    return problems


def _paper_problem(paper: PaperIn, component: Component | None) -> tuple[str, str, str] | None:
    if component is None:
        return (
            "component",
            f"thành phần '{paper.component}' không có trong thủ tục",
            f"component '{paper.component}' is not part of this procedure",
        )
    if paper.form and paper.form not in PaperForm.values:
        forms = ", ".join(PaperForm.values)
        return "form", f"hình thức phải là một trong {forms}", f"form must be one of {forms}"
    if type(paper.quantity) is not int or not 1 <= paper.quantity <= MAX_PAPER_QUANTITY:
        return (
            "quantity",
            f"số lượng phải từ 1 đến {MAX_PAPER_QUANTITY}",
            f"quantity must be 1 to {MAX_PAPER_QUANTITY}",
        )
    if paper.reused and not component.reusable:
        return (
            "reused",
            "thành phần này không được tái sử dụng từ kho dữ liệu",
            "this component cannot be reused from digitized papers",
        )
    return None


def applicant_problems(applicant: Applicant) -> list[Problem]:
    problems = []
    if not applicant.name.strip():
        problems.append(Problem("applicant.name", "bắt buộc", "is required"))
    if not ID_NUMBER.fullmatch(applicant.id_number.strip()):
        problems.append(
            Problem(
                "applicant.id_number",
                "số CCCD/CMND phải gồm 12 (hoặc 9) chữ số",
                "the ID number must have 12 (or 9) digits",
            )
        )
    if applicant.phone.strip() and not valid_phone(applicant.phone.strip()):
        problems.append(
            Problem(
                "applicant.phone",
                "số điện thoại gồm 8-15 chữ số (có thể có +, dấu cách, chấm, gạch nối)",
                "a phone number has 8-15 digits (+, spaces, dots and hyphens allowed)",
            )
        )
    if applicant.email.strip() and not valid_email(applicant.email.strip()):
        problems.append(
            Problem("applicant.email", "địa chỉ email không hợp lệ", "the email address is invalid")
        )
    return problems


def searchable_name(name: str) -> str:
    """What the queues' search matches word by word: a space, then the folded name."""
    return " " + fold(name)


def valid_phone(number: str) -> bool:
    digits = sum(c.isdigit() for c in number)
    return PHONE.fullmatch(number) is not None and number.isascii() and 8 <= digits <= 15


def valid_email(address: str) -> bool:
    try:
        validate_email(address)
    except DjangoValidationError:
        return False
    return True
