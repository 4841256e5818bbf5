from datetime import date

from django.core.management.base import BaseCommand, CommandError

from motcua.demo.history import DEFAULT_COUNT, DEFAULT_SEED, DEFAULT_UNTIL, load_history
from motcua.demo.parallel import default_workers
from motcua.errors import MotcuaError


def parse_day(text: str) -> date:
    if text == "today":  # for `make run`: a demo whose queues are due around the real today
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' không phải ngày YYYY-MM-DD / is not a YYYY-MM-DD date") from None


class Command(BaseCommand):
    help = (
        "Nạp lịch sử hồ sơ mẫu 12 tháng qua các dịch vụ thật / load a 12-month demo history of dossiers "
        "through the real services (skipped when dossiers exist)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="số hồ sơ / number of dossiers")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="hạt giống / random seed")
        parser.add_argument(
            "--until",
            type=parse_day,
            default=DEFAULT_UNTIL,
            help=f"ngày kết thúc (không gồm) / end date, exclusive (default {DEFAULT_UNTIL})",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=default_workers(),
            help="số tiến trình song song / parallel processes (default: one per core)",
        )

    def handle(self, *args, **options) -> None:
        self.stdout.write(
            f"Lịch sử mẫu / demo history: {options['count']} hồ sơ / dossiers, 12 tháng trước / "
            f"12 months before {options['until']}, seed {options['seed']}"
        )
        try:
            report = load_history(
                count=options["count"],
                seed=options["seed"],
                until=options["until"],
                progress=self._progress,
                workers=max(1, options["workers"]),
            )
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
