from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from motcua.auth import create_token


class Command(BaseCommand):
    help = "Tạo khóa API cho một cán bộ (chỉ hiện một lần) / create an API token for a user (shown once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="nhãn / label, e.g. the client's name")
        parser.add_argument(
            "--expires", default="", help="ISO 8601 time with a zone, e.g. 2027-01-01T00:00+07:00"
        )

    def handle(self, *args, **options) -> None:
        user = get_user_model().objects.filter(username=options["username"]).first()
        if user is None or not user.is_active:
            raise CommandError(
                f"Không có cán bộ đang hoạt động '{options['username']}' / no active user '{options['username']}'"
            )
        expires = None
        if options["expires"]:
            try:
                expires = parse_datetime(options["expires"])
            except ValueError:
                expires = None
            if expires is None or expires.tzinfo is None:
                raise CommandError(
                    "--expires phải là thời điểm ISO 8601 có múi giờ / --expires must be ISO 8601 with a zone"
                )
        token = create_token(user=user, name=options["name"][:100], expires_at=expires)
        self.stderr.write("Khóa chỉ hiện một lần; hãy lưu lại / the token is shown once; keep it safe:")
        self.stdout.write(token)
