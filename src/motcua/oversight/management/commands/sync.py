"""`motcua sync`: make the outbox records of the new dossier events and send what is due (once, or
--every N seconds); --rebuild makes the outbox again from the event log; --status shows the backlog."""

import time

from django.core.management.base import BaseCommand, CommandError

from motcua.oversight import portal_sync


class Command(BaseCommand):
    help = "Đồng bộ hồ sơ lên Cổng Dịch vụ công quốc gia / national-portal sync outbox"

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="dựng lại hộp thư đi từ nhật ký / rebuild the outbox from the event log",
        )
        parser.add_argument("--status", action="store_true", help="chỉ xem tồn đọng / show the backlog only")
        parser.add_argument(
            "--every", type=float, default=0, help="lặp lại sau N giây / repeat every N seconds"
        )

    def handle(self, *args, rebuild=False, status=False, every=0, **options) -> None:
        if every < 0:
            raise CommandError("--every: phải ≥ 0 / must be ≥ 0")
        if rebuild:
            result = portal_sync.rebuild()
            self.stdout.write(
                f"bản ghi / records: {result.records}; tạo mới / created: {result.created}; "
                f"viết lại / rewritten: {result.rewritten}; đã được nhận, giữ nguyên / acknowledged, kept: "
                f"{result.kept_acknowledged}"
            )
        while True:
            if not status:
                made = portal_sync.produce()
                try:
                    sent = portal_sync.drain()
                except portal_sync.SendError as error:
                    raise CommandError(str(error)) from error
                self.stdout.write(f"tạo / made: {made}; gửi / sent: {sent.sent}; lỗi / failed: {sent.failed}")
            backlog = portal_sync.backlog()
            age = "—" if backlog.age_seconds is None else f"{backlog.age_seconds} s"
            self.stdout.write(
                f"tồn đọng / backlog: {backlog.waiting} (lỗi / failing {backlog.failing}); "
                f"cũ nhất / oldest: {age}" + (f"; {backlog.last_error}" if backlog.last_error else "")
            )
            if not every or status:
                return
            time.sleep(every)
