"""A fee collected and refunded through the HTTP API, with the receipt's number: the action body takes
every parameter the action records declare (the fee actions' receipt_number was refused as unknown)."""

import pytest

from motcua.payments.models import FeeReceipt
from tests.factories import at, judicial_body, post_action, receive

pytestmark = pytest.mark.django_db


def test_the_counter_collects_a_fee_through_the_api_with_its_receipt_number(world, api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    post_action(api["counter_dt"], code, "collect_fee", {"receipt_number": "BL-API-1"})
    receipt = FeeReceipt.objects.get(dossier__code=code)
    assert (receipt.receipt_number, receipt.amount_vnd, receipt.kind) == ("BL-API-1", 200000, "collected")


def test_the_action_body_takes_every_parameter_an_action_declares():
    from motcua.dossiers.lifecycle import ACTIONS
    from motcua.dossiers.schemas import ActionIn

    declared = {name for record in ACTIONS.values() for name in record.params.model_fields}
    assert declared <= set(ActionIn.model_fields), declared - set(ActionIn.model_fields)
