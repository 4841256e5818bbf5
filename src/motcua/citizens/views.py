"""Pages of a logged-in person or business: log-in and log-out, "my dossiers", one dossier with its
history and the withdrawal. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.desk import text
from motcua.errors import MotcuaError, NotFound

from . import selectors, services
from .models import Citizen
from .session import citizen_page, current_citizen, log_out


@require_GET
def login(request: HttpRequest) -> HttpResponse:
    """The log-in page: one button to the identity service (the national one, or the demo's)."""
    if current_citizen(request) is not None:
        return redirect("citizens:home")
    return render(request, "citizens/login.html", {"next": request.GET.get("next", "")})


@require_GET
def login_failed(request: HttpRequest) -> HttpResponse:
    message = _("The log-in did not succeed. Please start again.")
    return render(request, "citizens/login_failed.html", {"message": message}, status=400)


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    log_out(request)
    return redirect("portal:home")


@require_GET
@citizen_page
def home(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    page = selectors.my_dossiers(citizen, page=request.GET.get("page"))
    return render(request, "citizens/home.html", {"me": citizen, "page": page})


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


@citizen_page
def dossier(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    try:
        read = selectors.my_dossier(citizen, code)
    except NotFound:
        return render(request, "citizens/not_found.html", {"code": code}, status=404)
    return render(request, "citizens/dossier.html", {"read": read, "form": WithdrawForm()})


@require_POST
@citizen_page
def withdraw(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    form = WithdrawForm(request.POST)
    try:
        read = selectors.my_dossier(citizen, code)
    except NotFound:
        return render(request, "citizens/not_found.html", {"code": code}, status=404)
    if form.is_valid():
        try:
            services.withdraw(citizen=citizen, code=code, reason=form.cleaned_data["reason"])
        except MotcuaError as error:
            form.add_error(None, text.message(error))
        else:
            messages.success(request, _("Your dossier %(code)s is withdrawn.") % {"code": code})
            return redirect(reverse("citizens:dossier", args=[code]))
    return render(request, "citizens/dossier.html", {"read": read, "form": form}, status=400)
