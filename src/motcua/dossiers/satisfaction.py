"""The rating scale of the dossier handling: the national portal's, as configuration (verify the
official scale): MOTCUA["RATING_SCALE"] lists (score, label in Vietnamese, label in English), best
first; scores at or below MOTCUA["RATING_DISLIKE_AT_MOST"] count as dislikes for Index 766's
satisfaction ratio (100% - (% late + % complaints or dislikes))."""

from __future__ import annotations

from django.conf import settings

DEFAULT_SCALE = (
    (3, "Rất hài lòng", "Very satisfied"),
    (2, "Hài lòng", "Satisfied"),
    (1, "Không hài lòng", "Dissatisfied"),
)


def rating_scale() -> tuple[tuple[int, str, str], ...]:
    configured = getattr(settings, "MOTCUA", {}).get("RATING_SCALE")
    return tuple(tuple(row) for row in configured) if configured else DEFAULT_SCALE  # type: ignore[misc]


def dislike_at_most() -> int:
    return int(getattr(settings, "MOTCUA", {}).get("RATING_DISLIKE_AT_MOST", 1))


def label_of(score: int) -> tuple[str, str]:
    return next(((vi, en) for s, vi, en in rating_scale() if s == score), (str(score), str(score)))


def satisfied(score: int) -> bool:
    """A rating above the dislikes: what Index 766's satisfaction group counts as satisfied."""
    return score > dislike_at_most()
