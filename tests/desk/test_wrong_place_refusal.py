"""A written answer at the wrong place: a procedure this unit may not receive for the commune concerned
is refused with Form 03 naming the units that may receive it and those nearest the commune."""

import pytest

from motcua.catalog.models import Procedure
from motcua.dossiers.models import Status
from motcua.dossiers.services import intake
from motcua.errors import ValidationFailed
from motcua.network.models import Unit
from tests.factories import INTAKE_FORM, POINT_DAU_TIENG, at, birth_request, page_text, pdf_text


@pytest.fixture
def bound_to_its_commune(world):
    """Birth registration made not boundary-free: only units of the commune concerned receive it."""
    Procedure.objects.filter(code="1.001193").update(boundary_free=False)
    Unit.objects.filter(code=POINT_DAU_TIENG).update(address="Khu phố 4, thị trấn Dầu Tiếng")


def test_the_refusal_names_where_to_file_and_the_nearest_units(world, bound_to_its_commune):
    with pytest.raises(ValidationFailed) as caught:  # receiving is still refused, with the hint
        intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9))
    assert caught.value.code == "not_boundary_free" and "Form 03" in caught.value.message_en
    result = intake(
        actor=world["counter_pc"], request=birth_request(decision="refuse"), now=at(2026, 3, 2, 9)
    )
    dossier = result.dossier
    assert dossier.status == Status.REFUSED and dossier.receiving_unit.code == "001.30.00.H57"
    assert "Dầu Tiếng" in dossier.reason  # a reason is written for the officer when none is given
    named = dossier.events.get(seq=1).payload["where_to_file"]
    assert [u["code"] for u in named["may_receive"]] == [POINT_DAU_TIENG]
    assert named["nearest"][0]["code"] == POINT_DAU_TIENG and named["nearest"][0]["km"] == 0.0


def test_the_counter_issues_form_03_from_the_intake_page(login, world, bound_to_its_commune):
    client = login("counter_pc")
    form = {**INTAKE_FORM, "unit": "001.30.00.H57", "procedure": "1.001193", "subject_jurisdiction": "25966"}
    refused = client.post("/desk/intake/", form)
    assert refused.status_code == 400 and 'name="wrong_place"' in refused.content.decode()
    issued = client.post("/desk/intake/", {**form, "wrong_place": "1"})
    assert issued.status_code == 302
    receipt = client.get(issued["Location"])
    text = page_text(receipt)
    assert "Điểm tiếp nhận thị trấn Dầu Tiếng" in text and "Khu phố 4, thị trấn Dầu Tiếng" in text
    pdf = pdf_text(client.get(issued["Location"].replace("/receipt/", "/receipt.pdf")).content)
    assert "PHIẾU TỪ CHỐI" in pdf and "Khu phố 4, thị trấn Dầu Tiếng" in pdf
    assert "gần Dầu Tiếng nhất" in pdf
