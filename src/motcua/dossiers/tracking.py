"""The applicant's look-up by dossier code and PIN (the API's POST /api/track and the tracking page
alike), limited so that guessing is slow and nobody can lock an applicant out:

- every look-up counts against the client's address (`track_ip`), checked before anything else, and
  failed ones against it for the day (`track_ip_day`);
- failed look-ups of a code count against that code from that address (`track_code_ip`);
- failed look-ups of a code from anywhere (`track_code`) never refuse the right PIN: past that
  threshold, the PIN must come with a second factor, the last digits of the applicant's ID number
  or phone. Codes are sequential, so a refusal per code would let anyone lock out a whole day's
  applicants;
- the per-code counts belong to one PIN: a reissued PIN (action `reissue_pin`) starts clean.

An unknown code, a wrong PIN and a wrong second factor get the same answer, and an unknown code asks
for the second factor exactly as a known one does."""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from motcua.errors import MotcuaError, NotFound, Problem
from motcua.ratelimit import failures_only, hit, reached, record

from .models import Dossier
from .pins import pin_matches
from .selectors import PublicStatus, public_status

FACTOR_DIGITS = 4
FACTOR_PATTERN = rf"^\s*\d{{{FACTOR_DIGITS}}}\s*$"
BODY_LIMIT = 1024  # bytes: a code, a PIN and a second factor need far fewer


class SecondFactorRequired(MotcuaError):
    def __init__(self) -> None:
        vi = f"nhập {FACTOR_DIGITS} chữ số cuối của số CCCD/CMND hoặc số điện thoại của người nộp"
        en = f"enter the last {FACTOR_DIGITS} digits of the applicant's ID number or phone number"
        super().__init__(
            message_vi=f"Mã hồ sơ này đã bị tra cứu sai nhiều lần; để bảo vệ hồ sơ, hãy {vi}.",
            message_en=f"This dossier code has had many failed look-ups; to protect the dossier, {en}.",
            problems=[Problem("second_factor", f"bắt buộc: {vi}", f"required: {en}")],
            code="second_factor_required",
            http_status=403,
        )


def admit(client: str) -> None:
    """The per-address limit on every look-up: called first, before the request is read."""
    hit("track_ip", client)


def no_match() -> NotFound:
    return NotFound(
        "hồ sơ với mã và mã tra cứu (PIN) này", "A dossier with this code and PIN (tracking secret)"
    )


def look_up(*, code: str, pin: str, second_factor: str | None, client: str) -> PublicStatus:
    """The applicant's view of the dossier, when the PIN (and past the threshold the second factor)
    matches; raises NotFound, SecondFactorRequired or RateLimited."""
    dossier = (
        Dossier.objects.select_related("procedure", "return_unit", "current_unit").filter(code=code).first()
    )
    subject = pin_subject(code, dossier)
    with failures_counted(subject, client):
        factor_needed = reached("track_code", subject)
        factor = (second_factor or "").strip()
        if factor_needed and not factor:
            raise SecondFactorRequired
        if dossier is None or not (
            pin_matches(dossier, pin) and (not factor_needed or factor_matches(dossier, factor))
        ):
            record("track_code", subject)
            raise no_match()
        return public_status(dossier)


def pin_subject(code: str, dossier: Dossier | None) -> str:
    """The counts of one PIN: the kept secret changes (a new salt) when a PIN is reissued."""
    return f"{code}|{dossier.tracking_secret[:16] if dossier else ''}"


@contextmanager
def failures_counted(subject: str, client: str) -> Iterator[None]:
    """A failed PIN check (NotFound) counts against the address for the day and against the code from
    that address; either limit used up refuses the attempt before it is checked."""
    with ExitStack() as stack:
        stack.enter_context(failures_only(("track_ip_day",), client, failures=(NotFound,)))
        stack.enter_context(failures_only(("track_code_ip",), f"{subject}|{client}", failures=(NotFound,)))
        yield


@contextmanager
def pin_checked(code: str, client: str) -> Iterator[None]:
    """A PIN checked outside the look-up (the documents app's uploads and the applicant's store): its
    failures counted exactly as a look-up's (the caller admits the address first, where it is public)."""
    dossier = Dossier.objects.filter(code=code).only("tracking_secret").first()
    with failures_counted(pin_subject(code, dossier), client):
        yield


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text or "")


def factor_matches(dossier: Dossier, factor: str) -> bool:
    """The last digits of the applicant's ID number or phone number."""
    if len(factor) != FACTOR_DIGITS or not factor.isdigit():
        return False
    found = False
    for kept in (_digits(dossier.applicant_id_number), _digits(dossier.applicant_phone)):
        if len(kept) >= FACTOR_DIGITS:
            found |= hmac.compare_digest(kept[-FACTOR_DIGITS:], factor)
    return found
