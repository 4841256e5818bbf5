from django.core.management.base import BaseCommand, CommandError

from motcua.demo.loader import demo_password, ensure_demo_accounts, load_network_and_catalog
from motcua.errors import MotcuaError


class Command(BaseCommand):
    help = "Load the Binh Duong demo: network, catalog, accounts. Running it twice changes nothing."

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
