"""The bearer-token check: its rules, the one statement the ORM compiles once for it (motcua/compiled.py,
with every Django internal that module uses pinned here against the ORM's own evaluation), and a
kept PostgreSQL connection the server dropped between two requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua import auth
from motcua.auth import HELD_ROLES, LAST_USED_RESOLUTION, create_token, token_digest, user_of_token
from motcua.compiled import CompiledQuery
from motcua.network.models import ApiToken, Role, RoleAssignment, Unit
from tests.factories import CENTER, JUSTICE

User = get_user_model()


@pytest.fixture
def officer(small_network):
    """A user holding two roles at two units."""
    user = User.objects.create_user(username="officer", password="x-test-password", first_name="Lan")
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=CENTER), role=Role.MANAGER)
    RoleAssignment.objects.create(user=user, unit=Unit.objects.get(code=JUSTICE), role=Role.LEADER)
    return user


def by_text(row: list) -> tuple:
    return tuple(str(value) for value in row)


def held(user) -> set[tuple]:
    return set(getattr(user, HELD_ROLES))


def test_a_valid_token_gives_the_user_with_every_role_held_in_one_statement(officer):
    token = create_token(user=officer, name="desk")
    user_of_token(token)  # records the first use
    with CaptureQueriesContext(connection) as queries:
        user = user_of_token(f"  {token} ")
    assert len(queries) == 1  # run on Django's cursor: the query log sees it
    assert user == officer and user.first_name == "Lan" and user.date_joined == officer.date_joined
    assert user.date_joined.tzinfo is not None  # converted as the ORM converts it
    assert held(user) == {
        (Unit.objects.get(code=CENTER).pk, Role.MANAGER, "center"),
        (Unit.objects.get(code=JUSTICE).pk, Role.LEADER, "department"),
    }


def test_a_user_without_roles_holds_none(small_network):
    user = User.objects.create_user(username="nobody")
    assert held(user_of_token(create_token(user=user))) == set()


def test_revoked_expired_inactive_and_malformed_tokens_give_no_user(officer):
    now = timezone.now()
    revoked = create_token(user=officer)
    ApiToken.objects.filter(digest=token_digest(revoked)).update(revoked=True)
    expired = create_token(user=officer, expires_at=now - timedelta(seconds=1))
    valid_until = create_token(user=officer, expires_at=now + timedelta(minutes=1))
    assert user_of_token(revoked) is None and user_of_token(expired) is None
    assert user_of_token(valid_until) == officer
    assert user_of_token(valid_until, now=now + timedelta(minutes=1)) is None  # expiry is exclusive
    for malformed in ("", "   ", "x" * 201, "abc\x00def", "not-a-token"):
        assert user_of_token(malformed) is None
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert user_of_token(valid_until) is None


def test_the_last_use_is_written_at_most_once_per_resolution(officer):
    token = create_token(user=officer)
    stored = ApiToken.objects.get(digest=token_digest(token))
    start = timezone.now()

    def last_used():
        return ApiToken.objects.get(pk=stored.pk).last_used_at

    assert last_used() is None
    user_of_token(token, now=start)
    assert last_used() == start
    with CaptureQueriesContext(connection) as queries:
        user_of_token(token, now=start + LAST_USED_RESOLUTION - timedelta(seconds=1))
    assert len(queries) == 1 and last_used() == start  # the check only, no UPDATE
    later = start + LAST_USED_RESOLUTION + timedelta(seconds=1)
    user_of_token(token, now=later)
    assert last_used() == later


# --- compiled.py: what it takes from Django, checked against the ORM's own evaluation ---------------


def test_the_compiled_statement_gives_the_rows_the_orm_gives(officer):
    """get_compiler(), as_sql(), select, col_count, get_converters() and the converters' call: the
    rows of the compiled statement equal, value for value and type for type, those of the same query
    evaluated by the ORM, for every outcome of the check."""
    roleless = User.objects.create_user(username="roleless")
    now = timezone.now()
    cases = {
        "roles, never used": create_token(user=officer),
        "no roles": create_token(user=roleless),
        "expired": create_token(user=officer, expires_at=now - timedelta(days=1)),
        "expires later": create_token(user=officer, expires_at=now + timedelta(days=1)),
        "unknown": "unknown-token",
    }
    ApiToken.objects.filter(digest=token_digest(cases["expires later"])).update(last_used_at=now)
    seen = set()
    for name, token in cases.items():
        values = {"digest": token_digest(token), "now": now, "used_before": now - LAST_USED_RESOLUTION}
        compiled = auth._TOKEN_CHECK.rows(**values)
        by_orm = [list(row) for row in auth._token_query(**values)]
        assert sorted(compiled, key=by_text) == sorted(by_orm, key=by_text), name
        assert [list(map(type, row)) for row in sorted(compiled, key=by_text)] == [
            list(map(type, row)) for row in sorted(by_orm, key=by_text)
        ], name
        seen.add(len(compiled))
    assert seen == {0, 1, 2}  # no row, one row (no roles), a row per role


def test_the_statement_is_compiled_once_and_runs_on_djangos_cursor(small_network):
    built = []

    def build(username: str):
        built.append(username)
        return User.objects.filter(username=username).values_list("username", "date_joined")

    query = CompiledQuery(build, {"username": "\x00sentinel"})
    User.objects.create_user(username="a")
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(params)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        assert [row[0] for row in query.rows(username="a")] == ["a"]
        assert query.rows(username="b") == []
    assert built == ["\x00sentinel"] and seen == [["a"], ["b"]]


def test_a_parameter_that_is_no_sentinel_is_refused(small_network):
    fixed = CompiledQuery(
        lambda username: User.objects.filter(Q(username=username) | Q(first_name="fixed")).values_list("pk"),
        {"username": "\x00sentinel"},
    )
    with pytest.raises(ValueError, match="not one sentinel"):
        fixed.rows(username="a")


# --- a kept connection dropped by the server ----------------------------------------------------------


def _next_request(wrapper) -> None:
    """What Django does when a request ends on a kept connection: the next one's health check falls due."""
    wrapper.close_if_unusable_or_obsolete()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_between_requests_is_replaced_before_the_token_check():
    """Django's own health check (CONN_HEALTH_CHECKS, on for PostgreSQL in settings.py) finds the kept
    connection dead at the next request's first statement and opens a new one: the request succeeds."""
    wrapper = connections["default"]
    if wrapper.vendor != "postgresql":
        pytest.skip("a server that drops a kept connection: PostgreSQL's")
    assert wrapper.settings_dict["CONN_HEALTH_CHECKS"] and wrapper.settings_dict["CONN_MAX_AGE"]
    user = User.objects.create_user(username="kept")
    token = create_token(user=user, name="t")
    assert user_of_token(token) == user
    _next_request(wrapper)
    assert user_of_token(token) == user and wrapper.connection is not None  # kept between requests

    dropped = wrapper.connection.info.backend_pid
    killer = wrapper.copy()
    with killer.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [dropped])
    killer.close()
    _next_request(wrapper)
    assert user_of_token(token) == user
    assert wrapper.connection.info.backend_pid != dropped
