"""A dossier received by post (channel 3) counts in the oversight's channel shares as the public postal
service."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Channel
from motcua.dossiers.services import intake
from motcua.oversight import selectors, tallies
from motcua.oversight.scope import parse_period, parse_scope
from tests.factories import CENTER, at, judicial_request

pytestmark = pytest.mark.django_db


def test_intake_by_post_counts_as_the_postal_channel(world):
    by_post = judicial_request(unit=CENTER, channel=Channel.POST, shipment_number="RR123456789VN")
    intake(actor=world["postal"], request=by_post, now=at(2026, 3, 2, 9, 0))
    intake(actor=world["counter_center"], request=judicial_request(unit=CENTER), now=at(2026, 3, 2, 9, 5))
    tallies.follow()
    scope, period = parse_scope(world["manager"]), parse_period("2026-03")
    shares = {
        r["channel_en"]: (r["received"], r["share"]) for r in selectors.channels_table(scope, period).rows
    }
    assert shares["Public postal service"][0] == 1 and shares["In person"][0] == 1
    assert float(shares["Public postal service"][1]) == 50.0
