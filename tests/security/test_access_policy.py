"""Who sees what, at the one scoping mechanism every page, API call, export, report and search
goes through: agency participation decides the operation, the role decides records and fields."""

import pytest

from reunite.access.policy import Cap, Restricted, caps, has_cap, may_see
from reunite.access.scoping import (
    audit_events_for,
    get_operation_for,
    get_target_for,
    operations_for,
    targets_for,
)
from reunite.audit import log
from reunite.core.errors import NotFound

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "investigator", "caseworker", "analyst", "pio", "auditor", "administrator"]

# Who may do what: the expected answer for every role, refused ones included.
EXPECTED = {
    Cap.VIEW_TARGETS: {"coordinator", "investigator", "caseworker", "analyst", "auditor"},
    Cap.EXPORT: {"coordinator", "investigator"},
    Cap.VIEW_REPORT: {"coordinator", "investigator", "caseworker", "analyst", "auditor"},
    Cap.VIEW_PUBLIC_REPORT: set(ROLES),
    Cap.VIEW_AUDIT: {"auditor", "administrator"},
    Cap.RECORD_SCREENING: {"caseworker"},
    Cap.RECORD_SERVICES: {"caseworker"},
    Cap.RECORD_OUTCOME: {"coordinator", "investigator", "caseworker"},
    Cap.OPEN_INVESTIGATION: {"coordinator", "investigator"},
    Cap.INTAKE: {"coordinator", "analyst"},
    Cap.MANAGE_ACCOUNTS: {"administrator"},
}

NEED_TO_KNOW = {
    Restricted.SCREENING_INDICATORS: {"caseworker"},
    Restricted.TRAFFICKING_INDICATORS: {"caseworker", "investigator", "coordinator"},
    Restricted.INVESTIGATION_DETAILS: {"investigator", "coordinator"},
    Restricted.FOSTER_CARE: {"caseworker", "coordinator", "investigator"},
}


@pytest.mark.parametrize("cap", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_holds_exactly_the_capabilities_its_job_needs(cast, role, cap):
    assert has_cap(cast[role], cap) is (role in EXPECTED[cap])


@pytest.mark.parametrize("restricted", list(NEED_TO_KNOW))
@pytest.mark.parametrize("role", ROLES)
def test_restricted_information_follows_need_to_know(cast, role, restricted):
    assert may_see(cast[role], restricted) is (role in NEED_TO_KNOW[restricted])


def test_the_press_officer_has_aggregates_only(cast):
    assert caps(cast["pio"]) == {Cap.VIEW_PUBLIC_REPORT}


def test_a_disabled_or_anonymous_user_can_do_nothing(cast):
    from django.contrib.auth.models import AnonymousUser

    cast["coordinator"].is_active = False

    assert caps(cast["coordinator"]) == set()
    assert caps(AnonymousUser()) == set()
    assert not may_see(AnonymousUser(), Restricted.FOSTER_CARE)


def test_an_outsider_agency_reaches_no_operation_list_or_child(operation, target, outsider):
    assert list(operations_for(outsider)) == []
    assert list(targets_for(outsider)) == []
    with pytest.raises(NotFound):
        get_operation_for(outsider, operation.pk)
    with pytest.raises(NotFound):
        get_target_for(outsider, target.pk)


def test_participants_do_not_reach_another_operations_children(cast, target, other_target):
    for role in ROLES:
        assert other_target not in targets_for(cast[role])
        with pytest.raises(NotFound):
            get_target_for(cast[role], other_target.pk)
        with pytest.raises(NotFound):
            get_operation_for(cast[role], other_target.operation.slug)


def test_the_list_never_shows_what_the_detail_refuses(cast, outsider, target, other_target):
    everyone = [*cast.values(), outsider]
    for user in everyone:
        listed = set(targets_for(user).values_list("pk", flat=True))
        reachable = set()
        for candidate in (target, other_target):
            try:
                get_target_for(user, candidate.pk)
                reachable.add(candidate.pk)
            except NotFound:
                pass
        assert listed == reachable, user.username


def test_roles_without_children_see_the_operation_but_no_child(cast, operation, target):
    for role in ("pio", "administrator"):
        assert operation in operations_for(cast[role])
        assert list(targets_for(cast[role])) == []
        with pytest.raises(NotFound):
            get_target_for(cast[role], target.pk)


def test_a_field_office_works_its_parents_operations(agencies, operation, target):
    from reunite.accounts.models import User

    deming = User.objects.create_user("deming", role="investigator", agency=agencies["HSI-DEM"])

    assert operation in operations_for(deming)
    assert get_target_for(deming, target.pk) == target


def test_auditors_read_the_log_of_their_operations_only(cast, outsider, target, other_target):
    mine = log.record("target.view", target, child_id=target.child_id,
                      operation_id=target.operation_id)
    theirs = log.record("target.view", other_target, child_id=other_target.child_id,
                        operation_id=other_target.operation_id)

    assert mine in audit_events_for(cast["auditor"])
    assert theirs not in audit_events_for(cast["auditor"])
    assert {mine, theirs} <= set(audit_events_for(cast["administrator"]))
    for role in ("coordinator", "investigator", "caseworker", "analyst", "pio"):
        assert not audit_events_for(cast[role]).exists()
