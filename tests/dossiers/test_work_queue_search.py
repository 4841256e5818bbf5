"""The work queue finds applicants by name whatever the capitals and Vietnamese marks, and codes by
their start."""

from motcua.dossiers.services import Applicant, intake
from tests.factories import at, judicial_request


def test_queues_find_applicants_whatever_the_capitals_and_marks(world):
    from motcua.dossiers import selectors

    applicant = Applicant(name="Võ Gia Vy", id_number="074090004321")
    code = intake(
        actor=world["counter_dt"], request=judicial_request(applicant=applicant), now=at(2026, 3, 2, 9)
    )
    code = code.dossier.code
    intake(actor=world["counter_dt"], request=judicial_request(), now=at(2026, 3, 2, 9))  # Nguyễn Thị Hoa

    def found(q: str) -> list[str]:
        page = selectors.work_queue(world["counter_dt"], q=q, now=at(2026, 3, 2, 10))
        return [d.code for d in page.items]

    for query in ("Võ Gia", "VÕ GIA", "vo gia", "gia vy", "Vy", "vo  VY"):
        assert found(query) == [code], query
    assert found("vo hoa") == [] and found("ia") == []  # words start where the name's words start
    assert found(code) == [code] and found(code.lower()) == [code]  # codes as before, by their start
