"""`motcua rebuild-stats`: the kept aggregates rebuilt from the event log, with every difference from
the kept ones reported (exit status 1 with --check when there is any)."""

from django.core.management.base import BaseCommand, CommandError

from motcua.oversight import tallies


class Command(BaseCommand):
    help = (
        "Dựng lại số liệu tổng hợp từ nhật ký sự kiện / rebuild the monitoring aggregates from the event log"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="chỉ so sánh, không ghi / compare only, write nothing (exit 1 on any difference)",
        )
        parser.add_argument(
            "--show", type=int, default=20, help="số khác biệt in ra / differences printed (default 20)"
        )

    def handle(self, *args, check: bool = False, show: int = 20, **options) -> None:
        report = tallies.rebuild(apply=not check, progress=self._progress)
        self.stdout.write(
            f"hồ sơ / dossiers: {report.dossiers}; dòng theo ngày / daily rows: {report.daily_rows}; "
            f"dòng theo giờ / hourly rows: {report.hourly_rows}"
        )
        for difference in report.differences[:show]:
            self.stdout.write(f"  {difference}")
        if report.difference_count > show:
            self.stdout.write(f"  … {report.difference_count - show} more")
        self.stdout.write(
            f"khác biệt / differences: {report.difference_count}; "
            + (
                "đã thay bằng số dựng lại / replaced by the rebuilt counts"
                if report.applied
                else "không ghi / nothing written"
            )
        )
        if check and report.difference_count:
            raise CommandError("số liệu tổng hợp khác với nhật ký / the aggregates differ from the event log")

    def _progress(self, dossiers: int) -> None:
        if dossiers % (tallies.REBUILD_CHUNK * 10) == 0:
            self.stderr.write(f"  … {dossiers:,} hồ sơ / dossiers")
