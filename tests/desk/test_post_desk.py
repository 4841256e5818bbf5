"""The postal desk (/desk/post/): the results waiting at the officer's units to be sent by post, several
shipment numbers recorded at once, the outcome of each shipment; another unit's officer sees none of it
and can record nothing; the intake form records a dossier received by post with its number."""

from __future__ import annotations

import pytest

from motcua.dossiers.models import Channel, Dossier, Status
from tests.factories import CENTER, INTAKE_FORM, at, finished_by_post, page_text

pytestmark = pytest.mark.django_db


def test_several_results_handed_to_the_post_at_once(login, world, clock):
    first, second, third = (finished_by_post(world) for _ in range(3))
    clock.set(at(2026, 3, 5, 14, 0))
    client = login("postal")
    page = client.get("/desk/post/")
    assert page.status_code == 200
    assert all(f'name="number-{d.code}"' in page.content.decode() for d in (first, second, third))
    sent = client.post(
        "/desk/post/send/",
        {
            f"number-{first.code}": "EB000000001VN",
            f"number-{second.code}": "eb000000002vn",
            f"number-{third.code}": "",
        },
    )
    assert sent.status_code == 302
    assert (
        first.shipments.get().number == "EB000000001VN" and second.shipments.get().number == "EB000000002VN"
    )
    assert not third.shipments.exists()  # left empty: still waiting
    after = page_text(client.get("/desk/post/"))
    assert "EB000000001VN" in after and "EB000000002VN" in after


def test_a_bad_number_keeps_its_row_with_the_reason_the_others_are_recorded(login, world, clock):
    good, bad = finished_by_post(world), finished_by_post(world)
    clock.set(at(2026, 3, 5, 14, 0))
    response = login("postal").post(
        "/desk/post/send/", {f"number-{good.code}": "EB000000001VN", f"number-{bad.code}": "EB 12/3"}
    )
    assert response.status_code == 400
    assert 'value="EB 12/3"' in response.content.decode() and "số hiệu bưu gửi" in page_text(response)
    assert good.shipments.exists() and not bad.shipments.exists()


def test_outcomes_delivered_and_returned_to_sender(login, world, clock):
    delivered, returned = finished_by_post(world), finished_by_post(world)
    clock.set(at(2026, 3, 5, 14, 0))
    client = login("postal")
    client.post("/desk/post/send/", {f"number-{delivered.code}": "EB1", f"number-{returned.code}": "EB2"})
    clock.set(at(2026, 3, 9, 8, 0))
    done = client.post(
        "/desk/post/outcome/",
        {"code": delivered.code, "outcome": "delivered", "at": "2026-03-06T15:30", "receiver": "Hoa"},
    )
    assert done.status_code == 302
    delivered.refresh_from_db()
    assert delivered.status == Status.RETURNED and delivered.returned_at == at(2026, 3, 6, 15, 30)
    history = page_text(client.get(f"/desk/dossiers/{delivered.code}/"))
    assert "Số hiệu bưu gửi: EB1" in history and "Thời điểm phát: 15:30 06/03/2026" in history
    too_early = client.post(
        "/desk/post/outcome/", {"code": returned.code, "outcome": "returned", "at": "2026-03-05T13:00"}
    )
    assert too_early.status_code == 400 and "trước lúc giao cho bưu điện" in page_text(too_early)
    back = client.post(
        "/desk/post/outcome/", {"code": returned.code, "outcome": "returned", "reason": "Vắng nhà"}
    )
    assert back.status_code == 302
    returned.refresh_from_db()
    assert returned.status == Status.FINISHED and returned.shipments.get().outcome == "returned"
    # back at the unit: waiting to be sent again
    assert f'name="number-{returned.code}"' in client.get("/desk/post/").content.decode()


def test_another_units_officer_sees_none_and_records_nothing(login, world, clock):
    dossier = finished_by_post(world)
    clock.set(at(2026, 3, 5, 14, 0))
    outsider = login("outsider")  # a counter officer of the Dầu Tiếng branch
    assert dossier.code not in page_text(outsider.get("/desk/post/"))
    refused = outsider.post("/desk/post/send/", {f"number-{dossier.code}": "EB1"})
    assert refused.status_code == 400 and not dossier.shipments.exists()
    login("postal").post("/desk/post/send/", {f"number-{dossier.code}": "EB1"})
    assert dossier.code not in page_text(outsider.get("/desk/post/"))
    outcome = outsider.post("/desk/post/outcome/", {"code": dossier.code, "outcome": "delivered"})
    assert outcome.status_code == 404
    assert Dossier.objects.get(pk=dossier.pk).status == Status.FINISHED


@pytest.mark.parametrize("who", ["spec_justice", "lead_justice", "manager"])
def test_staff_without_a_desk_role_get_403(login, who):
    assert login(who).get("/desk/post/").status_code == 403
    assert login(who).post("/desk/post/send/", {"number-X": "EB1"}).status_code == 403


def test_the_dossier_page_offers_hand_to_post_with_its_number_field(login, world):
    dossier = finished_by_post(world)
    page = login("postal").get(f"/desk/dossiers/{dossier.code}/").content.decode()
    assert 'id="action-hand_to_post"' in page and 'name="shipment_number"' in page
    assert 'id="action-return_result"' in page  # the applicant may still come to the counter


def test_the_intake_form_records_a_dossier_received_by_post(login, world, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    form = {
        **INTAKE_FORM,
        "unit": CENTER,
        "channel": str(Channel.POST),
        "shipment_number": "RR123456789VN",
        "return_mode": "post",
        "return_address": "12 Yersin, Phú Cường",
    }
    response = login("postal").post("/desk/intake/", form)
    assert response.status_code == 302, page_text(response)
    dossier = Dossier.objects.get()
    assert dossier.channel == Channel.POST and dossier.shipments.get().number == "RR123456789VN"
    wrong = login("counter_center").post("/desk/intake/", {**form, "channel": str(Channel.IN_PERSON)})
    assert wrong.status_code == 400 and "kênh 3" in page_text(wrong)
