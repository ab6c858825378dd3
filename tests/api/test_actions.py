"""Recording work through the API: each rule accepted and refused, with its code and field."""

import datetime as dt

import pytest

from reunite.access.policy import Cap
from reunite.audit.models import AuditEvent
from reunite.operations.models import FollowUp, Investigation
from reunite.operations.services import record_outcome
from tests.api.helpers import refusal, role_with, role_without

FOUND = {"date": "2021-06-02", "city": "Ciudad Juárez", "state": "Chihuahua", "country": "Mexico",
         "agency": "LCPD"}


def post(api, role, path, body):
    return api(role).post(path, body, format="json")


@pytest.fixture
def recovered(make_target):
    target = make_target(ncic="active", case=None)
    record_outcome(target, status="recovered", date=dt.date(2021, 6, 2),
                   circumstance="returned_to_guardian", agency="LCPD")
    return target


@pytest.fixture
def located(make_target):
    target = make_target(ncic=None, case="open")
    record_outcome(target, status="located", date=dt.date(2021, 6, 2),
                   circumstance="with_relatives", agency="LCPD")
    return target


# ---------------------------------------------------------------------------------------------
# Outcome


def test_recording_a_recovery_found_abroad(api, make_target):
    target = make_target(ncic="active", case=None)

    response = post(api, role_with(Cap.RECORD_OUTCOME), f"/api/v1/targets/{target.pk}/outcome",
                    {**FOUND, "status": "recovered", "circumstance": "returned_to_guardian"})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "recovered" and body["country"] == "MX"
    assert {f["kind"] for f in body["follow_ups"]} == {"ncic_removal", "screening"}
    target.refresh_from_db()
    assert target.status == "recovered"
    event = AuditEvent.objects.filter(action="outcome.record").latest("id")
    assert event.actor_username == role_with(Cap.RECORD_OUTCOME) and event.channel == "api"


def test_recovered_without_an_active_ncic_entry_is_refused_naming_the_rule(api, make_target):
    target = make_target(ncic=None, case="open")

    response = post(api, role_with(Cap.RECORD_OUTCOME), f"/api/v1/targets/{target.pk}/outcome",
                    {**FOUND, "status": "recovered", "circumstance": "returned_to_guardian"})

    body = refusal(response, 400, "no_active_ncic", "status")
    assert "NCIC" in body["detail"]


@pytest.mark.parametrize(("change", "code", "field"), [
    ({"status": "located", "circumstance": "with_friends"}, "no_open_local_case", "status"),
    ({"circumstance": "with_friends"}, "circumstance_not_allowed", "circumstance"),
    ({"circumstance": "abducted_by_aliens"}, "invalid_circumstance", "circumstance"),
    ({"date": "2021-13-45"}, "invalid_date", "date"),
    ({"date": "2021-04-01"}, "invalid_date", "date"),
    ({"agency": "FBI"}, "unknown_agency", "agency"),
    ({"country": "Atlantis"}, "invalid_country", "country"),
])
def test_an_outcome_that_breaks_a_rule_is_refused(api, make_target, change, code, field):
    target = make_target(ncic="active", case=None)
    body = {**FOUND, "status": "recovered", "circumstance": "returned_to_guardian", **change}

    response = post(api, role_with(Cap.RECORD_OUTCOME), f"/api/v1/targets/{target.pk}/outcome",
                    body)

    refusal(response, 400, code, field)


def test_a_second_outcome_is_a_conflict(api, recovered):
    response = post(api, role_with(Cap.RECORD_OUTCOME),
                    f"/api/v1/targets/{recovered.pk}/outcome",
                    {**FOUND, "status": "recovered", "circumstance": "returned_to_guardian"})
    refusal(response, 409, "already_found", "status")


def test_a_missing_field_is_named(api, make_target):
    target = make_target()
    response = post(api, role_with(Cap.RECORD_OUTCOME), f"/api/v1/targets/{target.pk}/outcome",
                    {"status": "recovered", "date": "2021-06-02", "agency": "LCPD"})
    refusal(response, 400, "required", "circumstance")


def test_outcome_refused_to_a_role_and_on_another_operation(api, make_target, elsewhere_target):
    target = make_target()
    body = {**FOUND, "status": "recovered", "circumstance": "returned_to_guardian"}
    refusal(post(api, role_without(Cap.RECORD_OUTCOME), f"/api/v1/targets/{target.pk}/outcome",
                 body), 403, "forbidden")
    refusal(post(api, "investigator", f"/api/v1/targets/{elsewhere_target.pk}/outcome", body),
            404, "unknown_target")


# ---------------------------------------------------------------------------------------------
# Follow-ups


def test_ncic_removal_is_recorded_once(api, recovered):
    role = role_with(Cap.RECORD_FOLLOW_UP)
    url = f"/api/v1/targets/{recovered.pk}/ncic-clear"

    response = post(api, role, url, {"date": "2021-06-03"})

    assert response.status_code == 201
    assert response.json()["kind"] == "ncic_removal" and response.json()["pending"] is False
    assert recovered.child.ncic_entries.get().status == "cleared"
    refusal(post(api, role, url, {"date": "2021-06-04"}), 409, "no_pending_follow_up")


def test_local_case_closure_is_recorded_and_checked(api, located, recovered):
    role = role_with(Cap.RECORD_FOLLOW_UP)
    refusal(post(api, role, f"/api/v1/targets/{located.pk}/local-case-close",
                 {"date": "2021-06-01"}), 400, "invalid_date", "date")
    refusal(post(api, role, f"/api/v1/targets/{recovered.pk}/local-case-close",
                 {"date": "2021-06-03"}), 409, "no_pending_follow_up")

    response = post(api, role, f"/api/v1/targets/{located.pk}/local-case-close",
                    {"date": "2021-06-03"})

    assert response.status_code == 201
    assert not FollowUp.objects.filter(target=located, kind="local_case_closure",
                                       done_on__isnull=True).exists()


