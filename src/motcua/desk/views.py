"""Staff pages: the work queue, the counter's intake with its receipt and printable slip, and the
dossier page with the actions the officer may take. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from motcua.dossiers import clock, services
from motcua.dossiers import selectors as dossiers
from motcua.dossiers.engine import record_named
from motcua.dossiers.lifecycle import Action, ActionRecord
from motcua.dossiers.models import Channel, Status
from motcua.dossiers.permissions import Actor
from motcua.errors import Forbidden, MotcuaError, NotFound

from . import fee_slips, forms, later_slips, receipts, text
from . import selectors as desk

PIN_SESSION_KEY = "desk_receipt_pins"
FILTER_KEYS = ("unit", "status", "due", "procedure", "channel", "q", "scope")


def staff_page(view):
    """Log-in required; a dossier the officer may not see gives the 403 page, an unknown one the
    404 page (never a server error)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, Actor.staff(request.user), *args, **kwargs)
        except MotcuaError as error:  # not visible, unknown, or an unknown action
            return problem_page(request, error)

    return wrapper


def problem_page(request: HttpRequest, error: MotcuaError) -> HttpResponse:
    titles = {403: _("Access denied"), 404: _("Not found")}
    title = titles.get(error.http_status, _("The request cannot be carried out"))
    context = {"title": title, "message": text.message(error)}
    return render(request, "desk/problem.html", context, status=error.http_status)


# --- work queue -------------------------------------------------------------------------------------


@require_GET
@staff_page
def queue(request: HttpRequest, actor: Actor) -> HttpResponse:
    filters = _queue_filters(request)
    context = {
        "filters": filters,
        "units": desk.queue_units(actor).order_by("kind", "code"),
        "statuses": [(s.value, s.label) for s in Status],
        "procedures": desk.procedure_choices(),
        "channels": Channel.choices,
        "manager": actor.manager,
    }
    try:
        page = dossiers.work_queue(
            actor, **_selector_filters(filters), cursor=request.GET.get("cursor") or None
        )
    except MotcuaError as error:  # a unit not held, a bad cursor
        if isinstance(error, NotFound | Forbidden):
            raise
        context["error"] = text.message(error)
        page = None
    if page is not None:
        now = timezone.now()
        calendar = clock.calendar()
        context["rows"] = [(d, desk.due_badge(d, now, calendar)) for d in page.items]
        context["next_query"] = _next_query(request, page.next_cursor)
    template = "desk/_queue.html" if request.htmx and not request.htmx.boosted else "desk/queue.html"
    return render(request, template, context)


def _queue_filters(request: HttpRequest) -> dict[str, str]:
    return {key: request.GET.get(key, "").strip()[:200] for key in FILTER_KEYS}


def _number(value: str, low: int, high: int) -> int | None:
    # ASCII digits only: str.isdigit() is true of '²', which int() refuses
    return int(value) if _DIGITS.fullmatch(value) and low <= int(value) <= high else None


_DIGITS = re.compile(r"[0-9]{1,9}")


def _selector_filters(filters: dict[str, str]) -> dict:
    return {
        "unit": filters["unit"] or None,
        "status": _number(filters["status"], 1, 10),
        "due": filters["due"] if filters["due"] in ("soon", "late") else None,
        "procedure": filters["procedure"] or None,
        "channel": _number(filters["channel"], 1, 3),
        "q": filters["q"] or None,
        "scope": "involved" if filters["scope"] == "involved" else "current",
    }


