"""A superuser is a break-glass account: whatever it does is audited and flagged for auditors."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from reunite.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def root(agencies):
    from reunite.accounts.models import User

    return User.objects.create_superuser(username="root", password="correct horse battery staple",
                                         agency=agencies["HSI"])


def test_every_api_request_of_a_superuser_is_flagged(root, operation):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=root).key}")

    client.get(f"/api/v1/operations/{operation.pk}/targets/")

    flagged = AuditEvent.objects.get(action="superuser.request")
    assert flagged.actor_username == "root"
    assert flagged.changes == {"break_glass": True}
    assert f"/api/v1/operations/{operation.pk}/targets/" in flagged.detail


def test_every_page_a_superuser_opens_is_flagged(root, client):
    client.force_login(root)

    client.get("/")

    assert AuditEvent.objects.filter(action="superuser.request", actor_username="root",
                                     channel="web").exists()


def test_ordinary_accounts_are_not_flagged(cast, client):
    client.force_login(cast["coordinator"])

    client.get("/")

    assert not AuditEvent.objects.filter(action="superuser.request").exists()
