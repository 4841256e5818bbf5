"""Reads of the outbox: the backlog managers watch."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min

from .models import Message


@dataclass(frozen=True)
class Backlog:
    counts: dict[tuple[str, str], int]  # (state, channel) -> messages
    oldest_pending: datetime | None
    failed: list[Message]  # the latest given-up messages, with their error

    def count(self, state: str) -> int:
        return sum(n for (s, _), n in self.counts.items() if s == state)


def backlog(failed_limit: int = 50) -> Backlog:
    rows = Message.objects.values("state", "channel").annotate(n=Count("id")).order_by()
    oldest = Message.objects.filter(state=Message.State.PENDING).aggregate(m=Min("created_at"))["m"]
    failed = list(
        Message.objects.filter(state=Message.State.FAILED)
        .select_related("dossier")
        .order_by("-id")[:failed_limit]
    )
    return Backlog({(r["state"], r["channel"]): r["n"] for r in rows}, oldest, failed)
