from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Sector
from motcua.network import selectors as network


def home(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    sector = request.GET.get("sector", "").strip()
    procedures = catalog.procedures()
    if query:
        procedures = procedures.filter(name_vi__icontains=query) | procedures.filter(code__icontains=query)
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
