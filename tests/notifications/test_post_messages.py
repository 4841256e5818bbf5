"""The applicant's messages about return by post: handed to the post (with the shipment number), then
delivered (the usual "result returned" message)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from motcua.dossiers.services import act, intake
from motcua.notifications import services
from motcua.notifications.models import Message
from tests.factories import CENTER, judicial_request

pytestmark = pytest.mark.django_db


def later():
    return timezone.now() + timedelta(seconds=10)


def test_handed_to_post_and_delivered_are_announced(world, settings, tmp_path):
    settings.HOME = tmp_path
    request = judicial_request(unit=CENTER, return_unit="", return_by_post=True, return_address="12 Yersin")
    code = intake(actor=world["counter_center"], request=request).dossier.code
    for who, action in [
        ("counter_center", "complete_step"),
        ("spec_justice", "complete_step"),
        ("lead_justice", "finish"),
        ("lead_justice", "carry_result"),
    ]:
        act(actor=world[who], code=code, action=action)
    act(actor=world["postal"], code=code, action="hand_to_post", params={"shipment_number": "EB123456789VN"})
    act(actor=world["postal"], code=code, action="post_delivered")
    services.follow(now=later())
    sms = {m.kind: m.body for m in Message.objects.filter(channel="sms", dossier__code=code)}
    assert "EB123456789VN" in sms["posted"] and "bưu điện" in sms["posted"]
    assert "returned" in sms and code in sms["returned"]
