"""The queue's pages over HTTP: the public kiosk (take a ticket, the printed PDF), the display board
(its live part and the voice), a counter's panel; permissions, bad input and rate limits give 4xx."""

from __future__ import annotations

import pytest

from motcua.tickets.models import Counter, ServiceGroup, Ticket, TicketCall, TicketState
from tests.factories import POINT_DAU_TIENG, at, page_text, pdf_text

pytestmark = pytest.mark.django_db

KIOSK = f"/tickets/{POINT_DAU_TIENG}/kiosk/"
BOARD = f"/tickets/{POINT_DAU_TIENG}/board/"


def group_id(unit, letter: str) -> int:
    return ServiceGroup.objects.get(unit=unit, letter=letter).pk


def counter_url(unit, number: int = 1) -> str:
    return f"/tickets/counters/{Counter.objects.get(unit=unit, number=number).pk}/"


def take(client, unit, letter: str = "A"):
    return client.post(KIOSK, {"group": group_id(unit, letter)})


def test_the_kiosk_lists_the_groups_and_issues_a_ticket(client, queue, clock, local_cache):
    clock.set(at(2026, 3, 2, 8, 30))
    page = page_text(client.get(KIOSK))
    assert "Hộ tịch" in page and "Lý lịch tư pháp" in page and "Lấy số thứ tự" in page
    response = take(client, queue)
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{KIOSK}{ticket.pk}/"
    page = page_text(client.get(response["Location"]))
    assert "A001" in page and "0 người đang chờ trước bạn" in page


def test_the_printed_ticket_is_a_pdf_with_the_number(client, queue, clock, local_cache):
    clock.set(at(2026, 3, 2, 8, 30))
    take(client, queue)
    take(client, queue)
    second = Ticket.objects.get(number=2)
    for paper in ("80mm", "a6", "letter"):
        response = client.get(f"{KIOSK}{second.pk}.pdf", {"paper": paper})
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        text = pdf_text(response.content)
        assert "A002" in text and "Hộ tịch" in text and "Số người chờ trước bạn: 1" in text


@pytest.mark.parametrize("group", ["", "x", "99999999"])
def test_the_kiosk_refuses_a_bad_group_with_400(client, queue, local_cache, group):
    response = client.post(KIOSK, {"group": group})
    assert response.status_code == 400 and "Nhóm dịch vụ" in page_text(response)
    assert not Ticket.objects.exists()


@pytest.mark.parametrize("path", ["/tickets/000.00.01.H57/kiosk/", "/tickets/xyz/board/", f"{KIOSK}999999/"])
def test_unknown_units_and_tickets_are_404(client, queue, local_cache, path):
    assert client.get(path).status_code == 404


def test_taking_tickets_is_rate_limited(client, queue, local_cache, settings, rate_window):
    settings.MOTCUA = {**settings.MOTCUA, "RATE_LIMITS": {"ticket_ip": (3, 60)}}
    statuses = [take(client, queue).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429] and Ticket.objects.count() == 3


