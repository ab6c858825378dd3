"""API test helpers: a client per role of the shared cast, and an operation nobody in it works."""

import datetime as dt

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


@pytest.fixture
def api(cast):
    """api("investigator") is a client with that user's token; api() has none; api("root") is a
    superuser's (every capability, whatever the role table says)."""
    from reunite.accounts.models import User

    def client_for(role: str | None = None) -> APIClient:
        client = APIClient()
        if role == "root" and "root" not in cast:
            cast["root"] = User.objects.create_superuser(
                username="root", password="correct horse battery staple",
                agency=cast["coordinator"].agency,
            )
        if role:
            token, _ = Token.objects.get_or_create(user=cast[role])
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return client_for


@pytest.fixture
def other_operation(agencies):
    """An operation led by the state police alone: the cast's agencies do not take part."""
    from reunite.operations.services import create_operation

    return create_operation(
        name="Operation Elsewhere", area="Santa Fe County, New Mexico",
        start_date=dt.date(2021, 5, 1), lead_agencies=["NMSP"],
    )


@pytest.fixture
def elsewhere_target(other_operation):
    from reunite.children.models import Child
    from reunite.operations.services import put_on_list

    child = Child.objects.create(first_name="Marisol", last_name="Chávez", sex="F",
                                 dob=dt.date(2007, 1, 9))
    return put_on_list(other_operation, child, added_on=dt.date(2021, 4, 28))

