"""Pages are tried as the cast would use them: signed in, through the test client."""

import datetime as dt

import pytest

from reunite.audit.models import AuditEvent


@pytest.fixture
def as_user(client, cast):
    """A client signed in as one of the cast: `as_user("investigator")`."""

    def sign_in(role: str):
        client.force_login(cast[role])
        return client

    return sign_in


@pytest.fixture
def found_target(make_target, cast):
    """A child recovered on 1 June 2021: NCIC removal and screening are owed."""
    from reunite.operations.services import record_outcome

    target = make_target(ncic="active", case=None)
    record_outcome(target, status="recovered", date=dt.date(2021, 6, 1),
                   circumstance="returned_to_guardian", agency="LCPD", user=cast["investigator"])
    target.refresh_from_db()
    return target


def audit_actions(**filters) -> list[str]:
    return list(AuditEvent.objects.filter(**filters).values_list("action", flat=True))


@pytest.fixture
def make_target(make_target):
    """The shared factory, plus the folded names search reads (intake keeps them up to date)."""
    from reunite.children.services import refresh_search_text

    def make(**kwargs):
        target = make_target(**kwargs)
        refresh_search_text(target.child)
        return target

    return make
