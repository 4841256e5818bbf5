"""API authentication: a bearer token (`Authorization: Bearer <token>`, created with
`motcua create-token USERNAME`) or the Django session (with its CSRF check on unsafe methods).
Tokens are stored as their SHA-256 only; the token itself is shown once, at creation."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from motcua.network.models import ApiToken

TOKEN_BYTES = 32
LAST_USED_RESOLUTION = timedelta(minutes=5)  # last_used_at is written at most this often


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, user, name: str = "", expires_at: datetime | None = None) -> str:
    """Create a token for the user and return it: the only moment it can be read."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    ApiToken.objects.create(
        user=user, name=name, digest=token_digest(token), prefix=token[:8], expires_at=expires_at
    )
    return token


def user_of_token(token: str, now: datetime | None = None):
    """The active user a valid, unexpired, unrevoked token belongs to, or None."""
    token = token.strip()
    if not token or len(token) > 200 or "\x00" in token:
        return None
    row = ApiToken.objects.select_related("user").filter(digest=token_digest(token), revoked=False).first()
    now = now or timezone.now()
    if row is None or not row.user.is_active or (row.expires_at is not None and row.expires_at <= now):
        return None
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_of_token(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(APIKeyCookie):
    """The Django session; without a session cookie there is nothing to check (no CSRF failure for
    token clients), with one the CSRF token is required on unsafe methods."""

    param_name: str = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


staff_auth = [BearerToken(), StaffSession()]
