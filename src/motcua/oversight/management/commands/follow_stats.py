"""`motcua follow-stats`: fold the events appended since the last pass into the monitoring aggregates,
once or every N seconds. `motcua serve` runs it in the background, so that a dashboard opened after a
burst of events (the demo history, a busy morning) finds the counts already folded."""

import time

from django.core.management.base import BaseCommand, CommandError

from motcua.oversight import tallies


class Command(BaseCommand):
    help = "Cập nhật số liệu giám sát từ nhật ký / fold new events into the monitoring aggregates"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="lặp lại mỗi N giây / repeat every N seconds"
        )

    def handle(self, *args, every: float = 0, **options) -> None:
        if every < 0:
            raise CommandError("--every: phải ≥ 0 / must be ≥ 0")
        if not every:
            self.stdout.write(f"sự kiện đã cộng / events folded: {tallies.follow()}")
            return
        try:
            while True:
                folded = tallies.follow()
                if folded:
                    self.stdout.write(f"sự kiện đã cộng / events folded: {folded}")
                time.sleep(every)
        except KeyboardInterrupt:
            self.stdout.write("Đã dừng / stopped")
