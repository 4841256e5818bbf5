import threading

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.dossiers import checkpoints
from motcua.dossiers.clock import due_soon_within
from motcua.dossiers.watch import run_every, tick


def parse_moment(text: str):
    moment = parse_datetime(text)
    if moment is None:
        raise CommandError(
            f"'{text}' không phải thời điểm ISO 8601 / is not an ISO 8601 time (e.g. 2026-11-20T09:00+07:00)"
        )
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Đánh dấu hồ sơ, bước sắp đến hạn và quá hạn / mark dossiers and steps due soon or late "
        "(one pass, or every N seconds until Ctrl-C)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="thời điểm mô phỏng / simulated time, ISO 8601 (default: now)")
        parser.add_argument(
            "--every", type=float, default=0, help="lặp lại mỗi N giây / repeat every N seconds"
        )

    def handle(self, *args, **options) -> None:
        fixed = parse_moment(options["now"]) if options["now"] else None
        if not options["every"]:
            self.stdout.write(tick(now=fixed).summary())
            return
        self.stdout.write(
            f"Theo dõi hạn mỗi {options['every']:g} giây, cửa sổ sắp đến hạn {due_soon_within().total_seconds() / 3600:g} giờ làm việc "
            f"(Ctrl-C để dừng) / watching every {options['every']:g} s, due-soon window "
            f"{due_soon_within().total_seconds() / 3600:g} working hours (Ctrl-C to stop)"
        )
        stop = threading.Event()
        try:
            run_every(
                options["every"],
                stop=stop,
                clock=(lambda: fixed) if fixed else timezone.now,
                on_pass=self._after_pass,
            )
        except KeyboardInterrupt:
            stop.set()
            self.stdout.write("Đã dừng / stopped")

    def _after_pass(self, result) -> None:
        self.stdout.write(result.summary())
        written = checkpoints.write_daily()  # the day's signed checkpoint of the log, once a day
        if written is not None:
            self.stdout.write(f"Điểm mốc / checkpoint {written.path}")
