import re
from pathlib import Path

from django.conf import settings

PO_FILE = Path(__file__).resolve().parents[2] / "src/motcua/locale/vi/LC_MESSAGES/django.po"


def test_home_lists_units_and_procedures_in_vietnamese(client, catalog):
    page = client.get("/").content.decode()
    assert "Thủ tục hành chính" in page
    assert "Điểm tiếp nhận phường Phú Cường" in page
    assert "Thủ tục đăng ký khai sinh" in page


def test_home_is_vietnamese_whatever_the_browser_says_and_english_when_chosen(client, catalog):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Thủ tục hành chính" in page and "Administrative procedures" not in page
    chosen = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert chosen.status_code == 302
    assert "Administrative procedures" in client.get("/").content.decode()


def test_search_filters_procedures_for_htmx(client, catalog):
    fragment = client.get("/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Thủ tục đăng ký khai sinh" in fragment and "lý lịch" not in fragment
    assert "<html" not in fragment


def test_procedure_page_shows_checklist_fees_and_steps(client, catalog):
    page = client.get("/procedures/2.000488/").content.decode()
    assert "Tờ khai" in page and "200.000 đồng" in page and "Phiên bản 1" in page
    assert client.get("/procedures/9.999999/").status_code == 404


def test_procedure_page_speaks_one_language_at_a_time(client, catalog):
    """Choice labels are stored 'vi / en' and catalog rows carry both names: a page shows one."""
    vietnamese = client.get("/procedures/2.000488/").content.decode()
    assert "Bản chính" in vietnamese and "Bản chính / Original" not in vietnamese
    assert "0,5 ngày" in vietnamese and "0,500" not in vietnamese
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/procedures/2.000488/").content.decode()
    assert "Judicial record certificate" in english and "Cấp Phiếu lý lịch tư pháp" not in english
    assert "Copy of the household register" in english and "0.5 working days" in english
    assert "Original" in english and "Bản chính" not in english


def test_health_reports_the_database(client, db):
    assert client.get("/healthz").json()["status"] == "ok"


def test_every_message_has_a_vietnamese_translation():
    text = PO_FILE.read_text(encoding="utf-8")
    entries = re.findall(r'^msgid "(.+)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)
    assert entries, "the catalog is empty"
    untranslated = [msgid for msgid, msgstr in entries if not msgstr]
    assert untranslated == []
