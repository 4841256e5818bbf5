"""The display board's voice: "Xin mời số A không không năm, đến quầy số 3" as a WAV made by espeak-ng
(Debian's espeak-ng package, Vietnamese voice) when a board asks for a call. Nothing is kept on disk:
a sentence takes espeak-ng a few milliseconds, the board asks once per call, and a cache of every
ticket number at every counter would grow without bound. Without espeak-ng the board still shows and
flashes every call; it only stays silent."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

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


def speech(text: str) -> bytes | None:
    """The WAV saying `text`; None when espeak-ng is absent or fails."""
    espeak = program()
    if espeak is None:
        return None
    voice = settings.MOTCUA.get("ESPEAK_VOICE", "vi")
    handle, path = tempfile.mkstemp(suffix=".wav")
    os.close(handle)
    try:
        done = subprocess.run(
            [espeak, "-v", voice, "-s", "135", "-w", path, text],
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
        with open(path, "rb") as made:
            audio = made.read()
        return audio if done.returncode == 0 and audio[:4] == b"RIFF" else None
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        os.unlink(path)
