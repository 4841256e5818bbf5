from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import timezone

from motcua.demo.loader import load_network_and_catalog
from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, ValidationFailed
from motcua.monitoring.models import PlanRun
from motcua.monitoring.selectors import staffing_table
from motcua.monitoring.services import PlanRequest, start_plan_run
from motcua.network.models import Role, RoleAssignment, Unit


@pytest.fixture
def demo_manager(db):
    load_network_and_catalog()
    user = User.objects.create_user("manager", password="x-test-password")
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(kind="center"), role=Role.MANAGER)
    return user


def run_worker() -> None:
    call_command("db_worker", batch=True, startup_delay=False, reload=False, verbosity=0)


# The worker closes its database connections between tasks, as in production: these tests commit.
@pytest.mark.django_db(transaction=True)
def test_lscp_run_is_solved_by_the_worker_and_kept(demo_manager):
    run = start_plan_run(
        actor=Actor.staff(demo_manager), request=PlanRequest(name="Ít điểm nhất", model="lscp", time_limit=60)
    )
    assert PlanRun.objects.get(pk=run.pk).state == PlanRun.State.QUEUED  # nothing solved in the request
    run_worker()
    run.refresh_from_db()
    assert run.state == PlanRun.State.DONE, run.error
    plan, scenario, current = run.result["plan"], run.result["scenario"], run.result["current"]
    assert plan["status"] == "optimal"
    assert scenario["share_covered"] == pytest.approx(1.0)
    assert len(scenario["open_sites"]) < len(current["open_sites"])
    assert run.result["facts"]["communes"] == 91
    assert "leaflet" in run.map_html.lower()


@pytest.mark.django_db(transaction=True)
def test_pages_show_progress_result_and_comparison(client, demo_manager):
    from motcua.network.models import Jurisdiction

    Jurisdiction.objects.filter(code="25741").update(coord_approximate=True)  # one position not yet surveyed
    client.force_login(demo_manager)
    response = client.post(
        "/planning/",
        {
            "name": "Hiện trạng",
            "model": "evaluate",
            "weight": "population",
            "remove": 0,
            "open_new": 0,
            "max_minutes": 30,
            "max_km": 5,
            "combine": "or",
            "time_limit": 30,
        },
    )
    assert response.status_code == 302
    run = PlanRun.objects.get()
    assert "Đang chờ" in client.get(f"/planning/{run.pk}/").content.decode()
    run_worker()
    page = client.get(f"/planning/{run.pk}/").content.decode()
    assert "Mạng lưới hiện tại" in page and "100.0%" in page
    assert "1 trên 91 vị trí xã, phường là gần đúng" in page
    last = timezone.localtime(run.created_at).date() - timedelta(days=1)
    first = last - timedelta(days=364)
    assert f"0 hồ sơ nộp từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}" in page  # the demand's period
    assert client.get(f"/planning/{run.pk}/map").status_code == 200
    compare = client.get("/planning/compare/", {"runs": [run.pk]}).content.decode()
    assert "Hiện trạng" in compare


def test_only_managers_plan(db, small_network, client):
    counter = User.objects.create_user("counter", password="x-test-password")
    RoleAssignment.objects.create(
        user=counter, unit=Unit.objects.get(code="001.30.00.H57"), role=Role.COUNTER
    )
    with pytest.raises(Forbidden):
        start_plan_run(actor=Actor.staff(counter), request=PlanRequest(name="x", model="lscp"))
    client.force_login(counter)
    assert client.get("/planning/").status_code == 403
    client.logout()
    assert client.get("/planning/").status_code == 302  # to the log-in page


def test_bad_request_names_the_field(demo_manager):
    with pytest.raises(ValidationFailed) as caught:
        start_plan_run(
            actor=Actor.staff(demo_manager),
            request=PlanRequest(name="", model="mclp", p=None, time_limit=10_000),
        )
    assert {p.field for p in caught.value.problems} == {"name", "p", "time_limit"}
    assert PlanRun.objects.count() == 0


def test_staffing_counts_the_busiest_hour(demo_manager):
    from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn, intake

    unit = Unit.objects.filter(kind="reception_point").order_by("code").first()
    officer = User.objects.create_user("officer", password="x-test-password")
    RoleAssignment.objects.create(user=officer, unit=unit, role=Role.COUNTER)
    monday_eight = timezone.localtime(timezone.now()).replace(hour=8, minute=5, second=0, microsecond=0)
    monday_eight -= timedelta(days=monday_eight.weekday() + 7)
    request = IntakeRequest(
        unit=unit.code,
        procedure="1.001193",
        subject_jurisdiction=unit.jurisdiction.code,
        applicant=Applicant(name="Lê Thị Mai", id_number="074123456789"),
        papers=[PaperIn(component=c) for c in ("TP1", "TP2")],
    )
    for minute in range(12):
        intake(actor=Actor.staff(officer), request=request, now=monday_eight + timedelta(minutes=minute))
    rows = {
        r.unit_code: r
        for r in staffing_table(
            until=monday_eight + timedelta(days=1), weeks=1, service_minutes=15, max_mean_wait_minutes=10
        )
    }
    row = rows[unit.code]
    assert row.peak_arrivals_per_hour == 12 and row.peak_slot == "Thứ Hai 08:00"
    assert row.counters_needed >= 4  # 12 arrivals x 15 min = 3 Erlangs: 3 counters would never drain


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "abc", "1e400"])
def test_staffing_page_takes_any_number_without_failing(client, demo_manager, value):
    client.force_login(demo_manager)
    response = client.get("/planning/staffing/", {"service_minutes": value, "max_wait": value})
    assert response.status_code == 200
    assert "Số quầy cần thiết" in response.content.decode()


