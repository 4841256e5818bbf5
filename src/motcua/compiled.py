"""A query the ORM compiles once per database and Django's ordinary cursor runs at each call: the one
bypass of the ORM that a measurement kept, for the bearer-token check (auth.py) that every API
request runs first.

A/B on PostgreSQL, one process, 2,000 calls a batch, the variants alternated five times, medians of
two runs (2026-12-03, a shared machine at one half to one third of its usual speed: cpu_gauge_s
0.14-0.38 against 0.10), each call preceded by what a request's start does (Django's health check due):
- the check as plain ORM queries (the token with its user, then the roles held): 3,209 / 4,323 us;
- the same check compiled once here and run on Django's cursor: 912 / 1,119 us;
- the former kept, prepared cursor (motcua/db.py, removed), the check doubling as the health check:
  284 / 343 us.
Building and compiling the two queries is the ORM's own work at each call: about 3 ms a request here,
over 1 ms at the usual speed, where an intake through the API costs 3-6 ms; a bypass is worth it above
about 0.3 ms a request. What db.py saved on top was 0.6-0.8 ms here (0.49 ms without the health
check: the statement prepared on the server), about 0.3 ms at the usual speed: not kept.

Only the compilation is bypassed: the statement runs on `connection.cursor()`, so Django's health
check, query log, execute wrappers and error translation apply, and rows are converted by the
compiler's own converters, as the ORM converts them. Django internals used, each pinned by
tests/network/test_token_check.py: `QuerySet.query.get_compiler(connection=...)`, the compiler's
`as_sql()`, `select`, `col_count` and `get_converters()`, a converter's call (value, expression,
connection), and `connection.ops.adapt_datetimefield_value()` for the parameters."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import QuerySet


@dataclass(frozen=True)
class Compiled:
    sql: str
    names: tuple[str, ...]  # the parameters' names, in the statement's order
    converters: tuple[tuple[int, tuple[Sequence[Any], Any]], ...]  # (column, (functions, expression))


class CompiledQuery:
    """A values_list() query built by `build(**sentinels)`: every parameter of its SQL must be one
    of the sentinels (distinct values of the types the real values have), so that each is found by
    value in the compiled parameters and replaced by the real value at each run."""

    def __init__(self, build: Callable[..., QuerySet], sentinels: Mapping[str, Any]) -> None:
        self._build = build
        self._sentinels = dict(sentinels)
        self._compiled: dict[str, Compiled] = {}

    def compiled(self) -> Compiled:
        """The SQL, its parameters' names and the columns' converters, for the current database."""
        found = self._compiled.get(connection.vendor)
        if found is None:
            compiler = self._build(**self._sentinels).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            adapted = {name: _adapted(value) for name, value in self._sentinels.items()}
            names = []
            for param in params:
                matching = [name for name, value in adapted.items() if value == param]
                if len(matching) != 1:
                    raise ValueError(f"parameter {param!r} is not one sentinel: {sql}")
                names.append(matching[0])
            columns = [column for column, _, _ in compiler.select[: compiler.col_count]]
            converters = tuple(sorted(compiler.get_converters(columns).items()))
            found = self._compiled[connection.vendor] = Compiled(sql, tuple(names), converters)
        return found

    def rows(self, **values: Any) -> list[list[Any]]:
        """Run the statement with these values; its rows, converted as the ORM converts them."""
        compiled = self.compiled()
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, [_adapted(values[name]) for name in compiled.names])
            fetched = cursor.fetchall()
        rows = []
        for row in fetched:
            row = list(row)
            for index, (functions, expression) in compiled.converters:
                value = row[index]
                for function in functions:
                    value = function(value, expression, connection)
                row[index] = value
            rows.append(row)
        return rows


def _adapted(value: Any) -> Any:
    """A value as the backend binds it (what a lookup does with a DateTimeField's value)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value
