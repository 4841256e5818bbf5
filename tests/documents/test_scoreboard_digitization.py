"""Index 766's digitization group is measured from the stored documents: "not measured here" until a
document exists, then the shares of the dossiers received in the period."""

import pytest

from motcua.documents import services
from motcua.dossiers.services import intake
from motcua.oversight import selectors
from motcua.oversight.scope import parse_period, parse_scope
from tests.factories import at, judicial_request, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def board(world):
    return selectors.scoreboard(parse_scope(world["manager"]), parse_period("2026-03")).board


def test_the_digitization_group_counts_signed_copies_once_documents_exist(world, signers, document_store):
    codes = [
        intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9, m)).dossier.code
        for m in (0, 5)
    ]
    assert not board(world).component("digitization.certified_copies").measured
    services.attach(
        actor=world["counter_dt"], code=codes[0], component="TP1", files=[upload("a.pdf", pdf_bytes())]
    )
    services.digitize(actor=world["counter_dt"], code=codes[0], component="TP1")
    copies = board(world).component("digitization.certified_copies")
    papers = sum(len(judicial_request().papers) for _ in codes)
    assert copies.measured and (copies.numerator, copies.denominator) == (1, papers)
    results = board(world).component("digitization.electronic_results")
    assert results.measured and (results.numerator, results.denominator) == (0, 2)