@pytest.mark.parametrize("value", ["²", "99999999999999999999999", "-1", "1.5"])
def test_comparison_ignores_run_ids_that_are_not_ids(client, demo_manager, value):
    client.force_login(demo_manager)
    response = client.get("/planning/compare/", {"runs": value})
    assert response.status_code == 200


def test_upgrade_close_page_shows_the_decision_first_and_exports_it(client, demo_manager):
    from io import BytesIO

    from openpyxl import load_workbook

    from motcua.monitoring.tasks import run_plan

    run = start_plan_run(
        actor=Actor.staff(demo_manager),
        request=PlanRequest(name="Giai đoạn 3", model="remove_open", remove=34, open_new=10, time_limit=60),
    )
    run_plan.call(run.pk)  # the worker's task, run here (the worker itself is tested above)
    run.refresh_from_db()
    assert run.state == PlanRun.State.DONE, run.error
    actions = [d["action"] for d in run.result["decision"]]
    assert actions.count("close") == 34 and actions.count("upgrade") == 10
    assert actions.count("keep") == 101 - 34 - 10
    client.force_login(demo_manager)
    page = client.get(f"/planning/{run.pk}/").content.decode()
    summary = page.index('id="decision-summary"')
    assert summary < page.index("Số liệu")  # the result first, the figures after
    assert "Đóng 34 điểm, nâng cấp 10 điểm thành chi nhánh, mở 0 điểm mới, giữ nguyên 57 điểm." in page
    assert "Đây là phương án tốt nhất" in page
    assert "objective" not in page and "reception_point:" not in page
    assert "1 Trung tâm" in page  # units by kind in words
    assert "(30 phút hoặc 5 km)" in page and " min or " not in page  # the rule in Vietnamese words
    client.cookies["django_language"] = "en"
    english = client.get(f"/planning/{run.pk}/").content.decode()
    assert "(30 min or 5 km)" in english
    client.cookies["django_language"] = "vi"
    closed = next(d for d in run.result["decision"] if d["action"] == "close")
    assert closed["commune"] and closed["commune"] in page
    csv_text = client.get(f"/planning/{run.pk}/export.csv").content.decode("utf-8-sig")
    lines = csv_text.splitlines()
    assert lines[0].startswith("Quyết định / Decision,Tên / Name")
    assert len(lines) == 1 + 101
    assert sum(1 for line in lines if line.startswith("Đóng / Close,")) == 34
    book = load_workbook(BytesIO(client.get(f"/planning/{run.pk}/export.xlsx").content))
    assert book.sheetnames == ["Quyết định - Decision", "Theo xã - By commune"]
    assert book["Theo xã - By commune"].max_row == 1 + 91
    assert client.get(f"/planning/{run.pk}/export.pdf").status_code == 404
    assert "Huyện / Districts" in client.get(f"/planning/{run.pk}/map").content.decode()


def test_export_is_for_managers_only(client, demo_manager):
    counter = User.objects.create_user("counter2", password="x-test-password")
    RoleAssignment.objects.create(
        user=counter, unit=Unit.objects.filter(kind="reception_point").first(), role=Role.COUNTER
    )
    run = PlanRun.objects.create(
        name="x",
        model="evaluate",
        created_by=demo_manager,
        created_at=timezone.now(),
        state=PlanRun.State.DONE,
    )
    client.force_login(counter)
    assert client.get(f"/planning/{run.pk}/export.csv").status_code == 403


def test_dossiers_per_counter_comes_from_the_history(demo_manager):
    from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn, intake
    from motcua.monitoring.tasks import run_plan

    unit = Unit.objects.filter(kind="reception_point").order_by("code").first()
    officer = User.objects.create_user("officer", password="x-test-password")
    RoleAssignment.objects.create(user=officer, unit=unit, role=Role.COUNTER)
    request = IntakeRequest(
        unit=unit.code,
        procedure="1.001193",
        subject_jurisdiction=unit.jurisdiction.code,
        applicant=Applicant(name="Lê Thị Mai", id_number="074123456789"),
        papers=[PaperIn(component=c) for c in ("TP1", "TP2")],
    )
    when = timezone.now() - timedelta(days=30)
    for minute in range(12):
        intake(actor=Actor.staff(officer), request=request, now=when + timedelta(minutes=minute))
    run = start_plan_run(
        actor=Actor.staff(demo_manager), request=PlanRequest(name="Hiện trạng", model="evaluate")
    )
    run_plan.call(run.pk)
    run.refresh_from_db()
    counters = sum(
        Unit.objects.filter(kind__in=["center", "branch", "reception_point"]).values_list(
            "counters", flat=True
        )
    )
    assert run.result["current"]["dossiers_per_counter"] == pytest.approx(12 / counters)


def test_staffing_page_numbers_are_written_as_a_number_field_reads_them(client, demo_manager):
    # a number field takes "12.5" whatever the page's language; the Vietnamese "12,5" leaves it empty
    client.force_login(demo_manager)
    page = client.get("/planning/staffing/", {"service_minutes": "12.5", "max_wait": "7.5"}).content.decode()
    assert 'name="service_minutes" value="12.5"' in page and 'name="max_wait" value="7.5"' in page
