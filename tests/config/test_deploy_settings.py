"""The production settings documented in the README (README, "Production settings"): `motcua check
--deploy` is clean with them and complains without them; the headers they give; the API docs served
from Ninja's bundled files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "MOTCUA_HTTPS": "1",
    "MOTCUA_ALLOWED_HOSTS": "motcua.example.vn",
    "MOTCUA_SECRET_KEY": "k7Qf2-production-like-secret-9xZp3LmN0vB8cR4tY6uW1eA5sD7fG2hJ",
}


def check_deploy(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess:
    skip = {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}  # the latter set by the browser tests
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOTCUA_") and k not in skip}
    env.update(MOTCUA_HOME=str(tmp_path / "home"), PYTHONPATH=str(ROOT / "src"), **extra)
    command = [sys.executable, "-m", "motcua.cli", "check", "--deploy", "--fail-level", "WARNING"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    clean = check_deploy(tmp_path, PRODUCTION)
    assert clean.returncode == 0, clean.stderr
    assert "no issues" in clean.stdout
    bare = check_deploy(tmp_path, {})
    assert bare.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in bare.stderr  # HSTS, SSL redirect, secure cookies


def test_production_settings_redirect_to_https_and_send_hsts(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    plain = Client().get("/track/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/track/"
    assert Client().get("/healthz").status_code == 200  # the load balancer's probe stays on HTTP
    secure = Client().get("/track/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_every_page_carries_the_content_security_policy(db):
    page = Client().get("/track/")
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "onchange=" not in page.content.decode() and "onsubmit=" not in page.content.decode()


def test_the_api_docs_use_ninjas_bundled_swagger_ui(db):
    docs = Client().get("/api/docs")
    html = docs.content.decode()
    assert docs.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "cdn" not in html.lower()
    from django.contrib.staticfiles import finders

    assert finders.find("ninja/swagger-ui-bundle.js")  # collected with the site's own static files
