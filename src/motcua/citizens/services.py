"""Writes by and about people and businesses: their sign-in from the provider's claims, the withdrawal
of their own dossier."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Dossier
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import act

from .models import Citizen


def _text(value: Any, limit: int) -> str:
    if isinstance(value, dict):  # OpenID Connect's address claim is an object
        value = value.get("formatted") or ", ".join(str(v) for v in value.values() if v)
    return str(value or "").strip()[:limit]


def _birth_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def claims_of(claims: dict[str, Any]) -> dict[str, Any]:
    """The provider's claims as the citizen's fields (claim names from settings.OIDC_CLAIMS)."""
    names = settings.OIDC_CLAIMS
    return {
        "id_number": _text(claims.get(names["id_number"]), 20),
        "name": _text(claims.get(names["name"]), 200),
        "birth_date": _birth_date(claims.get(names["birth_date"])),
        "address": _text(claims.get(names["address"]), 300),
        "phone": _text(claims.get(names["phone"]), 20),
        "email": _text(claims.get(names["email"]), 254),
    }


def sign_in(*, claims: dict[str, Any]) -> Citizen:
    """The citizen the provider vouched for, created or brought up to date with the claims."""
    now = timezone.now()
    with transaction.atomic():
        citizen, _ = Citizen.objects.update_or_create(
            subject=str(claims["sub"])[:255],
            defaults={**claims_of(claims), "last_login_at": now},
            create_defaults={**claims_of(claims), "last_login_at": now, "first_login_at": now},
        )
    return citizen


def withdraw(*, citizen: Citizen, code: str, reason: str) -> Dossier:
    """The applicant withdraws their own dossier (the table's `withdraw` record, by the applicant)."""
    return act(
        actor=Actor.of_citizen(citizen.id_number),
        code=code,
        action=Action.WITHDRAW,
        params={"reason": reason},
    )
