"""The online filing pages: find a procedure, start or resume a draft, fill it in, see the fees and the
expected appointment, send it; a procedure not offered online says so with the nearest units that
take it. Thin: parse, call filing's services and reads, render."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import selectors as catalog
from motcua.catalog.models import Sector
from motcua.desk import text
from motcua.documents import online
from motcua.documents.uploads import SizeLimitedUploadHandler, too_large
from motcua.errors import MotcuaError, NotFound
from motcua.network.models import Jurisdiction
from motcua.ratelimit import RateLimited, client_subject, hit

from . import filing
from .forms import FilingForm
from .models import Citizen
from .session import citizen_page, current_citizen


@require_GET
def choose(request: HttpRequest) -> HttpResponse:
    """Find a procedure, as on the catalog; each offered online has its "file online" button."""
    query, sector = request.GET.get("q", "").strip()[:200], request.GET.get("sector", "").strip()[:20]
    procedures = catalog.procedures()
    if query:
        procedures = catalog.matching(procedures, query)
    if sector:
        procedures = procedures.filter(sector__code=sector)
    citizen = current_citizen(request)
    context = {
        "procedures": procedures,
        "sectors": Sector.objects.all(),
        "query": query,
        "sector": sector,
        "drafts": filing.open_drafts(citizen) if citizen else [],
    }
    return render(request, "citizens/choose.html", context)


@require_http_methods(["GET", "POST"])
def procedure(request: HttpRequest, code: str) -> HttpResponse:
    try:
        found = filing.procedure_named(code)
    except NotFound:
        return render(request, "citizens/not_found.html", {"code": code}, status=404)
    if not filing.offered_online(found):
        near = Jurisdiction.objects.filter(code=request.GET.get("near", "")[:16]).first()
        context = {"procedure": found, "units": filing.nearest_units(found, near), "near": near}
        context["communes"] = filing.communes()
        return render(request, "citizens/not_online.html", context)
    citizen = current_citizen(request)
    if citizen is None:
        return redirect(f"{reverse('citizens:login')}?next={request.path}")
    if request.method == "POST":
        draft = filing.start_draft(citizen=citizen, procedure_code=found.code)
        return redirect("citizens:draft", draft.pk)
    facts = filing.filing_facts(found)
    return render(request, "citizens/start.html", {"facts": facts, "drafts": filing.open_drafts(citizen)})


def _form_data(form: FilingForm) -> dict:
    data = form.data
    return {
        **{name: data.get(name, "") for name in filing.FIELDS if name != "papers"},
        "papers": data.getlist("papers"),
        "return_by_post": data.get("return_by_post") == "on",
        "notify_email": data.get("notify_email") == "on",
        "notify_sms": data.get("notify_sms") == "on",
    }


@require_http_methods(["GET", "POST"])
@citizen_page
def draft(request: HttpRequest, citizen: Citizen, draft_id: int) -> HttpResponse:
    current = filing.draft_of(citizen, draft_id)
    if current.submitted:
        return redirect("citizens:dossier", current.submitted_code)
    facts = filing.filing_facts(current.procedure)
    if request.method == "GET":
        flags = ("return_by_post", "notify_email", "notify_sms")
        initial = {**current.data, **{name: bool(current.data.get(name)) for name in flags}}
        form = FilingForm(initial=initial, components=facts.components)
        return _draft_page(request, citizen, current, facts, form)
    form = FilingForm(request.POST, components=facts.components)
    status = 200
    try:
        filing.save_draft(
            citizen=citizen, draft_id=current.pk, data=_form_data(form)
        )  # kept whatever follows
        attached = _attach_papers(request, citizen, current, facts)
        if request.POST.get("send"):
            hit("submit_ip", client_subject(request))
            if form.is_valid():
                result = filing.submit_draft(
                    citizen=citizen, draft_id=current.pk, data=_form_data(form), language=get_language()
                )
                return render(request, "citizens/submitted.html", {"result": result}, status=201)
            status = 400
        else:
            if attached:
                messages.success(request, _("The file is attached to the draft."))
            else:
                messages.success(request, _("Draft saved. You may come back to it at any time."))
            return redirect("citizens:draft", current.pk)
    except RateLimited as error:
        form.add_error(None, text.message(error))
        status = 429
    except MotcuaError as error:
        form.add_error(None, text.message(error))
        for problem in error.problems:
            name = problem.field.removeprefix("applicant.")
            if name == "unit":
                name = "return_unit"
            if name in form.fields or name.startswith("paper_"):
                form.add_error(None if name.startswith("paper_") else name, text.reason(problem))
        status = error.http_status
    current.refresh_from_db()
    return _draft_page(request, citizen, current, facts, form, status)


def _attach_papers(request: HttpRequest, citizen: Citizen, current, facts) -> bool:
    """The files chosen for the draft's papers (or papers of the store reused), and a file removed;
    whether anything was attached. The first refused file stops here, naming its paper."""
    oversized = oversized_paper(request, facts.components)
    if oversized:
        raise oversized
    remove = request.POST.get("remove", "")[:40]
    if remove:
        online.remove_from_draft(citizen=citizen, draft_id=current.pk, component=remove)
    attached = False
    for component in facts.components:
        field = online.paper_field(component.code)
        files = request.FILES.getlist(field)
        source = request.POST.get(f"reuse_{component.code}", "")[:24]
        if files:
            online.attach_to_draft(
                citizen=citizen, draft_id=current.pk, component=component.code, files=files
            )
        elif source:
            online.reuse_in_draft(
                citizen=citizen, draft_id=current.pk, component=component.code, source=source
            )
        attached = attached or bool(files or source)
    return attached


def oversized_paper(request: HttpRequest, components) -> MotcuaError | None:
    """A file stopped at the per-file limit while it streamed in, said of the paper it was for."""
    handler = next((h for h in request.upload_handlers if isinstance(h, SizeLimitedUploadHandler)), None)
    if handler is None or not handler.oversized:
        return None
    field = handler.oversized_fields[0]
    error = too_large(field, handler.oversized[0], handler.limit)
    paper = next((c for c in components if online.paper_field(c.code) == field), None)
    return online.about_paper(error, paper) if paper else error


def _draft_page(request, citizen, current, facts, form, status: int = 200) -> HttpResponse:
    files = online.draft_files(current)
    store = list(online.own_store(citizen)[:50]) if any(c.reusable for c in facts.components) else []
    papers = [(c, files.get(c.code)) for c in facts.components]
    context = {
        "me": citizen,
        "draft": current,
        "facts": facts,
        "form": form,
        "papers": papers,
        "store": store,
    }
    return render(request, "citizens/draft.html", context, status=status)
