"""The public tracking page: a refused dossier says why and promises no appointment; an open one shows
where it is and its progress, without officers."""

from __future__ import annotations

from motcua.dossiers.services import act, intake
from tests.factories import at, birth_request, judicial_request, page_text


def test_tracking_a_refused_dossier_says_why_and_no_appointment(world, client, local_cache):
    request = birth_request(decision="refuse", reason="Không thuộc thẩm quyền giải quyết")
    result = intake(actor=world["counter_pc"], request=request, now=at(2026, 3, 2, 9))
    page = page_text(client.post("/track/", {"code": f"  {result.dossier.code.lower()} ", "pin": result.pin}))
    assert "Từ chối tiếp nhận" in page and "Không thuộc thẩm quyền giải quyết" in page
    assert "Ngày hẹn trả kết quả" not in page and "Chưa có" not in page


def test_tracking_shows_where_the_dossier_is_and_its_progress(world, client, local_cache):
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    code = result.dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10))
    act(
        actor=world["spec_justice"],
        code=code,
        action="request_supplement",
        now=at(2026, 3, 3, 9),
        params={"missing": [{"code": "TP9"}]},
    )
    page = page_text(client.post("/track/", {"code": code, "pin": result.pin}))
    where = page[page.index('id="track-where"') :]
    assert where.startswith('id="track-where">Sở Tư pháp<')
    history = page[page.index('id="track-history"') : page.index("</ol>", page.index('id="track-history"'))]
    assert history.count("<li>") == 3  # received, processing, supplement requested
    assert "09:00 03/03/2026" in history and "Yêu cầu bổ sung" in history
    assert "spec_justice" not in page and "counter_dt" not in page  # no officers
