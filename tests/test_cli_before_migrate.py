"""The command line before `migrate`: every command that reads the database says so in one line, with no
traceback, and exits with 1; commands that set the database up, or need none, still run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from motcua.cli import COMMANDS, WITHOUT_DATABASE

SRC = Path(__file__).resolve().parents[1] / "src"
NEEDING_DATABASE = [
    name for name, (django_name, _) in COMMANDS.items() if django_name and django_name not in WITHOUT_DATABASE
]


def motcua(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default, fresh
    env.update(MOTCUA_HOME=str(home), PYTHONPATH=str(SRC))
    return subprocess.run(
        [sys.executable, "-m", "motcua.cli", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_commands_reading_the_database_are_known():
    assert {"calendar", "load-demo", "tick", "verify-log", "serve", "create-token"} <= set(NEEDING_DATABASE)


@pytest.mark.parametrize("command", [["calendar", "2026"], ["verify-log"], ["create-token", "admin"]])
def test_a_command_before_migrate_says_so_in_one_line(tmp_path, command):
    done = motcua(tmp_path, *command)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "motcua migrate" in lines[0] and "chưa được tạo" in lines[0]


def test_help_needs_no_database(tmp_path):
    done = motcua(tmp_path, "calendar", "--help")
    assert done.returncode == 0 and "usage" in done.stdout.lower()
