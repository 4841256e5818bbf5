import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exchange import TABLES, nested_to_tables, tables_as_csv_zip
from motcua.catalog.selectors import export_catalog
from motcua.tabular import write_xlsx


class Command(BaseCommand):
    help = "Export the procedure catalog as JSON, Excel (.xlsx) or a .zip of CSV files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json", "xlsx", "csv"], default="json")
        parser.add_argument("-o", "--output", type=Path, help="output file (default: stdout for JSON)")

    def handle(self, *args, **options) -> None:
        catalog = export_catalog()
        fmt, output = options["format"], options["output"]
        if fmt == "json":
            text = json.dumps(catalog, ensure_ascii=False, indent=1)
            if output:
                output.write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text)
            return
        if output is None:
            raise CommandError("Cần --output cho định dạng này / --output is required for this format")
        tables = nested_to_tables(catalog)
        if fmt == "xlsx":
            write_xlsx(output, {name: (columns, tables[name]) for name, columns in TABLES.items()})
        else:
            output.write_bytes(tables_as_csv_zip(tables))
        self.stdout.write(str(output))
