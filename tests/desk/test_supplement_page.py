"""The desk's page for a supplement brought to any counter: found by code and ID number, papers ticked,
handed over to the dossier's unit; a wrong ID number finds nothing."""

from motcua.dossiers.models import Handover, Status
from motcua.dossiers.services import intake
from tests.factories import at, judicial_request, page_text


def test_a_counter_elsewhere_takes_the_papers_and_hands_them_over(login, world):
    dossier = intake(
        actor=world["counter_dt"], request=judicial_request(papers=[]), now=at(2026, 3, 2, 9)
    ).dossier
    client = login("counter_tdm")  # the Thủ Dầu Một branch: not a unit of this dossier
    wrong = client.post("/desk/supplement/", {"code": dossier.code, "id_number": "000000000000", "find": "1"})
    assert wrong.status_code == 404 and "đang chờ bổ sung" in page_text(wrong)
    found = client.post("/desk/supplement/", {"code": dossier.code, "id_number": "074190001234", "find": "1"})
    assert found.status_code == 200
    assert "Tờ khai" in page_text(found) and 'value="TP1" checked' in found.content.decode()
    done = client.post(
        "/desk/supplement/",
        {"code": dossier.code, "id_number": "074190001234", "papers": ["TP1"], "receive": "1"},
    )
    assert done.status_code == 200 and "Điểm tiếp nhận thị trấn Dầu Tiếng" in page_text(done)
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
    assert dossier.handovers.get(kind=Handover.Kind.SUPPLEMENT).from_unit.code == "000.00.30.H57"


def test_staff_without_a_counter_role_get_403(login, world):
    assert login("spec_justice").get("/desk/supplement/").status_code == 403
