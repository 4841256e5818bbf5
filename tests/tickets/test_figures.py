"""Measured waiting and service times feed the staffing page's Erlang C: a unit with queue tickets is
sized from its measured hour, the others still from their dossiers and the typed service time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from motcua.monitoring.selectors import group_staffing_table, staffing_table
from motcua.planning import counters_needed
from motcua.tickets import announce, services
from motcua.tickets.models import Counter, ServiceGroup
from motcua.tickets.selectors import measured_queues
from tests.factories import BRANCH_DT, POINT_DAU_TIENG, at, page_text

MONDAY_NINE = at(2026, 3, 2, 9, 0)  # a Monday
LATER = at(2026, 3, 9, 17, 0)  # a week later (no ticket on the second Monday: the unit was closed)


def serve_a_morning(unit, world, tickets: int = 30, service_minutes: int = 10) -> None:
    """`tickets` people take an A ticket between 9:00 and 9:29; one counter serves each in
    `service_minutes`, starting at 9:30."""
    group = ServiceGroup.objects.get(unit=unit, letter="A")
    counter = Counter.objects.get(unit=unit, number=1)
    for minute in range(tickets):
        services.issue_ticket(
            unit_code=unit.code, group_id=group.pk, now=MONDAY_NINE + timedelta(minutes=minute)
        )
    moment = MONDAY_NINE + timedelta(minutes=30)
    for _ in range(tickets):
        services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=moment)
        moment += timedelta(minutes=service_minutes)
    services.finish(actor=world["counter_dt"], counter_id=counter.pk, now=moment)


@pytest.mark.django_db
def test_measured_figures_per_hour_and_group(queue, world):
    serve_a_morning(queue, world)
    figures = measured_queues(until=LATER)[queue.pk]
    slot = figures.unit.slots[(1, 9)]
    assert figures.unit.days == 1 and slot.arrivals_per_hour == 30
    assert slot.mean_service_minutes == pytest.approx(10)
    # ticket i (issued at 9:i) is called at 9:30 + 10 i: waits 30 + 9 i minutes
    assert slot.mean_wait_minutes == pytest.approx(sum(30 + 9 * i for i in range(30)) / 30)
    assert set(figures.groups) == {"Hộ tịch"}


@pytest.mark.django_db
def test_the_staffing_table_uses_the_measured_hour(queue, world):
    serve_a_morning(queue, world)
    rows = {r.unit_code: r for r in staffing_table(until=LATER, service_minutes=15, max_mean_wait_minutes=10)}
    measured = rows[POINT_DAU_TIENG]
    expected = counters_needed(30, 10, max_mean_wait_minutes=10)
    assert measured.source == "tickets" and measured.peak_slot == "Thứ Hai 09:00"
    assert measured.service_minutes == 10 and measured.peak_arrivals_per_hour == 30
    assert measured.counters_needed == expected.counters and measured.measured_wait_minutes > 100
    assert rows[BRANCH_DT].source == "dossiers" and rows[BRANCH_DT].service_minutes == 15
    groups = group_staffing_table(until=LATER, max_mean_wait_minutes=10)
    assert [(g.unit_code, g.group, g.counters_needed) for g in groups] == [
        (POINT_DAU_TIENG, "Hộ tịch", expected.counters)
    ]


@pytest.mark.django_db
def test_the_staffing_page_says_where_the_figures_come_from(queue, world, clock, local_cache):
    from django.test import Client

    serve_a_morning(queue, world)
    clock.set(LATER)
    manager = Client()
    manager.force_login(world["manager"].user)
    page = page_text(manager.get("/planning/staffing/"))
    assert "số thứ tự (đo thực tế)" in page and "hồ sơ (ước tính)" in page and 'id="staffing-groups"' in page


@given(label=st.from_regex(r"[A-Z][0-9]{3,4}", fullmatch=True), counter=st.integers(1, 99))
def test_the_sentence_says_every_digit_and_the_counter(label, counter):
    said = announce.sentence(label, counter)
    words = said.removeprefix("Xin mời số ").split(", đến quầy số ")
    spoken = words[0].split(" ")
    assert spoken[0] == label[0] and len(spoken) == len(label)
    assert [announce.DIGITS_VI.index(w) for w in spoken[1:]] == [int(d) for d in label[1:]]
    assert words[1] == f"{counter}."


@pytest.mark.django_db
def test_an_hour_with_few_services_uses_the_queues_mean_service_time(queue, world):
    serve_a_morning(queue, world, tickets=10, service_minutes=10)
    # a few long services in the afternoon: no hour has enough services measured to be believed alone
    group = ServiceGroup.objects.get(unit=queue, letter="A")
    counter = Counter.objects.get(unit=queue, number=2)
    afternoon = MONDAY_NINE + timedelta(hours=5)
    for n in range(3):
        services.issue_ticket(unit_code=queue.code, group_id=group.pk, now=afternoon + timedelta(minutes=n))
    moment = afternoon + timedelta(minutes=5)
    for _ in range(3):
        services.call_next(actor=world["counter_dt"], counter_id=counter.pk, now=moment)
        moment += timedelta(minutes=40)
    services.finish(actor=world["counter_dt"], counter_id=counter.pk, now=moment)
    figures = measured_queues(until=LATER)[queue.pk].unit
    assert figures.slots[(1, 14)].mean_service_minutes == pytest.approx(40)
    overall = figures.mean_service_minutes
    assert overall == pytest.approx((10 * 10 + 3 * 40) / 13)
    rows = {r.unit_code: r for r in staffing_table(until=LATER, max_mean_wait_minutes=10)}
    busiest = rows[POINT_DAU_TIENG]
    assert busiest.peak_slot == "Thứ Hai 09:00" and busiest.service_minutes == round(overall, 2)
