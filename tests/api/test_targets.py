"""The list and one child on it: what each role sees, what is audited, and at what cost."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reunite.access.policy import Cap, Restricted
from reunite.audit.models import AuditEvent
from reunite.children.models import SourceRecord
from reunite.children.services import refresh_search_text
from reunite.operations.services import (
    assign_target,
    log_activity,
    offer_service,
    open_investigation,
    record_outcome,
    record_screening,
)
from tests.api.helpers import refusal, role_with_need, role_without

RESTRICTED = {"restricted": True}


def targets_url(operation, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/operations/{operation.pk}/targets/" + (f"?{query}" if query else "")


def add_source(target, agencies, code="LCPD", record_id="LC-1"):
    return SourceRecord.objects.create(
        child=target.child, agency=agencies[code], record_id=record_id, data={}, fields={},
        content_hash=f"{code}-{record_id}", file_name="list.csv", row_number=2,
    )


def test_the_list_carries_each_child_with_its_sources(api, operation, make_target, agencies):
    target = make_target(first_name="Guadalupe")
    add_source(target, agencies, "LCPD", "LC-7")
    add_source(target, agencies, "DASO", "DA-3")

    response = api("investigator").get(targets_url(operation))

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["next"] is None
    item = body["results"][0]
    assert item["id"] == target.pk and item["status"] == "outstanding"
    assert item["on_baseline"] is True
    assert item["child"]["first_name"] == "Guadalupe"
    assert item["child"]["second_last_name"] == "Ortiz"
    assert item["child"]["dob"] == "2006-03-14" and item["child"]["sex"] == "F"
    assert item["sources"] == [{"agency": "LCPD", "record_id": "LC-7"},
                               {"agency": "DASO", "record_id": "DA-3"}]


def test_the_lists_quick_writing_says_exactly_what_its_declared_fields_say(
        api, operation, make_target, agencies, cast):
    """The list's rows are written without DRF's per-field machinery; the schema and clients
    rely on the declared fields, so both ways must give the same JSON."""
    from rest_framework import serializers

    from reunite.api.representations import TargetListSerializer
    from reunite.api.views.targets import _sources
    from reunite.operations.models import Target

    plain = make_target(first_name="Guadalupe")
    add_source(plain, agencies, "LCPD", "LC-7")
    add_source(plain, agencies, "DASO", "DA-3")
    partial = make_target(first_name="Mateo", dob=None)
    partial.child.aliases, partial.child.middle_name = ["Teo"], ""
    partial.child.dob, partial.child.dob_precision = dt.date(2007, 5, 1), "month"
    partial.child.save()
    assign_target(partial, agency="DASO", assignee=cast["investigator"], user=cast["coordinator"])
    rows = (Target.objects.filter(pk__in=[plain.pk, partial.pk])
            .select_related("child", "assigned_agency", "assignee").prefetch_related(_sources()))

    for row in rows:
        quick = TargetListSerializer(row).data
        declared = serializers.ModelSerializer.to_representation(TargetListSerializer(row), row)
        assert dict(quick) == dict(declared)
    assert api("investigator").get(targets_url(operation)).status_code == 200


def test_the_list_filters_by_status_agency_and_name(api, operation, make_target, cast):
    found = make_target(first_name="Araceli", last_name="Muñoz")
    record_outcome(found, status="recovered", date=dt.date(2021, 6, 2),
                   circumstance="returned_to_guardian", agency="LCPD")
    mine = make_target(first_name="Itzel", last_name="Domínguez")
    assign_target(mine, agency="DASO")
    make_target(first_name="Brenda")
    for target in (found, mine):
        refresh_search_text(target.child)  # as intake does for every child it touches
    client = api("investigator")

    def names(**params):
        results = client.get(targets_url(operation, **params)).json()["results"]
        return [r["child"]["first_name"] for r in results]

    assert names(status="recovered") == ["Araceli"]
    assert names(agency="DASO") == ["Itzel"]
    assert names(q="munoz") == ["Araceli"]          # accents and case do not matter
    assert names(q="DOMINGUEZ itzel") == ["Itzel"]
    assert names(q=found.child.ncic_entries.get().nic) == ["Araceli"]
    assert len(names()) == 3


def test_a_filter_that_cannot_be_read_is_refused_naming_it(api, operation):
    refusal(api("investigator").get(targets_url(operation, status="lost")), 400,
            "invalid_status", "status")
    refusal(api("investigator").get(targets_url(operation, agency="FBI")), 400,
            "unknown_agency", "agency")


def test_the_list_is_paginated(api, operation, make_target):
    for _ in range(3):
        make_target()

    first = api("investigator").get(targets_url(operation, page_size=2)).json()

    assert first["count"] == 3 and len(first["results"]) == 2
    second = api("investigator").get(first["next"]).json()
    assert len(second["results"]) == 1 and second["next"] is None


def test_reading_the_list_is_audited_with_its_filter(api, operation, make_target):
    make_target()

    api("investigator").get(targets_url(operation, status="outstanding", q="ortiz"))

    event = AuditEvent.objects.filter(action="target.list").latest("id")
    assert event.actor_username == "investigator" and event.channel == "api"
    assert event.operation_id == operation.pk
    assert "status=outstanding" in event.detail and "q=ortiz" in event.detail


def test_the_list_costs_the_same_queries_for_3_or_30_children(
    api, operation, make_target, agencies, django_assert_max_num_queries
):
    client = api("investigator")

    def fill(n):
        for i in range(n):
            add_source(make_target(), agencies, record_id=f"R-{i}-{n}")

    fill(3)
    with CaptureQueriesContext(connection) as few:
        assert client.get(targets_url(operation)).status_code == 200
    fill(27)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(targets_url(operation))
    assert response.json()["count"] == 30


def test_roles_that_do_not_see_children_are_refused_the_list(api, operation):
    refusal(api(role_without(Cap.VIEW_TARGETS)).get(targets_url(operation)), 403, "forbidden")


def test_another_operations_list_is_not_found(api, other_operation):
    refusal(api("investigator").get(targets_url(other_operation)), 404, "unknown_operation")


# ---------------------------------------------------------------------------------------------
# One child


@pytest.fixture
def worked_target(make_target, operation, agencies, cast):
    """A child in CYFD custody with a trafficking indicator, recovered, offered a service,
    screened, and linked to an investigation."""
    target = make_target(first_name="Rosa", last_name="Villalobos")
    child = target.child
    child.custody, child.guardian_name = "cyfd", "CYFD Las Cruces office"
    child.risk_factors = ["homelessness", "trafficking_indicators"]
    child.save()
    add_source(target, agencies, "LCPD", "LC-44")
    record_outcome(target, status="recovered", date=dt.date(2021, 6, 2),
                   circumstance="placed_with_cyfd", agency="LCPD", city="Las Cruces",
                   state="NM", user=cast["investigator"])
    offer_service(target, type="counseling", offered_on=dt.date(2021, 6, 3),
                  provider="La Casa", response="accepted")
    record_screening(target, instrument="CSE-IT", version="2.0", date=dt.date(2021, 6, 4),
                     result="possible_concern", indicators=["older_partner"])
    open_investigation(operation, type="human_trafficking", lead_agency="HSI-DEM",
                       opened=dt.date(2021, 6, 10), targets=[target.pk],
                       suspect_relationship="family_friend", summary="Tip from school")
    log_activity(target, kind="interview", summary="Spoke with the aunt", result="positive")
    return target


def test_the_detail_carries_everything_on_file(api, worked_target):
    response = api("coordinator").get(f"/api/v1/targets/{worked_target.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "recovered"
    assert [e["status"] for e in body["ncic_entries"]] == ["active"]
    assert body["local_cases"][0]["agency"] == "LCPD"
    assert body["outcome"]["circumstance"] == "placed_with_cyfd"
    assert body["outcome"]["recorded_by"] == "investigator"
    # The open local case must be closed too, whichever outcome was recorded.
    assert {f["kind"]: f["pending"] for f in body["follow_ups"]} == {
        "ncic_removal": True, "local_case_closure": True, "screening": False,
    }
    assert body["services"][0]["type"] == "counseling"
    assert body["screenings"][0]["result"] == "possible_concern"
    assert body["investigations"][0]["type"] == "human_trafficking"
    assert body["investigations"][0]["lead_agency"] == "HSI-DEM"
    assert body["activities"][0]["kind"] == "interview"
    source = body["sources"][0]
    assert (source["agency"], source["file"], source["row"], source["matched_by"]) == (
        "LCPD", "list.csv", 2, "new")
    assert body["outcome_options"]["recovered"]["allowed"] is True


def test_reading_a_child_is_audited(api, worked_target):
    api("investigator").get(f"/api/v1/targets/{worked_target.pk}")

    event = AuditEvent.objects.filter(action="target.view").latest("id")
    assert event.child_id == worked_target.child_id
    assert event.operation_id == worked_target.operation_id
    assert event.actor_username == "investigator"


def detail_as(api, role, target) -> dict:
    response = api(role).get(f"/api/v1/targets/{target.pk}/")
    assert response.status_code == 200
    return response.json()


def test_screening_indicators_need_the_need_to_know(api, worked_target):
    seen = detail_as(api, role_with_need(Restricted.SCREENING_INDICATORS, True), worked_target)
    hidden = detail_as(api, role_with_need(Restricted.SCREENING_INDICATORS, False),
                       worked_target)

    assert seen["screenings"][0]["indicators"] == ["older_partner"]
    assert hidden["screenings"][0]["indicators"] == RESTRICTED
    assert hidden["screenings"][0]["result"] == "possible_concern"  # the band is not restricted


def test_investigation_details_need_the_need_to_know(api, worked_target):
    seen = detail_as(api, role_with_need(Restricted.INVESTIGATION_DETAILS, True), worked_target)
    hidden = detail_as(api, role_with_need(Restricted.INVESTIGATION_DETAILS, False),
                       worked_target)

    assert seen["investigations"][0]["summary"] == "Tip from school"
    assert seen["investigations"][0]["suspect_relationship"] == "family_friend"
    investigation = hidden["investigations"][0]
    assert investigation["restricted"] is True
    assert "Tip from school" not in str(investigation)
    assert "family_friend" not in str(investigation)


def test_foster_care_and_trafficking_indicators_need_the_need_to_know(api, worked_target):
    seen = detail_as(api, role_with_need(Restricted.FOSTER_CARE, True), worked_target)
    hidden_role = role_with_need(Restricted.FOSTER_CARE, False)
    hidden = detail_as(api, hidden_role, worked_target)

    assert seen["child"]["custody"] == "cyfd"
    assert hidden["child"]["custody"] == RESTRICTED
    assert hidden["child"]["guardian_name"] == RESTRICTED

    without = detail_as(api, role_with_need(Restricted.TRAFFICKING_INDICATORS, False),
                        worked_target)
    assert without["child"]["risk_factors"] == ["homelessness"]
    assert without["child"]["risk_factors_restricted"] is True
    with_need = detail_as(api, role_with_need(Restricted.TRAFFICKING_INDICATORS, True),
                          worked_target)
    assert "trafficking_indicators" in with_need["child"]["risk_factors"]
    assert with_need["child"]["risk_factors_restricted"] is False


def test_a_child_on_another_operations_list_is_not_found(api, elsewhere_target):
    refusal(api("investigator").get(f"/api/v1/targets/{elsewhere_target.pk}/"), 404,
            "unknown_target")
    refusal(api("investigator").get("/api/v1/targets/not-a-number/"), 404, "unknown_target")


def test_roles_that_do_not_see_children_are_refused_a_child(api, worked_target):
    refusal(api(role_without(Cap.VIEW_TARGETS)).get(f"/api/v1/targets/{worked_target.pk}/"),
            403, "forbidden")
