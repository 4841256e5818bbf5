from django.core.management.base import BaseCommand

from motcua.network.clock import work_calendar
from motcua.worktime import year_report


class Command(BaseCommand):
    help = "Show a year's working days, public holidays and the administrator's overrides."

    def add_arguments(self, parser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--lang", choices=["vi", "en", "both"], default="both")

    def handle(self, *args, **options) -> None:
        if not 1900 <= options["year"] <= 2200:
            self.stderr.write("Năm phải trong khoảng 1900-2200 / the year must lie within 1900-2200")
            raise SystemExit(2)
        calendar = work_calendar()
        languages = ["vi", "en"] if options["lang"] == "both" else [options["lang"]]
        self.stdout.write("\n\n".join(year_report(calendar, options["year"], lang) for lang in languages))
