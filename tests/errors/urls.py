"""A test-only URL configuration: views failing in the ways the error pages cover, and nothing else
(so the pages are seen to need no other address)."""

from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.urls import path


def broken(request):
    raise OperationalError("the database is down")


def forbidden(request):
    raise PermissionDenied("internal reason")


urlpatterns = [path("broken/", broken), path("forbidden/", forbidden)]
