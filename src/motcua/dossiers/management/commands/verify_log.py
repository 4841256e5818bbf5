"""`motcua verify-log`: every dossier's hash chain is intact and its stored state equals the state
rebuilt from its events; against the latest signed checkpoint (dossiers/checkpoints.py), every chain
still holds the head it had then and no dossier it lists is gone; every code a counter handed out
belongs to a dossier. Streams over the dossiers in batches (keyset pagination, events prefetched per
batch), so memory stays flat on 100k+ dossiers (but for the set of codes seen)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Prefetch

from motcua.dossiers import checkpoints
from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.models import Dossier, DossierEvent

BATCH = 1000
MAX_LISTED = 50


@dataclass
class VerifyReport:
    dossiers: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checkpoint: str = ""  # the name of the checkpoint compared with, if any
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


def batches(code: str | None = None, size: int = BATCH) -> Iterator[list[Dossier]]:
    """Dossiers in primary-key order, `size` at a time, each with its events prefetched in seq order."""
    events = Prefetch("events", queryset=DossierEvent.objects.order_by("seq"))
    base = Dossier.objects.order_by("pk").prefetch_related(events)
    if code:
        base = base.filter(code=code)
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1].pk


def check_dossier(dossier: Dossier, chain: list[DossierEvent]) -> list[str]:
    found = [f"{p.dossier_code} #{p.seq}: {p.reason}" for p in verify_chain(dossier, chain)]
    same, differences = rebuilt_matches(dossier, chain)
    if not same:
        fields = ", ".join(f"{name} (stored {a!r}, rebuilt {b!r})" for name, (a, b) in differences.items())
        found.append(f"{dossier.code}: state differs from its events: {fields}")
    return found


def verify_all(
    *, code: str | None = None, size: int = BATCH, progress: Callable[[VerifyReport], None] | None = None
) -> VerifyReport:
    report = VerifyReport()
    started = time.perf_counter()
    comparison = checkpoints.load_latest()
    report.problems += comparison.problems
    report.notes += comparison.notes
    report.checkpoint = comparison.checkpoint.name if comparison.checkpoint else ""
    seen: set[str] = set()
    for batch in batches(code, size):
        for dossier in batch:
            chain = list(dossier.events.all())  # prefetched by batches, in seq order
            report.dossiers += 1
            report.events += len(chain)
            report.problems += check_dossier(dossier, chain)
            report.problems += checkpoints.check_chain(comparison, dossier, chain)
            seen.add(dossier.code)
        report.seconds = time.perf_counter() - started
        if progress:
            progress(report)
    if code is None:  # the whole log: what is missing from it
        report.problems += checkpoints.missing_dossiers(comparison, seen)
        report.problems += checkpoints.check_counters(comparison, seen)
    report.seconds = time.perf_counter() - started
    return report


class Command(BaseCommand):
    help = (
        "Kiểm tra chuỗi băm và trạng thái dựng lại từ nhật ký / verify every dossier's hash chain and "
        "that its state rebuilt from the events equals the stored state."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--code", help="chỉ một hồ sơ / only this dossier code")
        parser.add_argument("--batch", type=int, default=BATCH, help="hồ sơ mỗi lô / dossiers per batch")

    def handle(self, *args, **options) -> None:
        total = Dossier.objects.filter(code=options["code"]).count() if options["code"] else None
        total = total if total is not None else Dossier.objects.count()
        if options["code"] and not total:
            raise CommandError(f"Không có hồ sơ {options['code']} / no dossier {options['code']}")
        report = verify_all(code=options["code"], size=options["batch"], progress=self._progress(total))
        self.stdout.write(
            f"Đã kiểm tra / checked {report.dossiers} hồ sơ / dossiers, {report.events} sự kiện / events "
            f"trong / in {report.seconds:.1f} s"
        )
        if report.checkpoint:
            self.stdout.write(f"Đối chiếu điểm mốc / compared with checkpoint {report.checkpoint}")
        for note in report.notes:
            self.stdout.write(f"  {note}")
        if report.ok:
            self.stdout.write("Nhật ký nguyên vẹn / the log is intact")
            return
        for line in report.problems[:MAX_LISTED]:
            self.stdout.write(f"  {line}")
        if len(report.problems) > MAX_LISTED:
            self.stdout.write(f"  … và / and {len(report.problems) - MAX_LISTED} lỗi khác / more")
        raise CommandError(
            f"Nhật ký có {len(report.problems)} lỗi / the log has {len(report.problems)} problems",
            returncode=1,
        )

    def _progress(self, total: int) -> Callable[[VerifyReport], None]:
        state = {"shown": time.perf_counter()}

        def show(report: VerifyReport) -> None:
            if time.perf_counter() - state["shown"] < 2 and report.dossiers < total:
                return
            state["shown"] = time.perf_counter()
            rate = report.dossiers / report.seconds if report.seconds else 0
            self.stderr.write(
                f"  {report.dossiers}/{total} hồ sơ / dossiers, {rate:.0f}/s, lỗi / problems {len(report.problems)}"
            )

        return show