def _next_query(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    query = request.GET.copy()
    query["cursor"] = cursor
    return query.urlencode()


# --- intake -----------------------------------------------------------------------------------------


@staff_page
def intake(request: HttpRequest, actor: Actor) -> HttpResponse:
    units = list(desk.intake_units(actor))
    if not units:
        raise Forbidden(
            "Bạn không có vai trò tiếp nhận (một cửa, bưu chính) tại đơn vị nào.",
            "You hold no counter or postal role at any unit.",
        )
    points = list(desk.return_points())
    if request.method != "POST":
        request.session.pop(PIN_SESSION_KEY, None)  # the previous receipt's PIN is not shown again
        form = forms.IntakeForm(units=units, return_points=points)
        procedure, components = desk.checklist(request.GET.get("procedure", ""), timezone.localdate())
        return _intake_page(request, form, procedure, forms.checklist_rows(components))
    data = request.POST
    if "wrong_place" in data:  # the unit may not receive it: Form 03 naming where to file
        data = data.copy()
        data["decision"] = "refuse"
    form = forms.IntakeForm(data, units=units, return_points=points)
    procedure, components = desk.checklist(request.POST.get("procedure", "").strip(), timezone.localdate())
    rows = forms.checklist_rows(components, request.POST)
    if "load_checklist" in request.POST:
        return _intake_page(request, form, procedure, rows)
    papers = forms.papers_from(rows)
    if not form.is_valid() or papers is None:
        return _intake_page(request, form, procedure, rows, status=400)
    try:
        result = services.intake(actor=actor, request=form.intake_request(papers))
    except MotcuaError as error:
        form.add_problems(error, papers, rows)
        wrong_place = error.code == "not_boundary_free"
        return _intake_page(request, form, procedure, rows, status=400, wrong_place=wrong_place)
    _remember_pin(request, result.dossier.code, result.pin)
    if result.missing and form.cleaned_data["decision"] == "receive":  # the service's rule, said aloud
        names = ", ".join(text.pick(m["name_vi"], m["name_en"]) or m["code"] for m in result.missing)
        messages.warning(
            request,
            _(
                "Required papers are missing (%(papers)s): a supplement request (Form 02) was issued instead of a receipt."
            )
            % {"papers": names},
        )
    return redirect("desk:receipt", code=result.dossier.code)


def _intake_page(
    request, form, procedure, rows, status: int = 200, wrong_place: bool = False
) -> HttpResponse:
    context = {
        "wrong_place": wrong_place,
        "form": form,
        "procedures": desk.procedure_choices(),
        "communes": desk.communes(),
        "procedure": procedure,
        "rows": rows,
        "paper_forms": forms.FORM_CHOICES,
    }
    return render(request, "desk/intake.html", context, status=status)


@require_GET
@staff_page
def checklist(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The checklist of the procedure version in force (htmx swaps it in when the procedure changes)."""
    procedure, components = desk.checklist(request.GET.get("procedure", "").strip(), timezone.localdate())
    context = {
        "procedure": procedure,
        "rows": forms.checklist_rows(components),
        "paper_forms": forms.FORM_CHOICES,
    }
    return render(request, "desk/_checklist.html", context)


def _remember_pin(request: HttpRequest, code: str, pin: str) -> None:
    """The dossier keeps only an HMAC of the PIN; the PIN itself stays in the officer's server-side
    session until the next intake, so that the receipt page and the printed slip can show it."""
    request.session[PIN_SESSION_KEY] = {code: pin}


def _pin_of(request: HttpRequest, code: str) -> str | None:
    return request.session.get(PIN_SESSION_KEY, {}).get(code)


@require_GET
@staff_page
def receipt(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    dossier = dossiers.dossier_detail(actor, code)
    context = {
        "dossier": dossier,
        "pin": _pin_of(request, code),
        "explanation": _explanation(dossiers.due_explanation(dossier)),
        "slip": receipts.slip_for(dossier),
        "open_supplement": receipts.open_supplement(dossier),
        "where_to_file": receipts.where_to_file(dossier),
    }
    return render(request, "desk/receipt.html", context)


@require_GET
@staff_page
def receipt_pdf(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    dossier = dossiers.dossier_detail(actor, code)
    tracking_url = request.build_absolute_uri(reverse("portal:track")) + f"?code={dossier.code}"
    pdf = receipts.render(
        dossier, tracking_url=tracking_url, pin=_pin_of(request, code), officer=_officer(dossier)
    )
    slip = receipts.slip_for(dossier)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{slip.filename}-{dossier.code}.pdf"'
    return response


@require_GET
@staff_page
def apology_pdf(request: HttpRequest, actor: Actor, code: str, number: int) -> HttpResponse:
    """Form 04 of the dossier's n-th apology (1 = the first)."""
    dossier = dossiers.dossier_detail(actor, code)
    apologies = list(dossier.apologies.all())
    if not 1 <= number <= len(apologies):
        raise NotFound(f"phiếu xin lỗi số {number} của hồ sơ {code}", f"apology {number} of dossier {code}")
    apology = apologies[number - 1]
    apologized = [e for e in dossier.events.all() if e.action == Action.APOLOGIZE]
    signer = text.officer_name(apologized[number - 1] if len(apologized) >= number else None)
    pdf = later_slips.apology_pdf(dossier, apology, signer=signer)
    return _pdf(pdf, f"phieu-xin-loi-{number}-{dossier.code}.pdf")


@require_GET
@staff_page
def control_slip_pdf(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    from motcua.documents.forms import control_slip

    dossier = dossiers.dossier_detail(actor, code)
    slip = control_slip(dossier)
    signer = text.officer_name(slip.event) if slip else ""
    return _pdf(later_slips.control_slip_pdf(dossier, signer=signer), f"phieu-kiem-soat-{dossier.code}.pdf")


@require_GET
@staff_page
def fee_receipt_pdf(request: HttpRequest, actor: Actor, code: str, number: int) -> HttpResponse:
    """The dossier's n-th fee receipt or refund slip (1 = the first), as printed at the counter."""
    dossier = dossiers.dossier_detail(actor, code)
    receipts_on_file = list(dossier.fee_receipts.select_related("unit", "officer").order_by("at", "id"))
    if not 1 <= number <= len(receipts_on_file):
        raise NotFound(f"biên lai số {number} của hồ sơ {code}", f"fee receipt {number} of dossier {code}")
    receipt = receipts_on_file[number - 1]
    officer = receipt.officer.get_full_name() or receipt.officer.get_username() if receipt.officer else ""
    pdf = fee_slips.fee_receipt_pdf(dossier, receipt, officer=officer)
    return _pdf(pdf, f"bien-lai-{number}-{dossier.code}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _officer(dossier) -> str:
    """Who signs the slip: the officer of the intake, or of the supplement request the slip is for."""
    from motcua.documents.forms import slip_event

    return text.officer_name(slip_event(dossier))


def _explanation(due) -> str:
    return text.pick(due.vi, due.en)


# --- a supplement brought to this counter ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_page
def supplement_brought(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A supplement taken at any counter of the province: the officer finds the dossier by its code and
    the applicant's ID number, ticks the papers brought, and the dossier's unit gets them."""
    if not desk.intake_units(actor).exists():
        raise Forbidden(
            "Bạn không có vai trò tiếp nhận (một cửa, bưu chính) tại đơn vị nào.",
            "You hold no counter or postal role at any unit.",
        )
    context: dict = {"code": "", "id_number": "", "error": None}
    if request.method != "POST":
        return render(request, "desk/supplement_brought.html", context)
    code = request.POST.get("code", "").strip()[:40]
    id_number = request.POST.get("id_number", "").strip()[:20]
    context.update(code=code, id_number=id_number)
    try:
        dossier, asked = dossiers.supplement_brought(actor, code, id_number)
    except NotFound as error:
        context["error"] = text.message(error)
        return render(request, "desk/supplement_brought.html", context, status=404)
    components = list(dossier.procedure_version.components.all())
    asked_codes = {m["code"] for m in asked.missing if m.get("code")}
    context.update(dossier=dossier, asked=asked, components=components, ticked=asked_codes)
    if "receive" not in request.POST:
        return render(request, "desk/supplement_brought.html", context)
    chosen = set(request.POST.getlist("papers"))
    context["ticked"] = chosen
    params = {
        "papers": [{"component": c.code, "form": c.form} for c in components if c.code in chosen],
        "note": request.POST.get("note", "").strip()[:2000],
        "applicant_id_number": id_number,
    }
    try:
        done = services.act(actor=actor, code=dossier.code, action=Action.SUPPLEMENT_RECEIVED, params=params)
    except (Forbidden, NotFound):
        raise
    except MotcuaError as error:
        context["error"] = text.message(error)
        return render(request, "desk/supplement_brought.html", context, status=error.http_status)
    context["done"] = done
    return render(request, "desk/supplement_brought.html", context)


# --- the postal desk --------------------------------------------------------------------------------

SHIPMENT_FIELD = "number-"  # the shipment number typed for a dossier: number-<code>
POST_OUTCOMES = {"delivered": Action.POST_DELIVERED, "returned": Action.POST_RETURNED_TO_SENDER}


def _desk_units_required(actor: Actor) -> None:
    if not desk.intake_units(actor).exists():
        raise Forbidden(
            "Bạn không có vai trò tiếp nhận (một cửa, bưu chính) tại đơn vị nào.",
            "You hold no counter or postal role at any unit.",
        )


def _post_page(request: HttpRequest, actor: Actor, status: int = 200, **context) -> HttpResponse:
    context = {"desk": desk.post_desk(actor), "numbers": {}, "errors": {}, **context}
    return render(request, "desk/post.html", context, status=status)


@require_GET
@staff_page
def post_desk(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The postal desk: results whose applicant chose the post, waiting at the officer's units, with a
    shipment number to type for each; results in the post, with their outcome to record."""
    _desk_units_required(actor)
    return _post_page(request, actor)


@require_http_methods(["POST"])
@staff_page
def hand_to_post(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Several results handed to the postman at once: each row with a number is one action (its own
    transaction); a row refused keeps its number and shows why, the others are recorded."""
    _desk_units_required(actor)
    numbers = {
        key[len(SHIPMENT_FIELD) :][:40]: value.strip()[:100]
        for key, value in request.POST.items()
        if key.startswith(SHIPMENT_FIELD) and value.strip()
    }
    if not numbers:
        return _post_page(
            request, actor, 400, form_error=_("Type the shipment number of at least one result.")
        )
    errors, sent = {}, []
    for code, number in numbers.items():
        try:
            services.act(
                actor=actor, code=code, action=Action.HAND_TO_POST, params={"shipment_number": number}
            )
            sent.append(code)
        except MotcuaError as error:
            errors[code] = text.message(error)
    if sent:
        messages.success(request, _("Handed to the post: %(count)d.") % {"count": len(sent)})
    if errors:
        failed = {code: numbers[code] for code in errors}
        return _post_page(request, actor, 400, numbers=failed, errors=errors)
    return redirect("desk:post")


@require_http_methods(["POST"])
@staff_page
def post_outcome(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The outcome the postman reports for one result in the post: delivered, or returned to sender."""
    _desk_units_required(actor)
    code = request.POST.get("code", "").strip()[:40]
    action = POST_OUTCOMES.get(request.POST.get("outcome", ""))
    if action is None:
        return _post_page(
            request, actor, 400, outcome_errors={code: _("Choose delivered or returned to sender.")}
        )
    record = record_named(action)
    data = request.POST.copy()  # one time field on the row: when it was delivered or came back
    data["delivered_at" if action == Action.POST_DELIVERED else "returned_at"] = data.get("at", "")
    try:
        params = forms.action_params(record, data, [])
        services.act(actor=actor, code=code, action=action, params=params)
    except forms.ActionInvalid as invalid:
        return _post_page(request, actor, 400, outcome_errors={code: "; ".join(invalid.errors.values())})
    except MotcuaError as error:
        return _post_page(request, actor, error.http_status, outcome_errors={code: text.message(error)})
    messages.success(request, _("Done: %(action)s.") % {"action": text.pick(*record.labels)})
    return redirect("desk:post")


# --- the dossier page -------------------------------------------------------------------------------


@require_GET
@staff_page
def dossier_page(request: HttpRequest, actor: Actor, code: str) -> HttpResponse:
    return _dossier_page(request, actor, code)


@require_http_methods(["GET", "POST"])
@staff_page
def act(request: HttpRequest, actor: Actor, code: str, action: str) -> HttpResponse:
    if request.method == "GET":  # a failed action's page reloaded, or the language switched on it
        return redirect("desk:dossier", code=code)
    record = record_named(action)
    components = desk.components_of(code) if {"missing", "papers"} & set(record.form_fields) else []
    try:
        params = forms.action_params(record, request.POST, components)
        dossier = services.act(actor=actor, code=code, action=record.name, params=params)
    except forms.ActionInvalid as invalid:
        return _dossier_page(request, actor, code, failed=(record, invalid.errors), status=400)
    except (Forbidden, NotFound):
        raise
    except MotcuaError as error:
        errors = {p.field: text.reason(p) for p in error.problems}
        errors["form"] = text.message(error)
        return _dossier_page(request, actor, code, failed=(record, errors), status=error.http_status)
    messages.success(request, _("Done: %(action)s.") % {"action": text.pick(*record.labels)})
    if record.name == Action.REISSUE_PIN:  # the receipt page shows the new PIN once, to print
        _remember_pin(request, code, dossier.new_pin)
        return redirect("desk:receipt", code=code)
    return redirect("desk:dossier", code=code)


def _dossier_page(request, actor: Actor, code: str, failed=None, status: int = 200) -> HttpResponse:
    dossier = dossiers.dossier_detail(actor, code)
    now = timezone.now()
    actions = _actions(actor, dossier, now, failed, request.POST if failed else None)
    context = {
        "dossier": dossier,
        "explanation": _explanation(dossiers.due_explanation(dossier)),
        "badge": desk.due_badge(dossier, now),
        "steps": [(s, _step_state(s, now)) for s in dossier.steps.all()],
        "actions": actions,
        "failed_action": failed[0].name if failed else None,
        "action_error": failed[1].get("form") if failed else None,
        "control_slip": _control_slip(actor, dossier, now),
    }
    return render(request, "desk/dossier.html", context, status=status)


def _control_slip(actor: Actor, dossier, now):
    """Form 06's signed version and whether this officer signs it now (the documents app keeps it)."""
    from motcua.documents.selectors import control_slip_state

    return control_slip_state(actor, dossier, now)


def _step_state(step, now) -> str:
    if step.state == "active" and (step.late or (step.due_at and step.due_at < now)):
        return "late"
    if step.state == "done" and step.late:
        return "done_late"
    return step.state


def _asked_papers(dossier) -> set[str]:
    request = receipts.open_supplement(dossier)
    return {item["code"] for item in request.missing if item.get("code")} if request else set()


def _actions(actor: Actor, dossier, now, failed, posted) -> list[dict]:
    """The actions the transition table, the roles and the state guards allow (the API's list), each
    with the fields of its small form; the failed one keeps its values and errors."""
    result = []
    for allowed in dossiers.allowed_actions(actor, dossier, now):
        record: ActionRecord = allowed.record
        fields = record.form_fields
        entry = {
            "action": record.name,
            "label": text.pick(*record.labels),
            "ends_dossier": record.ends_dossier,
            "fields": fields,
            "target": allowed.target,
            "errors": {},
            "values": {},
        }
        if failed and failed[0] is record:
            entry["errors"], entry["values"] = failed[1], posted
        if "assignee" in fields:
            step = next((s for s in dossier.steps.all() if s.order == dossier.current_step_order), None)
            entry["staff"] = desk.unit_staff(dossier.current_unit_id, step.role if step else None)
        if "missing" in fields or "papers" in fields:
            entry["components"] = list(dossier.procedure_version.components.all())
        if "papers" in fields:
            # what the open request asked for comes ticked: the officer unticks what did not come
            entry["asked"] = _asked_papers(dossier)
        result.append(entry)
    return result
