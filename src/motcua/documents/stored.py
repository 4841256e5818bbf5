"""A file the documents services have validated and written to storage, handed to an action's handler
(ActionContext.attachments) to be recorded with the action's event."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class StoredFile:
    public_id: str
    storage_name: str
    sha256: str
    size: int
    pages: int
    original_names: list[str] = field(default_factory=list)
    title: str = ""
    certificate: Any = None  # documents.models.Certificate that signed it, if signed
    signed_at: datetime | None = None
    level: str = ""  # PAdES B-B or B-T
    previous: Any = None  # the Document this one is a new version of (a signed scan)
    reused_from: Any = None  # the Document of the applicant's store this reuses
    form_key: str = ""  # a signed form of the circular: "01", "04-2"...
    component: str = ""  # the paper it answers, when one action records several (a supplement online)
