"""A realistic year of dossiers for the demo, made through the real services (intake and act) with a
simulated clock: every dossier, step, hand-over and event is what the system would have recorded.
Deterministic for a seed and an end date; the wall clock plays no part (except each event's
recorded_at). Loading when any dossier exists does nothing."""

from __future__ import annotations

import bisect
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from motcua.catalog.models import CompetentLevel, LimitUnit, OnlineLevel, Procedure
from motcua.demo.loader import ensure_unit_staff, unit_staff_plan
from motcua.dossiers import memo, services
from motcua.dossiers.lifecycle import Action
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import Applicant, IntakeRequest, PaperIn
from motcua.dossiers.watch import tick
from motcua.network.clock import work_calendar
from motcua.network.models import Jurisdiction, JurisdictionLevel, Role, Unit, UnitKind

DEFAULT_UNTIL = date(2026, 11, 20)
DEFAULT_COUNT = 20_000
DEFAULT_SEED = 766
DAYS = 365

# Shares of the outcomes and paths (DOMAIN.md: most on time, some late, supplemented, refused...).
SHARE_ONLINE = 0.40
SHARE_POST = 0.05
SHARE_OUTSIDE_AREA = 0.40  # of boundary-free local procedures filed in person: at a unit of another district
SHARE_REFUSED = 0.03
SHARE_WITHDRAWN = 0.02
SHARE_STOPPED = 0.01
SHARE_LATE = 0.085
SHARE_APOLOGY = 0.35  # of late dossiers: the agency apologized before the due time (Form 04)
SHARE_SUPPLEMENT_AT_INTAKE = 0.04
SHARE_SUPPLEMENT_IN_PROCESSING = 0.08
SHARE_REPEATED_SUPPLEMENT = 0.12
SHARE_NEVER_SUPPLEMENTED = 0.05
SHARE_UNCOLLECTED = 0.01
SHARE_RETURN_BY_POST = 0.08
SHARE_RETURN_ELSEWHERE = 0.10
SHARE_ASSIGNED = 0.5
SHARE_PAID_ONLINE = {Channel.ONLINE: 0.7, Channel.IN_PERSON: 0.1, Channel.POST: 0.3}

# Relative demand per procedure (demo assumption): certified copies and civil status dominate.
DEMAND = {
    "2.000815": 14,
    "2.000884": 6,
    "1.001193": 8,
    "1.004222": 5,
    "1.004194": 6,
    "1.002755": 3,
    "2.000635": 5,
    "1.004873": 5,
    "1.000656": 3,
    "1.000894": 3,
    "2.000488": 5,
    "1.004227": 5,
    "1.012753": 2,
    "1.001612": 3,
    "2.000720": 2,
    "1.002804": 3,
    "2.001610": 2,
    "2.002042": 2,
    "1.010026": 1.5,
}
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Đức", "Thu", "Quốc", "Kim", "Hoài", "Gia"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]


class _Horizon(Exception):
    """The story reached the end of the simulated year: the dossier stays as it is."""


@dataclass(frozen=True)
class ComponentInfo:
    code: str
    name_vi: str
    name_en: str
    required: bool
    form: str


@dataclass(frozen=True)
class VersionInfo:
    effective_from: date
    components: tuple[ComponentInfo, ...]
    limit_amount: Decimal
    fee: int


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    level: str
    boundary_free: bool
    online: bool
    versions: tuple[VersionInfo, ...]  # by effective date

    def version_on(self, day: date) -> VersionInfo:
        found = [v for v in self.versions if v.effective_from <= day]
        return found[-1] if found else self.versions[0]


@dataclass
class HistoryReport:
    dossiers: int = 0
    actions: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    skipped: str = ""

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        rate = self.dossiers / self.seconds if self.seconds else 0
        statuses = ", ".join(f"{Status(s).value}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"Lịch sử / history: {self.dossiers} hồ sơ / dossiers, {self.actions} thao tác / actions "
            f"trong / in {self.seconds:.1f} s ({rate:.0f} hồ sơ/s / dossiers/s); "
            f"trạng thái / statuses {{{statuses}}}"
        )


