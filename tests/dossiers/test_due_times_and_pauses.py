"""Due times and clock pauses, with a simulated clock: step deadlines within a shorter online limit, one
source of truth for the legal due time after a supplement pause (working days, calendar days, after
the due time, with an apology), and a paused dossier being nobody's delay."""

import copy
from datetime import timedelta

import pytest

from motcua.catalog.services import import_catalog
from motcua.desk.selectors import due_badge
from motcua.dossiers.clock import legal_due, supplement_pauses
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.selectors import due_explanation
from motcua.dossiers.services import act, intake
from motcua.dossiers.watch import late_candidates, tick
from motcua.errors import ValidationFailed
from motcua.network.clock import work_calendar
from tests.factories import (
    CATALOG,
    assert_consistent,
    at,
    birth_request,
    in_processing,
    judicial_request,
    write_catalog,
)

MISSING = {"missing": [{"code": "TP9", "name_vi": "Bản sao hộ khẩu"}], "reason": "Thiếu giấy"}
BIRTH_MISSING = {"missing": [{"code": "TP1", "note": "bản rõ hơn"}], "reason": "Tờ khai mờ"}


def assert_explained(dossier: Dossier) -> None:
    """The stored legal due time is the one the explanation computes (one source of truth)."""
    dossier.refresh_from_db()
    assert due_explanation(dossier).legal_due_at == dossier.legal_due_at
    assert (
        legal_due(dossier, dossier.procedure_version, list(dossier.supplements.all())) == dossier.legal_due_at
    )


def new_version(tmp_path, procedure: int, **changes) -> None:
    """A version 2 in force from 2025 of one of the test catalog's procedures."""
    catalog = copy.deepcopy(CATALOG)
    versions = catalog["procedures"][procedure]["versions"]
    version = copy.deepcopy(versions[0])
    version.update(version=2, effective_from="2025-01-01")
    steps = changes.pop("shares", None)
    version.update(changes)
    if steps is not None:
        for step, days in zip(version["steps"], steps, strict=True):
            step["days"] = days
    versions.append(version)
    import_catalog(path=write_catalog(tmp_path, catalog, "version2.json"))


# --- A: step deadlines within a shorter online limit ------------------------------------------------


def test_online_limit_shorter_than_the_shares_keeps_steps_within_the_due_time(world, tmp_path):
    new_version(
        tmp_path,
        1,
        time_limit={"amount": "10", "unit": "working_days"},
        time_limit_online={"amount": "5", "unit": "working_days"},
        shares=["1", "7", "2", "0"],
    )
    filed = intake(
        actor=Actor.of_applicant(), request=judicial_request(channel=2), now=at(2026, 3, 1, 20, 0)
    ).dossier
    act(actor=world["counter_dt"], code=filed.code, action="receive", now=at(2026, 3, 2, 8, 0))
    filed.refresh_from_db()
    assert filed.due_at == at(2026, 3, 9, 8, 0)  # 5 working days from Monday 08:00
    dues = list(filed.steps.order_by("order").values_list("due_at", flat=True))
    assert dues == sorted(dues) and all(d <= filed.due_at for d in dues)
    assert dues[-2] == dues[-1] == filed.due_at  # the chain ends at the dossier's due time
    assert dues[0] == at(2026, 3, 2, 14, 0)  # 1 of 10 shares of 5 days: 4 working hours
    # in person the shares add up to the limit and are used as they are
    in_person = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 8, 0)
    ).dossier
    first = in_person.steps.order_by("order").first()
    assert first.due_at == at(2026, 3, 3, 8, 0) and in_person.due_at == at(2026, 3, 16, 8, 0)
    assert_consistent(filed)


# --- B: one source of truth for the legal due time after a pause ------------------------------------


def test_supplement_requested_after_the_due_time_moves_nothing(world):
    dossier = in_processing(world)
    legal, steps_before = dossier.legal_due_at, list(dossier.steps.values_list("due_at", flat=True))
    assert legal == at(2026, 3, 16, 9, 0)
    assert tick(now=at(2026, 3, 16, 10, 0)).late == 1  # late before anyone asked for a supplement
    act(actor=world["spec_justice"], code=dossier.code, action="request_supplement", now=at(2026, 3, 17, 9, 0),
        params=MISSING)  # fmt: skip
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 19, 9, 0))
    dossier.refresh_from_db()
    assert dossier.legal_due_at == legal and dossier.due_at == legal
    assert list(dossier.steps.values_list("due_at", flat=True)) == steps_before
    assert dossier.late and dossier.late_unit is not None  # still late: the due time has passed
    assert_explained(dossier)
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 19, 10, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="finish", now=at(2026, 3, 19, 11, 0))
    dossier.refresh_from_db()
    assert dossier.finished_on_time is False  # Index 766: the pause after the deadline does not count
    assert_consistent(dossier)


