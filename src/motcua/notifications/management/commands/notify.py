import time

from django.core.management.base import BaseCommand

from motcua.notifications.services import follow, send_due


class Command(BaseCommand):
    help = (
        "Gửi thông báo cho người nộp hồ sơ / follow the event log into the outbox and send what is due "
        "(one pass, or every N seconds until Ctrl-C)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every", type=float, default=0, help="lặp lại mỗi N giây / repeat every N seconds"
        )

    def handle(self, *args, **options) -> None:
        while True:
            followed, sent = follow(), send_due()
            self.stdout.write(
                f"events {followed.events}, queued {followed.messages}, sent {sent.sent}, "
                f"retry {sent.retried}, failed {sent.failed}"
            )
            if not options["every"]:
                return
            try:
                time.sleep(options["every"])
            except KeyboardInterrupt:
                return
