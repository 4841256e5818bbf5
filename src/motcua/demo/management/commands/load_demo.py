from django.core.management.base import BaseCommand, CommandError

from motcua.demo.history import DEFAULT_COUNT, DEFAULT_SEED, DEFAULT_UNTIL, load_history
from motcua.demo.loader import demo_password, ensure_demo_accounts, load_network_and_catalog
from motcua.demo.management.commands.load_history import parse_day
from motcua.errors import MotcuaError


class Command(BaseCommand):
    help = (
        "Load the Binh Duong demo: network, catalog, accounts and a year of dossiers (unless --no-history). "
        "Running it twice changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--no-history", action="store_true", help="không nạp lịch sử hồ sơ / skip the dossier history"
        )
        parser.add_argument("--history-count", type=int, default=DEFAULT_COUNT, help="số hồ sơ / dossiers")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="hạt giống / random seed")
        parser.add_argument("--until", type=parse_day, default=DEFAULT_UNTIL, help="ngày kết thúc / end date")

    def handle(self, *args, **options) -> None:
        try:
            counts = load_network_and_catalog()
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        for part, figures in counts.items():
            self.stdout.write(f"{part}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        accounts = ensure_demo_accounts()
        self.stdout.write(
            "\nTài khoản mẫu / demo accounts (mật khẩu / password: "
            f"{demo_password()}, trừ khi đã đổi / unless changed):"
        )
        for account in accounts:
            self.stdout.write(
                f"  {account.username:<20} {account.role:<11} {account.unit_code}  {account.full_name}"
            )
        if not options["no_history"]:
            self._history(options)

    def _history(self, options) -> None:
        self.stdout.write(
            f"\nLịch sử hồ sơ mẫu / demo dossier history ({options['history_count']} hồ sơ / dossiers, "
            f"12 tháng trước / 12 months before {options['until']}):"
        )
        try:
            report = load_history(
                count=options["history_count"],
                seed=options["seed"],
                until=options["until"],
                progress=self._progress,
            )
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(report.summary())

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()
