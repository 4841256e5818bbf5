"""Where the applicant goes: Form 01 names the return place with its street address, phone and opening
hours; the public unit list shows each unit's address, phone and opening hours in the page's language."""

from django.conf import settings

from motcua.dossiers.services import intake
from motcua.network.models import Unit
from tests.factories import BRANCH_TDM, at, judicial_request, page_text, pdf_text

HOURS = "Mon-Fri 07:00-11:30,13:30-17:00"


def _branch_with_its_details():
    Unit.objects.filter(code=BRANCH_TDM).update(
        address="Số 1 đường Quang Trung, phường Phú Cường", phone="0274 3822 222", opening_hours=HOURS
    )


def test_form_01_names_the_return_place_with_its_address(login, world):
    _branch_with_its_details()
    code = intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9)).dossier.code
    text = " ".join(pdf_text(login("counter_dt").get(f"/desk/dossiers/{code}/receipt.pdf").content).split())
    assert "Chi nhánh Thủ Dầu Một; địa chỉ: Số 1 đường Quang Trung, phường Phú Cường" in text
    assert "điện thoại: 0274 3822 222" in text and "Thứ Hai - Thứ Sáu: 07:00-11:30, 13:30-17:00" in text
    assert "10 ngày làm việc" in text


def test_the_unit_list_has_addresses_phones_and_hours_in_the_pages_language(client, world):
    _branch_with_its_details()
    page = page_text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))  # the browser's language is not asked
    assert "Số 1 đường Quang Trung" in page and 'href="tel:02743822222"' in page
    assert "Thứ Hai - Thứ Sáu: 07:00-11:30, 13:30-17:00" in page and "Mon-Fri" not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Monday - Friday: 07:00-11:30, 13:30-17:00" in page_text(client.get("/"))
