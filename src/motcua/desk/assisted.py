"""Assisted online filing at the counter (counter officers of a center, branch or reception point):
find the procedure, type the person's identity and request (the online filing's form), then the person
confirms with a one-time code or on the counter's tablet, and the dossier is sent. Thin: parse, call
`citizens.assisted`, render."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.catalog import selectors as catalog
from motcua.catalog.models import OnlineLevel
from motcua.citizens import assisted, filing
from motcua.citizens.forms import FilingForm
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, MotcuaError
from motcua.network.models import Jurisdiction, Unit
from motcua.ratelimit import RateLimited

from . import text
from .views import staff_page


class AssistedFilingForm(FilingForm):
    """The online filing's form, with the person's identity (typed from their ID card) and the unit."""

    unit = forms.ChoiceField(label=_("Receiving unit"))
    applicant_name = forms.CharField(label=_("Full name"), max_length=200)
    applicant_id_number = forms.CharField(label=_("ID number"), max_length=20)

    def __init__(self, *args, units=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.code, text.pick(u.name_vi, u.name_en)) for u in units]

    def values(self) -> dict:
        data = self.data
        return {
            **{
                name: data.get(name, "") for name in (*filing.FIELDS, "applicant_name", "applicant_id_number")
            },
            "papers": data.getlist("papers"),
            **{name: data.get(name) == "on" for name in ("return_by_post", "notify_email", "notify_sms")},
        }

    def add_problems(self, error: MotcuaError) -> None:
        self.add_error(None, text.message(error))
        for problem in error.problems:
            name = problem.field.replace("applicant.", "").replace(".", "_")
            name = {"name": "applicant_name", "id_number": "applicant_id_number"}.get(name, name)
            if name in self.fields and not name.startswith("paper"):
                self.add_error(name, text.reason(problem))
            else:
                self.add_error(None, text.reason(problem))


def _units(actor: Actor):
    units = list(assisted.counter_units(actor))
    if not units:
        raise Forbidden(
            "Chỉ cán bộ một cửa (trung tâm, chi nhánh, điểm tiếp nhận) được nộp hồ sơ trực tuyến hộ người dân.",
            "Only counter officers (center, branch, reception point) file online for a person.",
        )
    return units


@require_GET
@staff_page
def home(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Find the procedure (those offered online); the filings waiting for the person's confirmation."""
    _units(actor)
    query = request.GET.get("q", "").strip()[:200]
    procedures = catalog.procedures().exclude(online_level=OnlineLevel.NONE).order_by("code")
    if query:
        procedures = catalog.matching(procedures, query)
    context = {"query": query, "procedures": procedures[:50], "pending": assisted.pending_of(actor)[:50]}
    return render(request, "desk/assisted_home.html", context)


