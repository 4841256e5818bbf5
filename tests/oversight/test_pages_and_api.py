"""The dashboard, its lists, exports and report, and the monitoring API: who may see what, bad input
named, and the figures of the hand-made month."""

import io

import pytest
from django.test import Client

from motcua.dossiers.services import act, intake
from tests.factories import JUSTICE, PASSWORD, POINT_DAU_TIENG, api_clients, at, judicial_request


@pytest.fixture
def month(world):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_justice"], code=code, action="complete_step", now=at(2026, 3, 3, 10, 0))
    act(actor=world["lead_justice"], code=code, action="finish", now=at(2026, 3, 5, 10, 0))
    return code


def login(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    return client


def test_managers_land_on_the_dashboard_and_see_the_scoreboard(world, month):
    manager = login("manager")
    assert manager.get("/start/")["Location"] == "/oversight/"
    page = manager.get("/oversight/", {"period": "2026-03"}).content.decode()
    assert "Chỉ số 766" in page and 'data-component="progress.on_time"' in page
    assert "không đo tại đây" in page.lower()  # components without data
    assert 'id="oversight-charts"' in page and "<script>" not in page  # data as json_script only
    assert "Đồng bộ lên Cổng Dịch vụ công quốc gia" in page and "data-backlog>0<" in page
    assert (
        f"/desk/dossiers/{month}/"
        in manager.get("/oversight/dossiers/on_time/", {"period": "2026-03"}).content.decode()
    )


def test_who_may_see_the_dashboard(world, month):
    assert login("counter_dt").get("/oversight/").status_code == 403
    assert login("counter_dt").get("/start/")["Location"] == "/desk/"
    leader = login("lead_justice")
    assert leader.get("/oversight/", {"period": "2026-03"}).status_code == 200
    assert leader.get("/oversight/", {"unit": POINT_DAU_TIENG}).status_code == 403
    response = login("manager").get("/oversight/", {"period": "2026-14"})
    assert response.status_code == 400 and "period" in response.content.decode()


def test_exports_and_the_periodic_report(world, month):
    from openpyxl import load_workbook

    manager = login("manager")
    csv = manager.get("/oversight/export/units.csv", {"period": "2026-03"})
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Mã / Code,Đơn vị / Unit,Tiếp nhận / Received")
    assert "Sở Tư pháp" in text
    xlsx = manager.get("/oversight/export/late.xlsx", {"period": "2026-03"})
    assert load_workbook(io.BytesIO(xlsx.content)).active.max_row >= 2
    report = manager.get("/oversight/report.xlsx", {"period": "2026-03"})
    book = load_workbook(io.BytesIO(report.content))
    assert book.sheetnames == ["Theo cơ quan giải quyết", "Theo lĩnh vực", "Chỉ số 766"]
    rows = list(book["Theo cơ quan giải quyết"].values)
    assert ("000.00.01.H57", "Sở Tư pháp", 1, 1, 1, 0, 0, 0, 100.0) in rows
    assert manager.get("/oversight/export/units.pdf").status_code == 400
    assert manager.get("/oversight/export/nope.csv").status_code == 404


def test_the_monitoring_api(world, month):
    api = api_clients(world)
    board = api["manager"].get("/api/monitoring/scoreboard", period="2026-03").json()
    on_time = next(c for c in board["components"] if c["key"] == "progress.on_time")
    assert (on_time["numerator"], on_time["denominator"], on_time["points"]) == (1, 1, 20.0)
    assert on_time["dossiers_numerator"] == "/api/monitoring/dossiers/on_time"
    synced = next(c for c in board["components"] if c["key"] == "transparency.synced")
    assert synced["measured"] is False and synced["points"] is None
    units = api["lead_justice"].get(f"/api/monitoring/tables/units?unit={JUSTICE}&period=2026-03").json()
    assert units["key"] == "units" and units["columns"][0]["label_en"] == "Code"
    listed = api["manager"].get(
        "/api/monitoring/dossiers/on_time", **{"from": "2026-03-01", "to": "2026-03-31"}
    )
    assert [row["code"] for row in listed.json()["rows"]] == [month]
    assert api["counter_dt"].get("/api/monitoring/scoreboard").status_code == 403
    assert api["anonymous"].get("/api/monitoring/scoreboard").status_code == 401
    bad = api["manager"].get("/api/monitoring/scoreboard", **{"from": "2026-03-31", "to": "2026-03-01"})
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "to"
    assert api["manager"].get("/api/monitoring/tables/nope").status_code == 404
    spec = Client().get("/api/openapi.json").json()
    assert "/api/monitoring/scoreboard" in spec["paths"] and "/api/monitoring/tables/{key}" in spec["paths"]


def test_a_band_to_verify_is_shown_as_such(world, month, settings):
    manager = login("manager")
    settings.MOTCUA = {**settings.MOTCUA, "INDEX766": {"bands": [[0, "any", "Mọi mức", "Any"]]}}
    page = manager.get("/oversight/", {"period": "2026-03"}).content.decode()
    assert "Mọi mức" in page and "data-band-verify" not in page  # the province's own band
    settings.MOTCUA = {**settings.MOTCUA, "INDEX766": {"bands": [[0, "any", "Mọi mức", "Any", "verify"]]}}
    page = manager.get("/oversight/", {"period": "2026-03"}).content.decode()
    assert "data-band-verify" in page and "cần đối chiếu văn bản pháp lý" in page
    board = api_clients(world)["manager"].get("/api/monitoring/scoreboard", period="2026-03").json()
    assert (board["band_key"], board["band_to_verify"]) == ("any", True)


def test_dossier_links_lead_only_to_what_the_viewer_may_open(world):
    """A district leader oversees the communes under the district: the dashboard lists their dossiers,
    but the desk opens only dossiers that concern the leader's own unit; the list links to those only."""
    from django.contrib.auth.models import User

    from motcua.network.models import Role, RoleAssignment, Unit
    from tests.factories import birth_request

    code = intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 0)).dossier.code
    district = User.objects.create_user("lead_district_dt", password=PASSWORD)
    RoleAssignment.objects.create(
        user=district, unit=Unit.objects.get(code="000.02.00.H57"), role=Role.LEADER
    )
    query = {"unit": "000.02.00.H57", "period": "2026-03"}
    page = login("lead_district_dt").get("/oversight/dossiers/received/", query).content.decode()
    assert code in page and f"/desk/dossiers/{code}/" not in page
    assert login("lead_district_dt").get(f"/desk/dossiers/{code}/").status_code == 404
    commune = login("lead_dt")  # the competent commune's leader may open it: linked
    page = commune.get("/oversight/dossiers/received/", {"period": "2026-03"}).content.decode()
    assert f"/desk/dossiers/{code}/" in page
    assert commune.get(f"/desk/dossiers/{code}/").status_code == 200
