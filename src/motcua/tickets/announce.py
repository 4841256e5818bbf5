"""The display board's voice: "Xin mời số A 0 0 5 đến quầy số 3" as a WAV file made by espeak-ng
(Debian's espeak-ng package, Vietnamese voice). Each sentence is made once and kept under
MOTCUA_HOME/ticket-audio (a ticket number and a counter repeat every day). Without espeak-ng the board
still shows and highlights every call; it only stays silent."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

DIGITS_VI = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
TIMEOUT_S = 10


def sentence(label: str, counter: int) -> str:
    """What is said: the ticket's letter and each digit, then the counter (digits read one by one, as
    the board shows them: "A005" is "A không không năm")."""
    spoken = " ".join(DIGITS_VI[int(c)] if c.isdigit() else c for c in label)
    return f"Xin mời số {spoken}, đến quầy số {counter}."


def program() -> str | None:
    """The espeak-ng executable (MOTCUA_ESPEAK_NG, default espeak-ng on PATH), or None when absent."""
    configured = settings.MOTCUA.get("ESPEAK_NG", "espeak-ng")
    return shutil.which(configured) if configured else None


def available() -> bool:
    return program() is not None


def folder() -> Path:
    return Path(settings.HOME) / "ticket-audio"


def speech(text: str) -> Path | None:
    """The WAV file saying `text`, made now if not made before; None when espeak-ng is absent or fails."""
    espeak = program()
    if espeak is None:
        return None
    voice = settings.MOTCUA.get("ESPEAK_VOICE", "vi")
    digest = hashlib.sha256(f"{voice}|{text}".encode()).hexdigest()[:32]
    target = folder() / f"{digest}.wav"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    os.close(handle)
    try:
        done = subprocess.run(
            [espeak, "-v", voice, "-s", "135", "-w", temporary, text],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0 or os.path.getsize(temporary) == 0:
            return None
        os.replace(temporary, target)  # atomic: another process may be making the same file
        return target
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
