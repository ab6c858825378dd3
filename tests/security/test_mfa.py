"""MFA with TOTP is required for every user (unless REUNITE_MFA=optional): password first, then
the code; a user without an authenticator enrols one from a QR code drawn by the server."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from reunite.audit.models import AuditEvent
from tests.security.conftest import PASSWORD, enrol_device, sign_in, totp_now

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _mfa_required(settings):
    settings.REUNITE_MFA = "required"


def test_the_password_alone_leads_to_the_code_step_not_in(client, cast):
    enrol_device(cast["coordinator"])

    response = sign_in(client, cast["coordinator"])

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")
    # Every other page sends the half-signed-in user back to the code step.
    response = client.get("/audit/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/verify/")


def test_the_api_refuses_a_session_without_the_second_factor(client, cast):
    enrol_device(cast["coordinator"])
    sign_in(client, cast["coordinator"])

    response = client.get("/api/v1/operations/")

    assert response.status_code == 403
    assert response.json()["error"] == "mfa_required"


def test_the_right_code_signs_in(client, cast):
    device = enrol_device(cast["coordinator"])

    response = sign_in(client, cast["coordinator"], device=device)

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/")
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.mfa", outcome="success").exists()


def test_a_wrong_code_is_refused_and_counts_as_a_failed_sign_in(client, cast):
    enrol_device(cast["coordinator"])
    sign_in(client, cast["coordinator"])

    response = client.post("/accounts/verify/", {"token": "000000"})

    assert response.status_code == 200
    assert "not right" in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.login", outcome="failure",
                                     changes__username="coordinator").exists()


def test_wrong_codes_lock_the_account_and_sign_out(client, cast):
    enrol_device(cast["coordinator"])
    sign_in(client, cast["coordinator"])

    for _ in range(5):
        response = client.post("/accounts/verify/", {"token": "000000"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_a_user_without_an_authenticator_is_sent_to_enrol_and_sees_a_local_qr_code(client, cast):
    response = sign_in(client, cast["caseworker"])
    assert response["Location"].startswith("/accounts/enrol/")

    page = client.get(response["Location"])

    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html
    assert "http" not in html.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        "http://www.w3.org/2000/svg", "")
    assert re.search(r"<code>[A-Z2-7 ]{16,}</code>", html)


def test_enrolment_is_confirmed_by_a_code_and_audited(client, cast):
    sign_in(client, cast["caseworker"])
    client.get("/accounts/enrol/")
    device = TOTPDevice.objects.get(user=cast["caseworker"])

    response = client.post("/accounts/enrol/", {"token": totp_now(device)})

    device.refresh_from_db()
    assert response.status_code == 302
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action="mfa.enrol", outcome="success").exists()


def test_enrolling_again_needs_the_existing_authenticator(client, cast):
    enrol_device(cast["caseworker"])
    sign_in(client, cast["caseworker"])

    response = client.get("/accounts/enrol/")

    assert response["Location"].startswith("/accounts/verify/")


def test_the_api_token_needs_the_code_when_mfa_is_required(client, cast):
    device = enrol_device(cast["analyst"])
    body = {"username": "analyst", "password": PASSWORD}

    without = client.post("/api/v1/auth/token", body, content_type="application/json")
    with_code = client.post("/api/v1/auth/token", {**body, "otp": totp_now(device)},
                            content_type="application/json")

    assert without.status_code in (400, 401, 403)
    assert with_code.status_code == 200
    assert with_code.json()["token"]


def test_optional_mfa_signs_in_with_the_password(client, cast, settings):
    settings.REUNITE_MFA = "optional"

    response = sign_in(client, cast["caseworker"])

    assert response.status_code == 302
    assert not response["Location"].startswith("/accounts/")