# --- the world: network, catalog and staff, read once -----------------------------------------------


AGENCY_KINDS = (UnitKind.DEPARTMENT, UnitKind.DISTRICT_PC, UnitKind.COMMUNE_PC, UnitKind.VERTICAL)
SERVICE_KINDS = (UnitKind.CENTER, UnitKind.BRANCH, UnitKind.RECEPTION_POINT)


def staff_plan() -> list[tuple[str, Unit, str]]:
    """(username, unit, role): the units' own accounts (the demo's, loader.unit_staff_plan)."""
    return unit_staff_plan()


def ensure_history_staff() -> int:
    """The units' accounts and roles (unusable passwords unless load-demo gave them the demo one);
    returns how many new."""
    return ensure_unit_staff()


def staff_actors() -> dict[tuple[int, str], Actor]:
    user_model = get_user_model()
    plan = staff_plan()
    users = {u.username: u for u in user_model.objects.filter(username__in=[p[0] for p in plan])}
    return {(unit.pk, role): Actor(user=users[name], roles={(unit.pk, role)}) for name, unit, role in plan}


def _procedures() -> list[ProcedureInfo]:
    infos = []
    for procedure in Procedure.objects.prefetch_related("versions__components", "versions__fees"):
        versions = sorted(procedure.versions.all(), key=lambda v: (v.effective_from, v.version))
        infos.append(
            ProcedureInfo(
                code=procedure.code,
                level=procedure.competent_level,
                boundary_free=procedure.boundary_free,
                online=procedure.online_level != OnlineLevel.NONE,
                versions=tuple(_version_info(v) for v in versions),
            )
        )
    return infos


def _version_info(version) -> VersionInfo:
    components = tuple(
        ComponentInfo(c.code, c.name_vi, c.name_en, c.required, c.form)
        for c in sorted(version.components.all(), key=lambda c: c.order)
    )
    amount = version.limit_amount if version.limit_unit == LimitUnit.WORKING_DAYS else Decimal(1)
    return VersionInfo(
        version.effective_from, components, amount, sum(f.amount_vnd for f in version.fees.all())
    )


class World:
    """Everything the stories draw from: communes by population, the units serving each, procedures
    by demand, staff by unit and role, and the legal clock."""

    def __init__(self) -> None:
        self.calendar = work_calendar()
        units = list(Unit.objects.filter(active=True).select_related("jurisdiction"))
        self.reception = {u.jurisdiction_id: u for u in units if u.kind == UnitKind.RECEPTION_POINT}
        self.branch = {u.jurisdiction_id: u for u in units if u.kind == UnitKind.BRANCH}
        self.center = next(u for u in units if u.kind == UnitKind.CENTER)
        communes = Jurisdiction.objects.filter(level=JurisdictionLevel.COMMUNE).select_related("parent")
        self.communes = [c for c in communes.order_by("code") if c.pk in self.reception]
        self.commune_weights = list(itertools.accumulate(max(c.population or 1000, 1) for c in self.communes))
        self.procedures = sorted(_procedures(), key=lambda p: p.code)
        self.procedure_weights = list(itertools.accumulate(DEMAND.get(p.code, 1) for p in self.procedures))
        self.actors = staff_actors()

    def commune(self, rng: random.Random, exclude_district: int | None = None) -> Jurisdiction:
        while True:
            commune = self.communes[
                bisect.bisect(self.commune_weights, rng.random() * self.commune_weights[-1])
            ]
            if commune.parent_id != exclude_district:
                return commune

    def procedure(self, rng: random.Random) -> ProcedureInfo:
        return self.procedures[
            bisect.bisect(self.procedure_weights, rng.random() * self.procedure_weights[-1])
        ]

    def actor(self, unit_id: int, role: str) -> Actor:
        return self.actors[(unit_id, role)]


# --- stories: what happens to each dossier, drawn up front -------------------------------------------


