"""Fixed-window rate limits kept in their own table (`network.RateCounter`), so every app process shares
the counts and nothing else can evict them. One request is counted with one statement (an upsert that
returns the new count), atomic on SQLite and PostgreSQL alike. Windows older than the longest limit are
purged now and then. Used for the public tracking look-ups, online filing and failed log-ins (staff
pages and the admin alike: accounts.py).

Clients are counted per address, IPv6 clients per /64 (one subscriber's usual allocation). Behind a
reverse proxy, list the proxies in `MOTCUA_TRUSTED_PROXIES`: the client is then the right-most address of
X-Forwarded-For that is not a trusted proxy; otherwise X-Forwarded-For is ignored."""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.http import HttpRequest

from motcua.errors import MotcuaError


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


DEFAULT_LIMITS = {
    "track_ip": Limit(10, 60),  # every tracking look-up from one address
    "track_ip_day": Limit(100, 86400),  # failed look-ups from one address
    "track_code_ip": Limit(5, 3600),  # failed look-ups of one code (one PIN) from one address
    # failed look-ups of one code (one PIN) from anywhere: past this, a second factor is asked with the
    # PIN (a threshold, never a refusal: nobody can lock an applicant out)
    "track_code": Limit(10, 86400),
    "submit_ip": Limit(5, 60),
    "login_ip": Limit(30, 300),  # failed log-ins (staff pages and admin alike) from one address
    "login_user_ip": Limit(5, 300),  # failed log-ins of one user name from one address
    "ticket_ip": Limit(30, 60),  # queue tickets taken from one address (a kiosk, or someone pressing on)
    "screen_ip": Limit(240, 60),  # kiosk and display-board reads (the board polls every 2 s)
    "verify_ip": Limit(10, 60),  # PDFs checked on the public verification page
    "citizen_login_ip": Limit(30, 300),  # citizens' log-ins started from one address
    "payment_ip": Limit(30, 60),  # payment gateway returns to the site from one address
    "assisted_code": Limit(3, 900),  # one-time codes sent for one assisted online filing
    "assisted_code_officer": Limit(30, 3600),  # one-time codes one counter officer sends
}
PURGE_EVERY_S = 3600.0

_next_purge_at = 0.0  # per process; Unix seconds


