"""Reference data cached per process, safely: units, jurisdictions, the catalog (procedures and their
versions, immutable once used) and the calendar overrides.

A generation token kept in its own one-row table (`ReferenceGeneration`, never culled, unlike a cache
entry) names the reference data's current state. Every save or delete of a reference model bumps it with
one UPDATE in the writer's own transaction (so a rolled-back change leaves the old token, other processes
see the new one exactly when they can see the change, and a failed bump fails the write). The token is the
counter with a random part drawn at each bump, so a number seen inside a rolled-back transaction never
names another state later. Each process keeps one memo for the token it last read and drops it when the
token it reads differs. A service call reads the token once (`scope()`, one primary-key SELECT), on its
first use of reference data. Writes that bypass the ORM's signals (`QuerySet.update`, raw SQL) must call
`changed()`; as a backstop a memo lives at most `MAX_AGE_S` seconds. Correctness never depends on the
memo: a miss reads the database."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save

GENERATION_PK = 1
MAX_AGE_S = 600.0
MAX_ENTRIES = 20_000

# (token, created at, memo): replaced as a whole, so threads never see a half-made state.
_state: tuple[str | None, float, dict] = (None, 0.0, {})
_scope: ContextVar[dict | None] = ContextVar("motcua_reference_scope", default=None)


def generation() -> str:
    """The current token: one primary-key SELECT; the row is made again if it went missing (a flush)."""
    from .models import ReferenceGeneration

    try:
        n, token = ReferenceGeneration.objects.values_list("n", "token").get(pk=GENERATION_PK)
    except ReferenceGeneration.DoesNotExist:
        n, token = _create_row()
    return f"{n}-{token}"


def _create_row() -> tuple[int, str]:
    from .models import ReferenceGeneration

    try:
        with transaction.atomic():  # savepoint: another process may create it first
            made = ReferenceGeneration.objects.create(pk=GENERATION_PK, n=1, token=secrets.token_hex(8))
        return made.n, made.token
    except IntegrityError:
        made = ReferenceGeneration.objects.get(pk=GENERATION_PK)
        return made.n, made.token


def memo() -> dict:
    """The process memo valid for the current generation: read once per scope."""
    scoped = _scope.get()
    if scoped is not None and scoped.get("memo") is not None:
        return scoped["memo"]
    values = _memo_for(generation())
    if scoped is not None:
        scoped["memo"] = values
    return values


def _memo_for(token: str) -> dict:
    global _state
    held, born, values = _state
    if held != token or time.monotonic() - born > MAX_AGE_S or len(values) > MAX_ENTRIES:
        values = {}
        _state = (token, time.monotonic(), values)
    return values


def remembered(key: tuple, compute: Callable[[], Any]) -> Any:
    values = memo()
    if key in values:
        return values[key]
    value = values[key] = compute()
    return value


@contextmanager
def scope() -> Iterator[None]:
    """One service call: the generation is read at most once inside."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def changed(**_: Any) -> None:
    """Reference data changed: a new token for every process, in the caller's transaction."""
    from .models import ReferenceGeneration

    global _state
    bumped = ReferenceGeneration.objects.filter(pk=GENERATION_PK).update(
        n=F("n") + 1, token=secrets.token_hex(8)
    )
    if not bumped:
        _create_row()
    _state = (None, 0.0, {})
    scoped = _scope.get()
    if scoped is not None:
        scoped["memo"] = None


def _watched_models() -> list:
    from motcua.catalog.models import Component, Fee, Procedure, ProcedureVersion, ProcessStep
    from motcua.network.models import CalendarOverride, Jurisdiction, Unit

    return [Unit, Jurisdiction, CalendarOverride, Procedure, ProcedureVersion, Component, Fee, ProcessStep]


def connect_signals() -> None:
    """Called from the network app's ready(): every process watches the writes, whatever it imports."""
    for model in _watched_models():
        uid = f"motcua-reference-{model._meta.label_lower}"
        post_save.connect(changed, sender=model, dispatch_uid=uid + "-save")
        post_delete.connect(changed, sender=model, dispatch_uid=uid + "-delete")