@dataclass
class Story:
    index: int
    seed: int
    at: datetime
    procedure: ProcedureInfo
    version: VersionInfo
    channel: int
    subject: Jurisdiction
    unit: Unit
    return_unit: Unit | None
    applicant: Applicant
    outcome: str = "returned"  # returned | refused | withdrawn | stopped | uncollected
    late: bool = False
    apology: bool = False
    supplement: str = ""  # "" | intake | processing
    repeated: bool = False
    abandoned: bool = False  # supplement never brought
    pays: bool = False
    paid_online: bool = False
    assigned: bool = False


def working_days(calendar, first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        if calendar.is_working_day(day):
            days.append(day)
        day += timedelta(days=1)
    return days


def _local(day: date, minutes: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()) + timedelta(minutes=minutes))


def arrival(rng: random.Random, days: list[date], first: date, last: date, channel: int) -> datetime:
    if channel == Channel.ONLINE:  # any day, 06:00-23:00
        day = first + timedelta(days=rng.randrange((last - first).days + 1))
        return _local(day, rng.randrange(6 * 60, 23 * 60))
    day = rng.choice(days)
    if rng.random() < 0.6:
        return _local(day, rng.randrange(7 * 60, 11 * 60 + 30))
    return _local(day, rng.randrange(13 * 60 + 30, 17 * 60))


def _channel(rng: random.Random, procedure: ProcedureInfo) -> int:
    draw = rng.random()
    if draw < SHARE_POST:
        return Channel.POST
    if draw < SHARE_POST + SHARE_ONLINE / 0.9 and procedure.online:  # not every procedure is online
        return Channel.ONLINE
    return Channel.IN_PERSON


def receiving_unit(world: World, rng: random.Random, procedure: ProcedureInfo, subject, channel: int) -> Unit:
    district = subject.parent_id
    local = procedure.level in (CompetentLevel.COMMUNE, CompetentLevel.DISTRICT)
    if channel == Channel.ONLINE:
        if procedure.level == CompetentLevel.COMMUNE:
            return world.reception[subject.pk]
        return world.branch[district] if local else world.center
    if not procedure.boundary_free:
        if procedure.level == CompetentLevel.COMMUNE or (local and rng.random() < 0.6):
            return world.reception[subject.pk]
        return world.branch[district] if local else world.center
    if channel == Channel.POST:
        return world.center if rng.random() < 0.5 or not local else world.branch[district]
    if local and rng.random() < SHARE_OUTSIDE_AREA:
        elsewhere = world.commune(rng, exclude_district=district)
        return world.reception[elsewhere.pk] if rng.random() < 0.7 else world.branch[elsewhere.parent_id]
    draw = rng.random()
    if not local:
        return (
            world.center
            if draw < 0.4
            else world.branch[district]
            if draw < 0.8
            else world.reception[subject.pk]
        )
    return (
        world.reception[subject.pk]
        if draw < 0.65
        else world.branch[district]
        if draw < 0.95
        else world.center
    )


def return_point(world: World, rng: random.Random, story_unit: Unit, subject, channel: int) -> Unit | None:
    draw = rng.random()
    by_post = SHARE_RETURN_BY_POST * (3 if channel == Channel.ONLINE else 1)
    if draw < by_post:
        return None
    if draw < by_post + SHARE_RETURN_ELSEWHERE:
        home = world.reception[subject.pk]
        return home if home.pk != story_unit.pk else world.branch[subject.parent_id]
    return story_unit


def applicant(rng: random.Random, subject) -> Applicant:
    born = rng.randrange(1950, 2006)
    sex_century = (0 if born < 2000 else 2) + rng.randrange(2)
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
    return Applicant(
        name=name,
        id_number=f"074{sex_century}{born % 100:02d}{rng.randrange(10**6):06d}",
        phone=f"09{rng.randrange(10**8):08d}",
        address=f"{subject.name}, {subject.parent.name}, Bình Dương",
    )


