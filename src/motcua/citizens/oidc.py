"""The relying party: OpenID Connect authorization code with PKCE, state and nonce
(mozilla-django-oidc), configured by settings (OIDC_*). The backend answers only the citizens'
callback: it never authenticates a staff user and a citizen never becomes a Django user."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from motcua.desk import text
from motcua.ratelimit import RateLimited, client_subject, hit

from . import services
from .models import Citizen
from .session import log_in

log = logging.getLogger(__name__)


class CitizenBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        # only the callback passes a nonce and a code verifier: a staff log-in never gets here
        if request is None or "nonce" not in kwargs or "code_verifier" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The signature and the nonce (mozilla-django-oidc), then the audience: a token issued to
        another client is refused."""
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("ID token issued to another client")
        return payload

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub")) and bool(
            str(claims.get(settings.OIDC_CLAIMS["id_number"], "")).strip()
        )

    def get_or_create_user(self, access_token, id_token, payload) -> Citizen:
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OpenID Connect Core 5.3.2
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        if not self.verify_claims(claims):
            raise SuspiciousOperation("the provider gave no ID number")
        return services.sign_in(claims=claims)

    def get_user(self, user_id):
        return None  # never a session's Django user


def _failure(request: HttpRequest, status: int, message: str) -> HttpResponse:
    return render(request, "citizens/login_failed.html", {"message": message}, status=status)


class CitizenLoginStart(OIDCAuthenticationRequestView):
    """To the identity provider (rate-limited per client address)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            hit("citizen_login_ip", client_subject(request))
        except RateLimited as error:
            response = _failure(request, 429, text.message(error))
            response["Retry-After"] = str(error.retry_after)
            return response
        return super().get(request)


class CitizenCallback(OIDCAuthenticationCallbackView):
    """Back from the provider: the state must be one this browser started (else refused), the nonce
    must be the one sent, the code is exchanged with the PKCE verifier."""

    @property
    def failure_url(self) -> str:
        return reverse("citizens:login_failed")

    @property
    def success_url(self) -> str:
        next_url = self.request.session.get("oidc_login_next")
        if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={self.request.get_host()}):
            return next_url
        return reverse("citizens:home")

    def login_success(self) -> HttpResponse:
        target = self.success_url
        log_in(self.request, self.user)
        return redirect(target)

    def get(self, request: HttpRequest) -> HttpResponse:
        from django.utils.translation import gettext as _

        try:
            return super().get(request)
        except SuspiciousOperation as error:
            log.warning("citizen log-in refused: %s", error)
            return _failure(request, 400, _("The log-in could not be verified. Please start again."))
        except requests.HTTPError as error:  # the provider refused the code (e.g. a wrong PKCE verifier)
            status = error.response.status_code if error.response is not None else 502
            log.warning("identity provider refused: %s", error)
            if 400 <= status < 500:
                return _failure(request, 400, _("The log-in could not be verified. Please start again."))
            return _failure(request, 502, _("The identity service does not answer. Please try again later."))
        except requests.RequestException as error:
            log.warning("identity provider unreachable: %s", error)
            return _failure(request, 502, _("The identity service does not answer. Please try again later."))
