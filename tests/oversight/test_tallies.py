"""The aggregates kept by the follower of the event log equal a recomputation from the event log, on random histories
made through the real services (SQLite, and PostgreSQL with DATABASE_URL); and they agree with the
dossiers' own state."""

import contextlib
import threading
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import F, Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.models import CLOSED_STATUSES, Channel, Dossier, Status
from motcua.dossiers.services import act, intake
from motcua.dossiers.watch import tick
from motcua.errors import MotcuaError
from motcua.oversight import tallies
from motcua.oversight.models import AreaTally, DailyTally, DossierTally, FollowCursor, HourTally
from tests.factories import CONFIRMED, POINT_DAU_TIENG, POINT_PHU_CUONG, at, birth_request, judicial_request

ACTIONS = [
    "complete_step",
    "finish",
    "carry_result",
    "return_result",
    "request_supplement",
    "supplement_received",
    "apologize",
    "withdraw",
    "stop",
    "request_payment",
    "payment_received",
    "return_step",
    "tick",
    "follow",
]

step = st.one_of(
    st.tuples(
        st.just("intake"),
        st.sampled_from(["judicial", "birth"]),
        st.sampled_from(["receive", "receive", "refuse", "supplement"]),
        st.sampled_from([1, 2, 3]),
    ),
    st.tuples(st.just("act"), st.sampled_from(ACTIONS), st.integers(0, 7), st.booleans()),
)
histories = st.lists(st.tuples(step, st.integers(1, 40)), min_size=1, max_size=25)


def params_for(action: str, dossier: Dossier, flag: bool) -> dict:
    paper = "TP9" if dossier.procedure.code == "2.000488" else "TP1"
    if action == "request_supplement":
        return {"missing": [{"code": paper}], "reason": "thiếu"}
    if action == "supplement_received":
        return {"papers": [{"component": paper, "form": "original"}]}
    if action == "apologize":
        return {"reason": "xin lỗi", "new_due_at": (dossier.due_at + timedelta(days=3)).isoformat()}
    if action in ("withdraw", "stop", "return_step"):
        return {"reason": "lý do"}
    if action == "request_payment":
        return {"amount_vnd": 50000}
    if action == "payment_received":
        return {"online": flag}
    return {}


def play(world, history) -> None:
    now = at(2026, 3, 2, 8, 0)
    codes: list[str] = []
    actors = list(world.values())
    for (kind, *args), hours in history:
        now += timedelta(hours=hours)
        if kind == "intake":
            procedure, decision, channel = args
            make = judicial_request if procedure == "judicial" else birth_request
            request = make(
                decision=decision,
                channel=channel,
                confirmation=CONFIRMED if channel == Channel.ONLINE else {},
                reason="không đủ điều kiện" if decision == "refuse" else "",
                papers=[] if decision == "supplement" else make().papers,
            )
            with contextlib.suppress(MotcuaError):
                codes.append(
                    intake(
                        actor=world["counter_dt" if procedure == "judicial" else "counter_pc"],
                        request=request,
                        now=now,
                    ).dossier.code
                )
            continue
        action, index, flag = args
        if action == "tick":
            tick(now=now)
            continue
        if action == "follow":  # a pass of the follower at any point of the history
            tallies.follow(batch=flag + 2)
            continue
        if not codes:
            continue
        dossier = Dossier.objects.select_related("procedure").get(code=codes[index % len(codes)])
        if action == "apologize" and dossier.due_at is None:
            continue
        for actor in actors:
            try:
                act(
                    actor=actor,
                    code=dossier.code,
                    action=action,
                    now=now,
                    params=params_for(action, dossier, flag),
                )
                break
            except MotcuaError:
                continue


class Rollback(Exception):
    pass


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=histories)
def test_kept_aggregates_equal_a_recomputation_from_the_events(world, history):
    try:
        with transaction.atomic():
            play(world, history)
            tallies.follow()
            assert tallies.rebuild(apply=False).differences == []
            # and they agree with the dossiers' own state (a second, independent account)
            sums = DailyTally.objects.aggregate(
                received=Sum("received"), finished=Sum("finished"), late_open=Sum("late_open"),
                refused=Sum("refused"), on_time=Sum("on_time"), pending=Sum("pending"),
            )  # fmt: skip
            dossiers = Dossier.objects
            assert (sums["received"] or 0) == dossiers.filter(received_at__isnull=False).count()
            assert (sums["finished"] or 0) == dossiers.filter(finished_at__isnull=False).count()
            assert (sums["on_time"] or 0) == dossiers.filter(finished_on_time=True).count()
            assert (sums["refused"] or 0) == dossiers.filter(status=Status.REFUSED).count()
            open_late = dossiers.filter(late=True).exclude(status__in=[*CLOSED_STATUSES, Status.FINISHED])
            assert (sums["late_open"] or 0) == open_late.count()
            pending = dossiers.filter(received_at__isnull=False, status__in=tallies.IN_HAND).count()
            assert (sums["pending"] or 0) == pending
            hours = HourTally.objects.aggregate(
                intakes=Sum("intakes", default=0),
                counter=Sum("counter_intakes", default=0),
                returns=Sum("counter_returns", default=0),
            )
            assert hours["intakes"] == dossiers.count()
            assert hours["counter"] == dossiers.exclude(channel=Channel.ONLINE).count()
            handed = dossiers.filter(returned_at__isnull=False, return_by_post=False).count()
            assert hours["returns"] == handed
            assert AreaTally.objects.aggregate(n=Sum("intakes", default=0))["n"] == dossiers.count()
            raise Rollback
    except Rollback:
        pass


