import re

from django import forms
from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Sector
from motcua.desk import text
from motcua.documents.views import tracked_context
from motcua.dossiers import checkpoints, tracking
from motcua.dossiers.satisfaction import rating_scale
from motcua.dossiers.schemas import CODE_PATTERN
from motcua.errors import NotFound
from motcua.network import selectors as network
from motcua.ratelimit import RateLimited, client_subject


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sector = request.GET.get("sector", "").strip()
    procedures = catalog.procedures()
    if query:
        procedures = catalog.matching(procedures, query)
    if sector:
        procedures = procedures.filter(sector__code=sector)
    units = network.service_units().order_by("kind", "code")
    context = {
        "procedures": procedures,
        "sectors": Sector.objects.all(),
        "units": units,
        "query": query,
        "sector": sector,
    }
    template = "portal/_procedure_list.html" if request.htmx else "portal/home.html"
    return render(request, template, context)


def procedure_page(request: HttpRequest, code: str) -> HttpResponse:
    procedure = catalog.procedures().filter(code=code).first()
    if procedure is None:
        raise Http404(code)
    versions = procedure.versions.prefetch_related(*catalog.VERSION_PREFETCH).order_by("-version")
    return render(request, "portal/procedure.html", {"procedure": procedure, "versions": versions})


def health(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok", "database": connection.vendor})


class TrackForm(forms.Form):
    code = forms.RegexField(label=_("Dossier code"), regex=CODE_PATTERN, max_length=40, strip=True)
    pin = forms.RegexField(label=_("PIN"), regex=r"^\s*\d{6}\s*$", max_length=12)
    second_factor = forms.RegexField(
        label=_("Last 4 digits of the applicant's ID number or phone number"),
        regex=tracking.FACTOR_PATTERN,
        max_length=12,
        required=False,
    )

    def clean_code(self) -> str:  # codes are printed in capitals
        return self.cleaned_data["code"].upper()


def track(request: HttpRequest) -> HttpResponse:
    """The applicant's tracking page: code and PIN of the receipt (and, after many failed look-ups of
    the code, the last digits of the applicant's ID number or phone); limited exactly like the API's
    POST /api/track (dossiers/tracking.py); shows no personal data."""
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:40]})
        return render(request, "portal/track.html", {"form": form})
    client = client_subject(request)
    form = TrackForm(request.POST)
    context, status = {"form": form, "ask_factor": bool(request.POST.get("second_factor"))}, 200
    try:
        tracking.admit(client)
        if not form.is_valid():
            status = 400
        else:
            context["result"] = tracking.look_up(
                code=form.cleaned_data["code"],
                pin=form.cleaned_data["pin"],
                second_factor=form.cleaned_data["second_factor"] or None,
                client=client,
            )
            context.update(tracked_context(request, form.cleaned_data["code"]))  # results, files to attach
            context["rating_scale"] = [(s, text.pick(vi, en)) for s, vi, en in rating_scale()]
    except RateLimited as error:
        context["error"], status = text.message(error), 429
    except tracking.SecondFactorRequired as error:
        context["error"], context["ask_factor"], status = text.message(error), True, 403
    except NotFound:
        context["error"], status = _("No dossier matches this code and PIN."), 404
    return render(request, "portal/track.html", context, status=status)


_CHECKPOINT_NAME = re.compile(r"checkpoint-\d{8}T\d{6}\.\d{6}Z\.jsonl")


def transparency(request: HttpRequest) -> HttpResponse:
    """The public page of the event log's signed checkpoints (dossiers/checkpoints.py): anyone may
    keep them and compare, later, that the log still holds what they fixed."""
    recent = checkpoints.recent(30)
    context = {
        "checkpoints": recent,
        "public_key": recent[0].header.get("public_key", "") if recent else "",
        "format": checkpoints.FORMAT,
    }
    return render(request, "portal/transparency.html", context)


def checkpoint_file(request: HttpRequest, name: str) -> FileResponse:
    if not _CHECKPOINT_NAME.fullmatch(name):
        raise Http404(name)
    path = checkpoints.directory() / name
    if not path.is_file():
        raise Http404(name)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=name, content_type="application/x-ndjson"
    )
