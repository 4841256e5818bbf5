"""`motcua load-demo` loads the history unless --no-history; `motcua load-history` says when it skips."""

from io import StringIO

from django.core.management import call_command

from motcua.dossiers.models import Dossier


def test_load_demo_without_history_then_a_small_history(db):
    out = StringIO()
    call_command("load_demo", "--no-history", stdout=out)
    assert Dossier.objects.count() == 0
    call_command("load_history", "--count", "12", "--seed", "3", stdout=out)
    assert Dossier.objects.count() == 12
    assert "12 hồ sơ / dossiers" in out.getvalue()
    call_command("load_demo", "--history-count", "12", stdout=out)  # idempotent: nothing added
    assert Dossier.objects.count() == 12
    assert "bỏ qua / " in out.getvalue() or "skipped" in out.getvalue()


def test_load_demo_queues_the_history_for_the_worker_and_the_site_shows_progress(db, client):
    from motcua.demo.models import HistoryLoad
    from motcua.demo.tasks import load_history_in_background

    out = StringIO()
    call_command("load_demo", "--history-count", "30", "--until", "2026-03-01", stdout=out)
    load = HistoryLoad.objects.get()
    assert load.state == HistoryLoad.State.QUEUED and "background" in out.getvalue()
    assert "0 trên 30 hồ sơ" in client.get("/").content.decode()
    load_history_in_background.call(load.pk)  # what the worker runs
    load.refresh_from_db()
    assert load.state == HistoryLoad.State.DONE and load.loaded == 30
    assert "Đang nạp lịch sử" not in client.get("/").content.decode()  # the banner is gone
    call_command("load_demo", "--history-count", "30", stdout=out)  # nothing queued twice
    assert HistoryLoad.objects.count() == 1
