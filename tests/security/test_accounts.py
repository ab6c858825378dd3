"""Passwords, inactive accounts, and the audit of sign-ins, password and permission changes."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from reunite.audit import log
from reunite.audit.context import Actor
from reunite.audit.models import AuditEvent
from tests.security.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", [
    "short1!",            # fewer than 8 characters
    "password1",          # a common password
    "Reunite2024!",       # the system's name
    "Rescue-Me-2021",     # the operation's name
    "lascruces99",        # a place in the operation
    "Cyfd#2021",          # an agency's code
    "12345678901",        # only digits
])
def test_weak_and_banned_passwords_are_refused(agencies, password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_good_passphrase_is_accepted(agencies):
    validate_password("correct horse battery staple")


def test_the_password_change_page_applies_the_rules_and_is_audited(client, cast):
    sign_in(client, cast["caseworker"])

    refused = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "reunite123", "new_password2": "reunite123"})
    accepted = client.post("/accounts/password/", {
        "old_password": PASSWORD, "new_password1": "amber owl quietly sings",
        "new_password2": "amber owl quietly sings"})

    assert refused.status_code == 200
    assert accepted.status_code == 302
    assert AuditEvent.objects.filter(action="user.password_change",
                                     object_id=str(cast["caseworker"].pk)).count() == 1
    assert client.get("/audit/").status_code in (302, 403)  # still signed in (no audit role)
    assert "_auth_user_id" in client.session


def test_passwords_are_hashed_with_argon2(settings):
    from django.contrib.auth.hashers import make_password

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    assert make_password("amber owl quietly sings").startswith("argon2")


def test_production_hashing_is_argon2_first():
    from reunite import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_accounts_inactive_for_90_days_are_disabled_and_audited(cast):
    long_ago = timezone.now() - dt.timedelta(days=91)
    idle, busy = cast["analyst"], cast["investigator"]
    for user in (idle, busy):
        type(user).objects.filter(pk=user.pk).update(last_login=long_ago, date_joined=long_ago)
    # The investigator used the API yesterday: an audited action counts as activity.
    log.record("target.view", actor=Actor(user_id=busy.pk, username=busy.username))
    for user in cast.values():
        if user not in (idle, busy):
            type(user).objects.filter(pk=user.pk).update(last_login=timezone.now())

    out = StringIO()
    call_command("disable_inactive", stdout=out)

    idle.refresh_from_db()
    busy.refresh_from_db()
    assert not idle.is_active
    assert busy.is_active
    assert "Disabled 1 account(s)" in out.getvalue()
    assert AuditEvent.objects.filter(action="user.disable_inactive",
                                     object_id=str(idle.pk)).exists()


def test_a_disabled_account_cannot_sign_in(client, cast):
    cast["analyst"].is_active = False
    cast["analyst"].save()

    response = sign_in(client, cast["analyst"])

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_ins_are_audited_with_who_when_and_where(client, cast):
    sign_in(client, cast["auditor"])

    event = AuditEvent.objects.filter(action="auth.login", outcome="success").last()
    assert event.actor_username == "auditor"
    assert event.ip == "127.0.0.1"
    assert event.at is not None


def test_role_and_staff_changes_are_audited_with_old_and_new(cast):
    user = cast["analyst"]

    user.role = "coordinator"
    user.is_staff = True
    user.save()

    event = AuditEvent.objects.filter(action="user.permission_change",
                                      object_id=str(user.pk)).last()
    assert event.changes["role"] == ["analyst", "coordinator"]
    assert event.changes["is_staff"] == [False, True]


def test_group_membership_changes_are_audited(cast):
    from django.contrib.auth.models import Group

    group = Group.objects.create(name="supervisors")

    cast["analyst"].groups.add(group)

    event = AuditEvent.objects.filter(action="user.permission_change").last()
    assert event.changes == {"groups": {"add": [group.pk]}}


def test_admin_edits_are_audited_with_old_and_new_values(client, django_user_model):
    from django.contrib.auth.models import Group

    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    client.force_login(root)
    client.post("/admin/auth/group/add/", {"name": "supervisors"})
    group = Group.objects.get(name="supervisors")

    response = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "reviewers"})

    assert response.status_code == 302
    created = AuditEvent.objects.get(action="admin.create", object_type="auth.group")
    changed = AuditEvent.objects.get(action="admin.change", object_type="auth.group")
    assert created.actor_username == changed.actor_username == "root"
    assert changed.channel == "admin" and changed.ip == "127.0.0.1"
    assert changed.changes == {"name": ["supervisors", "reviewers"]}


def test_domain_records_changed_in_the_admin_carry_their_operation(operation, cast):
    from reunite.audit.context import acting_as, actor_for_user

    root = cast["administrator"]
    operation.area = "Doña Ana and Luna Counties"
    with acting_as(actor_for_user(root, "10.0.0.9", "admin")):
        operation.save()

    event = AuditEvent.objects.filter(action="admin.change").last()
    assert event.changes["area"] == ["Doña Ana County, New Mexico", "Doña Ana and Luna Counties"]
    assert event.operation_id == operation.pk
