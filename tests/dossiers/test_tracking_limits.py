"""Tracking look-ups: every attempt counts against the client's address, only failed PIN checks against
the dossier code (codes are sequential: successful look-ups by others must not lock the applicant out);
behind a trusted proxy the client is the forwarded address."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua import ratelimit
from motcua.dossiers.services import intake
from tests.factories import at, judicial_request

TRACK = "/api/track"
NOW = 1_800_000_000.0  # the start of a minute window: every request below falls in the same windows


@pytest.fixture
def receipt(world, local_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    wrong = "000000" if result.pin != "000000" else "111111"
    return result.dossier.code, result.pin, wrong


def track(client: Client, code: str, pin: str) -> int:
    return client.post(TRACK, {"code": code, "pin": pin}, content_type="application/json").status_code


def test_successful_lookups_do_not_spend_the_codes_allowance(receipt):
    code, pin, wrong = receipt
    # many readers of the same (guessable) code, each with the right PIN: never locked out
    assert [track(Client(REMOTE_ADDR=f"198.51.100.{n}"), code, pin) for n in range(1, 26)] == [200] * 25
    assert ratelimit.count("track_code", code) == 0 and ratelimit.count("track_code_day", code) == 0
    # failed PIN checks are what the per-code limits count, from any address
    guesses = [track(Client(REMOTE_ADDR=f"203.0.113.{n}"), code, wrong) for n in range(1, 12)]
    assert guesses == [404] * 10 + [429]
    assert ratelimit.count("track_code", code) == 10 and ratelimit.count("track_code_day", code) == 10
    assert track(Client(REMOTE_ADDR="192.0.2.1"), code, pin) == 429  # locked for the rest of the minute
    assert track(Client(REMOTE_ADDR="192.0.2.1"), code[:-1] + "7", pin) == 404  # other codes are not


def test_the_per_ip_limit_counts_every_attempt(receipt):
    code, pin, wrong = receipt
    client = Client(REMOTE_ADDR="198.51.100.1")
    statuses = [track(client, code, pin if n % 2 else wrong) for n in range(11)]
    assert statuses == [404, 200] * 5 + [429]
    assert ratelimit.count("track_code", code) == 5  # the refused attempt never reached the PIN check


def test_the_portal_counts_failures_per_code_like_the_api(receipt):
    code, pin, wrong = receipt
    pages = [Client(REMOTE_ADDR=f"198.51.100.{n}") for n in range(1, 15)]
    assert [c.post("/track/", {"code": code, "pin": pin}).status_code for c in pages] == [200] * 14
    assert Client(REMOTE_ADDR="203.0.113.1").post("/track/", {"code": code, "pin": wrong}).status_code == 404
    assert ratelimit.count("track_code", code) == 1


def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(receipt, settings):
    code, pin, _ = receipt
    settings.MOTCUA = {
        **settings.MOTCUA,
        "TRUSTED_PROXIES": "127.0.0.1",
        "RATE_LIMITS": {"track_ip": (2, 60)},
    }

    def via_proxy(forwarded: str) -> int:
        proxy = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
        return track(proxy, code, pin)

    assert [via_proxy("198.51.100.1") for _ in range(3)] == [200, 200, 429]
    assert via_proxy("198.51.100.2") == 200  # another client behind the same proxy
    assert via_proxy("1.2.3.4, 198.51.100.1") == 429  # a forged left-most entry changes nothing
    direct = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.3")
    assert [track(direct, code, pin) for _ in range(3)] == [200, 200, 429]  # untrusted peer: its own
    assert via_proxy("198.51.100.3") == 200