def test_calendar_day_limit_pause_matches_the_explanation(world, tmp_path):
    new_version(tmp_path, 0, time_limit={"amount": "5", "unit": "calendar_days"}, shares=["1", "3", "1", "0"])
    dossier = intake(actor=world["counter_pc"], request=birth_request(), now=at(2026, 3, 2, 9, 0)).dossier
    assert dossier.legal_due_at == at(2026, 3, 9, 17, 0)  # Saturday 09:00, moved to Monday's end
    act(actor=world["counter_pc"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    act(actor=world["spec_dt"], code=dossier.code, action="request_supplement", now=at(2026, 3, 3, 9, 0),
        params=BIRTH_MISSING)  # fmt: skip
    steps_before = list(dossier.steps.order_by("order").values_list("due_at", flat=True))
    act(actor=world["counter_pc"], code=dossier.code, action="supplement_received", now=at(2026, 3, 4, 9, 0))
    dossier.refresh_from_db()
    # one calendar day paused: the unrounded end moves to Sunday 09:00, still due Monday 17:00
    assert dossier.legal_due_at == at(2026, 3, 9, 17, 0) and dossier.due_at == dossier.legal_due_at
    assert list(dossier.steps.order_by("order").values_list("due_at", flat=True)) == steps_before
    assert_explained(dossier)
    # a second, longer pause does move it: to the end of the day the unrounded end falls on
    act(actor=world["spec_dt"], code=dossier.code, action="request_supplement", now=at(2026, 3, 5, 9, 0),
        params=BIRTH_MISSING)  # fmt: skip
    act(actor=world["counter_pc"], code=dossier.code, action="supplement_received", now=at(2026, 3, 7, 9, 0))
    dossier.refresh_from_db()
    assert dossier.legal_due_at == at(2026, 3, 10, 17, 0) and dossier.due_at == dossier.legal_due_at
    dues = list(dossier.steps.order_by("order").values_list("due_at", flat=True))
    assert dues[0] == steps_before[0]  # a finished step keeps its deadline
    assert all(
        after - before == timedelta(days=1) for before, after in zip(steps_before[1:], dues[1:], strict=True)
    )
    assert_explained(dossier)
    assert_consistent(dossier)


def test_working_day_pause_moves_appointment_steps_and_originals_alike(world):
    dossier = in_processing(world)
    movement_due = dossier.paper_movements.get().due_at
    act(
        actor=world["spec_justice"],
        code=dossier.code,
        action="apologize",
        now=at(2026, 3, 3, 8, 0),
        params={"reason": "Chờ xác minh", "new_due_at": "2026-03-20T17:00:00+07:00"},
    )
    act(actor=world["spec_justice"], code=dossier.code, action="request_supplement", now=at(2026, 3, 3, 9, 0),
        params=MISSING)  # fmt: skip
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 4, 9, 0))
    dossier.refresh_from_db()
    assert dossier.legal_due_at == at(2026, 3, 17, 9, 0)  # one working day later
    assert dossier.due_at == at(2026, 3, 23, 17, 0)  # the apology's appointment, one working day later
    assert dossier.paper_movements.get().due_at == work_calendar().add_working_days(movement_due, 1)
    request = dossier.supplements.get()
    assert request.due_before == at(2026, 3, 20, 17, 0) and request.due_after == dossier.due_at
    assert [p.start for p in supplement_pauses(dossier, list(dossier.supplements.all()))] == [
        at(2026, 3, 3, 9, 0)
    ]
    assert_explained(dossier)
    assert_consistent(dossier)


def test_no_apology_while_the_clock_is_paused(world):
    """During a supplement pause the due time is not known yet (resuming moves it): a Form 04 then would
    promise a date that does not hold. The apology is refused, naming the status; after the supplement
    it is allowed again, before the moved due time."""
    dossier = in_processing(world)
    act(actor=world["spec_justice"], code=dossier.code, action="request_supplement", now=at(2026, 3, 3, 9, 0),
        params=MISSING)  # fmt: skip
    apology = {"reason": "Chờ xác minh", "new_due_at": "2026-03-20T17:00:00+07:00"}
    with pytest.raises(ValidationFailed) as refused:
        act(actor=world["spec_justice"], code=dossier.code, action="apologize", now=at(2026, 3, 3, 10, 0),
            params=apology)  # fmt: skip
    assert refused.value.code == "illegal_action" and "status 5" in refused.value.message_en
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 4, 9, 0))
    act(actor=world["spec_justice"], code=dossier.code, action="apologize", now=at(2026, 3, 4, 10, 0),
        params=apology)  # fmt: skip
    dossier.refresh_from_db()
    assert dossier.due_at == at(2026, 3, 20, 17, 0)  # the date the slip names
    assert_consistent(dossier)


# --- C: a paused dossier is nobody's delay ----------------------------------------------------------


def test_paused_dossier_is_neither_due_soon_nor_late_and_resumes_clean(world):
    dossier = in_processing(world)
    assert tick(now=at(2026, 3, 13, 10, 0)).due_soon == 1  # due Monday 09:00
    act(actor=world["spec_justice"], code=dossier.code, action="request_supplement", now=at(2026, 3, 13, 11, 0),
        params=MISSING)  # fmt: skip
    weeks_later = at(2026, 3, 27, 9, 0)
    assert not late_candidates(weeks_later).exists()
    result = tick(now=weeks_later)
    assert (result.late, result.late_steps, result.due_soon) == (0, 0, 0)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUPPLEMENT and not dossier.late
    assert due_badge(dossier, weeks_later) == "paused"

    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 30, 9, 0))
    dossier.refresh_from_db()
    assert not dossier.due_soon and not dossier.late and dossier.due_at > at(2026, 3, 30, 9, 0)
    event = dossier.events.order_by("-seq").first()
    assert event.changes["due_soon"] is False  # the log carries the reset
    assert dossier.due_at == at(2026, 3, 30, 17, 0)  # the 6 working hours left when it was paused
    resumed = at(2026, 3, 30, 9, 0)
    assert due_badge(dossier, resumed) == "soon"  # the watch will mark it again
    assert tick(now=at(2026, 3, 30, 10, 0)).late == 0
    assert_explained(dossier)
    assert_consistent(dossier)
