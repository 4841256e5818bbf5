"""API authentication: a bearer token (`Authorization: Bearer <token>`, created with
`motcua create-token USERNAME`) or the Django session (with its CSRF check on unsafe methods).
Tokens are stored as their SHA-256 only; the token itself is shown once, at creation.

A token is checked on every request, in the database (a revoked token is refused at once). The check
is one statement: the token's user (active; the token unrevoked and unexpired) with every role the user
holds, so that the request's actor needs no second query. The ORM compiles it once (compiled.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from motcua.compiled import CompiledQuery
from motcua.network.models import ApiToken

TOKEN_BYTES = 32
LAST_USED_RESOLUTION = timedelta(minutes=5)  # last_used_at is written at most this often
HELD_ROLES = "_held_roles"
"""Attribute of a user authenticated by token: the (unit id, role, unit kind) rows read with it."""


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
    """The active user a valid, unexpired, unrevoked token belongs to, or None; the user carries the
    roles it holds (HELD_ROLES)."""
    token = token.strip()
    if not token or len(token) > 200 or "\x00" in token:
        return None
    now = now or timezone.now()
    rows = _TOKEN_CHECK.rows(digest=token_digest(token), now=now, used_before=now - LAST_USED_RESOLUTION)
    if not rows:
        return None
    user_fields = _user_fields()
    user_count = len(user_fields)
    user = get_user_model().from_db(connection.alias, user_fields, rows[0][:user_count])
    token_id, token_stale = rows[0][user_count : user_count + 2]
    if token_stale:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    held = [tuple(row[user_count + 2 :]) for row in rows if row[user_count + 2] is not None]
    setattr(user, HELD_ROLES, held)
    return user


def _user_fields() -> tuple[str, ...]:
    return tuple(f.attname for f in get_user_model()._meta.concrete_fields)


def _token_query(digest: str, now: datetime, used_before: datetime) -> QuerySet:
    """The user of the token (active; the token unrevoked and unexpired), the token's id and whether
    its last use is to be recorded, and one row per role held (one row with null roles for a user
    without any)."""
    return (
        get_user_model()
        .objects.filter(  # one filter() call: one join of the tokens
            Q(api_tokens__expires_at__isnull=True) | Q(api_tokens__expires_at__gt=now),
            api_tokens__digest=digest,
            api_tokens__revoked=False,
            is_active=True,
        )
        .annotate(
            token_id=F("api_tokens__id"),
            token_stale=Q(api_tokens__last_used_at__isnull=True)
            | Q(api_tokens__last_used_at__lt=used_before),
            held_unit_id=F("roles__unit_id"),
            held_role=F("roles__role"),
            held_unit_kind=F("roles__unit__kind"),
        )
        .values_list(
            *_user_fields(), "token_id", "token_stale", "held_unit_id", "held_role", "held_unit_kind"
        )
        .order_by()
    )


# Compiled once per database (see compiled.py for the A/B that keeps it): building and compiling the
# query cost more than running it.
_TOKEN_CHECK = CompiledQuery(
    _token_query,
    {
        "digest": "\x00digest",
        "now": datetime(2001, 1, 1, tzinfo=UTC),
        "used_before": datetime(2002, 2, 2, tzinfo=UTC),
    },
)


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
