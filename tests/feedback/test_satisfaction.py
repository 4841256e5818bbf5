"""Ratings (the lifecycle's `rate` record, from "my dossiers", the tracking page and the return desk's
tablet) and feedback (routed, on the clock, answered and published), and the counts the Index 766
scoreboard reads."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from motcua.dossiers.models import Rating, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import act, intake
from motcua.errors import MotcuaError
from motcua.feedback import services
from motcua.feedback.models import Feedback
from motcua.feedback.selectors import satisfaction_counts
from motcua.network.models import Unit
from tests.factories import (
    BRANCH_TDM,
    CITIZEN_HOA,
    CITIZEN_MINH,
    JUSTICE,
    PASSWORD,
    at,
    judicial_request,
)


def returned(world, **overrides) -> str:
    """A judicial dossier carried through to its return at the Thủ Dầu Một branch; its code."""
    code = intake(actor=world["counter_dt"], request=judicial_request(**overrides)).dossier.code
    act(actor=world["counter_dt"], code=code, action="complete_step")
    act(actor=world["spec_justice"], code=code, action="complete_step")
    act(actor=world["lead_justice"], code=code, action="finish")
    act(actor=world["lead_justice"], code=code, action="carry_result")
    act(actor=world["counter_tdm"], code=code, action="return_result")
    return code


def staff_client(name: str) -> Client:
    client = Client()
    assert client.login(username=name, password=PASSWORD)
    return client


@pytest.mark.django_db
def test_rate_once_after_return_with_a_score_of_the_scale(world):
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    with pytest.raises(MotcuaError):  # not returned yet
        services.rate(actor=Actor.of_applicant(), code=code, score=3)
    code = returned(world)
    with pytest.raises(MotcuaError) as refused:
        services.rate(actor=Actor.of_applicant(), code=code, score=7)
    assert refused.value.problems[0].field == "score"
    services.rate(actor=Actor.of_applicant(), code=code, score=3, comment="Nhanh")
    with pytest.raises(MotcuaError):
        services.rate(actor=Actor.of_applicant(), code=code, score=1)
    rating = Rating.objects.get()
    assert (rating.score, rating.comment, rating.via) == (3, "Nhanh", "tracking")
    assert Rating.objects.get().dossier.status == Status.RETURNED


@pytest.mark.django_db
def test_another_citizen_cannot_rate_my_dossier(world):
    code = returned(world)
    with pytest.raises(MotcuaError):
        services.rate(actor=Actor.of_citizen(CITIZEN_MINH), code=code, score=1)
    services.rate(actor=Actor.of_citizen(CITIZEN_HOA), code=code, score=2)
    assert Rating.objects.get().via == "portal"


@pytest.mark.django_db
def test_rate_from_the_tracking_page_with_code_and_pin(world, local_cache):
    result = intake(actor=world["counter_dt"], request=judicial_request())
    code, pin = result.dossier.code, result.pin
    for action, who in (
        ("complete_step", "counter_dt"),
        ("complete_step", "spec_justice"),
        ("finish", "lead_justice"),
        ("carry_result", "lead_justice"),
        ("return_result", "counter_tdm"),
    ):
        act(actor=world[who], code=code, action=action)
    page = Client().post("/track/", {"code": code, "pin": pin}).content.decode()
    assert 'id="track-rate"' in page and "Rất hài lòng" in page
    wrong = Client().post(
        "/feedback/rate/", {"code": code, "pin": "000000" if pin != "000000" else "111111", "score": 3}
    )
    assert wrong.status_code == 404 and not Rating.objects.exists()
    response = Client().post("/feedback/rate/", {"code": code, "pin": pin, "score": 1, "comment": "Chậm"})
    assert response.status_code == 200 and Rating.objects.get().score == 1
    again = Client().post("/track/", {"code": code, "pin": pin}).content.decode()
    assert 'id="track-rate"' not in again


@pytest.mark.django_db
def test_the_return_desks_tablet_page(world):
    code = returned(world)
    assert (
        staff_client("counter_dt").get(f"/feedback/tablet/{code}/").status_code == 403
    )  # not the return point
    tablet = staff_client("counter_tdm")
    page = tablet.get(f"/feedback/tablet/{code}/")
    assert page.status_code == 200 and "Không hài lòng" in page.content.decode()
    assert tablet.post(f"/feedback/tablet/{code}/", {"score": 2}).status_code == 200
    assert Rating.objects.get().via == "counter"
    assert tablet.get(f"/feedback/tablet/{code}/").status_code == 403  # rated once


@pytest.mark.django_db
def test_feedback_is_routed_timed_answered_and_published(world, clock):
    from motcua.citizens.models import Citizen

    clock.set(at(2026, 3, 2, 9, 0))  # a Monday
    code = intake(actor=world["counter_dt"], request=judicial_request()).dossier.code
    hoa = Citizen.objects.create(
        subject="s1",
        id_number=CITIZEN_HOA,
        name="Nguyễn Thị Hoa",
        first_login_at=clock.now,
        last_login_at=clock.now,
    )
    feedback = services.submit_feedback(
        citizen=hoa, kind="complaint", subject="Chậm trả", text="Quá hẹn", dossier_code=code
    )
    assert feedback.unit.code == JUSTICE  # the competent agency of the dossier
    assert feedback.due_at == at(2026, 3, 16, 9, 0)  # 10 working days
    minh = Citizen.objects.create(
        subject="s2",
        id_number=CITIZEN_MINH,
        name="Trần Văn Minh",
        first_login_at=clock.now,
        last_login_at=clock.now,
    )
    with pytest.raises(MotcuaError) as refused:
        services.submit_feedback(citizen=minh, kind="feedback", subject="x", text="y", dossier_code=code)
    assert refused.value.problems[0].field == "dossier"
    other = services.submit_feedback(
        citizen=minh, kind="feedback", subject="Bãi xe", text="Thiếu chỗ", unit_code=BRANCH_TDM
    )
    with pytest.raises(MotcuaError):  # another unit's officer
        services.answer_feedback(actor=world["spec_dt"], feedback_id=feedback.pk, answer="...")
    clock.set(at(2026, 3, 10, 9, 0))
    services.answer_feedback(actor=world["lead_justice"], feedback_id=feedback.pk, answer="Đã trả kết quả")
    answers = Client().get("/feedback/").content.decode()
    assert "Đã trả kết quả" in answers and "Nguyễn Thị Hoa" not in answers
    clock.set(at(2026, 4, 1, 9, 0))
    counts = satisfaction_counts(at(2026, 3, 1), at(2026, 4, 1))
    assert (counts.feedback, counts.complaints, counts.feedback_due, counts.feedback_on_time) == (2, 1, 2, 1)
    justice = Unit.objects.filter(code=JUSTICE).values_list("id", flat=True)
    only = satisfaction_counts(at(2026, 3, 1), at(2026, 4, 1), justice)
    assert (only.feedback, only.feedback_on_time) == (1, 1)
    assert Feedback.objects.get(pk=other.pk).answered_at is None


@pytest.mark.django_db
def test_satisfaction_counts_of_ratings(world):
    for score in (3, 3, 1):
        services.rate(actor=Actor.of_applicant(), code=returned(world), score=score)
    now = timezone.now()
    counts = satisfaction_counts(now - timedelta(days=1), now + timedelta(days=1))
    assert (counts.ratings, counts.by_score, counts.dislikes) == (3, {3: 2, 1: 1}, 1)
    assert satisfaction_counts(now + timedelta(days=1), now + timedelta(days=2)).ratings == 0


@pytest.mark.django_db
def test_the_inbox_shows_a_units_feedback_with_its_answer_form(world):
    from motcua.citizens.models import Citizen

    now = timezone.now()
    hoa = Citizen.objects.create(
        subject="s1", id_number=CITIZEN_HOA, name="Nguyễn Thị Hoa", first_login_at=now, last_login_at=now
    )
    feedback = services.submit_feedback(
        citizen=hoa, kind="feedback", subject="Góp ý", text="Nên mở thêm quầy", unit_code=JUSTICE
    )
    page = staff_client("lead_justice").get("/feedback/inbox/").content.decode()
    assert "Nên mở thêm quầy" in page and f'action="/feedback/inbox/{feedback.pk}/answer/"' in page
    assert "Nên mở thêm quầy" not in staff_client("counter_tdm").get("/feedback/inbox/").content.decode()
    response = staff_client("lead_justice").post(
        f"/feedback/inbox/{feedback.pk}/answer/", {"answer": "Cảm ơn"}
    )
    assert response.status_code == 302 and Feedback.objects.get().answer == "Cảm ơn"
    refused = staff_client("counter_tdm").post(f"/feedback/inbox/{feedback.pk}/answer/", {"answer": "x"})
    assert refused.status_code == 403


@pytest.mark.django_db
def test_the_desk_dossier_page_offers_the_rating_at_the_return_point(world):
    code = returned(world)
    desk = staff_client("counter_tdm")
    page = desk.get(f"/desk/dossiers/{code}/").content.decode()
    assert 'name="score"' in page and f'href="/feedback/tablet/{code}/"' in page
    response = desk.post(f"/desk/dossiers/{code}/actions/rate/", {"score": "2", "comment": "Ổn"})
    assert response.status_code == 302
    assert (Rating.objects.get().score, Rating.objects.get().via) == (2, "counter")
    assert 'name="score"' not in desk.get(f"/desk/dossiers/{code}/").content.decode()
