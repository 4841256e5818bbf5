"""Pages of a logged-in person or business: log-in and log-out, "my dossiers", one dossier with its
history and the withdrawal. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from motcua.desk import text
from motcua.documents import online
from motcua.documents.views import tracked_context
from motcua.dossiers.models import Status
from motcua.dossiers.permissions import Actor
from motcua.errors import MotcuaError, NotFound
from motcua.notifications import services as notifications

from . import selectors, services
from .filing_views import oversized_paper
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
    read = selectors.my_dossier(citizen, code)
    return _dossier_page(request, citizen, read)


def _dossier_page(request: HttpRequest, citizen: Citizen, read, status: int = 200, **extra) -> HttpResponse:
    consent = ConsentForm(initial=_consent_initial(read.dossier))
    # their own dossier: its results, papers to attach
    files = tracked_context(request, read.dossier.code, read.dossier)
    context = {"read": read, "form": WithdrawForm(), "consent": consent, **files, **extra}
    waiting = read.dossier.status == Status.SUPPLEMENT  # only then is anything asked: no query otherwise
    context["asked"] = online.asked_papers(citizen, read.dossier.code) if waiting else []
    context["store"] = (
        list(online.own_store(citizen)[:50]) if any(c.reusable for c in context["asked"]) else []
    )
    return render(request, "citizens/dossier.html", context, status=status)


@require_POST
@citizen_page
def answer_supplement(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    """The papers a supplement request asks for, sent from "my dossiers" (files, or the store's)."""
    read = selectors.my_dossier(citizen, code)
    asked = online.asked_papers(citizen, code)
    try:
        oversized = oversized_paper(request, asked)
        if oversized:
            raise oversized
        online.answer_supplement(
            citizen=citizen,
            code=code,
            files={c.code: request.FILES.getlist(online.paper_field(c.code)) for c in asked},
            reuses={c.code: request.POST.get(f"reuse_{c.code}", "")[:24] for c in asked},
            note=request.POST.get("note", "")[:2000],
        )
    except NotFound:
        raise  # citizen_page: not theirs
    except MotcuaError as error:
        problems = [text.reason(p) for p in error.problems]
        return _dossier_page(
            request, citizen, read, error.http_status, supplement_error=text.message(error), problems=problems
        )
    messages.success(
        request,
        _("Your papers were sent. The agency checks them; the time limit resumes when it accepts them."),
    )
    return redirect(reverse("citizens:dossier", args=[code]))


@require_POST
@citizen_page
def withdraw(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    form = WithdrawForm(request.POST)
    read = selectors.my_dossier(citizen, code)
    if form.is_valid():
        try:
            services.withdraw(citizen=citizen, code=code, reason=form.cleaned_data["reason"])
        except MotcuaError as error:
            form.add_error(None, text.message(error))
        else:
            messages.success(request, _("Your dossier %(code)s is withdrawn.") % {"code": code})
            return redirect(reverse("citizens:dossier", args=[code]))
    return _dossier_page(request, citizen, read, 400, form=form)


class ConsentForm(forms.Form):
    email = forms.BooleanField(required=False)
    sms = forms.BooleanField(required=False)
    zalo = forms.BooleanField(required=False)
    essential_only = forms.BooleanField(required=False)
    language = forms.ChoiceField(choices=settings.LANGUAGES)


def _consent_initial(dossier) -> dict:
    consent = notifications.consent_of(dossier)
    return {
        "email": consent.email,
        "sms": consent.sms,
        "zalo": consent.zalo,
        "essential_only": consent.essential_only,
        "language": consent.language,
    }


@require_POST
@citizen_page
def consent(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    """The applicant's choice of messages about one of their dossiers."""
    read = selectors.my_dossier(citizen, code)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _dossier_page(request, citizen, read, 400, consent=form)
    notifications.set_consent(dossier=read.dossier, **form.cleaned_data)
    messages.success(request, _("Your choice of messages is saved."))
    return redirect(reverse("citizens:dossier", args=[code]))


@require_POST
@citizen_page
def rate(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    """The applicant rates their returned dossier (the lifecycle's `rate` record)."""
    from motcua.feedback import services as feedback
    from motcua.feedback.views import RatingForm

    selectors.my_dossier(citizen, code)
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose one of the levels."))
        return redirect(reverse("citizens:dossier", args=[code]))
    try:
        feedback.rate(actor=Actor.of_citizen(citizen.id_number), code=code, **form.cleaned_data)
    except MotcuaError as error:
        messages.error(request, text.message(error))
    else:
        messages.success(request, _("Thank you for your rating."))
    return redirect(reverse("citizens:dossier", args=[code]))


@require_POST
@citizen_page
def pay(request: HttpRequest, citizen: Citizen, code: str) -> HttpResponse:
    """To the payment gateway, for what the dossier awaits."""
    from motcua.payments import services as payments

    try:
        checkout = payments.start_payment(
            id_number=citizen.id_number,
            code=code,
            return_url=request.build_absolute_uri(reverse("payments:callback")),
        )
    except NotFound:
        raise  # citizen_page: not theirs
    except MotcuaError as error:
        messages.error(request, text.message(error))
        return redirect(reverse("citizens:dossier", args=[code]))
    return redirect(checkout.url)
