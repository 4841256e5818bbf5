"""Shared pieces of the API tests: an HTTP client per staff member (bearer token), a settable clock,
request bodies mirroring the service-level requests of conftest."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from motcua.auth import create_token

from .conftest import BRANCH_TDM, CENTER, POINT_DAU_TIENG, POINT_PHU_CUONG


class Clock:
    def __init__(self) -> None:
        self.now: datetime | None = None

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze django.utils.timezone.now (what services and selectors read) at a chosen moment."""
    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: clock.now or real_now())
    return clock


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


class ApiClient:
    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, url: str, **params):
        return self.client.get(url, params)

    def post(self, url: str, body=None, raw: str | None = None):
        data = raw if raw is not None else json.dumps(body if body is not None else {})
        return self.client.post(url, data=data, content_type="application/json")


@pytest.fixture
def api(world, local_cache):
    """api["counter_dt"].post(...): a client authenticated with that staff member's bearer token."""
    clients = {}
    for name, actor in world.items():
        token = create_token(user=actor.user, name="test")
        clients[name] = ApiClient(Client(HTTP_AUTHORIZATION=f"Bearer {token}"))
    clients["anonymous"] = ApiClient(Client())
    return clients


def judicial_body(**overrides) -> dict:
    body = {
        "unit": POINT_DAU_TIENG,
        "procedure": "2.000488",
        "subject_jurisdiction": "25747",
        "applicant": {
            "name": "Nguyễn Thị Hoa",
            "id_number": "074190001234",
            "phone": "0912345678",
            "address": "Phú Cường, Thủ Dầu Một",
        },
        "papers": [{"component": "TP1", "form": "original"}],
        "return_unit": BRANCH_TDM,
    }
    body.update(overrides)
    return body


def birth_body(**overrides) -> dict:
    body = {
        "unit": POINT_PHU_CUONG,
        "procedure": "1.001193",
        "subject_jurisdiction": "25966",
        "applicant": {"name": "Trần Văn Nam", "id_number": "074090004321"},
        "papers": [{"component": "TP1"}],
        "return_unit": CENTER,
    }
    body.update(overrides)
    return body
