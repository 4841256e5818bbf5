"""Performance budgets as tests: the work queue and the dossier page take a fixed number of queries
whatever the page size or the history's length, and the queue is served by its index."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from motcua.dossiers import selectors
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import act, intake
from tests.factories import POINT_DAU_TIENG, at, judicial_request


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def fill(world, count: int, start: int = 0) -> None:
    for index in range(start, start + count):
        request = judicial_request(papers=[]) if index % 5 == 0 else judicial_request()
        intake(actor=world["counter_dt"], request=request, now=at(2026, 3, 2, 8, index % 50))


def test_work_queue_query_count_does_not_grow_with_the_page(world, api):
    actor = world["counter_dt"]
    fill(world, 5)
    api["counter_dt"].get("/api/dossiers")  # the token's first use records its time
    small = count_queries(lambda: selectors.work_queue(actor, limit=100))
    small_http = count_queries(lambda: api["counter_dt"].get("/api/dossiers", limit=100))
    fill(world, 45, start=5)
    page = selectors.work_queue(actor, limit=100)
    assert len(page.items) == 50 and page.next_cursor is None
    large = count_queries(lambda: selectors.work_queue(actor, limit=100))
    large_http = count_queries(lambda: api["counter_dt"].get("/api/dossiers", limit=100))
    assert small == large <= 3  # dated rows, undated rows, the active steps
    assert small_http == large_http <= large + 3  # + the token, the actor's roles
    with_unit = count_queries(
        lambda: selectors.work_queue(actor, unit=POINT_DAU_TIENG, due="soon", q="Nguy", limit=10)
    )
    assert with_unit <= large + 2  # + the unit, the calendar's overrides


def test_the_procedure_filter_compares_the_id(world):
    """The queue filtered by procedure asks for its id (known to the planner's statistics), not for
    a code through a join; one more small query, whatever the page."""
    actor = world["counter_dt"]
    fill(world, 4)
    code = Dossier.objects.values_list("procedure__code", flat=True).first()
    with CaptureQueriesContext(connection) as context:
        page = selectors.work_queue(actor, procedure=code, limit=10)
    assert len(page.items) == 4
    [dated] = [q["sql"] for q in context.captured_queries if "ORDER BY" in q["sql"] and "due_at" in q["sql"]][
        :1
    ]
    assert '"dossiers_dossier"."procedure_id" = ' in dated and '"catalog_procedure"."code" =' not in dated
    assert len(context.captured_queries) <= count_queries(lambda: selectors.work_queue(actor, limit=10)) + 1
    assert selectors.work_queue(actor, procedure="9.999999", limit=10).items == []


def test_detail_query_count_does_not_grow_with_the_history(world, api):
    short = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    long = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=short.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=short.code, action="complete_step", now=at(2026, 3, 2, 11, 0))
    act(actor=world["counter_dt"], code=long.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    for day in (3, 5):
        act(
            actor=world["spec_justice"],
            code=long.code,
            action="request_supplement",
            now=at(2026, 3, day, 9, 0),
            params={"missing": [{"code": "TP9"}], "reason": "Thiếu"},
        )
        act(
            actor=world["counter_dt"],
            code=long.code,
            action="supplement_received",
            now=at(2026, 3, day, 10, 0),
        )
    act(
        actor=world["spec_justice"],
        code=long.code,
        action="apologize",
        now=at(2026, 3, 6, 9, 0),
        params={"reason": "Chờ xác minh", "new_due_at": "2026-03-30T17:00:00+07:00"},
    )
    act(actor=world["spec_justice"], code=long.code, action="complete_step", now=at(2026, 3, 9, 9, 0))
    assert Dossier.objects.get(code=long.code).events.count() == 8

    actor = world["lead_justice"]
    api["lead_justice"].get("/api/dossiers")  # the token's first use records its time
    counts = [count_queries(lambda d=d: selectors.dossier_detail(actor, d.code)) for d in (short, long)]
    assert counts[0] == counts[1] == 8  # the dossier with its units, then one query per history table
    http = [
        count_queries(lambda d=d: api["lead_justice"].get(f"/api/dossiers/{d.code}")) for d in (short, long)
    ]
    assert http[0] == http[1] <= counts[0] + 6  # + token, roles, calendar, guard dry-runs
    events = [
        count_queries(lambda d=d: api["lead_justice"].get(f"/api/dossiers/{d.code}/events"))
        for d in (short, long)
    ]
    assert events[0] == events[1]


def test_the_work_queue_uses_its_index(world):
    fill(world, 3)
    queryset = (
        Dossier.objects.filter(current_unit__code=POINT_DAU_TIENG)
        .filter(current_unit_id__in=[world["counter_dt"].roles.copy().pop()[0]], status=2)
        .order_by("due_at", "id")
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "queue_by_unit" in plan, plan