def _outcome(story: Story, rng: random.Random) -> None:
    draw = rng.random()
    for name, share in (
        ("refused", SHARE_REFUSED),
        ("withdrawn", SHARE_WITHDRAWN),
        ("stopped", SHARE_STOPPED),
    ):
        if draw < share:
            story.outcome = name
            break
        draw -= share
    else:
        story.outcome = "uncollected" if rng.random() < SHARE_UNCOLLECTED else "returned"
    story.late = story.outcome in ("returned", "uncollected") and rng.random() < SHARE_LATE
    story.apology = story.late and rng.random() < SHARE_APOLOGY
    if story.outcome != "refused":
        draw = rng.random()
        if draw < SHARE_SUPPLEMENT_AT_INTAKE:
            story.supplement = "intake"
        elif (
            draw < SHARE_SUPPLEMENT_AT_INTAKE + SHARE_SUPPLEMENT_IN_PROCESSING and story.version.limit_amount
        ):
            story.supplement = "processing"
        story.repeated = story.supplement == "processing" and rng.random() < SHARE_REPEATED_SUPPLEMENT
        story.abandoned = bool(story.supplement) and rng.random() < SHARE_NEVER_SUPPLEMENTED
    story.pays = story.version.fee > 0 and rng.random() < 0.5
    story.paid_online = rng.random() < SHARE_PAID_ONLINE[story.channel]
    story.assigned = rng.random() < SHARE_ASSIGNED


def draw_stories(world: World, *, count: int, seed: int, until: date, days: int = DAYS) -> list[Story]:
    rng = random.Random(seed)
    first = until - timedelta(days=days)
    open_days = working_days(world.calendar, first, until - timedelta(days=1))
    stories = []
    for index in range(count):
        procedure = world.procedure(rng)
        channel = _channel(rng, procedure)
        subject = world.commune(rng)
        at = arrival(rng, open_days, first, until - timedelta(days=1), channel)
        unit = receiving_unit(world, rng, procedure, subject, channel)
        story = Story(
            index=index,
            seed=rng.randrange(2**32),
            at=at,
            procedure=procedure,
            version=procedure.version_on(timezone.localdate(at)),
            channel=channel,
            subject=subject,
            unit=unit,
            return_unit=return_point(world, rng, unit, subject, channel),
            applicant=applicant(rng, subject),
        )
        _outcome(story, rng)
        stories.append(story)
    stories.sort(key=lambda s: (s.at, s.index))
    return stories


# --- playing a story through the services ------------------------------------------------------------


@dataclass
class StepInfo:
    order: int
    unit_id: int
    role: str
    due_at: datetime | None
    is_return: bool


