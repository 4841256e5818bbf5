"""Boundary-free supplements: a counter of any unit of the province takes the papers the applicant
brings (they show the dossier code and their ID number) and carries them on to the unit holding the
dossier, as a row of the control slip; without the ID number the dossier stays out of its sight."""

import pytest

from motcua.dossiers.models import Handover, Status
from motcua.dossiers.services import act, intake
from motcua.errors import NotFound
from tests.factories import (
    BRANCH_DT,
    JUSTICE,
    assert_consistent,
    at,
    at_justice_asking_for_tp9,
    judicial_request,
)

ID_NUMBER = "074190001234"  # judicial_request's applicant


def test_an_intake_supplement_taken_at_another_unit_is_handed_over_to_the_receiving_one(world):
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9, 0)
    ).dossier
    assert dossier.status == Status.SUPPLEMENT
    act(
        actor=world["counter_center"],  # the center was never involved in this dossier
        code=dossier.code,
        action="supplement_received",
        now=at(2026, 3, 3, 9, 0),
        params={"papers": [{"component": "TP1", "form": "original"}], "applicant_id_number": ID_NUMBER},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    handover = dossier.handovers.get(kind=Handover.Kind.SUPPLEMENT)
    assert handover.from_unit.code == "000.00.00.H57" and handover.to_unit_id == dossier.receiving_unit_id
    assert handover.from_user == world["counter_center"].user
    # the original travels from the center to the unit holding the dossier
    assert dossier.paper_movements.filter(from_unit__code="000.00.00.H57").count() == 1
    event = dossier.events.order_by("-seq").first()
    assert event.unit.code == "000.00.00.H57" and event.payload["originals"] == ["TP1"]
    assert ID_NUMBER not in str(event.payload)  # the proof shown is not kept in the log
    assert_consistent(dossier)


def test_a_supplement_during_processing_taken_elsewhere_resumes_the_clock_and_goes_to_the_agency(world):
    code = at_justice_asking_for_tp9(world)
    act(
        actor=world["outsider"],  # Dầu Tiếng branch: not a unit of this dossier
        code=code,
        action="supplement_received",
        params={"papers": [{"component": "TP9"}], "applicant_id_number": ID_NUMBER, "note": "brought"},
    )
    handover = Handover.objects.get(dossier__code=code, kind=Handover.Kind.SUPPLEMENT)
    assert (handover.from_unit.code, handover.to_unit.code) == (BRANCH_DT, JUSTICE)
    dossier = handover.dossier
    assert dossier.status == Status.PROCESSING and dossier.paused_since is None
    assert not dossier.paper_movements.filter(from_unit__code=BRANCH_DT).exists()  # a copy: nothing to carry
    assert_consistent(dossier)


@pytest.mark.parametrize("id_number", ["", "074190009999"])
def test_without_the_applicants_id_number_another_unit_may_not_touch_the_dossier(world, id_number):
    code = at_justice_asking_for_tp9(world)
    with pytest.raises(NotFound):
        act(
            actor=world["outsider"],
            code=code,
            action="supplement_received",
            params={"papers": [], "applicant_id_number": id_number},
        )
    assert not Handover.objects.filter(dossier__code=code, kind=Handover.Kind.SUPPLEMENT).exists()


def test_the_id_number_opens_no_other_action_to_another_unit(world):
    code = at_justice_asking_for_tp9(world)
    with pytest.raises(NotFound):
        act(actor=world["outsider"], code=code, action="withdraw",
            params={"reason": "x", "applicant_id_number": ID_NUMBER})  # fmt: skip


def test_a_specialist_elsewhere_cannot_take_a_supplement_with_the_id_number(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(papers=[])).dossier
    with pytest.raises(NotFound):
        act(
            actor=world["spec_dt"],  # a commune committee, not a counter
            code=dossier.code,
            action="supplement_received",
            params={"papers": [{"component": "TP1"}], "applicant_id_number": ID_NUMBER},
        )
