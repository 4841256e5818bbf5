"""Fees at the counter: collected with the electronic receipt's number and the amount, printed as a
receipt; refunded where the law says so (configured statuses); reported per unit and day, as a page and
an Excel file, to the units' own staff and the center's managers."""

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.dossiers.models import Status
from motcua.dossiers.services import act, intake
from motcua.errors import Forbidden, NotFound, ValidationFailed
from motcua.payments.models import FeeReceipt
from tests.factories import assert_consistent, at, judicial_request, pdf_text


@pytest.fixture
def received(world):
    """A judicial dossier (fee: 200.000 đồng) received at the Dầu Tiếng point on Monday 2 March 2026."""
    return intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier


def test_a_fee_is_collected_with_its_receipt_number_and_printed(world, received, login):
    assert received.fee_total_vnd == 200000
    act(actor=world["counter_dt"], code=received.code, action="collect_fee", now=at(2026, 3, 2, 9, 5),
        params={"receipt_number": "BL-0001"})  # fmt: skip
    receipt = FeeReceipt.objects.get(dossier=received)
    assert (receipt.amount_vnd, receipt.kind, receipt.unit.code) == (200000, "collected", "002.31.00.H57")
    event = received.events.order_by("-seq").first()
    assert event.payload == {"amount_vnd": 200000, "receipt": "BL-0001"}
    with pytest.raises(ValidationFailed) as again:  # the same number twice at one unit
        act(actor=world["counter_dt"], code=received.code, action="collect_fee", params={"receipt_number": "BL-0001", "amount_vnd": 5})  # fmt: skip
    assert "BL-0001" in again.value.message_en
    with pytest.raises(ValidationFailed) as nothing_left:  # the fee is paid: an amount must be given
        act(actor=world["counter_dt"], code=received.code, action="collect_fee", params={"receipt_number": "BL-0002"})  # fmt: skip
    assert [p.field for p in nothing_left.value.problems] == ["amount_vnd"]
    page = login("counter_dt").get(f"/desk/dossiers/{received.code}/")
    assert "BL-0001" in page.content.decode() and "200.000 đồng" in page.content.decode()
    pdf = pdf_text(login("counter_dt").get(f"/desk/dossiers/{received.code}/fee-1.pdf").content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in pdf and "BL-0001" in pdf and "Hai trăm nghìn đồng" in pdf
    assert_consistent(received)


def test_collecting_a_requested_payment_lets_the_dossier_go_on(world, received):
    act(actor=world["counter_dt"], code=received.code, action="complete_step")
    act(
        actor=world["spec_justice"],
        code=received.code,
        action="request_payment",
        params={"amount_vnd": 200000},
    )
    received.refresh_from_db()
    assert received.status == Status.AWAITING_PAYMENT
    act(
        actor=world["counter_dt"], code=received.code, action="collect_fee", params={"receipt_number": "BL-7"}
    )
    received.refresh_from_db()
    assert received.status == Status.PROCESSING and received.resume_status is None
    assert_consistent(received)


def test_only_counters_of_the_dossier_collect(world, received):
    with pytest.raises(Forbidden):
        act(
            actor=world["spec_justice"],
            code=received.code,
            action="collect_fee",
            params={"receipt_number": "X1"},
        )
    with pytest.raises(NotFound):  # not theirs: the same answer as an unknown code
        act(
            actor=world["outsider"], code=received.code, action="collect_fee", params={"receipt_number": "X1"}
        )
    assert not FeeReceipt.objects.exists()


def test_a_refund_on_a_stopped_dossier_and_not_on_a_withdrawn_one(world, received, settings):
    act(
        actor=world["counter_dt"], code=received.code, action="collect_fee", params={"receipt_number": "BL-1"}
    )
    act(actor=world["counter_dt"], code=received.code, action="complete_step")
    act(
        actor=world["lead_justice"],
        code=received.code,
        action="stop",
        params={"reason": "Không đủ điều kiện"},
    )
    with pytest.raises(ValidationFailed):  # more than was collected
        act(actor=world["counter_dt"], code=received.code, action="refund_fee",
            params={"receipt_number": "HT-1", "reason": "Dừng xử lý", "amount_vnd": 300000})  # fmt: skip
    act(actor=world["counter_dt"], code=received.code, action="refund_fee",
        params={"receipt_number": "HT-1", "reason": "Dừng xử lý"})  # fmt: skip
    refund = FeeReceipt.objects.get(kind="refunded")
    assert refund.amount_vnd == 200000 and refund.note == "Dừng xử lý"
    with pytest.raises(ValidationFailed) as twice:  # nothing left to refund
        act(actor=world["counter_dt"], code=received.code, action="refund_fee",
            params={"receipt_number": "HT-2", "reason": "again"})  # fmt: skip
    assert "No fee was collected" in twice.value.message_en

    withdrawn = intake(actor=world["counter_dt"], request=judicial_request()).dossier
    act(
        actor=world["counter_dt"],
        code=withdrawn.code,
        action="collect_fee",
        params={"receipt_number": "BL-2"},
    )
    act(actor=world["counter_dt"], code=withdrawn.code, action="withdraw", params={"reason": "Tự rút"})
    with pytest.raises(ValidationFailed) as not_by_law:
        act(actor=world["counter_dt"], code=withdrawn.code, action="refund_fee",
            params={"receipt_number": "HT-3", "reason": "rút"})  # fmt: skip
    assert "ended in a way the law refunds" in not_by_law.value.message_en
    settings.MOTCUA = {**settings.MOTCUA, "FEE_REFUND_STATUSES": "3,7,8"}  # a province refunding withdrawals
    act(actor=world["counter_dt"], code=withdrawn.code, action="refund_fee",
        params={"receipt_number": "HT-3", "reason": "rút"})  # fmt: skip
    assert FeeReceipt.objects.filter(kind="refunded").count() == 2


def test_the_report_per_unit_and_day_on_the_page_and_in_excel(world, login):
    for day, number in ((2, "A1"), (2, "A2"), (3, "A3")):
        code = intake(
            actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, day, 9)
        ).dossier.code
        act(actor=world["counter_dt"], code=code, action="collect_fee", now=at(2026, 3, day, 9, 5),
            params={"receipt_number": number})  # fmt: skip
    code = intake(actor=world["counter_pc"], request=judicial_request(unit="001.30.00.H57")).dossier.code
    act(
        actor=world["counter_pc"],
        code=code,
        action="collect_fee",
        now=at(2026, 3, 2, 10),
        params={"receipt_number": "P1"},
    )

    own = login("counter_dt").get("/fees/", {"from": "2026-03-01", "to": "2026-03-31"})
    page = own.content.decode()
    assert own.status_code == 200 and "400.000 đồng" in page and "Điểm tiếp nhận phường Phú Cường" not in page
    manager = login("manager")
    everything = manager.get("/fees/", {"from": "2026-03-01", "to": "2026-03-31"}).content.decode()
    assert "Điểm tiếp nhận phường Phú Cường" in everything and "800.000 đồng" in everything  # the total
    excel = manager.get("/fees/", {"from": "2026-03-01", "to": "2026-03-31", "format": "xlsx"})
    assert excel["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(excel.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Ngày", "Mã đơn vị")
    assert (
        "2026-03-02",
        "002.31.00.H57",
        "Điểm tiếp nhận thị trấn Dầu Tiếng",
        2,
        400000,
        0,
        0,
        400000,
    ) in rows
    assert len(rows) == 4  # the header and three unit-days
    bad = manager.get("/fees/", {"from": "2026-03-31", "to": "2026-03-01"})
    assert bad.status_code == 400
    assert login("counter_dt").get("/fees/", {"unit": "001.30.00.H57"}).status_code == 403
    assert Client().get("/fees/").status_code == 302  # log-in first
