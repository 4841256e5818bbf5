"""The outbox's backlog for center managers: what waits, what was sent, what failed and why."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from motcua.dossiers.permissions import Actor

from . import selectors, services
from .models import Channel, Message


@login_required
@require_http_methods(["GET", "POST"])
def backlog(request: HttpRequest) -> HttpResponse:
    if not Actor.staff(request.user).manager:
        context = {
            "title": _("Access denied"),
            "message": _("Only the center's managers see the notification backlog."),
        }
        return render(request, "desk/problem.html", context, status=403)
    if request.method == "POST":
        count = services.retry_failed()
        messages.success(request, _("%(count)d messages will be sent again.") % {"count": count})
        return redirect("notifications:backlog")
    context = {
        "backlog": selectors.backlog(),
        "states": Message.State.choices,
        "channels": Channel.choices,
    }
    return render(request, "notifications/backlog.html", context)
