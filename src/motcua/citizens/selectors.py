"""Reads for a logged-in person or business: their dossiers, whatever the channel (matched by the ID
number the identity provider vouched for), each with its status, due time and a history told in the
applicant's words. Another's dossier is answered as unknown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils import timezone

from motcua.desk import text
from motcua.dossiers import clock
from motcua.dossiers.context import open_supplement
from motcua.dossiers.lifecycle import ACTIONS, Action
from motcua.dossiers.models import CLOSED_STATUSES, Dossier, DossierEvent, Rating, Status
from motcua.dossiers.permissions import of_applicant
from motcua.dossiers.satisfaction import label_of, rating_scale
from motcua.errors import NotFound
from motcua.worktime.deadlines import ClockStatus

from .history import told
from .models import Citizen

PAGE_SIZE = 25


def dossiers_of(citizen: Citizen) -> QuerySet[Dossier]:
    return Dossier.objects.filter(of_applicant(citizen.id_number))


@dataclass(frozen=True)
class MyDossier:
    dossier: Dossier
    clock: ClockStatus

    @property
    def closed(self) -> bool:
        return self.dossier.status in CLOSED_STATUSES


def my_dossiers(citizen: Citizen, *, page: int | str | None = 1, now: datetime | None = None) -> Page:
    """The citizen's dossiers, newest first, a page at a time, each with its clock read at one moment."""
    queryset = dossiers_of(citizen).select_related("procedure", "current_unit", "return_unit").order_by("-id")
    result = Paginator(queryset, PAGE_SIZE).get_page(page)
    now, calendar = now or timezone.now(), clock.calendar()
    result.object_list = [MyDossier(d, clock.clock_status(d, now, calendar)) for d in result.object_list]
    return result


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    text: str


@dataclass(frozen=True)
class MyDossierRead:
    dossier: Dossier
    clock: ClockStatus
    history: list[HistoryLine]
    missing: list[dict[str, str]]  # what the open supplement request asks for

    @property
    def may_withdraw(self) -> bool:
        record = ACTIONS[Action.WITHDRAW]
        return record.transition_from(self.dossier.status) is not None

    @property
    def closed(self) -> bool:
        return self.dossier.status in CLOSED_STATUSES

    @cached_property  # the page asks twice (shown, or may rate?)
    def rating(self) -> tuple[int, str] | None:
        """(score, label) of the applicant's rating, if any."""
        rating = Rating.objects.filter(dossier=self.dossier).first()
        return (rating.score, text.pick(*label_of(rating.score))) if rating else None

    @property
    def may_rate(self) -> bool:
        return self.dossier.status == Status.RETURNED and self.rating is None

    @property
    def amount_due(self) -> int | None:
        from motcua.payments.selectors import amount_due

        return amount_due(self.dossier)

    @property
    def scale(self) -> list[tuple[int, str]]:
        return [(score, text.pick(vi, en)) for score, vi, en in rating_scale()]


def my_dossier(citizen: Citizen, code: str, now: datetime | None = None) -> MyDossierRead:
    dossier = (
        dossiers_of(citizen)
        .select_related("procedure", "current_unit", "return_unit", "receiving_unit")
        .filter(code=code)
        .first()
    )
    if dossier is None:  # unknown, or another's: the same answer
        raise NotFound(f"hồ sơ {code}", f"dossier {code}")
    events = list(DossierEvent.objects.filter(dossier=dossier).select_related("unit").order_by("seq"))
    history = [HistoryLine(e.at, line) for e in events if (line := told(e))]
    missing: list[dict[str, str]] = []
    if dossier.status == Status.SUPPLEMENT:
        request = open_supplement(list(dossier.supplements.order_by("requested_at", "id")))
        missing = list(request.missing) if request else []
    return MyDossierRead(dossier, clock.clock_status(dossier, now or timezone.now()), history, missing)
