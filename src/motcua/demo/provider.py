"""The demo's local OpenID provider (django-oauth-toolkit with OpenID Connect), standing in for the
national identity service so that the whole authorization-code + PKCE flow runs on the machine: a
log-in page for the demo citizens (data/citizens.json, the demo password), the authorization
endpoint, token, userinfo, JWKS and discovery. Served at /demo-idp/ only while no real provider is
configured (settings.DEMO_IDENTITY_PROVIDER).

The provider's own session (which demo citizen is logged in at the provider) is a session key of its
own: a demo citizen is never logged in as a Django user, so never reaches staff pages."""

from __future__ import annotations

import hmac
import json
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView

from motcua.desk import text
from motcua.ratelimit import RateLimited, client_subject, failures_only

from .loader import demo_password

CITIZENS_FILE = Path(__file__).resolve().parent / "data" / "citizens.json"
USERNAME_PREFIX = "vneid-demo."
SESSION_KEY = "demo_idp_user_id"
CALLBACK_PATH = "/my/oidc/callback/"


@cache
def demo_citizens() -> dict[str, dict[str, str]]:
    """The demo citizens' claims by ID number."""
    rows = json.loads(CITIZENS_FILE.read_text(encoding="utf-8"))
    return {row["id_number"]: row for row in rows}


def claims_of(user: User) -> dict[str, Any]:
    person = demo_citizens().get(user.username.removeprefix(USERNAME_PREFIX))
    if person is None or not user.username.startswith(USERNAME_PREFIX):
        return {}
    claims: dict[str, Any] = {
        "name": person["name"],
        settings.OIDC_CLAIMS["id_number"]: person["id_number"],
        "address": {"formatted": person["address"]},
        "phone_number": person["phone_number"],
        "email": person["email"],
    }
    if person.get("birthdate"):
        claims["birthdate"] = person["birthdate"]
    return claims


class DemoClaimsValidator(OAuth2Validator):
    """The demo citizen's claims, in the ID token and at userinfo, as their scopes allow."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "id_number": "profile"}

    def get_additional_claims(self, request):
        return claims_of(request.user)


@transaction.atomic
def ensure_demo_identities(*, public_urls: list[str] | None = None) -> list[str]:
    """The demo citizens' accounts at the provider (no password usable anywhere else) and the portal's
    client (confidential, PKCE, RS256, redirect to /my/oidc/callback/ on each public URL). Running it
    twice changes nothing but the client's secret and addresses, set again from the settings."""
    for id_number, person in demo_citizens().items():
        user, created = User.objects.get_or_create(
            username=USERNAME_PREFIX + id_number, defaults={"first_name": person["name"][:150]}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
    urls = public_urls or [settings.PUBLIC_URL, settings.PUBLIC_URL.replace("127.0.0.1", "localhost")]
    Application = get_application_model()
    client, _ = Application.objects.get_or_create(
        client_id=settings.OIDC_RP_CLIENT_ID,
        defaults={
            "name": "motcua portal",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
        },
    )
    client.client_secret = settings.OIDC_RP_CLIENT_SECRET
    client.redirect_uris = " ".join(dict.fromkeys(url.rstrip("/") + CALLBACK_PATH for url in urls))
    client.algorithm = Application.RS256_ALGORITHM
    client.skip_authorization = True  # the demo citizen consents by logging in
    client.save()
    return sorted(demo_citizens())


class DemoLoginForm(forms.Form):
    id_number = forms.CharField(label=_("ID number"), max_length=20)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, max_length=128)


class _Refused(Exception):
    pass


def login(request: HttpRequest) -> HttpResponse:
    """The demo identity service's log-in (rate-limited failures per address)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = DemoLoginForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "next": next_url, "citizens": demo_citizens().values()}
    if request.method != "POST" or not form.is_valid():
        return render(
            request, "demo/idp_login.html", context, status=200 if request.method != "POST" else 400
        )
    try:
        with failures_only(("login_ip",), client_subject(request), failures=(_Refused,)):
            user = User.objects.filter(
                username=USERNAME_PREFIX + form.cleaned_data["id_number"].strip()
            ).first()
            if user is None or not hmac.compare_digest(form.cleaned_data["password"], demo_password()):
                raise _Refused
    except _Refused:
        context["refused"] = True
        return render(request, "demo/idp_login.html", context, status=400)
    except RateLimited as error:
        context["limited"] = text.message(error)
        return render(request, "demo/idp_login.html", context, status=429)
    request.session.cycle_key()
    request.session[SESSION_KEY] = user.pk
    return redirect(next_url or reverse("oauth2_provider:demo-login"))


class DemoAuthorizationView(AuthorizationView):
    """django-oauth-toolkit's authorization endpoint, with the demo citizen logged in at the provider
    (its own session key) as the resource owner."""

    def dispatch(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        user_id = request.session.get(SESSION_KEY)
        user = (
            User.objects.filter(pk=user_id, username__startswith=USERNAME_PREFIX).first() if user_id else None
        )
        request.user = user or AnonymousUser()
        return super().dispatch(request, *args, **kwargs)

    def get_login_url(self) -> str:
        return reverse("oauth2_provider:demo-login")
