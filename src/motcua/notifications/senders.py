"""How a message leaves: e-mail through Django's mail backends (SMTP by setting, a file by default);
SMS and Zalo through an HTTP sender (a provider's URL, a body template, a token), or a file by
default. Each sender raises on failure; the outbox retries."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Protocol

import requests
from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

from .models import Message


class Sender(Protocol):
    def send(self, message: Message) -> None: ...


class EmailSender:
    def send(self, message: Message) -> None:
        EmailMessage(message.subject, message.body, to=[message.recipient]).send(fail_silently=False)


class HttpSender:
    """POST the message to a provider. The body template's {to}, {text} and {subject} are replaced by
    the JSON-escaped values (so a JSON template stays JSON)."""

    def __init__(self, url: str, template: str, token: str = "", timeout: float = 10.0) -> None:
        self.url, self.template, self.token, self.timeout = url, template, token, timeout

    def body(self, message: Message) -> str:
        values = {"to": message.recipient, "text": message.body, "subject": message.subject}
        body = self.template
        for name, value in values.items():
            body = body.replace("{" + name + "}", json.dumps(value, ensure_ascii=False)[1:-1])
        return body

    def send(self, message: Message) -> None:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        response = requests.post(
            self.url, data=self.body(message).encode(), headers=headers, timeout=self.timeout
        )
        response.raise_for_status()


class FileSender:
    """The default without a provider: one JSON line per message in MOTCUA_HOME/outbox/<channel>.log."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or Path(settings.HOME) / "outbox"

    def send(self, message: Message) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        line = {
            "at": datetime.now().isoformat(timespec="seconds"),
            "to": message.recipient,
            "subject": message.subject,
            "text": message.body,
        }
        with (self.folder / f"{message.channel}.log").open("a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")


def sender_for(channel: str) -> Sender:
    """The sender configured for the channel (settings.MOTCUA["NOTIFY_SENDERS"]: a dotted path, or
    {"url", "template", "token"} for the HTTP sender); e-mail by default through Django's backend,
    SMS and Zalo to a file."""
    configured = getattr(settings, "MOTCUA", {}).get("NOTIFY_SENDERS", {}).get(channel)
    if isinstance(configured, str) and configured:
        return import_string(configured)()
    if isinstance(configured, dict) and configured.get("url"):
        return HttpSender(
            configured["url"], configured.get("template") or DEFAULT_TEMPLATE, configured.get("token", "")
        )
    return EmailSender() if channel == "email" else FileSender()


DEFAULT_TEMPLATE = '{"to": "{to}", "text": "{text}"}'
