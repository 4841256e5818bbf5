"""`motcua checkpoint`: sign and write a checkpoint of the event log now (`--daily`: only when today
has none yet, as the watch does once a day)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from motcua.dossiers import checkpoints


class Command(BaseCommand):
    help = (
        "Ghi điểm mốc có chữ ký của nhật ký hồ sơ / write a signed checkpoint of the dossier event log "
        "(every chain head and code counter, as a Merkle root signed with Ed25519)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--daily", action="store_true", help="chỉ khi hôm nay chưa có / only when today has none yet"
        )

    def handle(self, *args, **options) -> None:
        written = checkpoints.write_daily() if options["daily"] else checkpoints.write_checkpoint()
        if written is None:
            self.stdout.write("Hôm nay đã có điểm mốc / today already has a checkpoint")
            return
        header = written.header
        self.stdout.write(
            f"Đã ghi / written {written.path}\n"
            f"  {header['dossiers']} hồ sơ / dossiers, {header['counters']} bộ đếm / counters\n"
            f"  gốc Merkle / Merkle root {header['root']}\n"
            f"  khóa công khai / public key {header['public_key']}"
        )
