"""Rate limits in their own table: exact counts per window (also under concurrency), never evicted by
other cache traffic, purged when old; client addresses behind trusted proxies, IPv6 per /64."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import RequestFactory

from motcua import ratelimit
from motcua.errors import NotFound
from motcua.network.models import RateCounter
from motcua.ratelimit import RateLimited, client_ip, client_subject, failures_only, hit
from tests.factories import run_concurrently

NOW = 1_800_000_000.0  # a fixed moment, at the start of a minute window (divisible by 60)


@pytest.fixture
def limits(settings):
    settings.MOTCUA = {
        **settings.MOTCUA,
        "RATE_LIMITS": {"track_ip": (3, 60), "track_code": (2, 60), "track_code_day": (4, 86400)},
    }


def test_counts_are_exact_within_one_window_and_reset_in_the_next(db, limits):
    for _ in range(3):
        hit("track_ip", "10.0.0.1", now=NOW + 5)
    assert ratelimit.count("track_ip", "10.0.0.1", now=NOW + 5) == 3
    with pytest.raises(RateLimited) as caught:
        hit("track_ip", "10.0.0.1", now=NOW + 20)
    assert caught.value.retry_after == 40 and caught.value.http_status == 429
    assert "Quá nhiều yêu cầu" in caught.value.message_vi
    hit("track_ip", "10.0.0.2", now=NOW + 20)  # another subject has its own count
    hit("track_ip", "10.0.0.1", now=NOW + 60)  # the next window starts afresh
    assert RateCounter.objects.filter(window_start=int(NOW)).count() == 2


def test_counters_survive_a_flood_of_other_keys(db, limits):
    """The shared cache culled its lowest keys past 300 entries; the counters are not cache entries."""
    for _ in range(3):
        hit("track_ip", "10.0.0.1", now=NOW)
    for n in range(400):
        cache.set(f"flood:{n:04d}", n)
    for n in range(400):
        hit("submit_ip", f"192.0.2.{n % 250}:{n}", now=NOW)
    with pytest.raises(RateLimited):
        hit("track_ip", "10.0.0.1", now=NOW)


def test_one_statement_counts_a_request(db, limits, monkeypatch):
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(ratelimit, "_next_purge_at", NOW + 10_000)  # no purge due
    with CaptureQueriesContext(connection) as queries:
        hit("track_ip", "10.0.0.1", now=NOW)
    assert len(queries) == 1 and "ON CONFLICT" in queries[0]["sql"] and "RETURNING" in queries[0]["sql"]


def test_old_windows_are_purged_now_and_then(db, limits, monkeypatch):
    day = 86400
    hit("track_code_day", "CODE-OLD", now=NOW - 3 * day)
    hit("track_ip", "10.0.0.1", now=NOW - 2 * day)
    hit("track_code_day", "CODE-NEW", now=NOW - 100)
    monkeypatch.setattr(ratelimit, "_next_purge_at", 0.0)
    hit("track_ip", "10.0.0.1", now=NOW)  # due: purges the windows that ended more than a day ago
    assert ratelimit.count("track_code_day", "CODE-NEW", now=NOW) == 1
    assert ratelimit.count("track_code_day", "CODE-OLD", now=NOW - 3 * day) == 0
    assert ratelimit.count("track_ip", "10.0.0.1", now=NOW - 2 * day) == 0
    hit("track_ip", "10.0.0.9", now=NOW - 3 * day)  # an old window again: not purged before the hour
    hit("track_ip", "10.0.0.1", now=NOW + 60)
    assert ratelimit.count("track_ip", "10.0.0.9", now=NOW - 3 * day) == 1
    assert ratelimit.purge(now=NOW) == 1


def test_only_failures_count_and_a_used_up_window_refuses_before_checking(db, limits):
    names = ("track_code", "track_code_day")
    for _ in range(5):  # successes give their place back
        with failures_only(names, "CODE-1", failures=(NotFound,), now=NOW):
            pass
    assert ratelimit.count("track_code", "CODE-1", now=NOW) == 0
    with pytest.raises(ValueError), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW):
        raise ValueError("not a failed check: not counted")
    assert ratelimit.count("track_code", "CODE-1", now=NOW) == 0
    for _ in range(2):
        with pytest.raises(NotFound), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW):
            raise NotFound("hồ sơ", "dossier")
    checked = []
    with pytest.raises(RateLimited), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW):
        checked.append(True)
    assert checked == []  # refused before the PIN is looked at
    assert ratelimit.count("track_code", "CODE-1", now=NOW) == 2  # the refusal is not a failure
    assert ratelimit.count("track_code_day", "CODE-1", now=NOW) == 2
    with pytest.raises(NotFound), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW + 60):
        raise NotFound("hồ sơ", "dossier")  # next minute: allowed again, the day's count goes on
    with pytest.raises(NotFound), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW + 61):
        raise NotFound("hồ sơ", "dossier")
    with pytest.raises(RateLimited), failures_only(names, "CODE-1", failures=(NotFound,), now=NOW + 120):
        checked.append(True)  # four failures today: refused until tomorrow
    assert checked == [] and ratelimit.count("track_code", "CODE-1", now=NOW + 120) == 0


# --- the client's address ---------------------------------------------------------------------------


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.MOTCUA = {**settings.MOTCUA, "TRUSTED_PROXIES": ""}
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_trusted_proxies_the_rightmost_untrusted_address_is_the_client(settings):
    settings.MOTCUA = {**settings.MOTCUA, "TRUSTED_PROXIES": "10.0.0.0/8, 192.0.2.5"}
    # the client forged the left part; the proxies appended the real peer
    assert client_ip(_request("10.1.1.1", "1.1.1.1, 198.51.100.23, 192.0.2.5")) == "198.51.100.23"
    assert client_ip(_request("10.1.1.1", "198.51.100.23")) == "198.51.100.23"
    assert client_ip(_request("10.1.1.1")) == "10.1.1.1"  # no header: the proxy itself
    assert client_ip(_request("10.1.1.1", "10.2.2.2, 10.3.3.3")) == "10.2.2.2"  # all internal
    # a peer that is not a trusted proxy cannot choose its address
    assert client_ip(_request("203.0.113.7", "198.51.100.23")) == "203.0.113.7"


def test_a_bad_trusted_proxy_setting_is_refused(settings):
    settings.MOTCUA = {**settings.MOTCUA, "TRUSTED_PROXIES": "10.0.0.0/8,proxy.local"}
    with pytest.raises(ImproperlyConfigured, match="proxy.local"):
        client_ip(_request("10.1.1.1", "198.51.100.23"))


def test_ipv6_clients_are_counted_per_64(db, limits):
    first = client_subject(_request("2001:db8:1:2::1"))
    second = client_subject(_request("2001:db8:1:2:ffff:ffff:ffff:ffff"))
    other = client_subject(_request("2001:db8:1:3::1"))
    assert first == second == "2001:db8:1:2::/64" and other != first
    assert client_subject(_request("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_subject(_request("203.0.113.7")) == "203.0.113.7"
    for n in range(3):
        hit("track_ip", client_subject(_request(f"2001:db8:1:2::{n + 1:x}")), now=NOW)
    with pytest.raises(RateLimited):  # a fresh address of the same /64 gains nothing
        hit("track_ip", client_subject(_request("2001:db8:1:2::abcd")), now=NOW)


# --- concurrency ------------------------------------------------------------------------------------

THREADS, PER_THREAD = 8, 25


def test_concurrent_hits_are_all_counted(transactional_db, settings, monkeypatch):
    settings.MOTCUA = {**settings.MOTCUA, "RATE_LIMITS": {"submit_ip": (10_000, 60)}}
    monkeypatch.setattr(ratelimit, "_next_purge_at", NOW + 10_000)
    run_concurrently(THREADS, PER_THREAD, lambda: hit("submit_ip", "198.51.100.1", now=NOW))
    assert ratelimit.count("submit_ip", "198.51.100.1", now=NOW) == THREADS * PER_THREAD