def wait_in_words(seconds: float) -> tuple[str, str]:
    """A wait as people say it, rounded up to the minute: ("2 giờ 5 phút", "2 hours 5 minutes");
    under a minute is "1 phút" / "1 minute"."""
    minutes = max(1, -(-int(seconds) // 60))
    hours, minutes = divmod(minutes, 60)
    vi = [f"{hours} giờ"] if hours else []
    en = [f"{hours} hour{'s' if hours > 1 else ''}"] if hours else []
    if minutes:
        vi.append(f"{minutes} phút")
        en.append(f"{minutes} minute{'s' if minutes > 1 else ''}")
    return " ".join(vi), " ".join(en)


class RateLimited(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        wait_vi, wait_en = wait_in_words(retry_after)
        super().__init__(
            message_vi=f"Quá nhiều yêu cầu; vui lòng thử lại sau {wait_vi}.",
            message_en=f"Too many requests; please try again in {wait_en}.",
            code="rate_limited",
            http_status=429,
        )
        self.retry_after = retry_after


def _now() -> float:
    """Unix seconds (tests replace it)."""
    return time.time()


def limit_for(name: str) -> Limit:
    configured = getattr(settings, "MOTCUA", {}).get("RATE_LIMITS", {}).get(name)
    return Limit(*configured) if configured else DEFAULT_LIMITS[name]


# --- who is asking -----------------------------------------------------------------------------------


def trusted_proxies() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """MOTCUA["TRUSTED_PROXIES"] (from MOTCUA_TRUSTED_PROXIES): comma-separated addresses or networks."""
    raw = getattr(settings, "MOTCUA", {}).get("TRUSTED_PROXIES", "")
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    networks = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"MOTCUA_TRUSTED_PROXIES: '{item}' không phải địa chỉ IP hay mạng CIDR / "
                f"is not an IP address or CIDR network"
            ) from error
    return networks


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(text: str, proxies: list) -> bool:
    address = _address(text)
    return address is not None and any(address in network for network in proxies)


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy; then the right-most address of
    X-Forwarded-For that is not a trusted proxy (the left part of the header is the client's to forge)."""
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = trusted_proxies()
    if not proxies or not _trusted(remote, proxies):
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, proxies):
            return hop
    return forwarded[0] if forwarded else remote


def client_subject(request: HttpRequest) -> str:
    """What per-client limits count: the IPv4 address, or the /64 of an IPv6 address."""
    ip = client_ip(request)
    address = _address(ip)
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address) if address is not None else ip


# --- counting ----------------------------------------------------------------------------------------


def _table() -> str:
    from motcua.network.models import RateCounter

    return connection.ops.quote_name(RateCounter._meta.db_table)


def _window(name: str, subject: str, now: float) -> tuple[Limit, str, int]:
    limit = limit_for(name)
    digest = hashlib.sha256(subject.encode("utf-8", "replace")).hexdigest()[:32]
    return limit, f"{name}:{digest}", int(now // limit.seconds) * limit.seconds


def _add(key: str, window_start: int, delta: int) -> int:
    """One statement: add delta to the window's count (creating the row) and return the new count."""
    quote = connection.ops.quote_name
    table, key_col, window_col, count_col = _table(), quote("key"), quote("window_start"), quote("count")
    sql = (
        f"INSERT INTO {table} ({key_col}, {window_col}, {count_col}) VALUES (%s, %s, %s) "
        f"ON CONFLICT ({key_col}, {window_col}) DO UPDATE SET {count_col} = {table}.{count_col} + %s "
        f"RETURNING {count_col}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window_start, max(delta, 0), delta])
        return cursor.fetchone()[0]


def _retry_after(limit: Limit, window_start: int, now: float) -> int:
    return max(1, int(window_start + limit.seconds - now))


def purge(now: float | None = None) -> int:
    """Delete the windows that ended before the longest configured limit's span; returns the count."""
    from motcua.network.models import RateCounter

    now = _now() if now is None else now
    longest = max(limit_for(name).seconds for name in DEFAULT_LIMITS)
    deleted, _ = RateCounter.objects.filter(window_start__lt=now - longest).delete()
    return deleted


def _maybe_purge(now: float) -> None:
    global _next_purge_at
    if now >= _next_purge_at:
        _next_purge_at = now + PURGE_EVERY_S
        purge(now)


def hit(name: str, subject: str, now: float | None = None) -> None:
    """Count one request of `subject` (a client address, a dossier code) against the named limit;
    raise RateLimited when the window's allowance is used up."""
    now = _now() if now is None else now
    _maybe_purge(now)
    limit, key, window_start = _window(name, subject, now)
    if _add(key, window_start, 1) > limit.count:
        raise RateLimited(retry_after=_retry_after(limit, window_start, now))


def count(name: str, subject: str, now: float | None = None) -> int:
    """The requests counted in the current window (for tests and diagnostics)."""
    from motcua.network.models import RateCounter

    now = _now() if now is None else now
    _, key, window_start = _window(name, subject, now)
    row = RateCounter.objects.filter(key=key, window_start=window_start).values_list("count", flat=True)
    return next(iter(row), 0)


def reached(name: str, subject: str, now: float | None = None) -> bool:
    """Whether the current window of `subject` has used up the named limit (a threshold to act on,
    not a refusal)."""
    return count(name, subject, now) >= limit_for(name).count


def record(name: str, subject: str, now: float | None = None) -> None:
    """Count one event of `subject` against the named limit, refusing nothing."""
    now = _now() if now is None else now
    _, key, window_start = _window(name, subject, now)
    _add(key, window_start, 1)


@contextmanager
def failures_only(
    names: tuple[str, ...],
    subject: str,
    failures: tuple[type[BaseException], ...],
    now: float | None = None,
) -> Iterator[None]:
    """Limit the failures of `subject` (e.g. wrong PINs for one dossier code): the attempt is refused
    before it is checked when a window is used up, and only an attempt raising one of `failures` counts.
    Race-free: each attempt reserves its place with the same atomic increment and gives it back when it
    succeeds or is refused, so concurrent attempts can never exceed a limit."""
    now = _now() if now is None else now
    _maybe_purge(now)
    reserved: list[tuple[str, int]] = []

    def give_back() -> None:
        for key, window_start in reserved:
            _add(key, window_start, -1)

    for name in names:
        limit, key, window_start = _window(name, subject, now)
        reserved.append((key, window_start))
        if _add(key, window_start, 1) > limit.count:
            give_back()
            raise RateLimited(retry_after=_retry_after(limit, window_start, now))
    try:
        yield
    except failures:
        raise  # a failure: the reservations stay, counted
    except BaseException:
        give_back()
        raise
    give_back()
