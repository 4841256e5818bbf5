"""The outbox's writes: follow the event log into messages (one per event and consented channel,
never two), send what is due with retries and back-off (a message is claimed before it is sent, so
two workers never send it twice), and the applicant's consent per dossier."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation

from motcua.dossiers.models import Dossier, DossierEvent

from .models import ESSENTIAL, Channel, Consent, FollowCursor, Kind, Message
from .senders import sender_for
from .texts import render

KIND_OF_ACTION = {
    "submit_online": Kind.SUBMITTED,
    "receive": Kind.RECEIVED,
    "request_supplement": Kind.SUPPLEMENT,
    "request_payment": Kind.PAYMENT_DUE,
    "finish": Kind.RESULT_READY,
    "apologize": Kind.LATE,
    "return_result": Kind.RETURNED,
    "hand_to_post": Kind.POSTED,
    "post_delivered": Kind.RETURNED,
}
CURSOR = "outbox"
# an event is followed once it is this old: a transaction that took a lower id and commits later is
# still seen (ids are taken at insert, rows appear at commit)
SETTLE = timedelta(seconds=5)
CLAIM_TIMEOUT = timedelta(minutes=10)  # a message claimed this long ago by a worker that died is retried


def _config(name: str, default):
    return getattr(settings, "MOTCUA", {}).get(name, default)


def max_age() -> timedelta:
    """Events older than this are not announced (an old history loaded later, a long outage)."""
    return timedelta(hours=float(_config("NOTIFY_MAX_AGE_HOURS", 24)))


def default_consent(dossier: Dossier) -> Consent:
    channels = set(_config("NOTIFY_DEFAULT_CHANNELS", "email,sms").split(","))
    return Consent(
        dossier=dossier,
        email="email" in channels,
        sms="sms" in channels,
        zalo="zalo" in channels,
        language=_config("NOTIFY_DEFAULT_LANGUAGE", "vi"),
    )


def consent_of(dossier: Dossier) -> Consent:
    try:
        return dossier.consent
    except Consent.DoesNotExist:
        return default_consent(dossier)


def _recipients(dossier: Dossier, consent: Consent) -> list[tuple[str, str]]:
    pairs = [
        (Channel.EMAIL, dossier.applicant_email if consent.email else ""),
        (Channel.SMS, dossier.applicant_phone if consent.sms else ""),
        (Channel.ZALO, dossier.applicant_phone if consent.zalo else ""),
    ]
    return [(channel, to) for channel, to in pairs if to]


def messages_for(event: DossierEvent, now: datetime) -> list[Message]:
    kind = KIND_OF_ACTION.get(event.action)
    if kind is None:
        return []
    dossier = event.dossier
    consent = consent_of(dossier)
    if consent.essential_only and kind not in ESSENTIAL:
        return []
    made = []
    for channel, recipient in _recipients(dossier, consent):
        subject, body = render(kind, dossier, event, consent.language)
        made.append(
            Message(
                dedup_key=f"{event.id}:{channel}",
                dossier=dossier,
                event_id=event.id,
                kind=kind,
                channel=channel,
                recipient=recipient,
                language=consent.language,
                subject=subject[:200],
                body=body,
                next_attempt_at=now,
                created_at=now,
            )
        )
    return made


@dataclass
class FollowReport:
    events: int = 0
    messages: int = 0


def follow(*, now: datetime | None = None, batch: int = 2000) -> FollowReport:
    """Read the event log past the cursor and queue the messages it calls for; the cursor and the
    messages are written together."""
    now = now or timezone.now()
    report = FollowReport()
    while True:
        with transaction.atomic():
            FollowCursor.objects.get_or_create(name=CURSOR)
            cursor = FollowCursor.objects.select_for_update().get(name=CURSOR)
            events = list(
                DossierEvent.objects.filter(id__gt=cursor.last_event_id, recorded_at__lt=now - SETTLE)
                .select_related("dossier", "dossier__procedure", "dossier__consent", "unit")
                .order_by("id")[:batch]
            )
            if not events:
                return report
            oldest = now - max_age()
            made = [m for e in events if e.at >= oldest for m in messages_for(e, now)]
            Message.objects.bulk_create(made, ignore_conflicts=True)
            cursor.last_event_id = events[-1].id
            cursor.save(update_fields=["last_event_id"])
        report.events += len(events)
        report.messages += len(made)
        if len(events) < batch:
            return report


def backoff(attempts: int) -> timedelta:
    """1 min, 2, 4, 8... after each failed attempt, at most 6 hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), timedelta(hours=6))


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def send_due(*, now: datetime | None = None, limit: int = 200) -> SendReport:
    """Send the messages whose time has come; each is claimed first (one worker sends it)."""
    now = now or timezone.now()
    Message.objects.filter(state=Message.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT).update(
        state=Message.State.PENDING
    )
    due = Message.objects.filter(state=Message.State.PENDING, next_attempt_at__lte=now)
    report = SendReport()
    for pk in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        _claim_and_send(pk, now, report)
    return report


