"""The demo history: made through the real services, deterministic, with every kind of outcome, an
intact log, and nothing done when loaded twice."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F

from motcua.demo.history import ensure_history_staff, load_history
from motcua.demo.loader import load_network_and_catalog
from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers
from motcua.dossiers.management.commands.verify_log import verify_all
from motcua.dossiers.models import (
    Apology,
    Channel,
    CodeCounter,
    Dossier,
    DossierEvent,
    Status,
    SupplementRequest,
)

COUNT, SEED, UNTIL, DAYS = 200, 3, date(2026, 11, 20), 45  # a dense short history: open ones at the end


def snapshot() -> list[tuple]:
    return list(Dossier.objects.order_by("code").values_list("code", "status", "late", "finished_on_time"))


@pytest.fixture(scope="module")
def history(django_db_setup, django_db_blocker):
    """Loaded once for the module, rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_network_and_catalog()
        report = load_history(count=COUNT, seed=SEED, until=UNTIL, days=DAYS)
        yield report, snapshot()
        transaction.set_rollback(True)


def test_every_kind_of_outcome_is_there(history, db):
    report, _ = history
    assert report.dossiers == COUNT and report.actions > 5 * COUNT
    statuses = set(Dossier.objects.values_list("status", flat=True))
    for status in (Status.RETURNED, Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.FINISHED):
        assert status in statuses, Status(status).label
    assert statuses & {Status.PROCESSING, Status.RECEIVED}  # still in the hands of an agency
    assert Dossier.objects.filter(finished_on_time=False).exists()
    assert Dossier.objects.filter(late=True, late_unit__isnull=False, late_step_order__isnull=False).exists()
    assert SupplementRequest.objects.filter(at_intake=True).exists()
    assert SupplementRequest.objects.filter(at_intake=False).exists()
    assert Apology.objects.exists()
    assert set(Dossier.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert Dossier.objects.filter(return_by_post=True).exists()
    assert Dossier.objects.exclude(return_unit=F("receiving_unit")).filter(return_by_post=False).exists()


def test_shares_are_plausible(history, db):
    total = Dossier.objects.count()
    online = Dossier.objects.filter(channel=Channel.ONLINE).count() / total
    assert 0.3 < online < 0.5
    finished = Dossier.objects.filter(finished_at__isnull=False)
    on_time = finished.filter(finished_on_time=True).count() / finished.count()
    assert 0.8 < on_time < 0.98


def test_the_log_verifies(history, db):
    report = verify_all(size=64)
    assert report.ok, report.problems[:5]
    assert report.dossiers == COUNT and report.events == DossierEvent.objects.count()


def test_loading_twice_changes_nothing(history, db):
    before = (snapshot(), DossierEvent.objects.count())
    again = load_history(count=COUNT, seed=SEED, until=UNTIL, days=DAYS)
    assert again.skipped and again.dossiers == 0
    assert ensure_history_staff() == 0
    assert (snapshot(), DossierEvent.objects.count()) == before


def test_staff_accounts_cannot_log_in(history, db):
    officer = get_user_model().objects.get(username="cb.000.00.50.H57")
    assert not officer.has_usable_password()
    assert officer.roles.get().role == "counter"


def wipe_dossiers() -> None:
    drop_append_only_triggers()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    CodeCounter.objects.all().delete()
    install_append_only_triggers()


def test_same_seed_gives_the_same_history(history, db):
    runs = []
    for _ in range(2):
        wipe_dossiers()
        load_history(count=40, seed=SEED + 1, until=UNTIL, days=DAYS)
        runs.append(snapshot())
    assert len(runs[0]) == 40 and runs[0] == runs[1]
    assert len({status for _, status, _, _ in runs[0]}) >= 3