@require_http_methods(["GET", "POST"])
@staff_page
def new(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    units = _units(actor)
    procedure = filing.procedure_named(code)
    facts = filing.filing_facts(procedure)
    if request.method == "GET":
        form = AssistedFilingForm(
            initial={"unit": units[0].code, "return_unit": units[0].code, "notify_sms": True},
            components=facts.components,
            units=units,
        )
        return _form_page(request, facts, form)
    form = AssistedFilingForm(request.POST, components=facts.components, units=units)
    if not form.is_valid():
        return _form_page(request, facts, form, 400)
    try:
        found = assisted.start(
            actor=actor, unit_code=form.cleaned_data["unit"], procedure_code=code, data=form.values()
        )
    except MotcuaError as error:
        form.add_problems(error)
        return _form_page(request, facts, form, error.http_status)
    return redirect("desk:assisted_filing", found.pk)


def _form_page(request, facts, form, status: int = 200) -> HttpResponse:
    return render(request, "desk/assisted_form.html", {"facts": facts, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
@staff_page
def pending(request: HttpRequest, actor: Actor, filing_id: int) -> HttpResponse:
    """The summary; send a code to the person's phone or e-mail, type the code they read back."""
    found = assisted.filing_of(actor, filing_id)
    if found.submitted:
        return _sent_page(request, found)
    error, status, sent_to = None, 200, ""
    if request.method == "POST":
        try:
            if "send_code" in request.POST:
                found, message = assisted.send_code(
                    actor=actor, filing_id=found.pk, channel=request.POST.get("send_code", "")
                )
                sent_to = message.recipient
            else:
                assisted.confirm_with_code(
                    actor=actor,
                    filing_id=found.pk,
                    code=request.POST.get("code", "")[:20],
                    language=get_language(),
                )
                found.refresh_from_db()
                return _sent_page(request, found, 201)
        except (MotcuaError, RateLimited) as failed:
            error, status = text.message(failed), failed.http_status
            found.refresh_from_db()
    return _summary_page(request, "desk/assisted_pending.html", found, error, status, sent_to=sent_to)


@require_http_methods(["GET", "POST"])
@staff_page
def tablet(request: HttpRequest, actor: Actor, filing_id: int) -> HttpResponse:
    """The counter's tablet (opened in the officer's session and turned to the person): they read the
    summary, type their name and tick their agreement."""
    found = assisted.filing_of(actor, filing_id)
    if found.submitted:
        return _sent_page(request, found)
    if request.method == "GET":
        return _summary_page(request, "desk/assisted_tablet.html", found)
    try:
        assisted.confirm_on_tablet(
            actor=actor,
            filing_id=found.pk,
            signed_name=request.POST.get("signed_name", "")[:200],
            agreed=request.POST.get("agreed") == "on",
            language=get_language(),
        )
    except MotcuaError as failed:
        reasons = "; ".join(text.reason(p) for p in failed.problems)
        message = f"{text.message(failed)} {reasons}".strip()
        return _summary_page(request, "desk/assisted_tablet.html", found, message, failed.http_status)
    found.refresh_from_db()
    return _sent_page(request, found, 201)


def _summary(found) -> list[tuple[str, str]]:
    """What the person confirms, as rows of label and value."""
    data = found.data
    facts = filing.filing_facts(found.procedure)
    commune = Jurisdiction.objects.filter(code=data.get("subject_jurisdiction", "")).first()
    back = Unit.objects.filter(code=data.get("return_unit", "")).first()
    papers = [text.pick(c.name_vi, c.name_en) for c in facts.components if c.code in data.get("papers", [])]
    where = (
        f"{_('By post')}: {data.get('return_address', '')}"
        if data.get("return_by_post")
        else (text.pick(back.name_vi, back.name_en) if back else "—")
    )
    return [
        (
            _("Procedure"),
            f"{found.procedure.code} · {text.pick(found.procedure.name_vi, found.procedure.name_en)}",
        ),
        (_("Full name"), data.get("applicant_name", "")),
        (_("ID number"), data.get("applicant_id_number", "")),
        (_("Phone"), data.get("phone", "") or "—"),
        (_("E-mail"), data.get("email", "") or "—"),
        (_("Address"), data.get("address", "") or "—"),
        (_("Commune or ward the matter concerns"), commune.name if commune else "—"),
        (_("Request"), data.get("request_text", "") or "—"),
        (_("Papers"), "; ".join(papers) or "—"),
        (_("Collect the result at"), where),
        (_("Receiving unit"), text.pick(found.unit.name_vi, found.unit.name_en)),
    ]


def _summary_page(request, template, found, error=None, status: int = 200, **extra) -> HttpResponse:
    context = {
        "found": found,
        "rows": _summary(found),
        "facts": filing.filing_facts(found.procedure),
        "error": error,
        **extra,
    }
    return render(request, template, context, status=status)


def _sent_page(request, found, status: int = 200) -> HttpResponse:
    dossier = Dossier.objects.get(code=found.submitted_code)
    return render(request, "desk/assisted_sent.html", {"found": found, "dossier": dossier}, status=status)
