"""Reads: the published answers, a unit's feedback inbox, and the satisfaction counts the Index 766
scoreboard reads (satisfaction group: feedback handled on time, satisfaction with feedback handling,
satisfaction with dossier handling)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Q, QuerySet

from motcua.dossiers.models import Rating
from motcua.dossiers.permissions import Actor
from motcua.dossiers.satisfaction import dislike_at_most

from .models import Feedback


def published() -> QuerySet[Feedback]:
    """Answered feedback, newest answer first (shown without the person's identity)."""
    return Feedback.objects.filter(answered_at__isnull=False).select_related("unit").order_by("-answered_at")


def inbox(actor: Actor) -> QuerySet[Feedback]:
    """The feedback routed to the actor's units (all for a center manager), unanswered first, soonest
    due first."""
    queryset = Feedback.objects.select_related("unit", "dossier")
    if not actor.manager:
        queryset = queryset.filter(unit_id__in=actor.unit_ids)
    return queryset.order_by("answered_at", "due_at")


@dataclass(frozen=True)
class SatisfactionCounts:
    """Counts over a period [start, end) for some units (None: the whole province)."""

    ratings: int = 0
    by_score: dict[int, int] = field(default_factory=dict)
    dislikes: int = 0  # ratings at or below satisfaction.dislike_at_most()
    feedback: int = 0  # received in the period
    complaints: int = 0
    feedback_due: int = 0  # due in the period: answered in it, or unanswered and past due at its end
    feedback_on_time: int = 0  # of those due, answered by the due time


def satisfaction_counts(
    start: datetime, end: datetime, unit_ids: Iterable[int] | None = None
) -> SatisfactionCounts:
    """Ratings are counted for the dossier's competent agency, at the time they were given; feedback
    for the unit it was routed to. Four queries whatever the volume."""
    ratings = Rating.objects.filter(at__gte=start, at__lt=end)
    feedback = Feedback.objects.all()
    if unit_ids is not None:
        ids = list(unit_ids)
        ratings = ratings.filter(dossier__competent_unit_id__in=ids)
        feedback = feedback.filter(unit_id__in=ids)
    by_score = dict(ratings.values_list("score").annotate(n=Count("id")).order_by())
    received = feedback.filter(received_at__gte=start, received_at__lt=end).aggregate(
        total=Count("id"), complaints=Count("id", filter=Q(kind=Feedback.Kind.COMPLAINT))
    )
    due = feedback.filter(
        Q(answered_at__gte=start, answered_at__lt=end) | Q(answered_at__isnull=True, due_at__lt=end)
    ).aggregate(total=Count("id"), on_time=Count("id", filter=Q(answered_on_time=True)))
    return SatisfactionCounts(
        ratings=sum(by_score.values()),
        by_score=by_score,
        dislikes=sum(n for score, n in by_score.items() if score <= dislike_at_most()),
        feedback=received["total"],
        complaints=received["complaints"],
        feedback_due=due["total"],
        feedback_on_time=due["on_time"],
    )
