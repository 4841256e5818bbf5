from datetime import date, timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.payments.services import reconcile


class Command(BaseCommand):
    help = "Đối soát thanh toán trực tuyến / reconcile a day's online payments with the gateway's statement."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, **options) -> None:
        day = options["day"] or timezone.localdate() - timedelta(days=1)
        report = reconcile(day=day)
        self.stdout.write(f"{day}: matched {report.matched}, problems {len(report.problems)}")
        for problem in report.problems:
            self.stdout.write(f"  {problem}")
