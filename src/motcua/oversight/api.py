"""The monitoring API (/api/monitoring/...): the same figures as the dashboard, declared in OpenAPI.
Thin: parse the scope and the period, call the selectors."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from motcua.auth import staff_auth
from motcua.dossiers.permissions import Actor
from motcua.error_schemas import errors
from motcua.network import reference

from . import selectors, tallies
from .scope import Period, Scope, parse_period, parse_scope

router = Router(tags=["monitoring"], auth=staff_auth)
ERRORS = errors(400, 401, 403, 404)


class Filters(Schema):
    period: str = ""  # YYYY, YYYY-Qn or YYYY-MM (default: the current month)
    from_: str = Field("", alias="from")  # YYYY-MM-DD, with `to`
    to: str = ""
    unit: str = ""  # agency code: the unit and its subordinate units
    sector: str = ""
    procedure: str = ""

    model_config = {"populate_by_name": True}


class ComponentOut(Schema):
    key: str
    group: str
    label_vi: str
    label_en: str
    measured: bool
    numerator: float | None
    denominator: float | None
    ratio_percent: float | None
    threshold_percent: float | None
    points: float | None
    max_points: float
    not_applicable: bool
    legal_source: str
    dossiers_numerator: str | None = None
    dossiers_denominator: str | None = None


class GroupOut(Schema):
    key: str
    label_vi: str
    label_en: str
    points: float
    measured_max: float
    max_points: float


class ScoreboardOut(Schema):
    scope_vi: str
    scope_en: str
    first_day: str
    last_day: str
    total: float
    measured_max: float
    max_points: float
    score: float | None
    band_key: str | None
    band_vi: str | None
    band_en: str | None
    band_to_verify: bool  # the band's bounds are placeholders not yet checked against the legal text
    groups: list[GroupOut]
    components: list[ComponentOut]
    figures: dict[str, int]


class ColumnOut(Schema):
    key: str
    label_vi: str
    label_en: str
    kind: str


class TableOut(Schema):
    key: str
    title_vi: str
    title_en: str
    columns: list[ColumnOut]
    rows: list[dict[str, Any]]


def _parse(request: HttpRequest, filters: Filters) -> tuple[Scope, Period]:
    actor = Actor.staff(request.auth)  # type: ignore[attr-defined]
    scope = parse_scope(actor, filters.unit, filters.sector, filters.procedure)
    period = parse_period(filters.period, filters.from_, filters.to)
    tallies.catch_up()
    return scope, period


def _float(value) -> float | None:
    return None if value is None else float(value)


@router.get("/scoreboard", response={200: ScoreboardOut, **ERRORS}, summary="Index 766 scoreboard")
def scoreboard(request: HttpRequest, filters: Query[Filters]):
    """The Index 766 scoreboard of a scope (province, unit with its subordinates, sector, procedure)
    over a period: each component's numerator, denominator, threshold and points, or "not measured
    here"; the total of the measured components, its scale to 100 and the grade band."""
    scope, period = _parse(request, filters)
    result = selectors.scoreboard(scope, period)  # in a reference scope of its own
    board = result.board
    base = "/api/monitoring/dossiers/"
    components = []
    for part in board.components:
        lists = selectors.COMPONENT_LISTS.get(part.rule.key) if part.measured else None
        components.append(
            ComponentOut(
                key=part.rule.key,
                group=part.rule.group,
                label_vi=part.rule.label_vi,
                label_en=part.rule.label_en,
                measured=part.measured,
                numerator=_float(part.numerator),
                denominator=_float(part.denominator),
                ratio_percent=_float(
                    part.value
                    if part.value is not None
                    else (part.ratio * 100 if part.ratio is not None else None)
                ),
                threshold_percent=_float(
                    part.rule.threshold * 100 if part.rule.threshold is not None else None
                ),
                points=_float(part.points),
                max_points=float(part.rule.max_points),
                not_applicable=part.not_applicable,
                legal_source=part.rule.legal_source,
                dossiers_numerator=base + lists[0] if lists else None,
                dossiers_denominator=base + lists[1] if lists else None,
            )
        )
    return ScoreboardOut(
        scope_vi=scope.label_vi,
        scope_en=scope.label_en,
        first_day=period.first.isoformat(),
        last_day=period.last.isoformat(),
        total=float(board.total),
        measured_max=float(board.measured_max),
        max_points=float(board.max_points),
        score=_float(board.score),
        band_key=board.band.key if board.band else None,
        band_vi=board.band.label_vi if board.band else None,
        band_en=board.band.label_en if board.band else None,
        band_to_verify=bool(board.band and board.band.verify),
        groups=[
            GroupOut(
                key=g.rule.key,
                label_vi=g.rule.label_vi,
                label_en=g.rule.label_en,
                points=float(g.points),
                measured_max=float(g.measured_max),
                max_points=float(g.max_points),
            )
            for g in board.groups
        ],  # fmt: skip
        components=components,
        figures={k: int(v) for k, v in result.figures.items()},
    )


@router.get("/tables/{key}", response={200: TableOut, **ERRORS}, summary="A table of the dashboard")
def table(request: HttpRequest, key: str, filters: Query[Filters]):
    """One of the dashboard's tables: units, procedures, sectors (drill-down); late, unit_ranking,
    person_ranking, repeated_supplements, due_soon (accountability); adoption_units,
    adoption_procedures, adoption_sectors, adoption_months, flows, channels, hours, volumes
    (boundary-free adoption); report_units, report_sectors (the periodic report); scoreboard."""
    scope, period = _parse(request, filters)
    with reference.scope():
        return selectors.build_table(key[:60], scope, period).as_dict()


@router.get("/dossiers/{name}", response={200: TableOut, **ERRORS}, summary="The dossiers behind a figure")
def dossiers(request: HttpRequest, name: str, filters: Query[Filters]):
    """The dossiers behind a number (received, online, finished, on_time, late, due, pending,
    fee_bearing, paid_online, repeated_supplement, due_soon, outside), at most 500."""
    scope, period = _parse(request, filters)
    with reference.scope():
        return selectors.build_table(f"dossiers_{name[:40]}", scope, period).as_dict()
