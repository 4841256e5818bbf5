from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from motcua.demo.history import DEFAULT_COUNT, DEFAULT_SEED, DEFAULT_UNTIL
from motcua.demo.loader import demo_directory, demo_password, ensure_demo_accounts, load_network_and_catalog
from motcua.demo.management.commands.load_history import parse_day
from motcua.demo.provider import ensure_demo_identities
from motcua.demo.tasks import queue_history_load
from motcua.demo.tickets import DEMO_WEEKS, load_ticket_history, set_up_demo_queues
from motcua.errors import MotcuaError
from motcua.i18n import both
from motcua.network.models import Role, UnitKind


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
        parser.add_argument(
            "--until",
            type=parse_day,
            default=DEFAULT_UNTIL,
            help="ngày kết thúc (YYYY-MM-DD hoặc today) / end date (YYYY-MM-DD or today)",
        )
        parser.add_argument(
            "--history-now",
            action="store_true",
            help="nạp lịch sử ngay, không chạy nền / load the history now, not in the background",
        )

    def handle(self, *args, **options) -> None:
        try:
            counts = load_network_and_catalog()
        except MotcuaError as error:
            raise CommandError(str(error)) from error
        for part, figures in counts.items():
            self.stdout.write(f"{part}: " + ", ".join(f"{k} {v}" for k, v in figures.items()))
        accounts = ensure_demo_accounts()
        self._print_accounts()
        self._queues(accounts, options)
        self._signing_certificates(accounts)
        if settings.DEMO_IDENTITY_PROVIDER:
            citizens = ensure_demo_identities()
            self.stdout.write(
                f"\nCông dân mẫu / demo citizens ({settings.PUBLIC_URL}/my/login/, số định danh / ID number, "
                f"mật khẩu / password {demo_password()}): " + ", ".join(citizens)
            )
        if options["no_history"]:
            return
        if options["history_now"]:
            self._history(options)
        else:
            self._queue_history(options)

    def _print_accounts(self) -> None:
        directory = demo_directory()
        self.stdout.write(
            "\nTài khoản mẫu / demo accounts (mật khẩu / password: "
            f"{demo_password()}, trừ khi đã đổi / unless changed; MOTCUA_DEMO=1 lists them on the log-in page):"
        )
        for role, accounts in directory.by_role:
            vi, en = both(Role(role).label)
            self.stdout.write(f"\n  {vi} / {en}:")
            for account, unit in accounts:
                self.stdout.write(
                    f"    {account.username:<20} {account.full_name:<18} {unit.name_vi} ({unit.code})"
                )
        self.stdout.write(
            f"\nTài khoản của từng đơn vị / every unit's own accounts ({directory.unit_count} đơn vị / units):"
        )
        for kind, units in directory.by_kind:
            vi, en = both(UnitKind(kind).label)
            self.stdout.write(f"\n  {vi} / {en} ({len(units)}):")
            for entry in units:
                names = ", ".join(name for name, _ in entry.accounts)
                self.stdout.write(f"    {names:<38} {entry.unit.name_vi}")

    def _queues(self, accounts, options) -> None:
        made = set_up_demo_queues()
        officers = {a.unit_code: a.username for a in accounts if a.role == Role.COUNTER}
        tickets = load_ticket_history(
            unit_codes=sorted(officers.items()), until=options["until"], seed=options["seed"]
        )
        self.stdout.write(
            f"\nSố thứ tự / queue tickets: {made['units']} điểm phục vụ / service units, "
            f"{made['groups']} nhóm dịch vụ mới / new service groups, {made['counters']} quầy mới / new counters; "
            f"{tickets} số đã phục vụ trong {DEMO_WEEKS} tuần qua / tickets served in the last {DEMO_WEEKS} weeks.\n"
            "Máy lấy số, màn hình hiển thị, quầy / kiosks, display boards, counters: /tickets/"
        )

    def _signing_certificates(self, accounts) -> None:
        from django.utils import timezone

        from motcua.documents.democa import ensure_demo_signers

        made = ensure_demo_signers(accounts, timezone.now())
        self.stdout.write(
            f"\nChứng thư số của CA thử nghiệm, không có giá trị pháp lý / demo CA, not legally valid: "
            f"{len(made)} cán bộ ký số / signing officers"
        )

    def _queue_history(self, options) -> None:
        load = queue_history_load(
            count=options["history_count"], seed=options["seed"], until=options["until"]
        )
        if load is None:
            self.stdout.write(
                "\nĐã có hoặc đang nạp lịch sử hồ sơ mẫu, bỏ qua / the demo history exists or is loading: skipped."
            )
            return
        self.stdout.write(
            f"\nLịch sử hồ sơ mẫu ({load.count} hồ sơ, 12 tháng trước {load.until}) sẽ được nạp nền khi máy chủ chạy; "
            "trang chủ hiển thị tiến độ.\n"
            f"The demo history ({load.count} dossiers, 12 months before {load.until}) loads in the background "
            "once the server runs; the home page shows the progress."
        )

    def _history(self, options) -> None:
        call_command(
            "load_history",
            count=options["history_count"],
            seed=options["seed"],
            until=options["until"],
            stdout=self.stdout,
        )
