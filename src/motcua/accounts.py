"""Every password log-in (the staff log-in page and the Django admin's) goes through one form check
with one limiter and one lockout policy: failures are counted per client address, and per user name
and address together (so that nobody can lock a colleague out by failing on their name from
elsewhere). While a window is used up, even the right password is refused.

The user name is keyed as Django's log-in form reads it (surrounding spaces stripped, NFKC), and
case-folded as well: " Admin " and "admin" count against the same allowance."""

from __future__ import annotations

import unicodedata

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from motcua.desk import text
from motcua.ratelimit import RateLimited, client_subject, failures_only

USER_NAME_LENGTH = 150


def login_key(name: str) -> str:
    """The user-name part of the limiter's key: stripped and NFKC-normalized as Django's
    `UsernameField` and `normalize_username` do, then case-folded."""
    return unicodedata.normalize("NFKC", str(name)).strip()[:USER_NAME_LENGTH].casefold()


class LimitedLogin:
    """Mixin for an AuthenticationForm: the check runs under the log-in limits."""

    request: HttpRequest | None
    limited: RateLimited | None = None

    def clean(self):
        address = client_subject(self.request) if self.request is not None else "unknown"
        name = login_key(self.data.get("username", ""))
        try:
            with (
                failures_only(("login_ip",), address, failures=(ValidationError,)),
                failures_only(("login_user_ip",), f"{name}|{address}", failures=(ValidationError,)),
            ):
                return super().clean()  # type: ignore[misc]
        except RateLimited as error:
            self.limited = error
            raise ValidationError(text.message(error), code="rate_limited") from error


class StaffLoginForm(LimitedLogin, AuthenticationForm):
    pass


class AdminLoginForm(LimitedLogin, AdminAuthenticationForm):
    pass


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own log-in page (its form is AdminLoginForm), answered 429 with Retry-After while
    the limits hold, as the staff log-in page is."""
    from django.contrib import admin

    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    limited = getattr(form, "limited", None)
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = StaffLoginForm

    def form_invalid(self, form) -> HttpResponse:
        if form.limited is None:
            return super().form_invalid(form)
        response = self.render_to_response(
            self.get_context_data(form=form, limited=text.message(form.limited)), status=429
        )
        response["Retry-After"] = str(form.limited.retry_after)
        return response