def test_follow_ups_are_refused_to_other_roles(api, recovered):
    refusal(post(api, role_without(Cap.RECORD_FOLLOW_UP),
                 f"/api/v1/targets/{recovered.pk}/ncic-clear", {"date": "2021-06-03"}),
            403, "forbidden")


# ---------------------------------------------------------------------------------------------
# Services and screenings


def test_a_service_offered_to_a_found_child(api, recovered, make_target):
    role = role_with(Cap.RECORD_SERVICES)
    body = {"type": "counseling", "provider": "La Casa", "offered_on": "2021-06-03",
            "response": "accepted"}

    response = post(api, role, f"/api/v1/targets/{recovered.pk}/services", body)

    assert response.status_code == 201
    assert response.json()["type"] == "counseling" and response.json()["recorded_by"] == role
    refusal(post(api, role, f"/api/v1/targets/{recovered.pk}/services",
                 {**body, "type": "spa_day"}), 400, "invalid_type", "type")
    refusal(post(api, role, f"/api/v1/targets/{make_target().pk}/services", body), 409,
            "not_found_yet", "status")
    refusal(post(api, role_without(Cap.RECORD_SERVICES),
                 f"/api/v1/targets/{recovered.pk}/services", body), 403, "forbidden")


def test_a_screening_closes_the_screening_follow_up(api, recovered):
    role = role_with(Cap.RECORD_SCREENING)
    url = f"/api/v1/targets/{recovered.pk}/screenings"

    refusal(post(api, role, url, {"instrument": "CSE-IT", "date": "2021-06-04",
                                  "result": "not_completed"}), 400, "reason_required", "reason")
    response = post(api, role, url, {"instrument": "CSE-IT", "version": "2.0",
                                     "date": "2021-06-04", "result": "no_concern"})

    assert response.status_code == 201
    assert response.json()["result"] == "no_concern"
    assert not FollowUp.objects.filter(target=recovered, kind="screening",
                                       done_on__isnull=True).exists()
    refusal(post(api, role_without(Cap.RECORD_SCREENING), url,
                 {"instrument": "CSE-IT", "date": "2021-06-04", "result": "no_concern"}),
            403, "forbidden")


# ---------------------------------------------------------------------------------------------
# Investigations, activities, assignment


def test_opening_an_investigation(api, operation, recovered, elsewhere_target):
    role = role_with(Cap.OPEN_INVESTIGATION)
    url = f"/api/v1/operations/{operation.pk}/investigations"
    body = {"type": "human_trafficking", "lead_agency": "HSI-DEM", "opened": "2021-06-10",
            "targets": [recovered.pk], "suspect_relationship": "stranger"}

    response = post(api, role, url, body)

    assert response.status_code == 201, response.content
    assert response.json()["lead_agency"] == "HSI-DEM"
    assert Investigation.objects.get().targets.get() == recovered
    refusal(post(api, role, url, {**body, "targets": [elsewhere_target.pk]}), 400,
            "unknown_target", "targets")
    refusal(post(api, role, url, {**body, "type": "jaywalking"}), 400, "invalid_type", "type")
    refusal(post(api, role_without(Cap.OPEN_INVESTIGATION), url, body), 403, "forbidden")


def test_activities_go_on_the_timeline(api, make_target):
    target = make_target()
    role = role_with(Cap.LOG_ACTIVITY)
    url = f"/api/v1/targets/{target.pk}/activities"

    response = post(api, role, url, {"kind": "address_check", "summary": "Nobody home",
                                     "result": "negative"})

    assert response.status_code == 201
    assert response.json()["author"] == role
    refusal(post(api, role, url, {"kind": "address_check", "summary": " "}), 400, "required",
            "summary")
    refusal(post(api, role, url, {"kind": "seance", "summary": "x"}), 400, "invalid_kind", "kind")
    # A year typed wrong: refused, not stored to come back with an offset no client can read.
    refusal(post(api, role, url, {"kind": "note", "summary": "x",
                                  "occurred_at": "1082-05-04T04:54:49Z"}),
            400, "invalid_date", "occurred_at")
    # A number where the schema says text: refused, not stored as "0".
    refusal(post(api, role, url, {"kind": "note", "summary": "x", "source": 0}),
            400, "invalid", "source")
    refusal(post(api, role_without(Cap.LOG_ACTIVITY), url, {"kind": "note", "summary": "x"}),
            403, "forbidden")


def test_assigning_a_child_to_an_agency_and_a_person(api, make_target, cast):
    target = make_target()
    role = role_with(Cap.ASSIGN)
    url = f"/api/v1/targets/{target.pk}/assign"

    response = post(api, role, url, {"agency": "LCPD", "assignee": "investigator"})

    assert response.status_code == 200, response.content
    assert response.json()["assigned_agency"] == "LCPD"
    assert response.json()["assignee"] == "investigator"
    mine = api("investigator").get(
        f"/api/v1/operations/{target.operation_id}/targets/?assignee=me").json()
    assert [t["id"] for t in mine["results"]] == [target.pk]
    refusal(post(api, role, url, {"assignee": "nobody"}), 400, "unknown_user", "assignee")
    refusal(post(api, role, url, {}), 400, "required", "agency")
    refusal(post(api, role, url, {"agency": "FBI"}), 400, "unknown_agency", "agency")
    refusal(post(api, role_without(Cap.ASSIGN), url, {"agency": "LCPD"}), 403, "forbidden")
