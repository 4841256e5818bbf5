"""Index 766's digitization group, measured from the electronic documents: registered with the
scoreboard (oversight.selectors.register_measure) when the app is ready. Each measure is over the
dossiers received in the scope and period; while no document has ever been stored, the group stays
"not measured here"."""

from __future__ import annotations

from collections.abc import Callable

from .models import Document
from .selectors import DigitizationCounts, digitization_counts

# scoreboard source -> (numerator, denominator) of the counts
SOURCES: dict[str, Callable[[DigitizationCounts], tuple[int, int]]] = {
    "electronic_results": lambda c: (c.electronic_results, c.dossiers),
    "digitized_dossiers": lambda c: (c.digitized_dossiers, c.dossiers),
    "certified_copies": lambda c: (c.digitized, c.papers),
    "reused_data": lambda c: (c.reused, c.papers),
}


def measures(scope, period) -> dict | None:
    """Every source's Measure from one count of the period's dossiers (None: no document stored yet)."""
    from motcua.oversight import scoring
    from motcua.oversight.selectors import dossier_list

    if not Document.objects.exists():
        return None
    counts = digitization_counts(dossier_list(scope, period, "received"))
    return {source: scoring.Measure(*parts(counts)) for source, parts in SOURCES.items()}


def register() -> None:
    from motcua.oversight.selectors import register_measures

    register_measures(tuple(SOURCES), measures)