def send_one(pk: int, *, now: datetime | None = None) -> SendReport:
    """Send one message at once (a one-time code the applicant waits for at the counter); when it
    fails, the outbox retries it as any other."""
    report = SendReport()
    _claim_and_send(pk, now or timezone.now(), report)
    return report


WITHHELD = "—"  # the body of a one-time code's message once sent or expired: the code is not kept


def _claim_and_send(pk: int, now: datetime, report: SendReport) -> None:
    claimed = Message.objects.filter(pk=pk, state=Message.State.PENDING).update(
        state=Message.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return  # another worker has it
    message = Message.objects.get(pk=pk)
    secret = {"body": WITHHELD} if message.expires_at else {}
    if message.expires_at and now >= message.expires_at:
        Message.objects.filter(pk=pk).update(state=Message.State.FAILED, last_error="expired", **secret)
        report.failed += 1
        return
    try:
        sender_for(message.channel).send(message)
    except Exception as error:  # any sender failure: retried later, then given up
        gave_up = message.attempts >= int(_config("NOTIFY_MAX_ATTEMPTS", 8))
        Message.objects.filter(pk=pk).update(
            state=Message.State.FAILED if gave_up else Message.State.PENDING,
            next_attempt_at=now + backoff(message.attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
            **(secret if gave_up else {}),
        )
        report.failed += gave_up
        report.retried += not gave_up
    else:
        Message.objects.filter(pk=pk).update(state=Message.State.SENT, sent_at=now, last_error="", **secret)
        report.sent += 1


def queue_code(
    *, channel: str, recipient: str, subject: str, body: str, expires_at: datetime, now: datetime
) -> Message:
    """A one-time code's message, about no dossier (an assisted online filing not confirmed yet): sent
    right after the caller's transaction commits, retried by the outbox until it expires."""
    message = Message.objects.create(
        dedup_key=f"code:{secrets.token_hex(16)}",
        kind=Kind.CODE,
        channel=channel,
        recipient=recipient,
        language=translation.get_language() or "vi",
        subject=subject[:200],
        body=body,
        next_attempt_at=now,
        created_at=now,
        expires_at=expires_at,
    )
    transaction.on_commit(lambda: send_one(message.pk, now=now))
    return message


def retry_failed(*, now: datetime | None = None) -> int:
    """A manager sends the given-up messages again (after fixing the provider's configuration)."""
    now = now or timezone.now()
    return Message.objects.filter(state=Message.State.FAILED).update(
        state=Message.State.PENDING, next_attempt_at=now, attempts=0
    )


def set_consent(
    *,
    dossier: Dossier,
    email: bool,
    sms: bool,
    zalo: bool,
    essential_only: bool,
    language: str,
    now: datetime | None = None,
) -> Consent:
    """The applicant's choice for one dossier (the caller checked it is theirs)."""
    language = language if language in dict(settings.LANGUAGES) else "vi"
    with transaction.atomic():
        consent, _ = Consent.objects.update_or_create(
            dossier=dossier,
            defaults={
                "email": email,
                "sms": sms,
                "zalo": zalo,
                "essential_only": essential_only,
                "language": language,
                "updated_at": now or timezone.now(),
            },
        )
    return consent
