"""Paper originals received away from the competent agency travel there: the unit holding them sends
them, only the addressee confirms their arrival."""

import pytest

from motcua.dossiers.services import act
from motcua.errors import Forbidden
from tests.factories import assert_consistent, at, in_processing


def test_only_the_addressee_confirms_the_originals(world):
    dossier = in_processing(world)
    with pytest.raises(Forbidden):  # the competent agency cannot send what the counter holds
        act(
            actor=world["lead_justice"], code=dossier.code, action="send_originals", now=at(2026, 3, 2, 11, 0)
        )
    act(actor=world["counter_dt"], code=dossier.code, action="send_originals", now=at(2026, 3, 2, 11, 0))
    with pytest.raises(Forbidden):  # the sender cannot confirm its own delivery
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="receive_originals",
            now=at(2026, 3, 2, 14, 0),
        )
    act(actor=world["spec_justice"], code=dossier.code, action="receive_originals", now=at(2026, 3, 2, 14, 0))
    movement = dossier.paper_movements.get()
    assert movement.received_at == at(2026, 3, 2, 14, 0) and movement.to_unit_id == dossier.competent_unit_id
    assert_consistent(dossier)
