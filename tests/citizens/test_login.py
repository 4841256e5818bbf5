"""OpenID Connect log-in of people and businesses against the demo provider: code + PKCE, the
state and the nonce are checked, the claims fill the citizen's identity, staff pages stay closed."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.citizens.models import Citizen
from motcua.citizens.session import SESSION_KEY
from tests.factories import CITIZEN_HOA as HOA
from tests.factories import oidc_authorize as authorize
from tests.factories import oidc_start as start

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_the_flow_logs_the_citizen_in_with_the_claims(log_in):
    client = log_in(HOA)
    citizen = Citizen.objects.get(id_number=HOA)
    assert citizen.name == "Nguyễn Thị Hoa"
    assert str(citizen.birth_date) == "1990-05-12"
    assert "Phú Cường" in citizen.address
    assert citizen.phone == "0912345678"
    page = client.get("/my/")
    assert page.status_code == 200
    assert "Nguyễn Thị Hoa" in page.content.decode() and HOA in page.content.decode()


def test_the_authorization_request_uses_pkce_state_and_nonce(provider):
    params = start(Client())
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) >= 43
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert params["response_type"] == "code"


def test_a_tampered_state_is_refused(provider):
    client = Client()
    callback = authorize(client, start(client), HOA)
    tampered = callback.replace("state=", "state=x")
    response = client.get(tampered)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert not Citizen.objects.exists()


def test_a_replayed_callback_is_refused(provider):
    client = Client()
    callback = authorize(client, start(client), HOA)
    assert client.get(callback).status_code == 302
    other = Client()  # the same code and state in another browser: no state of its own
    response = other.get(callback)
    assert response.status_code == 302 and response["Location"] == "/my/login/failed/"
    assert SESSION_KEY not in other.session


def test_a_nonce_that_differs_from_the_one_sent_is_refused(provider):
    client = Client()
    callback = authorize(client, start(client), HOA)
    session = client.session
    states = session["oidc_states"]
    for value in states.values():
        value["nonce"] = "not-the-nonce-sent"
    session["oidc_states"] = states
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session


def test_a_code_without_its_pkce_verifier_is_refused(provider):
    client = Client()
    callback = authorize(client, start(client), HOA)
    session = client.session
    states = session["oidc_states"]
    for value in states.values():
        value["code_verifier"] = "x" * 64
    session["oidc_states"] = states
    session.save()
    response = client.get(callback)
    assert response.status_code == 400
    assert SESSION_KEY not in client.session
    assert not Citizen.objects.exists()


def test_a_citizen_never_reaches_the_staff_pages_or_api(log_in):
    client = log_in(HOA)
    desk = client.get("/desk/")
    assert desk.status_code == 302 and desk["Location"].startswith("/accounts/login/")
    assert client.get("/api/dossiers").status_code == 401
    assert client.get("/planning/").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_demo_citizens_cannot_use_the_staff_log_in(provider):
    from motcua.demo.loader import demo_password

    client = Client()
    response = client.post("/accounts/login/", {"username": f"vneid-demo.{HOA}", "password": demo_password()})
    assert response.status_code == 200  # the form again: not logged in
    assert "_auth_user_id" not in client.session


def test_a_staff_log_in_ends_the_citizen_session(log_in, world):
    from tests.factories import PASSWORD

    client = log_in(HOA)
    response = client.post("/accounts/login/", {"username": "counter_dt", "password": PASSWORD})
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert client.get("/my/").status_code == 302


def test_log_out(log_in):
    client = log_in(HOA)
    assert client.post("/my/logout/").status_code == 302
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"].startswith("/my/login/")
