"""The queue's services: numbering per unit, group and day; call next, recall, served and absent at a
counter; who may call; bad input refused with the field named, nothing written."""

from __future__ import annotations

import pytest

from motcua.errors import Forbidden, NotFound, ValidationFailed
from motcua.network.models import Unit
from motcua.tickets import services
from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketCall, TicketSequence, TicketState
from tests.factories import BRANCH_DT, POINT_DAU_TIENG, at

pytestmark = pytest.mark.django_db

NINE = at(2026, 3, 2, 9, 0)


def groups(unit) -> dict[str, ServiceGroup]:
    return {g.letter: g for g in ServiceGroup.objects.filter(unit=unit)}


def counters(unit) -> list[Counter]:
    return list(Counter.objects.filter(unit=unit).order_by("number"))


def issue(unit, letter: str, minute: int = 0, day: int = 2) -> Ticket:
    group = groups(unit)[letter]
    return services.issue_ticket(unit_code=unit.code, group_id=group.pk, now=at(2026, 3, day, 9, minute))


def test_set_up_gives_one_group_per_sector_and_the_counters(queue):
    assert [(g.letter, g.name_vi) for g in groups(queue).values()] == [
        ("A", "Hộ tịch"),
        ("B", "Lý lịch tư pháp"),
    ]
    assert [c.number for c in counters(queue)] == [1, 2]
    assert services.set_up_unit(unit=queue) == {"groups": 0, "counters": 0}  # twice changes nothing


def test_numbers_run_per_group_and_restart_every_day(queue):
    labels = [issue(queue, letter, minute).label for minute, letter in enumerate("AABAB")]
    assert labels == ["A001", "A002", "B001", "A003", "B002"]
    assert issue(queue, "A", day=3).label == "A001"
    assert TicketSequence.objects.get(group=groups(queue)["A"], day=at(2026, 3, 2, 0, 0).date()).last == 3


def test_numbers_are_per_unit(queue):
    other = Unit.objects.get(code=BRANCH_DT)
    services.set_up_unit(unit=other, counters=1)
    issue(queue, "A")
    assert issue(other, "A").label == "A001"


def test_call_next_takes_the_oldest_waiting_ticket_and_closes_the_current_one(queue, world):
    first, second = issue(queue, "B", 0), issue(queue, "A", 5)
    counter = counters(queue)[0]
    result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 2, 9, 10))
    assert result.ticket.pk == first.pk and result.finished is None
    first.refresh_from_db()
    assert first.state == TicketState.CALLED and first.wait_s == 600 and first.counter_id == counter.pk
    result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 2, 9, 22))
    assert result.ticket.pk == second.pk and result.finished.pk == first.pk
    first.refresh_from_db()
    assert first.state == TicketState.DONE and first.service_s == 720
    counter.refresh_from_db()
    assert counter.current_id == second.pk
    assert list(TicketCall.objects.order_by("id").values_list("ticket_id", "recall")) == [
        (first.pk, False),
        (second.pk, False),
    ]


def test_two_counters_never_get_the_same_ticket(queue, world):
    tickets = [issue(queue, "A", minute) for minute in range(3)]
    one, two = counters(queue)
    called = [
        services.call_next(actor=world["counter_dt"], counter_id=c.pk, now=at(2026, 3, 2, 9, 30)).ticket.pk
        for c in (one, two)
    ]
    assert called == [tickets[0].pk, tickets[1].pk]


def test_a_counter_serves_only_its_groups(queue, world):
    counter = counters(queue)[1]
    counter.groups.set([groups(queue)["B"]])
    issue(queue, "A", 0)
    b_ticket = issue(queue, "B", 1)
    result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 2, 9, 5))
    assert result.ticket.pk == b_ticket.pk


def test_nobody_waiting_leaves_the_counter_free(queue, world):
    counter = counters(queue)[0]
    result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    assert result.ticket is None
    counter.refresh_from_db()
    assert counter.current_id is None


def test_yesterdays_tickets_are_not_called_today(queue, world):
    issue(queue, "A", day=2)
    counter = counters(queue)[0]
    result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 3, 8, 0))
    assert result.ticket is None


