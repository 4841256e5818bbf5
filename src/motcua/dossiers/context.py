"""What an action works on: the dossier, the moment, the parameters, who acts, and the dossier's related
rows, each read at most once per action. Guards read it; handlers change it and write through it, so
that one handler serves a dossier being received (not saved yet: its rows are inserted at the end) and
a saved one (each change is saved at once)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeAlias

from django.db.models import Model

from motcua.catalog.models import Component, ProcedureVersion
from motcua.catalog.selectors import published_version

from . import memo
from .models import (
    Apology,
    Dossier,
    DossierPaper,
    DossierStep,
    Handover,
    PaperMovement,
    Rating,
    Shipment,
    SupplementRequest,
)

if TYPE_CHECKING:
    from motcua.payments.models import FeeReceipt

    from .permissions import Actor

NOT_CREATED = 0  # the "status" of a dossier that does not exist yet (intake, online submission)

Reason = tuple[str, str] | None  # why an action may not go ahead (vi, en), or None
# a row an action adds to the dossier
AddedRow: TypeAlias = (
    "Handover | PaperMovement | SupplementRequest | Apology | FeeReceipt | Rating | Shipment"
)


@dataclass
class Outcome:
    """What a handler did: the dossier's fields it changes (recorded in the event) and the event's
    payload (what the officer gave, what was decided)."""

    changes: dict[str, Any] = field(default_factory=dict)
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class NewRows:
    """The rows of a dossier being received, inserted after the dossier's own row."""

    papers: list[DossierPaper]
    steps: list[DossierStep]
    others: list[AddedRow] = field(default_factory=list)  # supplement request, paper movement


@dataclass
class ActionContext:
    dossier: Dossier
    now: datetime
    actor: Actor
    params: dict[str, Any] = field(default_factory=dict)
    from_status: int = NOT_CREATED
    unit_id: int | None = None  # the unit the actor acts for (set once authorized)
    new_rows: NewRows | None = None  # set for a dossier being received
    found: dict[str, Any] = field(default_factory=dict)  # what a guard looked up, for the handler
    # files already validated and stored by the documents app's services, for its actions' handlers
    # (never from an action's parameters: a caller of the generic action endpoint cannot name one)
    attachments: list[Any] = field(default_factory=list)

    @property
    def receiving(self) -> bool:
        """Whether the dossier is being received now (its rows are not saved yet)."""
        return self.new_rows is not None

    @cached_property
    def steps(self) -> list[DossierStep]:
        if self.new_rows is not None:
            return self.new_rows.steps
        return list(self.dossier.steps.all())

    @cached_property
    def papers(self) -> list[DossierPaper]:
        if self.new_rows is not None:
            return self.new_rows.papers
        return list(self.dossier.papers.all())

    @cached_property
    def supplements(self) -> list[SupplementRequest]:
        """In request order."""
        if self.new_rows is not None:
            return []
        return list(self.dossier.supplements.order_by("requested_at", "id"))

    @cached_property
    def movements(self) -> list[PaperMovement]:
        """The paper originals' movements, oldest first."""
        if self.new_rows is not None:
            return [row for row in self.new_rows.others if isinstance(row, PaperMovement)]
        return list(self.dossier.paper_movements.order_by("created_at", "id"))

    @cached_property
    def shipments(self) -> list[Shipment]:
        """The postal service's shipments of the dossier, oldest first."""
        if self.new_rows is not None:
            return [row for row in self.new_rows.others if isinstance(row, Shipment)]
        return list(self.dossier.shipments.order_by("handed_at", "id"))

    @cached_property
    def version(self) -> ProcedureVersion:
        version_id = self.dossier.procedure_version_id
        return memo.remembered(("published_version", version_id), lambda: published_version(version_id))

    @cached_property
    def components(self) -> dict[str, Component]:
        """The checklist of the dossier's procedure version, by code, in the catalog's order."""
        return {c.code: c for c in self.version.components.all()}

    @property
    def current_step(self) -> DossierStep | None:
        return next((s for s in self.steps if s.order == self.dossier.current_step_order), None)

    @property
    def return_step(self) -> DossierStep | None:
        return next((s for s in self.steps if s.is_return), None)

    @property
    def open_supplement(self) -> SupplementRequest | None:
        return open_supplement(self.supplements)

    def save(self, row: Model, fields: list[str]) -> None:
        """Write a changed row of the dossier (a row of a dossier being received is inserted later)."""
        if row.pk is not None:
            row.save(update_fields=fields)

    def add(self, row: AddedRow) -> None:
        """A new row of the dossier."""
        if self.new_rows is not None:
            self.new_rows.others.append(row)
        else:
            row.save(force_insert=True)
        if isinstance(row, PaperMovement):
            self.__dict__.pop("movements", None)  # read again when next asked
        if isinstance(row, Shipment):
            self.__dict__.pop("shipments", None)


def open_supplement(supplements: list[SupplementRequest]) -> SupplementRequest | None:
    """The supplement request not answered yet: the last one (the table allows one at a time)."""
    return next((s for s in reversed(supplements) if s.completed_at is None), None)
