"""Six wrong passwords lock the account, on the sign-in page and on the API, and it stays locked
until an administrator releases it. Only failures within 15 minutes count."""

import datetime as dt
from io import StringIO
from unittest import mock

import pytest
from axes.models import AccessFailureLog
from django.core.management import call_command
from django.utils import timezone

from reunite.accounts.lockout import is_locked_out
from reunite.audit.models import AuditEvent
from tests.security.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def _at(start, minutes: int):
    return mock.patch("django.utils.timezone.now",
                      return_value=start + dt.timedelta(minutes=minutes))


def _fail(client, username: str, times: int):
    response = None
    for _ in range(times):
        response = client.post("/accounts/login/", {"username": username, "password": "wrong!"})
    return response


def test_six_wrong_passwords_on_the_sign_in_page_lock_the_account(client, cast):
    investigator = cast["investigator"]

    response = _fail(client, "investigator", 6)

    assert response.status_code == 403
    assert "locked" in response.content.decode()
    assert is_locked_out("investigator")
    # Even the right password is refused now.
    response = sign_in(client, investigator)
    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, cast):
    _fail(client, "investigator", 4)

    response = sign_in(client, cast["investigator"])

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(cast["investigator"].pk)


def test_six_wrong_passwords_on_the_api_lock_the_account(client, cast):
    for _ in range(6):
        response = client.post("/api/v1/auth/token",
                               {"username": "caseworker", "password": "wrong!"},
                               content_type="application/json")

    assert response.status_code in (401, 403)
    assert response.json()["error"] in ("locked_out", "invalid_credentials")
    response = client.post("/api/v1/auth/token", {"username": "caseworker", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "locked_out"
    assert is_locked_out("caseworker")


def test_failures_spread_beyond_15_minutes_do_not_lock(client, cast):
    start = timezone.now()
    for minutes in (0, 5, 10, 20, 25, 30):  # never five within a 15-minute window
        with _at(start, minutes):
            client.post("/accounts/login/", {"username": "analyst", "password": "wrong!"})

    assert not is_locked_out("analyst")
    assert AccessFailureLog.objects.filter(username="analyst").count() == 6


def test_five_failures_within_15_minutes_lock_even_after_slow_ones(client, cast):
    start = timezone.now()
    for minutes in (0, 30, 31, 32, 33, 34):
        with _at(start, minutes):
            client.post("/accounts/login/", {"username": "analyst", "password": "wrong!"})

    assert is_locked_out("analyst")


def test_the_lock_does_not_lapse_with_time(client, cast):
    _fail(client, "analyst", 5)

    later = timezone.now() + dt.timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        response = sign_in(client, cast["analyst"])

    assert response.status_code == 403


def test_an_administrator_releases_the_account_and_it_is_audited(client, cast):
    _fail(client, "investigator", 5)
    assert is_locked_out("investigator")

    out = StringIO()
    call_command("unlock", "investigator", stdout=out)

    assert "Released investigator" in out.getvalue()
    assert not is_locked_out("investigator")
    assert sign_in(client, cast["investigator"]).status_code == 302
    assert AuditEvent.objects.filter(action="account.unlock",
                                     object_id=str(cast["investigator"].pk)).exists()


def test_the_admin_action_releases_a_locked_account(client, cast, django_user_model):
    _fail(client, "investigator", 5)
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    admin = client.__class__()
    admin.force_login(root)

    response = admin.post("/admin/accounts/user/", {
        "action": "release_lockout", "_selected_action": [cast["investigator"].pk],
    })

    assert response.status_code == 302
    assert not is_locked_out("investigator")


def test_failures_and_lockouts_are_audited_with_the_address(client, cast):
    _fail(client, "investigator", 5)

    failures = AuditEvent.objects.filter(action="auth.login", outcome="failure")
    assert failures.count() == 5
    assert failures.first().ip == "127.0.0.1"
    assert failures.first().changes == {"username": "investigator"}
    assert AuditEvent.objects.filter(action="account.lockout",
                                     object_id=str(cast["investigator"].pk)).exists()
