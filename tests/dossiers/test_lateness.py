"""Who is late, and since when: the work queues' late and due-soon lists, the step blamed for a late
dossier, a step sent back, a pause within an apology's extension, a finished dossier and the watch.
Each case was found by a review against the domain brief."""

from __future__ import annotations

import copy

from motcua.catalog.services import import_catalog
from motcua.dossiers.events import rebuilt_matches
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.selectors import work_queue
from motcua.dossiers.services import act, intake
from motcua.dossiers.watch import tick
from motcua.network.clock import work_calendar
from tests.factories import (
    CATALOG,
    JUSTICE,
    POINT_DAU_TIENG,
    POINT_PHU_CUONG,
    at,
    birth_request,
    judicial_request,
    write_catalog,
)

MISSING = {"missing": [{"code": "TP9"}], "reason": "Thiếu giấy"}


def in_processing(world) -> Dossier:
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step", now=at(2026, 3, 2, 10, 0))
    dossier.refresh_from_db()
    return dossier


def codes(actor, due: str, now) -> list[str]:
    return [d.code for d in work_queue(actor, due=due, now=now).items]


def test_paused_and_finished_dossiers_are_in_neither_the_late_nor_the_due_soon_queue(world):
    paused = in_processing(world)
    act(actor=world["spec_justice"], code=paused.code, action="request_supplement", now=at(2026, 3, 13, 11, 0),
        params=MISSING)  # fmt: skip
    running = in_processing(world)
    justice = world["spec_justice"]
    assert codes(justice, "soon", at(2026, 3, 13, 14, 0)) == [running.code]
    assert codes(justice, "late", at(2026, 3, 27, 9, 0)) == [running.code]
    act(actor=justice, code=running.code, action="complete_step", now=at(2026, 3, 13, 15, 0))
    act(actor=world["lead_justice"], code=running.code, action="finish", now=at(2026, 3, 13, 16, 0))
    assert codes(world["lead_justice"], "late", at(2026, 3, 27, 9, 0)) == []


def test_the_step_that_overran_most_is_blamed_for_a_late_dossier(world):
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    first = dossier.steps.get(order=1)
    act(actor=world["counter_dt"], code=dossier.code, action="complete_step",
        now=first.due_at.replace(minute=first.due_at.minute + 5))  # fmt: skip
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 20, 10, 0))
    tick(now=at(2026, 3, 23, 10, 0))
    dossier.refresh_from_db()
    assert dossier.late and dossier.late_unit.code == JUSTICE and dossier.late_step_order == 2
    assert rebuilt_matches(dossier)[0]


def test_a_step_sent_back_runs_again_for_its_share_from_then(world):
    dossier = in_processing(world)
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 5, 10, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="return_step", now=at(2026, 3, 5, 11, 0),
        params={"reason": "Cần xác minh lại"})  # fmt: skip
    reopened = dossier.steps.get(order=2)
    assert reopened.due_at == work_calendar().add_working_days(at(2026, 3, 5, 11, 0), reopened.days)
    assert tick(now=at(2026, 3, 5, 11, 5)).late_steps == 0
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 5, 14, 0))
    resent = dossier.handovers.filter(step_order=2).order_by("at").last()
    assert resent.timeliness != "late"
    sent_back = at(2026, 3, 5, 11, 0)
    later = [s for s in dossier.steps.order_by("order") if s.order >= 2]
    assert [s.due_at for s in later] == work_calendar().step_dues(sent_back, [s.days for s in later])
    assert rebuilt_matches(Dossier.objects.get(pk=dossier.pk))[0]


def test_a_pause_within_an_apologys_extension_moves_the_new_appointment(world):
    dossier = in_processing(world)
    legal = dossier.legal_due_at
    act(actor=world["spec_justice"], code=dossier.code, action="apologize", now=legal.replace(hour=legal.hour - 1),
        params={"reason": "Cần xác minh", "new_due_at": at(2026, 3, 27, 17, 0).isoformat()})  # fmt: skip
    act(actor=world["spec_justice"], code=dossier.code, action="request_supplement", now=at(2026, 3, 17, 9, 0),
        params=MISSING)  # fmt: skip
    act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 24, 9, 0))
    dossier.refresh_from_db()
    calendar = work_calendar()
    paused = calendar.working_time_between(at(2026, 3, 17, 9, 0), at(2026, 3, 24, 9, 0))
    assert dossier.due_at == calendar.add_working(at(2026, 3, 27, 17, 0), paused) > at(2026, 3, 27, 17, 0)
    assert dossier.legal_due_at == legal  # the pause began after it: the legal due time stays
    assert rebuilt_matches(dossier)[0]


