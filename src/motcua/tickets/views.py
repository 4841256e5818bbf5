"""Pages of the queue. Public, per unit: the kiosk (take a ticket, print it) and the display board
(live by htmx polling, with the calls read aloud). Staff: a counter's panel (call next, recall, served,
absent) for the unit's counter officers. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

import re
from functools import wraps
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.desk import text
from motcua.desk.views import problem_page
from motcua.dossiers.permissions import Actor
from motcua.errors import MotcuaError, NotFound
from motcua.network.models import Unit
from motcua.ratelimit import client_subject, hit

from . import announce, printing, selectors, services
from .actions import ACTIONS, offered
from .models import Counter
from .permissions import ensure_may_call

BOARD_POLL_S = 2
KIOSK_RETURN_S = 20  # the ticket page goes back to the kiosk's buttons after this long


def public_screen(view):
    """A public page of one unit, rate-limited per client address (taking a ticket, a POST, has its own
    tighter limit); bad input, an unknown unit or a used-up limit give their 4xx page."""

    @wraps(view)
    def wrapper(request: HttpRequest, unit_code: str, *args, **kwargs) -> HttpResponse:
        try:
            hit("ticket_ip" if request.method == "POST" else "screen_ip", client_subject(request))
            return view(request, services.service_unit(unit_code), *args, **kwargs)
        except MotcuaError as error:
            return _problem(request, error)

    return wrapper


def _problem(request: HttpRequest, error: MotcuaError) -> HttpResponse:
    titles = {403: _("Access denied"), 404: _("Not found"), 429: _("Too many requests")}
    context = {
        "title": titles.get(error.http_status, _("The request cannot be carried out")),
        "message": text.message(error),
    }
    response = render(request, "tickets/problem.html", context, status=error.http_status)
    if error.http_status == 429:
        response["Retry-After"] = str(getattr(error, "retry_after", 60))
    return response


# --- index ---------------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The service units with a kiosk and a board; for a counter officer, the counters they may call at."""
    units = selectors.units_with_kiosk()
    counters = []
    if request.user.is_authenticated:
        counters = list(selectors.caller_counters(Actor.staff(request.user)))
    return render(request, "tickets/index.html", {"units": units, "counters": counters})


# --- the kiosk -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@public_screen
def kiosk(request: HttpRequest, unit: Unit) -> HttpResponse:
    printing_options = _printing(request.POST if request.method == "POST" else request.GET)
    if request.method == "POST":
        ticket = services.issue_ticket(unit_code=unit.code, group_id=request.POST.get("group", ""))
        url = reverse("tickets:ticket", kwargs={"unit_code": unit.code, "ticket_id": ticket.pk})
        return redirect(f"{url}?{urlencode(printing_options)}" if printing_options else url)
    groups = selectors.kiosk_groups(unit, timezone.localdate())
    context = {"unit": unit, "groups": groups, "printing": printing_options}
    return render(request, "tickets/kiosk.html", context)


def _printing(data) -> dict[str, str]:
    """The kiosk's printing set-up, carried from its address to each ticket: ?print=1 prints at once
    (Chromium in --kiosk-printing mode prints without a dialog), ?paper=a6 (default 80 mm)."""
    options = {}
    if data.get("print") == "1":
        options["print"] = "1"
    if data.get("paper") in printing.PAPERS:
        options["paper"] = data["paper"]
    return options


def _ticket(unit: Unit, ticket_id: int):
    ticket = selectors.issued_ticket(unit, ticket_id)
    if ticket is None:
        raise NotFound(f"số thứ tự {ticket_id}", f"Ticket {ticket_id}")
    return ticket


