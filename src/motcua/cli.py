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
    "create-token": ("create_token", "Tạo khóa API cho một cán bộ / create an API token for a user"),
    "calendar": ("calendar", "Lịch làm việc của một năm / working days, holidays and overrides of a year"),
    "plan": (None, "Quy hoạch mạng lưới điểm phục vụ / plan the network of service points"),
}


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
    execute_from_command_line(["motcua", django_name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
