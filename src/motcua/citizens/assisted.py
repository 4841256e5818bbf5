"""Assisted online filing: a counter officer of a center, branch or reception point files online for a
person who is present. The filing is the online one (the same fields, checks and intake request as
`filing`), received at the officer's unit; it waits, counted nowhere, until the person confirms it:

- with a one-time code sent through the notifications outbox to their phone or e-mail: six digits, kept
  only as a keyed hash, valid for settings.MOTCUA["ASSISTED_CODE_MINUTES"] (10), at most
  ["ASSISTED_CODE_ATTEMPTS"] (5) wrong tries per code, codes sent rate-limited per filing and officer;
- or on the counter's tablet: the person reads the summary, types their name and ticks their agreement.

Then the dossier is sent once (status NEW, channel online, assisted) and its first event names the
officer (its actor, at the unit) and how the person confirmed (its payload's `confirmation`)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.catalog.models import Component
from motcua.dossiers import intake as intake_rules
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import IntakeRequest, IntakeResult, PaperIn
from motcua.dossiers.validation import searchable_name
from motcua.errors import Forbidden, NotFound, Problem, ValidationFailed
from motcua.network.models import SERVICE_UNIT_KINDS, Role, Unit
from motcua.notifications import services as notifications
from motcua.notifications.models import Channel as MessageChannel
from motcua.notifications.models import Message
from motcua.notifications.texts import code_message
from motcua.ratelimit import hit

from . import attachments, filing
from .models import AssistedFiling

CODE_DIGITS = 6
CODE_CHANNELS = {MessageChannel.SMS: "phone", MessageChannel.EMAIL: "email"}


def _config(name: str, default: float) -> float:
    return getattr(settings, "MOTCUA", {}).get(name, default)


def code_lifetime() -> timedelta:
    return timedelta(minutes=_config("ASSISTED_CODE_MINUTES", 10))


def max_attempts() -> int:
    return int(_config("ASSISTED_CODE_ATTEMPTS", 5))


def filing_lifetime() -> timedelta:
    """How long a prepared filing waits for the person's confirmation: the person is at the counter,
    so one left longer has been abandoned; it is then refused, no longer listed, and its personal data
    deleted when the unit's next filing is prepared."""
    return timedelta(hours=_config("ASSISTED_FILING_HOURS", 4))


def abandoned_up_to(now: datetime) -> datetime:
    """Filings prepared at or before this moment are abandoned (filing_lifetime)."""
    return now - filing_lifetime()


# --- who may -----------------------------------------------------------------------------------------


def counter_units(actor: Actor) -> QuerySet[Unit]:
    """The centers, branches and reception points where the actor is a counter officer."""
    ids = {unit for unit, role in actor.roles if role == Role.COUNTER}
    return Unit.objects.filter(id__in=ids, kind__in=SERVICE_UNIT_KINDS, active=True).order_by("code")


def _officer_unit(actor: Actor, unit_code: str) -> Unit:
    unit = counter_units(actor).filter(code=unit_code).first()
    if unit is None:
        raise Forbidden(
            f"Chỉ cán bộ một cửa của đơn vị {unit_code} được nộp hồ sơ trực tuyến có hỗ trợ tại đó.",
            f"Only counter officers of unit {unit_code} may file assisted online there.",
        )
    return unit


def _visible(actor: Actor, filing_id: int, lock: bool = False) -> AssistedFiling:
    """The filing, for a counter officer of its unit; another's is unknown."""
    found = AssistedFiling.objects.select_related("procedure", "unit")
    if lock:
        found = found.select_for_update(of=("self",))
    found = found.filter(pk=filing_id, unit__in=counter_units(actor)).first()
    if found is None:
        raise NotFound(f"hồ sơ trực tuyến có hỗ trợ số {filing_id}", f"assisted filing {filing_id}")
    return found


def filing_of(actor: Actor, filing_id: int) -> AssistedFiling:
    return _visible(actor, filing_id)


def pending_of(actor: Actor, now: datetime | None = None) -> QuerySet[AssistedFiling]:
    """The filings of the actor's units waiting for the person's confirmation (not abandoned)."""
    cutoff = abandoned_up_to(now or timezone.now())
    waiting = AssistedFiling.objects.filter(
        unit__in=counter_units(actor), submitted_code="", created_at__gt=cutoff
    )
    return waiting.select_related("procedure")