class Player:
    """Plays one story: every change goes through services.intake / services.act at simulated times."""

    def __init__(self, world: World, story: Story, until: datetime) -> None:
        self.world, self.story, self.until = world, story, until
        self.rng = random.Random(story.seed)
        self.calendar = world.calendar
        self.dossier: Dossier | None = None
        self.actions = 0
        self.last = story.at
        self.pending: list[tuple[datetime, Actor, Action]] = []  # paper originals on their way
        self.marked_steps: set[int] = set()

    # time
    def after(self, at: datetime, low_hours: float, high_hours: float) -> datetime:
        return self.calendar.add_working(at, timedelta(hours=self.rng.uniform(low_hours, high_hours)))

    def within(self, start: datetime, due: datetime | None) -> datetime:
        """A moment before `due` (a share of the working time left), or soon after start if none is left."""
        room = self.calendar.working_time_between(start, due) if due else timedelta(0)
        if room <= timedelta(minutes=10):
            return self.after(start, 0.1, 0.8)
        return self.calendar.add_working(start, room * self.rng.uniform(0.15, 0.92))

    # acting
    def act(self, at: datetime, actor: Actor, action: Action, params: dict | None = None) -> Dossier:
        at = max(at, self.last + timedelta(minutes=1))
        if at > self.until:
            raise _Horizon
        self.flush(at)
        return self._do(at, actor, action, params)

    def _do(self, at: datetime, actor: Actor, action: Action, params: dict | None = None) -> Dossier:
        self.dossier = services.act(actor=actor, code=self.dossier.code, action=action, now=at, params=params)
        self.actions += 1
        self.last = at
        return self.dossier

    def flush(self, before: datetime, closing: bool = False) -> None:
        """Paper-original movements due before `before` (all of them when the dossier is closing)."""
        while self.pending and (closing or self.pending[0][0] < before):
            at, actor, action = self.pending.pop(0)
            at = max(
                min(max(at, self.last + timedelta(minutes=1)), before - timedelta(seconds=30)), self.last
            )
            if at > self.until:
                raise _Horizon
            self._do(at, actor, action)

    def watch(self, step: StepInfo, start: datetime, end: datetime) -> None:
        """What the periodic watch would have marked while the step was active (ticks every 30 min)."""
        moments = []
        if step.due_at and step.due_at < end and step.order not in self.marked_steps:
            moments.append(max(step.due_at, start) + timedelta(minutes=30))
        due = self.dossier.due_at
        if due and not self.dossier.late and due < end:
            moments.append(max(due, start) + timedelta(minutes=30))
        for moment in sorted(set(moments)):
            if moment < end and (moment > self.last):
                self.act(moment, Actor.of_system(), Action.MARK_LATE)
                self.marked_steps.add(step.order)

    def play(self) -> Dossier | None:
        try:
            if self.begin():
                self.process()
        except _Horizon:
            pass
        return self.dossier

    # intake
    def request(self, decision: str = "receive", drop_one: bool = False) -> IntakeRequest:
        story = self.story
        components = list(story.version.components)
        papers = [c for c in components if c.required or self.rng.random() < 0.4]
        if drop_one:
            papers.remove(next(c for c in papers if c.required))
        return_unit = story.return_unit
        return IntakeRequest(
            unit=story.unit.code,
            procedure=story.procedure.code,
            subject_jurisdiction=story.subject.code,
            applicant=story.applicant,
            papers=[PaperIn(component=c.code, form=c.form) for c in papers],
            channel=story.channel,
            return_unit=return_unit.code if return_unit else "",
            return_by_post=return_unit is None,
            return_address=story.applicant.address if return_unit is None else "",
            shipment_number=f"RR{story.index:09d}VN" if story.channel == Channel.POST else "",
            decision=decision,
            reason="Không đủ điều kiện theo quy định / not eligible" if decision == "refuse" else "",
            missing_note="Bổ sung bản chính / bring the original" if drop_one else "",
        )

    def counter(self) -> Actor:
        return self.world.actor(self.story.unit.pk, Role.COUNTER)

    def begin(self) -> bool:
        """Intake (and online reception, intake supplement); True when the clock has started."""
        story = self.story
        if story.channel == Channel.ONLINE:
            return self.begin_online()
        refuse = story.outcome == "refused"
        drop = story.supplement == "intake"
        request = self.request("refuse" if refuse else "receive", drop_one=drop)
        self.dossier = services.intake(actor=self.counter(), request=request, now=story.at).dossier
        self.actions += 1
        if refuse:
            return False
        if drop:  # the applicant brings the required paper left out (request(drop_one=True))
            dropped = next(c for c in story.version.components if c.required)
            papers = [{"component": dropped.code, "form": dropped.form}]
            return self.supplement_brought(self.after(story.at, 4, 40), self.counter(), papers)
        return True

    def begin_online(self) -> bool:
        story = self.story
        request = self.request()
        self.dossier = services.intake(actor=Actor.of_applicant(), request=request, now=story.at).dossier
        self.actions += 1
        seen = self.after(story.at, 0.2, 6)
        if story.outcome == "refused":
            self.act(seen, self.counter(), Action.REFUSE, {"reason": request.reason or "Không đủ điều kiện"})
            return False
        if story.supplement == "intake":
            missing = self.missing()
            self.act(
                seen,
                self.counter(),
                Action.REQUEST_SUPPLEMENT,
                {"missing": missing, "reason": "Thiếu giấy tờ"},
            )
            return self.supplement_brought(self.after(seen, 4, 40), self.counter())
        self.act(seen, self.counter(), Action.RECEIVE)
        return True

    def missing(self) -> list[dict[str, str]]:
        component = self.rng.choice(self.story.version.components)
        return [
            {"code": component.code, "name_vi": component.name_vi, "name_en": component.name_en, "note": ""}
        ]

    def supplement_brought(self, at: datetime, actor: Actor, papers: list[dict] | None = None) -> bool:
        if self.story.abandoned:
            return False
        self.act(at, actor, Action.SUPPLEMENT_RECEIVED, {"papers": papers} if papers else None)
        return True

    # processing
    def steps(self) -> list[StepInfo]:
        return [StepInfo(s.order, s.unit_id, s.role, s.due_at, s.is_return) for s in self.dossier.steps.all()]

    def process(self) -> None:
        story = self.story
        start = self.last
        if story.pays:
            self.pay(start)
        if self.dossier.paper_movements.exists():
            self.plan_originals()
        steps = [s for s in self.steps() if not s.is_return]
        late_at = self.rng.randrange(1, len(steps)) if story.late and len(steps) > 1 else None
        event_at = self.event_step(steps)
        for index in range(len(steps)):
            step = self.steps_now(steps, index)
            if index == event_at and self.interrupt(step):
                return
            end = self.late_end(step) if index == late_at else self.step_end(steps, index)
            self.watch(step, self.last, end)
            actor = self.world.actor(step.unit_id, step.role)
            last = index == len(steps) - 1
            self.act(end, actor, Action.FINISH if last else Action.COMPLETE_STEP)
        self.deliver()

    def step_end(self, steps: list[StepInfo], index: int) -> datetime:
        """On time: a share of the room left before the step's due (never past the dossier's), split with
        the later steps that share that deadline (on-the-spot procedures: all steps due the same day)."""
        due = self.dossier.due_at

        def bound(step: StepInfo) -> datetime | None:
            return min(d for d in (step.due_at, due) if d) if (step.due_at or due) else None

        target = bound(steps[index])
        sharing = sum(1 for s in steps[index:] if target and bound(s) and bound(s) <= target) or 1
        room = self.calendar.working_time_between(self.last, target) if target else timedelta(0)
        if room <= timedelta(minutes=10):
            return self.after(self.last, 0.1, 0.8)
        return self.calendar.add_working(self.last, room * self.rng.uniform(0.1, 0.85) / sharing)

    def steps_now(self, steps: list[StepInfo], index: int) -> StepInfo:
        step = steps[index]
        if (
            self.story.assigned
            and step.role == Role.SPECIALIST
            and (step.unit_id, Role.LEADER) in self.world.actors
        ):
            leader = self.world.actor(step.unit_id, Role.LEADER)
            specialist = self.world.actor(step.unit_id, Role.SPECIALIST)
            self.act(
                self.after(self.last, 0.02, 0.3), leader, Action.ASSIGN, {"assignee": specialist.user.pk}
            )
        return step

    def event_step(self, steps: list[StepInfo]) -> int:
        """The step during which the story's stop, withdrawal or supplement request happens: an agency's
        step (its leader stops, its specialist asks for papers), else any step after reception."""
        role = Role.LEADER if self.story.outcome == "stopped" else Role.SPECIALIST
        agency = [i for i, s in enumerate(steps) if i > 0 and (s.unit_id, role) in self.world.actors]
        later = agency or list(range(1, len(steps))) or [0]
        return self.rng.choice(later)

    def interrupt(self, step: StepInfo) -> bool:
        """Withdrawal, stop or supplement request during this step; True when the dossier is closed."""
        story = self.story
        middle = self.within(self.last, step.due_at)
        if story.outcome == "withdrawn":
            self.flush(middle, closing=True)
            self.act(middle, Actor.of_applicant(), Action.WITHDRAW, {"reason": "Công dân xin rút hồ sơ"})
            return True
        leader = self.world.actors.get((step.unit_id, Role.LEADER))
        if story.outcome == "stopped" and leader:
            self.flush(middle, closing=True)
            self.act(middle, leader, Action.STOP, {"reason": "Hồ sơ không đủ điều kiện giải quyết"})
            return True
        specialist = self.world.actors.get((step.unit_id, Role.SPECIALIST))
        if story.supplement == "processing" and specialist:
            self.request_supplement(middle, specialist, step)
        return False

    def request_supplement(self, at: datetime, specialist: Actor, step: StepInfo) -> None:
        for _ in range(2 if self.story.repeated else 1):
            params = {"missing": self.missing(), "reason": "Cần bổ sung giấy tờ để thẩm định"}
            self.act(at, specialist, Action.REQUEST_SUPPLEMENT, params)
            if not self.supplement_brought(self.after(self.last, 4, 48), self.counter()):
                raise _Horizon
            at = self.after(self.last, 1, 8)
        step.due_at = next(s.due_at for s in self.steps() if s.order == step.order)

    def late_end(self, step: StepInfo) -> datetime:
        due = self.dossier.due_at or step.due_at
        delay = self.rng.uniform(2, 40)
        end = self.calendar.add_working(due, timedelta(hours=delay))
        apologize_at = self.calendar.add_working(
            self.last, self.calendar.working_time_between(self.last, due) * 0.7
        )
        specialist = self.world.actors.get((step.unit_id, Role.SPECIALIST))
        if self.story.apology and specialist and self.last < apologize_at < due:
            new_due = self.calendar.add_working(end, timedelta(hours=self.rng.uniform(4, 16)))
            params = {"reason": "Cần xác minh thêm / further verification needed", "new_due_at": new_due}
            self.act(apologize_at, specialist, Action.APOLOGIZE, params)
        return end

    def pay(self, start: datetime) -> None:
        counter = self.world.actor(self.dossier.current_unit_id, Role.COUNTER)
        self.act(self.after(start, 0.02, 0.2), counter, Action.REQUEST_PAYMENT)
        params = {"online": self.story.paid_online, "receipt": f"BL-{self.story.index:06d}"}
        self.act(self.after(self.last, 0.05, 0.6), counter, Action.PAYMENT_RECEIVED, params)

    def plan_originals(self) -> None:
        sent = self.after(self.last, 0.1, 2)
        late = self.rng.random() < 0.04
        arrived = self.calendar.add_working(
            sent, timedelta(hours=self.rng.uniform(9, 20) if late else self.rng.uniform(1, 7))
        )
        competent = self.dossier.competent_unit_id
        receiver = self.world.actors.get((competent, Role.SPECIALIST)) or self.world.actor(
            competent, Role.COUNTER
        )
        self.pending = [
            (sent, self.counter(), Action.SEND_ORIGINALS),
            (arrived, receiver, Action.RECEIVE_ORIGINALS),
        ]

    def deliver(self) -> None:
        """Carry the result to the return point and hand it over (unless never collected)."""
        dossier = self.dossier
        if not dossier.result_at_return_point:
            holder = self.world.actors.get((dossier.current_unit_id, Role.LEADER)) or self.world.actor(
                dossier.current_unit_id, Role.COUNTER
            )
            self.act(self.after(self.last, 0.3, 6), holder, Action.CARRY_RESULT)
        if self.story.outcome == "uncollected":
            return
        due = dossier.due_at
        soon = due is None or due <= self.last or self.rng.random() < 0.3
        returned = self.after(self.last, 0.1, 12) if soon else self.within(self.last, due)
        returner = self.world.actor(self.dossier.return_unit_id or self.dossier.current_unit_id, Role.COUNTER)
        self.flush(returned, closing=True)
        if dossier.return_by_post:
            self.by_post(returned, returner)
            return
        self.act(returned, returner, Action.RETURN_RESULT, {"receiver": self.story.applicant.name})

    def by_post(self, handed: datetime, counter: Actor) -> None:
        """Handed to the post (by the unit's postal officer, if it has one) and delivered a day or two later."""
        sender = self.world.actors.get((self.dossier.current_unit_id, Role.POSTAL), counter)
        number = {"shipment_number": f"EB{self.story.index:09d}VN"}
        self.act(handed, sender, Action.HAND_TO_POST, number)
        delivered = self.calendar.add_working(self.last, timedelta(hours=self.rng.uniform(4, 16)))
        params = {"delivered_at": delivered.isoformat(), "receiver": self.story.applicant.name}
        self.act(delivered, sender, Action.POST_DELIVERED, params)


