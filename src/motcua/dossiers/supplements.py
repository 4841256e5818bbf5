"""Supplement requests (Form 02) and their answers: asked at intake (reception waits for the papers)
or during processing (the legal clock pauses, Index 766 counts a second request from one agency as
late); answered by the papers brought, after which reception happens or the clock resumes."""

from __future__ import annotations

from typing import Any

from motcua.errors import ValidationFailed

from . import clock, handlers, moves
from .context import NOT_CREATED, ActionContext, Outcome
from .models import DossierPaper, Handover, Status, SupplementRequest
from .validation import PaperIn, paper_problems


def request_supplement(ctx: ActionContext) -> Outcome:
    if ctx.from_status in (NOT_CREATED, Status.NEW):
        return _at_intake(ctx)
    return _during_processing(ctx)


def _at_intake(ctx: ActionContext) -> Outcome:
    """Reception waits for the papers named; the clock has not started."""
    missing = named_from_catalog(ctx, ctx.params.get("missing", []))
    unit_id = ctx.unit_id or ctx.dossier.receiving_unit_id
    ctx.add(
        SupplementRequest(
            dossier=ctx.dossier,
            unit_id=unit_id,
            at_intake=True,
            requested_at=ctx.now,
            missing=missing,
            reason=ctx.params.get("reason", ""),
        )
    )
    return Outcome({"resume_status": Status.RECEIVED}, {"missing": missing})


def _during_processing(ctx: ActionContext) -> Outcome:
    dossier = ctx.dossier
    unit_id = ctx.unit_id or dossier.current_unit_id
    repeated = any(s.unit_id == unit_id and not s.at_intake for s in ctx.supplements)
    missing = named_from_catalog(ctx, ctx.params.get("missing", []))
    ctx.add(
        SupplementRequest(
            dossier=dossier,
            unit_id=unit_id,
            at_intake=False,
            requested_at=ctx.now,
            missing=missing,
            reason=ctx.params.get("reason", ""),
            repeated=repeated,
            due_before=dossier.due_at,
        )
    )
    return Outcome(
        {"paused_since": ctx.now, "resume_status": Status.PROCESSING},
        {"missing": missing, "repeated": repeated},
    )


def named_from_catalog(ctx: ActionContext, missing: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The missing papers with the names the catalog gives them (the guard checked the codes), each
    with the note the officer wrote; a paper named twice is asked for once, as first written."""
    first_mentions: dict[str, dict[str, Any]] = {}
    for item in missing:
        first_mentions.setdefault(item["code"], item)
    named = []
    for item in first_mentions.values():
        component = ctx.components[item["code"]]
        named.append(
            {
                "code": component.code,
                "name_vi": component.name_vi,
                "name_en": component.name_en,
                "note": item.get("note", ""),
            }
        )
    return named


def supplement_received(ctx: ActionContext) -> Outcome:
    request = ctx.open_supplement
    assert request is not None  # the table allows this action only while a request is open
    supplied = record_papers(ctx, ctx.params.get("papers") or [])
    carried = carry_on(ctx, supplied)
    changes: dict[str, Any] = {"resume_status": None, "paused_since": None}
    request.completed_at = ctx.now
    if request.at_intake:  # the checklist is complete now (guard): the dossier is received
        ctx.save(request, ["completed_at"])
        changes.update(handlers.receive(ctx).changes)
        return Outcome(changes, {"at_intake": True, "papers": supplied, **carried})
    changes.update(clock.resume_clock(ctx))
    request.due_after = changes.get("due_at", ctx.dossier.due_at)
    ctx.save(request, ["completed_at", "due_after"])
    payload = {"at_intake": False, "paused_from": ctx.dossier.paused_since, "papers": supplied, **carried}
    return Outcome(changes, payload)


def carry_on(ctx: ActionContext, supplied: list[str]) -> dict[str, Any]:
    """A supplement taken at a unit other than the one holding the dossier (any counter of the
    province) is handed over to that unit, as a row of the control slip; originals among the papers
    travel there within a working day."""
    holder = ctx.dossier.current_unit_id
    if ctx.unit_id is None or ctx.unit_id == holder:
        return {}
    moves.record_handover(
        ctx, Handover.Kind.SUPPLEMENT, ctx.dossier.current_step_order, ctx.unit_id, holder, None
    )
    codes = {c.pk: c.code for c in ctx.components.values()}
    originals = [
        codes[p.component_id]
        for p in ctx.papers
        if codes.get(p.component_id) in supplied and p.form == "original"
    ]
    if originals:
        moves.send_papers(ctx, ctx.unit_id, holder)
    return {"taken_at_unit": ctx.unit_id, "carried_to_unit": holder, "originals": originals}


def record_papers(ctx: ActionContext, given: list) -> list[str]:
    """The papers the applicant brought (intake's shape): a component already on file is replaced
    (e.g. the original instead of a copy). Returns the component codes recorded."""
    if not given:
        return []
    papers = [p if isinstance(p, PaperIn) else PaperIn(**p) for p in given]
    problems = paper_problems(papers, ctx.components)
    if problems:
        raise ValidationFailed(
            message_vi="Danh sách giấy tờ bổ sung chưa hợp lệ.",
            message_en="The supplied papers are invalid.",
            problems=problems,
        )
    on_file = {p.component_id: p for p in ctx.papers}
    new: list[DossierPaper] = []
    replaced: list[DossierPaper] = []
    for paper in {p.component: p for p in papers}.values():
        component = ctx.components[paper.component]
        row = on_file.get(component.pk) or DossierPaper(dossier=ctx.dossier, component=component)
        row.form = paper.form or component.form
        row.quantity, row.reused = paper.quantity, paper.reused
        row.digitized = paper.digitized or paper.reused
        (replaced if row.pk else new).append(row)
    if new:
        DossierPaper.objects.bulk_create(new)
        ctx.papers.extend(new)
    if replaced:
        DossierPaper.objects.bulk_update(replaced, ["form", "quantity", "reused", "digitized"])
    return [row.component.code for row in new + replaced]
