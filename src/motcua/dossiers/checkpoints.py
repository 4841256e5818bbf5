"""Daily checkpoints of the event log: what the hash chains alone cannot show.

A chain shows an event changed in place, but not a dossier deleted with all its rows, a middle event
edited with the rest of the chain recomputed, or the last event dropped with the dossier's bookkeeping
rolled back: whoever can write the database can make a chain that is consistent again. A checkpoint
fixes, at one moment, every dossier's chain head (code, last sequence number, last hash) and every
code counter (receiving agency, day, last number), as a Merkle root signed with an Ed25519 key that the
database does not hold (MOTCUA_CHECKPOINT_KEY, or the key file). It is written to a file, one leaf a
line, and shown on the public /transparency/ page, so that copies kept elsewhere anchor it.
`motcua verify-log` compares the database with the latest checkpoint; `motcua checkpoint` writes one,
and the watch (`motcua tick --every`, started by `motcua serve`) writes one a day.

The file: the first line is the signed header (JSON), each following line one leaf, a JSON array,
sorted: ["d", code, last_seq, last_hash] per dossier, then ["c", agency_code, "YYYY-MM-DD", last] per
counter. The root is the Merkle tree hash over the leaf lines as written (SHA-256; leaves prefixed
0x00, nodes 0x01, an odd node carried up); the signature covers the header's canonical JSON without
its "signature" field."""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .models import CodeCounter, Dossier, DossierEvent

FORMAT = "motcua-checkpoint-1"
PREFIX, SUFFIX = "checkpoint-", ".jsonl"


# --- the tree -----------------------------------------------------------------------------------------


def leaf_line(item: list[Any]) -> str:
    return json.dumps(item, ensure_ascii=False, separators=(",", ":"))


def merkle_root(lines: Iterable[str]) -> str:
    level = [hashlib.sha256(b"\x00" + line.encode()).digest() for line in lines]
    if not level:
        return hashlib.sha256(b"").hexdigest()
    while len(level) > 1:
        paired = [
            hashlib.sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2)
        ]
        level = paired + ([level[-1]] if len(level) % 2 else [])
    return level[0].hex()


def current_leaves() -> list[str]:
    heads = Dossier.objects.order_by("code").values_list("code", "last_event_seq", "last_event_hash")
    counters = CodeCounter.objects.order_by("agency_code", "day").values_list("agency_code", "day", "last")
    return [leaf_line(["d", code, seq, head]) for code, seq, head in heads.iterator(chunk_size=5000)] + [
        leaf_line(["c", agency, day.isoformat(), last]) for agency, day, last in counters
    ]


# --- the key ------------------------------------------------------------------------------------------


def _config(name: str) -> str:
    return str(getattr(settings, "MOTCUA", {}).get(name) or "")


def _parse_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except ValueError as error:
        raise ImproperlyConfigured(
            "MOTCUA_CHECKPOINT_KEY: không đọc được khóa Ed25519 (base64 32 byte hoặc PEM) / "
            "not an Ed25519 private key (base64 of 32 bytes, or PEM)"
        ) from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured("MOTCUA_CHECKPOINT_KEY: cần khóa Ed25519 / an Ed25519 key is needed")
    return key


def configured_key() -> Ed25519PrivateKey | None:
    """The signing key from the environment, else from the key file; None when neither exists."""
    if _config("CHECKPOINT_KEY"):
        return _parse_key(_config("CHECKPOINT_KEY"))
    path = Path(_config("CHECKPOINT_KEY_FILE"))
    return _parse_key(path.read_text()) if path.is_file() else None


def signing_key() -> Ed25519PrivateKey:
    """The configured key; without one, a key generated once into the key file (readable by its owner
    only), like the site's secret key."""
    key = configured_key()
    if key is not None:
        return key
    key = Ed25519PrivateKey.generate()
    path = Path(_config("CHECKPOINT_KEY_FILE"))
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    return key


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def _signed_part(header: dict[str, Any]) -> bytes:
    unsigned = {k: v for k, v in header.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


# --- the files ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Checkpoint:
    path: Path
    header: dict[str, Any]
    header_line: str

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def digest(self) -> str:
        """What the next checkpoint names as its previous one."""
        return hashlib.sha256(self.header_line.encode()).hexdigest()

    @property
    def made_at(self) -> datetime:
        return datetime.fromisoformat(self.header["made_at"])

    def leaves(self) -> Iterator[str]:
        with self.path.open(encoding="utf-8") as lines:
            next(lines, None)
            for line in lines:
                yield line.rstrip("\n")


def directory() -> Path:
    return Path(_config("CHECKPOINT_DIR"))


def paths() -> list[Path]:
    """Every checkpoint file, oldest first (the names sort by time)."""
    folder = directory()
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}")) if folder.is_dir() else []


def read(path: Path) -> Checkpoint:
    with path.open(encoding="utf-8") as lines:
        first = lines.readline().rstrip("\n")
    return Checkpoint(path, json.loads(first), first)


def recent(count: int = 30) -> list[Checkpoint]:
    """The latest checkpoints, newest first (headers only are read)."""
    return [read(path) for path in reversed(paths()[-count:])]


def latest() -> Checkpoint | None:
    found = paths()
    return read(found[-1]) if found else None


