"""Random walks through the lifecycle: any action, by anyone, at any later moment, with good or bad
parameters. Whatever happens, an action either succeeds or is refused with a 4xx MotcuaError that
leaves nothing behind, and after every step the dossier is consistent: its chain verifies, its state
rebuilds from its events, its steps and clock agree with its status."""

from datetime import timedelta

from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.lifecycle import ACTIONS, Action, actions_from
from motcua.dossiers.models import Dossier, Status, StepState
from motcua.dossiers.permissions import Actor
from motcua.dossiers.services import PaperIn, act, intake
from motcua.errors import MotcuaError
from tests.factories import CONFIRMED, at, birth_request, judicial_request

START = at(2026, 3, 2, 8, 0)  # a Monday
CLOSED = (Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED)
FORWARD = (
    Action.RECEIVE,
    Action.SUPPLEMENT_RECEIVED,
    Action.ASSIGN,
    Action.COMPLETE_STEP,
    Action.PAYMENT_RECEIVED,
    Action.FINISH,
    Action.CARRY_RESULT,
    Action.RETURN_RESULT,
)
ENDINGS = tuple(name for name, record in ACTIONS.items() if record.ends_dossier)
CLOCK_RUNNING = (Status.RECEIVED, Status.PROCESSING, Status.AWAITING_PAYMENT)

INTAKES = {
    "judicial, received": lambda: judicial_request(),
    "judicial, by post": lambda: judicial_request(
        return_unit="", return_by_post=True, return_address="Dĩ An"
    ),
    "judicial, paper missing": lambda: judicial_request(papers=[]),
    "birth, received": lambda: birth_request(),
    "birth, online": lambda: birth_request(channel=2, confirmation=CONFIRMED),
    "birth, refused": lambda: birth_request(decision="refuse", reason="Không thuộc thẩm quyền"),
}
INTAKE_ACTORS = {"judicial": "counter_dt", "birth": "counter_pc"}

REASONS = st.sampled_from(["", "  ", "Cần xác minh thêm"])
MISSING = st.lists(st.sampled_from([{"code": "TP1"}, {"code": "TP9"}, {"code": "NOPE"}, {}]), max_size=2)
PAPERS = st.lists(
    st.sampled_from(
        [
            {"component": "TP1", "form": "original"},
            {"component": "TP9"},
            {"component": "NOPE"},
            {"component": "TP1", "quantity": 0},
        ]
    ),
    max_size=2,
)
ASSIGNEES = st.sampled_from(["spec_justice", "spec_dt", "counter_pc", "nobody", 10**9, None])


def _params(data, now) -> dict:
    drawn = data.draw(
        st.fixed_dictionaries(
            {},
            optional={
                "reason": REASONS,
                "missing": MISSING,
                "papers": PAPERS,
                "assignee": ASSIGNEES,
                "new_due_at": st.sampled_from(["", "not a date", "2026-03-02T10:00:00"])
                | st.integers(-2, 40).map(lambda days: (now + timedelta(days=days)).isoformat()),
                "receiver": st.sampled_from(["", "Nguyễn Văn A"]),
                "score": st.sampled_from([0, 1, 3, 9, "x"]),
            },
        )
    )
    if "papers" in drawn:
        drawn["papers"] = [PaperIn(**p) if "quantity" not in p else p for p in drawn["papers"]]
    return drawn


def _actor(world, name: str) -> Actor:
    if name == "applicant":
        return Actor.of_applicant()
    if name == "system":
        return Actor.of_system()
    return world[name]


def _actors_at(world, unit_ids: set) -> list[str]:
    """The staff holding a role at one of these units, or everybody when none does."""
    return [name for name, actor in world.items() if actor.unit_ids & unit_ids] or ACTORS


