"""Tracking look-ups (dossiers/tracking.py): every attempt counts against the client's address, checked
before the body is read; failed ones against the code from that address; failed ones from anywhere
never lock the applicant out: past the code's threshold the right PIN needs a second factor (the last
digits of the applicant's ID number or phone), and a reissued PIN starts clean. Behind a trusted
proxy the client is the forwarded address."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from motcua import ratelimit
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import act, intake
from tests.factories import at, judicial_request

TRACK = "/api/track"
NOW = 1_800_000_000.0  # the start of a minute window: every request below falls in the same windows
ID_DIGITS, PHONE_DIGITS = "1234", "5678"  # judicial_request(): ID 074190001234, phone 0912345678


@pytest.fixture
def receipt(world, local_cache, monkeypatch):
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)
    result = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))
    wrong = "000000" if result.pin != "000000" else "111111"
    return result.dossier.code, result.pin, wrong


def track(client: Client, code: str, pin: str, **extra) -> int:
    return answer(client, code, pin, **extra).status_code


def answer(client: Client, code: str, pin: str, **extra):
    return client.post(TRACK, {"code": code, "pin": pin, **extra}, content_type="application/json")


def one_pin(code: str) -> str:
    """What the per-code counts are kept under: the code and its current PIN's salt."""
    return f"{code}|{Dossier.objects.get(code=code).tracking_secret[:16]}"


def from_address(n: int) -> Client:
    return Client(REMOTE_ADDR=f"10.{n // 65536}.{n // 256 % 256}.{n % 256}")


def test_successful_lookups_do_not_spend_the_codes_allowance(receipt):
    code, pin, _ = receipt
    # many readers of the same (guessable) code, each with the right PIN: never asked for more
    assert [track(Client(REMOTE_ADDR=f"198.51.100.{n}"), code, pin) for n in range(1, 26)] == [200] * 25
    assert ratelimit.count("track_code", one_pin(code)) == 0
    assert track(Client(REMOTE_ADDR="198.51.100.1"), code, "000000" if pin != "000000" else "111111") == 404
    assert ratelimit.count("track_code", one_pin(code)) == 1  # what the threshold counts: failures


def test_a_lockout_attempt_from_many_addresses_does_not_stop_the_applicant(receipt):
    """The probe: wrong PINs from anywhere used to refuse the right PIN for up to 16 hours."""
    code, pin, wrong = receipt
    attackers = [from_address(n) for n in range(200)]
    assert {track(a, code, wrong) for a in attackers} <= {403, 404}
    assert {track(a, code, wrong, second_factor="0000") for a in attackers} == {404}
    applicant = Client(REMOTE_ADDR="203.0.113.50")
    # the right PIN is not refused: the page asks for the second factor instead
    asked = answer(applicant, code, pin)
    assert asked.status_code == 403 and asked.json()["code"] == "second_factor_required"
    assert [p["field"] for p in asked.json()["problems"]] == ["second_factor"]
    assert "CCCD" in asked.json()["message_vi"]
    assert track(applicant, code, pin, second_factor=ID_DIGITS) == 200
    assert track(applicant, code, pin, second_factor=f" {PHONE_DIGITS} ") == 200
    # the second factor alone, or with a wrong PIN, is no way in
    assert track(applicant, code, wrong, second_factor=ID_DIGITS) == 404
    assert track(applicant, code, pin, second_factor="9999") == 404
    # a wrong PIN and an unknown code still answer alike (the unknown one asks for the factor too)
    unknown = code[:-4] + "9999"
    for attacker in attackers[:12]:
        track(attacker, unknown, wrong)
    assert answer(applicant, unknown, pin).json()["code"] == "second_factor_required"


def test_failures_of_one_code_from_one_address_are_limited(receipt):
    code, pin, wrong = receipt
    guesser = Client(REMOTE_ADDR="203.0.113.7")
    assert [track(guesser, code, wrong) for _ in range(6)] == [404] * 5 + [429]
    refused = answer(guesser, code, pin)  # that address waits for that code, even with the PIN
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "1 giờ" in refused.json()["message_vi"] and "giây" not in refused.json()["message_vi"]
    assert "in 1 hour" in refused.json()["message_en"]  # the wait in words, not in seconds
    assert track(Client(REMOTE_ADDR="203.0.113.8"), code, pin) == 200  # the applicant elsewhere
    assert track(guesser, code[:-4] + "9999", wrong) == 404  # other codes are not held


def test_the_per_address_limit_counts_every_attempt_first(receipt):
    code, pin, _ = receipt
    client = Client(REMOTE_ADDR="198.51.100.1")
    assert [track(client, code, pin) for _ in range(11)] == [200] * 10 + [429]
    # unreadable or oversized bodies count too: the limit is checked before the body is read
    other = Client(REMOTE_ADDR="198.51.100.2")
    huge = {"code": code, "pin": pin, "padding": "x" * 5000}
    statuses = [other.post(TRACK, huge, content_type="application/json").status_code for _ in range(10)]
    assert statuses == [413] * 10
    assert other.post(TRACK, "{", content_type="application/json").status_code == 429
    assert ratelimit.count("track_ip", "198.51.100.2") == 11


def test_an_oversized_body_is_refused_before_it_is_read(receipt):
    code, pin, _ = receipt
    body = json.dumps({"code": code, "pin": pin, "x": "y" * 2000})
    response = Client(REMOTE_ADDR="198.51.100.3").post(TRACK, body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert [p["field"] for p in response.json()["problems"]] == ["body"]
    small = Client(REMOTE_ADDR="198.51.100.3").post(
        TRACK, {"code": code, "pin": "12"}, content_type="application/json"
    )
    assert small.status_code == 422 and [p["field"] for p in small.json()["problems"]] == ["body.pin"]


def test_a_reissued_pin_starts_clean(receipt, world):
    code, pin, wrong = receipt
    for n in range(10):
        track(from_address(n), code, wrong)
    assert track(Client(REMOTE_ADDR="203.0.113.50"), code, pin) == 403  # past the threshold
    new_pin = act(actor=world["counter_dt"], code=code, action="reissue_pin", now=at(2026, 3, 3, 9)).new_pin
    applicant = Client(REMOTE_ADDR="203.0.113.50")
    assert track(applicant, code, pin) == 404  # the old PIN stopped working
    assert track(applicant, code, new_pin) == 200  # and the new one needs nothing more


def test_the_portal_asks_for_the_second_factor_like_the_api(receipt):
    code, pin, wrong = receipt
    for n in range(10):
        assert from_address(n).post("/track/", {"code": code, "pin": wrong}).status_code == 404
    applicant = Client(REMOTE_ADDR="203.0.113.50")
    asked = applicant.post("/track/", {"code": code, "pin": pin})
    page = asked.content.decode()
    assert asked.status_code == 403 and 'name="second_factor"' in page and "CCCD" in page
    assert "4 chữ số cuối của số CCCD/CMND hoặc số điện thoại" in page  # the field's label
    assert f'value="{code}"' in page  # the code stays filled in
    found = applicant.post("/track/", {"code": code, "pin": pin, "second_factor": ID_DIGITS})
    assert found.status_code == 200 and 'id="track-status"' in found.content.decode()
    guessed = applicant.post("/track/", {"code": code, "pin": pin, "second_factor": "9999"})
    assert guessed.status_code == 404


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
