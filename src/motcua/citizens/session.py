"""The citizen's session: who is logged in as a person or business. Kept apart from Django's staff
log-in (request.user stays anonymous for a citizen), so no staff page or API ever accepts a citizen."""

from __future__ import annotations

from functools import wraps

from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from motcua.errors import NotFound

from .models import Citizen

SESSION_KEY = "motcua_citizen_id"
_CACHE = "_motcua_citizen"


def log_in(request: HttpRequest, citizen: Citizen) -> None:
    """One identity per browser: a staff session there ends; the session key changes (fixation)."""
    if request.user.is_authenticated:
        auth.logout(request)
    else:
        request.session.cycle_key()
    request.session[SESSION_KEY] = citizen.pk
    setattr(request, _CACHE, citizen)


def log_out(request: HttpRequest) -> None:
    request.session.flush()
    setattr(request, _CACHE, None)


def current_citizen(request: HttpRequest) -> Citizen | None:
    if not hasattr(request, _CACHE):
        citizen_id = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        citizen = Citizen.objects.filter(pk=citizen_id).first() if citizen_id else None
        setattr(request, _CACHE, citizen)
    return getattr(request, _CACHE)


def citizen_page(view):
    """A page for a logged-in person or business: the log-in first, back here afterwards. A page of
    one of their dossiers or drafts (`code` or `draft_id` in its address) that they do not have says
    so in their words (404), whichever lookup found nothing."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        citizen = current_citizen(request)
        if citizen is None:
            return redirect(f"{reverse('citizens:login')}?{urlencode({'next': request.get_full_path()})}")
        try:
            return view(request, citizen, *args, **kwargs)
        except NotFound:
            subject = kwargs.get("code", kwargs.get("draft_id"))
            if subject is None:
                raise
            return render(request, "citizens/not_found.html", {"code": subject}, status=404)

    return wrapper


def end_citizen_session_on_staff_login(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
        setattr(request, _CACHE, None)
