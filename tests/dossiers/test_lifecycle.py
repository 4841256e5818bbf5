"""Every lifecycle path through the services, with a simulated clock."""

import pytest
from django.db import IntegrityError, transaction

from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier, DossierEvent, Handover, Status, StepState, Timeliness
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import act, intake, pin_matches
from motcua.errors import Forbidden, NotFound, ValidationFailed
from tests.factories import (
    BRANCH_TDM,
    COMMUNE_DAU_TIENG,
    JUSTICE,
    POINT_DAU_TIENG,
    assert_consistent,
    at,
    birth_request,
    judicial_request,
)


def test_boundary_free_journey_across_three_units(world):
    """Filed at a Dau Tieng reception point, handled by the provincial Department of Justice,
    returned at the Thu Dau Mot branch chosen by the applicant."""
    received = at(2026, 2, 13, 16, 10)  # Friday after the cut-off, right before Tết
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=received)
    dossier = result.dossier
    assert dossier.code == f"{POINT_DAU_TIENG}-260213-0001"
    assert dossier.status == Status.RECEIVED and dossier.competent_unit.code == JUSTICE
    assert dossier.clock_start == at(2026, 2, 23, 7, 0)  # Monday after Tết
    assert dossier.due_at == at(2026, 3, 6, 17, 0)  # 10 working days
    assert pin_matches(dossier, result.pin) and not pin_matches(dossier, "000000x")

    act(actor=world["counter_dt"], code=dossier.code, action=Action.COMPLETE_STEP, now=at(2026, 2, 23, 8, 0))
    act(
        actor=world["lead_justice"],
        code=dossier.code,
        action="assign",
        now=at(2026, 2, 23, 9, 0),
        params={"assignee": "spec_justice"},
    )
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 5, 10, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="finish", now=at(2026, 3, 5, 15, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED and dossier.finished_on_time is True
    with pytest.raises(ValidationFailed):  # not at the return point yet
        act(actor=world["counter_tdm"], code=dossier.code, action="return_result", now=at(2026, 3, 5, 16, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="carry_result", now=at(2026, 3, 5, 16, 0))
    act(actor=world["counter_tdm"], code=dossier.code, action="return_result", now=at(2026, 3, 6, 8, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.current_unit.code == BRANCH_TDM
    slip = list(dossier.handovers.values_list("kind", "from_unit__code", "to_unit__code", "timeliness"))
    assert slip == [
        ("step", POINT_DAU_TIENG, JUSTICE, Timeliness.EARLY),
        ("step", JUSTICE, JUSTICE, Timeliness.EARLY),
        ("result", JUSTICE, BRANCH_TDM, Timeliness.EARLY),
        ("returned", BRANCH_TDM, None, Timeliness.EARLY),
    ]
    assert dossier.paper_movements.count() == 1  # paper originals travel separately
    assert_consistent(dossier)


def test_commune_procedure_routes_to_the_subjects_commune(world):
    dossier = intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 0)).dossier
    assert dossier.competent_unit.code == COMMUNE_DAU_TIENG
    assert [s.unit.code for s in dossier.steps.order_by("order")][1] == COMMUNE_DAU_TIENG


def test_missing_required_paper_gives_a_supplement_request(world):
    result = intake(actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9, 0))
    dossier = result.dossier
    assert dossier.status == Status.SUPPLEMENT and dossier.due_at is None
    assert [m["code"] for m in result.missing] == ["TP1"]
    act(
        actor=world["counter_dt"],
        code=dossier.code,
        action="supplement_received",
        now=at(2026, 3, 3, 9, 0),
        params={"papers": [{"component": "TP1", "form": "original"}]},  # what the applicant brought
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(2026, 3, 3, 9, 0)
    assert_consistent(dossier)


def test_refusal_needs_a_reason(world):
    with pytest.raises(ValidationFailed) as caught:
        intake(
            actor=world["counter_dt"], request=judicial_request(decision="refuse"), now=at(2026, 3, 2, 9, 0)
        )
    assert "reason" in caught.value.message_en
    assert Dossier.objects.count() == 0
    dossier = intake(
        actor=world["counter_dt"],
        request=judicial_request(decision="refuse", reason="Không đủ điều kiện"),
        now=at(2026, 3, 2, 9, 0),
    ).dossier
    assert dossier.status == Status.REFUSED and dossier.closed_at is not None
    # the refusal did not consume... it did: codes count every dossier received, refused ones too
    assert dossier.code.endswith("-0001")


def test_processing_supplement_pauses_the_clock_and_a_second_one_is_flagged(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    due = dossier.due_at
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    params = {"missing": [{"code": "TP9", "name_vi": "Bản sao hộ khẩu"}], "reason": "Thiếu giấy"}
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="request_supplement",
        now=at(2026, 3, 3, 9, 0),
        params=params,
    )
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 4, 9, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == at(2026, 3, 17, 9, 0)  # moved by exactly one working day (8 h)
    assert dossier.due_at > due
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="request_supplement",
        now=at(2026, 3, 5, 9, 0),
        params=params,
    )
    assert dossier.supplements.filter(repeated=True).count() == 1
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 5, 10, 0))
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 5, 11, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="finish", now=at(2026, 3, 5, 11, 0))
    dossier.refresh_from_db()
    assert dossier.finished_on_time is False  # a second supplement request counts as late (Index 766)
    assert_consistent(dossier)


