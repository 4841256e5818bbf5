"""Fixtures shared by every test folder, built from the plain functions of tests/factories.py."""

from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import (
    COMMUNE_DAU_TIENG,
    JUSTICE,
    POINT_DAU_TIENG,
    Clock,
    give_certificate,
    import_test_catalog,
    make_world,
    write_network_files,
)

# Hypothesis profiles ("ci" when the CI environment variable is set) and, in CI, one printed seed per
# run; how to replay a CI failure is written at the top of that module.
pytest_plugins = ["tests.hypothesis_profiles"]

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def own_checkpoints(settings, tmp_path):
    """Each test its own event-log checkpoints and signing key (none until it writes one), never those
    of the MOTCUA_HOME the suite runs in."""
    settings.MOTCUA = {
        **settings.MOTCUA,
        "CHECKPOINT_KEY": "",
        "CHECKPOINT_KEY_FILE": str(tmp_path / "checkpoint_key.pem"),
        "CHECKPOINT_DIR": str(tmp_path / "checkpoints"),
    }


@pytest.fixture
def network_files(tmp_path: Path) -> list[Path]:
    return write_network_files(tmp_path)


@pytest.fixture
def small_network(db, network_files):
    from motcua.network.services import import_network

    import_network(paths=network_files)


@pytest.fixture
def catalog(small_network, tmp_path):
    """The small network and the two-procedure catalog."""
    import_test_catalog(tmp_path)


@pytest.fixture
def world(small_network, tmp_path):
    """The small test network, the two-procedure catalog and one staff member per role and unit:
    world["counter_dt"] is that member's Actor."""
    return make_world(tmp_path)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freeze django.utils.timezone.now (what services and selectors read) at a chosen moment."""
    clock = Clock()
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: clock.now or real_now())
    return clock


@pytest.fixture
def rate_window(monkeypatch) -> None:
    """The rate limits' clock frozen inside one window: their windows are aligned to the clock, so a
    test's requests could otherwise straddle two windows and be counted apart."""
    from motcua import ratelimit

    monkeypatch.setattr(ratelimit, "_now", lambda: 1_800_000_030.0)


@pytest.fixture
def local_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shared_data(tmp_path: Path) -> Path:
    """The team's reference data, when this checkout sits beside it; tests using it skip otherwise."""
    if not SHARED_DATA.exists():
        pytest.skip("../shared/data is not present")
    return SHARED_DATA


@pytest.fixture
def triggers_back_after_flush(django_db_blocker):
    """Set up before the transactional database, so its teardown runs after the flush."""
    from motcua.dossiers.events import install_append_only_triggers

    yield
    with django_db_blocker.unblock():
        install_append_only_triggers()


@pytest.fixture
def flushable_events(triggers_back_after_flush, transactional_db):
    """The append-only triggers refuse the flush that ends a transactional test: drop them just
    before it; triggers_back_after_flush puts them back afterwards."""
    from motcua.dossiers.events import drop_append_only_triggers, install_append_only_triggers

    install_append_only_triggers()
    yield
    drop_append_only_triggers()


@pytest.fixture
def document_store(settings, tmp_path, monkeypatch):
    """Documents, keys and trust roots in the test's own folders."""
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "documents")},
        },
    }
    config = settings.MOTCUA["DOCUMENTS"]
    monkeypatch.setitem(config, "KEYS", str(tmp_path / "keys"))
    monkeypatch.setitem(config, "TRUST_ROOTS", str(tmp_path / "trust"))
    monkeypatch.setitem(config, "TSA_URL", "")
    monkeypatch.setitem(config, "KEY_STORE", "pkcs12")
    return tmp_path / "documents"


@pytest.fixture
def signers(world, document_store):
    """Certificates for the Dầu Tiếng counter officer and the leaders of the Department of Justice and
    of the Dầu Tiếng township."""
    return {
        "counter_dt": give_certificate(world["counter_dt"], POINT_DAU_TIENG),
        "lead_justice": give_certificate(world["lead_justice"], JUSTICE),
        "lead_dt": give_certificate(world["lead_dt"], COMMUNE_DAU_TIENG),
    }
