"""Pages: rate a dossier from the tracking page (code and PIN) or on the return desk's tablet; send
feedback (logged-in citizens); the published answers; a unit's inbox and its answers. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.citizens.models import Citizen
from motcua.citizens.selectors import dossiers_of
from motcua.citizens.session import citizen_page
from motcua.desk import text
from motcua.dossiers import selectors as dossiers
from motcua.dossiers import tracking
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.satisfaction import rating_scale
from motcua.errors import MotcuaError, NotFound
from motcua.network.models import Unit
from motcua.ratelimit import RateLimited, client_subject, hit

from . import selectors, services
from .models import Feedback


def scale() -> list[tuple[int, str]]:
    return [(score, text.pick(vi, en)) for score, vi, en in rating_scale()]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, choices=())
    comment = forms.CharField(max_length=1000, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = scale()


def _thanks(request: HttpRequest, code: str, status: int = 200, error: str = "") -> HttpResponse:
    return render(request, "feedback/rated.html", {"code": code, "error": error}, status=status)


@require_POST
def rate_by_tracking(request: HttpRequest) -> HttpResponse:
    """From the tracking page: the code and PIN again (rate-limited as the look-up), then the rating."""
    code, pin = str(request.POST.get("code", ""))[:40].upper(), str(request.POST.get("pin", ""))[:12]
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _thanks(request, code, 400, _("Please choose one of the levels."))
    try:
        client = client_subject(request)
        tracking.admit(client)
        tracking.look_up(
            code=code,
            pin=pin,
            second_factor=request.POST.get("second_factor", "")[:12] or None,
            client=client,
        )
        services.rate(actor=Actor.of_applicant(), code=code, **form.cleaned_data)
    except RateLimited as error:
        return _thanks(request, code, 429, text.message(error))
    except tracking.SecondFactorRequired as error:
        return _thanks(request, code, 403, text.message(error))
    except NotFound:
        return _thanks(request, code, 404, _("No dossier matches this code and PIN."))
    except MotcuaError as error:
        return _thanks(request, code, error.http_status, text.message(error))
    return _thanks(request, code)


@login_required
@require_http_methods(["GET", "POST"])
def tablet(request: HttpRequest, code: str) -> HttpResponse:
    """The return desk's tablet: the counter officer opens it, the applicant taps a level."""
    actor = Actor.staff(request.user)
    dossier = Dossier.objects.select_related("procedure").filter(code=code).first()
    if dossier is None:
        return render(request, "desk/problem.html", {"title": _("Not found"), "message": code}, status=404)
    if request.method == "POST":
        form = RatingForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "feedback/tablet.html",
                {"dossier": dossier, "scale": scale(), "error": _("Please choose one of the levels.")},
                status=400,
            )
        try:
            services.rate(actor=actor, code=code, **form.cleaned_data)
        except MotcuaError as error:
            context = {"dossier": dossier, "scale": scale(), "error": text.message(error)}
            return render(request, "feedback/tablet.html", context, status=error.http_status)
        return render(request, "feedback/tablet.html", {"dossier": dossier, "thanks": True})
    offered = (
        {a.action for a in dossiers.allowed_actions(actor, dossier)}
        if dossier.status == Status.RETURNED
        else set()
    )
    if "rate" not in offered:
        message = _(
            "This dossier cannot be rated here: it is rated once, after its result is returned, at its return point."
        )
        return render(
            request, "desk/problem.html", {"title": _("Access denied"), "message": message}, status=403
        )
    return render(request, "feedback/tablet.html", {"dossier": dossier, "scale": scale()})


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Feedback.Kind.choices)
    dossier = forms.ChoiceField(label=gettext_lazy("About your dossier"), required=False)
    unit = forms.ChoiceField(label=gettext_lazy("Or about the unit"), required=False)
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=200)
    text = forms.CharField(
        label=gettext_lazy("Your feedback"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, citizen: Citizen, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        codes = dossiers_of(citizen).order_by("-id").values_list("code", flat=True)[:100]
        self.fields["dossier"].choices = [("", "—")] + [(c, c) for c in codes]
        units = Unit.objects.filter(active=True).order_by("kind", "code")
        self.fields["unit"].choices = [("", "—")] + [(u.code, text.pick(u.name_vi, u.name_en)) for u in units]


@citizen_page
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    form = FeedbackForm(
        request.POST or None, citizen=citizen, initial={"dossier": request.GET.get("dossier", "")}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                hit("submit_ip", client_subject(request))
                feedback = services.submit_feedback(
                    citizen=citizen,
                    kind=data["kind"],
                    subject=data["subject"],
                    text=data["text"],
                    dossier_code=data["dossier"],
                    unit_code=data["unit"],
                )
            except MotcuaError as error:
                form.add_error(None, text.message(error))
                for problem in error.problems:
                    if problem.field in form.fields:
                        form.add_error(problem.field, text.reason(problem))
                status = error.http_status
            else:
                message = _("Your feedback was sent to %(unit)s; it must be answered by %(due)s.") % {
                    "unit": text.pick(feedback.unit.name_vi, feedback.unit.name_en),
                    "due": _local(feedback.due_at),
                }
                messages.success(request, message)
                return redirect("feedback:mine")
    return render(request, "feedback/new.html", {"form": form}, status=status)


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


@require_GET
@citizen_page
def mine(request: HttpRequest, citizen: Citizen) -> HttpResponse:
    items = Feedback.objects.filter(citizen=citizen).select_related("unit").order_by("-received_at")[:100]
    return render(request, "feedback/mine.html", {"items": items})


@require_GET
def answers(request: HttpRequest) -> HttpResponse:
    return render(request, "feedback/answers.html", {"items": selectors.published()[:100]})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    actor = Actor.staff(request.user)
    items = [(f, services.may_answer(actor, f)) for f in selectors.inbox(actor)[:200]]
    return render(request, "feedback/inbox.html", {"items": items})


@login_required
@require_POST
def answer(request: HttpRequest, feedback_id: int) -> HttpResponse:
    try:
        services.answer_feedback(
            actor=Actor.staff(request.user),
            feedback_id=feedback_id,
            answer=str(request.POST.get("answer", "")),
        )
    except MotcuaError as error:
        status = error.http_status
        context = {"title": _("The request cannot be carried out"), "message": text.message(error)}
        return render(request, "desk/problem.html", context, status=status)
    messages.success(request, _("The answer is published."))
    return redirect("feedback:inbox")