# --- loading ------------------------------------------------------------------------------------------


def history_exists() -> bool:
    return Dossier.objects.exists()


def load_history(
    *,
    count: int = DEFAULT_COUNT,
    seed: int = DEFAULT_SEED,
    until: date = DEFAULT_UNTIL,
    days: int = DAYS,
    progress: Callable[[str], None] | None = None,
    every: int = 2000,
    batch_size: int | None = None,
    on_batch: Callable[[int], None] | None = None,
    workers: int = 1,
) -> HistoryReport:
    """Generate `count` dossiers over the `days` (a year) before `until` (local midnight), then run the
    watch once at that moment. Skips (and says so) when dossiers already exist.

    Without batch_size the whole load is one commit (fastest; the services' own blocks become
    savepoints); with it, every batch_size dossiers commit, so a running site stays usable. With
    workers > 1 the stories are played by that many processes (demo/parallel.py): the same dossiers."""
    if history_exists():
        return HistoryReport(
            skipped="Đã có hồ sơ, bỏ qua lịch sử mẫu / dossiers already exist, the demo history is skipped"
        )
    if workers > 1:
        from .parallel import load_in_parallel, parallel_possible

        if parallel_possible():
            return load_in_parallel(
                count=count,
                seed=seed,
                until=until,
                days=days,
                workers=workers,
                progress=progress,
                every=every,
                on_progress=on_batch,
            )
    started = time.perf_counter()
    report = HistoryReport()
    end = history_end(until)
    with memo.reference_data_memo():
        with transaction.atomic():
            ensure_history_staff()
        world = World()
        stories = draw_stories(world, count=count, seed=seed, until=until, days=days)

        def played(done: int) -> None:
            if progress and (done % every == 0 or done == count):
                _report_progress(progress, done, count, report, started)

        play_stories(world, stories, end, report, batch_size=batch_size, on_played=played, on_batch=on_batch)
        finish_history(end, report, started)
    return report


