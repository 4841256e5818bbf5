import re
from pathlib import Path

PO_FILE = Path(__file__).resolve().parents[2] / "src/motcua/locale/vi/LC_MESSAGES/django.po"


def test_home_lists_units_and_procedures_in_vietnamese(client, catalog):
    page = client.get("/").content.decode()
    assert "Thủ tục hành chính" in page
    assert "Điểm tiếp nhận phường Phú Cường" in page
    assert "Thủ tục đăng ký khai sinh" in page


def test_home_in_english_on_request(client, catalog):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Administrative procedures" in page


def test_search_filters_procedures_for_htmx(client, catalog):
    fragment = client.get("/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thủ tục đăng ký khai sinh" in fragment and "lý lịch" not in fragment
    assert "<html" not in fragment


def test_procedure_page_shows_checklist_fees_and_steps(client, catalog):
    page = client.get("/procedures/2.000488/").content.decode()
    assert "Tờ khai" in page and "200000" in page and "Phiên bản 1" in page
    assert client.get("/procedures/9.999999/").status_code == 404


def test_procedure_page_speaks_one_language_at_a_time(client, catalog):
    """Choice labels are stored 'vi / en' and catalog rows carry both names: a page shows one."""
    vietnamese = client.get("/procedures/2.000488/").content.decode()
    assert "Bản chính" in vietnamese and "Bản chính / Original" not in vietnamese
    assert "0,5 ngày" in vietnamese and "0,500" not in vietnamese
    english = client.get("/procedures/2.000488/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Judicial record certificate" in english and "Cấp Phiếu lý lịch tư pháp" not in english
    assert "Copy of the household register" in english and "0.5 days" in english
    assert "Original" in english and "Bản chính" not in english


def test_health_reports_the_database(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_every_message_has_a_vietnamese_translation():
    text = PO_FILE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)
    assert entries, "the catalog is empty"
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