@require_GET
@public_screen
def ticket_page(request: HttpRequest, unit: Unit, ticket_id: int) -> HttpResponse:
    ticket = _ticket(unit, ticket_id)
    options = _printing(request.GET)
    kiosk_url = reverse("tickets:kiosk", kwargs={"unit_code": unit.code})
    context = {
        "kiosk_url": f"{kiosk_url}?{urlencode(options)}" if options else kiosk_url,
        "unit": unit,
        "ticket": ticket,
        "ahead": selectors.waiting_ahead(ticket),
        "return_after": KIOSK_RETURN_S,
        "autoprint": request.GET.get("print") == "1",
        "paper": options.get("paper", "80mm"),
    }
    return render(request, "tickets/ticket.html", context)


@require_GET
@public_screen
def ticket_pdf(request: HttpRequest, unit: Unit, ticket_id: int) -> HttpResponse:
    ticket = _ticket(unit, ticket_id)
    paper = request.GET.get("paper", "80mm")
    if paper not in printing.PAPERS:
        paper = "80mm"
    pdf = printing.ticket_pdf(ticket, ahead=selectors.waiting_ahead(ticket), paper=paper)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="so-thu-tu-{ticket.label}.pdf"'
    return response


# --- the display board -----------------------------------------------------------------------------------


@require_GET
@public_screen
def board(request: HttpRequest, unit: Unit) -> HttpResponse:
    context = _board_context(unit)
    template = "tickets/_board.html" if request.htmx else "tickets/board.html"
    return render(request, template, context)


def _board_context(unit: Unit) -> dict:
    return {
        "unit": unit,
        "board": selectors.board(unit, timezone.localdate()),
        "poll_s": BOARD_POLL_S,
        "audio": announce.available(),
    }


@never_cache
@require_GET
@public_screen
def board_live(request: HttpRequest, unit: Unit) -> HttpResponse:
    """The board's changing part (htmx swaps it in every BOARD_POLL_S seconds)."""
    return render(request, "tickets/_board.html", _board_context(unit))


@require_GET
@public_screen
def call_audio(request: HttpRequest, unit: Unit, call_id: int) -> HttpResponse:
    """One call said aloud (WAV); 404 when espeak-ng is absent: the board then stays silent."""
    call = selectors.call_of(unit, call_id)
    if call is None:
        raise NotFound(f"lượt gọi số {call_id}", f"Call {call_id}")
    audio = announce.speech(announce.sentence(call.ticket.label, call.counter.number))
    if audio is None:
        raise NotFound("âm thanh (espeak-ng chưa được cài đặt)", "Audio (espeak-ng is not installed)")
    response = HttpResponse(audio, content_type="audio/wav")
    response["Cache-Control"] = "public, max-age=86400"  # a call's sentence never changes
    return response


# --- the counter -----------------------------------------------------------------------------------------

_ACTION = re.compile(r"[a-z_]{1,20}")


def counter_page(view):
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, counter_id: int) -> HttpResponse:
        try:
            actor = Actor.staff(request.user)
            counter = selectors.active_counter(counter_id)
            ensure_may_call(actor, counter.unit_id)
            return view(request, actor, counter)
        except MotcuaError as error:
            return problem_page(request, error)

    return wrapper


@require_http_methods(["GET", "POST"])
@counter_page
def counter(request: HttpRequest, actor: Actor, counter: Counter) -> HttpResponse:
    status, error = 200, None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if not _ACTION.fullmatch(action) or action not in ACTIONS:
            error, status = _("Unknown action: choose call next, recall, served or absent."), 400
        else:
            try:
                ACTIONS[action].run(actor, counter.pk)
                return redirect("tickets:counter", counter_id=counter.pk)
            except MotcuaError as failure:
                error, status = text.message(failure), failure.http_status
        counter.refresh_from_db()
    panel = selectors.counter_panel(counter, timezone.localdate())
    context = {
        "panel": panel,
        "unit": counter.unit,
        "actions": offered(panel.current is not None),
        "error": error,
        "poll_s": BOARD_POLL_S * 5,
    }
    return render(request, "tickets/counter.html", context, status=status)
