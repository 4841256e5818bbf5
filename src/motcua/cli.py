"""The `motcua` command: the project's own sub-commands, plus every Django management command."""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "serve": ("serve", "Chạy máy chủ web (gunicorn) / serve the site with gunicorn"),
    "migrate": ("migrate_all", "Tạo, nâng cấp cơ sở dữ liệu / create or upgrade the database"),
    "load-demo": ("load_demo", "Nạp dữ liệu mẫu Bình Dương / load the Binh Duong demo (idempotent)"),
    "import-catalog": (
        "import_catalog",
        "Nhập danh mục thủ tục / import the procedure catalog (JSON, XLSX, CSV)",
    ),
    "export-catalog": ("export_catalog", "Xuất danh mục thủ tục / export the procedure catalog"),
    "import-network": ("import_network", "Nhập địa bàn, đơn vị, cán bộ / import jurisdictions, units, staff"),
    "export-network": ("export_network", "Xuất mạng lưới / export jurisdictions, units, staff"),
    "load-history": (
        "load_history",
        "Nạp lịch sử hồ sơ mẫu 12 tháng / load a 12-month demo dossier history (idempotent)",
    ),
    "tick": ("tick", "Đánh dấu hồ sơ sắp đến hạn, quá hạn / mark dossiers due soon or late (--every N)"),
    "notify": ("notify", "Gửi thông báo cho người nộp / send the applicants' notifications (--every N)"),
    "verify-log": ("verify_log", "Kiểm tra nhật ký hồ sơ (chuỗi băm) / verify the dossier event log"),
    "checkpoint": (
        "checkpoint",
        "Ghi điểm mốc có chữ ký của nhật ký / write a signed checkpoint of the event log",
    ),
    "verify-documents": (
        "verify_documents",
        "Kiểm tra tệp lưu trữ và chữ ký số / rehash every stored file, revalidate every signature",
    ),
    "import-certificates": (
        "import_certificates",
        "Đăng ký chứng thư số của cán bộ / register staff signing certificates (CSV)",
    ),
    "create-token": ("create_token", "Tạo khóa API cho một cán bộ / create an API token for a user"),
    "calendar": ("calendar", "Lịch làm việc của một năm / working days, holidays and overrides of a year"),
    "rebuild-stats": (
        "rebuild_stats",
        "Dựng lại số liệu giám sát từ nhật ký / rebuild the monitoring aggregates from the event log",
    ),
    "follow-stats": (
        "follow_stats",
        "Cập nhật số liệu giám sát từ nhật ký / fold new events into the monitoring aggregates (--every N)",
    ),
    "sync": (
        "sync",
        "Đồng bộ hồ sơ lên Cổng DVC quốc gia / send the national-portal sync outbox (--every N, --rebuild)",
    ),
    "plan": (None, "Quy hoạch mạng lưới điểm phục vụ / plan the network of service points"),
}


# Commands that run without a migrated database (they create it, describe it, or do not use it).
WITHOUT_DATABASE = {
    "migrate",
    "migrate_all",
    "makemigrations",
    "showmigrations",
    "sqlmigrate",
    "squashmigrations",
    "optimizemigration",
    "check",
    "collectstatic",
    "findstatic",
    "makemessages",
    "compilemessages",
    "diffsettings",
    "help",
    "version",
    "shell",
    "dbshell",
    "test",
    "createcachetable",
    "sendtestemail",
    "startapp",
    "startproject",
}


def database_not_ready() -> str | None:
    """Why a command that reads the database cannot run yet, in one line; None when it can."""
    import django
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    django.setup()
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return f"Không kết nối được cơ sở dữ liệu / cannot reach the database: {first}"
    if not pending:
        return None
    applied = executor.loader.applied_migrations
    if not applied:
        return (
            "Cơ sở dữ liệu chưa được tạo: hãy chạy `motcua migrate` trước / "
            "the database is not set up yet: run `motcua migrate` first."
        )
    count = len(pending)
    return (
        f"Cơ sở dữ liệu chưa được nâng cấp ({count} bước): hãy chạy `motcua migrate` trước / "
        f"the database is not up to date ({count} migration{'' if count == 1 else 's'} pending): "
        "run `motcua migrate` first."
    )


def _usage() -> str:
    lines = ["usage: motcua <command> [options]", "", "commands:"]
    lines += [f"  {name:<16} {help_text}" for name, (_, help_text) in COMMANDS.items()]
    lines += [
        "",
        "Every Django management command also works (e.g. motcua createsuperuser).",
        "motcua <command> --help shows a command's options.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(_usage())
        return 0
    name, rest = args[0], args[1:]
    if name == "plan":
        from motcua.planning.cli import main as plan_main

        return plan_main(rest)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.config.settings")
    from django.core.management import execute_from_command_line

    django_name = COMMANDS.get(name, (name, ""))[0] or name
    asks_help = any(arg in {"-h", "--help"} for arg in rest)
    if django_name not in WITHOUT_DATABASE and not asks_help:
        problem = database_not_ready()
        if problem:
            print(problem, file=sys.stderr)
            return 1
    execute_from_command_line(["motcua", django_name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
