"""The dossier page: what officers wrote and their names show in the history, a failed action's
address can be reloaded, closing actions ask before they are sent, and the papers a supplement asked
for are ticked when it comes in."""

from __future__ import annotations

import re

from motcua.dossiers.services import intake
from tests.factories import at, at_justice_asking_for_tp9, judicial_request, name_the_specialist, page_text


def test_history_shows_what_officers_wrote_and_their_names(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    name_the_specialist(world)
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    counter.post(f"/desk/dossiers/{code}/actions/complete_step/", {"note": "chuyển Sở Tư pháp"})
    specialist = login("spec_justice")
    specialist.post(f"/desk/dossiers/{code}/actions/request_payment/", {"amount_vnd": "200000"})
    specialist.post(f"/desk/dossiers/{code}/actions/payment_received/", {"receipt": "BL-000123"})
    page = page_text(specialist.get(f"/desk/dossiers/{code}/"))
    assert "Ghi chú: chuyển Sở Tư pháp" in page
    assert "Số tiền: 200.000 đ" in page and "Số biên lai: BL-000123" in page
    assert "Lê Minh Tâm" in page


def test_a_failed_actions_address_can_be_reloaded(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    counter = login("counter_dt")
    assert counter.post(f"/desk/dossiers/{code}/actions/stop/", {"reason": ""}).status_code in (400, 403)
    reloaded = counter.get(f"/desk/dossiers/{code}/actions/stop/")
    assert reloaded.status_code == 302 and reloaded["Location"] == f"/desk/dossiers/{code}/"


def test_closing_actions_ask_before_they_are_sent(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    page = page_text(login("counter_dt").get(f"/desk/dossiers/{code}/"))
    withdraw = page[page.index('id="action-withdraw"') :]
    assert 'data-confirm="Thao tác này kết thúc hồ sơ và không thể hoàn tác. Tiếp tục?"' in withdraw[:600]
    complete = page[page.index('id="action-complete_step"') :]
    assert "data-confirm" not in complete[:400]


def test_the_papers_a_supplement_asked_for_are_ticked_when_it_comes_in(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    code = at_justice_asking_for_tp9(world)
    page = page_text(login("counter_dt").get(f"/desk/dossiers/{code}/"))
    form = page[page.index('id="action-supplement_received"') :]
    form = form[: form.index("</form>")]
    assert 'value="TP9" checked' in form and 'value="TP1" checked' not in form


def test_the_assign_form_offers_only_active_officers_who_process(login, world, clock):
    from django.contrib.auth import get_user_model

    from motcua.network.models import Role, RoleAssignment

    clock.set(at(2026, 3, 2, 9))
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    login("counter_dt").post(f"/desk/dossiers/{code}/actions/complete_step/")
    justice = world["spec_justice"].user.roles.get().unit
    users = get_user_model().objects
    gone = users.create_user(username="spec_gone", password="x-test-2026", is_active=False)
    RoleAssignment.objects.create(user=gone, unit=justice, role=Role.SPECIALIST)
    RoleAssignment.objects.create(user=users.create_user(username="admin_j"), unit=justice, role=Role.ADMIN)
    html = login("lead_justice").get(f"/desk/dossiers/{code}/").content.decode()
    offered = re.findall(r'<option value="([^"]+)">', html.split('name="assignee"')[1].split("</select>")[0])
    assert offered == ["lead_justice", "spec_justice"]
