"""Online payment through the demo gateway: redirect, signed callback (bad signatures, stale and
replayed callbacks refused, the same callback twice changes nothing), electronic receipt number,
"paid online" recorded through the table, reconciliation with the gateway's statement."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent, Status
from motcua.dossiers.services import act, intake
from motcua.errors import MotcuaError
from motcua.payments import demo, services
from motcua.payments.models import Payment
from tests.factories import CITIZEN_HOA, CITIZEN_MINH, judicial_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(world, settings, tmp_path):
    """A judicial dossier at the Department of Justice awaiting 200,000 VND."""
    settings.HOME = tmp_path
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="request_payment", params={"amount_vnd": 200000})
    return code


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def pay_at_the_gateway(client: Client, checkout_url: str, decision: str = "approve") -> str:
    """Through the demo gateway's page; returns the callback URL it redirects to."""
    page = client.get(checkout_url)
    assert page.status_code == 200 and "200000 VNĐ" in page.content.decode()
    response = client.post("/demo-pay/", {**query(checkout_url), "decision": decision})
    assert response.status_code == 302
    return response["Location"]


def test_pay_online_gets_a_receipt_and_the_dossier_records_it(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    assert checkout.payment.amount_vnd == 200000 and checkout.url.startswith("/demo-pay/?")
    client = Client()
    callback = pay_at_the_gateway(client, checkout.url)
    response = client.get(callback)
    assert response.status_code == 200
    payment = Payment.objects.get()
    assert payment.state == "paid" and payment.receipt_number.startswith("BL-")
    assert payment.receipt_number in response.content.decode()
    dossier = Dossier.objects.get(code=awaiting)
    assert dossier.paid_online and dossier.status == Status.PROCESSING
    event = DossierEvent.objects.filter(dossier=dossier).latest("seq")
    assert event.action == "pay_online" and event.payload == {
        "online": True,
        "receipt": payment.receipt_number,
    }


def test_the_same_callback_twice_changes_nothing(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    callback = pay_at_the_gateway(client, checkout.url)
    assert client.get(callback).status_code == 200
    events = DossierEvent.objects.count()
    again = client.get(callback)
    assert again.status_code == 200
    assert DossierEvent.objects.count() == events and Payment.objects.get().state == "paid"


def test_a_bad_signature_a_changed_amount_and_a_stale_callback_are_refused(awaiting, monkeypatch):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    params = query(pay_at_the_gateway(client, checkout.url))
    forged = {**params, "sig": "0" * 64}
    assert client.get("/pay/callback/", forged).status_code == 400
    cheaper = {**params, "amount": "1000"}  # the signature no longer matches
    assert client.get("/pay/callback/", cheaper).status_code == 400
    later = demo._now() + 3600
    monkeypatch.setattr(demo, "_now", lambda: later)
    response = client.get("/pay/callback/", params)
    assert response.status_code == 400 and "hết hạn" in response.content.decode()
    assert Payment.objects.get().state == "pending" and not Dossier.objects.get(code=awaiting).paid_online


def test_a_second_transaction_for_a_settled_payment_is_refused(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    first = pay_at_the_gateway(client, checkout.url)
    second = pay_at_the_gateway(client, checkout.url)  # paid twice at the gateway
    assert client.get(first).status_code == 200
    assert client.get(second).status_code == 400
    assert Payment.objects.get().gateway_txn == query(first)["txn"]


def test_a_declined_payment_charges_nothing_and_may_be_tried_again(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    response = client.get(pay_at_the_gateway(client, checkout.url, "decline"))
    assert response.status_code == 200 and 'id="payment-declined"' in response.content.decode()
    assert Dossier.objects.get(code=awaiting).status == Status.AWAITING_PAYMENT
    again = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    assert again.payment.pk != checkout.payment.pk


def test_only_the_applicant_pays_and_only_what_is_due(awaiting, world):
    with pytest.raises(MotcuaError):
        services.start_payment(id_number=CITIZEN_MINH, code=awaiting, return_url="/pay/callback/")
    other = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    with pytest.raises(MotcuaError) as refused:
        services.start_payment(id_number=CITIZEN_HOA, code=other, return_url="/pay/callback/")
    assert refused.value.http_status == 409
    assert not Payment.objects.exists()


def test_the_gateway_page_refuses_an_unsigned_request(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    tampered = checkout.url.replace("amount=200000", "amount=2")
    assert Client().get(tampered).status_code == 400


def test_reconciliation_with_the_gateways_statement(awaiting):
    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    client.get(pay_at_the_gateway(client, checkout.url))
    day = timezone.localdate()
    report = services.reconcile(day=day)
    assert (report.matched, report.problems) == (1, [])
    assert Payment.objects.get().reconciled_at is not None
    from motcua.payments.models import DemoTransaction

    DemoTransaction.objects.create(
        txn="DEMOX", reference="MCX", amount_vnd=5, approved=True, at=timezone.now()
    )
    report = services.reconcile(day=day)
    assert report.problems == ["MCX: paid at the gateway (DEMOX), not recorded here"]
    assert services.reconcile(day=day - timedelta(days=1)).matched == 0


def test_online_payment_counts_for_the_scoreboard(awaiting, world):
    from motcua.payments.selectors import online_payment_counts

    checkout = services.start_payment(id_number=CITIZEN_HOA, code=awaiting, return_url="/pay/callback/")
    client = Client()
    client.get(pay_at_the_gateway(client, checkout.url))
    intake(actor=world["counter_dt"], request=judicial_request())  # fee-bearing, not paid online
    now = timezone.now()
    counts = online_payment_counts(now - timedelta(days=1), now + timedelta(days=1))
    assert (counts.fee_bearing, counts.paid_online, counts.procedures_paid_online) == (2, 1, 1)
