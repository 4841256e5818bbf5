"""`motcua serve` on a fresh MOTCUA_HOME, run for real (gunicorn in a child process): the static files
are served from the first start, and no answer carries gunicorn's Server banner."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    try:
        return urllib.request.urlopen(url, timeout=5)  # noqa: S310 (a local address)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.slow
def test_a_fresh_home_serves_static_files_from_the_first_start_without_a_server_banner(tmp_path):
    home = tmp_path / "fresh-home"
    assert not home.exists()
    port = _free_port()
    env = {
        **os.environ,
        "MOTCUA_HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    env.pop("DATABASE_URL", None)  # the embedded default: nothing else to set up
    # a database set up, static files never collected: the state of a first `make run` before serve
    subprocess.run([sys.executable, "-m", "motcua.cli", "migrate", "-v", "0"], env=env, check=True)
    assert not (home / "static").exists()
    command = [sys.executable, "-m", "motcua.cli", "serve", "--bind", f"127.0.0.1:{port}", "--no-worker"]
    server = subprocess.Popen(
        [*command, "--workers", "1"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        answer, deadline = None, time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                answer = _get(f"http://127.0.0.1:{port}/static/motcua/site.css")
                break
            except (ConnectionError, urllib.error.URLError, TimeoutError):
                time.sleep(0.5)
        assert answer is not None, server.stderr.read().decode() if server.poll() is not None else "no answer"
        assert answer.status == 200
        assert b"{" in answer.read()  # a style sheet, not an error page
        assert answer.headers.get("Server") is None
        assert _get(f"http://127.0.0.1:{port}/static/motcua/no-such.css").headers.get("Server") is None
    finally:
        server.terminate()
        server.wait(timeout=20)
