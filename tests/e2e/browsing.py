"""Steps the page tests share: a staff member logs in through the log-in page and out again."""

import re

from tests.factories import PASSWORD


def log_in(page, username: str) -> None:
    """Log in on the staff page; the person lands on their start page (the queue, or the dashboard for
    those who oversee)."""
    page.goto("/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile(r"/$"))
