"""The applicant's own page shows the result's shipment by post (number, state, dates) and tells the
hand-over in their words."""

from __future__ import annotations

import pytest

from motcua.dossiers.services import act
from tests.factories import CITIZEN_HOA, at, finished_by_post

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_my_dossier_shows_the_shipment(log_in, world):
    dossier = finished_by_post(world)  # Nguyễn Thị Hoa's
    act(
        actor=world["postal"],
        code=dossier.code,
        action="hand_to_post",
        now=at(2026, 3, 5, 14, 0),
        params={"shipment_number": "EB123456789VN"},
    )
    page = log_in(CITIZEN_HOA).get(f"/my/dossiers/{dossier.code}/").content.decode()
    assert 'data-shipment="EB123456789VN"' in page and "Đang chuyển phát" in page
    assert "14:00 05/03/2026" in page
    assert "Kết quả đã được giao cho bưu điện, số hiệu bưu gửi EB123456789VN." in page
