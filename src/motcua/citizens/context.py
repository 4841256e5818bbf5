from django.http import HttpRequest

from .session import current_citizen


def citizen(request: HttpRequest) -> dict:
    """The logged-in person or business, for the menu (lazy: read only when a template asks)."""
    return {"citizen": lambda: current_citizen(request)}