def _waiting(actor: Actor, filing_id: int, now: datetime) -> AssistedFiling:
    """The filing, locked, still to be confirmed: not sent yet, not abandoned."""
    found = _visible(actor, filing_id, lock=True)
    if found.submitted:
        raise _already_sent(found)
    if found.created_at <= abandoned_up_to(now):
        hours = f"{filing_lifetime().total_seconds() / 3600:g}"
        raise ValidationFailed(
            message_vi=f"Hồ sơ nộp hộ này đã chờ xác nhận quá {hours} giờ; hãy lập lại khi người nộp có mặt.",
            message_en=f"This assisted filing waited over {hours} hours for confirmation; prepare it again "
            "with the person present.",
            code="filing_expired",
            http_status=409,
        )
    return found


# --- the filing --------------------------------------------------------------------------------------


def _request(
    found: AssistedFiling, now: datetime, confirmation: dict[str, str] | None = None
) -> IntakeRequest:
    data = found.data

    def papers(components: dict[str, Component]) -> list[PaperIn]:
        return attachments.declared_papers(found, components)  # ticked; the scans follow at the counter

    return filing.online_request(
        procedure=found.procedure,
        data=data,
        name=str(data.get("applicant_name", "")),
        id_number=str(data.get("applicant_id_number", "")),
        papers=papers,
        now=now,
        unit=found.unit.code,
        confirmation=confirmation,
    )


def start(
    *,
    actor: Actor,
    unit_code: str,
    procedure_code: str,
    data: dict[str, Any],
    now: datetime | None = None,
) -> AssistedFiling:
    """Prepare the filing at the officer's unit, checked as the intake will check it (the person is
    asked to confirm only what can be sent); pending until confirmed."""
    now = now or timezone.now()
    unit = _officer_unit(actor, unit_code)
    procedure = filing.procedure_named(procedure_code)
    values = filing.cleaned(data)
    for name in ("applicant_name", "applicant_id_number"):
        values[name] = str(data.get(name, "")).strip()[:200]
    assert actor.user is not None  # counter_units found a role: a staff user
    found = AssistedFiling(unit=unit, officer=actor.user, procedure=procedure, data=values, created_at=now)
    intake_rules.check(_request(found, now), now)
    with transaction.atomic():
        abandoned = AssistedFiling.objects.filter(
            unit=unit, submitted_code="", created_at__lte=abandoned_up_to(now)
        )
        abandoned.delete()  # never sent, nothing counted: only the person's data, kept no longer
        found.save()
    return found


def _already_sent(found: AssistedFiling) -> ValidationFailed:
    return ValidationFailed(
        message_vi=f"Hồ sơ này đã được gửi, mã hồ sơ {found.submitted_code}.",
        message_en=f"This filing was already sent as dossier {found.submitted_code}.",
        code="already_submitted",
        http_status=409,
    )


def _digest(found: AssistedFiling, code: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"assisted:{found.pk}:{code}".encode(), hashlib.sha256).hexdigest()


def send_code(
    *, actor: Actor, filing_id: int, channel: str, now: datetime | None = None
) -> tuple[AssistedFiling, Message]:
    """A new six-digit code to the person's phone (SMS) or e-mail, through the outbox; the one sent
    before stops working. Codes sent are limited per filing and per officer."""
    now = now or timezone.now()
    _visible(actor, filing_id)  # an unknown filing costs nobody's allowance
    if channel not in CODE_CHANNELS:
        problem = Problem("channel", "phải là sms hoặc email", "must be sms or email")
        raise ValidationFailed(
            message_vi="Kênh gửi mã không hợp lệ.", message_en="Invalid channel.", problems=[problem]
        )
    assert actor.user is not None
    hit("assisted_code", str(filing_id), now.timestamp())
    hit("assisted_code_officer", str(actor.user.pk), now.timestamp())
    with transaction.atomic():
        found = _waiting(actor, filing_id, now)
        field = CODE_CHANNELS[channel]
        recipient = str(found.data.get(field, ""))
        if not recipient:
            raise ValidationFailed(
                message_vi="Chưa có nơi nhận mã: hãy nhập số điện thoại hoặc thư điện tử của người nộp.",
                message_en="Nowhere to send the code: enter the applicant's phone or e-mail.",
                problems=[Problem(field, "bắt buộc để gửi mã", "is needed to send the code")],
            )
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        found.code_hash = _digest(found, code)
        found.code_channel = channel
        found.code_expires_at = now + code_lifetime()
        found.code_attempts = 0
        found.save(update_fields=["code_hash", "code_channel", "code_expires_at", "code_attempts"])
        subject, body = code_message(code, found.unit, found.procedure, code_lifetime())
        message = notifications.queue_code(
            channel=channel,
            recipient=recipient,
            subject=subject,
            body=body,
            expires_at=found.code_expires_at,
            now=now,
        )
    return found, message


