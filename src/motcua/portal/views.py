from django import forms
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Sector
from motcua.desk import text
from motcua.dossiers import selectors as dossiers
from motcua.dossiers.satisfaction import rating_scale
from motcua.dossiers.schemas import CODE_PATTERN
from motcua.errors import NotFound
from motcua.network import selectors as network
from motcua.ratelimit import RateLimited, client_subject, failures_only, hit


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

    def clean_code(self) -> str:  # codes are printed in capitals
        return self.cleaned_data["code"].upper()


def track(request: HttpRequest) -> HttpResponse:
    """The applicant's tracking page: code and PIN of the receipt; rate-limited exactly like the API's
    POST /api/track; shows no personal data."""
    if request.method != "POST":
        form = TrackForm(initial={"code": request.GET.get("code", "")[:40]})
        return render(request, "portal/track.html", {"form": form})
    form = TrackForm(request.POST)
    context, status = {"form": form}, 200
    if form.is_valid():
        code, pin = form.cleaned_data["code"], form.cleaned_data["pin"]
        try:
            hit("track_ip", client_subject(request))
            with failures_only(("track_code", "track_code_day"), code, failures=(NotFound,)):
                context["result"] = dossiers.public_status(code, pin)
            context["rating_scale"] = [(s, text.pick(vi, en)) for s, vi, en in rating_scale()]
        except RateLimited as error:
            context["error"], status = text.message(error), 429
        except NotFound:
            context["error"], status = _("No dossier matches this code and PIN."), 404
    else:
        status = 400
    return render(request, "portal/track.html", context, status=status)