def test_rebuild_stats_reports_a_tampered_count_and_repairs_it(world):
    from io import StringIO

    from django.core.management import call_command

    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    assert tallies.follow() == 1 and tallies.follow() == 0  # read again until settled, not folded twice
    row = DailyTally.objects.get(received=1)
    assert (row.day.isoformat(), row.receiving_unit_id) == ("2026-03-02", dossier.receiving_unit_id)
    DailyTally.objects.filter(pk=row.pk).update(received=5)
    out = StringIO()
    with pytest.raises(Exception, match="differ"):
        call_command("rebuild_stats", "--check", stdout=out)
    assert "received kept 5, rebuilt 1" in out.getvalue()
    assert DailyTally.objects.get(pk=row.pk).received == 5  # --check writes nothing
    out = StringIO()
    call_command("rebuild_stats", stdout=out)
    assert "differences: 1" in out.getvalue()
    assert DailyTally.objects.get().received == 1
    out = StringIO()
    call_command("rebuild_stats", "--check", stdout=out)
    assert "differences: 0" in out.getvalue()
    # after a rebuild the follower goes on from it: a new intake is counted once
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 10, 0))
    tallies.follow()
    assert DailyTally.objects.get().received == 2
    assert tallies.rebuild(apply=False).differences == []


def test_outside_area_is_the_receiving_place_outside_the_competent_agencys(world):
    # a birth registration for Dầu Tiếng township received at Phú Cường: outside; a provincial
    # procedure (Department of Justice, the whole province) received anywhere: inside
    intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 0))
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 30))
    tallies.follow()
    rows = {r.procedure.code: r.outside for r in DailyTally.objects.select_related("procedure")}
    assert rows == {"1.001193": True, "2.000488": False}
    hours = sorted(HourTally.objects.values_list("receiving_unit__code", "hour", "intakes"))
    assert hours == [(POINT_PHU_CUONG, 9, 1), (POINT_DAU_TIENG, 9, 1)]


def test_a_rebuild_in_chunks_of_one_dossier_finds_what_the_follower_kept(world, monkeypatch):
    for hour in (9, 10, 11):
        intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, hour, 0))
    intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 3, 9, 0))
    tallies.follow()
    monkeypatch.setattr(tallies, "REBUILD_CHUNK", 1)
    progress = []
    report = tallies.rebuild(apply=False, progress=progress.append)
    assert (report.dossiers, report.difference_count, progress) == (4, 0, [1, 2, 3, 4])
    row = DailyTally.objects.filter(received__gt=0).order_by("id").first()
    DailyTally.objects.filter(pk=row.pk).update(received=F("received") + 1)
    report = tallies.rebuild()
    assert report.difference_count == 1 and report.differences[0].counter == "received"
    assert tallies.rebuild(apply=False).difference_count == 0
    assert DossierTally.objects.count() == 4


def test_a_reader_does_not_wait_behind_a_rebuild_holding_the_cursor(flushable_events, world):
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serializes every writer)")
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0))
    tallies.follow()
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 10, 0))
    held, release = threading.Event(), threading.Event()

    def rebuild_holding_the_cursor() -> None:
        try:
            with transaction.atomic():
                FollowCursor.objects.select_for_update().get(name=tallies.TALLIES)
                held.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=rebuild_holding_the_cursor)
    holder.start()
    try:
        assert held.wait(10)
        assert tallies.catch_up() == 0  # at once: the kept counts are read as they are
        assert DailyTally.objects.aggregate(n=Sum("received"))["n"] == 1
    finally:
        release.set()
        holder.join(30)
    assert tallies.catch_up() == 1 and DailyTally.objects.aggregate(n=Sum("received"))["n"] == 2
