"""Failed staff log-ins are rate-limited per address, and per user name from one address: guessing
is slowed, and nobody can lock a colleague out by failing on their name from another machine."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua import ratelimit

NOW = 1_800_000_000.0  # a fixed moment at the start of a window


@pytest.fixture
def limits(settings, monkeypatch):
    settings.MOTCUA = {**settings.MOTCUA, "RATE_LIMITS": {"login_user_ip": (3, 300), "login_ip": (5, 300)}}
    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)


def log_in(password: str, address: str = "10.0.0.1", username: str = "counter_dt"):
    client = Client(REMOTE_ADDR=address)
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_failed_log_ins_of_one_name_from_one_address_are_limited(world, limits):
    for _ in range(3):
        assert log_in("wrong").status_code == 200
    refused = log_in("x-test-password")  # even the right password waits for the window to end
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in refused.content.decode()
    assert log_in("x-test-password", address="10.0.0.2").status_code == 302  # not locked out elsewhere


def test_one_address_failing_on_many_names_is_limited(world, limits):
    for name in ("a", "b", "c", "d", "e"):
        assert log_in("wrong", username=name).status_code == 200
    assert log_in("wrong", username="f").status_code == 429
    assert log_in("x-test-password", address="10.0.0.2").status_code == 302


def test_successful_log_ins_are_not_counted(world, limits):
    for _ in range(6):
        assert log_in("x-test-password").status_code == 302
    assert ratelimit.count("login_ip", "10.0.0.1", now=NOW) == 0
