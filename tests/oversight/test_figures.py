"""The scoreboard and the accountability and adoption figures on hand-made dossiers (through the real
services), with the answers worked out by hand."""

from decimal import Decimal as D

import pytest

from motcua.dossiers.services import act, intake
from motcua.dossiers.watch import tick
from motcua.errors import Forbidden, ValidationFailed
from motcua.oversight import selectors, tallies
from motcua.oversight.scope import parse_period, parse_scope
from tests.factories import CONFIRMED, JUSTICE, POINT_DAU_TIENG, at, birth_request, judicial_request


@pytest.fixture
def march(world):
    """March 2026 (all on working days, local time):
    - D1 judicial record (10 working days), received Mon 2 Mar 09:00 at Dầu Tiếng, resolved Thu 5 Mar: on time;
    - D2 birth registration (1 working day), received 2 Mar 09:00 at Phú Cường for Dầu Tiếng township,
      still open; the watch marks it late on Wed 4 Mar;
    - D3 judicial record refused at intake (not counted);
    - D4 birth registration filed online at 09:55, received 2 Mar 10:00, resolved Thu 5 Mar 10:00: late."""
    w = world
    d1 = intake(actor=w["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier.code
    act(actor=w["counter_dt"], code=d1, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=w["spec_justice"], code=d1, action="complete_step", now=at(2026, 3, 3, 10, 0))
    act(actor=w["lead_justice"], code=d1, action="finish", now=at(2026, 3, 5, 10, 0))
    d2 = intake(actor=w["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 0)).dossier.code
    intake(
        actor=w["counter_dt"],
        request=judicial_request(decision="refuse", reason="không thuộc thẩm quyền"),
        now=at(2026, 3, 2, 9, 30),
    )
    d4 = intake(
        actor=w["counter_pc"],
        request=birth_request(channel=2, confirmation=CONFIRMED),
        now=at(2026, 3, 2, 9, 55),
    ).dossier.code
    act(actor=w["counter_pc"], code=d4, action="receive", now=at(2026, 3, 2, 10, 0))
    act(actor=w["counter_pc"], code=d4, action="complete_step", now=at(2026, 3, 2, 11, 0))
    tick(now=at(2026, 3, 4, 9, 0))
    act(actor=w["spec_dt"], code=d4, action="complete_step", now=at(2026, 3, 5, 9, 0))
    act(actor=w["lead_dt"], code=d4, action="finish", now=at(2026, 3, 5, 10, 0))
    tallies.follow()  # what every page and API call does first
    return {"d1": d1, "d2": d2, "d4": d4}


def board_of(world, period="2026-03", **scope):
    return selectors.scoreboard(parse_scope(world["manager"], **scope), parse_period(period))


def test_province_scoreboard_known_answers(world, march):
    result = board_of(world)
    figures = result.figures
    assert (figures["received"], figures["refused"], figures["finished"]) == (3, 1, 2)
    assert (figures["on_time"], figures["finished_late"], figures["late_open"], figures["pending"]) == (
        1,
        1,
        1,
        1,
    )
    board = result.board
    on_time = board.component("progress.on_time")
    # due = 2 resolved + 1 open and late at the end of March; 20 × 1/3 = 6.67
    assert (on_time.numerator, on_time.denominator, on_time.points) == (1, 3, D("6.67"))
    online = board.component("online.dossiers_online")
    # 1 of 3 filed online, threshold 50%: 0.333…/0.5 × 4 = 2.67 (no sync rate measured yet)
    assert (online.numerator, online.denominator, online.points) == (1, 3, D("2.67"))
    assert board.component("online.procedures_online").points == D("4.00")  # both procedures online
    # one of the two online procedures received an online dossier: 0.5/0.8 × 4 = 2.50
    assert board.component("online.services_used").points == D("2.50")
    # no online payment, no rating, no sync anywhere yet: not measured, never zero
    for key in ("payment.dossiers_paid_online", "satisfaction.dossier_handling", "transparency.synced"):
        assert not board.component(key).measured
    assert (board.total, board.measured_max) == (D("15.84"), D(32))
    assert board.score == D("49.50") and board.band.key == "poor"


def test_a_unit_with_its_subordinates_and_a_procedure(world, march):
    justice = board_of(world, unit=JUSTICE).board
    assert justice.component("progress.on_time").points == D("20.00")  # D1 on time: 1 of 1
    # Dầu Tiếng district's people's committee has the township under it: D2 open late, D4 late
    district = board_of(world, unit="000.02.00.H57").board.component("progress.on_time")
    assert (district.numerator, district.denominator, district.points) == (0, 2, D("0.00"))
    birth = board_of(world, procedure="1.001193").figures
    assert (birth["received"], birth["finished_late"], birth["late_open"]) == (2, 1, 1)
    # April: nothing received or resolved, D2 still open and late at the end: 0 of 1
    april = board_of(world, period="2026-04").board.component("progress.on_time")
    assert (april.numerator, april.denominator) == (0, 1)
    # February: nothing at all: zero denominator, not applicable
    assert board_of(world, period="2026-02").board.component("progress.on_time").not_applicable


def test_online_payment_becomes_measured_when_the_first_one_is_recorded(world, march):
    assert not board_of(world).board.component("payment.dossiers_paid_online").measured
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 9, 9, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=code, action="request_payment", params={"amount_vnd": 200000},
        now=at(2026, 3, 9, 9, 5))  # fmt: skip
    act(actor=world["counter_dt"], code=code, action="payment_received", params={"online": True},
        now=at(2026, 3, 9, 9, 10))  # fmt: skip
    tallies.follow()
    paid = board_of(world).board.component("payment.dossiers_paid_online")
    # fee-bearing dossiers received in March: D1 and this one (the judicial record's 200,000 VND);
    # one paid online: 0.5/0.8 × 6 = 3.75
    assert (paid.measured, paid.numerator, paid.denominator, paid.points) == (True, 1, 2, D("3.75"))


def test_lists_behind_the_numbers(world, march):
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")
    codes = lambda name: set(selectors.dossier_list(scope, period, name).values_list("code", flat=True))  # noqa: E731
    assert codes("on_time") == {march["d1"]}
    assert codes("due") == {march["d1"], march["d2"], march["d4"]}
    assert codes("late") == {march["d2"], march["d4"]}
    assert codes("online") == {march["d4"]}
    assert codes("outside") == {march["d2"], march["d4"]}  # births filed in Phú Cường for Dầu Tiếng


def test_late_dossiers_name_the_step_unit_person_and_time_lost(world, march):
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")
    rows = {
        r["code"]: r for r in selectors.late_dossiers_table(scope, period, now=at(2026, 3, 5, 17, 0)).rows
    }
    d2, d4 = rows[march["d2"]], rows[march["d4"]]
    # D2 was due Tue 3 Mar 09:00, still open on Thu 5 Mar 17:00: from 3 Mar 09:00 to 5 Mar
    # 17:00 is 6 h + 8 h + 8 h = 22 working hours (Tue 09:00-17:00 is 6 h of 07:00-11:30, 13:30-17:00)
    assert d2["hours_lost"] == D("22.00") and d2["state"].startswith("đang trễ")
    assert (d2["late_step"], d2["late_unit"]) == ("1. Tiếp nhận", "Điểm tiếp nhận phường Phú Cường")
    # D4 due Tue 3 Mar 10:00, resolved Thu 5 Mar 10:00: 5 + 8 + 3 = 16 working hours
    assert d4["hours_lost"] == D("16.00") and d4["apology"].startswith("không")


def test_rankings_and_adoption(world, march):
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")
    units, persons = selectors.rankings(scope, period)
    by_name = {r["name"]: r for r in persons.rows}
    assert by_name == {} or all(r["done"] >= 1 for r in by_name.values())
    unit_rows = {r["name"]: r for r in units.rows}
    assert unit_rows["Sở Tư pháp"]["on_time_rate"] == D("100.00")
    channels = {r["channel_en"]: r["received"] for r in selectors.channels_table(scope, period).rows}
    assert channels == {"In person": 2, "Assisted online": 1}  # filed online by the counter officer
    flows = {(r["receiving"], r["competent"]): r["outside"] for r in selectors.flow_table(scope, period).rows}
    assert flows[("Điểm tiếp nhận phường Phú Cường", "UBND thị trấn Dầu Tiếng")] == 2
    months = selectors.adoption_tables(scope, period)[3].rows
    assert months == [{"month": "2026-03", "received": 3, "outside": 2, "outside_share": D("66.67")}]
    hours = {(r["weekday"], r["hour"]): r["intakes"] for r in selectors.hours_table(scope, period).rows}
    assert hours == {(1, 9): 4}  # Monday 9-10: four intakes (one refused, one filed online)


def test_who_may_see_which_scope(world):
    with pytest.raises(Forbidden):
        parse_scope(world["counter_dt"])  # a counter officer oversees nothing
    leader = parse_scope(world["lead_justice"])
    assert leader.unit.code == JUSTICE and leader.unit_ids is not None
    with pytest.raises(Forbidden):
        parse_scope(world["lead_justice"], unit=POINT_DAU_TIENG)
    with pytest.raises(ValidationFailed) as error:
        parse_scope(world["manager"], unit="nope")
    assert error.value.problems[0].field == "unit"
    with pytest.raises(ValidationFailed) as error:
        parse_period("2026-13")
    assert error.value.problems[0].field == "period"
    assert parse_period("2026-Q2").first.isoformat() == "2026-04-01"
    assert parse_period("2026-Q2").last.isoformat() == "2026-06-30"


def test_drill_down_tables_and_the_periodic_report(world, march):
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")
    units = {r["code"]: r for r in selectors.units_table(scope, period).rows}
    # top level: the center (its branches and points received all three), the department, the district PC
    assert units["000.00.00.H57"]["received"] == 3
    assert (units[JUSTICE]["received"], units[JUSTICE]["on_time_rate"]) == (1, D("100.00"))
    assert (units["000.02.00.H57"]["finished_late"], units["000.02.00.H57"]["late_open"]) == (1, 1)
    procedures = {r["code"]: r for r in selectors.procedures_table(scope, period).rows}
    assert procedures["1.001193"]["on_time_rate"] == D("0.00") and procedures["2.000488"]["received"] == 1
    report_units, report_sectors = selectors.report_tables(scope, period)
    by_agency = {r["code"]: r for r in report_units.rows}
    assert (by_agency["002.02.00.H57"]["received"], by_agency["002.02.00.H57"]["pending"]) == (2, 1)
    assert {r["code"]: r["received"] for r in report_sectors.rows} == {"HT": 2, "LLTP": 1}
    # on Mon 2 Mar 09:30, D2 (due Tue 09:00, at the Phú Cường point) is due within a working day
    due_soon = selectors.due_soon_table(scope, now=at(2026, 3, 2, 9, 30)).rows
    assert [(r["code"], r["count"]) for r in due_soon] == [("001.30.00.H57", 1)]


def test_the_per_scope_rows_agree_with_the_detailed_ones_for_every_unit(world, march):
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from motcua.oversight.models import COUNTERS, DailyTally
    from motcua.oversight.scope import unit_tree

    period = parse_period("2026-03")
    for node in [None, *unit_tree().values()]:
        scope = parse_scope(world["manager"], unit=node.code if node else "")
        fast = selectors.counts(scope, period, follow=False)
        rows = DailyTally.objects.filter(scope.tally_q())
        slow = {name: rows.aggregate(n=Sum(name, default=0))["n"] for name in COUNTERS}
        assert fast == slow, node
        with CaptureQueriesContext(connection) as captured:  # counts and sources: one query
            _, seen = selectors.counts_and_sources(scope, period, follow=False)
        assert len(captured.captured_queries) == 1 and seen == selectors.sources_seen()
