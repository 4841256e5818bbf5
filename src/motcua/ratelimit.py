"""Fixed-window rate limits kept in Django's cache (the database cache by default, so every app
process shares the counts). Used for the public tracking look-ups and online filing."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from motcua.errors import MotcuaError


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


DEFAULT_LIMITS = {
    "track_ip": Limit(10, 60),
    "track_code": Limit(10, 60),
    "track_code_day": Limit(60, 86400),
    "submit_ip": Limit(5, 60),
}


class RateLimited(MotcuaError):
    def __init__(self, retry_after: int) -> None:
        super().__init__(
            message_vi=f"Quá nhiều yêu cầu; vui lòng thử lại sau {retry_after} giây.",
            message_en=f"Too many requests; please try again in {retry_after} seconds.",
            code="rate_limited",
            http_status=429,
        )
        self.retry_after = retry_after


def limit_for(name: str) -> Limit:
    configured = getattr(settings, "MOTCUA", {}).get("RATE_LIMITS", {}).get(name)
    return Limit(*configured) if configured else DEFAULT_LIMITS[name]


def client_ip(request: HttpRequest) -> str:
    """The peer address. Behind a reverse proxy, have the proxy set REMOTE_ADDR (e.g. gunicorn's
    --forwarded-allow-ips with a proxy-fix middleware); X-Forwarded-For is never trusted here."""
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(name: str, subject: str, now: float | None = None) -> None:
    """Count one request of `subject` (an IP address, a dossier code) against the named limit;
    raise RateLimited when the window's allowance is used up."""
    limit = limit_for(name)
    now = time.time() if now is None else now
    window = int(now // limit.seconds)
    digest = hashlib.sha256(subject.encode("utf-8", "replace")).hexdigest()[:32]
    key = f"rl:{name}:{window}:{digest}"
    cache.add(key, 0, timeout=limit.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 5)
        count = 1
    if count > limit.count:
        raise RateLimited(retry_after=max(1, int((window + 1) * limit.seconds - now)))
