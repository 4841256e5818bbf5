"""The dossier API over HTTP: every lifecycle path of test_lifecycle.py, permissions, tracking with
its rate limit, and the 4xx answers to every kind of bad request."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

from django.contrib.auth.models import User
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.dossiers.events import rebuilt_matches, verify_chain
from motcua.dossiers.lifecycle import ACTIONS
from motcua.dossiers.models import Dossier, Status
from tests.factories import (
    BRANCH_TDM,
    COMMUNE_DAU_TIENG,
    DOSSIERS,
    JUSTICE,
    POINT_DAU_TIENG,
    at,
    birth_body,
    judicial_body,
    post_action,
    receive,
)


def assert_consistent(code: str) -> None:
    dossier = Dossier.objects.get(code=code)
    assert verify_chain(dossier) == []
    same, differences = rebuilt_matches(dossier)
    assert same, differences


# --- every lifecycle path, through HTTP ---------------------------------------------------------


def test_boundary_free_journey_across_three_units(api, clock):
    clock.set(at(2026, 2, 13, 16, 10))  # Friday after the cut-off, right before Tết
    receipt = receive(api["counter_dt"], judicial_body())
    code = receipt["code"]
    assert code == f"{POINT_DAU_TIENG}-260213-0001"
    assert receipt["status"] == Status.RECEIVED and len(receipt["pin"]) == 6
    assert (
        receipt["due_at"].startswith("2026-03-06T17:00:00+07:00")
        or receipt["due_at"] == "2026-03-06T10:00:00Z"
    )

    clock.set(at(2026, 2, 23, 8, 0))
    post_action(api["counter_dt"], code, "complete_step", {"note": "Chuyển Sở Tư pháp"})
    clock.set(at(2026, 2, 23, 9, 0))
    post_action(api["lead_justice"], code, "assign", {"assignee": "spec_justice"})
    clock.set(at(2026, 3, 5, 10, 0))
    post_action(api["spec_justice"], code, "complete_step")
    clock.set(at(2026, 3, 5, 15, 0))
    finished = post_action(api["lead_justice"], code, "finish")
    assert finished["status"]["code"] == Status.FINISHED
    clock.set(at(2026, 3, 5, 16, 0))
    refused = post_action(
        api["counter_tdm"], code, "return_result", expect=400
    )  # not at the return point yet
    assert refused["code"] == "guard" and "return point" in refused["message_en"]
    post_action(api["lead_justice"], code, "carry_result")
    clock.set(at(2026, 3, 6, 8, 0))
    post_action(api["counter_tdm"], code, "return_result", {"receiver": "Nguyễn Thị Hoa"})

    detail = api["counter_tdm"].get(f"{DOSSIERS}/{code}").json()
    assert detail["status"]["code"] == Status.RETURNED and detail["current_unit"]["code"] == BRANCH_TDM
    slip = [
        (h["kind"], h["from_unit"]["code"], (h["to_unit"] or {}).get("code"), h["timeliness"])
        for h in detail["control_slip"]
    ]
    assert slip == [
        ("step", POINT_DAU_TIENG, JUSTICE, "early"),
        ("step", JUSTICE, JUSTICE, "early"),
        ("result", JUSTICE, BRANCH_TDM, "early"),
        ("returned", BRANCH_TDM, None, "early"),
    ]
    assert len(detail["paper_movements"]) == 1
    assert [e["action"] for e in detail["events"]] == [
        "receive",
        "complete_step",
        "assign",
        "complete_step",
        "finish",
        "carry_result",
        "return_result",
    ]
    assert detail["due"]["legal_due_at"] == detail["due_at"]
    assert (
        "Tết" in detail["due"]["explanation_vi"]
        and "after the 15:00 cut-off" in detail["due"]["explanation_en"]
    )
    assert "đúng hạn" in detail["due"]["explanation_vi"]
    # returned: only the applicant's rating remains, on the return desk's tablet
    assert [a["action"] for a in detail["allowed_actions"]] == ["rate"]
    assert_consistent(code)


def test_commune_procedure_routes_to_the_subjects_commune(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_pc"], birth_body())["code"]
    detail = api["counter_pc"].get(f"{DOSSIERS}/{code}").json()
    assert detail["competent_unit"]["code"] == COMMUNE_DAU_TIENG
    assert detail["steps"][1]["unit"]["code"] == COMMUNE_DAU_TIENG


def test_missing_required_paper_gives_a_supplement_request(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    receipt = receive(api["counter_dt"], judicial_body(papers=[]))
    assert receipt["status"] == Status.SUPPLEMENT and receipt["due_at"] is None
    assert [m["code"] for m in receipt["missing"]] == ["TP1"]
    clock.set(at(2026, 3, 3, 9, 0))
    refused = post_action(api["counter_dt"], receipt["code"], "supplement_received", expect=400)
    assert "TP1" in str(refused)  # the papers brought must complete the checklist
    papers = {"papers": [{"component": "TP1", "form": "original", "quantity": 2}]}
    post_action(api["counter_dt"], receipt["code"], "supplement_received", papers)
    detail = api["counter_dt"].get(f"{DOSSIERS}/{receipt['code']}").json()
    assert detail["status"]["code"] == Status.RECEIVED
    assert detail["received_at"] == at(2026, 3, 3, 9, 0).isoformat()
    assert [(p["component"], p["quantity"]) for p in detail["papers"]] == [("TP1", 2)]
    assert_consistent(receipt["code"])


def test_refusal_needs_a_reason(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    error = receive(api["counter_dt"], judicial_body(decision="refuse"), expect=400)
    assert "reason" in error["message_en"] and "lý do" in error["message_vi"]
    assert Dossier.objects.count() == 0
    receipt = receive(api["counter_dt"], judicial_body(decision="refuse", reason="Không đủ điều kiện"))
    assert receipt["status"] == Status.REFUSED and receipt["code"].endswith("-0001")


def test_processing_supplement_pauses_the_clock_and_a_second_one_is_flagged(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_dt"], code, "complete_step")
    params = {"missing": [{"code": "TP9", "name_vi": "Bản sao hộ khẩu"}], "reason": "Thiếu giấy"}
    clock.set(at(2026, 3, 3, 9, 0))
    post_action(api["spec_justice"], code, "request_supplement", params)
    paused = api["spec_justice"].get(f"{DOSSIERS}/{code}").json()
    assert paused["due"]["state"] == "paused" and paused["due"]["legal_due_at"] is None
    assert "tạm dừng" in paused["due"]["explanation_vi"] and "Paused" in paused["due"]["explanation_en"]
    clock.set(at(2026, 3, 4, 9, 0))
    resumed = post_action(api["counter_dt"], code, "supplement_received")
    assert resumed["status"]["code"] == Status.PROCESSING
    assert resumed["due_at"] == at(2026, 3, 17, 9, 0).isoformat()  # moved by one working day (8 h)
    detail = api["spec_justice"].get(f"{DOSSIERS}/{code}").json()
    assert detail["due"]["legal_due_at"] == detail["due_at"]  # the explanation agrees with the services
    assert detail["due"]["paused_seconds"] == 8 * 3600
    clock.set(at(2026, 3, 5, 9, 0))
    post_action(api["spec_justice"], code, "request_supplement", params)
    clock.set(at(2026, 3, 5, 10, 0))
    post_action(api["counter_dt"], code, "supplement_received")
    clock.set(at(2026, 3, 5, 11, 0))
    post_action(api["spec_justice"], code, "complete_step")
    post_action(api["lead_justice"], code, "finish")
    detail = api["lead_justice"].get(f"{DOSSIERS}/{code}").json()
    assert [s["repeated"] for s in detail["supplements"]] == [False, True]
    assert detail["finished_on_time"] is False  # a second supplement request counts as late
    assert "trễ hạn" in detail["due"]["explanation_vi"]
    assert_consistent(code)


def test_apology_only_before_the_due_time_and_only_later(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_dt"], code, "complete_step")
    clock.set(at(2026, 3, 3, 9, 0))
    earlier = {"reason": "Chờ xác minh", "new_due_at": "2026-03-10T17:00:00+07:00"}
    post_action(api["spec_justice"], code, "apologize", earlier, expect=400)
    post_action(api["spec_justice"], code, "apologize", {"reason": "Chờ xác minh"}, expect=422)  # no new date
    later = {"reason": "Chờ xác minh", "new_due_at": "2026-03-20T17:00:00+07:00"}
    assert (
        post_action(api["spec_justice"], code, "apologize", later)["due_at"]
        == at(2026, 3, 20, 17, 0).isoformat()
    )
    detail = api["spec_justice"].get(f"{DOSSIERS}/{code}").json()
    assert detail["due"]["legal_due_at"] == at(2026, 3, 16, 9, 0).isoformat()
    assert (
        "xin lỗi và hẹn lại" in detail["due"]["explanation_vi"]
        and "Chờ xác minh" in detail["due"]["explanation_en"]
    )
    clock.set(at(2026, 3, 21, 9, 0))
    again = {"reason": "Lần nữa", "new_due_at": "2026-03-30T17:00:00+07:00"}
    assert (
        "before the due time"
        in post_action(api["spec_justice"], code, "apologize", again, expect=400)["message_en"]
    )
    assert_consistent(code)


def test_payment_stop_and_withdrawal(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    paying = receive(api["counter_dt"], judicial_body())["code"]
    leaving = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_dt"], paying, "complete_step")
    clock.set(at(2026, 3, 2, 11, 0))
    assert (
        post_action(api["spec_justice"], paying, "request_payment")["status"]["code"]
        == Status.AWAITING_PAYMENT
    )
    clock.set(at(2026, 3, 2, 14, 0))
    paid = post_action(api["counter_dt"], paying, "payment_received", {"online": True, "receipt": "BL-01"})
    assert paid["status"]["code"] == Status.PROCESSING and Dossier.objects.get(code=paying).paid_online
    clock.set(at(2026, 3, 3, 9, 0))
    post_action(api["spec_justice"], paying, "stop", {"reason": "x"}, expect=403)  # leaders only
    post_action(api["lead_justice"], paying, "stop", {}, expect=422)  # reason required
    stopped = post_action(api["lead_justice"], paying, "stop", {"reason": "Người yêu cầu không đủ điều kiện"})
    assert stopped["status"]["code"] == Status.STOPPED
    withdrawn = post_action(api["counter_dt"], leaving, "withdraw", {"reason": "Không còn nhu cầu"})
    assert withdrawn["status"]["code"] == Status.WITHDRAWN
    assert_consistent(paying)
    assert_consistent(leaving)


def test_return_step_sends_back(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 2, 10, 0))
    post_action(api["counter_dt"], code, "complete_step")
    clock.set(at(2026, 3, 3, 10, 0))
    post_action(api["spec_justice"], code, "complete_step")
    clock.set(at(2026, 3, 3, 11, 0))
    post_action(api["lead_justice"], code, "return_step", {"reason": "Cần xác minh thêm"})
    detail = api["lead_justice"].get(f"{DOSSIERS}/{code}").json()
    assert detail["current_step_order"] == 2
    assert [h["kind"] for h in detail["control_slip"]].count("return_step") == 1


def test_online_submission_then_reception(api, clock):
    clock.set(at(2026, 3, 1, 20, 0))
    body = judicial_body()
    body.pop("return_unit")
    response = api["anonymous"].post("/api/track/submit", {**body, "return_unit": BRANCH_TDM})
    assert response.status_code == 201, response.content
    filed = response.json()
    assert filed["status"]["code"] == Status.NEW and len(filed["pin"]) == 6
    detail = api["counter_dt"].get(f"{DOSSIERS}/{filed['code']}").json()
    assert detail["due"]["state"] == "not_started" and detail["channel"] == 2
    assert "receive" in [a["action"] for a in detail["allowed_actions"]]
    clock.set(at(2026, 3, 2, 8, 0))
    received = post_action(api["counter_dt"], filed["code"], "receive")
    assert received["status"]["code"] == Status.RECEIVED
    assert received["due_at"] == at(2026, 3, 12, 8, 0).isoformat()  # the online limit: 8 working days
    assert_consistent(filed["code"])


def test_illegal_action_names_status_and_allowed_actions(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    error = post_action(api["counter_dt"], code, "return_result", expect=409)
    assert error["code"] == "illegal_action"
    assert "status 2" in error["message_en"] and "complete_step" in error["message_en"]
    assert "trạng thái 2" in error["message_vi"]


def test_only_units_of_the_dossier_may_act(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    # a unit the dossier does not concern is told no more than about an unknown code
    error = post_action(api["outsider"], code, "complete_step", expect=404)
    assert error["code"] == "not_found" and "status" not in error["message_en"]
    assert receive(api["counter_dt"], judicial_body(unit=BRANCH_TDM), expect=403)["code"] == "forbidden"
    # the system's own actions are not for staff
    post_action(api["manager"], code, "mark_late", expect=403)


# --- who sees what -------------------------------------------------------------------------------


def test_visibility_follows_the_units_of_the_dossier(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]  # steps at Justice, returned at TDM branch
    assert api["outsider"].get(f"{DOSSIERS}/{code}").status_code == 404  # as an unknown code
    assert api["outsider"].get(f"{DOSSIERS}/{code}/events").status_code == 404
    assert api["spec_justice"].get(f"{DOSSIERS}/{code}").status_code == 200  # performs a step
    assert api["counter_tdm"].get(f"{DOSSIERS}/{code}").status_code == 200  # the return point
    assert api["manager"].get(f"{DOSSIERS}/{code}").status_code == 200  # center manager
    assert api["manager"].get(f"{DOSSIERS}/{code}/events").json()[0]["action"] == "receive"
    # what each may do now: the counter completes its step; the step unit waits; the manager only reads
    actions = {
        n: [a["action"] for a in api[n].get(f"{DOSSIERS}/{code}").json()["allowed_actions"]]
        for n in ("counter_dt", "spec_justice", "manager", "counter_tdm")
    }
    assert "complete_step" in actions["counter_dt"] and "withdraw" in actions["counter_dt"]
    assert "complete_step" not in actions["spec_justice"]
    assert actions["manager"] == [] and "complete_step" not in actions["counter_tdm"]
    assert "send_originals" in actions["counter_dt"] and "receive_originals" not in actions["counter_dt"]


def test_work_queues_are_scoped_to_the_units(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    receive(api["counter_pc"], birth_body())

    def codes(name, **params):
        response = api[name].get(DOSSIERS, **params)
        assert response.status_code == 200, response.content
        return [item["code"] for item in response.json()["items"]]

    assert codes("counter_dt") == [code]
    assert codes("outsider") == []
    assert len(codes("manager")) == 2
    assert codes("spec_justice") == []  # not at Justice yet
    assert codes("spec_justice", scope="involved") == [code]  # but it performs a later step
    assert codes("counter_tdm", scope="involved") == [code]  # the return point
    assert api["outsider"].get(DOSSIERS, unit=POINT_DAU_TIENG).status_code == 403
    assert codes("manager", unit=POINT_DAU_TIENG) == [code]
    assert api["counter_dt"].get(DOSSIERS, unit="000.99.99.H57").status_code == 404


def test_work_queue_filters_and_pages(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    first = receive(api["counter_dt"], judicial_body())["code"]
    clock.set(at(2026, 3, 3, 9, 0))
    second = receive(
        api["counter_dt"], judicial_body(applicant={"name": "Lê Văn Bình", "id_number": "074190009999"})
    )["code"]
    supplement = receive(api["counter_dt"], judicial_body(papers=[]))["code"]  # paused: no due time
    refused = receive(api["counter_dt"], judicial_body(decision="refuse", reason="Sai thủ tục"))["code"]

    def page(**params):
        response = api["counter_dt"].get(DOSSIERS, **params)
        assert response.status_code == 200, response.content
        return response.json()

    assert [i["code"] for i in page()["items"]] == [first, second, supplement]  # by due time, paused last
    assert [i["code"] for i in page(status=Status.REFUSED)["items"]] == [refused]
    assert [i["code"] for i in page(q="Lê")["items"]] == [second]
    assert [i["code"] for i in page(q=second[:-2])["items"]] == [second, supplement, refused][:2]
    assert [i["code"] for i in page(procedure="1.001193")["items"]] == []
    assert [i["code"] for i in page(channel=2)["items"]] == []
    walked, cursor = [], None
    while True:
        result = page(limit=1, **({"cursor": cursor} if cursor else {}))
        walked += [i["code"] for i in result["items"]]
        cursor = result["next_cursor"]
        if cursor is None:
            break
    assert walked == [first, second, supplement]
    item = page()["items"][0]
    assert item["current_step"] == "Tiếp nhận" and item["status"]["code"] == Status.RECEIVED
    clock.set(at(2026, 3, 16, 8, 0))  # the first is due 16/03 09:00 (10 working days)
    assert [i["code"] for i in page(due="soon")["items"]] == [first]
    clock.set(at(2026, 3, 16, 10, 0))
    assert [i["code"] for i in page(due="late")["items"]] == [first]


# --- authentication ------------------------------------------------------------------------------


def test_authentication_token_and_session(api, world, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    anonymous = api["anonymous"]
    response = anonymous.get(DOSSIERS)
    assert response.status_code == 401 and response.json()["message_vi"] == "Cần đăng nhập."
    assert Client(HTTP_AUTHORIZATION="Bearer not-a-token").get(DOSSIERS).status_code == 401
    assert anonymous.post(DOSSIERS, judicial_body()).status_code == 401

    session = Client(enforce_csrf_checks=True)
    session.force_login(User.objects.get(username="counter_dt"))
    assert session.get(DOSSIERS).status_code == 200
    body = judicial_body()
    response = session.post(DOSSIERS, body, content_type="application/json")
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    session.get("/api/docs")  # any page; then take the CSRF cookie Django sets
    token = session.cookies["csrftoken"].value if "csrftoken" in session.cookies else _csrf_cookie(session)
    response = session.post(DOSSIERS, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201, response.content


def _csrf_cookie(client: Client) -> str:
    from django.middleware.csrf import _get_new_csrf_string

    value = _get_new_csrf_string()
    client.cookies["csrftoken"] = value
    return value


def test_revoked_and_expired_tokens_are_refused(world, local_cache):
    from motcua.auth import create_token
    from motcua.network.models import ApiToken

    user = world["counter_dt"].user
    token = create_token(user=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(DOSSIERS).status_code == 200
    stored = ApiToken.objects.get(user=user)
    assert stored.digest != token and token not in stored.digest and stored.last_used_at is not None
    ApiToken.objects.filter(pk=stored.pk).update(revoked=True)
    assert client.get(DOSSIERS).status_code == 401
    expired = create_token(user=user, expires_at=at(2020, 1, 1, 0, 0))
    assert Client(HTTP_AUTHORIZATION=f"Bearer {expired}").get(DOSSIERS).status_code == 401


def test_a_token_request_reads_the_user_and_the_roles_afresh(api, world, clock):
    """The token's check also reads the roles held (one statement): a role taken away or an account
    deactivated counts from the very next request, as does a revocation."""
    from motcua.network.models import RoleAssignment

    clock.set(at(2026, 3, 2, 9, 0))
    client = api["counter_dt"]
    receive(client, judicial_body())
    user = world["counter_dt"].user
    held = list(RoleAssignment.objects.filter(user=user).values_list("unit_id", "role"))
    RoleAssignment.objects.filter(user=user).delete()
    response = client.post(DOSSIERS, judicial_body())
    assert response.status_code == 403 and response.json()["code"] == "forbidden", response.content
    assert client.get(DOSSIERS).json()["items"] == []  # authenticated, sees nothing without a role
    RoleAssignment.objects.bulk_create([RoleAssignment(user=user, unit_id=u, role=r) for u, r in held])
    receive(client, judicial_body())
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(DOSSIERS).status_code == 401


def test_a_superuser_token_without_roles_sees_every_dossier(api, clock):
    from motcua.auth import create_token

    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    admin = User.objects.create_superuser(username="admin", password="x-test-password")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {create_token(user=admin)}")
    assert client.get(f"{DOSSIERS}/{code}").status_code == 200
    assert client.post(DOSSIERS, judicial_body(), content_type="application/json").status_code == 403


def test_create_token_command(world, capsys):
    from django.core.management import call_command

    from motcua.auth import user_of_token

    call_command("create_token", "lead_justice", "--name", "desk app")
    token = capsys.readouterr().out.strip()
    assert user_of_token(token).username == "lead_justice"


# --- tracking by the applicant -------------------------------------------------------------------


def test_tracking_with_the_pin(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    receipt = receive(api["counter_dt"], judicial_body(papers=[]))
    anonymous = api["anonymous"]
    response = anonymous.post("/api/track", {"code": receipt["code"], "pin": receipt["pin"]})
    assert response.status_code == 200, response.content
    status = response.json()
    assert status["status"]["code"] == Status.SUPPLEMENT and status["missing"][0]["code"] == "TP1"
    assert status["return_point"]["code"] == BRANCH_TDM and status["result_ready"] is False
    assert "074190001234" not in response.content.decode()  # never the applicant's ID
    assert "Nguyễn" not in response.content.decode()
    wrong = "000000" if receipt["pin"] != "000000" else "111111"
    for code, pin in [(receipt["code"], wrong), (receipt["code"][:-1] + "9", receipt["pin"])]:
        response = anonymous.post("/api/track", {"code": code, "pin": pin})
        assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert anonymous.post("/api/track", {"code": receipt["code"], "pin": "12"}).status_code == 422


def test_tracking_is_limited_per_address_and_code_and_never_locks_the_code(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    statuses = [
        api["anonymous"].post("/api/track", {"code": code, "pin": "123456"}).status_code for _ in range(6)
    ]
    assert set(statuses[:5]) <= {200, 404} and statuses[5] == 429  # this code from this address
    response = api["anonymous"].post("/api/track", {"code": code, "pin": "123456"})
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert "Quá nhiều yêu cầu" in response.json()["message_vi"]
    # another address is not refused on this code: past the code's threshold it is asked for more
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{n}").post(
            "/api/track", {"code": code, "pin": "123456"}, content_type="application/json"
        )
        for n in range(9, 20)
    ]
    assert {a.status_code for a in answers} <= {200, 403, 404} and answers[-1].status_code in (200, 403)


# --- bad requests are 4xx, never 500 -------------------------------------------------------------


def test_malformed_requests_are_answered_with_4xx(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    client = api["counter_dt"]
    cases = [
        (client.post(DOSSIERS, raw="{not json"), 400, "unreadable_body"),
        (client.post(DOSSIERS, raw="[1, 2]"), 422, "invalid"),
        (client.post(DOSSIERS, judicial_body(channel="two")), 422, "invalid"),
        (client.post(DOSSIERS, judicial_body(papers=[{"component": "TP1", "quantity": 0}])), 422, "invalid"),
        (
            client.post(DOSSIERS, judicial_body(papers=[{"component": "TP1", "quantity": 10**30}])),
            422,
            "invalid",
        ),
        (client.post(DOSSIERS, judicial_body(unknown_field=1)), 422, "invalid"),
        (client.post(DOSSIERS, judicial_body(papers=[{"component": "TP1"}] * 2)), 422, "invalid"),
        (client.get(DOSSIERS, cursor=_cursor('["9999-12-31T23:00:00-12:00", 1]')), 400, "invalid"),
        (client.get(DOSSIERS, cursor=_cursor('["2026-02-30T10:00:00+07:00", 1]')), 400, "invalid"),
        (client.get(DOSSIERS, cursor=_cursor('["2026-03-02T10:00:00", 1]')), 400, "invalid"),
        (client.get(DOSSIERS, cursor=_cursor("[null, 1.5]")), 400, "invalid"),
        (client.post(DOSSIERS, judicial_body(applicant={"name": "A\x00", "id_number": "1"})), 422, "invalid"),
        (client.post(DOSSIERS, judicial_body(applicant={"name": "A", "id_number": "12"})), 400, "invalid"),
        (client.post(DOSSIERS, judicial_body(procedure="9.999999")), 400, "invalid"),
        (client.post(DOSSIERS, judicial_body(unit="x" * 17)), 422, "invalid"),
        (client.post(DOSSIERS, judicial_body(decision="maybe")), 422, "invalid"),
        (client.post(f"{DOSSIERS}/{code}/actions/fly"), 400, "invalid"),
        (client.post(f"{DOSSIERS}/{code}/actions/assign", {"assignee": "nobody"}), 400, "unknown_assignee"),
        (client.post(f"{DOSSIERS}/{code}/actions/assign", {"assignee": 10**30}), 422, "invalid"),
        (client.post(f"{DOSSIERS}/{code}/actions/assign", {"assignee": [1]}), 422, "invalid"),
        (client.post(f"{DOSSIERS}/{code}/actions/complete_step", {"bogus": 1}), 422, "invalid"),
        (client.post(f"{DOSSIERS}/{code}/actions/complete_step", raw="nope"), 400, "unreadable_body"),
        (
            client.post(f"{DOSSIERS}/{code}/actions/apologize", {"reason": "x", "new_due_at": "tomorrow"}),
            422,
            "invalid",
        ),
        (
            client.post(
                f"{DOSSIERS}/{code}/actions/apologize", {"reason": "x", "new_due_at": "2026-02-30T10:00"}
            ),
            422,
            "invalid",
        ),
        (
            client.post(
                f"{DOSSIERS}/{code}/actions/apologize",
                {"reason": "x", "new_due_at": "9999-12-31T23:59+14:00"},
            ),
            422,
            "invalid",
        ),
        (client.post(f"{DOSSIERS}/000.00.00.H57-260101-9999/actions/complete_step"), 404, "not_found"),
        (client.post(f"{DOSSIERS}/bad%00code/actions/complete_step"), 400, "invalid_character"),
        (client.get(f"{DOSSIERS}/000.00.00.H57-260101-9999"), 404, "not_found"),
        (client.get(f"{DOSSIERS}/a%20b"), 422, "invalid"),
        (client.get(DOSSIERS, cursor="!!!"), 400, "invalid"),
        (client.get(DOSSIERS, cursor="WzEsMl0"), 400, "invalid"),
        (client.get(DOSSIERS, limit=0), 422, "invalid"),
        (client.get(DOSSIERS, limit="many"), 422, "invalid"),
        (client.get(DOSSIERS, status=11), 422, "invalid"),
        (client.get(DOSSIERS, due="yesterday"), 422, "invalid"),
        (client.get(DOSSIERS, q="\x00"), 400, "invalid_character"),
        (api["anonymous"].post("/api/track", raw="{"), 400, "unreadable_body"),
        (api["anonymous"].post("/api/track", {"code": "x" * 100, "pin": "123456"}), 422, "invalid"),
        (api["anonymous"].post("/api/track/submit", {"unit": "x"}), 422, "invalid"),
    ]
    for index, (response, status, error_code) in enumerate(cases):
        assert response.status_code == status, (index, response.content)
        body = response.json()
        assert body["code"] == error_code, (index, body)
        assert body["message_vi"] and body["message_en"], index
    field_names = [p["field"] for p in cases[2][0].json()["problems"]]
    assert field_names == ["body.channel"]


def _cursor(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode()


def test_openapi_and_docs(api):
    spec = api["anonymous"].get("/api/openapi.json").json()
    assert {
        "/api/dossiers",
        "/api/dossiers/{code}",
        "/api/dossiers/{code}/actions/{action}",
        "/api/track",
    } <= set(spec["paths"])
    assert api["anonymous"].get("/api/docs").status_code == 200
    # every answer the API gives is declared, the error ones with the error shape (found by schemathesis)
    declared = {
        path: set(spec["paths"][path]["get"]["responses"])
        for path in spec["paths"]
        if "get" in spec["paths"][path]
    }
    assert {"200", "400", "422"} <= declared["/api/catalog/procedures"]
    assert {"200", "404", "422"} <= declared["/api/catalog/procedures/{code}"]
    track = spec["paths"]["/api/track"]["post"]["responses"]
    assert {"200", "400", "404", "413", "422", "429"} <= set(track)
    assert track["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")


# --- fuzzing: whatever comes in, the answer is never a 500 -------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
WEIRD_TEXT = st.text(max_size=40) | st.sampled_from(
    ["\x00", "2026-02-30T10:00", "9999-12-31T23:59-12:00", "-1", "1e400"]
)


def _mutated(body: dict, data) -> dict:
    mutated = json.loads(json.dumps(body))
    target = mutated
    field = data.draw(st.sampled_from(sorted(target)))
    if isinstance(target[field], dict) and data.draw(st.booleans()):
        target, field = target[field], data.draw(st.sampled_from(sorted(target[field])))
    target[field] = data.draw(JSON | WEIRD_TEXT)
    return mutated


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_input_gives_a_500(api, clock, data):
    clock.set(at(2026, 3, 2, 9, 0))
    client = api["counter_dt"]
    code = Dossier.objects.values_list("code", flat=True).first() or receive(client, judicial_body())["code"]
    kind = data.draw(st.sampled_from(["intake", "action", "queue", "track", "submit"]))
    if kind == "intake":
        response = client.post(DOSSIERS, _mutated(judicial_body(), data))
    elif kind == "action":
        action = data.draw(
            st.sampled_from(list(ACTIONS)) | st.text(min_size=1, max_size=12).filter(lambda t: "/" not in t)
        )
        body = data.draw(st.dictionaries(st.sampled_from(ACTION_FIELDS), JSON | WEIRD_TEXT, max_size=3))
        response = client.post(f"{DOSSIERS}/{code}/actions/{quote(action, safe='')}", body)
    elif kind == "queue":
        params = data.draw(st.dictionaries(st.sampled_from(QUEUE_FIELDS), WEIRD_TEXT, max_size=4))
        response = client.get(DOSSIERS, **params)
    elif kind == "track":
        response = api["anonymous"].post("/api/track", _mutated({"code": code, "pin": "123456"}, data))
    else:
        response = api["anonymous"].post("/api/track/submit", _mutated(judicial_body(), data))
    assert response.status_code < 500, response.content
    assert "message_en" in response.json() or response.status_code < 300


ACTION_FIELDS = [
    "reason",
    "note",
    "missing",
    "assignee",
    "new_due_at",
    "online",
    "receipt",
    "amount_vnd",
    "receiver",
]
QUEUE_FIELDS = ["unit", "status", "due", "procedure", "channel", "q", "scope", "cursor", "limit"]


def test_an_unknown_code_is_answered_as_one_the_caller_may_not_see(api, clock):
    clock.set(at(2026, 3, 2, 9, 0))
    code = receive(api["counter_dt"], judicial_body())["code"]
    unknown = code[:-4] + "9999"
    for ask in (
        lambda c: api["outsider"].get(f"{DOSSIERS}/{c}"),
        lambda c: api["outsider"].get(f"{DOSSIERS}/{c}/events"),
        lambda c: api["outsider"].post(f"{DOSSIERS}/{c}/actions/complete_step", {}),
        lambda c: api["outsider"].post(f"{DOSSIERS}/{c}/actions/assign", {"assignee": "x"}),
    ):
        hidden, missing = ask(code), ask(unknown)
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content.decode().replace(code, "?") == missing.content.decode().replace(unknown, "?")
