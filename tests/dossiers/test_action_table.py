"""The action table is the one declaration of an action: a record and a handler added in a test are
enough for the engine, the API, the desk page and the event log to take the new action, and a record
declared wrongly fails when it is registered, not at first use."""

from __future__ import annotations

import pytest

from motcua.dossiers import guards
from motcua.dossiers.context import ActionContext, Outcome
from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.lifecycle import (
    ACTIONS,
    DESK,
    PROCESSORS,
    SAME,
    ActionRecord,
    ImproperlyDeclared,
    Place,
    actions_from,
    allow,
    register,
    unregister,
)
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.params import ReasonParams
from motcua.dossiers.services import act, intake
from tests.factories import at, judicial_body, judicial_request


def stamp(ctx: ActionContext) -> Outcome:
    """The throwaway action's handler: it notes the reason in the event and marks the dossier due soon."""
    return Outcome({"due_soon": True}, {"reason": ctx.params["reason"], "stamped": True})


STAMP = ActionRecord(
    "stamp",
    "Đóng dấu thử",
    "Test stamp",
    (
        allow(
            (Status.RECEIVED, Status.PROCESSING), SAME, DESK | PROCESSORS, (Place.CURRENT,), guards.has_reason
        ),
    ),
    stamp,
    ReasonParams,
    ("reason",),
)


@pytest.fixture
def stamp_action():
    register(STAMP)
    yield STAMP
    unregister(STAMP.name)


def test_a_record_and_a_handler_make_a_working_action(world, stamp_action):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    assert "stamp" in [r.name for r in actions_from(Status.RECEIVED)]
    dossier = act(
        actor=world["counter_dt"],
        code=code,
        action="stamp",
        now=at(2026, 3, 2, 10, 0),
        params={"reason": "thử"},
    )
    assert dossier.due_soon is True and dossier.status == Status.RECEIVED
    event = dossier.events.order_by("-seq").first()
    assert (event.action, event.payload["stamped"], event.changes) == ("stamp", True, {"due_soon": True})
    assert verify_chain(dossier) == [] and rebuilt_matches(Dossier.objects.get(code=code))[0]


def test_the_new_action_checks_its_guard_and_places(world, stamp_action):
    from motcua.errors import Forbidden, ValidationFailed

    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    with pytest.raises(ValidationFailed) as refused:
        act(actor=world["counter_dt"], code=code, action="stamp", now=at(2026, 3, 2, 10, 0), params={})
    assert [p.field for p in refused.value.problems] == ["reason"]
    with pytest.raises(Forbidden):
        act(actor=world["counter_tdm"], code=code, action="stamp", params={"reason": "x"})


def test_the_api_offers_and_takes_the_new_action(api, clock, stamp_action):
    clock.set(at(2026, 3, 2, 9, 0))
    client = api["counter_dt"]
    code = client.post("/api/dossiers", judicial_body()).json()["code"]
    offered = client.get(f"/api/dossiers/{code}").json()["allowed_actions"]
    stamp_offer = next(a for a in offered if a["action"] == "stamp")
    assert (stamp_offer["label_vi"], stamp_offer["guard"]) == ("Đóng dấu thử", "has_reason")
    missing = client.post(f"/api/dossiers/{code}/actions/stamp", {})
    assert missing.status_code == 422  # its parameter schema: a reason is required
    done = client.post(f"/api/dossiers/{code}/actions/stamp", {"reason": "thử"})
    assert done.status_code == 200 and done.json()["action"] == "stamp"


def test_the_desk_page_shows_the_new_actions_form(world, client, stamp_action):
    code = intake(
        actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, 0)
    ).dossier.code
    client.force_login(world["counter_dt"].user)
    page = client.get(f"/desk/dossiers/{code}/").content.decode()
    assert 'id="action-stamp"' in page and 'id="stamp-reason"' in page
    posted = client.post(f"/desk/dossiers/{code}/actions/stamp/", {"reason": "thử"})
    assert posted.status_code == 302
    assert Dossier.objects.get(code=code).events.order_by("-seq").first().action == "stamp"


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"handler": None}, "has no handler"),
        ({"label_en": ""}, "needs a label"),
        ({"transitions": ()}, "has no transition"),
        ({"form_fields": ("amount",)}, "are not parameters"),
        ({"name": "receive"}, "declared twice"),
    ],
)
def test_a_record_declared_wrongly_fails_when_registered(change, problem):
    values = {**STAMP.__dict__, **change}
    with pytest.raises(ImproperlyDeclared, match=problem):
        register(ActionRecord(**values))
    assert "stamp" not in ACTIONS


def test_every_record_of_the_table_is_complete():
    for record in ACTIONS.values():
        assert callable(record.handler) and record.label_vi and record.label_en and record.transitions
        for transition in record.transitions:
            assert transition.guard is None or isinstance(transition.guard, guards.Guard)
