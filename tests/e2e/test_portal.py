import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_person_finds_a_procedure_and_reads_its_checklist(page, catalog):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Thủ tục hành chính"
    page.get_by_placeholder("Tìm theo tên hoặc mã").fill("lý lịch")
    page.wait_for_function(
        "() => !document.querySelector('#procedures').innerText.includes('khai sinh')"
    )  # a function: a bare expression needs eval, which the CSP refuses
    page.get_by_role("link", name="Cấp Phiếu lý lịch tư pháp").click()
    page.wait_for_url("**/procedures/2.000488/")
    assert "Thành phần hồ sơ" in page.content()
    assert page.locator("text=Tờ khai").count() >= 1


def test_home_and_procedure_pages_fit_a_phone(page, catalog):
    """390 px wide (a common phone): header, search and sector filter wrap; nothing widens the page."""
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("/", "/procedures/2.000488/", "/track/"):
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    page.goto("/")
    box = page.get_by_role("button", name="Tìm kiếm").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
