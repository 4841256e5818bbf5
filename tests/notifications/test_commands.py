"""`motcua notify` (one pass) and `motcua reconcile_payments`."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from motcua.dossiers.services import intake
from motcua.notifications import services
from tests.factories import judicial_request


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_notify_follows_and_sends_in_one_pass(world, settings, tmp_path, monkeypatch):
    settings.HOME = tmp_path
    request = judicial_request()
    request.applicant.email = "hoa@example.vn"
    intake(actor=world["counter_dt"], request=request)
    monkeypatch.setattr(services, "SETTLE", services.timedelta(0))  # the intake is not 5 s old yet
    assert run("notify").strip() == "events 1, queued 2, sent 2, retry 0, failed 0"
    assert len(mail.outbox) == 1 and (tmp_path / "outbox" / "sms.log").exists()
    assert run("notify").strip() == "events 0, queued 0, sent 0, retry 0, failed 0"


@pytest.mark.django_db
def test_reconcile_payments_reports_a_day(settings, tmp_path):
    settings.HOME = tmp_path
    assert run("reconcile_payments", "--day", "2026-03-02").strip() == "2026-03-02: matched 0, problems 0"
