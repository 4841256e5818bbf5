"""Supplements: the papers an intake supplement brings are recorded and complete the checklist; papers
still missing are named as the catalog names them."""

import pytest

from motcua.dossiers.models import DossierPaper, Status
from motcua.dossiers.services import act, intake
from motcua.errors import ValidationFailed
from tests.factories import assert_consistent, at, judicial_request


def test_intake_supplement_records_the_papers_and_completes_the_checklist(world):
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9, 0)
    ).dossier
    with pytest.raises(ValidationFailed) as caught:
        act(
            actor=world["counter_dt"],
            code=dossier.code,
            action="supplement_received",
            now=at(2026, 3, 3, 9, 0),
        )
    assert "TP1" in caught.value.message_en
    with pytest.raises(ValidationFailed):  # not a component of the procedure
        act(actor=world["counter_dt"], code=dossier.code, action="supplement_received",
            now=at(2026, 3, 3, 9, 0), params={"papers": [{"component": "TP1"}, {"component": "XX"}]})  # fmt: skip
    act(
        actor=world["counter_dt"],
        code=dossier.code,
        action="supplement_received",
        now=at(2026, 3, 3, 9, 0),
        params={"papers": [{"component": "TP1", "form": "original", "quantity": 2}]},
    )
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED and dossier.received_at == at(2026, 3, 3, 9, 0)
    paper = DossierPaper.objects.get(dossier=dossier)
    assert (paper.component.code, paper.form, paper.quantity) == ("TP1", "original", 2)
    assert dossier.paper_movements.count() == 1  # the original travels to the competent agency
    assert dossier.events.order_by("-seq").first().payload["papers"] == ["TP1"]
    assert_consistent(dossier)


def test_papers_still_missing_are_named_as_the_catalog_names_them(world):
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9)
    ).dossier
    with pytest.raises(ValidationFailed) as refused:
        act(actor=world["counter_dt"], code=dossier.code, action="supplement_received", now=at(2026, 3, 3, 9))
    assert "Tờ khai (TP1)" in refused.value.message_vi and "Form (TP1)" in refused.value.message_en
    assert [p.field for p in refused.value.problems] == ["papers"]
