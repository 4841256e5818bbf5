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


# --- one policy for every log-in (the admin's too), keyed on the user name as Django reads it ---------


def admin_log_in(client: Client, password: str, username: str = "root"):
    return client.post("/admin/login/?next=/admin/", {"username": username, "password": password})


def test_sixty_wrong_admin_passwords_then_the_right_one_is_refused(db, monkeypatch):
    """The probe: 60 wrong superuser passwords all got 200 and then the right one got in."""
    from django.contrib.auth import get_user_model

    monkeypatch.setattr(ratelimit, "_now", lambda: NOW)
    get_user_model().objects.create_superuser("root", "root@example.org", "right-password-2026")
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    answers = [admin_log_in(attacker, f"guess-{n}") for n in range(60)]
    assert [a.status_code for a in answers] == [200] * 5 + [429] * 55  # the admin's own form page
    assert "Quá nhiều yêu cầu" in answers[-1].content.decode() and int(answers[-1]["Retry-After"]) > 0
    assert ratelimit.count("login_user_ip", "root|203.0.113.66") == 5  # refused ones are not checked
    refused = admin_log_in(attacker, "right-password-2026")
    assert refused.status_code == 429 and "Quá nhiều yêu cầu" in refused.content.decode()
    assert "_auth_user_id" not in attacker.session
    assert attacker.get("/admin/").status_code == 302  # still sent to the log-in page
    # the staff log-in page shares the same allowance: the same name from that address waits there too
    staff_page = attacker.post("/accounts/login/", {"username": "root", "password": "right-password-2026"})
    assert staff_page.status_code == 429
    # the administrator at their own desk is not locked out
    desk = Client(REMOTE_ADDR="10.1.1.1")
    assert admin_log_in(desk, "right-password-2026").status_code == 302
    assert desk.get("/admin/").status_code == 200


@pytest.mark.parametrize("variant", [" counter_dt", "counter_dt  ", "\tCOUNTER_DT ", "ｃｏｕｎｔｅｒ_ｄｔ"])
def test_a_padded_or_recased_user_name_counts_against_the_same_key(world, limits, variant):
    for _ in range(3):
        assert log_in("wrong", username=variant).status_code == 200
    assert ratelimit.count("login_user_ip", "counter_dt|10.0.0.1", now=NOW) == 3
    refused = log_in("x-test-password")  # the plain name from that address now waits too
    assert refused.status_code == 429
    assert "phút" in refused.content.decode()  # the wait in words, not in seconds
    assert "giây" not in refused.content.decode()


def test_the_wait_is_said_in_words():
    assert ratelimit.wait_in_words(1) == ("1 phút", "1 minute")
    assert ratelimit.wait_in_words(61) == ("2 phút", "2 minutes")
    assert ratelimit.wait_in_words(3600) == ("1 giờ", "1 hour")
    assert ratelimit.wait_in_words(3 * 3600 + 20 * 60 - 5) == ("3 giờ 20 phút", "3 hours 20 minutes")