class WrongCode(ValidationFailed):
    pass


def confirm_with_code(
    *, actor: Actor, filing_id: int, code: str, language: str = "vi", now: datetime | None = None
) -> IntakeResult:
    """The person read the code back: the filing is sent. A wrong code counts against the code's
    tries (kept even though the call fails); past the tries, or once expired, a new code is needed."""
    now = now or timezone.now()
    with transaction.atomic():
        found = _waiting(actor, filing_id, now)
        _check_code_usable(found, now)
        if hmac.compare_digest(found.code_hash, _digest(found, code.strip())):
            how = f"code_{found.code_channel}"
            return _send(actor, found, {"by": how}, language, now)
        found.code_attempts += 1
        found.save(update_fields=["code_attempts"])
    left = max_attempts() - found.code_attempts
    raise WrongCode(
        message_vi=f"Mã xác nhận không đúng; còn {left} lần thử.",
        message_en=f"Wrong confirmation code; {left} tries left.",
        problems=[Problem("code", "không đúng", "is wrong")],
        code="wrong_code",
    )


def _check_code_usable(found: AssistedFiling, now: datetime) -> None:
    if not found.code_hash:
        raise ValidationFailed(
            message_vi="Chưa gửi mã xác nhận cho hồ sơ này.",
            message_en="No confirmation code was sent for this filing.",
            problems=[Problem("code", "chưa gửi mã", "no code sent")],
            code="no_code",
        )
    if found.code_attempts >= max_attempts():
        raise ValidationFailed(
            message_vi="Đã nhập sai mã quá số lần cho phép; hãy gửi mã mới.",
            message_en="Too many wrong codes; send a new code.",
            problems=[Problem("code", "quá số lần thử", "too many tries")],
            code="too_many_attempts",
            http_status=429,
        )
    assert found.code_expires_at is not None  # set with the hash
    if now >= found.code_expires_at:
        raise ValidationFailed(
            message_vi="Mã xác nhận đã hết hạn; hãy gửi mã mới.",
            message_en="The confirmation code has expired; send a new code.",
            problems=[Problem("code", "đã hết hạn", "has expired")],
            code="code_expired",
        )


def confirm_on_tablet(
    *,
    actor: Actor,
    filing_id: int,
    signed_name: str,
    agreed: bool,
    language: str = "vi",
    now: datetime | None = None,
) -> IntakeResult:
    """The person read the summary on the counter's tablet, typed their name (as filed, accents and
    case aside) and ticked their agreement: the filing is sent."""
    now = now or timezone.now()
    with transaction.atomic():
        found = _waiting(actor, filing_id, now)
        problems = []
        expected = searchable_name(str(found.data.get("applicant_name", "")))
        if not signed_name.strip() or searchable_name(signed_name) != expected:
            problems.append(
                Problem("signed_name", "phải là họ tên người nộp", "must be the applicant's name")
            )
        if not agreed:
            problems.append(Problem("agreed", "cần xác nhận", "must be ticked"))
        if problems:
            raise ValidationFailed(
                message_vi="Người nộp chưa xác nhận hồ sơ.",
                message_en="The applicant has not confirmed the filing.",
                problems=problems,
            )
        found.signed_name = signed_name.strip()[:200]
        return _send(actor, found, {"by": "tablet", "signed_name": found.signed_name}, language, now)


def _send(
    actor: Actor, found: AssistedFiling, confirmation: dict[str, str], language: str, now: datetime
) -> IntakeResult:
    request = _request(found, now, confirmation)
    result = filing.send_online(actor=actor, request=request, data=found.data, language=language, now=now)
    found.submitted_code = result.dossier.code
    found.confirmed_how = confirmation["by"]
    found.confirmed_at = now
    found.code_hash = ""  # a code is used once
    found.save(update_fields=["submitted_code", "confirmed_how", "confirmed_at", "code_hash", "signed_name"])
    return result
