"""Statement budgets of the citizen's pages (counts, never timings; bench/portal.py times them at
scale): "my dossiers" and one dossier's page take a fixed number of queries, however many dossiers the
citizen has and however long a dossier's history is."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.citizens.models import Citizen
from motcua.citizens.selectors import PAGE_SIZE
from motcua.citizens.session import SESSION_KEY
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import act, intake
from tests.factories import CITIZEN_HOA, at, judicial_request


def citizen_client(id_number: str) -> Client:
    """A client with the session the log-in leaves (citizens.session.log_in): the citizen's id."""
    now = timezone.now()
    citizen = Citizen.objects.create(
        subject=f"test-{id_number}", id_number=id_number, name="Nguyễn Thị Hoa", first_login_at=now,
        last_login_at=now,
    )  # fmt: skip
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    session = client.session
    session[SESSION_KEY] = citizen.pk
    session.save()
    client.cookies["sessionid"] = session.session_key
    return client


def queries(client: Client, path: str, *, warm: bool = True) -> list[str]:
    if warm:
        client.get(path)  # the memo's first read, the session's first note of the dossier
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return [q["sql"] for q in context.captured_queries]


def received(world, count: int) -> list[Dossier]:
    return [
        intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, n % 50)).dossier
        for n in range(count)
    ]


def lengthen(world, dossier: Dossier) -> None:
    """Steps, two supplement rounds and an apology: eight events in all."""
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    for day in (3, 5):
        act(
            actor=world["spec_justice"],
            code=dossier.code,
            action="request_supplement",
            now=at(2026, 3, day, 9, 0),
            params={"missing": [{"code": "TP9"}], "reason": "Thiếu"},
        )
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="supplement_received",
            now=at(2026, 3, day, 10),
        )
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="apologize",
        now=at(2026, 3, 6, 9, 0),
        params={"reason": "Chờ xác minh", "new_due_at": "2026-03-30T17:00:00+07:00"},
    )
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 9, 9, 0))


def test_my_dossiers_take_the_same_queries_for_one_dossier_or_many_pages(world):
    client = citizen_client(CITIZEN_HOA)
    received(world, 1)
    one = queries(client, "/my/")
    received(world, PAGE_SIZE + 5)
    many = queries(client, "/my/")
    assert len(one) == len(many) <= 6, many  # session, citizen, memo, count, page, demo banner
    assert sum("dossiers_dossier" in sql for sql in many) == 2  # the count and the page, joined


def test_a_dossier_page_takes_the_same_queries_whatever_its_history(world):
    client = citizen_client(CITIZEN_HOA)
    short, long = received(world, 2)
    lengthen(world, long)
    assert long.events.count() == 8 > short.events.count()
    counts = [len(queries(client, f"/my/dossiers/{d.code}/")) for d in (short, long)]
    received(world, PAGE_SIZE)  # more dossiers of theirs change nothing either
    counts.append(len(queries(client, f"/my/dossiers/{long.code}/")))
    # session, citizen, dossier with its units, events with theirs, memo, consent, results, rating,
    # shipments, demo banner: the dossier is read once (the papers to attach only concern a new online
    # filing, the papers to supply an open supplement request)
    assert counts == [10, 10, 10]


def test_a_first_view_notes_the_dossier_in_the_session_once(world):
    client = citizen_client(CITIZEN_HOA)
    [dossier] = received(world, 1)
    path = f"/my/dossiers/{dossier.code}/"
    client.get("/my/")  # the memo's first read
    first = queries(client, path, warm=False)
    again = queries(client, path, warm=False)
    assert sum('UPDATE "django_session"' in sql for sql in first) == 1
    assert not any("django_session" in sql and "SELECT" not in sql for sql in again), again
    assert sum(sql.count('FROM "dossiers_dossier"') for sql in again) == 1


def test_a_returned_dossier_reads_its_rating_once(world):
    client = citizen_client(CITIZEN_HOA)
    [dossier] = received(world, 1)
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.RETURNED)  # what the page reads
    page = queries(client, f"/my/dossiers/{dossier.code}/")
    assert sum('FROM "dossiers_rating"' in sql for sql in page) == 1
    assert 'id="rate"' in client.get(f"/my/dossiers/{dossier.code}/").content.decode()
