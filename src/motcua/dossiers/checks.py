"""Start-up checks of what the dossier services need from the database."""

from __future__ import annotations

import sqlite3
from typing import Any

from django.core import checks
from django.db import connections

SQLITE_NEEDED = (3, 35)  # RETURNING and upserts: the day's number, the new dossier's id


def sqlite_version(app_configs: Any = None, version: tuple[int, ...] | None = None, **_: Any) -> list:
    if not any(connections[alias].vendor == "sqlite" for alias in connections):
        return []
    found = version or sqlite3.sqlite_version_info
    if tuple(found[:2]) >= SQLITE_NEEDED:
        return []
    shown, needed = ".".join(map(str, found)), ".".join(map(str, SQLITE_NEEDED))
    return [
        checks.Error(
            f"Cần SQLite {needed} trở lên, máy này có {shown} / SQLite {needed} or later is needed, "
            f"this machine has {shown}",
            hint="Dùng Python có SQLite mới hơn, hoặc PostgreSQL (DATABASE_URL) / use a Python built with a "
            "newer SQLite, or PostgreSQL (DATABASE_URL)",
            id="motcua.E001",
        )
    ]
