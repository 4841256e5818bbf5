from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.services import import_catalog
from motcua.errors import MotcuaError


class Command(BaseCommand):
    help = (
        "Import the procedure catalog from JSON, Excel (.xlsx), a .zip of CSV files or a folder of CSV files."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args, **options) -> None:
        if not options["path"].exists():
            raise CommandError(f"Không có tệp / no such file: {options['path']}")
        try:
            counts = import_catalog(path=options["path"])
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
