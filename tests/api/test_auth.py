"""POST /api/v1/auth/token: password, lockout and the second factor, every attempt audited."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from reunite.audit.models import AuditEvent
from tests.api.helpers import refusal

PASSWORD = "correct horse battery staple"
URL = "/api/v1/auth/token"


def test_username_and_password_give_a_token_that_works(api, cast):
    response = api().post(URL, {"username": "investigator", "password": PASSWORD}, format="json")

    assert response.status_code == 200
    token = response.json()["token"]
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/operations/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.token").latest("id")
    assert event.outcome == "success" and event.actor_username == "investigator"
    assert event.channel == "api" and event.ip == "127.0.0.1"


def test_a_wrong_password_is_refused_and_audited_as_a_failure(api, cast):
    response = api().post(URL, {"username": "investigator", "password": "nope"}, format="json")

    refusal(response, 401, "invalid_credentials")
    event = AuditEvent.objects.filter(action="auth.token").latest("id")
    assert event.outcome == "failure" and event.actor_username == "investigator"
    assert event.detail == "invalid_credentials"


def test_a_missing_password_names_the_field(api, cast):
    refusal(api().post(URL, {"username": "investigator"}, format="json"), 400, "required",
            "password")


def test_five_failures_lock_the_account_even_for_the_right_password(api, cast):
    for _ in range(4):
        refusal(api().post(URL, {"username": "analyst", "password": "x"}, format="json"), 401,
                "invalid_credentials")
    refusal(api().post(URL, {"username": "analyst", "password": "x"}, format="json"), 403,
            "locked_out")

    response = api().post(URL, {"username": "analyst", "password": PASSWORD}, format="json")

    body = refusal(response, 403, "locked_out")
    assert "administrator" in body["detail"]


@pytest.fixture
def mfa_required(settings):
    settings.REUNITE_MFA = "required"


@pytest.fixture
def device(cast):
    return TOTPDevice.objects.create(user=cast["coordinator"], name="phone", confirmed=True)


def current_code(device) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_mfa_required_refuses_an_account_without_an_authenticator(api, cast, mfa_required):
    response = api().post(URL, {"username": "investigator", "password": PASSWORD}, format="json")

    refusal(response, 403, "mfa_not_enrolled")
    assert AuditEvent.objects.filter(action="auth.token", outcome="failure").exists()


def test_mfa_asks_for_the_code_then_checks_it(api, cast, mfa_required, device, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no waiting between codes in this test
    credentials = {"username": "coordinator", "password": PASSWORD}
    refusal(api().post(URL, credentials, format="json"), 401, "otp_required", "otp")
    refusal(api().post(URL, {**credentials, "otp": "000000" if current_code(device) != "000000"
                             else "111111"}, format="json"), 401, "invalid_otp", "otp")

    response = api().post(URL, {**credentials, "otp": current_code(device)}, format="json")

    assert response.status_code == 200 and response.json()["token"]


def test_a_wrong_password_with_mfa_never_reaches_the_code(api, cast, mfa_required, device):
    response = api().post(URL, {"username": "coordinator", "password": "nope", "otp": "123456"},
                          format="json")
    refusal(response, 401, "invalid_credentials")


def test_guessing_codes_is_slowed_down(api, cast, mfa_required, device):
    credentials = {"username": "coordinator", "password": PASSWORD, "otp": "not-a-code"}
    refusal(api().post(URL, credentials, format="json"), 401, "invalid_otp")

    response = api().post(URL, {**credentials, "otp": current_code(device)}, format="json")

    refusal(response, 401, "otp_throttled", "otp")