def test_an_apology_clears_the_due_soon_mark(world):
    dossier = in_processing(world)
    legal = dossier.legal_due_at
    tick(now=legal.replace(hour=legal.hour - 2))
    dossier.refresh_from_db()
    assert dossier.due_soon
    act(actor=world["spec_justice"], code=dossier.code, action="apologize", now=legal.replace(hour=legal.hour - 1),
        params={"reason": "Cần xác minh", "new_due_at": at(2026, 4, 10, 17, 0).isoformat()})  # fmt: skip
    dossier.refresh_from_db()
    assert not dossier.due_soon and rebuilt_matches(dossier)[0]


def test_a_dossier_finished_on_time_is_never_marked_late(world):
    dossier = in_processing(world)
    act(actor=world["spec_justice"], code=dossier.code, action="complete_step", now=at(2026, 3, 13, 10, 0))
    act(actor=world["lead_justice"], code=dossier.code, action="finish", now=at(2026, 3, 16, 8, 0))
    assert tick(now=at(2026, 3, 30, 10, 0)).late == 0
    dossier.refresh_from_db()
    assert dossier.status == Status.FINISHED and dossier.finished_on_time and not dossier.late


def _two_step_version(tmp_path) -> None:
    """Birth registration handled at the counter itself: reception and decision, then the return."""
    catalog = copy.deepcopy(CATALOG)
    versions = catalog["procedures"][0]["versions"]
    version = copy.deepcopy(versions[0])
    version.update(version=2, effective_from="2025-01-01")
    version["steps"] = [
        {
            "order": 1,
            "name_vi": "Tiếp nhận và giải quyết",
            "performer": "receiving",
            "role": "counter",
            "days": "1",
        },
        {"order": 2, "name_vi": "Trả kết quả", "performer": "return", "role": "counter", "days": "0"},
    ]
    versions.append(version)
    import_catalog(path=write_catalog(tmp_path, catalog, "two-steps.json"))


def test_a_template_without_processing_steps_finishes_from_reception(world, tmp_path):
    _two_step_version(tmp_path)
    counter = world["counter_pc"]
    dossier = intake(
        actor=counter, request=birth_request(return_unit="001.30.00.H57"), now=at(2026, 3, 2, 9, 0)
    )
    code = dossier.dossier.code
    act(actor=counter, code=code, action="finish", now=at(2026, 3, 2, 10, 0))
    act(actor=counter, code=code, action="return_result", now=at(2026, 3, 2, 11, 0))
    assert Dossier.objects.get(code=code).status == Status.RETURNED


def test_an_online_dossiers_supplement_request_names_the_papers_from_the_catalog(world):
    online = intake(actor=Actor.of_applicant(), request=judicial_request(channel=2, papers=[]),
                    now=at(2026, 3, 2, 9, 0)).dossier  # fmt: skip
    assert online.receiving_unit.code == POINT_DAU_TIENG
    act(actor=world["counter_dt"], code=online.code, action="request_supplement", now=at(2026, 3, 2, 10, 0),
        params={"missing": [{"code": "TP1"}], "reason": "Thiếu tờ khai"})  # fmt: skip
    assert online.supplements.get().missing == [
        {"code": "TP1", "name_vi": "Tờ khai", "name_en": "Form", "note": ""}
    ]


def test_a_result_ready_at_its_return_point_is_returned_through_the_return_step(world, tmp_path):
    """Finished where it is to be returned: nothing to carry; returning it completes the return step
    and leaves the last processing step's completion as it was."""
    _two_step_version(tmp_path)
    counter = world["counter_pc"]
    request = birth_request(return_unit=POINT_PHU_CUONG)
    code = intake(actor=counter, request=request, now=at(2026, 3, 2, 9, 0)).dossier.code
    dossier = Dossier.objects.get(code=code)
    assert dossier.steps.get(order=2).unit_id == dossier.current_unit_id  # received where it is returned
    act(actor=counter, code=code, action="finish", now=at(2026, 3, 2, 10, 0))
    act(actor=counter, code=code, action="return_result", now=at(2026, 3, 2, 11, 0))
    steps = {s.order: s for s in Dossier.objects.get(code=code).steps.all()}
    assert steps[1].completed_at == at(2026, 3, 2, 10, 0)
    assert steps[2].state == "done" and steps[2].completed_at == at(2026, 3, 2, 11, 0)
    assert rebuilt_matches(Dossier.objects.get(code=code))[0]