def _fingerprint(dossier: Dossier) -> tuple:
    """Everything a refused action must leave as it was."""
    fresh = Dossier.objects.get(pk=dossier.pk)
    return (
        tuple(getattr(fresh, f.attname) for f in Dossier._meta.concrete_fields),
        tuple(fresh.events.values_list("seq", "hash")),
        tuple(fresh.steps.values_list("order", "state", "assignee_id", "due_at", "late", "completed_at")),
        tuple(fresh.handovers.values_list("kind", "at", "timeliness")),
        tuple(fresh.supplements.values_list("requested_at", "completed_at", "repeated")),
        tuple(fresh.apologies.values_list("new_due_at")),
        tuple(fresh.paper_movements.values_list("sent_at", "received_at")),
        tuple(fresh.papers.values_list("component_id", "form", "quantity")),
    )


def assert_consistent(dossier: Dossier) -> None:
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert verify_chain(dossier) == []
    same, differences = rebuilt_matches(dossier)
    assert same, differences
    states = list(dossier.steps.values_list("state", flat=True))
    assert states.count(StepState.ACTIVE) <= 1, states
    if dossier.status in CLOSED:
        assert StepState.ACTIVE not in states and StepState.PENDING not in states, (dossier.status, states)
    if dossier.status == Status.SUPPLEMENT:  # paused, or not started (a supplement at intake)
        assert dossier.paused_since is not None or (dossier.clock_start is None and dossier.due_at is None)
    if dossier.status in CLOCK_RUNNING:
        assert dossier.due_at is not None and dossier.clock_start is not None
    if dossier.status in (Status.FINISHED, Status.RETURNED):
        assert dossier.finished_at is not None and dossier.finished_on_time is not None
    if dossier.status == Status.RETURNED:
        assert dossier.returned_at is not None and dossier.closed_at is not None


ACTORS = [
    "counter_pc",
    "counter_dt",
    "counter_center",
    "counter_tdm",
    "postal",
    "spec_justice",
    "lead_justice",
    "spec_dt",
    "lead_dt",
    "manager",
    "outsider",
    "applicant",
    "system",
]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_any_walk_keeps_the_dossier_consistent(world, data):
    with transaction.atomic():  # each example starts from the same database
        _walk(world, data)
        transaction.set_rollback(True)


def _walk(world, data) -> None:
    kind = data.draw(st.sampled_from(sorted(INTAKES)), label="intake")
    now = START + timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 3), label="received after"))
    request = INTAKES[kind]()
    dossier = intake(actor=world[INTAKE_ACTORS[kind.split(",")[0]]], request=request, now=now).dossier
    assert_consistent(dossier)
    for _ in range(data.draw(st.integers(1, 40), label="actions")):
        now += timedelta(minutes=data.draw(st.integers(0, 60 * 24 * 4), label="later by"))
        current = Dossier.objects.get(pk=dossier.pk)
        allowed = [record.name for record in actions_from(current.status)]
        if data.draw(st.integers(0, 3), label="go on?"):  # endings less often, so that walks get far
            allowed = [a for a in allowed if a not in ENDINGS] or allowed
        if data.draw(st.booleans(), label="forward?"):
            allowed = [a for a in allowed if a in FORWARD] or allowed
        # mostly what the table allows from here, so that walks get far; sometimes anything
        choices = allowed if allowed and data.draw(st.integers(0, 4), label="allowed?") else list(ACTIONS)
        action = data.draw(st.sampled_from(choices), label="action")
        here = _actors_at(world, {current.current_unit_id})
        near = _actors_at(world, {current.current_unit_id, current.return_unit_id, current.receiving_unit_id})
        actor = data.draw(
            st.sampled_from(data.draw(st.sampled_from([here, here, near, ACTORS]))), label="actor"
        )
        params = _params(data, now)
        before = _fingerprint(dossier)
        try:
            act(actor=_actor(world, actor), code=dossier.code, action=action, now=now, params=params)
        except MotcuaError as refused:
            assert 400 <= refused.http_status < 500, refused
            assert refused.message_vi and refused.message_en
            assert _fingerprint(dossier) == before, f"{action} by {actor} was refused but left changes"
        else:
            event(f"done: {action}")
        assert_consistent(dossier)
    event(f"ended in status {Dossier.objects.get(pk=dossier.pk).status}")
