"""Input checks of the intake and of supplement requests, through the API: each refusal names the
field and the problem (4xx) and writes nothing."""

from __future__ import annotations

import pytest

from motcua.catalog.models import OnlineLevel, Procedure
from motcua.dossiers.models import Dossier, SupplementRequest
from tests.factories import DOSSIERS, at, judicial_body, post_action, receive


def problems(error: dict) -> dict[str, str]:
    return {p["field"]: p["reason_vi"] for p in error["problems"]}


def test_online_filing_only_for_procedures_offered_online(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    Procedure.objects.filter(code="2.000488").update(online_level=OnlineLevel.NONE)
    error = receive(api["counter_dt"], judicial_body(channel=2), expect=400)
    assert "trực tuyến" in problems(error)["channel"]
    public = api["anonymous"].post("/api/track/submit", judicial_body())
    assert public.status_code == 400 and "channel" in problems(public.json())
    assert not Dossier.objects.exists()
    assert receive(api["counter_dt"], judicial_body())["code"].endswith("-0001")  # at the counter: yes


@pytest.mark.parametrize(
    ("paper", "field"),
    [
        ({"component": "TP1", "form": "bogus"}, "form"),
        ({"component": "TP1", "quantity": 1000}, "quantity"),
        ({"component": "TP1", "quantity": True}, "quantity"),
    ],
)
def test_paper_forms_and_quantities_are_checked(api, clock, paper, field):
    clock.set(at(2026, 3, 2, 9, 0))
    response = api["counter_dt"].post(DOSSIERS, judicial_body(papers=[paper]))
    assert response.status_code in (400, 422), response.content  # the service's check, or the schema's
    assert any(name.endswith(field) for name in problems(response.json()))
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("applicant", "field"),
    [
        ({"id_number": "²" * 12}, "applicant.id_number"),
        ({"id_number": "٠٧٤١٩٠٠٠١٢٣٤"}, "applicant.id_number"),
        ({"id_number": "07419000123"}, "applicant.id_number"),
        ({"email": "not an email"}, "applicant.email"),
    ],
)
def test_applicant_id_numbers_and_emails_are_checked(api, clock, applicant, field):
    clock.set(at(2026, 3, 2, 9, 0))
    body = judicial_body()
    body["applicant"] = {**body["applicant"], **applicant}
    error = receive(api["counter_dt"], body, expect=400)
    assert field in problems(error)
    assert not Dossier.objects.exists()


def test_a_valid_email_is_kept(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    body = judicial_body()
    body["applicant"] = {**body["applicant"], "email": "hoa@example.vn"}
    code = receive(api["counter_dt"], body)["code"]
    assert Dossier.objects.get(code=code).applicant_email == "hoa@example.vn"


def test_a_supplement_request_names_papers_of_the_procedure_with_the_catalogs_names(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_dt"], code, "complete_step")
    unknown = {"missing": [{"code": "BOGUS"}], "reason": "Thiếu"}
    error = post_action(api["spec_justice"], code, "request_supplement", unknown, expect=400)
    assert "BOGUS" in error["message_vi"] and "BOGUS" in error["message_en"]
    assert not SupplementRequest.objects.exists()
    given = {"missing": [{"code": "TP9", "name_vi": "tên sai", "note": "bản có dấu"}, {"code": "TP9"}]}
    post_action(api["spec_justice"], code, "request_supplement", {**given, "reason": "Thiếu"})
    stored = SupplementRequest.objects.get()
    assert stored.missing == [  # named once, with the catalog's names, as first written
        {
            "code": "TP9",
            "name_vi": "Bản sao sổ hộ khẩu",
            "name_en": "Copy of the household register",
            "note": "bản có dấu",
        }
    ]


def test_an_intake_at_a_unit_without_a_counter_role_names_that_unit(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    error = receive(api["counter_pc"], judicial_body(), expect=403)
    assert "Dầu Tiếng" in error["message_vi"] and "to receive a dossier there" in error["message_en"]
    assert not Dossier.objects.exists()
