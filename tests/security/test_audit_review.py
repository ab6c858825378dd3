"""An auditor answers "who saw this child's record, and when" in one call or one screen, searches
the log by child, user, action and dates, and every look at the log is itself recorded."""

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from reunite.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _token_client(user) -> Client:
    token, _ = Token.objects.get_or_create(user=user)
    return Client(HTTP_AUTHORIZATION=f"Token {token.key}")


@pytest.fixture
def looked_at(cast, target):
    """The caseworker opened the child's record through the API, the investigator on the page."""
    _token_client(cast["caseworker"]).get(f"/api/v1/targets/{target.pk}/",
                                          REMOTE_ADDR="10.0.0.21")
    page = Client(REMOTE_ADDR="10.0.0.22")
    page.force_login(cast["investigator"])
    assert page.get(f"/children/{target.pk}/").status_code == 200
    return target


def test_who_saw_this_child_in_one_api_call(cast, looked_at):
    auditor = _token_client(cast["auditor"])

    response = auditor.get(f"/api/v1/audit/children/{looked_at.child_id}/views")

    assert response.status_code == 200
    body = response.json()
    assert body["child"] == looked_at.child_id
    assert body["count"] == 2
    seen = {(view["user"], view["ip"], view["channel"]) for view in body["views"]}
    assert seen == {("caseworker", "10.0.0.21", "api"), ("investigator", "10.0.0.22", "web")}
    assert all(view["at"] for view in body["views"])


def test_who_saw_this_child_on_one_screen(cast, looked_at):
    page = Client()
    page.force_login(cast["auditor"])

    response = page.get(f"/audit/children/{looked_at.child_id}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "caseworker" in html and "investigator" in html
    assert "10.0.0.21" in html and "10.0.0.22" in html
    assert "Guadalupe" in html  # the auditor may know which child it is


def test_the_auditors_look_is_itself_audited(cast, looked_at):
    _token_client(cast["auditor"]).get(f"/api/v1/audit/children/{looked_at.child_id}/views")

    event = AuditEvent.objects.get(action="audit.child_views")
    assert event.actor_username == "auditor"
    assert event.child_id == looked_at.child_id


def test_a_refused_look_at_the_log_is_audited(cast):
    response = _token_client(cast["investigator"]).get("/api/v1/audit/events")

    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="audit.search", outcome="refused",
                                     actor_username="investigator").exists()


def test_an_auditor_cannot_audit_another_operations_child(cast, other_target):
    response = _token_client(cast["auditor"]).get(
        f"/api/v1/audit/children/{other_target.child_id}/views")

    assert response.status_code == 404
    page = Client()
    page.force_login(cast["auditor"])
    assert page.get(f"/audit/children/{other_target.child_id}/").status_code == 404


def test_the_log_is_searched_by_child_user_action_and_dates(cast, looked_at):
    auditor = _token_client(cast["auditor"])
    today = timezone.localdate().isoformat()  # dates are read in the server's time zone

    by_child = auditor.get(f"/api/v1/audit/events?child={looked_at.child_id}&action=target.view")
    by_user = auditor.get("/api/v1/audit/events?user=caseworker&action=target.")
    in_range = auditor.get(f"/api/v1/audit/events?since={today}&until={today}&action=target.view")
    before = auditor.get("/api/v1/audit/events?until=2020-01-01")

    assert {e["user"] for e in by_child.json()["results"]} == {"caseworker", "investigator"}
    assert [e["action"] for e in by_user.json()["results"]] == ["target.view"]
    assert in_range.json()["count"] == 2
    assert before.json()["count"] == 0


def test_a_bad_filter_is_refused_naming_it(cast):
    response = _token_client(cast["auditor"]).get("/api/v1/audit/events?since=13/45/2021")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_date"
    assert response.json()["field"] == "since"


def test_the_audit_page_searches_and_refuses_others(cast, looked_at):
    auditor, analyst = Client(), Client()
    auditor.force_login(cast["auditor"])
    analyst.force_login(cast["analyst"])

    found = auditor.get(f"/audit/?child={looked_at.child_id}&user=caseworker")

    assert found.status_code == 200
    assert "target.view" in found.content.decode()
    assert analyst.get("/audit/").status_code == 403


def test_events_hold_who_when_where_what_and_outcome(cast, target):
    from reunite.operations.services import record_outcome

    client = _token_client(cast["investigator"])
    client.post(f"/api/v1/targets/{target.pk}/outcome", {
        "status": "located", "date": "2021-05-20", "circumstance": "with_friends",
        "city": "Las Cruces", "state": "NM", "country": "US", "agency": "LCPD",
    }, content_type="application/json", REMOTE_ADDR="10.0.0.30")
    assert record_outcome  # the API calls the domain function, which writes the event

    event = AuditEvent.objects.get(action="outcome.record")
    assert (event.actor_username, event.ip, event.outcome) == ("investigator", "10.0.0.30",
                                                              "success")
    assert event.child_id == target.child_id
    assert event.changes


def test_audit_events_are_kept_at_least_a_year(settings):
    assert settings.REUNITE_AUDIT_RETENTION_DAYS >= 366


def test_exports_of_a_list_carrying_the_child_are_shown_beside_the_views(cast, looked_at,
                                                                        other_target):
    _token_client(cast["coordinator"]).get(
        f"/api/v1/operations/{looked_at.operation_id}/export?format=csv", REMOTE_ADDR="10.0.0.40")
    _token_client(cast["coordinator"]).get(f"/api/v1/operations/{looked_at.operation_id}/report")

    body = _token_client(cast["auditor"]).get(
        f"/api/v1/audit/children/{looked_at.child_id}/views").json()

    assert {(e["user"], e["ip"]) for e in body["lists"] if e["action"] == "export"} == {
        ("coordinator", "10.0.0.40")}
    assert any(e["action"].startswith("report.") for e in body["lists"])
    assert body["count"] == 2  # the record itself was opened twice


def test_the_audit_page_names_objects_and_shows_changes_in_words(client, cast, operation,
                                                                  make_target):
    from reunite.operations.services import assign_target

    target = make_target(first_name="Guadalupe")
    assign_target(target, agency=None, assignee=cast["investigator"], user=cast["coordinator"])
    client.force_login(cast["auditor"])
    page = client.get("/audit/", {"action": "target.assign"}).content.decode()
    assert "Guadalupe Hernández Ortiz" in page
    assert "operations.target " not in page
    assert "{&#x27;" not in page and "{'" not in page  # no Python dicts
    assert "→" in page