def write_checkpoint(now: datetime | None = None) -> Checkpoint:
    """Sign and write a checkpoint of the log as it stands now."""
    now = now or timezone.now()
    key = signing_key()
    lines = current_leaves()
    previous = latest()
    header = {
        "format": FORMAT,
        "made_at": now.astimezone(UTC).isoformat(),
        "day": timezone.localtime(now).date().isoformat(),
        "root": merkle_root(lines),
        "dossiers": sum(1 for line in lines if line.startswith('["d"')),
        "counters": sum(1 for line in lines if line.startswith('["c"')),
        "previous": previous.digest if previous else "",
        "public_key": public_key_text(key),
    }
    header["signature"] = base64.b64encode(key.sign(_signed_part(header))).decode()
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{PREFIX}{now.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}{SUFFIX}"
    partial = path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8") as out:
        out.write(json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n")
        for line in lines:
            out.write(line + "\n")
    os.replace(partial, path)  # a reader never sees half a checkpoint
    return read(path)


def write_daily(now: datetime | None = None) -> Checkpoint | None:
    """The day's checkpoint, when the day (local time) has none yet; None otherwise."""
    now = now or timezone.now()
    last = latest()
    if last is not None and last.header.get("day") == timezone.localtime(now).date().isoformat():
        return None
    return write_checkpoint(now)


# --- checking the database against the latest checkpoint ----------------------------------------------


@dataclass
class Comparison:
    """The latest checkpoint, read for `motcua verify-log`: its own soundness, and what it fixed."""

    checkpoint: Checkpoint | None = None
    heads: dict[str, tuple[int, str]] = field(default_factory=dict)
    counters: dict[tuple[str, str], int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def load_latest() -> Comparison:
    """The latest checkpoint with its signature, root and link to the previous one checked."""
    found = paths()
    if not found:
        return Comparison(notes=["chưa có điểm mốc nào / no checkpoint yet (motcua checkpoint)"])
    checkpoint = read(found[-1])
    comparison = Comparison(checkpoint)
    header, name = checkpoint.header, checkpoint.name
    key = configured_key()
    public_text = public_key_text(key) if key is not None else str(header.get("public_key", ""))
    if key is None:
        comparison.notes.append(
            f"{name}: chữ ký được kiểm bằng khóa công khai ghi trong tệp / signature checked with the "
            f"public key the file names ({public_text}); compare it with the published one"
        )
    elif header.get("public_key") != public_text:
        comparison.problems.append(f"{name}: signed by another key than the one held")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_text))
        public.verify(base64.b64decode(str(header.get("signature", ""))), _signed_part(header))
    except (InvalidSignature, ValueError):
        comparison.problems.append(f"{name}: the signature does not match the checkpoint")
    lines = list(checkpoint.leaves())
    if merkle_root(lines) != header.get("root"):
        comparison.problems.append(f"{name}: its lines do not give the signed Merkle root")
    if len(found) > 1 and header.get("previous") != read(found[-2]).digest:
        comparison.problems.append(f"{name}: does not follow the previous checkpoint {found[-2].name}")
    for line in lines:
        item = json.loads(line)
        if item[0] == "d":
            comparison.heads[item[1]] = (int(item[2]), str(item[3]))
        else:
            comparison.counters[(item[1], item[2])] = int(item[3])
    return comparison


def check_chain(comparison: Comparison, dossier: Dossier, chain: list[DossierEvent]) -> list[str]:
    """The dossier's chain still holds, at the checkpoint's sequence number, the head it had then."""
    head = comparison.heads.get(dossier.code)
    if head is None or comparison.checkpoint is None:
        return []
    seq, expected = head
    name = comparison.checkpoint.name
    at_seq = next((event for event in chain if event.seq == seq), None)
    if at_seq is None or dossier.last_event_seq < seq:
        return [
            f"{dossier.code}: the chain ends at #{dossier.last_event_seq}, checkpoint {name} has #{seq}: "
            "events were removed"
        ]
    if at_seq.hash != expected:
        return [f"{dossier.code} #{seq}: differs from checkpoint {name}: the chain was rewritten"]
    return []


def missing_dossiers(comparison: Comparison, seen: set[str]) -> list[str]:
    name = comparison.checkpoint.name if comparison.checkpoint else ""
    return [
        f"{code}: in checkpoint {name}, missing from the database: the dossier was deleted"
        for code in sorted(set(comparison.heads) - seen)
    ]


def check_counters(comparison: Comparison, seen: set[str]) -> list[str]:
    """Every code a counter has handed out belongs to a dossier (codes are gap-free: a missing one was
    deleted), and no counter went back since the checkpoint."""
    from .codes import format_code

    problems = []
    current = {
        (agency, day.isoformat()): last
        for agency, day, last in CodeCounter.objects.values_list("agency_code", "day", "last")
    }
    for (agency, day), last in sorted(current.items()):
        when = datetime.fromisoformat(day).date()
        missing = [format_code(agency, when, n) for n in range(1, last + 1)]
        missing = [code for code in missing if code not in seen]
        problems += [
            f"{code}: missing: the counter of {agency} for {day} has handed out {last} codes"
            for code in missing
        ]
    name = comparison.checkpoint.name if comparison.checkpoint else ""
    for (agency, day), last in sorted(comparison.counters.items()):
        now = current.get((agency, day))
        if now is None or now < last:
            problems.append(
                f"counter {agency} {day}: {now if now is not None else 'gone'}, checkpoint {name} has {last}: "
                "it was rolled back"
            )
    return problems
