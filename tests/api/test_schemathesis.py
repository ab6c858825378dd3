"""Schemathesis against the API, bounded for CI: every operation in the schema gets generated
requests — valid and invalid ids, queries and bodies — through the real WSGI application, and every
answer must be a documented status in the documented shape, never a server error.

Checks: all of schemathesis's, but one. `positive_data_acceptance` expects every request the
schema allows to succeed, and the domain refuses some on rules a schema cannot state (a child found
before being born, an agency code that does not exist); those refusals are 400s in the error
contract, which the other checks verify.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db

# Per operation and mode: about 2 x 23 x EXAMPLES requests in all.
EXAMPLES = 10


@pytest.fixture
def keep_the_test_connection():
    """Calling the WSGI application directly fires request_started/finished, whose handler
    closes a connection that is inside a transaction (the test's own, on PostgreSQL): keep it
    open for the test, as Django's test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def caller(cast, make_target, keep_the_test_connection):
    make_target()
    make_target(first_name="Mateo", last_name="Acosta", ncic=None)
    return Token.objects.create(user=cast["coordinator"]).key


def test_the_api_answers_every_generated_request_as_its_schema_says(caller):
    from reunite.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def exercise(case):
                case.call_and_validate(
                    headers={"Authorization": f"Token {caller}"},
                    excluded_checks=[positive_data_acceptance],
                )

            try:
                exercise()
            except Unsatisfiable:
                continue  # nothing in this operation can be made invalid (no body, no typed query)
            except Exception as failure:  # noqa: BLE001 - collected, reported together below
                failures.append(f"{operation.method.upper()} {operation.path} ({mode}): "
                                f"{str(failure)[:1500]}")
    assert not failures, "\n\n".join(failures)
