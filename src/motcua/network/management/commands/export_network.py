import json
from pathlib import Path

from django.core.management.base import BaseCommand

from motcua.network.selectors import export_network
from motcua.tabular import write_csv


class Command(BaseCommand):
    help = "Export jurisdictions, units and staff as JSON (one file) or CSV (three files in a folder)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json", "csv"], default="json")
        parser.add_argument(
            "-o", "--output", type=Path, help="file (json) or folder (csv); default: stdout (json)"
        )

    def handle(self, *args, **options) -> None:
        tables = export_network()
        if options["format"] == "json":
            text = json.dumps(
                {k: rows for k, (_, rows) in tables.items()}, ensure_ascii=False, indent=1, default=str
            )
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        folder = options["output"] or Path("network-export")
        folder.mkdir(parents=True, exist_ok=True)
        for name, (columns, rows) in tables.items():
            (folder / f"{name}.csv").write_text(write_csv(rows, columns), encoding="utf-8")
        self.stdout.write(f"{folder}/jurisdictions.csv, units.csv, staff.csv")