def test_apology_only_before_the_due_time_and_only_later(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    with pytest.raises(ValidationFailed):
        act(
            actor=world["spec_justice"],
            code=dossier.code,
            action="apologize",
            now=at(2026, 3, 3, 9, 0),
            params={"reason": "Chờ xác minh", "new_due_at": "2026-03-10T17:00:00+07:00"},
        )
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="apologize",
        now=at(2026, 3, 3, 9, 0),
        params={"reason": "Chờ xác minh", "new_due_at": "2026-03-20T17:00:00+07:00"},
    )
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 3, 20, 17, 0) and dossier.legal_due_at == at(2026, 3, 16, 9, 0)
    with pytest.raises(ValidationFailed) as caught:
        act(
            actor=world["spec_justice"],
            code=dossier.code,
            action="apologize",
            now=at(2026, 3, 21, 9, 0),
            params={"reason": "Lần nữa", "new_due_at": "2026-03-30T17:00:00+07:00"},
        )
    assert "before the due time" in caught.value.message_en
    assert_consistent(dossier)


def test_payment_stop_and_withdrawal(world):
    paying = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=paying.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=paying.code, action="request_payment", now=at(2026, 3, 2, 11, 0))
    paying.refresh_from_db()
    assert paying.status == Status.AWAITING_PAYMENT
    act(
        actor=world["counter_dt"],
        code=paying.code,
        action="payment_received",
        now=at(2026, 3, 2, 14, 0),
        params={"online": True},
    )
    paying.refresh_from_db()
    assert paying.status == Status.PROCESSING and paying.paid_online
    act(
        actor=world["lead_justice"],
        code=paying.code,
        action="stop",
        now=at(2026, 3, 3, 9, 0),
        params={"reason": "Người yêu cầu không đủ điều kiện"},
    )
    paying.refresh_from_db()
    assert paying.status == Status.STOPPED
    # The steps not done are stopped: none stays in hand on a unit's list; the done one stays done.
    states = {step.order: step.state for step in paying.steps.all()}
    assert states[1] == StepState.DONE and StepState.ACTIVE not in states.values()
    assert StepState.PENDING not in states.values()
    stop_event = paying.events.order_by("-seq").first()
    assert stop_event.payload["stopped_steps"] == [
        o for o, state in states.items() if state == StepState.STOPPED
    ]
    leaving = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(
        actor=Actor.of_applicant(),
        code=leaving.code,
        action="withdraw",
        now=at(2026, 3, 2, 9, 30),
        params={"reason": "Không còn nhu cầu"},
    )
    leaving.refresh_from_db()
    assert leaving.status == Status.WITHDRAWN
    assert not leaving.steps.filter(state=StepState.ACTIVE).exists()
    assert_consistent(paying)
    assert_consistent(leaving)


def test_return_step_sends_back(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 3, 10, 0))
    act(
        actor=world["lead_justice"],
        code=dossier.code,
        action="return_step",
        now=at(2026, 3, 3, 11, 0),
        params={"reason": "Cần xác minh thêm"},
    )
    dossier.refresh_from_db()
    assert dossier.current_step_order == 2
    assert dossier.handovers.filter(kind=Handover.Kind.RETURN_STEP).count() == 1


def test_online_submission_then_reception(world):
    request = judicial_request(channel=2)
    dossier = intake(actor=Actor.of_applicant(), request=request, now=at(2026, 3, 1, 20, 0)).dossier
    assert dossier.status == Status.NEW and dossier.due_at is None
    act(actor=world["counter_dt"], code=dossier.code, action="receive", now=at(2026, 3, 2, 8, 0))
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.due_at == at(2026, 3, 12, 8, 0)  # the online limit: 8 working days
    assert_consistent(dossier)


def test_illegal_action_names_status_and_allowed_actions(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    with pytest.raises(ValidationFailed) as caught:
        act(actor=world["counter_dt"], code=dossier.code, action="return_result", now=at(2026, 3, 2, 9, 5))
    error = caught.value
    assert error.http_status == 409
    assert "status 2" in error.message_en and "complete_step" in error.message_en
    assert "trạng thái 2" in error.message_vi


def test_only_units_of_the_dossier_may_act(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    with pytest.raises(NotFound):  # a unit it does not concern is told no more than of an unknown code
        act(actor=world["outsider"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    with pytest.raises(Forbidden):
        intake(actor=world["counter_dt"], request=judicial_request(unit=BRANCH_TDM), now=at(2026, 3, 2, 9, 0))


def test_events_cannot_be_changed_or_deleted(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    event = DossierEvent.objects.get(dossier=dossier)
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(IntegrityError), transaction.atomic():
        DossierEvent.objects.filter(pk=event.pk).delete()
    assert DossierEvent.objects.get(pk=event.pk).action == "receive"
