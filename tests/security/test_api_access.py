"""The same refusals through the API (DESIGN §6), for every role and an outsider agency: list,
detail, search, export and report alike. A token of one agency cannot reach another operation's
children: they are 'not found', so their existence does not leak either."""

import datetime as dt

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from reunite.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ROLES = ["coordinator", "investigator", "caseworker", "analyst", "pio", "auditor", "administrator"]
SEES_CHILDREN = {"coordinator", "investigator", "caseworker", "analyst", "auditor"}
EXPORTS = {"coordinator", "investigator"}
AUDITS = {"auditor", "administrator"}


@pytest.fixture
def api(cast, outsider):
    """A client per user, authenticated by token as a script would be."""
    clients = {}
    for user in [*cast.values(), outsider]:
        token = Token.objects.create(user=user)
        clients[user.username] = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    return clients


def _status(client, path: str) -> int:
    return client.get(path).status_code


def _expect(role: str, allowed: set, ok: int = 200) -> int:
    if role == "outsider":
        return 404
    return ok if role in allowed else 403


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_list_detail_and_search_refuse_who_must_be_refused(api, role, operation, target):
    client = api[role]

    assert _status(client, f"/api/v1/operations/{operation.pk}/targets/") == _expect(
        role, SEES_CHILDREN)
    assert _status(client, f"/api/v1/operations/{operation.pk}/targets/?q=Guadalupe") == _expect(
        role, SEES_CHILDREN)
    assert _status(client, f"/api/v1/targets/{target.pk}/") == _expect(role, SEES_CHILDREN)


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_export_refuses_who_must_be_refused(api, role, operation, target):
    response = api[role].get(f"/api/v1/operations/{operation.pk}/export?format=csv")

    assert response.status_code == _expect(role, EXPORTS)
    if response.status_code != 200:
        assert "Guadalupe" not in response.content.decode()
        assert set(response.json()) >= {"error", "detail"}


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_report_gives_each_role_its_version(api, role, operation, target):
    response = api[role].get(f"/api/v1/operations/{operation.pk}/report")

    if role == "outsider":
        assert response.status_code == 404
        return
    assert response.status_code == 200
    if role in ("pio", "administrator"):  # aggregates only: no child is named
        assert response.json()["public"] is True
        assert "Guadalupe" not in response.content.decode()
    else:
        assert response.json()["public"] is False


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_audit_api_refuses_who_must_be_refused(api, role, target):
    client = api[role]

    events = client.get("/api/v1/audit/events")
    views = client.get(f"/api/v1/audit/children/{target.child_id}/views")

    expected = 403 if role == "outsider" else _expect(role, AUDITS)
    assert events.status_code == expected
    assert views.status_code == expected


def test_an_operations_list_only_shows_the_callers_operations(api, operation, other_operation):
    def ids(role):
        body = api[role].get("/api/v1/operations/").json()
        return {o["id"] for o in (body["results"] if isinstance(body, dict) else body)}

    mine, theirs = ids("investigator"), ids("outsider")

    assert mine == {operation.pk}
    assert theirs == {other_operation.pk}


def test_a_token_of_one_agency_cannot_reach_another_operations_children(
        api, operation, target, other_target):
    outsider, insider = api["outsider"], api["investigator"]

    assert outsider.get(f"/api/v1/targets/{target.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/operations/{operation.pk}/targets/").status_code == 404
    assert outsider.get(f"/api/v1/operations/{operation.slug}/export").status_code == 404
    assert outsider.post(f"/api/v1/targets/{target.pk}/outcome", {
        "status": "located", "date": "2021-05-20", "circumstance": "with_friends",
        "agency": "EPPD"}, content_type="application/json").status_code == 404
    assert insider.get(f"/api/v1/targets/{other_target.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/targets/{other_target.pk}/").status_code == 200
    target.refresh_from_db()
    assert target.status == "outstanding"


def test_writes_follow_the_role(api, target):
    from reunite.operations.services import record_outcome

    record_outcome(target, status="located", date=dt.date(2021, 5, 20),
                   circumstance="with_friends", agency="LCPD")
    screening = {"instrument": "CSE-IT", "version": "2.1", "date": "2021-05-21",
                 "result": "no_concern"}

    refused = api["investigator"].post(f"/api/v1/targets/{target.pk}/screenings", screening,
                                       content_type="application/json")
    allowed = api["caseworker"].post(f"/api/v1/targets/{target.pk}/screenings", screening,
                                     content_type="application/json")

    assert refused.status_code == 403
    assert refused.json()["error"] == "forbidden"
    assert allowed.status_code == 201


def test_restricted_screening_indicators_show_only_that_they_exist(api, target):
    from reunite.operations.services import record_outcome, record_screening

    record_outcome(target, status="located", date=dt.date(2021, 5, 20),
                   circumstance="with_friends", agency="LCPD")
    record_screening(target, instrument="CSE-IT", date=dt.date(2021, 5, 21),
                     result="possible_concern", indicators=["runaway_history"])

    def screenings(role):
        return api[role].get(f"/api/v1/targets/{target.pk}/").json()["screenings"]

    assert screenings("caseworker")[0]["indicators"] == ["runaway_history"]
    for role in ("investigator", "analyst", "coordinator", "auditor"):
        assert screenings(role)[0]["indicators"] == {"restricted": True}, role


def test_every_api_view_of_a_child_is_audited_with_the_token_holder(api, target):
    api["caseworker"].get(f"/api/v1/targets/{target.pk}/", REMOTE_ADDR="10.1.2.3")

    event = AuditEvent.objects.get(action="target.view")
    assert event.actor_username == "caseworker"
    assert event.ip == "10.1.2.3"
    assert event.channel == "api"
    assert event.child_id == target.child_id


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_the_review_queue_refuses_who_must_be_refused(api, role, operation):
    reviewers = {"coordinator", "analyst"}

    status = _status(api[role], f"/api/v1/operations/{operation.pk}/review")

    # The outsider is an investigator: the role refuses before the operation is looked up.
    assert status == (403 if role == "outsider" else _expect(role, reviewers))


@pytest.mark.parametrize("role", [*ROLES, "outsider"])
def test_an_operation_is_not_found_for_an_agency_outside_it(api, role, operation):
    assert _status(api[role], f"/api/v1/operations/{operation.pk}/") == (
        404 if role == "outsider" else 200)
