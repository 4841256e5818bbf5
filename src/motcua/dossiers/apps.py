from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    verbose_name = "Hồ sơ / Dossiers"

    def ready(self) -> None:
        from django.core import checks

        from .checks import sqlite_version

        checks.register(sqlite_version)