def history_end(until: date) -> datetime:
    return timezone.make_aware(datetime.combine(until, datetime.min.time()))


def play_stories(
    world: World,
    stories: list[Story],
    end: datetime,
    report: HistoryReport,
    *,
    batch_size: int | None = None,
    on_played: Callable[[int], None] | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Play the stories in order, committing every batch_size of them (all at once without). A batch is
    all or nothing (a failed action fails the load), so the actions take no savepoint of their own."""
    size = batch_size or len(stories) or 1
    for first in range(0, len(stories), size):
        with transaction.atomic():
            for done, story in enumerate(stories[first : first + size], start=first + 1):
                _play(world, story, end, report)
                if on_played:
                    on_played(done)
        if on_batch:
            on_batch(min(first + size, len(stories)))


def finish_history(end: datetime, report: HistoryReport, started: float) -> None:
    """The watch at the end of the simulated year, then the figures."""
    with transaction.atomic():
        report.actions += tick(now=end).marks
    report.statuses = Counter(Dossier.objects.values_list("status", flat=True))
    report.seconds = time.perf_counter() - started


def _play(world: World, story: Story, end: datetime, report: HistoryReport) -> None:
    player = Player(world, story, end)
    dossier = player.play()
    report.dossiers += 1
    report.actions += player.actions
    report.statuses[dossier.status] += 1


def _report_progress(
    progress: Callable[[str], None], done: int, count: int, report: HistoryReport, started: float
) -> None:
    seconds = time.perf_counter() - started
    progress(
        f"  {done}/{count} hồ sơ / dossiers, {done / seconds:.0f}/s, {report.actions} thao tác / actions"
    )