def test_the_counter_calls_and_the_board_shows_it(client, queue, login, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    take(client, queue)
    take(client, queue, "B")
    officer = login("counter_dt")
    assert officer.post(counter_url(queue), {"action": "call_next"}).status_code == 302
    page = page_text(officer.get(counter_url(queue)))
    assert 'id="current-ticket">A001<' in page
    live = page_text(client.get(f"{BOARD}live/"))
    assert 'id="counter-1"><td>1</td><td class="number">A001<' in live and "1 người đang chờ" in live
    assert "A001" in page_text(client.get(BOARD))
    officer.post(counter_url(queue), {"action": "recall"})
    assert TicketCall.objects.filter(recall=True).count() == 1
    officer.post(counter_url(queue, 2), {"action": "call_next"})
    officer.post(counter_url(queue), {"action": "served"})
    assert Ticket.objects.get(group__letter="A").state == TicketState.DONE
    assert Ticket.objects.get(group__letter="B").state == TicketState.CALLED


def test_counter_page_errors_are_4xx(client, queue, login, local_cache):
    officer = login("counter_dt")
    assert officer.post(counter_url(queue), {"action": "explode"}).status_code == 400
    response = officer.post(counter_url(queue), {"action": "recall"})
    assert response.status_code == 409 and "chưa gọi số nào" in page_text(response)
    assert officer.get("/tickets/counters/999999/").status_code == 404


@pytest.mark.parametrize("who", ["outsider", "manager", "spec_dt"])
def test_other_staff_may_not_use_the_counter(queue, login, who):
    assert login(who).post(counter_url(queue), {"action": "call_next"}).status_code == 403


def test_the_counter_page_needs_a_log_in(client, queue):
    response = client.get(counter_url(queue))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_menu_links_the_queue_for_counter_officers_and_managers(queue, login):
    assert "/tickets/" in page_text(login("counter_dt").get("/desk/"))
    assert "/tickets/" in page_text(login("manager").get("/desk/"))
    assert 'href="/tickets/"' not in page_text(login("spec_dt").get("/desk/"))
    index = page_text(login("counter_dt").get("/tickets/"))
    assert counter_url(queue) in index and KIOSK in index


def test_the_board_reads_a_call_aloud(client, queue, login, local_cache):
    take(client, queue)
    login("counter_dt").post(counter_url(queue), {"action": "call_next"})
    call = TicketCall.objects.get()
    response = client.get(f"{BOARD}calls/{call.pk}.wav")
    if response.status_code != 200:
        pytest.fail("espeak-ng is missing: `make test` installs Debian's espeak-ng package")
    audio = response.content
    assert audio[:4] == b"RIFF" and audio[8:12] == b"WAVE" and len(audio) > 10_000
    assert int.from_bytes(audio[4:8], "little") == len(audio) - 8  # a whole file, not a stream
    assert f"calls/{call.pk}.wav" in page_text(client.get(f"{BOARD}live/"))


def test_without_espeak_the_board_is_silent_but_works(client, queue, login, local_cache, settings):
    settings.MOTCUA = {**settings.MOTCUA, "ESPEAK_NG": "/nonexistent/espeak-ng"}
    take(client, queue)
    login("counter_dt").post(counter_url(queue), {"action": "call_next"})
    call = TicketCall.objects.get()
    assert client.get(f"{BOARD}calls/{call.pk}.wav").status_code == 404
    board = page_text(client.get(BOARD))
    assert "A001" in board and "data-audio" not in board and 'id="sound"' not in board


def test_the_kiosk_carries_its_printing_set_up_to_each_ticket(client, queue, local_cache):
    page = page_text(client.get(KIOSK, {"print": "1", "paper": "a6", "evil": "x"}))
    assert 'name="print" value="1"' in page and 'name="paper" value="a6"' in page and "evil" not in page
    response = client.post(KIOSK, {"group": group_id(queue, "A"), "print": "1", "paper": "a6"})
    assert response["Location"].endswith("/?print=1&paper=a6")
    ticket_page = page_text(client.get(response["Location"]))
    assert 'data-autoprint="' in ticket_page and ".pdf?paper=a6" in ticket_page
    assert f'data-return-url="{KIOSK}?print=1&amp;paper=a6"' in ticket_page
    plain = page_text(client.get(take(client, queue)["Location"]))
    assert "data-autoprint" not in plain and ".pdf?paper=80mm" in plain


def test_the_counter_offers_the_actions_of_its_table(client, queue, login):
    from motcua.tickets.actions import ACTIONS

    officer = login("counter_dt")
    idle = page_text(officer.get(counter_url(queue)))
    assert 'value="call_next"' in idle and 'value="recall"' not in idle
    take(client, queue)
    officer.post(counter_url(queue), {"action": "call_next"})
    serving = page_text(officer.get(counter_url(queue)))
    assert all(f'value="{name}"' in serving for name in ACTIONS)
    assert ">Gọi lại<" in serving and ">Vắng mặt<" in serving


def test_the_index_lists_the_units_with_a_kiosk_and_a_unit_without_groups_says_so(client, queue, local_cache):
    index = page_text(client.get("/tickets/"))
    assert KIOSK in index and BOARD in index and "/tickets/000.00.31.H57/" not in index
    ServiceGroup.objects.filter(unit=queue).update(active=False)
    assert "Điểm phục vụ này không dùng số thứ tự" in page_text(client.get(KIOSK))


def test_ids_beyond_any_integer_column_are_404(queue, login, local_cache):
    big = "9" * 25
    officer = login("counter_dt")
    for path in (
        f"/tickets/counters/{big}/",
        f"{KIOSK}{big}/",
        f"{KIOSK}{big}.pdf",
        f"{BOARD}calls/{big}.wav",
    ):
        assert officer.get(path).status_code == 404, path
