"""The tracking PIN printed on the receipt: drawn, kept only as a salted keyed hash, and checked."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.conf import settings

from .models import Dossier


def new_pin() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def keyed_hash(text: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def tracking_secret(pin: str, salt: str | None = None) -> str:
    """What is kept of the PIN printed on the receipt: "v", a random salt (15 hex digits) and the keyed
    hash of salt and PIN (48 hex digits). It needs no dossier code, so it is made before the dossier
    is numbered."""
    salt = salt or secrets.token_hex(8)[:15]
    return f"v{salt}{keyed_hash(f'{salt}:{pin}')[:48]}"


def pin_matches(dossier: Dossier, pin: str) -> bool:
    pin, kept = pin.strip(), dossier.tracking_secret
    if kept.startswith("v") and len(kept) == 64:
        expected = tracking_secret(pin, salt=kept[1:16])
    else:  # kept before salts were used: the keyed hash of code and PIN
        expected = keyed_hash(f"{dossier.code}:{pin}")
    return hmac.compare_digest(kept, expected)
