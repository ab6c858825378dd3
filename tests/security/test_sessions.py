"""A session locks after 30 minutes idle, and a new sign-in ends the user's other sessions."""

import datetime as dt
from unittest import mock

import pytest
from django.test import Client
from django.utils import timezone

from reunite.audit.models import AuditEvent
from tests.security.conftest import sign_in

pytestmark = pytest.mark.django_db


def _later(minutes: int):
    moment = timezone.now() + dt.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _signed_in(client) -> bool:
    response = client.get("/audit/")
    return response.status_code == 200


def test_an_idle_session_expires_after_30_minutes(client, cast):
    sign_in(client, cast["auditor"])
    assert _signed_in(client)

    with _later(31):
        response = client.get("/audit/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_activity_keeps_the_session_alive(client, cast):
    sign_in(client, cast["auditor"])

    with _later(25):
        assert _signed_in(client)
    with _later(50):  # 25 minutes after the last request
        assert _signed_in(client)


def test_the_idle_limit_cannot_be_configured_above_30_minutes(settings):
    assert settings.SESSION_COOKIE_AGE <= 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST


def test_a_new_sign_in_ends_the_other_session(cast):
    first, second = Client(), Client()
    sign_in(first, cast["auditor"])

    sign_in(second, cast["auditor"])

    assert _signed_in(second)
    assert not _signed_in(first)
    assert AuditEvent.objects.filter(action="session.end",
                                     object_id=str(cast["auditor"].pk)).exists()


def test_concurrent_sessions_can_be_allowed(cast, settings):
    settings.REUNITE_CONCURRENT_SESSIONS = True
    first, second = Client(), Client()
    sign_in(first, cast["auditor"])

    sign_in(second, cast["auditor"])

    assert _signed_in(first) and _signed_in(second)


def test_signing_out_ends_the_session_and_is_audited(client, cast):
    sign_in(client, cast["auditor"])

    client.post("/accounts/logout/")

    assert not _signed_in(client)
    assert AuditEvent.objects.filter(action="auth.logout").exists()