def test_recall_announces_the_current_ticket_again(queue, world):
    ticket = issue(queue, "A")
    counter = counters(queue)[0]
    services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    recalled = services.recall(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 2, 9, 2))
    assert recalled.pk == ticket.pk
    assert list(TicketCall.objects.order_by("id").values_list("ticket_id", "recall")) == [
        (ticket.pk, False),
        (ticket.pk, True),
    ]


def test_recall_or_finish_without_a_called_ticket_is_refused(queue, world):
    counter = counters(queue)[0]
    with pytest.raises(ValidationFailed) as refused:
        services.recall(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    assert refused.value.http_status == 409 and refused.value.problems[0].field == "counter"
    with pytest.raises(ValidationFailed):
        services.finish(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    assert not TicketCall.objects.exists()


def test_absent_closes_the_ticket_without_a_service_time(queue, world):
    ticket = issue(queue, "A")
    counter = counters(queue)[0]
    services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    services.finish(actor=world["counter_dt"], counter_id=counter.pk, served=False, now=at(2026, 3, 2, 9, 3))
    ticket.refresh_from_db()
    counter.refresh_from_db()
    assert ticket.state == TicketState.NO_SHOW and ticket.service_s is None and counter.current_id is None


@pytest.mark.parametrize("who", ["outsider", "manager", "spec_dt", "counter_pc", "postal"])
def test_only_the_units_counter_officers_may_call(queue, world, who):
    issue(queue, "A")
    counter = counters(queue)[0]
    with pytest.raises(Forbidden):
        services.call_next(actor=world[who], counter_id=counter.pk, now=NINE)
    assert Ticket.objects.get().state == TicketState.WAITING


def test_an_unknown_or_inactive_counter_is_not_found(queue, world):
    counter = counters(queue)[0]
    Counter.objects.filter(pk=counter.pk).update(active=False)
    for counter_id in (counter.pk, 999_999):
        with pytest.raises(NotFound):
            services.call_next(actor=world["counter_dt"], counter_id=counter_id, now=NINE)


@pytest.mark.parametrize("group", ["", "abc", "١", "-1", "9" * 40])
def test_a_malformed_group_is_refused_naming_the_field(queue, group):
    with pytest.raises(ValidationFailed) as refused:
        services.issue_ticket(unit_code=POINT_DAU_TIENG, group_id=group, now=NINE)
    assert refused.value.problems[0].field == "group" and refused.value.http_status == 400
    assert not Ticket.objects.exists()


def test_another_units_or_an_inactive_group_is_refused(queue):
    other = Unit.objects.get(code=BRANCH_DT)
    services.set_up_unit(unit=other, counters=1)
    foreign = groups(other)["A"]
    inactive = groups(queue)["B"]
    ServiceGroup.objects.filter(pk=inactive.pk).update(active=False)
    for group in (foreign, inactive):
        with pytest.raises(ValidationFailed) as refused:
            services.issue_ticket(unit_code=POINT_DAU_TIENG, group_id=group.pk, now=NINE)
        assert refused.value.problems[0].field == "group"
    assert not Ticket.objects.exists() and not TicketSequence.objects.exists()


@pytest.mark.parametrize("code", ["000.00.01.H57", "nope", "001.01.00.H57"])
def test_tickets_only_at_a_service_unit(queue, code):
    with pytest.raises(NotFound):
        services.issue_ticket(unit_code=code, group_id=groups(queue)["A"].pk, now=NINE)


def test_call_next_stays_within_its_query_budget(queue, world, django_assert_max_num_queries):
    """The counter's lock, closing the current ticket, taking the next, marking it, the board's call,
    the counter's pointer: six statements, no query per group or per waiting ticket (plus the savepoint
    pair of the test's transaction)."""
    for minute in range(5):
        issue(queue, "A", minute)
    counter = counters(queue)[0]
    counter.groups.set(list(groups(queue).values()))
    services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    with django_assert_max_num_queries(8):
        result = services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=NINE)
    assert result.ticket.number == 2 and result.finished.number == 1


def test_a_ticket_left_open_overnight_gets_no_service_time(queue, world):
    ticket = issue(queue, "A", day=2)
    counter = counters(queue)[0]
    services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 2, 16, 50))
    services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=at(2026, 3, 3, 7, 30))
    ticket.refresh_from_db()
    assert ticket.state == TicketState.DONE and ticket.service_s is None and ticket.wait_s is not None
