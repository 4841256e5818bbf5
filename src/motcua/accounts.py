"""The staff log-in, with its failures rate-limited: per client address, and per user name and
address together (so that nobody can lock a colleague out by failing on their name from elsewhere)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from motcua.desk import text
from motcua.ratelimit import RateLimited, client_subject, failures_only


class _LoginFailed(Exception):
    """A wrong user name or password (counted against the limits)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("login failed")
        self.response = response


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        address = client_subject(request)
        name = str(request.POST.get("username", ""))[:150].casefold()
        try:
            with (
                failures_only(("login_ip",), address, failures=(_LoginFailed,)),
                failures_only(("login_user_ip",), f"{name}|{address}", failures=(_LoginFailed,)),
            ):
                response = super().post(request, *args, **kwargs)
                if not 300 <= response.status_code < 400:  # the form again: not logged in
                    raise _LoginFailed(response)
                return response
        except _LoginFailed as failed:
            return failed.response
        except RateLimited as error:
            return self._limited(error)

    def _limited(self, error: RateLimited) -> HttpResponse:
        context = self.get_context_data(form=self.get_form_class()(self.request), limited=text.message(error))
        response = self.render_to_response(context, status=429)
        response["Retry-After"] = str(error.retry_after)
        return response
