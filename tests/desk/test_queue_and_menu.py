"""The desk's queue and menu: managers find the planning pages, languages are named in their own
language, the queue shows the current step's own deadline."""

from __future__ import annotations

from motcua.dossiers.services import intake
from tests.factories import at, judicial_request, page_text


def test_managers_find_planning_and_languages_are_named_in_their_own_language(login):
    manager = page_text(login("manager").get("/desk/"))
    assert 'href="/planning/"' in manager and "Quy hoạch mạng lưới" in manager
    assert 'lang="en">English</option>' in manager  # not "Tiếng Anh": found by who reads English
    assert 'href="/planning/"' not in page_text(login("counter_dt").get("/desk/"))


def test_the_queue_shows_the_current_steps_own_deadline(login, world, clock):
    clock.set(at(2026, 3, 2, 9))
    intake(actor=world["counter_dt"], request=judicial_request())
    page = page_text(login("counter_dt").get("/desk/"))
    # the counter's half working day (09:00-11:30, 13:30-15:00), not the dossier's 10 days
    assert 'step-due">hạn bước 15:00 02/03/2026<' in page
