"""API tokens stop working when the account is locked or disabled, expire, and can be rotated."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reunite.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_disabling_an_account_revokes_its_token(cast):
    user = cast["investigator"]
    key = Token.objects.create(user=user).key

    user.is_active = False
    user.save()

    assert _client(key).get("/api/v1/operations/").status_code == 401
    assert not Token.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action="token.revoke", object_id=str(user.pk)).exists()


def test_a_locked_out_account_cannot_use_its_token(cast, client):
    user = cast["investigator"]
    key = Token.objects.create(user=user).key

    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})

    assert _client(key).get("/api/v1/operations/").status_code == 401


def test_an_expired_token_is_refused_and_a_new_sign_in_gives_a_fresh_one(cast, settings):
    settings.REUNITE_TOKEN_TTL_HOURS = 24
    user = cast["coordinator"]
    old = Token.objects.create(user=user)
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - dt.timedelta(hours=25))

    refused = _client(old.key).get("/api/v1/operations/")
    fresh = APIClient().post("/api/v1/auth/token", {
        "username": user.username, "password": "correct horse battery staple"}, format="json")

    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"]
    assert fresh.status_code == 200
    assert fresh.json()["token"] != old.key
    assert _client(fresh.json()["token"]).get("/api/v1/operations/").status_code == 200


def test_rotating_a_token_from_the_command_line_stops_the_old_one(cast):
    user = cast["coordinator"]
    old = Token.objects.create(user=user).key
    out = StringIO()

    call_command("token", user.username, "--rotate", stdout=out)

    new = out.getvalue().strip()
    assert new != old
    assert _client(old).get("/api/v1/operations/").status_code == 401
    assert _client(new).get("/api/v1/operations/").status_code == 200


def test_rotating_through_the_api(cast):
    user = cast["coordinator"]
    old = Token.objects.create(user=user).key

    response = APIClient().post("/api/v1/auth/token", {
        "username": user.username, "password": "correct horse battery staple", "rotate": True,
    }, format="json")

    assert response.json()["token"] != old
    assert _client(old).get("/api/v1/operations/").status_code == 401
