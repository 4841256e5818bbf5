from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.cli import main
from motcua.network.models import CalendarOverride, Unit


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_calendar_prints_tet_and_overrides(db):
    CalendarOverride.objects.create(
        day=date(2026, 4, 25),
        kind="work",
        reason_vi="Làm bù ngày 29/4",
        reason_en="Worked to bridge 29 April",
    )
    CalendarOverride.objects.create(
        day=date(2026, 4, 29), kind="off", reason_vi="Nghỉ bù", reason_en="Bridge day"
    )
    output = run("calendar", "2026")
    for day in ("16/02/2026", "17/02/2026", "18/02/2026", "19/02/2026", "20/02/2026"):
        assert day in output
    assert "Tết Nguyên Đán" in output and "Lunar New Year" in output
    assert "25/04/2026" in output and "Làm bù ngày 29/4" in output
    assert "29/04/2026" in output and "Bridge day" in output


def test_bad_network_file_fails_the_command_with_line_numbers(db, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("code,kind,name_vi,jurisdiction_code\nnot-a-code,kiosk,,99\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run("import_network", str(bad))
    message = str(caught.value)
    assert "units.csv line 2" in message and "kiosk" in message and "QCVN 102" in message
    assert Unit.objects.count() == 0


def test_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run("import_catalog", str(tmp_path / "nope.json"))


def test_cli_help_lists_the_commands(capsys):
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out
    for command in (
        "serve",
        "migrate",
        "load-demo",
        "import-catalog",
        "export-catalog",
        "import-network",
        "calendar",
        "plan",
    ):
        assert command in listed
