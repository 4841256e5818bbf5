import pytest

from tests.factories import COMMUNE_DAU_TIENG, JUSTICE, POINT_DAU_TIENG, give_certificate


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
