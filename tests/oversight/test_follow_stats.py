"""`motcua follow-stats`, which `serve` runs in the background: new events folded into the kept counts."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.dossiers.services import intake
from motcua.oversight.models import DailyTally
from tests.factories import at, judicial_request

pytestmark = pytest.mark.django_db


def test_one_pass_folds_the_new_events_once(world):
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0))
    out = StringIO()
    call_command("follow_stats", stdout=out)
    assert "events folded: 1" in out.getvalue()
    assert DailyTally.objects.get().received == 1
    call_command("follow_stats", stdout=StringIO())
    assert DailyTally.objects.get().received == 1  # nothing counted twice


def test_a_negative_period_is_refused_by_name():
    with pytest.raises(CommandError, match="--every"):
        call_command("follow_stats", every=-1)
