"""Return by post and intake by post (dossiers/post.py): the result handed to the post with a shipment
number, delivered (returned at the delivery time) or returned to sender; a dossier received by post
with its envelope's number. Real database, the services as the pages and the API call them."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from motcua.desk import later_slips
from motcua.dossiers.events import verify_chain
from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, NotFound, ValidationFailed
from motcua.oversight import tallies
from motcua.oversight.models import DailyTally
from tests.factories import (
    CENTER,
    assert_consistent,
    at,
    finished_by_post,
    judicial_body,
    judicial_request,
    pdf_text,
    post_action,
    reasons,
    receive,
)

pytestmark = pytest.mark.django_db


def hand(world, code: str, number: str = "EB123456789VN", who: str = "postal", when=None) -> Dossier:
    return act(
        actor=world[who],
        code=code,
        action="hand_to_post",
        now=when or at(2026, 3, 5, 14, 0),
        params={"shipment_number": number},
    )


def problem_fields(error: ValidationFailed) -> set[str]:
    return {p.field for p in error.problems}


def test_handed_to_post_then_delivered_returns_the_result_at_the_delivery_time(world):
    dossier = finished_by_post(world)
    hand(world, dossier.code, " eb123456789vn ")
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED  # in the post: not returned yet
    shipment = dossier.shipments.get()
    assert (shipment.kind, shipment.number, shipment.outcome) == ("result", "EB123456789VN", "in_transit")
    assert shipment.unit.code == CENTER and shipment.handed_by == world["postal"].user
    with pytest.raises(ValidationFailed):  # in the post: not returned at the counter meanwhile
        act(actor=world["counter_center"], code=dossier.code, action="return_result", now=at(2026, 3, 6, 9))

    act(
        actor=world["postal"],
        code=dossier.code,
        action="post_delivered",
        now=at(2026, 3, 9, 8, 0),
        params={"delivered_at": at(2026, 3, 6, 15, 30).isoformat(), "receiver": "Nguyễn Thị Hoa"},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED
    assert dossier.returned_at == at(2026, 3, 6, 15, 30) == dossier.closed_at
    shipment.refresh_from_db()
    assert (shipment.outcome, shipment.outcome_at, shipment.receiver) == (
        "delivered",
        at(2026, 3, 6, 15, 30),
        "Nguyễn Thị Hoa",
    )
    posted, last = list(dossier.handovers.all())[-2:]  # Form 06's rows: to the postman, then delivered
    assert (posted.kind, posted.to_unit, posted.from_user, posted.at) == (
        "post",
        None,
        world["postal"].user,
        at(2026, 3, 5, 14, 0),
    )
    assert (last.kind, last.to_unit, last.at) == ("returned", None, at(2026, 3, 6, 15, 30))
    slip = pdf_text(later_slips.control_slip_pdf(dossier))
    assert "Bưu chính công ích" in slip and "Giao bưu chính" in slip
    assert [e.action for e in dossier.events.order_by("seq")][-2:] == ["hand_to_post", "post_delivered"]
    assert dossier.events.get(action="hand_to_post").payload["shipment_number"] == "EB123456789VN"
    assert_consistent(dossier)  # the chain intact, the state rebuilt from the events
    # the applicant may rate a result delivered by post
    act(actor=world["counter_center"], code=dossier.code, action="rate", params={"score": 3})


def test_returned_to_sender_then_sent_again_or_returned_in_person(world):
    dossier = finished_by_post(world)
    hand(world, dossier.code, "EB000000001VN")
    act(
        actor=world["postal"],
        code=dossier.code,
        action="post_returned_to_sender",
        now=at(2026, 3, 9, 9, 0),
        params={"returned_at": at(2026, 3, 7, 10, 0).isoformat(), "reason": "Không có người nhận"},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED and dossier.shipments.get().outcome == "returned"
    hand(world, dossier.code, "EB000000002VN", when=at(2026, 3, 9, 10, 0))  # sent again, a new number
    assert list(dossier.shipments.values_list("number", "outcome")) == [
        ("EB000000001VN", "returned"),
        ("EB000000002VN", "in_transit"),
    ]
    act(actor=world["postal"], code=dossier.code, action="post_returned_to_sender", now=at(2026, 3, 10, 9))
    act(actor=world["counter_center"], code=dossier.code, action="return_result", now=at(2026, 3, 10, 10))
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_at == at(2026, 3, 10, 10)
    assert_consistent(dossier)


@pytest.mark.parametrize(
    "number", ["", "   ", "EB 123", "-EB123", "EB123-", "Ê123", "A" * 41, "EB_123", "EB/123"]
)
def test_a_bad_shipment_number_is_refused_naming_the_field(world, number):
    dossier = finished_by_post(world)
    with pytest.raises(ValidationFailed) as refused:
        hand(world, dossier.code, number)
    assert problem_fields(refused.value) == {"shipment_number"}
    assert not dossier.shipments.exists()
    assert Dossier.objects.get(pk=dossier.pk).last_event_seq == dossier.last_event_seq  # nothing written


def test_good_shipment_numbers(world):
    for index, number in enumerate(["EB123456789VN", "1", "rr-2026-0001", "A" * 40]):
        dossier = finished_by_post(world)
        hand(world, dossier.code, number, when=at(2026, 3, 5, 14, index))
        assert dossier.shipments.get().number == number.upper()


def test_a_shipment_number_is_used_once(world):
    first, second = finished_by_post(world), finished_by_post(world)
    hand(world, first.code, "EB123456789VN")
    with pytest.raises(ValidationFailed) as refused:
        hand(world, second.code, "eb123456789vn")
    assert problem_fields(refused.value) == {"shipment_number"}


def test_delivery_not_before_the_hand_over_nor_in_the_future(world):
    dossier = finished_by_post(world)
    hand(world, dossier.code, when=at(2026, 3, 5, 14, 0))
    for field, action in (("delivered_at", "post_delivered"), ("returned_at", "post_returned_to_sender")):
        for when in (at(2026, 3, 5, 13, 59), at(2026, 3, 6, 12, 1)):
            with pytest.raises(ValidationFailed) as refused:
                act(
                    actor=world["postal"],
                    code=dossier.code,
                    action=action,
                    now=at(2026, 3, 6, 12, 0),
                    params={field: when.isoformat()},
                )
            assert problem_fields(refused.value) == {field}
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED and dossier.shipments.get().outcome == "in_transit"


def test_wrong_status_or_state_is_refused(world):
    counter_return = finished_by_post(world, carried=False)
    with pytest.raises(ValidationFailed):  # the result is still at the Department of Justice
        hand(world, counter_return.code, who="counter_center")
    at_unit = judicial_request(unit=CENTER, return_unit=CENTER)  # collected at the counter, not by post
    code = intake(actor=world["counter_center"], request=at_unit, now=at(2026, 3, 2, 9)).dossier.code
    with pytest.raises(ValidationFailed) as refused:  # RECEIVED: no result yet
        hand(world, code)
    assert refused.value.code == "illegal_action"
    dossier = finished_by_post(world)
    with pytest.raises(ValidationFailed):  # nothing in the post yet
        act(actor=world["postal"], code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))
    hand(world, dossier.code)
    with pytest.raises(ValidationFailed):  # already in the post
        hand(world, dossier.code, "EB999")
    act(actor=world["postal"], code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))
    with pytest.raises(ValidationFailed) as refused:  # returned: nothing more to send
        hand(world, dossier.code, "EB998")
    assert refused.value.code == "illegal_action"


WHO_MAY = {
    "postal": True,  # postal staff of the center, where the result waits
    "counter_center": True,  # the center's counter
    "counter_tdm": False,  # a counter of another unit
    "outsider": False,
    "lead_justice": False,  # the competent agency: not a desk role
    "spec_justice": False,
}


@pytest.mark.parametrize("who", WHO_MAY)
def test_who_may_hand_to_post_and_record_the_outcome(world, who):
    dossier = finished_by_post(world)
    if WHO_MAY[who]:
        hand(world, dossier.code, who=who)
        act(actor=world[who], code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))
        expected = Status.RETURNED
    else:
        with pytest.raises((Forbidden, NotFound)):
            hand(world, dossier.code, who=who)
        hand(world, dossier.code)
        with pytest.raises((Forbidden, NotFound)):
            act(actor=world[who], code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))
        with pytest.raises((Forbidden, NotFound)):
            act(actor=world[who], code=dossier.code, action="post_returned_to_sender", now=at(2026, 3, 6, 9))
        expected = Status.FINISHED
    assert Dossier.objects.get(pk=dossier.pk).status == expected


def test_the_applicant_may_not_record_a_delivery(world):
    from motcua.dossiers.permissions import Actor

    dossier = finished_by_post(world)
    hand(world, dossier.code)
    with pytest.raises(Forbidden):
        act(actor=Actor.of_applicant(), code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))


def test_intake_by_post_keeps_the_shipment_number(world):
    request = judicial_request(unit=CENTER, channel=Channel.POST, shipment_number="rr123456789vn")
    dossier = intake(actor=world["postal"], request=request, now=at(2026, 3, 2, 9)).dossier
    assert dossier.channel == Channel.POST
    shipment = dossier.shipments.get()
    assert (shipment.kind, shipment.number, shipment.outcome, shipment.unit.code) == (
        "intake",
        "RR123456789VN",
        "delivered",
        CENTER,
    )
    assert dossier.events.get(seq=1).payload["shipment_number"] == "RR123456789VN"
    assert verify_chain(dossier) == []
    # without a number: by post all the same
    plain = intake(
        actor=world["counter_center"], request=judicial_request(unit=CENTER, channel=Channel.POST)
    ).dossier
    assert plain.channel == Channel.POST and not plain.shipments.exists()


@pytest.mark.parametrize(
    ("channel", "number"), [(Channel.IN_PERSON, "RR123456789VN"), (Channel.POST, "RR 123")]
)
def test_intake_shipment_number_only_by_post_and_well_formed(world, channel, number):
    request = judicial_request(unit=CENTER, channel=channel, shipment_number=number)
    with pytest.raises(ValidationFailed) as refused:
        intake(actor=world["counter_center"], request=request, now=at(2026, 3, 2, 9))
    assert "shipment_number" in problem_fields(refused.value)
    assert not Dossier.objects.exists()


def test_a_delivery_counts_as_returned_in_the_tallies(world):
    dossier = finished_by_post(world)
    hand(world, dossier.code)
    act(actor=world["postal"], code=dossier.code, action="post_delivered", now=at(2026, 3, 6, 9))
    tallies.rebuild()
    assert DailyTally.objects.aggregate(n=Sum("returned"))["n"] == 1


def test_verify_log_finds_the_post_journeys_intact(world):
    delivered, back = finished_by_post(world), finished_by_post(world)
    hand(world, delivered.code, "EB1")
    hand(world, back.code, "EB2")
    act(actor=world["postal"], code=delivered.code, action="post_delivered", now=at(2026, 3, 6, 9))
    act(actor=world["postal"], code=back.code, action="post_returned_to_sender", now=at(2026, 3, 6, 9))
    by_post = intake(
        actor=world["postal"],
        request=judicial_request(unit=CENTER, channel=Channel.POST, shipment_number="RR1"),
    )
    report = verify_all()
    assert report.ok, report.problems
    assert report.dossiers == 3 and report.events == 2 * 7 + 1  # intake ... carry, hand, outcome
    assert by_post.dossier.events.count() == 1


def test_the_api_hands_to_post_and_tracking_shows_the_shipment(world, api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    body = judicial_body(unit=CENTER, return_unit="", return_by_post=True, return_address="12 Yersin")
    receipt = receive(api["counter_center"], body)
    code = receipt["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_center"], code, "complete_step")
    post_action(api["spec_justice"], code, "complete_step")
    post_action(api["lead_justice"], code, "finish")
    post_action(api["lead_justice"], code, "carry_result")
    bad = api["postal"].post(f"/api/dossiers/{code}/actions/hand_to_post", {"shipment_number": "EB 1"})
    assert "shipment_number" in reasons(bad, 400)
    clock.set(at(2026, 3, 2, 14, 0))
    post_action(api["postal"], code, "hand_to_post", {"shipment_number": "EB123456789VN"})
    tracked = api["anonymous"].post("/api/track", {"code": code, "pin": receipt["pin"]}).json()
    assert tracked["status"]["code"] == Status.FINISHED
    [shipment] = tracked["shipments"]
    assert (shipment["kind"], shipment["number"], shipment["outcome"]) == (
        "result",
        "EB123456789VN",
        "in_transit",
    )
    assert shipment["handed_at"].startswith("2026-03-02T14:00")
    early = api["postal"].post(
        f"/api/dossiers/{code}/actions/post_delivered", {"delivered_at": "2026-03-02T13:00:00+07:00"}
    )
    assert "delivered_at" in reasons(early, 400)
    clock.set(at(2026, 3, 3, 9, 0))
    post_action(api["postal"], code, "post_delivered", {"delivered_at": "2026-03-02T16:00:00+07:00"})
    tracked = api["anonymous"].post("/api/track", {"code": code, "pin": receipt["pin"]}).json()
    assert tracked["status"]["code"] == Status.RETURNED and tracked["shipments"][0]["outcome"] == "delivered"
    assert tracked["returned_at"].startswith("2026-03-02T16:00")
