"""The scoreboard counts what the online services record: a rating through the `rate` record (its
payload says whether the applicant was satisfied, by the rating scale's rule) and a fee paid online
through the gateway's `pay_online` record."""

import pytest
from django.db.models import Sum

from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import act, intake
from motcua.feedback import services as feedback
from motcua.oversight import tallies
from motcua.oversight.models import DailyTally
from tests.factories import judicial_request

pytestmark = pytest.mark.django_db


def returned(world) -> str:
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="complete_step")
    act(actor=world["lead_justice"], code=code, action="finish")
    act(actor=world["lead_justice"], code=code, action="carry_result")
    act(actor=world["counter_tdm"], code=code, action="return_result")
    return code


def totals(*fields: str) -> tuple:
    figures = DailyTally.objects.aggregate(**{f: Sum(f) for f in fields})
    return tuple(figures[f] or 0 for f in fields)


def test_ratings_reach_the_satisfaction_counts(world):
    pleased, displeased = returned(world), returned(world)
    feedback.rate(actor=Actor.of_applicant(), code=pleased, score=3)
    feedback.rate(actor=Actor.of_applicant(), code=displeased, score=1)  # the scale's dislike
    tallies.follow()
    assert totals("rated", "satisfied") == (2, 1)
    assert tallies.rebuild(apply=False).differences == []


def test_a_fee_paid_online_is_counted_as_paid_online(world):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="request_payment", params={"amount_vnd": 200000})
    act(actor=Actor.of_system(), code=code, action="pay_online", params={"online": True, "receipt": "BL-1"})
    tallies.follow()
    assert totals("payments", "paid_online") == (1, 1)
