"""The demo history, loaded by the background worker in batches so the site stays usable."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .history import load_history
from .models import HistoryLoad
from .parallel import default_workers

BATCH_SIZE = 50  # dossiers per commit: short write locks on SQLite while people use the site


def queue_history_load(*, count: int, seed: int, until) -> HistoryLoad | None:
    """Queue a background load unless one is queued, running or done, or dossiers already exist."""
    from .history import history_exists

    if history_exists() or HistoryLoad.objects.exclude(state=HistoryLoad.State.FAILED).exists():
        return None
    with transaction.atomic():
        load = HistoryLoad.objects.create(count=count, seed=seed, until=until)
        transaction.on_commit(lambda: load_history_in_background.enqueue(load.pk))
    return load


@task()
def load_history_in_background(load_id: int) -> None:
    load = HistoryLoad.objects.get(pk=load_id)
    HistoryLoad.objects.filter(pk=load_id).update(state=HistoryLoad.State.RUNNING, started_at=timezone.now())

    def record(done: int) -> None:
        HistoryLoad.objects.filter(pk=load_id).update(loaded=done)

    try:
        report = load_history(
            count=load.count,
            seed=load.seed,
            until=load.until,
            batch_size=BATCH_SIZE,
            on_batch=record,
            workers=default_workers(),
        )
    except Exception as error:
        HistoryLoad.objects.filter(pk=load_id).update(
            state=HistoryLoad.State.FAILED, message=repr(error), finished_at=timezone.now()
        )
        raise
    HistoryLoad.objects.filter(pk=load_id).update(
        state=HistoryLoad.State.DONE,
        loaded=report.dossiers,
        message=report.summary(),
        finished_at=timezone.now(),
    )
