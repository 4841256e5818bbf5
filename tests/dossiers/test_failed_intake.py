"""An intake that fails at any of its writes leaves nothing behind and gives its number back.

Each write is made to fail for real: a database trigger installed for the test refuses every INSERT
and UPDATE on one table the intake writes (the dossier, its papers, steps, supplement request, paper
movement, first event, and the day's code counter). Whichever way the intake writes (one statement on
PostgreSQL, one transaction of several elsewhere), afterwards no table holds a row of it, the counter
is as it was, and the next intake gets the very code and log-book number the failed one would have
had. Transactional tests (flushable_events, not a django_db mark, whose flush would meet the events'
append-only triggers): the intake's own transaction is the outermost one, as in production."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection

from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import (
    CodeCounter,
    Dossier,
    DossierEvent,
    DossierPaper,
    DossierStep,
    PaperMovement,
    SupplementRequest,
)
from motcua.dossiers.services import PaperIn, intake
from tests.factories import POINT_DAU_TIENG, at, judicial_request

REFUSAL = "intake write refused by the test"
WRITTEN = (Dossier, DossierPaper, DossierStep, SupplementRequest, PaperMovement, DossierEvent, CodeCounter)

# Three intakes at the Dầu Tiếng reception point, whose papers go to the Department of Justice, and the
# tables each one writes (checked by test_each_intake_writes_the_tables_it_is_failed_at).
INTAKES = {
    # received with its original form: the original travels to the competent agency
    "received": (
        lambda: judicial_request(),
        (Dossier, DossierPaper, DossierStep, PaperMovement, DossierEvent, CodeCounter),
    ),
    # the required form is missing: a supplement request is issued instead of a receipt
    "missing_papers": (
        lambda: judicial_request(papers=[PaperIn(component="TP9")]),
        (Dossier, DossierPaper, DossierStep, SupplementRequest, DossierEvent, CodeCounter),
    ),
    "refused": (
        lambda: judicial_request(decision="refuse", reason="Không thuộc thẩm quyền"),
        (Dossier, DossierPaper, DossierStep, DossierEvent, CodeCounter),
    ),
}
CASES = [
    pytest.param(kind, model, id=f"{kind}-{model.__name__}")
    for kind, (_, models) in INTAKES.items()
    for model in models
]
TRIGGER = "test_refuse_intake_write"


def refusing_sql(table: str) -> tuple[list[str], list[str]]:
    """Statements that make every INSERT and UPDATE on the table fail, and those that undo them."""
    quoted = connection.ops.quote_name(table)
    if connection.vendor == "sqlite":
        install = [
            f"CREATE TRIGGER {TRIGGER}_{verb.lower()} BEFORE {verb} ON {quoted} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            for verb in ("INSERT", "UPDATE")
        ]
        return install, [f"DROP TRIGGER IF EXISTS {TRIGGER}_{verb}" for verb in ("insert", "update")]
    assert connection.vendor == "postgresql", connection.vendor
    install = [
        f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql",
        f"CREATE TRIGGER {TRIGGER} BEFORE INSERT OR UPDATE ON {quoted} "
        f"FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()",
    ]
    return install, [f"DROP TRIGGER IF EXISTS {TRIGGER} ON {quoted}", f"DROP FUNCTION IF EXISTS {TRIGGER}()"]


@contextmanager
def writes_refused(model):
    install, drop = refusing_sql(model._meta.db_table)
    with connection.cursor() as cursor:
        for statement in install:
            cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for statement in drop:
                cursor.execute(statement)


def table_contents() -> dict[str, list[tuple]]:
    """Every row of every table an intake writes, as comparable values."""
    return {
        model.__name__: sorted(
            tuple(str(value) for value in row) for row in model.objects.order_by("pk").values_list()
        )
        for model in WRITTEN
    }


def sequence_of(dossier: Dossier) -> int:
    return int(dossier.code.rsplit("-", 1)[1])


def test_each_intake_writes_the_tables_it_is_failed_at(flushable_events, world):
    """The cases below cover every table: each intake writes exactly the tables listed for it."""
    for number, (kind, (request, models)) in enumerate(INTAKES.items(), start=1):
        before = table_contents()
        dossier = intake(actor=world["counter_dt"], request=request(), now=at(2026, 3, 2, 9, number)).dossier
        after = table_contents()
        assert {model for model in WRITTEN if after[model.__name__] != before[model.__name__]} == set(
            models
        ), kind
        assert (sequence_of(dossier), dossier.log_book_number) == (number, number), kind
    assert {model for _, models in INTAKES.values() for model in models} == set(WRITTEN)


@pytest.mark.parametrize("first_of_the_day", [False, True], ids=["after-another", "first-of-the-day"])
@pytest.mark.parametrize(("kind", "refused_table"), CASES)
def test_an_intake_failing_at_a_write_leaves_nothing_and_gives_its_number_back(
    flushable_events, world, kind, refused_table, first_of_the_day
):
    request, _ = INTAKES[kind]
    counter = world["counter_dt"]
    if not first_of_the_day:  # the counter row exists: the failed intake would have incremented it
        intake(actor=counter, request=judicial_request(), now=at(2026, 3, 2, 9, 0))
    expected = 1 if first_of_the_day else 2
    before = table_contents()

    with writes_refused(refused_table), pytest.raises(DatabaseError, match=REFUSAL):
        intake(actor=counter, request=request(), now=at(2026, 3, 2, 9, 5))

    assert table_contents() == before  # no dossier, no paper, step, request, movement or event
    counters = CodeCounter.objects.filter(agency_code=POINT_DAU_TIENG)
    assert list(counters.values_list("last", flat=True)) == ([] if first_of_the_day else [1])
    again = intake(actor=counter, request=request(), now=at(2026, 3, 2, 9, 10)).dossier
    assert again.code == f"{POINT_DAU_TIENG}-260302-{expected:04d}"
    assert (sequence_of(again), again.log_book_number) == (expected, expected)
    assert Dossier.objects.count() == expected and counters.get().last == expected
    assert verify_all().problems == []
