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
