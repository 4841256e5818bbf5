"""Intake rules of the service: assisted means filed online by an officer; an applicant phone number
must look like one, and the usual ways of writing one pass."""

import pytest

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, intake
from motcua.errors import ValidationFailed
from tests.factories import CONFIRMED, at, birth_request, judicial_body, judicial_request, receive


def test_assisted_is_an_online_filing_by_staff(world):
    now = at(2026, 3, 2, 9, 0)
    by_applicant = intake(actor=Actor.of_applicant(), request=judicial_request(channel=2), now=now).dossier
    by_officer = intake(
        actor=world["counter_dt"], request=judicial_request(channel=2, confirmation=CONFIRMED), now=now
    ).dossier
    in_person = intake(actor=world["counter_dt"], request=judicial_request(), now=now).dossier
    assert (by_applicant.assisted, by_officer.assisted, in_person.assisted) == (False, True, False)
    assert by_officer.status == Status.NEW


def test_an_officer_files_online_for_a_person_only_once_they_confirmed(world, api):
    with pytest.raises(ValidationFailed) as refused:
        intake(actor=world["counter_dt"], request=judicial_request(channel=2), now=at(2026, 3, 2, 9))
    assert [p.field for p in refused.value.problems] == ["channel"]
    answer = receive(api["counter_dt"], judicial_body(channel=2), expect=400)
    assert [p["field"] for p in answer["problems"]] == ["channel"]
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("phone", ["abc", "0912", "０９１２３４５６７８", "0912345678901234567", "09-12--"])
def test_a_phone_number_must_look_like_one(world, phone):
    applicant = Applicant(name="Trần Văn Nam", id_number="074090004321", phone=phone)
    with pytest.raises(ValidationFailed) as refused:
        intake(actor=world["counter_pc"], request=birth_request(applicant=applicant), now=at(2026, 3, 2, 9))
    assert [p.field for p in refused.value.problems] == ["applicant.phone"]


@pytest.mark.parametrize("phone", ["0912345678", "+84 912 345 678", "0274.3822.123", "0912-345-678"])
def test_usual_phone_numbers_pass(world, phone):
    applicant = Applicant(name="Trần Văn Nam", id_number="074090004321", phone=f" {phone} ")
    result = intake(
        actor=world["counter_pc"], request=birth_request(applicant=applicant), now=at(2026, 3, 2, 9)
    )
    stored = Dossier.objects.get(pk=result.dossier.pk)
    assert stored.status == Status.RECEIVED
    assert stored.applicant_phone == phone  # kept as written, without the surrounding spaces
