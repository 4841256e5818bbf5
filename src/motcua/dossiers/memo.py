"""Reference data as the dossier services read it: through the process-wide reference memo
(network/reference.py, renewed with the reference data's generation), or, during a bulk load holding
the write lock (the demo history), through the load's own memo that skips even the generation check.
Units, jurisdictions, procedures, the catalog versions in force (immutable once used) and the work
calendar go through here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from motcua.network import reference
from motcua.network.clock import work_calendar

_bulk_memo: ContextVar[dict | None] = ContextVar("motcua_reference_memo", default=None)


@contextmanager
def reference_data_memo() -> Iterator[None]:
    """Read reference data once for the rest of the block (bulk loads only: nothing may change it)."""
    token = _bulk_memo.set({})
    try:
        yield
    finally:
        _bulk_memo.reset(token)


def remembered(key: tuple, compute: Callable[[], Any]) -> Any:
    memo = _bulk_memo.get()
    if memo is None:
        return reference.remembered(key, compute)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def calendar():
    if _bulk_memo.get() is None:
        return work_calendar()  # the reference memo, keyed by the calendar's settings too
    return remembered(("calendar",), work_calendar)
