from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.errors import MotcuaError
from motcua.network.services import import_network


class Command(BaseCommand):
    help = "Import jurisdictions, units and staff (CSV or JSON). All-or-nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="+", type=Path)

    def handle(self, *args, **options) -> None:
        missing = [str(p) for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError(f"Không có tệp / no such file: {', '.join(missing)}")
        try:
            counts = import_network(paths=options["paths"])
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
