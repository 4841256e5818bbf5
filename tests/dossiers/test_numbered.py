"""A new dossier's number, code, event hash and receipt PIN, whichever way it is written: on PostgreSQL
the database numbers it and hashes its first event in one statement (dossiers/numbered.py), elsewhere
Python does. Both must give what Python's own rules give."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import connection

from motcua.dossiers import numbered, services
from motcua.dossiers.codes import format_code
from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.models import CodeCounter, Dossier
from motcua.dossiers.services import _keyed_hash, intake, pin_matches
from tests.factories import POINT_DAU_TIENG, at, judicial_request

AWKWARD_REASON = 'Thiếu "bản gốc" \\ giấy khai sinh; 😀 <b>&</b> \u2028 tab\tend'


def test_the_one_statement_write_is_used_on_postgresql_only():
    assert numbered.available(POINT_DAU_TIENG) == (connection.vendor == "postgresql")
    assert not numbered.available("000.00.01.H57'; DROP TABLE x; --")


def test_the_first_events_hash_verifies_in_python_even_with_awkward_text(world):
    """The hash made from the event's text with the code set in it equals Python's hash of the same
    event: quotes, backslashes, emoji and line separators in the payload included."""
    for decision, reason in (("receive", ""), ("refuse", AWKWARD_REASON), ("supplement", AWKWARD_REASON)):
        result = intake(
            actor=world["counter_dt"],
            request=judicial_request(decision=decision, reason=reason),
            now=at(2026, 3, 2, 9, 0),
        )
        stored = Dossier.objects.get(pk=result.dossier.pk)
        event = stored.events.get()
        assert verify_chain(stored) == [], decision
        assert event.hash == stored.last_event_hash == result.dossier.last_event_hash != ""
        assert rebuilt_matches(stored)[0]
        assert stored.code == result.dossier.code and stored.log_book_number == result.dossier.log_book_number


def test_codes_keep_four_digits_and_grow_past_9999(world):
    day = at(2026, 3, 2).date()
    first = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    assert first.code == format_code(POINT_DAU_TIENG, day, 1) == f"{POINT_DAU_TIENG}-260302-0001"
    CodeCounter.objects.filter(agency_code=POINT_DAU_TIENG, day=day).update(last=9999)
    later = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 5)).dossier
    assert later.code == format_code(POINT_DAU_TIENG, day, 10000) == f"{POINT_DAU_TIENG}-260302-10000"
    assert later.log_book_number == 10000
    assert verify_chain(Dossier.objects.get(pk=later.pk)) == []


def test_the_receipt_pin_matches_and_nothing_else_does(world):
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0))
    dossier = Dossier.objects.get(pk=result.dossier.pk)
    assert len(dossier.tracking_secret) == 64 and dossier.tracking_secret.startswith("v")
    assert pin_matches(dossier, result.pin) and pin_matches(dossier, f" {result.pin} ")
    wrong = f"{(int(result.pin) + 1) % 10**6:06d}"
    assert not pin_matches(dossier, wrong) and not pin_matches(dossier, "")


def test_a_pin_kept_before_salts_still_matches(world):
    """Secrets kept by earlier versions (the keyed hash of code and PIN) stay valid."""
    dossier = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)).dossier
    dossier.tracking_secret = _keyed_hash(f"{dossier.code}:123456")
    assert pin_matches(dossier, "123456") and not pin_matches(dossier, "123457")


def _values(row, *, without_id: bool) -> dict:
    fields = type(row)._meta.concrete_fields
    return {f.attname: getattr(row, f.attname) for f in fields if not (without_id and f.primary_key)}


def _stored_as_written(instance) -> bool:
    """Whether a stored row holds exactly the instance's values (a row whose id was not read back
    is looked for among its dossier's rows of the same kind)."""
    model = type(instance)
    if instance.pk is not None:
        return _values(model.objects.get(pk=instance.pk), without_id=False) == _values(
            instance, without_id=False
        )
    wanted = _values(instance, without_id=True)
    return any(
        _values(row, without_id=True) == wanted for row in model.objects.filter(dossier=instance.dossier_id)
    )


def _recording_writes(monkeypatch) -> list:
    """The rows each intake writes, as the instances handed to the write (either way of writing)."""
    written: list = []
    one_statement, elsewhere = numbered.write, services._insert_intake

    def write(dossier, *, groups, event, **rest):
        written.append([row for group in groups for row in group] + [event])
        one_statement(dossier, groups=groups, event=event, **rest)

    def insert(dossier, papers, steps, follow_up, event):
        written.append([*papers, *steps, *follow_up, event])
        elsewhere(dossier, papers, steps, follow_up, event)

    monkeypatch.setattr(numbered, "write", write)
    monkeypatch.setattr(services, "_insert_intake", insert)
    return written


def test_every_written_value_is_stored_as_it_was_given(world, monkeypatch):
    """The rows of an intake (dossier, papers, steps, paper movement, supplement request, event) hold
    exactly the values their instances had: moments to the microsecond, text with quotes, backslashes,
    emoji and line separators, choices, booleans, ids, NULLs and JSON."""
    written = _recording_writes(monkeypatch)
    applicant = dataclasses.replace(judicial_request().applicant, name=AWKWARD_REASON)
    kinds = set()
    for decision in ("receive", "supplement", "refuse"):
        result = intake(
            actor=world["counter_dt"],
            request=judicial_request(decision=decision, reason=AWKWARD_REASON, applicant=applicant),
            now=at(2026, 3, 2, 9, 0, 0, 123457),
        )
        assert _stored_as_written(result.dossier), decision
        for row in written.pop():
            kinds.add(type(row).__name__)
            assert _stored_as_written(row), (decision, type(row).__name__)
    assert {"DossierPaper", "DossierStep", "PaperMovement", "SupplementRequest", "DossierEvent"} <= kinds


def test_the_one_statement_stays_short_enough_for_psycopg_to_keep_it_parsed(world):
    """psycopg keeps the parsed form of statements of up to 4096 bytes and 50 parameters
    (psycopg/_queries.py); a longer one is parsed again at every intake."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement write is PostgreSQL's")
    for decision in ("receive", "supplement", "refuse"):
        intake(actor=world["counter_dt"], request=judicial_request(decision=decision, reason="x"))
    assert len(numbered._STATEMENTS) >= 3
    for statement in numbered._STATEMENTS.values():
        assert len(statement.encode()) <= 4096 and statement.count("%s") <= 50
