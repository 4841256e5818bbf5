"""Rules of single actions on a dossier: a refused dossier's steps are nobody's work, a payment request
names an amount (the procedure's fees by default), an apology carries the last steps with it, a note is
kept with any action, and a lost receipt gets a new PIN."""

import pytest

from motcua.dossiers.models import Dossier, DossierEvent, Status, StepState
from motcua.dossiers.services import act, intake
from motcua.errors import ValidationFailed
from tests.factories import CONFIRMED, at, birth_request, judicial_request


def last_event(dossier: Dossier) -> DossierEvent:
    return DossierEvent.objects.filter(dossier=dossier).order_by("-seq").first()


def test_a_dossier_refused_at_intake_or_online_has_no_pending_steps(world):
    at_counter = intake(
        actor=world["counter_pc"],
        request=birth_request(decision="refuse", reason="Sai thẩm quyền"),
        now=at(2026, 3, 2, 9),
    ).dossier
    online = intake(
        actor=world["counter_pc"],
        request=birth_request(channel=2, confirmation=CONFIRMED),
        now=at(2026, 3, 2, 9),
    ).dossier
    act(
        actor=world["counter_pc"],
        code=online.code,
        action="refuse",
        now=at(2026, 3, 2, 10),
        params={"reason": "Ảnh chụp không đọc được"},
    )
    for dossier in (at_counter, online):
        states = set(Dossier.objects.get(pk=dossier.pk).steps.values_list("state", flat=True))
        assert states == {StepState.STOPPED}, states
    event = last_event(online)
    assert event.payload["stopped_steps"]


def test_a_payment_request_needs_an_amount_when_the_procedure_has_no_fee(world):
    dossier = intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9)).dossier
    for amount in (None, "", "0", "abc", -5):
        params = {} if amount is None else {"amount_vnd": amount}
        with pytest.raises(ValidationFailed) as refused:
            act(
                actor=world["counter_pc"],
                code=dossier.code,
                action="request_payment",
                now=at(2026, 3, 2, 10),
                params=params,
            )
        assert "amount_vnd" in refused.value.message_vi
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RECEIVED
    act(
        actor=world["counter_pc"],
        code=dossier.code,
        action="request_payment",
        now=at(2026, 3, 2, 10),
        params={"amount_vnd": "50000"},
    )
    event = last_event(dossier)
    assert event.payload["amount_vnd"] == 50000


def test_a_fee_bearing_procedure_asks_its_fees_by_default(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier
    with pytest.raises(ValidationFailed) as refused:
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="request_payment",
            now=at(2026, 3, 2, 10),
            params={"amount_vnd": 0},
        )
    assert refused.value.message_vi.endswith("lớn hơn 0 đồng.")  # no "has no fee": it has one
    act(actor=world["counter_dt"], code=dossier.code, action="request_payment", now=at(2026, 3, 2, 10))
    assert last_event(dossier).payload["amount_vnd"] == 200000


def test_an_apology_moves_the_steps_that_ended_with_the_old_appointment(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier
    old_due = dossier.due_at
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10))
    new_due = at(2026, 3, 20, 10)
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="apologize",
        now=at(2026, 3, 10, 9),
        params={"reason": "Cần xác minh thêm", "new_due_at": new_due.isoformat()},
    )
    steps = list(Dossier.objects.get(pk=dossier.pk).steps.order_by("order").values_list("state", "due_at"))
    assert steps[-1] == (StepState.PENDING, new_due)  # the return step
    assert all(due != old_due for state, due in steps if state != StepState.DONE)
    done = [due for state, due in steps if state == StepState.DONE]
    assert done and all(due < old_due for due in done)  # the reception step keeps its deadline


def test_a_note_is_kept_with_any_action(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier
    act(
        actor=world["counter_dt"],
        code=dossier.code,
        action="send_originals",
        now=at(2026, 3, 2, 10),
        params={"note": "gửi qua bưu điện"},
    )
    assert last_event(dossier).payload["note"] == "gửi qua bưu điện"


def test_a_lost_receipt_gets_a_new_pin_and_the_old_one_stops_working(world):
    from motcua.dossiers.services import pin_matches

    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    code, old_pin = result.dossier.code, result.pin
    with pytest.raises(Exception) as refused:  # only a counter of one of the dossier's units
        act(actor=world["spec_justice"], code=code, action="reissue_pin", now=at(2026, 3, 3, 9))
    assert getattr(refused.value, "http_status", None) == 403
    dossier = act(actor=world["counter_tdm"], code=code, action="reissue_pin", now=at(2026, 3, 3, 9))
    new_pin = dossier.new_pin
    stored = Dossier.objects.get(code=code)
    assert pin_matches(stored, new_pin) and (new_pin == old_pin or not pin_matches(stored, old_pin))
    event = last_event(stored)
    assert (
        event.action == "reissue_pin"
        and new_pin not in str(event.payload)
        and event.to_status == stored.status
    )
